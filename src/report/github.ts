// GitHub Actions workflow commands (`::error file=…::message`), escaped as @actions/core does.
import type { Finding, Severity } from '../engine/finding.js';
import { bySeverity, displayPath, regionOf, SEVERITIES, sortFindings, type ReportContext } from './context.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** Message text of a workflow command (actions/toolkit `escapeData`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value of a workflow command (actions/toolkit `escapeProperty`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function github(findings: Finding[], ctx: ReportContext): string {
  const perLevel = ctx.githubAnnotationsPerLevel;
  const { shown, omitted } = perLevel === undefined
    ? { shown: sortFindings(findings), omitted: 0 }
    : limitAnnotations(findings, perLevel);
  let out = '';
  for (const f of shown) out += annotation(f, ctx) + '\n';
  if (omitted > 0) {
    out += `::notice title=${escapeProperty('medialint')}::` +
      escapeData(`${omitted} more finding${omitted === 1 ? '' : 's'} not annotated: GitHub shows at most ` +
        `${perLevel} error, ${perLevel} warning and ${perLevel} notice annotations per step. ` +
        `See the job summary or the code scanning results for all of them.`) + '\n';
  }
  return out;
}

/**
 * Picks the findings to annotate under GitHub's per-step limit (`perLevel` annotations of each
 * level), most severe first. When anything is left out, one notice slot is kept for the
 * "N more" message. The chosen findings are returned in report order.
 */
export function limitAnnotations(findings: readonly Finding[], perLevel: number): { shown: Finding[]; omitted: number } {
  const budget = Math.max(0, Math.floor(perLevel));
  const byLevel: Record<Severity, Finding[]> = { error: [], warning: [], info: [] };
  for (const f of bySeverity(findings)) byLevel[f.severity].push(f);
  const overflow = byLevel.error.length > budget || byLevel.warning.length > budget || byLevel.info.length > budget;
  const chosen = new Set<Finding>();
  for (const s of SEVERITIES) {
    const room = s === 'info' && overflow ? Math.max(0, budget - 1) : budget;
    for (const f of byLevel[s].slice(0, room)) chosen.add(f);
  }
  const shown = sortFindings(findings).filter((f) => chosen.has(f));
  return { shown, omitted: findings.length - shown.length };
}

function annotation(f: Finding, ctx: ReportContext): string {
  const r = regionOf(f.loc);
  const props: [string, string | number][] = [['file', displayPath(f.loc.file, ctx.cwd)], ['line', r.line]];
  // GitHub accepts columns only for a single-line range (@actions/core AnnotationProperties).
  if (r.endLine === r.line) props.push(['col', r.col], ['endLine', r.endLine], ['endColumn', r.endCol]);
  else props.push(['endLine', r.endLine]);
  props.push(['title', `medialint ${f.ruleId}`]);

  let text = f.message;
  for (const rel of f.related ?? []) text += `\nsee also: ${displayPath(rel.loc.file, ctx.cwd)}:${rel.loc.line} ${rel.message}`;
  if (f.overlays?.length) text += `\n(via overlays: ${f.overlays.join(', ')})`;

  return `::${COMMAND[f.severity]} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(text)}`;
}

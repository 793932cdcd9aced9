// The GitHub Action's work (action.yml; the entry is main.ts, bundled into dist/action.js).
//
// Lints like the CLI (same config lookup, same pipeline), then: annotations through
// @actions/core (most severe first, on the lines the change touched first, within GitHub's
// 10-per-level-per-step limit, plus one notice saying how many more there are), a SARIF file for
// github/codeql-action/upload-sarif, a job summary (counts per rule, a table of findings,
// the mount graph of each failing pod; under GitHub's 1 MiB cap), the outputs `errors`,
// `warnings` and `sarif-file`, and a failed step per `fail-on`.
import * as core from '@actions/core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, Severity } from '../engine/finding.js';
import { SEVERITY_RANK } from '../engine/finding.js';
import { lintPaths, type LintResult } from '../engine/lint.js';
import { loadConfig, ConfigError } from '../engine/load-config.js';
import { docsUrl } from '../engine/rule.js';
import { RULES } from '../../rules/index.js';
import { formatFindings } from '../report/index.js';
import { packageVersion, ruleDoc } from '../cli/package-files.js';
import { buildGraph, renderMermaid, type Graph } from '../topology/graph.js';
import type { Workload } from '../model/types.js';

/** GitHub shows 10 error, 10 warning and 10 notice annotations per step (FACTS §15). */
export const ANNOTATIONS_PER_LEVEL = 10;
/** The runner drops a step summary over 1 MiB whole; stay well under it. */
export const SUMMARY_MAX_BYTES = 1024 * 1024 - 64 * 1024;

export interface ActionInputs {
  paths: string[];
  config: string | undefined;
  failOn: 'error' | 'warning' | 'never';
  sarifFile: string;
  annotations: boolean;
  summary: boolean;
  kustomize: 'auto' | 'kubectl' | 'off' | undefined;
  loadRestrictor: 'rootOnly' | 'none' | undefined;
}

class InputError extends Error {}

function bool(name: string, dflt: boolean): boolean {
  const v = core.getInput(name).trim().toLowerCase();
  if (!v) return dflt;
  if (['true', 'yes', 'on', '1'].includes(v)) return true;
  if (['false', 'no', 'off', '0'].includes(v)) return false;
  throw new InputError(`input ${name} must be true or false, got "${core.getInput(name)}"`);
}

function oneOf<T extends string>(name: string, allowed: readonly T[], dflt: T | undefined): T | undefined {
  const v = core.getInput(name).trim();
  if (!v) return dflt;
  const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (!hit) throw new InputError(`input ${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return hit;
}

export function readInputs(workspace: string): ActionInputs {
  const paths = core.getInput('paths').split(/[\n\r\s]+/).map((s) => s.trim()).filter(Boolean);
  const lr = core.getInput('load-restrictor').trim().replace(/^LoadRestrictions/i, '');
  let loadRestrictor: ActionInputs['loadRestrictor'];
  if (lr) {
    if (/^rootonly$/i.test(lr)) loadRestrictor = 'rootOnly';
    else if (/^none$/i.test(lr)) loadRestrictor = 'none';
    else throw new InputError(`input load-restrictor must be rootOnly or none, got "${core.getInput('load-restrictor')}"`);
  }
  const sarif = core.getInput('sarif-file').trim();
  return {
    paths: paths.length ? paths : ['.'],
    config: core.getInput('config').trim() || undefined,
    failOn: oneOf('fail-on', ['error', 'warning', 'never'] as const, 'error')!,
    sarifFile: path.resolve(workspace, sarif || path.join(process.env.RUNNER_TEMP || workspace, 'medialint.sarif')),
    annotations: bool('annotations', true),
    summary: bool('summary', true),
    kustomize: oneOf('kustomize', ['auto', 'kubectl', 'off'] as const, undefined),
    loadRestrictor,
  };
}

// ---- changed lines ---------------------------------------------------------------------

/**
 * Lines the pull request (or push) changed, per file relative to the workspace, from
 * `git diff` against the event's base. Undefined when unknown (no event, shallow clone...).
 */
export function changedLines(workspace: string): Map<string, Set<number>> | undefined {
  const eventPath = process.env.GITHUB_EVENT_PATH;
  if (!eventPath || !existsSync(eventPath)) return undefined;
  let base: string | undefined;
  try {
    const ev = JSON.parse(readFileSync(eventPath, 'utf8')) as { pull_request?: { base?: { sha?: string } }; before?: string };
    base = ev.pull_request?.base?.sha ?? ev.before;
  } catch {
    return undefined;
  }
  if (!base || /^0+$/.test(base)) return undefined;
  let diff: string;
  try {
    diff = execFileSync('git', ['diff', '--unified=0', '--no-color', '--no-ext-diff', base, 'HEAD'], {
      cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
  const out = new Map<string, Set<number>>();
  let lines: Set<number> | undefined;
  for (const l of diff.split('\n')) {
    if (l.startsWith('+++ ')) {
      const f = l.slice(4).replace(/^b\//, '');
      lines = f === '/dev/null' ? undefined : (out.get(f) ?? new Set());
      if (lines) out.set(f, lines);
      continue;
    }
    const m = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(l);
    if (m && lines) {
      const start = Number(m[1]);
      const n = m[2] === undefined ? 1 : Number(m[2]);
      for (let i = 0; i < n; i++) lines.add(start + i);
    }
  }
  return out;
}

// ---- annotations -----------------------------------------------------------------------

const LEVELS: Severity[] = ['error', 'warning', 'info'];

export function byImportance(findings: readonly Finding[], changed?: Map<string, Set<number>>): Finding[] {
  const touched = (f: Finding) => {
    const lines = changed?.get(f.loc.file);
    if (!lines) return false;
    for (let l = f.loc.line; l <= Math.max(f.loc.line, f.loc.endLine); l++) if (lines.has(l)) return true;
    return false;
  };
  return [...findings].sort((a, b) =>
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    Number(touched(b)) - Number(touched(a)) ||
    a.loc.file.localeCompare(b.loc.file) || a.loc.line - b.loc.line || a.loc.col - b.loc.col || a.ruleId.localeCompare(b.ruleId));
}

/**
 * The findings to annotate: at most `perLevel` of each level, most severe (then changed lines)
 * first; when any is left out, one notice slot is kept for the "N more" line.
 */
export function pickAnnotations(findings: readonly Finding[], perLevel: number, changed?: Map<string, Set<number>>): { shown: Finding[]; omitted: number } {
  const ranked = byImportance(findings, changed);
  const count = (s: Severity) => ranked.filter((f) => f.severity === s).length;
  const overflow = LEVELS.some((s) => count(s) > perLevel);
  const shown: Finding[] = [];
  for (const s of LEVELS) {
    const room = s === 'info' && overflow ? perLevel - 1 : perLevel;
    shown.push(...ranked.filter((f) => f.severity === s).slice(0, Math.max(0, room)));
  }
  return { shown, omitted: findings.length - shown.length };
}

/** The annotation of a finding: @actions/core's level, message and properties. */
export function annotationOf(f: Finding): { level: 'error' | 'warning' | 'notice'; message: string; props: core.AnnotationProperties } {
  const props: core.AnnotationProperties = { title: `medialint ${f.ruleId}`, file: f.loc.file, startLine: f.loc.line, endLine: Math.max(f.loc.line, f.loc.endLine) };
  // GitHub takes columns only for a range on one line.
  if (props.endLine === props.startLine) {
    props.startColumn = f.loc.col;
    props.endColumn = Math.max(f.loc.col, f.loc.endCol);
  }
  let message = f.message;
  for (const r of f.related ?? []) message += `\nsee also: ${r.loc.file}:${r.loc.line} ${r.message}`;
  if (f.overlays?.length) message += `\n(via overlays: ${f.overlays.join(', ')})`;
  message += `\n${docsUrl(f.ruleId)}`;
  return { level: f.severity === 'info' ? 'notice' : f.severity, message, props };
}

function annotate(f: Finding): void {
  const a = annotationOf(f);
  core[a.level](a.message, a.props);
}

// ---- job summary -------------------------------------------------------------------------

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const NOUN: Record<Severity, [string, string]> = { error: ['error', 'errors'], warning: ['warning', 'warnings'], info: ['note', 'notes'] };

function plural(n: number, s: Severity): string {
  return `${n} ${NOUN[s][n === 1 ? 0 : 1]}`;
}

/** A table cell: no pipes, no raw HTML, no line breaks. */
export function cell(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function fileLink(f: Finding): string {
  const label = `${f.loc.file}:${f.loc.line}`;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = process.env;
  if (!server || !repo || !sha || path.isAbsolute(f.loc.file) || f.loc.file.startsWith('<')) return `\`${cell(label)}\``;
  const p = f.loc.file.split('/').map(encodeURIComponent).join('/');
  return `[\`${cell(label)}\`](${server}/${repo}/blob/${sha}/${p}#L${f.loc.line})`;
}

/**
 * The mount graph around one workload, cut from the graph of the whole linted set: every flow
 * (a mount op and its readers, or an export and its clients) the workload takes part in, so a
 * consumer shows its mounter and a mounter its consumers. Undefined when it has none.
 */
export function podGraph(g: Graph, w: Workload): Graph | undefined {
  const ns = w.namespace ?? '';
  const mine = new Set(g.nodes.filter((n) => n.kind === 'container' && n.ns === ns && n.label.startsWith(`${w.kind}/${w.name} `)).map((n) => n.id));
  const flows = new Set<number>();
  g.flows.forEach((f, i) => { if (f.workload.id === w.id) flows.add(i); });
  for (const e of g.edges) if (mine.has(e.from) || mine.has(e.to)) flows.add(e.flow);
  const edges = g.edges.filter((e) => flows.has(e.flow));
  if (!edges.length) return undefined;
  const used = new Set(edges.flatMap((e) => [e.from, e.to]));
  return { nodes: g.nodes.filter((n) => used.has(n.id)), edges, flows: g.flows };
}

export interface SummaryInput {
  findings: Finding[];
  files: number;
  failOn: ActionInputs['failOn'];
  failed: boolean;
  sarifFile: string;
  /** Mermaid text of each failing pod's mount graph, by workload id. */
  graphs: Map<string, string>;
  maxBytes?: number;
}

/** The job summary, in markdown, under `maxBytes` (findings and graphs that do not fit are counted instead). */
export function buildSummary(s: SummaryInput): string {
  const max = s.maxBytes ?? SUMMARY_MAX_BYTES;
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of s.findings) counts[f.severity]++;
  const verdict = s.failed ? `failed (fail-on: ${s.failOn})` : s.findings.length ? `passed (fail-on: ${s.failOn})` : 'passed';
  let md = `## medialint\n\n`;
  md += s.findings.length
    ? `${LEVELS.map((l) => (counts[l] ? `${ICON[l]} **${plural(counts[l], l)}**` : '')).filter(Boolean).join(' · ')} in ${s.files} file${s.files === 1 ? '' : 's'}: ${verdict}.\n\n`
    : `✅ No findings in ${s.files} file${s.files === 1 ? '' : 's'}.\n`;
  if (!s.findings.length) return md;

  const perRule = new Map<string, { severity: Severity; n: number }>();
  for (const f of s.findings) {
    const r = perRule.get(f.ruleId);
    if (!r) perRule.set(f.ruleId, { severity: f.severity, n: 1 });
    else {
      r.n++;
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[r.severity]) r.severity = f.severity;
    }
  }
  md += `### Findings per rule\n\n| Rule | Severity | Findings |\n| :-- | :-- | --: |\n`;
  for (const [id, r] of [...perRule].sort((a, b) => SEVERITY_RANK[b[1].severity] - SEVERITY_RANK[a[1].severity] || b[1].n - a[1].n || a[0].localeCompare(b[0]))) {
    md += `| [${id}](${docsUrl(id)}) | ${ICON[r.severity]} ${r.severity} | ${r.n} |\n`;
  }

  const tail = (n: number) => `\n_${n} more finding${n === 1 ? ' is' : 's are'} not listed here (the summary must stay under 1 MiB): see the SARIF file \`${path.basename(s.sarifFile)}\` or the code scanning alerts._\n`;
  md += `\n### Findings\n\n|  | Location | Rule | Message |\n| :-- | :-- | :-- | :-- |\n`;
  const ranked = byImportance(s.findings);
  // Room for the closing notes (at most two lines).
  const budget = max - 1024;
  let size = Buffer.byteLength(md);
  let listed = 0;
  for (const f of ranked) {
    const row = `| ${ICON[f.severity]} | ${fileLink(f)} | [${f.ruleId}](${docsUrl(f.ruleId)}) | ${cell(f.message)}${f.overlays?.length ? `<br>_via ${cell(f.overlays.join(', '))}_` : ''} |\n`;
    const n = Buffer.byteLength(row);
    if (size + n > budget) break;
    md += row;
    size += n;
    listed++;
  }
  if (listed < ranked.length) {
    md += tail(ranked.length - listed);
    size = Buffer.byteLength(md);
  }

  if (s.graphs.size) {
    let section = `\n### Mount graphs of failing pods\n\n`;
    size += Buffer.byteLength(section);
    let left = 0;
    for (const [id, g] of s.graphs) {
      const block = `#### ${cell(id)}\n\n\`\`\`mermaid\n${g.trim()}\n\`\`\`\n\n`;
      const n = Buffer.byteLength(block);
      if (size + n > budget) {
        left++;
        continue;
      }
      section += block;
      size += n;
    }
    if (left) section += `_${left} more graph${left === 1 ? '' : 's'} left out to keep the summary under 1 MiB; run \`medialint graph --format mermaid\` locally._\n`;
    md += section;
  }
  return md;
}

// ---- run -------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const workspace = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd());
  const inputs = readInputs(workspace);

  const config = loadConfig({ cwd: workspace, explicit: inputs.config, paths: inputs.paths });
  if (inputs.kustomize) config.kustomize.mode = inputs.kustomize;
  if (inputs.loadRestrictor) config.kustomize.loadRestrictor = inputs.loadRestrictor;

  const result = lintPaths(inputs.paths, { cwd: workspace, config, rules: RULES });
  for (const e of result.errors) core.warning(`medialint: ${e}`);
  if (!result.files.length && result.errors.length) throw new InputError(`nothing to lint in ${inputs.paths.join(' ')}`);
  const findings = result.findings;

  const sarif = formatFindings('sarif', findings, {
    cwd: workspace, rules: RULES, color: false, version: packageVersion(), ruleDoc,
    sourceText: (f) => result.sources.get(f)?.text,
  });
  mkdirSync(path.dirname(inputs.sarifFile), { recursive: true });
  writeFileSync(inputs.sarifFile, sarif);

  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const failed = inputs.failOn === 'error' ? counts.error > 0 : inputs.failOn === 'warning' ? counts.error + counts.warning > 0 : false;

  if (inputs.annotations) {
    const { shown, omitted } = pickAnnotations(findings, ANNOTATIONS_PER_LEVEL, changedLines(workspace));
    for (const f of shown) annotate(f);
    if (omitted > 0) {
      core.notice(`${omitted} more finding${omitted === 1 ? '' : 's'} not annotated: GitHub shows at most ${ANNOTATIONS_PER_LEVEL} error, ` +
        `${ANNOTATIONS_PER_LEVEL} warning and ${ANNOTATIONS_PER_LEVEL} notice annotations per step. All of them are in the job summary and the SARIF file.`,
      { title: 'medialint' });
    }
  }

  if (inputs.summary && process.env.GITHUB_STEP_SUMMARY) {
    const graphs = new Map<string, string>();
    const threshold: Severity = inputs.failOn === 'warning' ? 'warning' : 'error';
    const failing = [...new Set(findings.filter((f) => f.workload && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]).map((f) => f.workload!))].sort();
    if (failing.length) {
      try {
        const whole = buildGraph(result.model, findings);
        for (const id of failing) {
          const w = result.model.workloads.find((x) => x.id === id);
          const g = w && podGraph(whole, w);
          if (g) graphs.set(id, renderMermaid(g));
        }
      } catch (e) {
        // The summary is still useful without pictures.
        core.warning(`medialint: the mount graphs could not be drawn: ${(e as Error).message}`);
      }
    }
    const md = buildSummary({ findings, files: result.files.length, failOn: inputs.failOn, failed, sarifFile: inputs.sarifFile, graphs });
    await core.summary.addRaw(md, true).write();
  }

  core.setOutput('errors', counts.error);
  core.setOutput('warnings', counts.warning);
  core.setOutput('sarif-file', inputs.sarifFile);
  core.info(`medialint: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'info')} in ${result.files.length} file${result.files.length === 1 ? '' : 's'}; SARIF: ${inputs.sarifFile}`);

  if (failed) {
    const what = inputs.failOn === 'error' ? plural(counts.error, 'error') : `${plural(counts.error, 'error')} and ${plural(counts.warning, 'warning')}`;
    core.setFailed(`medialint found ${what} (fail-on: ${inputs.failOn})`);
  }
}

/** The Action: run, and turn any failure into a failed step with a one-line cause. */
export async function main(): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof InputError || e instanceof ConfigError) core.setFailed(`medialint: ${e.message}`);
    else {
      core.debug(String((e as Error).stack));
      core.setFailed(`medialint: internal error: ${(e as Error).message}`);
    }
  }
}

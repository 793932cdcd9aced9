// Suppressions (SPEC §5): comments and the medialint.dev/ignore annotation.
//
//   # medialint-disable-next-line rule-a, rule-b -- reason   the next line (stacked comment lines skipped)
//   key: value  # medialint-disable-line rule-a -- reason    this line
//   # medialint-disable rule-a -- reason                     from here to the end of the file
//   # medialint-enable rule-a                                ends a medialint-disable
//   metadata.annotations["medialint.dev/ignore"]: "rule-a,rule-b"   the resource ("*": every rule)
//
// No rule list means every rule. Comments are read from the file a finding is located in, so a
// comment in a kustomize base silences the findings whose origin is in that base, whichever
// overlay reached them. The annotation is read from the model: on a rendered resource it counts
// only for the overlays that rendered it with the annotation.
//
// Also applies `rules` / `overrides` (off, severity) to every finding, including the ones made
// outside the rules (parse errors, kustomize errors), before suppressing.
import { Parser } from 'yaml';
import { closest, distance } from 'fastest-levenshtein';
import type { Finding } from './finding.js';
import type { Config } from './config.js';
import { applyRuleSettings } from './run.js';
import { makeLoc, position, type SourceFile } from '../load/source.js';
import type { Loc, YMap } from '../load/ynode.js';
import { get } from '../load/ynode.js';
import type { Model, Resource } from '../model/types.js';
import { RULES } from '../../rules/index.js';

export interface SuppressContext {
  sources: Map<string, SourceFile>;
  model: Model;
  config: Config;
  reportUnused: boolean;
}

export const IGNORE_ANNOTATION = 'medialint.dev/ignore';
export const UNUSED_RULE = 'unused-suppression';

type Kind = 'disable' | 'enable' | 'disable-line' | 'disable-next-line';

export interface Directive {
  kind: Kind;
  /** 1-based line of the comment. */
  line: number;
  /** For the line kinds: the line it silences. */
  target: number;
  /** undefined: every rule. */
  rules: string[] | undefined;
  /** The comment. */
  loc: Loc;
  /** Rule ids this directive silenced findings of. */
  used: Set<string>;
}

const DIRECTIVE_RE = /^#\s*medialint-(disable-next-line|disable-line|disable|enable)(?=\s|$)(.*)$/s;

/** Rule names of a directive: `a, b`, `a b`; a ` -- reason` ends the list. */
export function parseRuleList(rest: string): string[] | undefined {
  const list = rest.split(/(?:^|\s)--(?:\s|$)/)[0]!.trim();
  if (!list) return undefined;
  return [...new Set(list.split(/[\s,]+/).filter(Boolean))];
}

/** Every comment token of a YAML text, with its offset (block scalar contents are not comments). */
function comments(text: string): { offset: number; source: string }[] {
  const out: { offset: number; source: string }[] = [];
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) {
      for (const x of o) walk(x);
      return;
    }
    if (!o || typeof o !== 'object') return;
    const t = o as Record<string, unknown>;
    if (t.type === 'comment' && typeof t.source === 'string' && typeof t.offset === 'number') {
      out.push({ offset: t.offset, source: t.source });
      return;
    }
    for (const k in t) if (typeof t[k] === 'object') walk(t[k]);
  };
  for (const tok of new Parser().parse(text)) walk(tok);
  return out;
}

/** Lines holding only a comment (for stacking `disable-next-line` comments). */
function isCommentLine(sf: SourceFile, line: number): boolean {
  const start = sf.lineStarts[line - 1];
  if (start === undefined) return false;
  const end = sf.lineStarts[line] ?? sf.text.length;
  return /^\s*#/.test(sf.text.slice(start, end));
}

/** The directives of one file; cheap (one indexOf) for files without any. */
export function directivesOf(sf: SourceFile): Directive[] {
  if (sf.text.indexOf('medialint-disable') < 0) return [];
  const out: Directive[] = [];
  for (const c of comments(sf.text)) {
    if (c.source.indexOf('medialint-') < 0) continue;
    const m = DIRECTIVE_RE.exec(c.source);
    if (!m) continue;
    const kind = m[1] as Kind;
    const { line } = position(sf.lineStarts, c.offset);
    let target = line;
    if (kind === 'disable-next-line') {
      target = line + 1;
      while (target <= sf.lineStarts.length && isCommentLine(sf, target)) target++;
    }
    out.push({
      kind, line, target, rules: parseRuleList(m[2]!),
      loc: makeLoc(sf.path, sf.lineStarts, c.offset, c.offset + c.source.length),
      used: new Set(),
    });
  }
  // File order (the CST walk visits a node's comments before its children's, not always in order).
  return out.sort((a, b) => a.loc.start - b.loc.start);
}

/** The directive that silences `ruleId` on `line`, if any. */
function silencer(directives: Directive[], ruleId: string, line: number): Directive | undefined {
  const covers = (d: Directive) => !d.rules || d.rules.includes(ruleId);
  for (const d of directives) {
    if ((d.kind === 'disable-line' || d.kind === 'disable-next-line') && d.target === line && covers(d)) return d;
  }
  // disable / enable ranges, in file order up to the finding's line.
  let all: Directive | undefined;
  const except = new Set<string>();
  let one: Directive | undefined;
  for (const d of directives) {
    if (d.line > line) break;
    if (d.kind === 'disable') {
      if (!d.rules) {
        all = d;
        except.clear();
      } else if (d.rules.includes(ruleId)) {
        one = d;
        except.delete(ruleId);
      }
    } else if (d.kind === 'enable') {
      if (!d.rules) {
        all = undefined;
        one = undefined;
        except.clear();
      } else if (d.rules.includes(ruleId)) {
        one = undefined;
        if (all) except.add(ruleId);
      }
    }
  }
  return one ?? (all && !except.has(ruleId) ? all : undefined);
}

interface Ignore {
  resource: Resource;
  rules: string[] | undefined;
  /** The annotation's value (or the resource, when the value has no position). */
  loc: Loc | undefined;
  key: string;
}

function ignoresOf(model: Model): Ignore[] {
  const out: Ignore[] = [];
  for (const r of model.resources) {
    const v = r.annotations[IGNORE_ANNOTATION];
    if (v === undefined) continue;
    const node = get(r.node, 'metadata', 'annotations', IGNORE_ANNOTATION);
    const loc = node?.loc ?? r.node.loc;
    const list = v.split(/[\s,]+/).filter(Boolean);
    out.push({
      resource: r,
      rules: !list.length || list.includes('*') ? undefined : [...new Set(list)],
      loc,
      key: loc ? `${loc.file}\u0000${loc.start}` : `${r.kind}/${r.namespace ?? '-'}/${r.name}\u0000${r.root ?? ''}`,
    });
  }
  return out;
}

function inside(loc: Loc, node: YMap): boolean {
  const n = node.loc;
  return !!n && n.file === loc.file && loc.start >= n.start && loc.start <= n.end;
}

const KNOWN = () => new Set(RULES.map((r) => r.id));

export function applySuppressions(findings: Finding[], ctx: SuppressContext): Finding[] {
  const settled = applyRuleSettings(findings, ctx.config);

  const byFile = new Map<string, Directive[]>();
  const directives = (file: string): Directive[] => {
    let d = byFile.get(file);
    if (!d) {
      const sf = ctx.sources.get(file);
      byFile.set(file, (d = sf ? directivesOf(sf) : []));
    }
    return d;
  };

  const ignores = ignoresOf(ctx.model);
  const usedIgnores = new Map<string, Set<string>>();
  const workloadOf = new Map<Resource, string>();
  for (const w of ctx.model.workloads) workloadOf.set(w.resource, w.id);

  const ignoredBy = (f: Finding): Ignore[] | undefined => {
    if (!ignores.length) return undefined;
    const candidates = ignores.filter((i) => (!i.rules || i.rules.includes(f.ruleId)) &&
      ((f.workload !== undefined && workloadOf.get(i.resource) === f.workload) || inside(f.loc, i.resource.node)));
    if (!candidates.length) return undefined;
    // Reached through overlays: every one of them must carry the annotation.
    if (f.overlays?.length) {
      const chosen: Ignore[] = [];
      for (const o of f.overlays) {
        const c = candidates.find((i) => i.resource.root === o);
        if (!c) return undefined;
        chosen.push(c);
      }
      return chosen;
    }
    return [candidates[0]!];
  };

  const kept: Finding[] = [];
  for (const f of settled) {
    const d = silencer(directives(f.loc.file), f.ruleId, f.loc.line);
    if (d) {
      d.used.add(f.ruleId);
      continue;
    }
    const by = ignoredBy(f);
    if (by) {
      for (const i of by) {
        const u = usedIgnores.get(i.key) ?? new Set<string>();
        u.add(f.ruleId);
        usedIgnores.set(i.key, u);
      }
      continue;
    }
    kept.push(f);
  }

  if (!ctx.reportUnused) return kept;
  const known = KNOWN();
  const unused: Finding[] = [];
  for (const file of ctx.sources.keys()) {
    for (const d of directives(file)) {
      if (d.kind === 'enable') continue;
      const msg = unusedMessage(`# medialint-${d.kind}`, d.rules, d.used, known, d.kind === 'disable' ? 'after it' : `on line ${d.target}`);
      if (msg) unused.push({ ruleId: UNUSED_RULE, severity: 'info', message: msg, loc: d.loc });
    }
  }
  const seen = new Set<string>();
  for (const i of ignores) {
    if (seen.has(i.key) || !i.loc) continue;
    seen.add(i.key);
    const msg = unusedMessage(`The ${IGNORE_ANNOTATION} annotation`, i.rules, usedIgnores.get(i.key) ?? new Set(), known, `on ${i.resource.kind} ${i.resource.name}`);
    if (msg) unused.push({ ruleId: UNUSED_RULE, severity: 'info', message: msg, loc: i.loc });
  }
  return [...kept, ...applyRuleSettings(unused, ctx.config)];
}

/** Why a suppression is (partly) unused, or undefined when every rule it names silenced something. */
function unusedMessage(what: string, rules: string[] | undefined, used: Set<string>, known: Set<string>, where: string): string | undefined {
  if (!rules) {
    return used.size ? undefined : `${what} silences nothing: no finding is reported ${where}. Remove it.`;
  }
  const unknown = rules.filter((r) => !known.has(r));
  const idle = rules.filter((r) => known.has(r) && !used.has(r));
  if (!unknown.length && !idle.length) return undefined;
  const parts: string[] = [];
  for (const r of unknown) {
    const c = closest(r, [...known]);
    const hint = distance(r, c) <= Math.max(2, Math.floor(r.length / 3)) ? ` (did you mean ${c}?)` : '';
    parts.push(`"${r}" is not a medialint rule${hint}`);
  }
  if (idle.length) parts.push(`${idle.join(', ')} report${idle.length === 1 ? 's' : ''} nothing ${where}`);
  const all = unknown.length + idle.length === rules.length;
  return `${what} silences nothing for ${[...unknown, ...idle].join(', ')}: ${parts.join('; ')}. ` +
    (all ? 'Remove it.' : `Remove ${unknown.length + idle.length === 1 ? 'that name' : 'those names'} from it.`);
}

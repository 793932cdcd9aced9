// The fixer: lint, take the fixes whose edits do not touch each other, apply them per file,
// keep a file's changes only if it still parses, re-lint, repeat; at most 10 passes, and
// stop when nothing changes or the text comes back to what it was two passes ago
// [ESLint linter.js verifyAndFix, source-code-fixer.js].
import { parseAllDocuments } from 'yaml';
import type { Edit, Finding, Fix } from '../engine/finding.js';
import { compareFindings } from '../engine/finding.js';
import type { YMap } from '../load/ynode.js';
import { applyTextEdits, conflicts, overlaps, sortEdits, type TextEdit } from './text-edit.js';
import { editFile, keyTarget, toTextEdits } from './yaml-edits.js';

export const MAX_PASSES = 10;

export interface FixFilesOptions {
  /** path -> text of every linted file (only these may be written). */
  files: Map<string, string>;
  lint: (files: Map<string, string>) => Promise<Finding[]> | Finding[];
  /** Also apply each finding's first suggestion when it has no fix (`--suggestions`). */
  suggestions: boolean;
  maxPasses?: number;
  canWrite?: (path: string) => boolean;
}

export interface AppliedFix {
  finding: Finding;
  fix: Fix;
}

export interface FixFilesResult {
  /** New texts of the files that changed (path -> text). */
  files: Map<string, string>;
  applied: AppliedFix[];
  /** Passes that changed something. */
  passes: number;
  /** Findings of the last lint (what --fix could not fix). */
  remaining: Finding[];
  /** Why some fixes were not applied: a file would not parse, a fix cannot be written... */
  problems: string[];
}

interface Planned {
  finding: Finding;
  fix: Fix;
  edits: TextEdit[];
  files: Set<string>;
  key: string;
}

export async function fixFiles(opts: FixFilesOptions): Promise<FixFilesResult> {
  const maxPasses = Math.min(opts.maxPasses ?? MAX_PASSES, MAX_PASSES);
  const canWrite = opts.canWrite ?? (() => true);
  const original = opts.files;
  let current = new Map(original);
  const applied: AppliedFix[] = [];
  const problems = new Set<string>();
  /** Fixes refused once (their result did not parse): not tried again on the same text. */
  const refused = new Set<string>();
  const history: string[] = [snapshot(current)];
  let passes = 0;

  let findings = await opts.lint(current);
  while (passes < maxPasses) {
    const planned: Planned[] = [];
    for (const finding of [...findings].sort(compareFindings)) {
      const fix = finding.fix ?? (opts.suggestions ? finding.suggestions?.[0] : undefined);
      if (!fix || fix.edits.length === 0) continue;
      const plan = planFix(fix, (file) => current.get(file), (file) => original.has(file) && canWrite(file));
      if (typeof plan === 'string') {
        problems.add(`${finding.loc.file}:${finding.loc.line}:${finding.loc.col}: ${finding.ruleId}: fix "${fix.description}" not applied: ${plan}.`);
        continue;
      }
      if (plan.length === 0) continue;
      const key = JSON.stringify(plan.map((e) => [e.file, e.start, e.end, e.text, current.get(e.file)?.length]));
      if (refused.has(key)) continue;
      planned.push({ finding, fix, edits: plan, files: new Set(plan.map((e) => e.file)), key });
    }

    // Take fixes in order; one that touches an accepted fix's edits waits for the next pass.
    // The same edits twice (one base reached through two overlays) are one change.
    let accepted: Planned[] = [];
    const twins: Planned[] = [];
    for (const p of planned) {
      if (accepted.some((a) => a.key === p.key)) {
        twins.push(p);
        continue;
      }
      if (accepted.some((a) => a.edits.some((x) => p.edits.some((y) => conflicts(x, y))))) continue;
      accepted.push(p);
    }

    // Apply per file; a file that would not parse loses every fix touching it (all of a
    // fix's edits go in, or none), and the rest is recomputed.
    let next = new Map(current);
    for (;;) {
      next = new Map(current);
      const broken: string[] = [];
      for (const file of new Set(accepted.flatMap((p) => [...p.files]))) {
        const edits = accepted.flatMap((p) => p.edits.filter((e) => e.file === file));
        const { text, skipped } = applyTextEdits(current.get(file)!, edits);
        if (skipped.length) broken.push(file);
        else if (!parses(text) || duplicateKeys(text) > duplicateKeys(current.get(file)!)) broken.push(file);
        else next.set(file, text);
      }
      if (broken.length === 0) break;
      const keep: Planned[] = [];
      for (const p of accepted) {
        const bad = [...p.files].find((f) => broken.includes(f));
        if (!bad) keep.push(p);
        else {
          refused.add(p.key);
          problems.add(`${bad}: fix "${p.fix.description}" (${p.finding.ruleId}) not applied: the file would no longer be valid YAML.`);
        }
      }
      accepted = keep;
    }
    if (accepted.length === 0) break;
    const changed = [...next].some(([f, t]) => current.get(f) !== t);
    if (!changed) break;

    passes++;
    for (const p of accepted) applied.push({ finding: p.finding, fix: p.fix });
    for (const t of twins) if (accepted.some((a) => a.key === t.key)) applied.push({ finding: t.finding, fix: t.fix });
    current = next;
    const snap = snapshot(current);
    history.push(snap);
    findings = await opts.lint(current);
    if (history.length >= 3 && history[history.length - 3] === snap) {
      problems.add(`fixes undo each other (the text after pass ${passes} equals the text after pass ${passes - 2}); stopped.`);
      break;
    }
  }

  const files = new Map<string, string>();
  for (const [f, t] of current) if (original.get(f) !== t) files.set(f, t);
  return { files, applied, passes, remaining: findings, problems: [...problems] };
}

/**
 * All text edits of one fix, or why it cannot be applied. New keys that several edits of
 * the fix set on one map are merged first; insertions at one offset are joined in order.
 */
export function planFix(
  fix: Fix,
  textOf: (file: string) => string | undefined,
  writable: (file: string) => boolean = () => true,
): TextEdit[] | string {
  const out: TextEdit[] = [];
  for (const edit of mergeNewKeys(fix.edits)) {
    const file = editFile(edit);
    if (file === undefined) return 'the value has no position in a file';
    const text = textOf(file);
    if (text === undefined || !writable(file)) return `${file} is not among the files being fixed`;
    const edits = toTextEdits(edit, text);
    if (!edits) return `the edit (${edit.op}) cannot be made safely in ${file}`;
    out.push(...edits);
  }
  const joined = joinInsertions(out);
  const sorted = sortEdits(joined);
  for (let i = 1; i < sorted.length; i++) {
    if (overlaps(sorted[i - 1]!, sorted[i]!)) return 'its edits overlap';
  }
  return sorted;
}

function joinInsertions(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    if (e.start === e.end) {
      const same = out.find((o) => o.file === e.file && o.start === e.start && o.end === e.start);
      if (same) {
        same.text += e.text;
        continue;
      }
    }
    out.push({ ...e });
  }
  return out;
}

function mergeNewKeys(edits: Edit[]): Edit[] {
  const out: Edit[] = [];
  const made = new Map<YMap, Map<string, { op: 'setKey'; map: YMap; key: string; value: unknown; after?: string }>>();
  for (const e of edits) {
    const t = keyTarget(e);
    if (!t || !t.isNew) {
      out.push(e);
      continue;
    }
    let byKey = made.get(t.map);
    if (!byKey) made.set(t.map, (byKey = new Map()));
    const prev = byKey.get(t.key);
    if (prev && isObject(prev.value) && isObject(t.value)) {
      prev.value = deepMerge(prev.value, t.value);
      continue;
    }
    const merged = { op: 'setKey' as const, map: t.map, key: t.key, value: t.value, after: t.after };
    byKey.set(t.key, merged);
    out.push(merged);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = out[k];
    out[k] = isObject(av) && isObject(v) ? deepMerge(av, v) : v;
  }
  return out;
}

/** The text is YAML without errors (every document). */
export function parses(text: string): boolean {
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: false, strict: false });
    const list = Array.isArray(docs) ? docs : [];
    return list.every((d) => d.errors.length === 0);
  } catch {
    return false;
  }
}

/** Duplicate keys in the text: a fix must not add one (the loader accepts them, kubectl does not). */
export function duplicateKeys(text: string): number {
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: true, strict: false });
    let n = 0;
    for (const d of Array.isArray(docs) ? docs : []) n += d.errors.filter((e) => e.code === 'DUPLICATE_KEY').length;
    return n;
  } catch {
    return 0;
  }
}

function snapshot(files: Map<string, string>): string {
  return JSON.stringify([...files].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

// The fixer: lint, take the fixes whose edits do not touch each other, apply them per file,
// keep a file's changes only if it still parses, re-lint, repeat; at most 10 passes, and
// stop when nothing changes or the text comes back to what it was two passes ago
// [ESLint linter.js verifyAndFix, source-code-fixer.js].
import { parseAllDocuments } from 'yaml';
import type { Edit, Finding, Fix } from '../engine/finding.js';
import { compareFindings } from '../engine/finding.js';
import type { YMap } from '../load/ynode.js';
import { applyTextEdits, conflicts, overlaps, sortEdits, type TextEdit } from './text-edit.js';
import { editFile, keyTarget, toTextEditsOfFix } from './yaml-edits.js';

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
  /** Duplicate keys in each file's current text: counted when first needed, then known from the parse that accepted its new text. */
  const dupsOf = new Map<string, number>();
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

    // Apply per file. When the accepted fixes together break a file (it would not parse, or
    // it gains a duplicate key: a rename to `mountPropagation` next to a fix that adds
    // `mountPropagation`), that file's fixes are taken in turn instead (`takeFixes`): a fix
    // that breaks the file on its own is refused and reported; one that only clashes with
    // fixes already taken waits for the next pass, where its rule sees their result (the
    // added key becomes a value replacement, or nothing). All of a fix's edits go in, or none.
    // A file's result depends only on which fixes touch it (accepted fixes never touch each
    // other's edits, so their order does not matter): each set is applied and parsed once per
    // pass, however often takeFixes and the loop below ask for it.
    let next = new Map(current);
    const nextDups = new Map<string, number>();
    const id = new Map(accepted.map((p, i) => [p, i]));
    const results = new Map<string, FileResult | undefined>();
    const result = (file: string, fixes: readonly Planned[]) => {
      const mine = fixes.filter((p) => p.files.has(file));
      const key = `${file}\0${mine.map((p) => id.get(p)!).sort((a, b) => a - b).join(',')}`;
      if (!results.has(key)) {
        const text = current.get(file)!;
        if (!dupsOf.has(file)) dupsOf.set(file, duplicateKeys(text));
        results.set(key, fileResult(text, mine, file, dupsOf.get(file)!));
      }
      return results.get(key);
    };
    for (;;) {
      next = new Map(current);
      nextDups.clear();
      const broken: string[] = [];
      for (const file of new Set(accepted.flatMap((p) => [...p.files]))) {
        const r = result(file, accepted);
        if (r === undefined) broken.push(file);
        else {
          next.set(file, r.text);
          nextDups.set(file, r.duplicateKeys);
        }
      }
      if (broken.length === 0) break;
      const drop = new Set<Planned>();
      for (const file of broken) {
        const { waiting, breaking } = takeFixes(byPriority(accepted.filter((a) => a.files.has(file))), (fixes) => result(file, fixes) !== undefined);
        for (const p of waiting) drop.add(p);
        for (const p of breaking) {
          drop.add(p);
          refused.add(p.key);
          problems.add(`${file}: fix "${p.fix.description}" (${p.finding.ruleId}) not applied: the file would no longer be valid YAML.`);
        }
      }
      accepted = accepted.filter((p) => !drop.has(p));
    }
    if (accepted.length === 0) break;
    const changed = [...next].some(([f, t]) => current.get(f) !== t);
    if (!changed) break;

    passes++;
    for (const p of accepted) applied.push({ finding: p.finding, fix: p.fix });
    for (const t of twins) if (accepted.some((a) => a.key === t.key)) applied.push({ finding: t.finding, fix: t.fix });
    current = next;
    for (const [f, n] of nextDups) dupsOf.set(f, n);
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

interface FileResult {
  text: string;
  duplicateKeys: number;
}

/**
 * The text of `file` with the edits of `fixes` on it (and its duplicate keys), or undefined
 * when it breaks: an edit cannot be placed, the text does not parse, or it has more
 * duplicate keys than before.
 */
function fileResult(text: string, fixes: readonly Planned[], file: string, dupsBefore: number): FileResult | undefined {
  const edits = fixes.flatMap((p) => p.edits.filter((e) => e.file === file));
  const out = applyTextEdits(text, edits);
  if (out.skipped.length) return undefined;
  const health = yamlHealth(out.text);
  return health.parses && health.duplicateKeys <= dupsBefore ? { text: out.text, duplicateKeys: health.duplicateKeys } : undefined;
}

/**
 * Which of `fixes` (in order) can go into a file together, given `fits` (the file is sound
 * with these fixes). Taken in runs, halved where a run does not fit, so that one bad fix
 * among many costs a few parses, not one per fix. `waiting`: fits alone, not with the fixes
 * taken before it; `breaking`: does not fit even alone.
 */
export function takeFixes<T>(fixes: readonly T[], fits: (fixes: readonly T[]) => boolean): { taken: T[]; waiting: T[]; breaking: T[] } {
  const taken: T[] = [];
  const waiting: T[] = [];
  const breaking: T[] = [];
  const visit = (run: readonly T[]): void => {
    if (run.length === 0) return;
    if (fits([...taken, ...run])) {
      taken.push(...run);
      return;
    }
    if (run.length === 1) {
      (taken.length && fits(run) ? waiting : breaking).push(run[0]!);
      return;
    }
    const half = Math.ceil(run.length / 2);
    visit(run.slice(0, half));
    visit(run.slice(half));
  };
  visit(fixes);
  return { taken, waiting, breaking };
}

/**
 * The order in which clashing fixes are taken: a fix that changes text already there (a key
 * renamed, a value replaced) before one that only adds text. Re-planned on the next pass,
 * an addition adapts to the change (setKey on a key that now exists replaces its value);
 * the other way round, the rename would find its key taken and could not be made at all.
 * Otherwise the pass order (stable).
 */
function byPriority(fixes: Planned[]): Planned[] {
  const addsOnly = (p: Planned) => p.edits.every((e) => e.start === e.end);
  return [...fixes.filter((p) => !addsOnly(p)), ...fixes.filter(addsOnly)];
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
  const merged = mergeNewKeys(fix.edits);
  const byFile = new Map<string, Edit[]>();
  const fileOf: string[] = [];
  for (const edit of merged) {
    const file = editFile(edit);
    if (file === undefined) return 'the value has no position in a file';
    const text = textOf(file);
    if (text === undefined || !writable(file)) return `${file} is not among the files being fixed`;
    fileOf.push(file);
    byFile.set(file, [...(byFile.get(file) ?? []), edit]);
  }
  // Per file, so that a comment one edit deletes and another writes back (a moved
  // container's) is not also kept in place.
  const made = new Map<string, (TextEdit[] | undefined)[]>();
  for (const [file, edits] of byFile) made.set(file, toTextEditsOfFix(edits, textOf(file)!));
  const out: TextEdit[] = [];
  for (let i = 0; i < merged.length; i++) {
    const edits = made.get(fileOf[i]!)!.shift();
    if (!edits) return `the edit (${merged[i]!.op}) cannot be made safely in ${fileOf[i]}`;
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

/** Whether the text parses, and its duplicate keys, from one parse. */
function yamlHealth(text: string): { parses: boolean; duplicateKeys: number } {
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: true, strict: false });
    let dups = 0;
    for (const d of Array.isArray(docs) ? docs : []) {
      for (const e of d.errors) {
        if (e.code === 'DUPLICATE_KEY') dups++;
        else return { parses: false, duplicateKeys: dups };
      }
    }
    return { parses: true, duplicateKeys: dups };
  } catch {
    return { parses: false, duplicateKeys: 0 };
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

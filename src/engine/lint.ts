// The pipeline, end to end: discover -> load -> render kustomize roots -> model -> rules -> findings.
import path from 'node:path';
import type { Finding } from './finding.js';
import { compareFindings } from './finding.js';
import type { Config } from './config.js';
import type { Rule } from './rule.js';
import { runRules } from './run.js';
import { applySuppressions } from './suppress.js';
import { decode, parseSource, type SourceFile } from '../load/source.js';
import { readRegularFile } from '../load/read.js';
import { discover, displayPath, KUSTOMIZATION_NAMES } from '../load/discover.js';
import { buildModel, type InputDoc } from '../model/build.js';
import type { Model } from '../model/types.js';
import { lintKustomizations } from '../kustomize/lint-roots.js';

export interface LintOptions {
  cwd: string;
  config: Config;
  rules: Rule[];
  /** Read a file (absolute path); the fixer passes edited texts through here. */
  readFile?: (abs: string) => Uint8Array | undefined;
  /** `-`: a stream from stdin, shown under this name. */
  stdin?: { text: string; filename: string };
  reportUnusedSuppressions?: boolean;
  /** `--app-template-values FILE`: bjw-s app-template values files (paths relative to cwd), linted as releases of the chart. */
  appTemplateValues?: string[];
}

export interface LintResult {
  findings: Finding[];
  /** Every file read, by display path. */
  sources: Map<string, SourceFile>;
  model: Model;
  /** One-line errors for unreadable arguments. */
  errors: string[];
  /** Display paths of the files that were linted (the fixer may write only these). */
  files: string[];
}

export function defaultReadFile(abs: string): Uint8Array | undefined {
  // Regular files only, and not past the size limit: a FIFO or /dev/zero named by a
  // kustomization hung the run (src/load/read.ts).
  return readRegularFile(abs);
}

export function lintPaths(args: string[], opts: LintOptions): LintResult {
  const { files, errors } = discover(args, { cwd: opts.cwd, ignore: opts.config.ignore });
  const r = lintFiles(files, opts);
  if (errors.length) r.errors = [...errors, ...r.errors];
  return r;
}

export function lintFiles(absFiles: string[], opts: LintOptions): LintResult {
  const read = opts.readFile ?? defaultReadFile;
  const sources = new Map<string, SourceFile>();
  const errors: string[] = [];
  const fileFindings: Finding[] = [];
  const show = (abs: string) => displayPath(abs, opts.cwd);

  const load = (abs: string, display = show(abs)): SourceFile | undefined => {
    const cached = sources.get(display);
    if (cached) return cached;
    const bytes = read(abs);
    if (!bytes) return undefined;
    const d = decode(display, bytes);
    const sf = 'text' in d ? parseSource(display, d.text) : { path: display, text: '', docs: [], findings: [d.finding], lineStarts: [0] };
    sources.set(display, sf);
    return sf;
  };

  const docs: InputDoc[] = [];
  if (opts.stdin) {
    const sf = parseSource(opts.stdin.filename, opts.stdin.text);
    sources.set(sf.path, sf);
    append(fileFindings, sf.findings);
    for (const d of sf.docs) docs.push({ node: d.node, file: sf.path });
  }

  // Kustomize: render each root; files it reads are linted only as rendered.
  const kustDirs = absFiles.filter((f) => KUSTOMIZATION_NAMES.includes(path.basename(f))).map((f) => path.dirname(f));
  const consumed = new Set<string>();
  if (kustDirs.length && opts.config.kustomize.mode !== 'off') {
    const k = lintKustomizations(kustDirs, {
      cwd: opts.cwd, config: opts.config, readFile: read, displayPath: show,
    });
    for (const f of k.files) consumed.add(path.resolve(f));
    append(fileFindings, k.findings);
    append(docs, k.docs);
    for (const abs of k.files) load(abs);
  }

  for (const abs of absFiles) {
    const sf = load(abs);
    if (!sf) {
      errors.push(`${show(abs)}: cannot be read`);
      continue;
    }
    append(fileFindings, sf.findings);
    if (consumed.has(abs) || KUSTOMIZATION_NAMES.includes(path.basename(abs))) continue;
    for (const d of sf.docs) docs.push({ node: d.node, file: sf.path });
  }

  // --app-template-values: each file's documents are app-template values (src/apptemplate).
  const valuesFiles: string[] = [];
  for (const p of opts.appTemplateValues ?? []) {
    const abs = path.resolve(opts.cwd, p);
    const sf = load(abs);
    if (!sf) {
      errors.push(`${show(abs)}: cannot be read (--app-template-values)`);
      continue;
    }
    if (!absFiles.includes(abs)) append(fileFindings, sf.findings);
    valuesFiles.push(abs);
    for (const d of sf.docs) docs.push({ node: d.node, file: sf.path, appTemplateValues: true });
  }

  const model = buildModel(docs, opts.config, (f) => sources.get(f)?.text);
  const findings = runRules(model, opts.rules.filter((r) => r.scope !== 'input'), opts.config);
  const all = dedupe([...fileFindings, ...findings]);
  const kept = applySuppressions(all, { sources, model, config: opts.config, reportUnused: !!opts.reportUnusedSuppressions });
  kept.sort(compareFindings);
  const linted = [...absFiles, ...valuesFiles.filter((f) => !absFiles.includes(f))];
  return { findings: kept, sources, model, errors, files: linted.map(show) };
}

/**
 * `to.push(...from)` without the spread: spreading an array of more than ~120,000 items
 * into a call throws RangeError (every item is an argument on the stack).
 */
function append<T>(to: T[], from: readonly T[]): void {
  for (let i = 0; i < from.length; i++) to.push(from[i]!);
}

/**
 * The same finding reached through several kustomize roots is reported once, overlays merged.
 * Rendered findings at one origin differ only by names the overlays changed (a prefix), so
 * findings of one rule at one place from different roots merge even when their texts differ.
 */
export function dedupe(findings: Finding[]): Finding[] {
  const byPlace = new Map<string, Finding[]>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.ruleId}\u0000${f.loc.file}\u0000${f.loc.start}\u0000${f.loc.end}`;
    const group = byPlace.get(key) ?? [];
    const same = group.find((g) => g.message === f.message ||
      (!!f.overlays?.length && !!g.overlays?.length && !f.overlays.some((o) => g.overlays!.includes(o))));
    if (!same) {
      const copy = { ...f };
      group.push(copy);
      out.push(copy);
      byPlace.set(key, group);
      continue;
    }
    if (f.overlays?.length) same.overlays = [...new Set([...(same.overlays ?? []), ...f.overlays])].sort();
    if (rank(f.severity) > rank(same.severity)) same.severity = f.severity;
  }
  return out;
}

function rank(s: string): number {
  return s === 'error' ? 3 : s === 'warning' ? 2 : 1;
}

// --fix / --fix-dry-run: lint, apply fixes in passes (src/fix), then write atomically or print a diff.
import path from 'node:path';
import type { Finding } from '../engine/finding.js';
import type { Config } from '../engine/config.js';
import { defaultReadFile, lintFiles, lintPaths, type LintOptions, type LintResult } from '../engine/lint.js';
import { fixFiles, parses } from '../fix/apply.js';
import { writeAtomic } from '../fix/write.js';
import { editFile } from '../fix/yaml-edits.js';
import { unifiedDiff } from '../fix/diff.js';
import { RULES } from '../../rules/index.js';
import type { Io } from './main.js';

const enc = new TextEncoder();

/** A readFile that sees `files` (display path -> text, relative to cwd) in place of what is on disk. */
function memoryRead(files: Map<string, string>, opts: LintOptions, cwd: string): (abs: string) => Uint8Array | undefined {
  return (abs) => {
    const t = files.get(path.relative(cwd, abs).split(path.sep).join('/'));
    return t !== undefined ? enc.encode(t) : (opts.readFile ?? defaultReadFile)(abs);
  };
}

/** Lint `files` (display path -> text, relative to cwd) as if they were on disk, with edits applied in memory. */
function memoryLint(absFiles: string[], opts: LintOptions, cwd: string) {
  return (files: Map<string, string>): Finding[] => lintFiles(absFiles, { ...opts, readFile: memoryRead(files, opts, cwd) }).findings;
}

/** Fix in memory (used by tests and by runFix). Returns only the files that changed. */
export async function fixTexts(files: Map<string, string>, cwd: string, config: Config, suggestions: boolean) {
  const abs = [...files.keys()].map((f) => path.resolve(cwd, f));
  const opts: LintOptions = { cwd, config, rules: RULES };
  const lint = memoryLint(abs, opts, cwd);
  const r = await fixFiles({ files, lint, suggestions, canWrite: (p) => files.has(p) });
  return { files: r.files, remaining: r.remaining, applied: r.applied, problems: r.problems };
}

export async function runFix(paths: string[], opts: LintOptions, o: { write: boolean; suggestions: boolean; io: Io; only?: (file: string) => boolean; printDiff?: boolean }): Promise<{ result: LintResult; note: string; writeFailures: number }> {
  const first = lintPaths(paths, opts);
  // Only the linted files may be written, never files outside the linted paths.
  const linted = new Set(first.files);
  const texts = new Map<string, string>();
  for (const [p, sf] of first.sources) if (linted.has(p) || isInside(p, opts.cwd)) texts.set(p, sf.text);
  const lint = memoryLint(first.files.map((f) => path.resolve(opts.cwd, f)), opts, opts.cwd);
  const r = await fixFiles({ files: texts, lint, suggestions: o.suggestions, canWrite: (p) => linted.has(p) && (!o.only || o.only(p)) });
  const notes: string[] = [...r.problems];
  let changed = 0;
  const unwritten = new Set<string>();
  // Files --fix could not write (read-only, changed on disk, I/O error): exit 2 (main.ts).
  let writeFailures = 0;
  for (const [file, text] of r.files) {
    const before = texts.get(file)!;
    if (o.write) {
      // The fixer only returns texts that parse; checked again here, where the file is
      // written, so no path can write a file that no longer parses (SPEC §4).
      const err = parses(text)
        ? writeAtomic(path.resolve(opts.cwd, file), text, { expectedOriginal: before, display: file })
        : `${file}: the fixed text would not parse; not written.`;
      if (err) {
        notes.push(err);
        writeFailures++;
        unwritten.add(file);
      } else changed++;
    } else if (o.printDiff !== false) {
      o.io.stdout(unifiedDiff(file, before, text));
    }
  }
  // What remains after fixing decides the exit code and the report.
  // Bug fix (test/fix-corpus.test.ts): the report used `r.remaining` (findings on the fixed
  // texts) with `first.sources` (the texts read from disk), so after --fix-dry-run the
  // JSON/SARIF fixes and suggestions got no text edits (planned on the wrong text), and when
  // every write failed the report showed the file as fixed. Now: --fix reports what is on
  // disk (re-lint when something was written, else the first lint); --fix-dry-run lints the
  // fixed texts in memory, so findings, sources and text edits all describe that one text.
  let result: LintResult;
  if (o.write) result = changed ? lintPaths(paths, opts) : first;
  else if (r.files.size === 0) result = first;
  else {
    const read = memoryRead(new Map([...texts, ...r.files]), opts, opts.cwd);
    result = lintFiles(first.files.map((f) => path.resolve(opts.cwd, f)), { ...opts, readFile: read });
    result.errors = first.errors;
  }
  // Count only the fixes that reached the disk (a read-only file's fixes were not applied).
  const applied = r.applied.filter((a) => !a.fix.edits.some((e) => unwritten.has(editFile(e) ?? ''))).length;
  if (o.write && applied && changed) notes.push(`medialint: applied ${applied} fix${applied === 1 ? '' : 'es'} in ${changed} file${changed === 1 ? '' : 's'}`);
  return { result, writeFailures, note: notes.length ? notes.map((n) => (n.startsWith('medialint') ? n : `medialint: ${n}`)).join('\n') + '\n' : '' };
}

function isInside(display: string, _cwd: string): boolean {
  return !display.startsWith('/') && !display.startsWith('..');
}

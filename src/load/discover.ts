// Discover: arguments (files, directories, globs) -> the YAML files to lint, .gitignore honoured.
import { statSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { globbySync, isDynamicPattern } from 'globby';

const YAML_GLOB = '**/*.{yaml,yml}';
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface Discovered {
  /** Absolute paths, sorted, unique. */
  files: string[];
  /** Arguments that matched nothing or could not be read: one-line errors. */
  errors: string[];
}

export function discover(args: string[], opts: { cwd: string; ignore: string[] }): Discovered {
  const out = new Set<string>();
  const errors: string[] = [];
  const ignore = ['**/node_modules/**', '**/.git/**'];
  for (const g of opts.ignore) {
    if (braceExpansions(g) > MAX_BRACE_EXPANSIONS) errors.push(`ignore pattern "${g}": ${TOO_MANY}; it was not used`);
    else ignore.push(g);
  }
  for (const arg of args.length ? args : ['.']) {
    const abs = path.resolve(opts.cwd, arg);
    let st;
    try {
      st = existsSync(abs) ? statSync(abs) : undefined;
    } catch (e) {
      errors.push(`${arg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    if (st?.isDirectory()) {
      const walked = opts.ignore.length ? undefined : plainWalk(abs);
      if (walked) {
        for (const f of walked) out.add(f);
        continue;
      }
      const found = globbySync([YAML_GLOB, '**/Kustomization'], {
        cwd: abs, absolute: true, gitignore: true, ignore, dot: false, followSymbolicLinks: false, suppressErrors: true,
      });
      for (const f of found) out.add(path.normalize(f));
    } else if (st?.isFile()) {
      out.add(abs);
    } else if (isDynamicPattern(arg) && braceExpansions(arg) > MAX_BRACE_EXPANSIONS) {
      errors.push(`${arg}: ${TOO_MANY}; it was not expanded`);
    } else if (isDynamicPattern(arg)) {
      // followSymbolicLinks: false, as for directories: with it on, globby's search for
      // .gitignore files followed a link to `.` forever (`medialint 'k8s/*.yaml'` hung).
      const found = globbySync(arg, { cwd: opts.cwd, absolute: true, gitignore: true, ignore, suppressErrors: true, followSymbolicLinks: false });
      if (!found.length) errors.push(`${arg}: no files match this pattern`);
      for (const f of found) out.add(path.normalize(f));
    } else {
      errors.push(`${arg}: ${missingReason(abs)}`);
    }
  }
  return { files: [...out].sort(), errors };
}

/**
 * The files globby would find in `dir` for the directory case above, by a plain walk: names
 * ending in .yaml or .yml, or `Kustomization`, skipping dot names and node_modules. When a
 * .gitignore could apply (one in the tree, or in any folder above it) or a symbolic link is
 * met, it returns undefined and globby decides, so the answer is always globby's. The walk
 * is what a plain read of the files costs; globby's .gitignore machinery was 5% of a lint
 * of 2,000 files (SPEC §7).
 */
function plainWalk(dir: string): string[] | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.gitignore'))) return undefined;
    if (path.dirname(d) === d) break;
  }
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue; // globby's suppressErrors
    }
    for (const e of entries) {
      if (e.name === '.gitignore' || e.isSymbolicLink()) return undefined;
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') stack.push(path.join(d, e.name));
      } else if (e.isFile() && (e.name.endsWith('.yaml') || e.name.endsWith('.yml') || e.name === 'Kustomization')) {
        out.push(path.join(d, e.name));
      }
    }
  }
  return out;
}

/**
 * Glob patterns are brace-expanded before matching (micromatch): `{a,b}{c,d}…` with 23
 * groups is 8 million patterns and hung the run for minutes, and `{1..100000000}` threw.
 * Patterns come from the command line and from a repository's .medialint.yaml (`ignore`),
 * so a pattern past this many expansions is refused with a message instead.
 */
export const MAX_BRACE_EXPANSIONS = 10_000;
const TOO_MANY = `its braces expand to more than ${MAX_BRACE_EXPANSIONS} patterns`;

/** How many patterns brace expansion makes of `p` (capped; unclosed braces count as literal text, or more). */
export function braceExpansions(p: string, cap = 1e9): number {
  let i = 0;
  const seq = (inBrace: boolean): number => {
    let n = 1;
    while (i < p.length) {
      const c = p[i]!;
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (inBrace && (c === ',' || c === '}')) return n;
      i++;
      if (c !== '{') continue;
      const range = /^(-?\d+|[a-zA-Z])\.\.(-?\d+|[a-zA-Z])(?:\.\.(-?\d+))?\}/.exec(p.slice(i));
      if (range) {
        const [a, b] = [range[1]!, range[2]!].map((x) => (/^-?\d+$/.test(x) ? Number(x) : x.charCodeAt(0)));
        const step = Math.max(1, Math.abs(Number(range[3] ?? 1)) || 1);
        n = Math.min(cap, n * (Math.floor(Math.abs(b! - a!) / step) + 1));
        i += range[0].length;
        continue;
      }
      let alternatives = 0;
      for (;;) {
        alternatives = Math.min(cap, alternatives + seq(true));
        if (i >= p.length) break;
        if (p[i++] === '}') break;
      }
      n = Math.min(cap, n * Math.max(1, alternatives));
    }
    return n;
  };
  return seq(false);
}

/** Why a path that does not stat is missing: a dangling link or a link loop say so. */
function missingReason(abs: string): string {
  let link = false;
  try {
    link = lstatSync(abs).isSymbolicLink();
  } catch {
    return 'no such file or directory';
  }
  if (!link) return 'not a regular file or directory';
  try {
    statSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return 'a symbolic link loop (too many levels of symbolic links)';
    return 'a symbolic link whose target does not exist';
  }
  return 'not a regular file or directory';
}

/** Path as shown to users and in reports: relative to cwd (forward slashes) when inside it. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

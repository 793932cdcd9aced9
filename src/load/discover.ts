// Discover: arguments (files, directories, globs) -> the YAML files to lint, .gitignore honoured.
import { statSync, existsSync } from 'node:fs';
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
  const ignore = ['**/node_modules/**', '**/.git/**', ...opts.ignore];
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
      const found = globbySync([YAML_GLOB, '**/Kustomization'], {
        cwd: abs, absolute: true, gitignore: true, ignore, dot: false, followSymbolicLinks: false, suppressErrors: true,
      });
      for (const f of found) out.add(path.normalize(f));
    } else if (st?.isFile()) {
      out.add(abs);
    } else if (isDynamicPattern(arg)) {
      const found = globbySync(arg, { cwd: opts.cwd, absolute: true, gitignore: true, ignore, suppressErrors: true });
      if (!found.length) errors.push(`${arg}: no files match this pattern`);
      for (const f of found) out.add(path.normalize(f));
    } else {
      errors.push(`${arg}: no such file or directory`);
    }
  }
  return { files: [...out].sort(), errors };
}

/** Path as shown to users and in reports: relative to cwd (forward slashes) when inside it. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

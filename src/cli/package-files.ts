// Files shipped beside the code: rule docs (rules/<id>.md) and package.json.
// The CLI runs from src/ (tests) or from the bundle in dist/; both sit one level below the root.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj) && existsSync(path.join(dir, 'rules'))) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'medialint') return (root = dir);
      } catch { /* keep looking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) return (root = process.cwd());
    dir = up;
  }
}

export function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version as string;
  } catch {
    return '0.0.0';
  }
}

export function ruleDoc(id: string): string | undefined {
  if (!/^[a-z0-9-]+$/.test(id)) return undefined;
  try {
    return readFileSync(path.join(packageRoot(), 'rules', `${id}.md`), 'utf8');
  } catch {
    return undefined;
  }
}

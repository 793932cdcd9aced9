// Which kustomizations of a linted set are roots: those that no other kustomization of the
// set reaches through resources, bases or components (directly or through others).
import * as nodePath from 'node:path';
import { parseSource } from '../load/source.js';
import { get, isSeq, str } from '../load/ynode.js';
import { KUSTOMIZATION_FILES } from './load.js';

export type ReadFile = (abs: string) => Uint8Array | undefined;

function refsOf(dir: string, readFile: ReadFile): string[] {
  for (const f of KUSTOMIZATION_FILES) {
    const bytes = safe(() => readFile(nodePath.join(dir, f)));
    if (!bytes) continue;
    const sf = parseSource(nodePath.join(dir, f), new TextDecoder().decode(bytes));
    const root = sf.docs[0]?.node;
    const out: string[] = [];
    for (const key of ['resources', 'bases', 'components']) {
      const list = get(root, key);
      if (!isSeq(list)) continue;
      for (const it of list.items) {
        const s = str(it);
        if (s) out.push(nodePath.resolve(dir, s));
      }
    }
    return out;
  }
  return [];
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** Roots among `kustomizationDirs` (absolute or relative paths, returned as given). */
export function findRoots(kustomizationDirs: string[], readFile: ReadFile): string[] {
  const abs = kustomizationDirs.map((d) => nodePath.resolve(d));
  const set = new Set(abs);
  const referenced = new Set<string>();
  const seen = new Set<string>();
  const visit = (dir: string) => {
    for (const ref of refsOf(dir, readFile)) {
      if (set.has(ref)) referenced.add(ref);
      if (!seen.has(ref)) {
        seen.add(ref);
        visit(ref);
      }
    }
  };
  for (const d of abs) {
    if (seen.has(d)) continue;
    seen.add(d);
    visit(d);
  }
  return kustomizationDirs.filter((_, i) => !referenced.has(abs[i]!));
}

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
  const roots = new Set(abs.filter((d) => !referenced.has(d)));
  // Kustomizations that reference each other in a cycle (a -> b -> a, or `resources: [.]`)
  // are all "referenced", so none would be a root and the cycle would be skipped silently.
  // Render the first of each such group as a root: the renderer reports the cycle as a
  // kustomize-error at the referencing line.
  const reached = new Set<string>();
  const reach = (dir: string) => {
    if (reached.has(dir)) return;
    reached.add(dir);
    for (const ref of refsOf(dir, readFile)) reach(ref);
  };
  for (const r of roots) reach(r);
  for (const d of abs) {
    if (reached.has(d)) continue;
    roots.add(d);
    reach(d);
  }
  return kustomizationDirs.filter((_, i) => roots.has(abs[i]!));
}

// Glue between the pipeline and the renderer: find the roots among the linted
// kustomizations, render each, and hand back documents whose nodes carry their origins.
import path from 'node:path';
import type { Finding } from '../engine/finding.js';
import type { Config } from '../engine/config.js';
import type { InputDoc } from '../model/build.js';
import { findRoots } from './index.js';
import { renderChecked } from './patch-targets.js';
import { renderWithKubectl } from './kubectl.js';

export interface KustomizeLintResult {
  docs: InputDoc[];
  findings: Finding[];
  /** Absolute paths of every file the renders read. */
  files: string[];
}

export function lintKustomizations(dirs: string[], opts: {
  cwd: string; config: Config; readFile: (abs: string) => Uint8Array | undefined; displayPath: (abs: string) => string;
}): KustomizeLintResult {
  const out: KustomizeLintResult = { docs: [], findings: [], files: [] };
  const files = new Set<string>();
  // Every overlay of a base reads the base's files: each is read once per run (a read that
  // throws is not kept, and throws again).
  const read = new Map<string, Uint8Array | undefined>();
  const readFile = (abs: string): Uint8Array | undefined => {
    if (read.has(abs)) return read.get(abs);
    const b = opts.readFile(abs);
    read.set(abs, b);
    return b;
  };
  const roots = findRoots(dirs.map((d) => path.resolve(d)), readFile);
  for (const root of roots) {
    const rootName = opts.displayPath(root) || '.';
    const ro = { loadRestrictor: opts.config.kustomize.loadRestrictor, readFile, displayPath: opts.displayPath };
    let r;
    if (opts.config.kustomize.mode === 'kubectl') {
      // kubectl renders; the in-process render still tells which files the root reads.
      r = { ...renderWithKubectl(root, ro), files: renderChecked(root, ro).result.files };
    } else {
      const c = renderChecked(root, ro);
      r = c.result;
      for (const f of c.targetFindings) out.findings.push({ ...f, overlays: [rootName] });
    }
    for (const f of r.findings) out.findings.push({ ...f, overlays: [rootName] });
    for (const f of r.files) files.add(f);
    for (const node of r.resources) out.docs.push({ node, file: node.loc?.file ?? rootName, root: rootName });
  }
  out.files = [...files];
  return out;
}

// Glue between the pipeline and the renderer: find the roots among the linted
// kustomizations, render each, and hand back documents whose nodes carry their origins.
import path from 'node:path';
import type { Finding } from '../engine/finding.js';
import type { Config } from '../engine/config.js';
import type { InputDoc } from '../model/build.js';
import { findRoots, render } from './index.js';

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
  const roots = findRoots(dirs.map((d) => path.resolve(d)), opts.readFile);
  for (const root of roots) {
    const rootName = opts.displayPath(root) || '.';
    const r = render(root, { loadRestrictor: opts.config.kustomize.loadRestrictor, readFile: opts.readFile, displayPath: opts.displayPath });
    for (const f of r.findings) out.findings.push({ ...f, overlays: [rootName] });
    for (const f of r.files) files.add(f);
    for (const node of r.resources) out.docs.push({ node, file: node.loc?.file ?? rootName, root: rootName });
  }
  out.files = [...files];
  return out;
}

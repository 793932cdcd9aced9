// TEMPORARY STUB written by the lead so the pipeline runs while the renderer is being built:
// the kustomize engineer replaces this file with the real findRoots/render exports.
import type { YMap } from '../load/ynode.js';
import type { Finding } from '../engine/finding.js';
export interface RenderResult { resources: YMap[]; findings: Finding[]; files: Set<string> }
export function findRoots(dirs: string[], _readFile: (abs: string) => Uint8Array | undefined): string[] { return dirs; }
export function render(_root: string, _opts: { loadRestrictor: 'rootOnly' | 'none'; readFile?: (abs: string) => Uint8Array | undefined; displayPath?: (abs: string) => string }): RenderResult {
  return { resources: [], findings: [], files: new Set() };
}

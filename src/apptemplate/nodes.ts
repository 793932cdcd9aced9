// Small YNode helpers for the app-template mapping: Helm's notion of "empty", the chart's
// merges, and the synthetic nodes that stand for values the chart fills in itself.
//
// A synthetic node never pretends to be text that is not there: it carries the Loc of the
// nearest real values node (so a finding lands on a line that exists) or no Loc at all,
// and the fixer refuses edits on it (src/fix/yaml-edits.ts needs own pairs inside a map's
// span to insert, and a Loc to edit anything).
import type { Loc, Scalar, YMap, YNode, YPair, YScalar, YSeq } from '../load/ynode.js';
import { isMap, isScalar, isSeq, pairOf, withPairValue } from '../load/ynode.js';

/**
 * The file named by keys that only the chart writes. A pair whose key sits in another file
 * than its map is "set elsewhere" to the fixer (a kustomize patch), so a `setKey` of that key
 * goes to this file, which is never among the files being fixed: the edit is refused
 * instead of writing a Kubernetes key that the app-template values schema rejects.
 */
export const CHART_FILE = '(rendered by the app-template chart)';

export const CHART_LOC: Loc = { file: CHART_FILE, start: 0, end: 0, line: 1, col: 1, endLine: 1, endCol: 1 };

export function smap(items: YPair[], loc?: Loc): YMap {
  return { kind: 'map', items, loc };
}

export function sseq(items: YNode[], loc?: Loc): YSeq {
  return { kind: 'seq', items, loc };
}

export function sscalar(value: Scalar, loc?: Loc): YScalar {
  return { kind: 'scalar', value, loc };
}

export function spair(key: string, value: YNode, keyLoc?: Loc): YPair {
  return { key, value, keyLoc };
}

/** sprig's `empty`: null, false, 0, "", and empty maps and lists. */
export function isEmpty(n: YNode | undefined): boolean {
  if (!n) return true;
  if (n.kind === 'scalar') return n.value === null || n.value === false || n.value === 0 || n.value === '';
  return n.items.length === 0;
}

/** `enabled: false` turns an item off; anything else (absent, true, a template) leaves it on. */
export function enabled(n: YNode | undefined): boolean {
  const e = get1(n, 'enabled');
  return !(isScalar(e) && (e.value === false || e.value === 'false'));
}

export function get1(n: YNode | undefined, key: string): YNode | undefined {
  return pairOf(n, key)?.value;
}

/** The map's pairs in Go template `range` order: keys sorted (byte order), last duplicate wins. */
export function sortedPairs(n: YNode | undefined): YPair[] {
  if (!isMap(n)) return [];
  const byKey = new Map<string, YPair>();
  for (const p of n.items) byKey.set(p.key, p);
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * sprig's `merge dst src` (deep, dst wins) as a synthetic map that keeps the real pairs: the
 * result's Loc is `dst`'s, so edits made through it land in the map that wins.
 */
export function mergeMaps(dst: YMap, src: YNode | undefined): YMap {
  if (!isMap(src)) return dst;
  const items: YPair[] = [];
  for (const p of dst.items) {
    const other = pairOf(src, p.key);
    if (isMap(p.value) && other && isMap(other.value)) items.push(withPairValue(p, mergeMaps(p.value, other.value)));
    else items.push(p);
  }
  for (const p of src.items) if (!pairOf(dst, p.key)) items.push(p);
  return { kind: 'map', items, loc: dst.loc, flow: dst.flow };
}

/** A string or a list of strings as a list (the chart turns `command: "x"` into `["x"]`). */
export function asSeq(n: YNode | undefined): YSeq | undefined {
  if (isSeq(n)) return n.items.length ? n : undefined;
  if (isScalar(n) && n.value !== null && n.value !== '') return sseq([n]);
  return undefined;
}

/** `{{ .Release.Name }}` / `{{ .Release.Namespace }}` in a value (the chart runs `tpl` on names). */
export function tpl(s: string, release: { name: string; namespace: string | undefined }): string {
  return s
    .replace(/\{\{-?\s*\.Release\.Name\s*-?\}\}/g, release.name)
    .replace(/\{\{-?\s*\.Release\.Namespace\s*-?\}\}/g, release.namespace ?? 'default');
}

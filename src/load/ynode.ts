// The one tree every later stage reads: YAML values with the place they came from.
//
// The loader turns each YAML document into a YNode tree; the kustomize renderer clones,
// merges and patches YNode trees (a value set by a patch keeps the patch's Loc); the model
// reads YNodes and hands their Locs to findings and fixes. Nothing after the loader sees
// the `yaml` package's own nodes.

/** A span in one source file. Offsets are 0-based; line and col are 1-based. */
export interface Loc {
  file: string;
  start: number;
  end: number;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export type Scalar = string | number | boolean | null;

interface YBase {
  /** Where the value is written (for a map or seq: the whole block). */
  loc?: Loc;
}

export interface YScalar extends YBase {
  kind: 'scalar';
  value: Scalar;
  /** The scalar's style in the source, when known (for fixes that keep quoting). */
  style?: 'plain' | 'single' | 'double' | 'block-literal' | 'block-folded';
}

export interface YPair {
  key: string;
  keyLoc?: Loc;
  value: YNode;
}

export interface YMap extends YBase {
  kind: 'map';
  items: YPair[];
  /** Flow style (`{a: 1}`) in the source. */
  flow?: boolean;
}

export interface YSeq extends YBase {
  kind: 'seq';
  items: YNode[];
  flow?: boolean;
}

export type YNode = YScalar | YMap | YSeq;

// ---- small readers -------------------------------------------------------------------

export function isMap(n: YNode | undefined): n is YMap {
  return !!n && n.kind === 'map';
}
export function isSeq(n: YNode | undefined): n is YSeq {
  return !!n && n.kind === 'seq';
}
export function isScalar(n: YNode | undefined): n is YScalar {
  return !!n && n.kind === 'scalar';
}

export function pairOf(map: YNode | undefined, key: string): YPair | undefined {
  if (!isMap(map)) return undefined;
  // Last one wins, as in kubectl (duplicate keys are reported by the loader).
  for (let i = map.items.length - 1; i >= 0; i--) if (map.items[i]!.key === key) return map.items[i];
  return undefined;
}

export function get(node: YNode | undefined, ...path: (string | number)[]): YNode | undefined {
  // The model and the rules call this millions of times on a large input: plain loops.
  let cur = node;
  for (let i = 0; i < path.length; i++) {
    if (!cur) return undefined;
    const p = path[i]!;
    if (typeof p === 'number') {
      cur = cur.kind === 'seq' ? cur.items[p] : undefined;
      continue;
    }
    if (cur.kind !== 'map') return undefined;
    const its = cur.items;
    let found: YNode | undefined;
    for (let j = its.length - 1; j >= 0; j--) {
      if (its[j]!.key === p) {
        found = its[j]!.value;
        break;
      }
    }
    cur = found;
  }
  return cur;
}

export function str(node: YNode | undefined): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  return String(node.value);
}

export function bool(node: YNode | undefined): boolean | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'boolean') return node.value;
  if (node.value === 'true') return true;
  if (node.value === 'false') return false;
  return undefined;
}

export function num(node: YNode | undefined): number | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'number') return node.value;
  if (typeof node.value === 'string' && /^\d+$/.test(node.value)) return Number(node.value);
  return undefined;
}

export function items(node: YNode | undefined): YNode[] {
  return isSeq(node) ? node.items : [];
}

export function pairs(node: YNode | undefined): YPair[] {
  return isMap(node) ? node.items : [];
}

/** Plain JS value of a node (for hashing, comparisons and JSON output). */
export function toJS(node: YNode | undefined): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toJS);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const p of node.items) o[p.key] = toJS(p.value);
      return o;
    }
  }
}

/** Build a YNode from a plain JS value; every node gets `loc` (used for generated values). */
export function fromJS(v: unknown, loc?: Loc): YNode {
  if (Array.isArray(v)) return { kind: 'seq', items: v.map((x) => fromJS(x, loc)), loc };
  if (v !== null && typeof v === 'object') {
    return {
      kind: 'map',
      loc,
      items: Object.entries(v as Record<string, unknown>).map(([key, val]) => ({ key, keyLoc: loc, value: fromJS(val, loc) })),
    };
  }
  if (v === undefined) return { kind: 'scalar', value: null, loc };
  return { kind: 'scalar', value: v as Scalar, loc };
}

/**
 * Deep copy; Locs are shared (they are immutable). Every own field is copied, as a spread
 * would (written out: object spread was the kustomize render's most expensive operation).
 */
export function clone<T extends YNode>(n: T): T {
  let c: YNode;
  switch (n.kind) {
    case 'scalar':
      c = { kind: 'scalar', value: n.value, loc: n.loc };
      break;
    case 'seq':
      c = { kind: 'seq', loc: n.loc, items: n.items.map(clone) };
      break;
    case 'map': {
      const items: YPair[] = [];
      for (const p of n.items) {
        const q: YPair = { key: p.key, keyLoc: p.keyLoc, value: clone(p.value) };
        copyRest(p, q);
        items.push(q);
      }
      c = { kind: 'map', loc: n.loc, items };
      break;
    }
    default:
      return n;
  }
  copyRest(n, c);
  return c as T;
}

/** The other own enumerable fields of `from` (style, flow, a kustomize `raw`…) onto `to`. */
function copyRest(from: object, to: object): void {
  for (const k in from) {
    if (!Object.prototype.hasOwnProperty.call(to, k)) (to as Record<string, unknown>)[k] = (from as Record<string, unknown>)[k];
  }
}

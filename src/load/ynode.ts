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

// ---- copies with one change -----------------------------------------------------------
// Use these, never an object spread: the fast parser keeps `kind`, `flow`, `loc` and `keyLoc`
// on its nodes' prototypes (src/load/fast-yaml.ts), which `{ ...node }` does not copy.

/** A scalar like `n` (style, Loc) with another value. */
export function withValue(n: YScalar, value: Scalar): YScalar {
  const c: YScalar = { kind: 'scalar', value, loc: n.loc };
  if (n.style !== undefined) c.style = n.style;
  return c;
}

/** A map or sequence like `n` (flow style, Loc) with other items. */
export function withItems<T extends YMap | YSeq>(n: T, items: T['items']): T {
  const c = { kind: n.kind, loc: n.loc, items } as T;
  if (n.flow !== undefined) c.flow = n.flow;
  return c;
}

/** A pair like `p` (key, keyLoc) with another value. */
export function withPairValue(p: YPair, value: YNode): YPair {
  return { key: p.key, keyLoc: p.keyLoc, value };
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
 * Deep copy; Locs are shared (they are immutable). Copies the fields the types declare
 * (and a kustomize scalar's `raw`), written out: object spread was the kustomize render's
 * most expensive operation.
 */
export function clone<T extends YNode>(n: T): T {
  switch (n.kind) {
    case 'scalar': {
      const c: YScalar & { raw?: string } = { kind: 'scalar', value: n.value, loc: n.loc };
      if (n.style !== undefined) c.style = n.style;
      const raw = (n as { raw?: string }).raw;
      if (raw !== undefined) c.raw = raw;
      return c as T;
    }
    case 'seq': {
      const c: YSeq = { kind: 'seq', loc: n.loc, items: n.items.map(clone) };
      if (n.flow !== undefined) c.flow = n.flow;
      return c as T;
    }
    case 'map': {
      const items: YPair[] = [];
      for (const p of n.items) items.push({ key: p.key, keyLoc: p.keyLoc, value: clone(p.value) });
      const c: YMap = { kind: 'map', loc: n.loc, items };
      if (n.flow !== undefined) c.flow = n.flow;
      return c as T;
    }
  }
  return n;
}

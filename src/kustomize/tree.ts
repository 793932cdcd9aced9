// Small mutation helpers over YNode trees, with kyaml's notions of "null", "empty" and the
// raw scalar text (kyaml compares and copies scalars as the text written in the source).
import type { Loc, Scalar, YMap, YNode, YPair, YScalar, YSeq } from '../load/ynode.js';
import { clone, isMap, isSeq } from '../load/ynode.js';

/** A scalar that remembers its source text when that differs from String(value). */
export interface RawScalar extends YScalar {
  raw?: string;
}

export function scalar(value: Scalar, loc?: Loc): YScalar {
  return { kind: 'scalar', value, loc };
}

export function map(loc?: Loc, items: YPair[] = []): YMap {
  return { kind: 'map', items, loc };
}

export function seq(loc?: Loc, items: YNode[] = []): YSeq {
  return { kind: 'seq', items, loc };
}

/** kyaml GetValue / Node.Value: the scalar's text ("" for null and collections). */
export function rawText(n: YNode | undefined): string {
  if (!n || n.kind !== 'scalar') return '';
  const raw = (n as RawScalar).raw;
  if (raw !== undefined) return raw;
  if (n.value === null) return '';
  return String(n.value);
}

/** yaml Node.Value: the scalar's text as the tree holds it (a null keeps "null", "~" or ""). */
export function nodeText(n: YNode | undefined): string {
  if (!n || n.kind !== 'scalar') return '';
  if (n.value === null) return nullText(n);
  return rawText(n);
}

/**
 * A JSON round trip (what kustomize does to a resource a JSON patch touches): scalars are
 * rewritten from their values, so source spellings (`012`, `~`, empty nulls) are gone.
 */
export function jsonNormalize(n: YNode): void {
  if (n.kind === 'map') for (const p of n.items) jsonNormalize(p.value);
  else if (n.kind === 'seq') for (const it of n.items) jsonNormalize(it);
  else {
    const s = n as RawScalar;
    delete s.raw;
    if (s.value === null) s.raw = 'null';
  }
}

/** Node.Value of a null node as written ("null", "~", "" for an empty value). */
export function nullText(n: YScalar): string {
  const raw = (n as RawScalar).raw;
  if (raw !== undefined) return raw;
  if (n.loc && n.loc.end <= n.loc.start) return '';
  return 'null';
}

export function isNull(n: YNode | undefined): boolean {
  return !!n && n.kind === 'scalar' && n.value === null;
}

/** kyaml IsMissingOrNull. */
export function missingOrNull(n: YNode | undefined): n is undefined | YScalar {
  return !n || isNull(n);
}

export function isEmptyMap(n: YNode | undefined): boolean {
  return missingOrNull(n) || (isMap(n) && n.items.length === 0);
}

/** kyaml IsNilOrEmpty. */
export function nilOrEmpty(n: YNode | undefined): boolean {
  if (missingOrNull(n)) return true;
  if (isMap(n) || isSeq(n)) return n.items.length === 0;
  return rawText(n) === '';
}

export function field(m: YNode | undefined, key: string): YPair | undefined {
  if (!isMap(m)) return undefined;
  for (const p of m.items) if (p.key === key) return p;
  return undefined;
}

export function fieldValue(m: YNode | undefined, key: string): YNode | undefined {
  return field(m, key)?.value;
}

/** Set `key` to `value`: replace in place when present, else append. */
export function setField(m: YMap, key: string, value: YNode, keyLoc?: Loc): void {
  const p = field(m, key);
  if (p) p.value = value;
  else m.items.push({ key, keyLoc: keyLoc ?? value.loc, value });
}

export function removeField(m: YMap, key: string): void {
  m.items = m.items.filter((p) => p.key !== key);
}

/** Field lookup that creates a map when missing (or when the value is null). */
export function ensureMap(m: YMap, key: string, loc?: Loc): YMap {
  const p = field(m, key);
  if (p && isMap(p.value)) return p.value;
  const created = map(loc);
  if (p && isNull(p.value)) {
    p.value = created;
    return created;
  }
  if (p) return created; // not a map: caller's write goes nowhere (kustomize would fail)
  m.items.push({ key, keyLoc: loc, value: created });
  return created;
}

export function deepClone<T extends YNode>(n: T): T {
  return clone(n);
}

/** Replace every Loc in a tree (for values kustomize generates from a kustomization field). */
export function relocate<T extends YNode>(n: T, loc: Loc | undefined): T {
  n.loc = loc;
  if (n.kind === 'map') for (const p of n.items) {
    p.keyLoc = loc;
    relocate(p.value, loc);
  }
  else if (n.kind === 'seq') for (const it of n.items) relocate(it, loc);
  return n;
}

/** Plain JS string map of a YAML map (GetDataMap / GetLabels style: values as text). */
export function stringMap(n: YNode | undefined): Map<string, YNode> {
  const out = new Map<string, YNode>();
  if (isMap(n)) for (const p of n.items) out.set(p.key, p.value);
  return out;
}

/** Resolve a plain scalar text the way YAML would (for values kustomize writes untagged). */
export function plainScalar(text: string, loc?: Loc): YScalar {
  const s: RawScalar = { kind: 'scalar', value: text, loc };
  if (text === '' || text === '~' || /^(null|Null|NULL)$/.test(text)) s.value = null;
  else if (/^(true|True|TRUE)$/.test(text)) s.value = true;
  else if (/^(false|False|FALSE)$/.test(text)) s.value = false;
  else if (/^[-+]?[0-9]+$/.test(text)) s.value = Number(text);
  else if (/^0x[0-9a-fA-F]+$/.test(text)) s.value = parseInt(text.slice(2), 16);
  else if (/^0o[0-7]+$/.test(text)) s.value = parseInt(text.slice(2), 8);
  else if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) s.value = Number(text);
  else return s;
  if (String(s.value) !== text) s.raw = text;
  return s;
}


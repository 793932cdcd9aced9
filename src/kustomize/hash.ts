// kustomize's generator name hash (api/hasher): sha256 over Go's encoding/json of a small
// map, hex, first 10 characters with 0,1,3,a,e replaced so the suffix is never a number.
import { createHash } from 'node:crypto';
import type { YNode } from '../load/ynode.js';
import { toJS } from '../load/ynode.js';
import { fieldValue, rawText } from './tree.js';

/** Go's json.Marshal of a string (HTML-safe escaping, \u2028/\u2029 escaped). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16).padStart(4, '0');
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** Go's encoding of a float64/int as yaml.v3 decodes it and encoding/json writes it. */
export function goJsonNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // strconv 'e' after encoding/json's e-07 -> e-7 cleanup is what JS prints.
    return n.toExponential();
  }
  return String(n);
}

/** Go json.Marshal of a decoded YAML value: maps with sorted keys, no spaces. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return goJsonNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort(byteOrder);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJson(o[k])}`).join(',')}}`;
}

export function byteOrder(a: string, b: string): number {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
}

export function encodeHash(hex: string): string {
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => map[c] ?? c).join('');
}

function sha(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Hash of a ConfigMap or Secret the way kustomize's Hasher computes it. */
export function kustomizeHash(node: YNode): string {
  const kind = rawText(fieldValue(node, 'kind'));
  // kustomize looks the name up as one field called "metadata/name", which never exists:
  // the name is always hashed as "".
  const name = '';
  const val = (k: string): unknown => {
    const v = fieldValue(node, k);
    if (v === undefined || (v.kind === 'scalar' && v.value === null)) return '';
    return v.kind === 'scalar' ? rawText(v) : toJS(v);
  };
  let m: Record<string, unknown>;
  if (kind === 'ConfigMap') {
    m = { kind: 'ConfigMap', name, data: val('data') };
    const bd = fieldValue(node, 'binaryData');
    if (bd && bd.kind === 'map') m.binaryData = toJS(bd);
  } else if (kind === 'Secret') {
    m = { kind: 'Secret', type: val('type'), name, data: val('data') };
    const sd = fieldValue(node, 'stringData');
    if (sd && sd.kind === 'map') m.stringData = toJS(sd);
  } else {
    return encodeHash(sha(goJson(toJS(node))));
  }
  return encodeHash(sha(goJson(m)));
}

// Keys of a pod template that Kubernetes does not know, found with ajv against the schema
// that scripts/gen-pod-schema.mjs generates from kubernetes-types (schemas/). The
// validators are compiled ahead of time (scripts/gen-validators.mjs), not at run time.
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as compiled from './pod-template-validate.generated.js';
import schema from '../../schemas/pod-template.schema.json' with { type: 'json' };
import type { YMap, YNode, YPair } from '../load/ynode.js';
import { isMap, isSeq, pairOf, toJS } from '../load/ynode.js';

export type SchemaDef = 'PodSpec' | 'ObjectMeta';

export interface UnknownKey {
  map: YMap;
  pair: YPair;
  /** Path from the validated node to the map holding the key. */
  path: (string | number)[];
  /** The keys Kubernetes knows at that place. */
  known: string[];
}

function validator(def: SchemaDef): ValidateFunction {
  return compiled[def] as unknown as ValidateFunction;
}

function walk(node: YNode, pointer: string): { node: YNode | undefined; path: (string | number)[] } {
  const path: (string | number)[] = [];
  let cur: YNode | undefined = node;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isSeq(cur)) {
      path.push(Number(seg));
      cur = cur.items[Number(seg)];
    } else {
      path.push(seg);
      cur = pairOf(cur, seg)?.value;
    }
  }
  return { node: cur, path };
}

// The schema uses only properties, additionalProperties, $ref and items for keys (checked
// below; type and required describe values, which src/model/value-types.ts checks, and a
// map's additionalProperties schema holds only scalars), so "does every key have a place in
// it" can be answered on the YNodes directly, without the copy to plain JS that ajv needs.
// Almost every pod template passes; only one that does not goes to ajv, for the exact
// errors. (SPEC §7: thousands of workloads.)
interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  $ref?: string;
  items?: SchemaNode;
  type?: string | string[];
  required?: string[];
}
const definitions = (schema as { definitions: Record<string, SchemaNode> }).definitions;
const KEYWORDS = new Set(['properties', 'additionalProperties', '$ref', 'items', 'type', 'required']);
export const fastCheckSound = Object.values(definitions).every(function sound(n: SchemaNode): boolean {
  const extra = n.additionalProperties;
  return Object.keys(n).every((k) => KEYWORDS.has(k)) && Object.values(n.properties ?? {}).every(sound) && (!n.items || sound(n.items)) &&
    (typeof extra !== 'object' || (!extra.properties && !extra.$ref && !extra.items && sound(extra)));
});

/** A schema node with its $ref followed and its properties in a Map. */
interface Compiled {
  props: Map<string, Compiled> | undefined;
  closed: boolean;
  items: Compiled | undefined;
  /** A $ref that leads nowhere: always ask ajv. */
  broken: boolean;
}
const compiledNodes = new Map<SchemaNode, Compiled>();
function compile(s: SchemaNode): Compiled {
  let d: SchemaNode | undefined = s;
  for (let i = 0; d?.$ref && i < 100; i++) d = definitions[d.$ref.slice(d.$ref.lastIndexOf('/') + 1)];
  if (!d || d.$ref) return { props: undefined, closed: false, items: undefined, broken: true };
  let c = compiledNodes.get(d);
  if (c) return c;
  c = { props: undefined, closed: d.additionalProperties === false, items: undefined, broken: false };
  compiledNodes.set(d, c);
  if (d.properties) c.props = new Map(Object.entries(d.properties).map(([k, v]) => [k, compile(v)]));
  if (d.items) c.items = compile(d.items);
  return c;
}

/** Could ajv find an additionalProperties error under `node`? (false: certainly not) */
function mayHaveUnknownKeys(node: YNode, c: Compiled): boolean {
  if (c.broken) return true;
  if (node.kind === 'map') {
    if (!c.props) return c.closed && node.items.length > 0;
    for (const p of node.items) {
      const sub = c.props.get(p.key);
      if (!sub) {
        if (c.closed) return true;
        continue;
      }
      if ((sub.props || sub.items || sub.closed || sub.broken) && mayHaveUnknownKeys(p.value, sub)) return true;
    }
    return false;
  }
  if (node.kind === 'seq' && c.items) {
    for (const it of node.items) if (mayHaveUnknownKeys(it, c.items)) return true;
  }
  return false;
}

/**
 * Every key under `node` that the `def` schema does not know (`$patch`-style directives
 * aside). `fast: false` skips the pre-check (tests compare both).
 */
export function unknownKeys(node: YMap, def: SchemaDef, opts: { fast?: boolean } = {}): UnknownKey[] {
  if (opts.fast !== false && fastCheckSound && !mayHaveUnknownKeys(node, compile(definitions[def]!))) return [];
  const v = validator(def);
  if (v(toJS(node))) return [];
  const out: UnknownKey[] = [];
  for (const e of (v.errors ?? []) as ErrorObject[]) {
    if (e.keyword !== 'additionalProperties') continue;
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    if (key.startsWith('$')) continue;
    const { node: map, path } = walk(node, e.instancePath);
    if (!isMap(map)) continue;
    const pair = pairOf(map, key);
    if (!pair) continue;
    const known = Object.keys((e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
    out.push({ map, pair, path, known });
  }
  return out;
}

/** `containers[0].volumeMounts[1]` */
export function pathText(prefix: string[], path: (string | number)[]): string {
  let s = prefix.join('.');
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s ? '.' : ''}${p}`;
  return s;
}

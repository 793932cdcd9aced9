// Keys of a pod template that Kubernetes does not know, found with ajv against the schema
// that scripts/gen-pod-schema.mjs generates from kubernetes-types (schemas/). The
// validators are compiled ahead of time (scripts/gen-validators.mjs), not at run time.
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as compiled from './pod-template-validate.generated.js';
import type { YMap, YNode, YPair } from '../load/ynode.js';
import { isMap, isSeq, pairOf, toJS } from '../load/ynode.js';
import { definitions, shapeOf, UNRESOLVED, type SchemaNode, type Shape } from './value-types.js';

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
// it" can be answered on the YNodes directly, walking value-types.ts's compiled shapes,
// without the copy to plain JS that ajv needs.
// Almost every pod template passes; only one that does not goes to ajv, for the exact
// errors. (SPEC §7: thousands of workloads.)
const KEYWORDS = new Set(['properties', 'additionalProperties', '$ref', 'items', 'type', 'required']);
export const fastCheckSound = Object.values(definitions).every(function sound(n: SchemaNode): boolean {
  const extra = n.additionalProperties;
  return Object.keys(n).every((k) => KEYWORDS.has(k)) && Object.values(n.properties ?? {}).every(sound) && (!n.items || sound(n.items)) &&
    (typeof extra !== 'object' || (!extra.properties && !extra.$ref && !extra.items && sound(extra)));
});

/** Could ajv find an additionalProperties error under `node`? (false: certainly not) */
function mayHaveUnknownKeys(node: YNode, c: Shape): boolean {
  if (c === UNRESOLVED) return true; // a $ref that leads nowhere: always ask ajv
  if (node.kind === 'map') {
    if (!c.props) return c.closed && node.items.length > 0;
    for (const p of node.items) {
      const sub = c.props.get(p.key);
      if (!sub) {
        if (c.closed) return true;
        continue;
      }
      if ((sub.props || sub.items || sub.closed || sub === UNRESOLVED) && mayHaveUnknownKeys(p.value, sub)) return true;
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
  if (opts.fast !== false && fastCheckSound && !mayHaveUnknownKeys(node, shapeOf(def))) return [];
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

// Keys of a pod template that Kubernetes does not know, found with ajv against the schema
// that scripts/gen-pod-schema.mjs generates from kubernetes-types (schemas/).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
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

const validators = new Map<SchemaDef, ValidateFunction>();

function validator(def: SchemaDef): ValidateFunction {
  let v = validators.get(def);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    ajv.addSchema(schema);
    v = ajv.getSchema(`${schema.$id}#/definitions/${def}`)!;
    validators.set(def, v);
  }
  return v;
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

/** Every key under `node` that the `def` schema does not know (`$patch`-style directives aside). */
export function unknownKeys(node: YMap, def: SchemaDef): UnknownKey[] {
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

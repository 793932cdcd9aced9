// Values of the wrong shape: a map where Kubernetes expects a list, a list where it expects a
// string, `privileged: "yes"`, `containerPort: "8080"`, an env `value: 8080`. The API server
// cannot decode such an object and rejects all of it (`json: cannot unmarshal string into Go
// struct field …`), whatever its field validation. Checked on the YNodes, so every finding has
// the value's position, against the shapes that scripts/gen-pod-schema.mjs records in
// schemas/pod-template.schema.json (JSON Schema: type, items, additionalProperties, $ref,
// required), or against a small schema written the same way (HelmRelease, app-template values).
//
// What the API server (and kubectl before it) accepts, and so is never reported:
// - null anywhere: it reads null as "unset";
// - a number or a string where the type is IntOrString or Quantity (`type: [number, string]`);
// - what kubectl's YAML reader (YAML 1.1, sigs.k8s.io/yaml) reads differently from the YAML 1.2
//   medialint reads: a plain `yes`, `on`, `off`, `y` is a boolean there, a plain `1_000` or
//   `0b101` a number, so a plain scalar that either reading makes fit is taken as fitting;
// - values that a later stage fills in: `${VAR}` (Flux post-build substitution), `$(VAR)`
//   (kustomize vars), `{{ … }}` (templates).
// A null item in a list of objects the API server reads as an empty object; that is reported
// only when the object has required fields (the types mark them), which it then lacks.
import schema from '../../schemas/pod-template.schema.json' with { type: 'json' };
import type { YNode } from '../load/ynode.js';

/** A JSON Schema node, as much of it as the generated schema uses. */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  required?: string[];
}

type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean';

/** A schema node compiled for the walk: $ref followed, properties in a Map. */
export interface Shape {
  /** Allowed kinds; undefined: anything. */
  types: Set<Kind> | undefined;
  /** The definition's name (ContainerPort), for messages. */
  name: string | undefined;
  props: Map<string, Shape> | undefined;
  /** The value shape of a map (`labels`, `limits`). */
  values: Shape | undefined;
  items: Shape | undefined;
  required: string[];
  /** `additionalProperties: false`: no keys beyond `props` (what unknown-fields.ts asks). */
  closed: boolean;
}

export const definitions = (schema as { definitions: Record<string, SchemaNode> }).definitions;

const cache = new Map<SchemaNode, Shape>();
/** What a `$ref` that leads nowhere compiles to: any value. */
export const UNRESOLVED: Shape = { types: undefined, name: undefined, props: undefined, values: undefined, items: undefined, required: [], closed: false };

/** Compile a schema node (with `$ref`s into the generated definitions, or `#/definitions/X` as a name). */
export function shapeOf(s: SchemaNode | string): Shape {
  let node: SchemaNode | undefined = typeof s === 'string' ? { $ref: `#/definitions/${s}` } : s;
  let name: string | undefined;
  for (let i = 0; node?.$ref && i < 100; i++) {
    name = node.$ref.slice(node.$ref.lastIndexOf('/') + 1);
    node = Object.hasOwn(definitions, name) ? definitions[name] : undefined;
  }
  if (!node || node.$ref) return UNRESOLVED;
  const hit = cache.get(node);
  if (hit) return hit;
  const t = node.type;
  const shape: Shape = {
    types: t === undefined ? undefined : new Set((Array.isArray(t) ? t : [t]) as Kind[]),
    name, props: undefined, values: undefined, items: undefined, required: node.required ?? [], closed: node.additionalProperties === false,
  };
  cache.set(node, shape);
  if (node.properties) shape.props = new Map(Object.entries(node.properties).map(([k, v]) => [k, shapeOf(v)]));
  if (typeof node.additionalProperties === 'object') shape.values = shapeOf(node.additionalProperties);
  if (node.items) shape.items = shapeOf(node.items);
  return shape;
}

export interface WrongType {
  /** The offending value (for a null item: the null). */
  node: YNode;
  /** Path from the checked node to the value. */
  path: (string | number)[];
  /** `a list of Container maps` */
  expected: string;
  /** `the string "x"`, `a map`; for a null item: `an empty item (null)`. */
  found: string;
  /** A short remedy (`remove the quotes`), when there is an obvious one. */
  hint: string | undefined;
  /** For a null item of a list of objects: the definition and the fields it lacks. */
  nullItem?: { name: string; required: string[] };
}

// What kubectl's YAML 1.1 reader (go-yaml v2, Go's strconv with base 0) takes for a number or a
// boolean in a plain scalar, beyond what YAML 1.2 does.
const YAML11_NUMBER = /^[-+]?(0[xX][0-9a-fA-F_]+|0[oObB][0-7_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?|\.(inf|Inf|INF)|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$|^\.(nan|NaN|NAN)$/;
const YAML11_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
/** Text a later stage replaces: Flux `${VAR}`, kustomize `$(VAR)`, templates. */
const FILLED_IN_LATER = /\$\{|\$\(|\{\{/;

/** Does the node fit `want`, as medialint or kubectl reads it (null and values filled in later always do)? */
function fits(n: YNode, want: Set<Kind>): boolean {
  if (n.kind === 'map') return want.has('object');
  if (n.kind === 'seq') return want.has('array');
  const v = n.value;
  if (v === null) return true;
  if (typeof v === 'number') return want.has('number');
  if (typeof v === 'boolean') return want.has('boolean');
  if (want.has('string') || FILLED_IN_LATER.test(v)) return true;
  if (n.style !== undefined && n.style !== 'plain') return false;
  return (want.has('number') && YAML11_NUMBER.test(v)) || (want.has('boolean') && YAML11_BOOL.test(v));
}

function plural(s: Shape): string {
  if (!s.types) return 'values';
  return [...s.types].map((k) => {
    switch (k) {
      case 'object': return s.name ? `${s.name} maps` : 'maps';
      case 'array': return 'lists';
      case 'string': return 'strings';
      case 'number': return 'numbers';
      case 'boolean': return 'booleans';
    }
    return 'values';
  }).join(' or ');
}

/** What a shape asks for, in words: `a list of Container maps`, `a map of strings`, `true or false`. */
export function describeShape(s: Shape): string {
  if (!s.types) return 'any value';
  return [...s.types].map((k) => {
    switch (k) {
      case 'object': return s.name ? `${/^[AEIOU]/.test(s.name) ? 'an' : 'a'} ${s.name} map` : s.values?.types ? `a map of ${plural(s.values)}` : 'a map';
      case 'array': return s.items?.types ? `a list of ${plural(s.items)}` : 'a list';
      case 'string': return 'a string';
      case 'number': return 'a number';
      case 'boolean': return 'true or false';
    }
    return 'a value';
  }).join(' or ');
}

function quoteShort(s: string): string {
  const t = s.length > 40 ? `${s.slice(0, 37)}…` : s;
  return JSON.stringify(t);
}

function describeNode(n: YNode): string {
  if (n.kind === 'map') return n.items.length ? 'a map' : 'an empty map ({})';
  if (n.kind === 'seq') return n.items.length ? 'a list' : 'an empty list ([])';
  const v = n.value;
  if (typeof v === 'string') return `the string ${quoteShort(v)}`;
  if (typeof v === 'number') return `the number ${String(v)}`;
  return `the boolean ${String(v)}`;
}

function hintFor(n: YNode, want: Set<Kind>): string | undefined {
  if (n.kind !== 'scalar') return undefined;
  const v = n.value;
  if (typeof v === 'string') {
    if (want.has('number') && YAML11_NUMBER.test(v.trim())) return 'remove the quotes';
    if (want.has('boolean') && /^(true|false)$/i.test(v.trim())) return 'remove the quotes';
    return undefined;
  }
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') {
    if (want.has('string')) return `quote it: "${String(v)}"`;
  }
  return undefined;
}

/**
 * Every value under `node` whose shape `shape` does not allow (null aside), outermost first:
 * below a value of the wrong shape nothing more is reported.
 */
export function wrongTypes(node: YNode, shape: Shape): WrongType[] {
  const out: WrongType[] = [];
  walk(node, shape, [], out);
  return out;
}

/** `path` is one array pushed and popped on the way down (thousands of objects), copied only into a finding. */
function walk(node: YNode, shape: Shape, path: (string | number)[], out: WrongType[]): void {
  const want = shape.types;
  if (!want) return;
  if (!fits(node, want)) {
    out.push({ node, path: [...path], expected: describeShape(shape), found: describeNode(node), hint: hintFor(node, want) });
    return;
  }
  if (node.kind === 'map') {
    for (const p of node.items) {
      const sub = shape.props ? shape.props.get(p.key) : shape.values;
      if (!sub?.types) continue;
      path.push(p.key);
      walk(p.value, sub, path, out);
      path.pop();
    }
  } else if (node.kind === 'seq' && shape.items?.types) {
    const items = shape.items;
    for (let i = 0; i < node.items.length; i++) {
      const it = node.items[i]!;
      path.push(i);
      if (it.kind === 'scalar' && it.value === null) {
        if (items.types?.has('object') && items.required.length && items.name) {
          out.push({
            node: it, path: [...path], expected: describeShape(items), found: 'an empty item (null)', hint: 'remove the empty item',
            nullItem: { name: items.name, required: items.required },
          });
        }
      } else {
        walk(it, items, path, out);
      }
      path.pop();
    }
  }
}

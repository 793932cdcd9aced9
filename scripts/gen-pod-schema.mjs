// Generates schemas/pod-template.schema.json from the TypeScript definitions in the
// `kubernetes-types` package: one JSON Schema definition per interface reachable from the
// roots below, listing exactly the keys Kubernetes knows (`additionalProperties: false`,
// nested through $ref), the keys it requires (`required`), and the shape of every value:
//   an object ($ref), a map (`{[name: string]: T}`: type object + additionalProperties T),
//   a list (type array + items), a string, a number, a boolean, and IntOrString or Quantity
//   (`type: ["number", "string"]`: the API server takes either). Anything else is `{}`.
// Two rules read it: unknown-field (keys, PodSpec and ObjectMeta only, with ajv) and
// invalid-field-type (value shapes, src/model/value-types.ts, which also accepts null
// everywhere: the API server treats a null as unset).
//
//   node scripts/gen-pod-schema.mjs          (rewrite the schema)
//   node scripts/gen-pod-schema.mjs --check  (exit 1 when the committed schema is stale)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const typesDir = path.dirname(require.resolve('kubernetes-types/package.json'));
const typesVersion = JSON.parse(readFileSync(path.join(typesDir, 'package.json'), 'utf8')).version;
const out = path.join(root, 'schemas', 'pod-template.schema.json');

const FILES = ['core/v1.d.ts', 'meta/v1.d.ts', 'apps/v1.d.ts', 'batch/v1.d.ts'];
/** PodSpec and ObjectMeta for unknown-field; whole objects for invalid-field-type. */
const ROOTS = [
  'PodSpec', 'ObjectMeta', 'Pod', 'ReplicationController', 'Service', 'PersistentVolume', 'PersistentVolumeClaim', 'ConfigMap', 'Secret',
  'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob',
];
/** Type aliases of kubernetes-types, by what the API server decodes them from. */
const ALIASES = {
  Quantity: { prim: ['number', 'string'] }, // a string in the types, but `memory: 1073741824` decodes too
  Time: { prim: 'string' },
  MicroTime: { prim: 'string' },
};

/**
 * Fields that Kubernetes added after the kubernetes-types release we build from (1.30), so
 * that valid manifests for newer clusters are not reported. Values are not checked.
 */
const LATER_FIELDS = {
  PodSpec: ['resources' /* 1.32 */, 'hostnameOverride' /* 1.34 */, 'workloadRef' /* 1.35 */],
  Container: ['restartPolicyRules' /* 1.34 */],
  EphemeralContainer: ['restartPolicyRules' /* 1.34 */],
  Lifecycle: ['stopSignal' /* 1.33 */],
  Volume: ['image' /* 1.31 */],
  PodSecurityContext: ['supplementalGroupsPolicy' /* 1.31 */, 'seLinuxChangePolicy' /* 1.32 */],
  PodResourceClaim: ['resourceClaimName', 'resourceClaimTemplateName' /* 1.31 */],
  ResourceClaim: ['request' /* 1.31 */],
  EnvVarSource: ['fileKeyRef' /* 1.34 */],
  VolumeProjection: ['podCertificate' /* 1.34 */],
};

/**
 * The shape of a property's type: { ref: interface } | { array: shape } | { map: shape } |
 * { prim: 'string' | 'number' | 'boolean' | ['number', 'string'] } | { any: true }.
 */
function shapeOf(type) {
  if (!type) return { any: true };
  if (ts.isParenthesizedTypeNode(type)) return shapeOf(type.type);
  if (ts.isArrayTypeNode(type)) return { array: shapeOf(type.elementType) };
  if (ts.isTypeReferenceNode(type)) {
    const name = type.typeName.getText();
    if (name === 'Array' && type.typeArguments?.length === 1) return { array: shapeOf(type.typeArguments[0]) };
    if (Object.hasOwn(ALIASES, name)) return ALIASES[name];
    return { ref: name };
  }
  if (ts.isTypeLiteralNode(type)) {
    const idx = type.members.length === 1 && ts.isIndexSignatureDeclaration(type.members[0]) ? type.members[0] : undefined;
    return idx ? { map: shapeOf(idx.type) } : { any: true };
  }
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return { prim: 'string' };
  if (ts.isUnionTypeNode(type)) {
    const kinds = type.types.map((t) => t.kind).sort();
    if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword)) return { prim: ['number', 'string'] };
    return { any: true };
  }
  switch (type.kind) {
    case ts.SyntaxKind.StringKeyword: return { prim: 'string' };
    case ts.SyntaxKind.NumberKeyword: return { prim: 'number' };
    case ts.SyntaxKind.BooleanKeyword: return { prim: 'boolean' };
    default: return { any: true };
  }
}

/** interface name -> { props: key -> shape, required: keys without `?` } */
const interfaces = new Map();

for (const f of FILES) {
  const text = readFileSync(path.join(typesDir, f), 'utf8');
  const sf = ts.createSourceFile(f, text, ts.ScriptTarget.ES2022, true);
  for (const st of sf.statements) {
    if (!ts.isInterfaceDeclaration(st)) continue;
    if (interfaces.has(st.name.text)) throw new Error(`two interfaces named ${st.name.text} in kubernetes-types ${typesVersion}`);
    const props = new Map();
    const required = [];
    for (const m of st.members) {
      if (!ts.isPropertySignature(m) || !m.name) continue;
      const key = m.name.getText(sf).replace(/^['"]|['"]$/g, '');
      props.set(key, shapeOf(m.type));
      if (!m.questionToken) required.push(key);
    }
    interfaces.set(st.name.text, { props, required });
  }
}

for (const [name, keys] of Object.entries(LATER_FIELDS)) {
  const props = interfaces.get(name)?.props;
  if (!props) throw new Error(`LATER_FIELDS: no interface ${name} in kubernetes-types ${typesVersion}`);
  for (const k of keys) if (!props.has(k)) props.set(k, { any: true });
}

function refsOf(shape, out = []) {
  if (shape.ref) out.push(shape.ref);
  if (shape.array) refsOf(shape.array, out);
  if (shape.map) refsOf(shape.map, out);
  return out;
}

// Everything reachable from the roots.
const reach = new Set();
const queue = [...ROOTS];
while (queue.length) {
  const n = queue.shift();
  if (reach.has(n) || !interfaces.has(n)) continue;
  reach.add(n);
  for (const shape of interfaces.get(n).props.values()) for (const r of refsOf(shape)) if (interfaces.has(r)) queue.push(r);
}
for (const r of ROOTS) if (!reach.has(r)) throw new Error(`no interface ${r} in kubernetes-types ${typesVersion}`);

function emit(shape) {
  if (shape.ref) return reach.has(shape.ref) ? { $ref: `#/definitions/${shape.ref}` } : {};
  if (shape.array) return { type: 'array', items: emit(shape.array) };
  if (shape.map) return { type: 'object', additionalProperties: emit(shape.map) };
  if (shape.prim) return { type: shape.prim };
  return {};
}

const definitions = {};
for (const n of [...reach].sort()) {
  const { props, required } = interfaces.get(n);
  const properties = {};
  for (const [k, shape] of [...props].sort((a, b) => a[0].localeCompare(b[0]))) properties[k] = emit(shape);
  // An interface without properties (FieldsV1, RawExtension) stands for free-form JSON.
  definitions[n] = Object.keys(properties).length
    ? { type: 'object', properties, additionalProperties: false, ...(required.length ? { required: [...required].sort() } : {}) }
    : {};
}

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://medialint.dev/schemas/pod-template.schema.json',
  title: 'Keys and value shapes of Kubernetes pod templates and workloads (generated by scripts/gen-pod-schema.mjs; do not edit)',
  description: `Generated from kubernetes-types ${typesVersion} (core/v1, meta/v1, apps/v1, batch/v1), plus fields added in later Kubernetes releases (any value). The API server also accepts null for any field (unset).`,
  definitions,
};
const json = JSON.stringify(schema, null, 2) + '\n';

if (process.argv.includes('--check')) {
  let prev = '';
  try { prev = readFileSync(out, 'utf8'); } catch {}
  if (prev !== json) {
    console.error(`${path.relative(root, out)} is stale: run node scripts/gen-pod-schema.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(out, json);
  console.log(`wrote ${path.relative(root, out)}: ${reach.size} definitions`);
}

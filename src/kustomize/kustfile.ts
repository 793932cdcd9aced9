// Reading a kustomization file into typed fields that keep their YAML nodes (for origins
// and for findings at the referencing line). Validation follows kustomize's
// Kustomization.Unmarshal (unknown fields fail), FixKustomization and EnforceFields.
import * as nodePath from 'node:path';
import type { Loc, YMap, YNode, YPair } from '../load/ynode.js';
import { isMap, isScalar, isSeq } from '../load/ynode.js';
import type { Loader } from './load.js';
import { KUSTOMIZATION_FILES, parseDocs, textOf } from './load.js';
import { rawText } from './tree.js';
import { KError } from './types.js';

/** A string with where it was written. */
export interface Str {
  value: string;
  loc?: Loc;
  node?: YNode;
}

export interface StrPair {
  key: string;
  value: string;
  keyLoc?: Loc;
  loc?: Loc;
}

export interface FieldSpecArg {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

export interface SelectorArg {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
  /** The target map, and its `name:` line. */
  loc?: Loc;
  nameLoc?: Loc;
}

export interface PatchArg {
  path?: Str;
  patch?: Str;
  target?: SelectorArg;
  options: Record<string, boolean>;
  loc?: Loc;
  field: 'patches' | 'patchesJson6902';
}

export interface GenOptionsArg {
  labels: StrPair[];
  annotations: StrPair[];
  disableNameSuffixHash: boolean;
  immutable: boolean;
}

export interface GeneratorArg {
  kind: 'ConfigMap' | 'Secret';
  name: Str;
  namespace?: Str;
  behavior: string;
  literals: Str[];
  files: Str[];
  envs: Str[];
  type?: Str;
  options?: GenOptionsArg;
  loc?: Loc;
}

export interface LabelArg {
  pairs: StrPair[];
  includeSelectors: boolean;
  includeTemplates: boolean;
  fields: FieldSpecArg[];
  loc?: Loc;
}

export interface ImageArg {
  name: string;
  newName?: Str;
  newTag?: Str;
  digest?: Str;
  tagSuffix?: Str;
  loc?: Loc;
}

export interface ReplicaArg {
  name: string;
  count: number;
  countNode?: YNode;
  loc?: Loc;
}

export interface Kustomization {
  dir: string;
  file: string;
  display: string;
  kind: 'Kustomization' | 'Component';
  root: YMap;
  resources: Str[];
  components: Str[];
  namespace?: Str;
  namePrefix?: Str;
  nameSuffix?: Str;
  commonLabels: StrPair[];
  commonLabelsLoc?: Loc;
  labels: LabelArg[];
  commonAnnotations: StrPair[];
  commonAnnotationsLoc?: Loc;
  images: ImageArg[];
  replicas: ReplicaArg[];
  patches: PatchArg[];
  patchesStrategicMerge: Str[];
  patchesJson6902: PatchArg[];
  configMapGenerator: GeneratorArg[];
  secretGenerator: GeneratorArg[];
  generatorOptions?: GenOptionsArg;
  replacements: { node: YMap; path?: Str; loc?: Loc }[];
  sortOptions?: YNode;
  sortOptionsLoc?: Loc;
}

const KNOWN = new Set([
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels',
  'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902', 'patches', 'images', 'imageTags', 'replacements',
  'replicas', 'vars', 'sortOptions', 'resources', 'components', 'crds', 'bases', 'configMapGenerator', 'secretGenerator',
  'helmGlobals', 'helmCharts', 'helmChartInflationGenerator', 'generatorOptions', 'configurations', 'generators',
  'transformers', 'validators', 'buildMetadata',
]);

const UNSUPPORTED: Record<string, string> = {
  vars: "'vars' (deprecated; use replacements)",
  helmCharts: "'helmCharts' (Helm inflation)",
  helmGlobals: "'helmGlobals' (Helm inflation)",
  helmChartInflationGenerator: "'helmChartInflationGenerator' (Helm inflation)",
  generators: "'generators' (generator plugins)",
  transformers: "'transformers' (transformer plugins)",
  validators: "'validators' (validator plugins)",
  crds: "'crds' (custom resource schemas)",
  openapi: "'openapi' (custom OpenAPI schemas)",
  configurations: "'configurations' (custom transformer configurations)",
  buildMetadata: "'buildMetadata' (origin annotations)",
};

export const KUSTOMIZE_V1BETA1 = 'kustomize.config.k8s.io/v1beta1';
export const KUSTOMIZE_V1ALPHA1 = 'kustomize.config.k8s.io/v1alpha1';

/** Locate, parse and validate the kustomization in `ldr.root`. */
export function readKustomization(ldr: Loader, at: Loc | undefined): Kustomization {
  const ctx = ldr.ctx;
  const found: { abs: string; bytes: Uint8Array }[] = [];
  for (const f of KUSTOMIZATION_FILES) {
    const abs = nodePath.join(ldr.root, f);
    const bytes = ctx.probe(abs);
    if (bytes) found.push({ abs, bytes });
  }
  if (found.length === 0) {
    throw new KError(`${ctx.display(ldr.root)} holds no kustomization.yaml, kustomization.yml or Kustomization; add one, or point at a file instead of a directory.`, at);
  }
  if (found.length > 1) {
    throw new KError(`${ctx.display(ldr.root)} holds several kustomization files (${found.map((f) => nodePath.basename(f.abs)).join(', ')}); kustomize refuses that. Keep one.`, at);
  }
  const { abs, bytes } = found[0]!;
  const display = ctx.display(abs);
  const docs = parseDocs(ctx, abs, textOf(ctx, abs, bytes, at), at);
  const root = docs[0];
  if (root === undefined || (isMap(root) && root.items.length === 0)) throw new KError(`${display} is empty; kustomize refuses an empty kustomization.`, at);
  if (!isMap(root)) throw new KError(`${display} is not a YAML mapping.`, at);
  return parseKustomization(ldr, abs, display, root);
}

function fieldsOf(m: YMap): Map<string, YPair> {
  const out = new Map<string, YPair>();
  for (const p of m.items) out.set(p.key, p); // last one wins, as kustomize reads duplicates
  return out;
}

const KNOWN_FOLDED = new Map([...KNOWN].map((k) => [k.toLowerCase(), k]));

/** Top-level fields, matched case-insensitively as Go's encoding/json does (last one wins). */
function topFields(m: YMap): Map<string, YPair> {
  const out = new Map<string, YPair>();
  for (const p of m.items) out.set(KNOWN.has(p.key) ? p.key : KNOWN_FOLDED.get(p.key.toLowerCase()) ?? p.key, p);
  return out;
}

function parseKustomization(ldr: Loader, abs: string, display: string, root: YMap): Kustomization {
  const ctx = ldr.ctx;
  const f = topFields(root);
  for (const [key, p] of f) {
    const loc = p.keyLoc ?? p.value.loc;
    if (!KNOWN.has(key)) throw new KError(`${display}: unknown field '${key}'; kustomize refuses the kustomization (check the spelling).`, loc);
    if (UNSUPPORTED[key] && !isEmpty(p.value) && loc) {
      ctx.warn('kustomize-unsupported', loc, `${UNSUPPORTED[key]} is not supported by medialint's kustomize renderer; the rest of ${display} is rendered without it. Use --kustomize=kubectl to render with kubectl.`);
    }
  }
  const kindStr = optStr(f.get('kind'), 'kind')?.value ?? 'Kustomization';
  if (kindStr !== 'Kustomization' && kindStr !== 'Component') throw new KError(`${display}: kind should be Kustomization or Component.`, f.get('kind')?.value.loc);
  const api = optStr(f.get('apiVersion'), 'apiVersion')?.value;
  const wantApi = kindStr === 'Component' ? KUSTOMIZE_V1ALPHA1 : KUSTOMIZE_V1BETA1;
  if (api && api !== wantApi) throw new KError(`${display}: apiVersion for ${kindStr} should be ${wantApi}.`, f.get('apiVersion')?.value.loc);

  const k: Kustomization = {
    dir: ldr.root,
    file: abs,
    display,
    kind: kindStr,
    root,
    resources: [...strList(f.get('resources'), 'resources'), ...strList(f.get('bases'), 'bases')],
    components: strList(f.get('components'), 'components'),
    namespace: optStr(f.get('namespace'), 'namespace'),
    namePrefix: optStr(f.get('namePrefix'), 'namePrefix'),
    nameSuffix: optStr(f.get('nameSuffix'), 'nameSuffix'),
    commonLabels: strPairs(f.get('commonLabels')?.value, 'commonLabels'),
    commonLabelsLoc: f.get('commonLabels')?.value.loc,
    labels: listOf(f.get('labels'), 'labels').map(labelArg),
    commonAnnotations: strPairs(f.get('commonAnnotations')?.value, 'commonAnnotations'),
    commonAnnotationsLoc: f.get('commonAnnotations')?.value.loc,
    images: [...listOf(f.get('images'), 'images'), ...listOf(f.get('imageTags'), 'imageTags')].map(imageArg),
    replicas: listOf(f.get('replicas'), 'replicas').map(replicaArg),
    patches: listOf(f.get('patches'), 'patches').map((n) => patchArg(n, 'patches')),
    patchesStrategicMerge: strList(f.get('patchesStrategicMerge'), 'patchesStrategicMerge'),
    patchesJson6902: listOf(f.get('patchesJson6902'), 'patchesJson6902').map((n) => patchArg(n, 'patchesJson6902')),
    configMapGenerator: listOf(f.get('configMapGenerator'), 'configMapGenerator').map((n) => generatorArg(n, 'ConfigMap')),
    secretGenerator: listOf(f.get('secretGenerator'), 'secretGenerator').map((n) => generatorArg(n, 'Secret')),
    generatorOptions: f.get('generatorOptions') && !isEmpty(f.get('generatorOptions')!.value) ? genOptions(f.get('generatorOptions')!.value) : undefined,
    replacements: listOf(f.get('replacements'), 'replacements').map((n) => {
      const m = asMap(n, 'replacements item');
      const p = fieldsOf(m).get('path');
      return { node: m, path: p ? reqStr(p.value, 'replacements path') : undefined, loc: n.loc };
    }),
    sortOptions: f.get('sortOptions')?.value,
    sortOptionsLoc: f.get('sortOptions')?.keyLoc,
  };
  if (isEmpty(f.get('sortOptions')?.value)) k.sortOptions = undefined;
  // FixKustomizationPreMarshalling: commonLabels and labels may not name the same key.
  for (const l of k.labels) for (const p of l.pairs) {
    if (k.commonLabels.some((c) => c.key === p.key)) throw new KError(`${display}: label name '${p.key}' exists in both commonLabels and labels; keep it in one.`, p.keyLoc);
  }
  return k;
}

// ---- typed readers ------------------------------------------------------------------------

function isEmpty(n: YNode | undefined): boolean {
  return !n || (isScalar(n) && n.value === null) || ((isMap(n) || isSeq(n)) && n.items.length === 0);
}

function bad(what: string, n: YNode | undefined, expected: string): KError {
  return new KError(`invalid kustomization: '${what}' must be ${expected}.`, n?.loc);
}

function reqStr(n: YNode, what: string): Str {
  if (!isScalar(n)) throw bad(what, n, 'a string');
  if (n.value === null) return { value: '', loc: n.loc, node: n };
  if (typeof n.value !== 'string') throw new KError(`invalid kustomization: '${what}' must be a string, found ${rawText(n)}; quote it.`, n.loc);
  return { value: n.value, loc: n.loc, node: n };
}

function optStr(p: YPair | undefined, what: string): Str | undefined {
  if (!p || isEmpty(p.value)) return undefined;
  const s = reqStr(p.value, what);
  return s.value === '' ? undefined : s;
}

function strList(p: YPair | undefined, what: string): Str[] {
  if (!p || isEmpty(p.value)) return [];
  if (!isSeq(p.value)) throw bad(what, p.value, 'a list');
  return p.value.items.map((n) => reqStr(n, `${what} item`));
}

function listOf(p: YPair | undefined, what: string): YNode[] {
  if (!p || isEmpty(p.value)) return [];
  if (!isSeq(p.value)) throw bad(what, p.value, 'a list');
  return p.value.items;
}

function asMap(n: YNode, what: string): YMap {
  if (!isMap(n)) throw bad(what, n, 'a mapping');
  return n;
}

function strPairs(n: YNode | undefined, what: string): StrPair[] {
  if (isEmpty(n)) return [];
  const m = asMap(n!, what);
  return [...fieldsOf(m).values()].map((p) => ({ key: p.key, value: reqStr(p.value, `${what}.${p.key}`).value, keyLoc: p.keyLoc, loc: p.value.loc }));
}

function bool(n: YNode | undefined, what: string): boolean {
  if (!n || (isScalar(n) && n.value === null)) return false;
  if (isScalar(n) && typeof n.value === 'boolean') return n.value;
  // kustomize reads kustomization files as YAML 1.1 (sigs.k8s.io/yaml): yes/no/on/off are booleans.
  if (isScalar(n) && typeof n.value === 'string' && n.style === 'plain') {
    if (/^(y|Y|yes|Yes|YES|on|On|ON)$/.test(n.value)) return true;
    if (/^(n|N|no|No|NO|off|Off|OFF)$/.test(n.value)) return false;
  }
  throw bad(what, n, 'true or false');
}

function labelArg(n: YNode): LabelArg {
  const m = fieldsOf(asMap(n, 'labels item'));
  for (const k of m.keys()) {
    if (!['pairs', 'includeSelectors', 'includeTemplates', 'fields'].includes(k)) {
      throw new KError(`invalid kustomization: unknown field '${k}' in labels; kustomize v5.5 refuses it.`, m.get(k)!.keyLoc);
    }
  }
  return {
    pairs: strPairs(m.get('pairs')?.value, 'labels.pairs'),
    includeSelectors: bool(m.get('includeSelectors')?.value, 'labels.includeSelectors'),
    includeTemplates: bool(m.get('includeTemplates')?.value, 'labels.includeTemplates'),
    fields: listOf(m.get('fields'), 'labels.fields').map(fieldSpecArg),
    loc: n.loc,
  };
}

export function fieldSpecArg(n: YNode): FieldSpecArg {
  const m = fieldsOf(asMap(n, 'fieldSpec'));
  const s = (k: string) => (m.get(k) ? reqStr(m.get(k)!.value, k).value : undefined);
  return { group: s('group'), version: s('version'), kind: s('kind'), path: s('path') ?? '', create: bool(m.get('create')?.value, 'create') };
}

function imageArg(n: YNode): ImageArg {
  const m = fieldsOf(asMap(n, 'images item'));
  const s = (k: string) => {
    const p = m.get(k);
    if (!p || isEmpty(p.value)) return undefined;
    return reqStr(p.value, `images.${k}`);
  };
  return { name: s('name')?.value ?? '', newName: s('newName'), newTag: s('newTag'), digest: s('digest'), tagSuffix: s('tagSuffix'), loc: n.loc };
}

function replicaArg(n: YNode): ReplicaArg {
  const m = fieldsOf(asMap(n, 'replicas item'));
  const c = m.get('count')?.value;
  let count = 0;
  if (c && isScalar(c) && typeof c.value === 'number' && Number.isInteger(c.value)) count = c.value;
  else if (c && !(isScalar(c) && c.value === null)) throw bad('replicas.count', c, 'an integer');
  return { name: m.get('name') ? reqStr(m.get('name')!.value, 'replicas.name').value : '', count, countNode: c, loc: n.loc };
}

export function selectorArg(n: YNode | undefined, what: string): SelectorArg | undefined {
  if (isEmpty(n)) return undefined;
  const m = fieldsOf(asMap(n!, what));
  const s = (k: string) => (m.get(k) && !isEmpty(m.get(k)!.value) ? reqStr(m.get(k)!.value, `${what}.${k}`).value : undefined);
  return {
    group: s('group'), version: s('version'), kind: s('kind'), name: s('name'), namespace: s('namespace'),
    labelSelector: s('labelSelector'), annotationSelector: s('annotationSelector'),
    loc: n!.loc, nameLoc: m.get('name')?.value.loc,
  };
}

function patchArg(n: YNode, field: 'patches' | 'patchesJson6902'): PatchArg {
  const m = fieldsOf(asMap(n, `${field} item`));
  const options: Record<string, boolean> = {};
  const o = m.get('options')?.value;
  if (o && isMap(o)) for (const p of o.items) options[p.key] = bool(p.value, `options.${p.key}`);
  const patchNode = m.get('patch');
  return {
    path: m.get('path') && !isEmpty(m.get('path')!.value) ? reqStr(m.get('path')!.value, `${field}.path`) : undefined,
    patch: patchNode && !isEmpty(patchNode.value) ? reqStr(patchNode.value, `${field}.patch`) : undefined,
    target: selectorArg(m.get('target')?.value, `${field}.target`),
    options,
    loc: n.loc,
    field,
  };
}

function genOptions(n: YNode): GenOptionsArg {
  const m = fieldsOf(asMap(n, 'generatorOptions'));
  return {
    labels: strPairs(m.get('labels')?.value, 'labels'),
    annotations: strPairs(m.get('annotations')?.value, 'annotations'),
    disableNameSuffixHash: bool(m.get('disableNameSuffixHash')?.value, 'disableNameSuffixHash'),
    immutable: bool(m.get('immutable')?.value, 'immutable'),
  };
}

function generatorArg(n: YNode, kind: 'ConfigMap' | 'Secret'): GeneratorArg {
  const what = kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator';
  const m = fieldsOf(asMap(n, `${what} item`));
  const s = (k: string) => (m.get(k) && !isEmpty(m.get(k)!.value) ? reqStr(m.get(k)!.value, `${what}.${k}`) : undefined);
  const name = s('name');
  if (!name) throw new KError(`invalid kustomization: a ${what} item has no name; every generated ${kind} needs one.`, n.loc);
  const env = s('env');
  return {
    kind,
    name,
    namespace: s('namespace'),
    behavior: s('behavior')?.value ?? '',
    literals: strList(m.get('literals'), `${what}.literals`),
    files: strList(m.get('files'), `${what}.files`),
    envs: [...strList(m.get('envs'), `${what}.envs`), ...(env ? [env] : [])],
    type: s('type'),
    options: m.get('options') && !isEmpty(m.get('options')!.value) ? genOptions(m.get('options')!.value) : undefined,
    loc: n.loc,
  };
}

// kustomize field specs: which paths of which kinds a builtin transformer touches, and the
// walker that visits (and optionally creates) those paths (api/filters/fieldspec).
import type { Loc, YMap, YNode, YPair, YSeq } from '../load/ynode.js';
import { get, isMap, isSeq, str } from '../load/ynode.js';
import { field, isNull, map, scalar } from './tree.js';
import type { Gvk } from './types.js';
import { gvkOfNode, KError } from './types.js';

export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

/** Visitor of the node at a path: gets the holder map and key (or the seq and index). */
export type Setter = (slot: Slot) => void;
export interface Slot {
  node: YNode;
  replace(n: YNode): void;
}

/** kyaml PathSplitter: `/`-separated, `\/` escapes a slash. */
export function splitPath(path: string, delim = '/'): string[] {
  let ps = path.split(delim);
  if (ps.length > 1 && ps[0] === '') ps = ps.slice(1);
  const res = [ps[0]!];
  for (let i = 1; i < ps.length; i++) {
    const last = res.length - 1;
    if (res[last]!.endsWith('\\')) res[last] = res[last]!.slice(0, -1) + delim + ps[i];
    else res.push(ps[i]!);
  }
  return res;
}

export function fsMatchesNode(fs: FieldSpec, node: YMap): boolean {
  // Asked for every resource and every builtin spec: the kind alone rules most out.
  if (!fs.kind && !fs.group && !fs.version) return true;
  if (fs.kind && str(get(node, 'kind')) !== fs.kind) return false;
  const g = gvkOfNode(node);
  return fsMatchesGvk(fs, g);
}

export function fsMatchesGvk(fs: FieldSpec, g: Gvk): boolean {
  if (fs.kind && fs.kind !== g.kind) return false;
  if (fs.group && fs.group !== g.group) return false;
  if (fs.version && fs.version !== g.version) return false;
  return true;
}

/**
 * Apply `set` at every node `fs.path` reaches in `res`. With `createKind`, missing maps on
 * the way (and the last field) are created when the spec says `create`.
 */
export function applyFieldSpec(res: YMap, fs: FieldSpec, set: Setter, createKind?: 'scalar' | 'map', createLoc?: Loc): void {
  if (!fsMatchesNode(fs, res)) return;
  let path = splitPaths.get(fs.path);
  if (!path) splitPaths.set(fs.path, (path = splitPath(fs.path).map(segmentOf)));
  walk(res, path, 0, fs, set, createKind, createLoc, undefined, undefined, 0);
}

/** A field spec path segment: `containers[]` is the field `containers`, a list to go through. */
interface Segment {
  seg: string;
  name: string;
  isSeq: boolean;
}
function segmentOf(seg: string): Segment {
  const isSeq = seg.endsWith('[]');
  return { seg, name: isSeq ? seg.slice(0, -2) : seg, isSeq };
}

/** The parsed segments of each field spec path (a few hundred builtin ones, used for every resource). */
const splitPaths = new Map<string, readonly Segment[]>();

/**
 * Walks path[at..] below `obj`, which sits in `pair` (as its value) or in `seq` (at `index`),
 * or is the resource itself. The Slot is made only where the path ends (every resource of
 * every overlay passes here for every builtin field spec).
 */
function walk(
  obj: YNode, path: readonly Segment[], at: number, fs: FieldSpec, set: Setter, createKind: 'scalar' | 'map' | undefined, loc: Loc | undefined,
  pair: YPair | undefined, seq: YSeq | undefined, index: number,
): void {
  if (at === path.length) {
    set({ node: obj, replace: pair ? (n) => (pair.value = n) : seq ? (n) => (seq.items[index] = n) : () => undefined });
    return;
  }
  if (isNull(obj)) return;
  if (isSeq(obj)) {
    for (let i = 0; i < obj.items.length; i++) walk(obj.items[i]!, path, at, fs, set, createKind, loc, undefined, obj, i);
    return;
  }
  const { seg, name, isSeq: isSeqSeg } = path[at]!;
  if (!isMap(obj)) throw new KError(`considering field '${fs.path}': expected a sequence or a mapping at '${seg}'`);
  if (!name) throw new KError(`considering field '${fs.path}': cannot set or create an empty field name`);
  let p = field(obj, name);
  const create = !!fs.create && !!createKind && !isSeqSeg;
  const last = at + 1 >= path.length;
  if (!p) {
    if (!create) return;
    const n = last && createKind === 'scalar' ? scalar('', loc) : map(loc);
    obj.items.push({ key: name, keyLoc: loc, value: n });
    p = obj.items[obj.items.length - 1]!;
  } else if (create && isNull(p.value)) {
    p.value = last && createKind === 'scalar' ? scalar('', loc) : map(loc);
  }
  walk(p.value, path, at + 1, fs, set, createKind, loc, p, undefined, 0);
}

// ---- kustomize's default field specs (api/internal/konfig/builtinpluginconsts) -------------

const T = (kind: string, group?: string, version?: string) => ({ kind, group, version });

const metadataLabels: FieldSpec[] = [
  { path: 'metadata/labels', create: true },
  { path: 'spec/template/metadata/labels', create: true, ...T('ReplicationController', undefined, 'v1') },
  { path: 'spec/template/metadata/labels', create: true, ...T('Deployment') },
  { path: 'spec/template/metadata/labels', create: true, ...T('ReplicaSet') },
  { path: 'spec/template/metadata/labels', create: true, ...T('DaemonSet') },
  { path: 'spec/template/metadata/labels', create: true, ...T('StatefulSet', 'apps') },
  { path: 'spec/volumeClaimTemplates[]/metadata/labels', create: true, ...T('StatefulSet', 'apps') },
  { path: 'spec/template/metadata/labels', create: true, ...T('Job', 'batch') },
  { path: 'spec/jobTemplate/metadata/labels', create: true, ...T('CronJob', 'batch') },
  { path: 'spec/jobTemplate/spec/template/metadata/labels', create: true, ...T('CronJob', 'batch') },
];

const affinity = (kind: string): FieldSpec[] =>
  [
    'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
    'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
    'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
    'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
    'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
  ].map((path) => ({ path, create: false, ...T(kind, 'apps') }));

export const COMMON_LABELS: FieldSpec[] = [
  { path: 'spec/selector', create: true, ...T('Service', undefined, 'v1') },
  { path: 'spec/selector', create: true, ...T('ReplicationController', undefined, 'v1') },
  { path: 'spec/selector/matchLabels', create: true, ...T('Deployment') },
  ...affinity('Deployment'),
  { path: 'spec/selector/matchLabels', create: true, ...T('ReplicaSet') },
  { path: 'spec/selector/matchLabels', create: true, ...T('DaemonSet') },
  { path: 'spec/selector/matchLabels', create: true, ...T('StatefulSet', 'apps') },
  ...affinity('StatefulSet'),
  { path: 'spec/selector/matchLabels', create: false, ...T('Job', 'batch') },
  { path: 'spec/jobTemplate/spec/selector/matchLabels', create: false, ...T('CronJob', 'batch') },
  { path: 'spec/selector/matchLabels', create: false, ...T('PodDisruptionBudget', 'policy') },
  { path: 'spec/podSelector/matchLabels', create: false, ...T('NetworkPolicy', 'networking.k8s.io') },
  { path: 'spec/ingress/from/podSelector/matchLabels', create: false, ...T('NetworkPolicy', 'networking.k8s.io') },
  { path: 'spec/egress/to/podSelector/matchLabels', create: false, ...T('NetworkPolicy', 'networking.k8s.io') },
  ...metadataLabels,
];

export const TEMPLATE_LABELS: FieldSpec[] = metadataLabels;

export const COMMON_ANNOTATIONS: FieldSpec[] = [
  { path: 'metadata/annotations', create: true },
  { path: 'spec/template/metadata/annotations', create: true, ...T('ReplicationController', undefined, 'v1') },
  { path: 'spec/template/metadata/annotations', create: true, ...T('Deployment') },
  { path: 'spec/template/metadata/annotations', create: true, ...T('ReplicaSet') },
  { path: 'spec/template/metadata/annotations', create: true, ...T('DaemonSet') },
  { path: 'spec/template/metadata/annotations', create: true, ...T('StatefulSet') },
  { path: 'spec/template/metadata/annotations', create: true, ...T('Job', 'batch') },
  { path: 'spec/jobTemplate/metadata/annotations', create: true, ...T('CronJob', 'batch') },
  { path: 'spec/jobTemplate/spec/template/metadata/annotations', create: true, ...T('CronJob', 'batch') },
];

export const IMAGES: FieldSpec[] = [
  { path: 'spec/containers[]/image', create: true },
  { path: 'spec/initContainers[]/image', create: true },
  { path: 'spec/template/spec/containers[]/image', create: true },
  { path: 'spec/template/spec/initContainers[]/image', create: true },
];

export const REPLICAS: FieldSpec[] = [
  { path: 'spec/replicas', create: true, kind: 'Deployment' },
  { path: 'spec/replicas', create: true, kind: 'ReplicationController' },
  { path: 'spec/replicas', create: true, kind: 'ReplicaSet' },
  { path: 'spec/replicas', create: true, kind: 'StatefulSet' },
];

export const NAMESPACE: FieldSpec[] = [
  { path: 'metadata/name', kind: 'Namespace', create: true },
  { path: 'spec/service/namespace', group: 'apiregistration.k8s.io', kind: 'APIService', create: true },
  { path: 'spec/conversion/webhook/clientConfig/service/namespace', group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
];

/** FsSlice.MergeOne: add unless an equivalent spec is there already. */
export function mergeSpecs(base: FieldSpec[], more: FieldSpec[]): FieldSpec[] {
  const out = [...base];
  for (const x of more) {
    const dup = out.find((s) => s.path === x.path && sameGvkSel(s, x));
    if (dup) {
      if (!!dup.create !== !!x.create) throw new KError(`conflicting fieldspecs for '${x.path}'`);
      continue;
    }
    out.push(x);
  }
  return out;
}

function sameGvkSel(a: FieldSpec, b: FieldSpec): boolean {
  // effectivelyEquals: a is selected by b's gvk (b's non-empty fields match a's).
  if (b.group && a.group !== b.group) return false;
  if (b.version && a.version !== b.version) return false;
  if (b.kind && a.kind !== b.kind) return false;
  return true;
}

// Shared types of the in-process kustomize renderer: resources under construction, their
// ids, and the error type that aborts a build. Resource ids follow kustomize's resid
// package: a Gvk plus name and namespace, compared by "effective" namespace.
import type { Loc, YMap } from '../load/ynode.js';
import { get, str } from '../load/ynode.js';

/** A build failure. `loc` is the referencing line in a kustomization (or the bad value). */
export class KError extends Error {
  constructor(message: string, readonly loc?: Loc) {
    super(message);
  }
}

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ResId extends Gvk {
  name: string;
  namespace: string;
  /** Known to be cluster-scoped (kustomize only knows this for ids built from a live node). */
  clusterScoped: boolean;
}

/** What kustomize records in its `previousNames/Namespaces/Kinds` build annotations. */
export interface PrevId {
  kind: string;
  name: string;
  /** The effective namespace at the time ("default", or "_non_namespaceable_"). */
  namespace: string;
}

export type Behavior = '' | 'create' | 'merge' | 'replace';

/** One resource in the accumulator. The tree is owned by this resource (never shared). */
export interface Res {
  node: YMap;
  prevIds: PrevId[];
  prefixes: string[];
  suffixes: string[];
  needsHash: boolean;
  behavior: Behavior;
  /** Set when a strategic-merge `$patch: delete` emptied the resource. */
  deleted?: boolean;
}

export const NOT_NAMESPACED = '_non_namespaceable_';

/** Kinds kustomize knows to be cluster-scoped (kyaml/openapi precomputedIsNamespaceScoped). */
const CLUSTER_SCOPED = new Set(
  [
    'admissionregistration.k8s.io/v1 MutatingWebhookConfiguration',
    'admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration',
    'admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration',
    'admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration',
    'apiextensions.k8s.io/v1 CustomResourceDefinition',
    'apiextensions.k8s.io/v1beta1 CustomResourceDefinition',
    'apiregistration.k8s.io/v1 APIService',
    'apiregistration.k8s.io/v1beta1 APIService',
    'certificates.k8s.io/v1 CertificateSigningRequest',
    'certificates.k8s.io/v1beta1 CertificateSigningRequest',
    'flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema',
    'flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration',
    'networking.k8s.io/v1 IngressClass',
    'networking.k8s.io/v1beta1 IngressClass',
    'node.k8s.io/v1 RuntimeClass',
    'node.k8s.io/v1beta1 RuntimeClass',
    'policy/v1beta1 PodSecurityPolicy',
    'rbac.authorization.k8s.io/v1 ClusterRole',
    'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
    'rbac.authorization.k8s.io/v1beta1 ClusterRole',
    'rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding',
    'scheduling.k8s.io/v1 PriorityClass',
    'scheduling.k8s.io/v1beta1 PriorityClass',
    'storage.k8s.io/v1 CSIDriver',
    'storage.k8s.io/v1 CSINode',
    'storage.k8s.io/v1 StorageClass',
    'storage.k8s.io/v1 VolumeAttachment',
    'storage.k8s.io/v1beta1 CSIDriver',
    'storage.k8s.io/v1beta1 CSINode',
    'storage.k8s.io/v1beta1 StorageClass',
    'storage.k8s.io/v1beta1 VolumeAttachment',
    'v1 ComponentStatus',
    'v1 Namespace',
    'v1 Node',
    'v1 NodeProxyOptions',
    'v1 PersistentVolume',
    'authentication.k8s.io/v1 TokenReview',
    'authentication.k8s.io/v1beta1 TokenReview',
    'authorization.k8s.io/v1 SelfSubjectAccessReview',
    'authorization.k8s.io/v1 SelfSubjectRulesReview',
    'authorization.k8s.io/v1 SubjectAccessReview',
    'authorization.k8s.io/v1beta1 SelfSubjectAccessReview',
    'authorization.k8s.io/v1beta1 SelfSubjectRulesReview',
    'authorization.k8s.io/v1beta1 SubjectAccessReview',
  ],
);

export function apiVersionOf(g: Gvk): string {
  return g.group ? `${g.group}/${g.version}` : g.version;
}

export function isClusterScoped(g: Gvk): boolean {
  return CLUSTER_SCOPED.has(`${apiVersionOf(g)} ${g.kind}`);
}

export function parseApiVersion(av: string): { group: string; version: string } {
  const i = av.indexOf('/');
  return i >= 0 ? { group: av.slice(0, i), version: av.slice(i + 1) } : { group: '', version: av };
}

export function gvkOfNode(node: YMap): Gvk {
  const { group, version } = parseApiVersion(str(get(node, 'apiVersion')) ?? '');
  return { group, version, kind: str(get(node, 'kind')) ?? '' };
}

export function nameOf(node: YMap): string {
  return str(get(node, 'metadata', 'name')) ?? '';
}

export function namespaceOf(node: YMap): string {
  return str(get(node, 'metadata', 'namespace')) ?? '';
}

/** kustomize's CurId(): built with NewGvk, so cluster scope is known. */
export function curId(r: Res): ResId {
  const g = gvkOfNode(r.node);
  // A literal, not `{ ...g, … }`: object spread made this the render's hottest line.
  return { group: g.group, version: g.version, kind: g.kind, name: nameOf(r.node), namespace: namespaceOf(r.node), clusterScoped: isClusterScoped(g) };
}

/** Previous ids carry the current group/version with the recorded kind (kustomize utils.PrevIds). */
export function prevIdsOf(r: Res): ResId[] {
  const g = gvkOfNode(r.node);
  return r.prevIds.map((p) => ({ group: g.group, version: g.version, kind: p.kind, name: p.name, namespace: p.namespace, clusterScoped: false }));
}

export function orgId(r: Res): ResId {
  const p = prevIdsOf(r);
  return p.length ? p[0]! : curId(r);
}

export function allIds(r: Res): ResId[] {
  return [...prevIdsOf(r), curId(r)];
}

export function effectiveNs(id: ResId): string {
  if (id.clusterScoped) return NOT_NAMESPACED;
  if (id.namespace === '' || id.namespace === 'default') return 'default';
  return id.namespace;
}

export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

export function idEquals(a: ResId, b: ResId): boolean {
  return effectiveNs(a) === effectiveNs(b) && a.name === b.name && gvkEquals(a, b);
}

/** A string equal for two ids exactly when idEquals is true (for Maps and Sets of ids). */
export function idKey(id: ResId): string {
  return `${effectiveNs(id)}\u0000${id.name}\u0000${id.group}\u0000${id.version}\u0000${id.kind}`;
}

/** Gvk.IsSelected: every non-empty field of the selector must match. */
export function gvkSelected(g: Gvk, sel: Partial<Gvk>): boolean {
  if (sel.group && g.group !== sel.group) return false;
  if (sel.version && g.version !== sel.version) return false;
  if (sel.kind && g.kind !== sel.kind) return false;
  return true;
}

/** ResId.IsSelectedBy (used by replacements). */
export function idSelectedBy(id: ResId, sel: Partial<ResId>): boolean {
  if (sel.name && sel.name !== id.name) return false;
  if (sel.namespace) {
    const s: ResId = { group: '', version: '', kind: '', name: '', namespace: sel.namespace, clusterScoped: false };
    if (effectiveNs(s) !== effectiveNs(id)) return false;
  }
  return gvkSelected(id, sel);
}

export function storePreviousId(r: Res): void {
  const id = curId(r);
  r.prevIds.push({ kind: id.kind, name: id.name, namespace: effectiveNs(id) });
}

/** kustomize's ResId.String(): `Kind.version.group/name.namespace`. */
export function idString(id: ResId): string {
  const g = `${id.kind || '[noKind]'}.${id.version || '[noVer]'}.${id.group || '[noGrp]'}`;
  return `${g}/${id.name || '[noName]'}.${id.namespace || '[noNs]'}`;
}

/** A short human form: `Deployment/name` or `Deployment/ns/name`. */
export function idHuman(id: ResId): string {
  return id.namespace ? `${id.kind}/${id.namespace}/${id.name}` : `${id.kind}/${id.name}`;
}

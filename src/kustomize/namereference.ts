// Name references (kustomize's nameReference transformer): after prefixes, suffixes, hashes
// and namespaces changed names, every field that refers to a renamed object by its old name
// is updated. The referral's new name carries the Loc of what renamed it.
import type { YMap, YNode } from '../load/ynode.js';
import { isMap, isScalar, isSeq } from '../load/ynode.js';
import type { FieldSpec } from './fieldspec.js';
import { applyFieldSpec } from './fieldspec.js';
import type { ResMap } from './resmap.js';
import { field, fieldValue, rawText, scalar } from './tree.js';
import type { Gvk, Res, ResId } from './types.js';
import { curId, effectiveNs, gvkSelected, idHuman, KError, NOT_NAMESPACED, prevIdsOf } from './types.js';

type Ref = [path: string, kind: string, group?: string, version?: string];
interface BackRef {
  target: Partial<Gvk>;
  referrers: Ref[];
}

/** api/internal/konfig/builtinpluginconsts/namereference.go (kustomize v5.5.0). */
const NAME_REFERENCE: BackRef[] = [
  { target: { kind: 'Deployment' }, referrers: [
    ['spec/scaleTargetRef/name', 'HorizontalPodAutoscaler'],
  ] },
  { target: { kind: 'ReplicationController' }, referrers: [
    ['spec/scaleTargetRef/name', 'HorizontalPodAutoscaler'],
  ] },
  { target: { kind: 'ReplicaSet' }, referrers: [
    ['spec/scaleTargetRef/name', 'HorizontalPodAutoscaler'],
  ] },
  { target: { kind: 'StatefulSet' }, referrers: [
    ['spec/scaleTargetRef/name', 'HorizontalPodAutoscaler'],
  ] },
  { target: { kind: 'ConfigMap', version: 'v1' }, referrers: [
    ['spec/volumes/configMap/name', 'Pod', '', 'v1'],
    ['spec/containers/env/valueFrom/configMapKeyRef/name', 'Pod', '', 'v1'],
    ['spec/initContainers/env/valueFrom/configMapKeyRef/name', 'Pod', '', 'v1'],
    ['spec/containers/envFrom/configMapRef/name', 'Pod', '', 'v1'],
    ['spec/initContainers/envFrom/configMapRef/name', 'Pod', '', 'v1'],
    ['spec/volumes/projected/sources/configMap/name', 'Pod', '', 'v1'],
    ['template/spec/volumes/configMap/name', 'PodTemplate'],
    ['template/spec/containers/env/valueFrom/configMapKeyRef/name', 'PodTemplate'],
    ['template/spec/initContainers/env/valueFrom/configMapKeyRef/name', 'PodTemplate'],
    ['template/spec/containers/envFrom/configMapRef/name', 'PodTemplate'],
    ['template/spec/initContainers/envFrom/configMapRef/name', 'PodTemplate'],
    ['template/spec/volumes/projected/sources/configMap/name', 'PodTemplate'],
    ['spec/template/spec/volumes/configMap/name', 'Deployment'],
    ['spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', 'Deployment'],
    ['spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', 'Deployment'],
    ['spec/template/spec/containers/envFrom/configMapRef/name', 'Deployment'],
    ['spec/template/spec/initContainers/envFrom/configMapRef/name', 'Deployment'],
    ['spec/template/spec/volumes/projected/sources/configMap/name', 'Deployment'],
    ['spec/template/spec/volumes/configMap/name', 'ReplicaSet'],
    ['spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', 'ReplicaSet'],
    ['spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', 'ReplicaSet'],
    ['spec/template/spec/containers/envFrom/configMapRef/name', 'ReplicaSet'],
    ['spec/template/spec/initContainers/envFrom/configMapRef/name', 'ReplicaSet'],
    ['spec/template/spec/volumes/projected/sources/configMap/name', 'ReplicaSet'],
    ['spec/template/spec/volumes/configMap/name', 'DaemonSet'],
    ['spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', 'DaemonSet'],
    ['spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', 'DaemonSet'],
    ['spec/template/spec/containers/envFrom/configMapRef/name', 'DaemonSet'],
    ['spec/template/spec/initContainers/envFrom/configMapRef/name', 'DaemonSet'],
    ['spec/template/spec/volumes/projected/sources/configMap/name', 'DaemonSet'],
    ['spec/template/spec/volumes/configMap/name', 'StatefulSet'],
    ['spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', 'StatefulSet'],
    ['spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', 'StatefulSet'],
    ['spec/template/spec/containers/envFrom/configMapRef/name', 'StatefulSet'],
    ['spec/template/spec/initContainers/envFrom/configMapRef/name', 'StatefulSet'],
    ['spec/template/spec/volumes/projected/sources/configMap/name', 'StatefulSet'],
    ['spec/template/spec/volumes/configMap/name', 'Job'],
    ['spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', 'Job'],
    ['spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', 'Job'],
    ['spec/template/spec/containers/envFrom/configMapRef/name', 'Job'],
    ['spec/template/spec/initContainers/envFrom/configMapRef/name', 'Job'],
    ['spec/template/spec/volumes/projected/sources/configMap/name', 'Job'],
    ['spec/jobTemplate/spec/template/spec/volumes/configMap/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/volumes/projected/sources/configMap/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/containers/envFrom/configMapRef/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/initContainers/envFrom/configMapRef/name', 'CronJob'],
    ['spec/configSource/configMap', 'Node'],
    ['rules/resourceNames', 'Role'],
    ['rules/resourceNames', 'ClusterRole'],
    ['metadata/annotations/nginx.ingress.kubernetes.io\/fastcgi-params-configmap', 'Ingress'],
  ] },
  { target: { kind: 'Secret', version: 'v1' }, referrers: [
    ['spec/volumes/secret/secretName', 'Pod', '', 'v1'],
    ['spec/containers/env/valueFrom/secretKeyRef/name', 'Pod', '', 'v1'],
    ['spec/initContainers/env/valueFrom/secretKeyRef/name', 'Pod', '', 'v1'],
    ['spec/containers/envFrom/secretRef/name', 'Pod', '', 'v1'],
    ['spec/initContainers/envFrom/secretRef/name', 'Pod', '', 'v1'],
    ['spec/imagePullSecrets/name', 'Pod', '', 'v1'],
    ['spec/volumes/projected/sources/secret/name', 'Pod', '', 'v1'],
    ['template/spec/volumes/secret/secretName', 'PodTemplate'],
    ['template/spec/containers/env/valueFrom/secretKeyRef/name', 'PodTemplate'],
    ['template/spec/initContainers/env/valueFrom/secretKeyRef/name', 'PodTemplate'],
    ['template/spec/containers/envFrom/secretRef/name', 'PodTemplate'],
    ['template/spec/initContainers/envFrom/secretRef/name', 'PodTemplate'],
    ['template/spec/imagePullSecrets/name', 'PodTemplate'],
    ['template/spec/volumes/projected/sources/secret/name', 'PodTemplate'],
    ['spec/template/spec/volumes/secret/secretName', 'Deployment'],
    ['spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'Deployment'],
    ['spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', 'Deployment'],
    ['spec/template/spec/containers/envFrom/secretRef/name', 'Deployment'],
    ['spec/template/spec/initContainers/envFrom/secretRef/name', 'Deployment'],
    ['spec/template/spec/imagePullSecrets/name', 'Deployment'],
    ['spec/template/spec/volumes/projected/sources/secret/name', 'Deployment'],
    ['spec/template/spec/volumes/secret/secretName', 'ReplicaSet'],
    ['spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'ReplicaSet'],
    ['spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', 'ReplicaSet'],
    ['spec/template/spec/containers/envFrom/secretRef/name', 'ReplicaSet'],
    ['spec/template/spec/initContainers/envFrom/secretRef/name', 'ReplicaSet'],
    ['spec/template/spec/imagePullSecrets/name', 'ReplicaSet'],
    ['spec/template/spec/volumes/projected/sources/secret/name', 'ReplicaSet'],
    ['spec/template/spec/volumes/secret/secretName', 'DaemonSet'],
    ['spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'DaemonSet'],
    ['spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', 'DaemonSet'],
    ['spec/template/spec/containers/envFrom/secretRef/name', 'DaemonSet'],
    ['spec/template/spec/initContainers/envFrom/secretRef/name', 'DaemonSet'],
    ['spec/template/spec/imagePullSecrets/name', 'DaemonSet'],
    ['spec/template/spec/volumes/projected/sources/secret/name', 'DaemonSet'],
    ['spec/template/spec/volumes/secret/secretName', 'StatefulSet'],
    ['spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'StatefulSet'],
    ['spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', 'StatefulSet'],
    ['spec/template/spec/containers/envFrom/secretRef/name', 'StatefulSet'],
    ['spec/template/spec/initContainers/envFrom/secretRef/name', 'StatefulSet'],
    ['spec/template/spec/imagePullSecrets/name', 'StatefulSet'],
    ['spec/template/spec/volumes/projected/sources/secret/name', 'StatefulSet'],
    ['spec/template/spec/volumes/secret/secretName', 'Job'],
    ['spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'Job'],
    ['spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', 'Job'],
    ['spec/template/spec/containers/envFrom/secretRef/name', 'Job'],
    ['spec/template/spec/initContainers/envFrom/secretRef/name', 'Job'],
    ['spec/template/spec/imagePullSecrets/name', 'Job'],
    ['spec/template/spec/volumes/projected/sources/secret/name', 'Job'],
    ['spec/jobTemplate/spec/template/spec/volumes/secret/secretName', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/volumes/projected/sources/secret/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/containers/envFrom/secretRef/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/initContainers/envFrom/secretRef/name', 'CronJob'],
    ['spec/jobTemplate/spec/template/spec/imagePullSecrets/name', 'CronJob'],
    ['spec/tls/secretName', 'Ingress'],
    ['metadata/annotations/ingress.kubernetes.io\/auth-secret', 'Ingress'],
    ['metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret', 'Ingress'],
    ['metadata/annotations/nginx.ingress.kubernetes.io\/auth-tls-secret', 'Ingress'],
    ['spec/tls/secretName', 'Ingress'],
    ['imagePullSecrets/name', 'ServiceAccount'],
    ['parameters/secretName', 'StorageClass'],
    ['parameters/adminSecretName', 'StorageClass'],
    ['parameters/userSecretName', 'StorageClass'],
    ['parameters/secretRef', 'StorageClass'],
    ['rules/resourceNames', 'Role'],
    ['rules/resourceNames', 'ClusterRole'],
    ['spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'Service', 'serving.knative.dev', 'v1'],
    ['spec/azureFile/secretName', 'PersistentVolume'],
  ] },
  { target: { kind: 'Service', version: 'v1' }, referrers: [
    ['spec/serviceName', 'StatefulSet', 'apps'],
    ['spec/rules/http/paths/backend/serviceName', 'Ingress'],
    ['spec/backend/serviceName', 'Ingress'],
    ['spec/rules/http/paths/backend/service/name', 'Ingress'],
    ['spec/defaultBackend/service/name', 'Ingress'],
    ['spec/service/name', 'APIService', 'apiregistration.k8s.io'],
    ['webhooks/clientConfig/service', 'ValidatingWebhookConfiguration', 'admissionregistration.k8s.io'],
    ['webhooks/clientConfig/service', 'MutatingWebhookConfiguration', 'admissionregistration.k8s.io'],
  ] },
  { target: { kind: 'Role', group: 'rbac.authorization.k8s.io' }, referrers: [
    ['roleRef/name', 'RoleBinding', 'rbac.authorization.k8s.io'],
  ] },
  { target: { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io' }, referrers: [
    ['roleRef/name', 'RoleBinding', 'rbac.authorization.k8s.io'],
    ['roleRef/name', 'ClusterRoleBinding', 'rbac.authorization.k8s.io'],
  ] },
  { target: { kind: 'ServiceAccount', version: 'v1' }, referrers: [
    ['subjects', 'RoleBinding', 'rbac.authorization.k8s.io'],
    ['subjects', 'ClusterRoleBinding', 'rbac.authorization.k8s.io'],
    ['spec/serviceAccountName', 'Pod'],
    ['spec/template/spec/serviceAccountName', 'StatefulSet'],
    ['spec/template/spec/serviceAccountName', 'Deployment'],
    ['spec/template/spec/serviceAccountName', 'ReplicationController'],
    ['spec/jobTemplate/spec/template/spec/serviceAccountName', 'CronJob'],
    ['spec/template/spec/serviceAccountName', 'Job'],
    ['spec/template/spec/serviceAccountName', 'DaemonSet'],
  ] },
  { target: { kind: 'PersistentVolumeClaim', version: 'v1' }, referrers: [
    ['spec/volumes/persistentVolumeClaim/claimName', 'Pod'],
    ['spec/template/spec/volumes/persistentVolumeClaim/claimName', 'StatefulSet'],
    ['spec/template/spec/volumes/persistentVolumeClaim/claimName', 'Deployment'],
    ['spec/template/spec/volumes/persistentVolumeClaim/claimName', 'ReplicationController'],
    ['spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName', 'CronJob'],
    ['spec/template/spec/volumes/persistentVolumeClaim/claimName', 'Job'],
    ['spec/template/spec/volumes/persistentVolumeClaim/claimName', 'DaemonSet'],
  ] },
  { target: { kind: 'PersistentVolume', version: 'v1' }, referrers: [
    ['spec/volumeName', 'PersistentVolumeClaim'],
    ['rules/resourceNames', 'ClusterRole'],
  ] },
  { target: { kind: 'StorageClass', version: 'v1', group: 'storage.k8s.io' }, referrers: [
    ['spec/storageClassName', 'PersistentVolume'],
    ['spec/storageClassName', 'PersistentVolumeClaim'],
    ['spec/volumeClaimTemplates/spec/storageClassName', 'StatefulSet'],
  ] },
  { target: { kind: 'PriorityClass', version: 'v1', group: 'scheduling.k8s.io' }, referrers: [
    ['spec/priorityClassName', 'Pod'],
    ['spec/template/spec/priorityClassName', 'StatefulSet'],
    ['spec/template/spec/priorityClassName', 'Deployment'],
    ['spec/template/spec/priorityClassName', 'ReplicationController'],
    ['spec/jobTemplate/spec/template/spec/priorityClassName', 'CronJob'],
    ['spec/template/spec/priorityClassName', 'Job'],
    ['spec/template/spec/priorityClassName', 'DaemonSet'],
  ] },
  { target: { kind: 'IngressClass', version: 'v1', group: 'networking.k8s.io/v1' }, referrers: [
    ['spec/ingressClassName', 'Ingress'],
  ] },
  { target: { kind: 'ValidatingAdmissionPolicy', group: 'admissionregistration.k8s.io' }, referrers: [
    ['spec/policyName', 'ValidatingAdmissionPolicyBinding', 'admissionregistration.k8s.io'],
  ] },
];

/**
 * What the name references of one build need of every resource, worked out once: setting
 * references never changes a resource's own ids. The candidates for a reference are looked
 * up by the old name they must have had, so the work grows with the references, not with
 * references × resources.
 */
interface Ids {
  cur: Map<Res, ResId>;
  org: Map<Res, ResId>;
  prev: Map<Res, ResId[]>;
  /** Resources by the names of their previous ids, in list order (a referral must have been renamed). */
  byPrevName: Map<string, Res[]>;
  /** Resources by the effective namespace of their original id, in list order. */
  byOrgNs: Map<string, Res[]>;
}

/** Membership in the subset of the resources a referrer could refer to. */
type Pool = (r: Res) => boolean;

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export function fixNameReferences(rm: ResMap): void {
  const resources = rm.list;
  const ix: Ids = { cur: new Map(), org: new Map(), prev: new Map(), byPrevName: new Map(), byOrgNs: new Map() };
  const byOrgKind = new Map<string, Res[]>();
  for (const r of resources) {
    const prev = prevIdsOf(r);
    const org = prev.length ? prev[0]! : curId(r);
    ix.cur.set(r, curId(r));
    ix.org.set(r, org);
    ix.prev.set(r, prev);
    for (const n of new Set(prev.map((id) => id.name))) push(ix.byPrevName, n, r);
    push(ix.byOrgNs, effectiveNs(org), r);
    push(byOrgKind, org.kind, r);
  }
  const filters = new Map<Res, { fs: FieldSpec; target: Partial<Gvk> }[]>();
  for (const br of NAME_REFERENCE) {
    for (const [path, kind, group, version] of br.referrers) {
      const sel = { kind, group: group || undefined, version: version || undefined };
      // Every referrer spec names a kind: only resources of that kind can be selected.
      for (const r of byOrgKind.get(kind) ?? []) {
        if (gvkSelected(ix.org.get(r)!, sel)) push(filters, r, { fs: { path }, target: br.target });
      }
    }
  }
  for (const [referrer, list] of filters) {
    const pool = subsetReferencedBy(referrer, ix);
    for (const f of list) {
      applyFieldSpec(referrer.node, f.fs, (slot) => setRef(slot.node, slot.replace, referrer, f.fs.path, f.target, pool, ix));
    }
  }
}

function setRef(node: YNode, replace: (n: YNode) => void, referrer: Res, path: string, target: Partial<Gvk>, pool: Pool, ix: Ids): void {
  if (isScalar(node)) {
    if (node.value === null) return;
    setScalar(node, replace, referrer, path, target, pool, ix);
  } else if (isMap(node)) setMapping(node, referrer, path, target, pool, ix);
  else if (isSeq(node)) {
    node.items.forEach((el, i) => {
      if (isScalar(el)) setScalar(el, (n) => (node.items[i] = n), referrer, path, target, pool, ix);
      else if (isMap(el)) setMapping(el, referrer, path, target, pool, ix);
      else throw new KError(`name reference at '${path}' of ${idHuman(curId(referrer))}: expected a string or a map.`, el.loc);
    });
  }
}

function setScalar(node: YNode, replace: (n: YNode) => void, referrer: Res, path: string, target: Partial<Gvk>, pool: Pool, ix: Ids): void {
  const old = rawText(node);
  const referral = selectReferral(old, pool, referrer, path, target, false, ix);
  if (!referral || rawText(nameNode(referral)) === old) return;
  const nn = nameNode(referral)!;
  replace(scalar(rawText(nn), nn.loc));
}

function setMapping(node: YMap, referrer: Res, path: string, target: Partial<Gvk>, pool: Pool, ix: Ids): void {
  const np = field(node, 'name');
  if (!np) throw new KError(`name reference at '${path}' of ${idHuman(curId(referrer))} has no 'name' field.`, node.loc);
  let cands = pool;
  const nsp = field(node, 'namespace');
  if (nsp) {
    const ns = rawText(nsp.value);
    const inNs = (id: ResId) => effectiveNs(id) === ns && effectiveNs(id) !== NOT_NAMESPACED;
    // The candidates whose original id is in that namespace, if there are any; else those now in it.
    const byOrg = (r: Res) => pool(r) && inNs(ix.org.get(r)!);
    cands = (ix.byOrgNs.get(ns) ?? []).some(byOrg) ? byOrg : (r: Res) => pool(r) && inNs(ix.cur.get(r)!);
  }
  const old = rawText(np.value);
  const referral = selectReferral(old, cands, referrer, path, target, true, ix);
  if (!referral) return;
  const refNs = rawText(fieldValue(fieldValue(referral.node, 'metadata'), 'namespace'));
  const nn = nameNode(referral)!;
  if (rawText(nn) === old && refNs === '') return;
  np.value = scalar(rawText(nn), nn.loc);
  if (refNs === '') return;
  const nsNode = fieldValue(fieldValue(referral.node, 'metadata'), 'namespace')!;
  if (nsp) nsp.value = scalar(refNs, nsNode.loc);
  else node.items.push({ key: 'namespace', keyLoc: nsNode.loc, value: scalar(refNs, nsNode.loc) });
}

function nameNode(r: Res): YNode | undefined {
  return fieldValue(fieldValue(r.node, 'metadata'), 'name');
}

function roleRefGvk(r: Res): Partial<Gvk> | undefined {
  const rr = fieldValue(r.node, 'roleRef');
  if (!isMap(rr)) return undefined;
  const g = fieldValue(rr, 'apiGroup');
  const k = fieldValue(rr, 'kind');
  if (!g || !k) return undefined;
  return { group: rawText(g), kind: rawText(k) };
}

function sameEnding(a: string[], b: string[]): boolean {
  let [shortest, longest] = [a, b];
  if (shortest.length > longest.length) [shortest, longest] = [longest, shortest];
  const diff = longest.length - shortest.length;
  if (shortest.length === 0) return diff === 0;
  for (let i = shortest.length - 1; i >= 0; i--) if (longest[i + diff] !== shortest[i]) return false;
  return true;
}

function prefixSuffixEquals(r: Res, o: Res, allowEmpty: boolean): boolean {
  if (allowEmpty) {
    const pe = r.prefixes.length === 0 || o.prefixes.length === 0;
    const se = r.suffixes.length === 0 || o.suffixes.length === 0;
    return (pe || sameEnding(r.prefixes, o.prefixes)) && (se || sameEnding(r.suffixes, o.suffixes));
  }
  return sameEnding(r.prefixes, o.prefixes) && sameEnding(r.suffixes, o.suffixes);
}

function selectReferral(oldName: string, pool: Pool, referrer: Res, path: string, target: Partial<Gvk>, withNs: boolean, ix: Ids): Res | undefined {
  // The candidates with a previous id named oldName (in list order), then kustomize's filters.
  let c = (ix.byPrevName.get(oldName) ?? []).filter(pool);
  c = c.filter((r) => ix.prev.get(r)!.some((id) => gvkSelected(id, target)));
  if (path.endsWith('roleRef/name')) {
    const g = roleRefGvk(referrer);
    if (g) c = c.filter((r) => ix.prev.get(r)!.some((id) => gvkSelected(id, g)));
  }
  const refId = ix.cur.get(referrer)!;
  if (!refId.clusterScoped) {
    c = c.filter((r) => {
      const id = ix.cur.get(r)!;
      return id.clusterScoped || id.kind === 'ServiceAccount' || effectiveNs(id) === effectiveNs(refId);
    });
  }
  if (c.length === 1) return c[0];
  c = c.filter((r) => prefixSuffixEquals(r, referrer, true));
  if (c.length > 1) c = c.filter((r) => prefixSuffixEquals(r, referrer, false));
  if (c.length === 1) return c[0];
  if (c.length === 0) return undefined;
  const n0 = rawText(nameNode(c[0]!));
  const ns0 = rawText(fieldValue(fieldValue(c[0]!.node, 'metadata'), 'namespace'));
  const same = c.every((r) => rawText(nameNode(r)) === n0 && (!withNs || rawText(fieldValue(fieldValue(r.node, 'metadata'), 'namespace')) === ns0));
  if (same) return c[0];
  throw new KError(
    `${idHuman(curId(referrer))} refers to '${oldName}' at ${path}, and several renamed objects could be meant (${c.map((r) => idHuman(curId(r))).join(', ')}); kustomize fails. Give them distinct names or namespaces.`,
    fieldValue(fieldValue(referrer.node, 'metadata'), 'name')?.loc,
  );
}

/** resWrangler.SubsetThatCouldBeReferencedByResource, as a membership test. */
function subsetReferencedBy(referrer: Res, ix: Ids): Pool {
  const rid = ix.cur.get(referrer)!;
  if (rid.clusterScoped) return () => true;
  const rbNs = roleBindingNamespaces(referrer);
  const ns = effectiveNs(rid);
  return (t) => {
    const id = ix.cur.get(t)!;
    return id.clusterScoped || effectiveNs(id) === ns || rbNs.has(id.namespace);
  };
}

function roleBindingNamespaces(r: Res): Set<string> {
  const out = new Set<string>();
  if (rawText(fieldValue(r.node, 'kind')) !== 'RoleBinding') return out;
  const subjects = fieldValue(r.node, 'subjects');
  if (!isSeq(subjects)) return out;
  for (const s of subjects.items) {
    if (!isMap(s)) continue;
    const ns = field(s, 'namespace');
    const kind = field(s, 'kind');
    if (!ns || !kind || rawText(kind.value) !== 'ServiceAccount') continue;
    if (!isScalar(ns.value) || typeof ns.value.value !== 'string') {
      throw new KError(`${idHuman(curId(r))}: a ServiceAccount subject has a blank namespace; kustomize refuses it. Set the namespace or remove the key.`, ns.value.loc ?? ns.keyLoc);
    }
    out.add(ns.value.value);
  }
  return out;
}

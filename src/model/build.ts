// Model: Kubernetes documents (YNode) -> workloads, pods, containers, volumes, mounts, and
// what each container's command does; plus Services, PVs and PVCs for cross-resource rules.
import type { YMap, YNode, YScalar, YSeq } from '../load/ynode.js';
import { get, isMap, isScalar, isSeq, items, num, pairs, str, bool } from '../load/ynode.js';
import type { Config } from '../engine/config.js';
import { analyzeRun } from './shell/index.js';
import { workloadKind } from './kinds.js';
import { addAppTemplate } from '../apptemplate/index.js';
import { settled } from './exact.js';
import type {
  Container, ContainerSort, Model, NfsSource, NodeSelection, PersistentVolume, PersistentVolumeClaim, Pod, Probe,
  Resource, Service, Volume, VolumeMount, VolumeType, Workload,
} from './types.js';

export interface InputDoc {
  node: YNode | undefined;
  /** File the document was read from (display path). */
  file: string;
  /** Kustomize root directory, when rendered. */
  root?: string;
  /** A bjw-s app-template values file (--app-template-values): not a Kubernetes object. */
  appTemplateValues?: boolean;
}

export function stringMap(n: YNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs(n)) {
    const v = p.value;
    if (isScalar(v) && v.value !== null) out[p.key] = String(v.value);
  }
  return out;
}

/** A document is a Kubernetes object when it has string `apiVersion` and `kind`. */
export function toResource(doc: InputDoc): Resource | undefined {
  const n = doc.node;
  if (!isMap(n)) return undefined;
  const apiVersion = str(get(n, 'apiVersion'));
  const kind = str(get(n, 'kind'));
  if (!apiVersion || !kind) return undefined;
  const meta = get(n, 'metadata');
  return {
    apiVersion, kind,
    name: str(get(meta, 'name')) ?? '',
    namespace: str(get(meta, 'namespace')),
    node: n,
    file: doc.file,
    labels: stringMap(get(meta, 'labels')),
    annotations: stringMap(get(meta, 'annotations')),
    root: doc.root,
  };
}

export function buildModel(docs: InputDoc[], config: Config, fileText?: (file: string) => string | undefined): Model {
  const ctx: BuildCtx = { config, fileText };
  const model: Model = { resources: [], workloads: [], services: [], pvs: [], pvcs: [] };
  for (const d of docs) {
    if (d.appTemplateValues) continue;
    const r = toResource(d);
    if (!r) {
      // Both keys there and one not a string: meant as an object (other YAML is not linted).
      const av = get(d.node, 'apiVersion');
      const kd = get(d.node, 'kind');
      if (isMap(d.node) && av && kd && (notString(av) || notString(kd))) (model.unreadable ??= []).push({ node: d.node, file: d.file });
      continue;
    }
    if (r.kind === 'List' && r.apiVersion === 'v1') {
      if (notList(get(r.node, 'items'))) (model.unreadable ??= []).push({ node: r.node, file: d.file });
      for (const it of items(get(r.node, 'items'))) {
        const sub = toResource({ node: it, file: d.file, root: d.root });
        if (sub) addResource(model, sub, ctx);
      }
      continue;
    }
    addResource(model, r, ctx);
  }
  // bjw-s app-template: HelmReleases of the chart and --app-template-values files become
  // workloads, Services and PVCs built from their values (src/apptemplate). After the loop,
  // because a HelmRelease's chartRef may name an OCIRepository that comes later.
  addAppTemplate(model, docs, ctx);
  return model;
}

/** A value that is there and is not a string (null counts as absent). */
function notString(n: YNode | undefined): boolean {
  return !!n && !(n.kind === 'scalar' && (n.value === null || typeof n.value === 'string'));
}
function notList(n: YNode | undefined): boolean {
  return !!n && n.kind !== 'seq' && !(n.kind === 'scalar' && n.value === null);
}

interface BuildCtx { config: Config; fileText: ((file: string) => string | undefined) | undefined }

function addResource(model: Model, r: Resource, ctx: BuildCtx): void {
  const config = ctx.config;
  model.resources.push(r);
  const info = workloadKind(r.kind, r.apiVersion, config);
  if (info) {
    const w = buildWorkload(r, info.template, ctx);
    if (w) model.workloads.push(w);
    return;
  }
  if (r.kind === 'Service' && r.apiVersion === 'v1') model.services.push(buildService(r));
  else if (r.kind === 'PersistentVolume') model.pvs.push(buildPV(r));
  else if (r.kind === 'PersistentVolumeClaim') {
    model.pvcs.push({
      resource: r, name: r.name, namespace: r.namespace,
      volumeName: str(get(r.node, 'spec', 'volumeName')),
      storageClassName: str(get(r.node, 'spec', 'storageClassName')),
    } satisfies PersistentVolumeClaim);
  }
}

function buildWorkload(r: Resource, templatePath: string[], ctx: BuildCtx): Workload | undefined {
  const template = templatePath.length ? get(r.node, ...templatePath) : r.node;
  const spec = get(template, 'spec');
  if (!isMap(spec)) return undefined;
  const specNode = get(r.node, 'spec') as YMap;
  const strategyKey = r.kind === 'DaemonSet' || r.kind === 'StatefulSet' ? 'updateStrategy' : 'strategy';
  const strategyNode = get(specNode, strategyKey);
  const typeNode = get(strategyNode, 'type');
  const w: Workload = {
    id: `${r.kind}/${r.namespace ?? '-'}/${r.name}`,
    kind: r.kind, name: r.name, namespace: r.namespace, resource: r,
    pod: undefined as unknown as Pod,
    strategy: {
      type: str(typeNode) ?? (r.kind === 'DaemonSet' || r.kind === 'StatefulSet' || r.kind === 'Deployment' ? 'RollingUpdate' : undefined),
      node: isMap(strategyNode) ? strategyNode : undefined,
      typeNode: isScalar(typeNode) ? typeNode : undefined,
      specNode,
    },
  };
  const tmeta = templatePath.length ? get(template, 'metadata') : get(r.node, 'metadata');
  const pod: Pod = {
    workload: w, specNode: spec,
    labels: stringMap(get(tmeta, 'labels')),
    annotations: stringMap(get(tmeta, 'annotations')),
    containers: [], volumes: [],
    selection: nodeSelection(spec),
    hostNetwork: bool(get(spec, 'hostNetwork')) === true,
    runAsUser: num(get(spec, 'securityContext', 'runAsUser')),
    runAsGroup: num(get(spec, 'securityContext', 'runAsGroup')),
  };
  w.pod = pod;
  for (const v of items(get(spec, 'volumes'))) if (isMap(v)) pod.volumes.push(buildVolume(pod, v));
  const lists: [string, ContainerSort][] = [['initContainers', 'init'], ['containers', 'container'], ['ephemeralContainers', 'ephemeral']];
  for (const [key, sort] of lists) {
    items(get(spec, key)).forEach((c, index) => {
      if (isMap(c)) pod.containers.push(buildContainer(pod, c, sort, index, ctx));
    });
  }
  pod.volumes = settled(pod.volumes);
  pod.containers = settled(pod.containers);
  return w;
}

/** Exported for src/apptemplate, which reads the same fields from app-template pod options. */
export function nodeSelection(spec: YMap): NodeSelection {
  const ns = get(spec, 'nodeSelector');
  const affinity = get(spec, 'affinity');
  const required = get(affinity, 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution');
  const requiredTerms = items(get(required, 'nodeSelectorTerms')).map((t) =>
    items(get(t, 'matchExpressions')).map((e) => ({
      key: str(get(e, 'key')) ?? '', operator: str(get(e, 'operator')) ?? '',
      values: items(get(e, 'values')).map((v) => str(v) ?? ''), node: e,
    })));
  const podAff = items(get(affinity, 'podAffinity', 'requiredDuringSchedulingIgnoredDuringExecution')).map((t) => ({
    labels: stringMap(get(t, 'labelSelector', 'matchLabels')),
    topologyKey: str(get(t, 'topologyKey')),
  }));
  return {
    nodeSelector: stringMap(ns), nodeSelectorNode: isMap(ns) ? ns : undefined,
    requiredTerms, requiredNode: required, affinityNode: isMap(affinity) ? affinity : undefined,
    requiredPodAffinity: podAff, tolerations: get(spec, 'tolerations'),
  };
}

const VOLUME_TYPES: VolumeType[] = ['emptyDir', 'hostPath', 'persistentVolumeClaim', 'nfs', 'csi', 'ephemeral', 'configMap', 'secret', 'projected', 'downwardAPI'];

function buildVolume(pod: Pod, v: YMap): Volume {
  let type: VolumeType = 'other';
  let typeNode: YNode | undefined;
  for (const p of v.items) {
    if ((VOLUME_TYPES as string[]).includes(p.key)) { type = p.key as VolumeType; typeNode = p.value; break; }
  }
  const tn = isMap(typeNode) ? typeNode : undefined;
  return {
    pod, node: v, name: str(get(v, 'name')) ?? '', type, typeNode: tn,
    medium: str(get(tn, 'medium')),
    hostPath: type === 'hostPath' ? str(get(tn, 'path')) : undefined,
    claimName: type === 'persistentVolumeClaim' ? str(get(tn, 'claimName')) : undefined,
    nfs: type === 'nfs' ? nfsSource(tn, undefined) : undefined,
    csiDriver: type === 'csi' ? str(get(tn, 'driver')) : undefined,
  };
}

export function nfsSource(n: YNode | undefined, mountOptions: YNode | undefined): NfsSource | undefined {
  if (!isMap(n)) return undefined;
  const server = get(n, 'server');
  const path = get(n, 'path');
  return {
    server: str(server) ?? '', serverNode: isScalar(server) ? server : undefined,
    path: str(path) ?? '', pathNode: isScalar(path) ? path : undefined,
    mountOptions: isSeq(mountOptions) ? mountOptions.items.map((x) => str(x) ?? '') : undefined,
    mountOptionsNode: isSeq(mountOptions) ? mountOptions : undefined,
  };
}

function probe(n: YNode | undefined): Probe | undefined {
  if (!isMap(n)) return undefined;
  const cmd = get(n, 'exec', 'command');
  return { node: n, exec: isSeq(cmd) ? cmd.items.map((x) => str(x) ?? '') : undefined };
}

function buildContainer(pod: Pod, c: YMap, sort: ContainerSort, index: number, ctx: BuildCtx): Container {
  const sc = get(c, 'securityContext');
  const priv = get(sc, 'privileged');
  const restart = get(c, 'restartPolicy');
  const restartPolicy = str(restart);
  const realSort: ContainerSort = sort === 'init' && restartPolicy === 'Always' ? 'sidecar' : sort;
  const image = get(c, 'image');
  const commandNode = get(c, 'command');
  const argsNode = get(c, 'args');
  const lifecycle = get(c, 'lifecycle');
  const res = get(c, 'resources');
  const ports = settled(items(get(c, 'ports')).flatMap((p) => {
    const port = num(get(p, 'containerPort'));
    return port === undefined ? [] : [{ port, name: str(get(p, 'name')), node: p }];
  }));
  const container: Container = {
    pod, name: str(get(c, 'name')) ?? `#${index}`, sort: realSort, index, node: c,
    image: str(image), imageNode: isScalar(image) ? image : undefined,
    commandNode: isSeq(commandNode) ? commandNode : undefined,
    argsNode: isSeq(argsNode) ? argsNode : undefined,
    securityContextNode: isMap(sc) ? sc : undefined,
    privileged: bool(priv) === true,
    privilegedNode: isScalar(priv) ? priv : undefined,
    capabilities: items(get(sc, 'capabilities', 'add')).map((x) => (str(x) ?? '').toUpperCase().replace(/^CAP_/, '')),
    runAsUser: num(get(sc, 'runAsUser')) ?? pod.runAsUser,
    runAsGroup: num(get(sc, 'runAsGroup')) ?? pod.runAsGroup,
    volumeMounts: [],
    volumeMountsNode: isSeq(get(c, 'volumeMounts')) ? (get(c, 'volumeMounts') as YSeq) : undefined,
    ports,
    startupProbe: probe(get(c, 'startupProbe')),
    livenessProbe: probe(get(c, 'livenessProbe')),
    readinessProbe: probe(get(c, 'readinessProbe')),
    lifecycleNode: isMap(lifecycle) ? lifecycle : undefined,
    restartPolicy, restartPolicyNode: isScalar(restart) ? restart : undefined,
    resourcesNode: isMap(res) ? res : undefined,
    limits: stringMap(get(res, 'limits')),
    requests: stringMap(get(res, 'requests')),
    run: undefined as unknown as Container['run'],
  };
  for (const m of items(get(c, 'volumeMounts'))) {
    if (!isMap(m)) continue;
    container.volumeMounts.push(buildMount(container, m));
  }
  container.volumeMounts = settled(container.volumeMounts);
  container.run = analyzeRun({
    image: container.image,
    commandNode: container.commandNode,
    argsNode: container.argsNode,
    lifecycleNode: container.lifecycleNode,
    ports: ports.map((p) => ({ port: p.port, node: p.node as YMap })),
    mounters: ctx.config.mounters,
    imageNode: container.imageNode,
    fileText: ctx.fileText,
  });
  return container;
}

function buildMount(container: Container, m: YMap): VolumeMount {
  const name = str(get(m, 'name')) ?? '';
  const mp = get(m, 'mountPath');
  const sp = get(m, 'subPath') ?? get(m, 'subPathExpr');
  const prop = get(m, 'mountPropagation');
  return {
    container, node: m, name,
    mountPath: normalizePath(str(mp) ?? ''),
    mountPathNode: isScalar(mp) ? mp : undefined,
    subPath: str(sp) || undefined,
    subPathNode: isScalar(sp) ? sp : undefined,
    readOnly: bool(get(m, 'readOnly')) === true,
    propagation: str(prop),
    propagationNode: isScalar(prop) ? (prop as YScalar) : undefined,
    volume: container.pod.volumes.find((v) => v.name === name),
  };
}

function buildService(r: Resource): Service {
  const spec = get(r.node, 'spec');
  const sel = get(spec, 'selector');
  const cip = get(spec, 'clusterIP');
  return {
    resource: r, name: r.name, namespace: r.namespace,
    selector: isMap(sel) ? stringMap(sel) : undefined,
    clusterIP: str(cip), clusterIPNode: isScalar(cip) ? cip : undefined,
    type: str(get(spec, 'type')),
    ports: items(get(spec, 'ports')).map((p) => {
      const tp = get(p, 'targetPort');
      return {
        port: num(get(p, 'port')) ?? 0,
        targetPort: isScalar(tp) && tp.value !== null ? (num(tp) ?? String(tp.value)) : undefined,
        name: str(get(p, 'name')), node: p,
      };
    }),
  };
}

function buildPV(r: Resource): PersistentVolume {
  const spec = get(r.node, 'spec');
  const claim = get(spec, 'claimRef');
  return {
    resource: r, name: r.name,
    nfs: nfsSource(get(spec, 'nfs'), get(spec, 'mountOptions')),
    csiDriver: str(get(spec, 'csi', 'driver')),
    hostPath: str(get(spec, 'hostPath', 'path')),
    claimRef: isMap(claim) ? { name: str(get(claim, 'name')) ?? '', namespace: str(get(claim, 'namespace')) } : undefined,
  };
}

/** `/a//b/` -> `/a/b` (paths compared as the kernel resolves them, without symlinks). */
export function normalizePath(p: string): string {
  if (!p || isNormalPath(p)) return p;
  const abs = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return (abs ? '/' : '') + parts.join('/') || '/';
}

/** No empty, `.` or `..` segment and no trailing slash: normalizePath would return it as it is. */
function isNormalPath(p: string): boolean {
  let segStart = p.charCodeAt(0) === 47 ? 1 : 0;
  if (segStart === p.length) return false;
  for (let i = segStart; i <= p.length; i++) {
    if (i < p.length && p.charCodeAt(i) !== 47) continue;
    const n = i - segStart;
    if (n === 0 || (n <= 2 && p.charCodeAt(segStart) === 46 && (n === 1 || p.charCodeAt(segStart + 1) === 46))) return false;
    segStart = i + 1;
  }
  return true;
}

/** Is `p` equal to or below `dir`? */
export function isUnder(p: string, dir: string): boolean {
  const a = normalizePath(p);
  const d = normalizePath(dir);
  return a === d || d === '/' || a.startsWith(d + '/');
}

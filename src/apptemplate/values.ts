// bjw-s app-template values -> the pod model (src/model/types.ts), the way the chart's
// common library renders them, so that every rule applies unchanged and every finding and
// fix lands on the values line that produced the rendered field. The field-by-field table
// and the chart versions it was read from are in ./index.ts.
import type { Loc, YMap, YNode, YPair, YScalar, YSeq } from '../load/ynode.js';
import { bool, get, isMap, isScalar, isSeq, items, num, pairOf, str, withPairValue } from '../load/ynode.js';
import type { Config } from '../engine/config.js';
import { analyzeRun } from '../model/shell/index.js';
import { nfsSource, nodeSelection, normalizePath, stringMap } from '../model/build.js';
import type {
  Container, ContainerSort, PersistentVolumeClaim, Pod, Probe, Resource, Service, Volume, VolumeMount, VolumeType, Workload,
} from '../model/types.js';
import { CHART_LOC, asSeq, enabled, get1, isEmpty, mergeMaps, smap, spair, sscalar, sseq, sortedPairs, tpl } from './nodes.js';
import { isAdvancedEntry, markAdvanced, markReadOnly, setChartContainer, setChartPod, setChartVolume, setInherited } from './edits.js';

/** One release of the chart: a HelmRelease's `spec.values`, or a values file. */
export interface Release {
  /** The document the values belong to (a HelmRelease, or a stand-in for a values file). */
  resource: Resource;
  values: YMap;
  /** The Helm release name (Flux: `spec.releaseName`, else `[targetNamespace-]name`). */
  name: string;
  namespace: string | undefined;
  /** The chart's major version, when the chart reference pins one. */
  major: number | undefined;
}

export interface Rendered {
  workloads: Workload[];
  services: Service[];
  pvcs: PersistentVolumeClaim[];
}

interface Ctx {
  config: Config;
  fileText: ((file: string) => string | undefined) | undefined;
}

const KINDS: Record<string, string> = {
  deployment: 'Deployment', statefulset: 'StatefulSet', daemonset: 'DaemonSet', cronjob: 'CronJob', job: 'Job',
};

/** Pod options the chart copies into the PodSpec under the same name (lib/pod/_spec.tpl). */
const POD_OPTIONS = [
  'enableServiceLinks', 'automountServiceAccountToken', 'priorityClassName', 'runtimeClassName', 'schedulerName',
  'securityContext', 'hostname', 'hostIPC', 'hostNetwork', 'hostPID', 'hostUsers', 'shareProcessNamespace', 'dnsPolicy',
  'dnsConfig', 'hostAliases', 'imagePullSecrets', 'terminationGracePeriodSeconds', 'resources', 'restartPolicy',
  'nodeSelector', 'affinity', 'topologySpreadConstraints', 'tolerations', 'schedulingGates',
];

/** Container keys the chart copies into the container spec under the same name (lib/container/_spec.tpl). */
const CONTAINER_KEYS = [
  'command', 'args', 'workingDir', 'securityContext', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy',
  'envFrom', 'ports', 'resources', 'restartPolicy', 'stdin', 'tty',
];

/** PodSpec keys that only the chart writes: a fix must not add them to values (see CHART_LOC). */
const CHART_POD_KEYS = ['containers', 'initContainers', 'ephemeralContainers', 'volumes'];

// ---- names (lib/chart/_names.tpl, lib/common/_determineResourceNameFromValues.tpl) -------------

interface Names {
  release: { name: string; namespace: string | undefined };
  /** `app.kubernetes.io/name`: app-template sets global.nameOverride to the release name. */
  name: string;
  fullname: string;
  alwaysAppend: boolean;
}

function trunc63(s: string): string {
  return s.slice(0, 63).replace(/-+$/, '');
}

function namesOf(rel: Release): Names {
  const g = get1(rel.values, 'global');
  const release = { name: rel.name, namespace: rel.namespace };
  const name = trunc63(str(get1(g, 'nameOverride')) || rel.name);
  const override = str(get1(g, 'fullnameOverride')) || str(get1(rel.values, 'fullnameOverride'));
  const fullname = trunc63(override || (rel.name.includes(name) ? rel.name : `${rel.name}-${name}`));
  return { release, name, fullname, alwaysAppend: bool(get1(g, 'alwaysAppendIdentifierToResourceName')) === true };
}

function resourceName(n: Names, id: string, values: YNode | undefined, itemCount: number): string {
  const force = str(get1(values, 'forceRename'));
  if (force) return tpl(force, n.release).toLowerCase();
  let name = n.fullname;
  const prefix = str(get1(values, 'prefix'));
  if (prefix) {
    const p = tpl(prefix, n.release);
    if (p !== name) name = `${p}-${name}`;
  }
  if ((itemCount > 1 || n.alwaysAppend) && !name.endsWith(`-${id}`) && name !== id) name = `${name}-${id}`;
  const suffix = str(get1(values, 'suffix'));
  if (suffix) {
    const s = tpl(suffix, n.release);
    if (!name.endsWith(`-${s}`)) name = `${name}-${s}`;
  }
  return name.toLowerCase();
}

// ---- the release ----------------------------------------------------------------------

export function renderRelease(rel: Release, ctx: Ctx): Rendered {
  const names = namesOf(rel);
  const out: Rendered = { workloads: [], services: [], pvcs: [] };
  const controllers = sortedPairs(get1(rel.values, 'controllers')).filter((p) => isMap(p.value) && enabled(p.value));
  const services = sortedPairs(get1(rel.values, 'service')).filter((p) => isMap(p.value) && enabled(p.value));
  const serviceController = (p: YPair) => str(get1(p.value, 'controller')) ?? (controllers.length === 1 ? controllers[0]!.key : undefined);
  const controllerLabel = rel.major !== undefined && rel.major < 4 ? 'app.kubernetes.io/component' : 'app.kubernetes.io/controller';
  const selectorLabels = { 'app.kubernetes.io/name': names.name, 'app.kubernetes.io/instance': rel.name };

  const persistence = sortedPairs(get1(rel.values, 'persistence')).filter((p) => isMap(p.value) && enabled(p.value));
  const pvcItems = persistence.filter((p) => (str(get1(p.value, 'type')) || 'persistentVolumeClaim') === 'persistentVolumeClaim' && !str(get1(p.value, 'existingClaim')));
  const claimNames = new Map(pvcItems.map((p) => [p.key, resourceName(names, p.key, p.value, pvcItems.length)]));
  for (const p of pvcItems) {
    out.pvcs.push({
      resource: standIn(rel, 'PersistentVolumeClaim', claimNames.get(p.key)!, p.value as YMap),
      name: claimNames.get(p.key)!, namespace: rel.namespace,
      volumeName: str(get1(p.value, 'volumeName')),
      storageClassName: str(get1(p.value, 'storageClass')),
    });
  }

  for (const c of controllers) {
    const cmap = c.value as YMap;
    // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
    const type = str(get1(cmap, 'type')) || 'deployment';
    const kind = Object.hasOwn(KINDS, type) ? KINDS[type] : undefined;
    if (!kind) continue; // the chart renders nothing for an unknown type
    const name = resourceName(names, c.key, cmap, controllers.length);
    const hasService = services.some((s) => serviceController(s) === c.key);
    const labels = {
      [controllerLabel]: c.key, ...selectorLabels,
      ...stringMap(get1(get1(rel.values, 'defaultPodOptions'), 'labels')),
      ...stringMap(get1(get1(cmap, 'pod'), 'labels')),
    };
    out.workloads.push(buildWorkload(rel, c, kind, name, labels, { persistence, claimNames, hasService }, ctx));
  }

  shareMounts(out.workloads);

  for (const s of services) {
    const svc = s.value as YMap;
    const controller = serviceController(s);
    const name = resourceName(names, s.key, svc, services.length);
    const cip = get1(svc, 'clusterIP');
    const ports = sortedPairs(get1(svc, 'ports')).filter((p) => isMap(p.value) && enabled(p.value)).map((p) => {
      const port = num(get1(p.value, 'port')) ?? 0;
      const tp = get1(p.value, 'targetPort');
      const targetPort = isScalar(tp) && tp.value !== null && tp.value !== '' ? (num(tp) ?? String(tp.value)) : port;
      return { port, targetPort, name: p.key, node: p.value };
    });
    out.services.push({
      resource: standIn(rel, 'Service', name, svc),
      name, namespace: rel.namespace,
      selector: { ...selectorLabels, ...(controller ? { [controllerLabel]: controller } : {}), ...stringMap(get1(svc, 'extraSelectorLabels')) },
      clusterIP: str(cip), clusterIPNode: isScalar(cip) ? cip : undefined,
      ports,
      type: str(get1(svc, 'type')) ?? 'ClusterIP',
    });
  }
  return out;
}

/** A chart-made object (Service, PVC): its node is the values entry it comes from. */
function standIn(rel: Release, kind: string, name: string, node: YMap): Resource {
  return {
    apiVersion: 'v1', kind, name, namespace: rel.namespace, node, file: rel.resource.file,
    labels: {}, annotations: {}, root: rel.resource.root,
  };
}

// ---- controllers ----------------------------------------------------------------------

interface Shared {
  persistence: YPair[];
  claimNames: Map<string, string>;
  hasService: boolean;
}

function buildWorkload(rel: Release, c: YPair, kind: string, name: string, labels: Record<string, string>, shared: Shared, ctx: Ctx): Workload {
  const cmap = c.value as YMap;
  const strategyNode = get1(cmap, 'strategy');
  const defaultStrategy = kind === 'Deployment' ? 'Recreate' : kind === 'StatefulSet' || kind === 'DaemonSet' ? 'RollingUpdate' : undefined;
  const w: Workload = {
    id: `${kind}/${rel.namespace ?? '-'}/${name}`,
    kind, name, namespace: rel.namespace, resource: rel.resource,
    pod: undefined as unknown as Pod,
    strategy: {
      // The chart's strategy is a plain string (`strategy: RollingUpdate`) with the rolling
      // parameters beside it, so the only edit that fits it is setting that string: `node` is
      // an empty stand-in (no `rollingUpdate` inside) that steers fixes to `typeNode`.
      type: (kind === 'DaemonSet' ? undefined : str(strategyNode)) ?? defaultStrategy,
      node: smap([]),
      typeNode: kind !== 'DaemonSet' && isScalar(strategyNode) ? strategyNode : undefined,
      specNode: cmap,
    },
  };
  const spec = podSpec(rel, cmap, c.keyLoc);
  const sc = get1(spec, 'securityContext');
  const pod: Pod = {
    workload: w, specNode: spec, labels,
    annotations: { ...stringMap(get1(get1(rel.values, 'defaultPodOptions'), 'annotations')), ...stringMap(get1(get1(cmap, 'pod'), 'annotations')) },
    containers: [], volumes: [],
    selection: nodeSelection(spec),
    hostNetwork: bool(get1(spec, 'hostNetwork')) === true,
    runAsUser: num(get1(sc, 'runAsUser')),
    runAsGroup: num(get1(sc, 'runAsGroup')),
  };
  w.pod = pod;
  setChartPod(pod, { controller: c.key, node: cmap });

  const items = persistenceItems(shared.persistence, kind === 'StatefulSet' ? cmap : undefined, c.key);
  for (const it of items) {
    if (!it.inPod) continue;
    const v = buildVolume(pod, it, shared.claimNames);
    if (!v) continue;
    pod.volumes.push(v);
    setChartVolume(v, { item: it.node, mounts: !it.configured ? 'default' : !isEmpty(it.globalMounts) ? 'global' : 'advanced' });
  }
  const lists: [string, ContainerSort][] = [['initContainers', 'init'], ['containers', 'container']];
  for (const [key, sort] of lists) {
    const own = sortedPairs(get1(cmap, key)).filter((p) => isMap(p.value) && enabled(p.value));
    ordered(own).forEach((p, index) => {
      const built = buildContainer(pod, rel, cmap, p, sort, index, items, shared.hasService, ctx);
      setChartContainer(built, { controller: c.key, node: cmap, key: p.key, list: key as 'containers' | 'initContainers' });
      pod.containers.push(built);
    });
  }
  return w;
}

/** The chart's container order: Kahn's algorithm over `dependsOn`, taking the first key in sort order each time (lib/chart/_kahn.tpl). */
function ordered(ps: YPair[]): YPair[] {
  const deps = new Map<string, Set<string>>();
  for (const p of ps) {
    const d = get1(p.value, 'dependsOn');
    const list = isSeq(d) ? d.items.map((x) => str(x) ?? '') : str(d) ? [str(d)!] : [];
    deps.set(p.key, new Set(list.filter((x) => ps.some((q) => q.key === x))));
  }
  const out: YPair[] = [];
  const left = [...ps];
  while (left.length) {
    const i = left.findIndex((p) => deps.get(p.key)!.size === 0);
    if (i < 0) return [...out, ...left]; // a cycle: the chart fails; keep the rest in key order
    const [n] = left.splice(i, 1);
    out.push(n!);
    for (const s of deps.values()) s.delete(n!.key);
  }
  return out;
}

// ---- pod options (lib/pod/_getOption.tpl) ------------------------------------------------

/**
 * The PodSpec as the rules see it: each option the chart copies, taken from the controller's
 * `pod` or else `defaultPodOptions` (merged when `defaultPodOptionsStrategy: merge`), as the
 * real values pair. Its Loc is the map that holds the controller's pod options, so an edit
 * (no-node-selector's affinity) lands there; pairs that came from the other map are not
 * inside that span, and the fixer refuses to edit them through it.
 */
function podSpec(rel: Release, cmap: YMap, controllerKeyLoc: Loc | undefined): YMap {
  const defaults = get1(rel.values, 'defaultPodOptions');
  const pod = get1(cmap, 'pod');
  const merge = str(get1(rel.values, 'defaultPodOptionsStrategy')) === 'merge';
  const out: YPair[] = [];
  for (const key of POD_OPTIONS) {
    const d = pairOf(defaults, key);
    const p = pairOf(pod, key);
    let chosen: YPair | undefined;
    if (d && (isBoolScalar(d.value) || !isEmpty(d.value))) chosen = d;
    if (p) {
      if (isBoolScalar(p.value)) chosen = p;
      else if (isMap(p.value)) chosen = merge && chosen && isMap(chosen.value) ? withPairValue(p, mergeMaps(p.value, chosen.value)) : p;
      else if (!isEmpty(p.value)) chosen = p;
    }
    if (chosen && (isBoolScalar(chosen.value) || !isEmpty(chosen.value))) out.push(chosen);
  }
  for (const key of CHART_POD_KEYS) out.push(spair(key, sscalar(null), CHART_LOC));
  const home = isMap(pod) ? pod : isMap(defaults) ? defaults : cmap;
  return { kind: 'map', items: out, loc: home.loc ?? controllerKeyLoc };
}

function isBoolScalar(n: YNode | undefined): boolean {
  return isScalar(n) && typeof n.value === 'boolean';
}

// ---- persistence (lib/pod/fields/_volumes.tpl, lib/container/fields/_volumeMounts.tpl) ---------

interface PItem {
  id: string;
  /** Where to point for what the chart makes of the item by default: its key in `persistence`. */
  at: Loc | undefined;
  node: YMap;
  type: string;
  globalMounts: YNode | undefined;
  /** container -> mounts, for this controller. */
  advanced: YNode | undefined;
  /** globalMounts or advancedMounts is set (non-empty) at all. */
  configured: boolean;
  inPod: boolean;
  vct: boolean;
}

function persistenceItems(persistence: YPair[], statefulset: YMap | undefined, controller: string): PItem[] {
  const out: PItem[] = [];
  for (const p of persistence) {
    const node = p.value as YMap;
    const g = get1(node, 'globalMounts');
    const a = get1(node, 'advancedMounts');
    const hasG = !isEmpty(g);
    const hasA = !isEmpty(a);
    const mine = get1(a, controller);
    out.push({
      id: p.key, at: p.keyLoc, node, type: str(get1(node, 'type')) || 'persistentVolumeClaim',
      globalMounts: g, advanced: mine, configured: hasG || hasA,
      inPod: hasG || (hasA && !isEmpty(mine)) || (!hasG && !hasA),
      vct: false,
    });
  }
  // StatefulSet volumeClaimTemplates mount like persistence items (their advancedMounts are per container).
  for (const t of items(get(statefulset, 'statefulset', 'volumeClaimTemplates'))) {
    if (!isMap(t) || !enabled(t)) continue;
    const id = str(get1(t, 'name'));
    if (!id) continue;
    const g = get1(t, 'globalMounts');
    const a = get1(t, 'advancedMounts');
    const i = out.findIndex((x) => x.id === id);
    const item: PItem = {
      id, at: get1(t, 'name')?.loc, node: t, type: 'volumeClaimTemplate', globalMounts: g, advanced: a,
      configured: !isEmpty(g) || !isEmpty(a), inPod: true, vct: true,
    };
    if (i >= 0) out[i] = item;
    else out.push(item);
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

const CUSTOM_TYPES: VolumeType[] = ['emptyDir', 'hostPath', 'persistentVolumeClaim', 'nfs', 'csi', 'ephemeral', 'configMap', 'secret', 'projected', 'downwardAPI'];

function buildVolume(pod: Pod, it: PItem, claimNames: Map<string, string>): Volume | undefined {
  const base = { pod, name: it.id, medium: undefined, hostPath: undefined, claimName: undefined, nfs: undefined, csiDriver: undefined };
  const n = it.node;
  switch (it.type) {
    case 'persistentVolumeClaim': {
      const existing = str(get1(n, 'existingClaim'));
      return { ...base, node: n, type: 'persistentVolumeClaim', typeNode: n, claimName: existing || claimNames.get(it.id) };
    }
    case 'emptyDir':
      // `medium` sits in the item itself: propagation-emptydir-memory's fix adds it there.
      return { ...base, node: n, type: 'emptyDir', typeNode: n, medium: str(get1(n, 'medium')) };
    case 'hostPath': {
      // The rules read a hostPath volume's `path` (and `type`): the item calls them hostPath and hostPathType.
      const path = pairOf(n, 'hostPath');
      const type = pairOf(n, 'hostPathType');
      const typeNode = smap([...(path ? [spair('path', path.value, path.keyLoc)] : []), ...(type ? [spair('type', type.value, type.keyLoc)] : [])], n.loc);
      return { ...base, node: n, type: 'hostPath', typeNode, hostPath: str(path?.value) };
    }
    case 'nfs':
      return { ...base, node: n, type: 'nfs', typeNode: n, nfs: nfsSource(n, undefined) };
    case 'configMap':
    case 'secret':
      return { ...base, node: n, type: it.type, typeNode: n };
    case 'ephemeral':
      return { ...base, node: n, type: 'ephemeral', typeNode: n };
    case 'image':
      return { ...base, node: n, type: 'other', typeNode: n };
    case 'volumeClaimTemplate':
      return { ...base, node: n, type: 'persistentVolumeClaim', typeNode: n, claimName: it.id };
    case 'custom': {
      // `volumeSpec` is a Kubernetes volume source, written as is.
      const spec = get1(n, 'volumeSpec');
      if (!isMap(spec)) return undefined;
      let type: VolumeType = 'other';
      let typeNode: YNode | undefined;
      for (const p of spec.items) {
        if ((CUSTOM_TYPES as string[]).includes(p.key)) { type = p.key as VolumeType; typeNode = p.value; break; }
      }
      const tn = isMap(typeNode) ? typeNode : undefined;
      return {
        ...base, node: spec, type, typeNode: tn,
        medium: str(get(tn, 'medium')),
        hostPath: type === 'hostPath' ? str(get(tn, 'path')) : undefined,
        claimName: type === 'persistentVolumeClaim' ? str(get(tn, 'claimName')) : undefined,
        nfs: type === 'nfs' ? nfsSource(tn, undefined) : undefined,
        csiDriver: type === 'csi' ? str(get(tn, 'driver')) : undefined,
      };
    }
    default:
      return undefined; // "Not a valid persistence.type": the chart fails
  }
}

/**
 * The mounts of one container: for each item, its globalMounts and its advancedMounts for
 * this controller and container, or one mount at the default path when neither is set. The
 * default path is `/<item>` (the host path itself for hostPath items), and, as in the chart,
 * an entry without `path` takes the path of the entry before it.
 */
function mountsOf(c: Container, containerId: string, items: PItem[]): VolumeMount[] {
  const out: VolumeMount[] = [];
  for (const it of items) {
    if (!it.inPod) continue;
    const volume = c.pod.volumes.find((v) => v.name === it.id);
    let path = it.type === 'hostPath' ? str(get1(it.node, 'hostPath')) ?? '' : `/${it.id}`;
    if (!it.configured) {
      // No mount entry to point at or edit: a stand-in at the item's key, which takes no edits.
      const standIn = smap([], it.at ?? it.node.loc);
      markReadOnly(standIn);
      out.push({
        container: c, node: standIn, name: it.id, mountPath: normalizePath(path), mountPathNode: undefined,
        subPath: undefined, subPathNode: undefined, readOnly: false, propagation: undefined, propagationNode: undefined, volume,
      });
      continue;
    }
    const advanced = items_(get1(it.advanced, containerId));
    for (const m of advanced) markAdvanced(m);
    const entries = [...items_(it.globalMounts), ...advanced];
    for (const m of entries) {
      if (!isMap(m)) continue;
      const p = get1(m, 'path');
      if (str(p)) path = str(p)!;
      const sp = get1(m, 'subPath') ?? get1(m, 'subPathExpr');
      const prop = get1(m, 'mountPropagation');
      out.push({
        container: c, node: m, name: it.id,
        mountPath: normalizePath(path), mountPathNode: isScalar(p) && str(p) ? p : undefined,
        subPath: str(sp) || undefined, subPathNode: isScalar(sp) ? sp : undefined,
        readOnly: bool(get1(m, 'readOnly')) === true,
        propagation: str(prop) || undefined, propagationNode: isScalar(prop) ? prop : undefined,
        volume,
      });
    }
  }
  return out;
}

function items_(n: YNode | undefined): YNode[] {
  return isSeq(n) ? n.items : [];
}

/**
 * A mount entry that several containers get (a globalMounts entry, an entry under a YAML
 * alias, the default mount) is one line for all of them: a fix for one container
 * (HostToContainer for a reader) would change the others (the mounter's Bidirectional), so
 * such an entry takes no edits. Findings still point at it; the way out is to split it into
 * advancedMounts, which the message's advice and the docs describe.
 */
function shareMounts(workloads: Workload[]): void {
  const byEntry = new Map<string, VolumeMount[]>();
  for (const w of workloads) {
    for (const c of w.pod.containers) {
      for (const m of c.volumeMounts) {
        const loc = m.node.loc;
        if (!loc || !m.node.items.length) continue; // a default mount's stand-in takes no edits anyway
        const key = `${loc.file}\u0000${loc.start}`;
        byEntry.set(key, [...(byEntry.get(key) ?? []), m]);
      }
    }
  }
  for (const ms of byEntry.values()) {
    if (new Set(ms.map((m) => m.container)).size < 2) continue;
    for (const m of ms) {
      const advanced = isAdvancedEntry(m);
      m.node = smap(m.node.items.map((p) => ({ key: p.key, keyLoc: undefined, value: p.value })), m.node.loc);
      m.propagationNode = undefined;
      markReadOnly(m.node);
      if (advanced) markAdvanced(m.node);
    }
  }
}

// ---- containers (lib/container/*) -----------------------------------------------------------

function buildContainer(
  pod: Pod, rel: Release, cmap: YMap, p: YPair, listSort: ContainerSort, index: number,
  persistence: PItem[], hasService: boolean, ctx: Ctx,
): Container {
  const own = p.value as YMap;
  const eff = effective(own, cmap, listSort === 'init');
  const restart = eff('restartPolicy')?.value;
  const restartPolicy = str(restart);
  const sort: ContainerSort = listSort === 'init' && restartPolicy === 'Always' ? 'sidecar' : listSort;
  const image = imageOf(eff('image')?.value, rel);
  const command = asSeq(eff('command')?.value);
  const args = asSeq(eff('args')?.value);
  const sc = eff('securityContext')?.value;
  const lifecycle = eff('lifecycle')?.value;
  const res = eff('resources')?.value;
  const priv = get1(sc, 'privileged');
  const ports = items(eff('ports')?.value).flatMap((x) => {
    const port = num(get1(x, 'containerPort'));
    return port === undefined ? [] : [{ port, name: str(get1(x, 'name')), node: x }];
  });
  const probes = eff('probes')?.value;
  const probe = (k: string) => probeOf(get1(probes, k), hasService, rel.major);
  const nameOverride = str(get1(own, 'nameOverride'));
  const name = nameOverride ? tpl(nameOverride, { name: rel.name, namespace: rel.namespace }) : p.key;
  const c: Container = {
    pod, name, sort, index, node: own,
    image: image.image, imageNode: image.node,
    commandNode: command, argsNode: args,
    securityContextNode: isMap(sc) ? sc : undefined,
    privileged: bool(priv) === true,
    privilegedNode: isScalar(priv) ? priv : undefined,
    capabilities: items(get1(get1(sc, 'capabilities'), 'add')).map((x) => (str(x) ?? '').toUpperCase().replace(/^CAP_/, '')),
    runAsUser: num(get1(sc, 'runAsUser')) ?? pod.runAsUser,
    runAsGroup: num(get1(sc, 'runAsGroup')) ?? pod.runAsGroup,
    volumeMounts: [],
    volumeMountsNode: undefined,
    ports,
    startupProbe: probe('startup'),
    livenessProbe: probe('liveness'),
    readinessProbe: probe('readiness'),
    lifecycleNode: isMap(lifecycle) ? lifecycle : undefined,
    restartPolicy, restartPolicyNode: isScalar(restart) ? restart : undefined,
    resourcesNode: isMap(res) ? res : undefined,
    limits: stringMap(get1(res, 'limits')),
    requests: stringMap(get1(res, 'requests')),
    run: undefined as unknown as Container['run'],
  };
  c.volumeMounts = mountsOf(c, p.key, persistence);
  const inherited = new Set<string>();
  for (const key of [...CONTAINER_KEYS, 'probes', 'env', 'image']) {
    const e = eff(key);
    if (e && e.value !== pairOf(own, key)?.value) inherited.add(key);
  }
  setInherited(c, inherited);
  // A command line from defaultContainerOptions is every container's: no fix edits its words.
  for (const seq of [inherited.has('command') ? c.commandNode : undefined, inherited.has('args') ? c.argsNode : undefined]) {
    if (!seq) continue;
    markReadOnly(seq);
    for (const it of seq.items) markReadOnly(it);
  }
  const view = containerView(c, own, eff, p, sort);
  c.node = view.node;
  c.volumeMountsNode = view.volumeMounts;
  c.run = analyzeRun({
    image: c.image, commandNode: c.commandNode, argsNode: c.argsNode, lifecycleNode: c.lifecycleNode,
    ports: ports.map((x) => ({ port: x.port, node: x.node as YMap })),
    mounters: ctx.config.mounters, imageNode: c.imageNode, fileText: ctx.fileText,
  });
  return c;
}

/**
 * A container key's value after the controller's `defaultContainerOptions`
 * (`defaultContainerOptionsStrategy` overwrite: the container's own non-empty value, else the
 * default; merge: the two deep-merged). Init containers take them unless
 * `applyDefaultContainerOptionsToInitContainers: false`.
 */
function effective(own: YMap, cmap: YMap, init: boolean): (key: string) => YPair | undefined {
  const defaults = get1(cmap, 'defaultContainerOptions');
  const apply = isMap(defaults) && !(init && bool(get1(cmap, 'applyDefaultContainerOptionsToInitContainers')) === false);
  const merge = str(get1(cmap, 'defaultContainerOptionsStrategy')) === 'merge';
  return (key) => {
    const o = pairOf(own, key);
    const d = apply ? pairOf(defaults, key) : undefined;
    if (!d) return o;
    if (o && !isEmpty(o.value)) return merge && isMap(o.value) ? withPairValue(o, mergeMaps(o.value, d.value)) : o;
    return d;
  };
}

/** `repository[:tag][@digest]` (or the image string); the node to blame is the tag, else the repository. */
function imageOf(n: YNode | undefined, rel: Release): { image: string | undefined; node: YScalar | undefined } {
  const r = { name: rel.name, namespace: rel.namespace };
  if (isScalar(n)) return { image: str(n) ? tpl(str(n)!, r) : undefined, node: n };
  if (!isMap(n)) return { image: undefined, node: undefined };
  const repo = get1(n, 'repository');
  const tag = get1(n, 'tag');
  const digest = get1(n, 'digest');
  if (!str(repo)) return { image: undefined, node: isScalar(repo) ? repo : undefined };
  let image = tpl(str(repo)!, r);
  if (str(tag)) image += `:${tpl(str(tag)!, r)}`;
  if (str(digest)) image += `@${tpl(str(digest)!, r)}`;
  const at = isScalar(tag) && str(tag) ? tag : isScalar(repo) ? repo : undefined;
  return { image, node: at };
}

/**
 * A probe as the chart renders it (lib/container/fields/_probes.tpl): only with
 * `enabled: true`; `custom: true` takes `spec` as written; otherwise the chart builds a TCP,
 * HTTP(S), gRPC or (v5) command probe, which v3/v4 render only when a Service points at the
 * controller. The node of a built probe stands at the probe's values.
 */
function probeOf(pv: YNode | undefined, hasService: boolean, major: number | undefined): Probe | undefined {
  if (!isMap(pv) || bool(get1(pv, 'enabled')) !== true) return undefined;
  if (bool(get1(pv, 'custom')) === true) {
    const spec = get1(pv, 'spec');
    if (!isMap(spec)) return undefined;
    const cmd = get(spec, 'exec', 'command');
    return { node: spec, exec: isSeq(cmd) ? cmd.items.map((x) => str(x) ?? '') : undefined };
  }
  const type = str(get1(pv, 'type'));
  const command = asSeq(get1(pv, 'command'));
  if (command && (!type || type === 'AUTO')) {
    return { node: smap([spair('exec', smap([spair('command', command)]))], pv.loc), exec: command.items.map((x) => str(x) ?? '') };
  }
  if (!hasService && (major === undefined || major < 5)) return undefined;
  const t = (type ?? 'TCP').toUpperCase();
  const header = t === 'HTTP' || t === 'HTTPS' ? 'httpGet' : t === 'GRPC' ? 'grpc' : 'tcpSocket';
  return { node: smap([spair(header, smap([]))], pv.loc), exec: undefined };
}

/**
 * What rules read and edit as the container: the container's values map (its Loc, its real
 * pairs for the keys the chart copies unchanged, so `restartPolicy`, `resources`,
 * `securityContext.privileged` are set where they belong), plus what the chart computes, in
 * Kubernetes shape and without a place in the text: `name` (pointing at the container's
 * key), `image`, `env`, the probes and `volumeMounts`. `startupProbe` is marked as written
 * by the chart, so a fix that would add a Kubernetes `startupProbe` key to the values (which
 * the chart's schema rejects) is refused; app-template wants `probes.startup` instead.
 */
function containerView(c: Container, own: YMap, eff: (key: string) => YPair | undefined, p: YPair, sort: ContainerSort): { node: YMap; volumeMounts: YSeq } {
  const out: YPair[] = [spair('name', sscalar(c.name, p.keyLoc ?? own.loc))];
  if (c.image !== undefined) out.push(spair('image', sscalar(c.image, c.imageNode?.loc)));
  for (const key of CONTAINER_KEYS) {
    const pair = eff(key);
    if (!pair) continue;
    if (key === 'command' || key === 'args') {
      const seq = key === 'command' ? c.commandNode : c.argsNode;
      if (seq) out.push(seq === pair.value ? pair : spair(key, seq));
      continue;
    }
    out.push(pair);
  }
  const env = envList(eff('env')?.value);
  if (env) out.push(spair('env', env));
  // The values' own `probes` (not a Kubernetes key: nothing reads it as one), so that a fix
  // adding `probes.liveness` finds the map that is there instead of writing a second `probes`.
  const probes = eff('probes');
  if (probes) out.push(probes);
  if (c.livenessProbe) out.push(spair('livenessProbe', c.livenessProbe.node));
  if (c.readinessProbe) out.push(spair('readinessProbe', c.readinessProbe.node));
  if (sort === 'init') {
    if (c.startupProbe) out.push(spair('startupProbe', c.startupProbe.node));
  } else {
    out.push(spair('startupProbe', c.startupProbe?.node ?? sscalar(null), CHART_LOC));
  }
  const mounts = sseq(c.volumeMounts.map((m) => smap([
    spair('name', sscalar(m.name)),
    spair('mountPath', m.mountPathNode ?? sscalar(m.mountPath)),
    ...(m.subPathNode ? [spair('subPath', m.subPathNode)] : []),
    ...(m.readOnly ? [spair('readOnly', sscalar(true))] : []),
    ...(m.propagation && m.propagationNode ? [spair('mountPropagation', m.propagationNode)] : []),
  ])));
  if (mounts.items.length) out.push(spair('volumeMounts', mounts));
  return { node: { kind: 'map', items: out, loc: own.loc, flow: own.flow }, volumeMounts: mounts };
}

/** `env` in Kubernetes list shape: a map of NAME: value / NAME: {valueFrom…} becomes [{name, value}…]. */
function envList(n: YNode | undefined): YSeq | undefined {
  if (isSeq(n)) return n;
  if (!isMap(n)) return undefined;
  const out: YNode[] = [];
  for (const p of n.items) {
    const name = spair('name', sscalar(p.key, p.keyLoc));
    if (isMap(p.value)) {
      const inner = p.value.items.filter((x) => x.key !== 'dependsOn');
      const vf = pairOf(p.value, 'valueFrom');
      const value = pairOf(p.value, 'value');
      if (value) out.push(smap([name, value], p.value.loc));
      else if (vf) out.push(smap([name, vf], p.value.loc));
      else out.push(smap([name, spair('valueFrom', smap(inner, p.value.loc))], p.value.loc));
    } else {
      out.push(smap([name, spair('value', p.value)], p.value.loc));
    }
  }
  return sseq(out, n.loc);
}

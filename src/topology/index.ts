// The cross-workload view of a Model: which workload mounts what, through which volume, onto
// which host path, PVC or NFS export; which Services select which pods; which pods serve
// exports; who mounts NFS from whom; and which workloads are sure to share a node.
// Built once per Model (cached in a WeakMap) and read by the cross-workload rules and the
// `graph` command.
import type {
  Container, Export, Model, MountOp, PersistentVolume, PersistentVolumeClaim, Pod, Service, Volume, VolumeMount,
} from '../model/types.js';
import type { YNode, Loc } from '../load/ynode.js';
import { isUnder, normalizePath } from '../model/build.js';
import { consumersOf, mountSites, volRoot, type MountSite } from '../model/query.js';
import { normalizeExportPath, resolveServer, splitNfsSource } from './nfs.js';
import { colocated } from './placement.js';

export { colocated, placementOf, describePlacement } from './placement.js';
export { resolveServer, splitNfsSource } from './nfs.js';

/**
 * Where the files behind a volumeMount live, beyond the pod: `store` names the storage
 * (a PVC, an NFS server, the node's filesystem, or the pod itself) and `path` the root of
 * the mount's view inside it.
 */
export interface Storage {
  kind: 'pvc' | 'nfs' | 'host' | 'pod' | 'csi';
  store: string;
  path: string;
  /** The path of the volume's own root in the store (`path` without subPath or mount target). */
  base: string;
  /** Human name: `PVC media`, `NFS nas:/export`, `host /mnt/x`, `emptyDir cache`. */
  label: string;
}

/** An export a pod serves: `rclone serve nfs DIR`, or a kernel NFS server image. */
export interface ExportSite {
  pod: Pod;
  container: Container;
  export: Export | undefined;
  proto: string;
  dir: string;
  rclone: boolean;
  /** The listening port, when known. */
  port: number | null | undefined;
  at: YNode | Loc | undefined;
}

/** Someone mounting NFS: a kubelet `nfs:` volume, a PV with `spec.nfs`, or an in-pod `mount -t nfs*`. */
export interface NfsClient {
  kind: 'volume' | 'pv' | 'mount';
  /** The pods that get the mount (for a PV: the pods of the PVCs bound to it). */
  pods: Pod[];
  namespace: string | undefined;
  server: string;
  path: string;
  options: string[];
  services: Service[];
  volume?: Volume;
  pv?: PersistentVolume;
  op?: MountOp;
  container?: Container;
  /** Where to report: the server / path values (or the mount command). */
  at: YNode | Loc | undefined;
  pathAt: YNode | Loc | undefined;
}

export interface Topology {
  model: Model;
  /** Every mount op of every pod, placed in its pod. */
  sites: MountSite[];
  exports: ExportSite[];
  nfsClients: NfsClient[];
  storageOf(m: VolumeMount): Storage | undefined;
  /** Where a mount op lands beyond its pod (store and path inside it). */
  siteStorage(site: MountSite): Storage | undefined;
  servicesSelecting(pod: Pod): Service[];
  podsSelectedBy(svc: Service): Pod[];
  exportsOf(pod: Pod): ExportSite[];
  /** PVCs a PV is bound to, and the PV a PVC is bound to. */
  claimsOf(pv: PersistentVolume): PersistentVolumeClaim[];
  volumeOf(pvc: PersistentVolumeClaim): PersistentVolume | undefined;
  /** Mounts in other pods whose hostPath covers (or lies below) the site's host path. */
  hostPathConsumers(site: MountSite): VolumeMount[];
  /** Mount ops in other pods whose host path this hostPath mount covers (or lies below). */
  hostPathProducers(m: VolumeMount): MountSite[];
  /**
   * For a mount made on a PVC or NFS volume: mounts of the same storage in *other*
   * workloads that cover the mounted path. They never see the mount (each pod mounts the
   * storage separately).
   */
  otherPodReaders(site: MountSite): VolumeMount[];
  /** The site's mount reaches nobody: no in-pod consumer, no export in its pod, and it sits on shared storage others read. */
  cutOff(site: MountSite): VolumeMount[];
  colocated(producer: Pod, consumer: Pod): boolean;
  /** The storage name of an NFS server seen from namespace `ns` (its Service when it names one). */
  nfsStore(server: string, ns: string | undefined): string;
}

const cache = new WeakMap<Model, Topology>();

export function topology(model: Model): Topology {
  let t = cache.get(model);
  if (!t) {
    t = build(model);
    cache.set(model, t);
  }
  return t;
}

/** Host directories a whole node uses: a mount above a path in them is not a consumer of it. */
export const BROAD_HOST_DIRS = new Set([
  '/', '/tmp', '/mnt', '/var', '/run', '/home', '/srv', '/opt', '/dev', '/etc', '/media', '/proc', '/sys',
  '/var/lib', '/var/log', '/var/run', '/var/lib/kubelet', '/var/lib/kubelet/pods', '/var/lib/kubelet/plugins',
]);

function join(a: string, b: string): string {
  return normalizePath(`${a}/${b}`);
}

function selects(svc: Service, pod: Pod): boolean {
  const sel = svc.selector;
  if (!sel || !Object.keys(sel).length) return false;
  const a = svc.namespace;
  const b = pod.workload.namespace;
  if (!(a === b || a === undefined || b === undefined)) return false;
  return Object.entries(sel).every(([k, v]) => pod.labels[k] === v);
}

/** Images that are kernel (or Ganesha) NFS servers, exporting a directory. */
const NFS_SERVER_IMAGE = /(^|\/)(nfs-server[^/]*|volume-nfs|nfs-ganesha[^/]*|nfs-server-alpine|nfs-kernel-server)$/;

function imageName(image: string | undefined): string {
  return (image ?? '').replace(/@.*$/, '').replace(/:[^/:]*$/, '');
}

function build(model: Model): Topology {
  const pods = model.workloads.map((w) => w.pod);
  const sites = pods.flatMap((p) => mountSites(p));
  const claimKey = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

  // Everything below is looked up through indexes built here, so the work grows with the
  // input, not with its square (SPEC §7: thousands of workloads in one run).
  const pvByName = new Map<string, PersistentVolume>();
  const pvsByClaim = groupBy(model.pvs.filter((pv) => pv.claimRef?.name), (pv) => pv.claimRef!.name);
  for (const pv of model.pvs) pvByName.set(pv.name, pv);
  const pvcsByName = groupBy(model.pvcs, (c) => c.name);
  const volumeOf = (pvc: PersistentVolumeClaim): PersistentVolume | undefined =>
    (pvc.volumeName ? pvByName.get(pvc.volumeName) : undefined) ??
    pvsByClaim.get(pvc.name)?.find((pv) => pv.claimRef!.namespace === pvc.namespace || !pv.claimRef!.namespace || !pvc.namespace);
  const claimsByPv = new Map<PersistentVolume, PersistentVolumeClaim[]>();
  for (const c of model.pvcs) {
    const pv = volumeOf(c);
    if (pv) pushTo(claimsByPv, pv, c);
  }
  const claimsOf = (pv: PersistentVolume): PersistentVolumeClaim[] => claimsByPv.get(pv) ?? [];
  const pvcFor = (ns: string | undefined, name: string) =>
    pvcsByName.get(name)?.find((c) => c.namespace === ns || !c.namespace || !ns);

  const nfsStore = (server: string, ns: string | undefined): string => {
    const svc = resolveServer(model, server, ns)[0];
    return svc ? `nfs:svc/${svc.namespace ?? ''}/${svc.name}` : `nfs:${server.toLowerCase()}`;
  };

  // One record per volume (its mounts and sites share it, and its strings).
  const volumeStorages = new Map<Volume, Omit<Storage, 'base'> | undefined>();
  const volumeStorage = (v: Volume): Omit<Storage, 'base'> | undefined => memo(volumeStorages, v, () => volumeStorageOf(v));
  const volumeStorageOf = (v: Volume): Omit<Storage, 'base'> | undefined => {
    const ns = v.pod.workload.namespace;
    switch (v.type) {
      case 'hostPath':
        return v.hostPath ? { kind: 'host', store: 'host', path: normalizePath(v.hostPath), label: `host ${normalizePath(v.hostPath)}` } : undefined;
      case 'nfs':
        return v.nfs ? { kind: 'nfs', store: nfsStore(v.nfs.server, ns), path: normalizeExportPath(v.nfs.path), label: `NFS ${v.nfs.server}:${normalizeExportPath(v.nfs.path)}` } : undefined;
      case 'persistentVolumeClaim': {
        if (!v.claimName) return undefined;
        const pvc = pvcFor(ns, v.claimName);
        const pv = pvc ? volumeOf(pvc) : undefined;
        if (pv?.nfs) return { kind: 'nfs', store: nfsStore(pv.nfs.server, pvc?.namespace ?? ns), path: normalizeExportPath(pv.nfs.path), label: `PVC ${v.claimName}` };
        if (pv?.hostPath) return { kind: 'host', store: 'host', path: normalizePath(pv.hostPath), label: `PVC ${v.claimName} (host ${pv.hostPath})` };
        return { kind: 'pvc', store: `pvc:${claimKey(ns, v.claimName)}`, path: '/', label: `PVC ${v.claimName}` };
      }
      case 'csi':
      case 'ephemeral':
        return { kind: 'csi', store: `csi:${v.pod.workload.id}/${v.name}`, path: '/', label: `${v.type} ${v.csiDriver ?? v.name}` };
      default:
        return { kind: 'pod', store: `pod:${v.pod.workload.id}/${v.name}`, path: '/', label: `${v.type === 'other' ? 'volume' : v.type} ${v.name}` };
    }
  };

  // Asked for every mount by several rules: worked out once per mount and site (frozen, as
  // every caller gets the same record).
  const storages = new Map<VolumeMount | MountSite, Storage | undefined>();
  const storage = (v: Volume | undefined, rel: string): Storage | undefined => {
    const s = v ? volumeStorage(v) : undefined;
    return s && Object.freeze({ kind: s.kind, store: s.store, path: join(s.path, rel), base: s.path, label: s.label });
  };
  const storageOf = (m: VolumeMount): Storage | undefined => {
    return memo(storages, m, () => storage(m.volume, volRoot(m)));
  };
  const siteStorage = (site: MountSite): Storage | undefined => {
    return memo(storages, site, () => storage(site.volume, site.volPath));
  };

  // Services and the pods they select: a Service looks only at the pods that carry the
  // first label of its selector.
  const podsByLabel = new Map<string, Pod[]>();
  for (const p of pods) for (const [k, v] of Object.entries(p.labels)) pushTo(podsByLabel, `${k}\u0000${v}`, p);
  const svcPods = new Map<Service, Pod[]>();
  const podSvcs = new Map<Pod, Service[]>();
  for (const s of model.services) {
    const first = Object.entries(s.selector ?? {})[0];
    const candidates = first ? podsByLabel.get(`${first[0]}\u0000${first[1]}`) ?? [] : [];
    const selected = candidates.filter((p) => selects(s, p));
    svcPods.set(s, selected);
    for (const p of selected) pushTo(podSvcs, p, s);
  }

  // Exports.
  const exports: ExportSite[] = [];
  for (const pod of pods) {
    for (const c of pod.containers) {
      for (const e of c.run.exports) {
        const rclone = e.cmd.words.some((w) => /(^|\/)rclone$/.test(w.text));
        exports.push({ pod, container: c, export: e, proto: e.proto, dir: normalizePath(e.dir || '/'), rclone, port: e.listener?.port, at: e.at.loc ?? e.at.node ?? c.node });
      }
      if (!c.run.exports.length && NFS_SERVER_IMAGE.test(imageName(c.image))) {
        const env = envOf(c);
        const dir = env.SHARED_DIRECTORY ?? env.NFS_EXPORT_DIR_0 ?? c.volumeMounts.find((m) => m.mountPath.startsWith('/export'))?.mountPath ?? '/exports';
        exports.push({ pod, container: c, export: undefined, proto: 'nfs', dir: normalizePath(dir), rclone: false, port: 2049, at: c.imageNode ?? c.node });
      }
    }
  }
  const exportsByPod = groupBy(exports, (e) => e.pod);
  const exportsOf = (pod: Pod) => exportsByPod.get(pod) ?? [];

  // NFS clients.
  const nfsClients: NfsClient[] = [];
  for (const pod of pods) {
    const ns = pod.workload.namespace;
    for (const v of pod.volumes) {
      if (v.type !== 'nfs' || !v.nfs) continue;
      nfsClients.push({
        kind: 'volume', pods: [pod], namespace: ns, server: v.nfs.server, path: v.nfs.path, options: [],
        services: resolveServer(model, v.nfs.server, ns), volume: v,
        at: v.nfs.serverNode ?? v.typeNode ?? v.node, pathAt: v.nfs.pathNode ?? v.typeNode ?? v.node,
      });
    }
    for (const c of pod.containers) {
      for (const op of c.run.mountOps) {
        if (op.fs !== 'nfs' || op.tool !== 'mount' || !op.source) continue;
        const sp = splitNfsSource(op.source);
        if (!sp) continue;
        const srcWord = sourceWord(op);
        nfsClients.push({
          kind: 'mount', pods: [pod], namespace: ns, server: sp.server, path: sp.path, options: op.options,
          services: resolveServer(model, sp.server, ns), op, container: c,
          at: op.at.loc ?? op.at.node ?? c.node, pathAt: srcWord?.loc ?? srcWord?.node ?? op.at.loc,
        });
      }
    }
  }
  const podOrder = new Map(pods.map((p, i) => [p, i]));
  const podsByClaim = new Map<string, Pod[]>();
  for (const p of pods) for (const name of new Set(p.volumes.flatMap((v) => (v.claimName ? [v.claimName] : [])))) pushTo(podsByClaim, name, p);
  for (const pv of model.pvs) {
    if (!pv.nfs) continue;
    const claims = claimsOf(pv);
    const ns = claims[0]?.namespace ?? pv.claimRef?.namespace;
    const candidates = new Set(claims.flatMap((c) => podsByClaim.get(c.name) ?? []));
    const users = [...candidates].sort((a, b) => podOrder.get(a)! - podOrder.get(b)!).filter((p) => p.volumes.some((v) => v.claimName &&
      claims.some((c) => c.name === v.claimName && (c.namespace === p.workload.namespace || !c.namespace || !p.workload.namespace))));
    nfsClients.push({
      kind: 'pv', pods: users, namespace: ns, server: pv.nfs.server, path: pv.nfs.path, options: pv.nfs.mountOptions ?? [],
      services: resolveServer(model, pv.nfs.server, ns), pv,
      at: pv.nfs.serverNode ?? pv.resource.node, pathAt: pv.nfs.pathNode ?? pv.resource.node,
    });
  }

  // hostPath: mounts across pods.
  const hostRoot = (m: VolumeMount): string | undefined => {
    const s = storageOf(m);
    return s?.kind === 'host' ? s.path : undefined;
  };
  const hostSite = (site: MountSite): string | undefined => {
    const s = siteStorage(site);
    return s?.kind === 'host' ? s.path : undefined;
  };
  const sitesByContainer = groupBy(sites, (s) => s.container);
  const mountsOnVolume = (c: Container, v: Volume | undefined) =>
    (sitesByContainer.get(c) ?? []).filter((s) => s.volume === v);
  const isReader = (m: VolumeMount, hostPath: string, root: string): boolean => {
    if (isUnder(root, hostPath)) return true;
    if (!isUnder(hostPath, root) || BROAD_HOST_DIRS.has(root)) return false;
    // A container that mounts its own things on that volume is a mounter, not a reader.
    return mountsOnVolume(m.container, m.volume).length === 0;
  };
  const allMounts = pods.flatMap((p) => p.containers.flatMap((c) => c.volumeMounts));
  // The mounts that can read a host path at all (hostPath volumes, PVs on a host path).
  const hostMounts = allMounts.filter((m) => hostRoot(m) !== undefined);
  // Mounts of PVC and NFS storage by store.
  const mountsByStore = groupBy(allMounts.filter((m) => {
    const o = storageOf(m);
    return !!o && (o.kind === 'pvc' || o.kind === 'nfs');
  }), (m) => storageOf(m)!.store);
  const consumerMemo = new Map<MountSite, VolumeMount[]>();
  const hostPathConsumers = (site: MountSite): VolumeMount[] => {
    let memo = consumerMemo.get(site);
    if (!memo) consumerMemo.set(site, (memo = findHostPathConsumers(site)));
    return memo;
  };
  const findHostPathConsumers = (site: MountSite): VolumeMount[] => {
    const hp = hostSite(site);
    if (!hp || csiBacked(site.container)) return [];
    const out: VolumeMount[] = [];
    for (const m of hostMounts) {
      if (m.container.pod === site.container.pod) continue;
      const root = hostRoot(m);
      if (root === undefined || !isReader(m, hp, root)) continue;
      // Its own mount of the same path makes it a producer, not a consumer.
      if (mountsOnVolume(m.container, m.volume).some((s) => hostSite(s) === hp)) continue;
      out.push(m);
    }
    return out;
  };
  let producerIndex: Map<VolumeMount, MountSite[]> | undefined;
  const hostPathProducers = (m: VolumeMount): MountSite[] => {
    if (!producerIndex) {
      producerIndex = new Map();
      for (const s of sites) {
        for (const c of hostPathConsumers(s)) {
          const list = producerIndex.get(c) ?? [];
          list.push(s);
          producerIndex.set(c, list);
        }
      }
    }
    return producerIndex.get(m) ?? [];
  };

  // PVC / NFS storage read by other workloads.
  const otherPodReaders = (site: MountSite): VolumeMount[] => {
    const s = siteStorage(site);
    if (!s || (s.kind !== 'pvc' && s.kind !== 'nfs')) return [];
    const out: VolumeMount[] = [];
    for (const m of mountsByStore.get(s.store) ?? []) {
      if (m.container.pod.workload === site.container.pod.workload || m.container.sort === 'init') continue;
      // A container that mounts its own things on that volume is a mounter, not a reader.
      if (mountsOnVolume(m.container, m.volume).length) continue;
      const o = storageOf(m);
      if (!o || o.store !== s.store || o.kind !== s.kind) continue;
      if (!isUnder(s.path, o.path) && !isUnder(o.path, s.path)) continue;
      out.push(m);
    }
    return out;
  };
  const cutOff = (site: MountSite): VolumeMount[] => {
    if (site.container.run.opaque || csiBacked(site.container)) return [];
    if (consumersOf(site).length) return [];
    if (exportsOf(site.container.pod).length) return [];
    return otherPodReaders(site);
  };

  return {
    model, sites, exports, nfsClients, storageOf, siteStorage,
    servicesSelecting: (p) => podSvcs.get(p) ?? [],
    podsSelectedBy: (s) => svcPods.get(s) ?? [],
    exportsOf, claimsOf, volumeOf, hostPathConsumers, hostPathProducers, otherPodReaders, cutOff,
    colocated, nfsStore,
  };
}

function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const t of items) pushTo(out, key(t), t);
  return out;
}

/** Adds `v` to the list of `k` in `m`, starting the list if there is none. */
/** `m.get(k)`, made by `make` and kept the first time it is asked for (undefined too). */
export function memo<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  if (!m.has(k)) m.set(k, make());
  return m.get(k) as V;
}

export function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** The word of a mount op that holds its source (`server:/path`, `remote:`). */
export function sourceWord(op: MountOp) {
  if (!op.source) return undefined;
  const words = op.cmd.words;
  const start = Math.max(0, words.indexOf(op.at));
  return words.slice(start).find((w) => w.text === op.source && w !== op.targetWord);
}

export function envOf(c: Container): Record<string, string> {
  const out: Record<string, string> = {};
  const env = c.node.items.find((p) => p.key === 'env')?.value;
  if (env?.kind !== 'seq') return out;
  for (const e of env.items) {
    if (e.kind !== 'map') continue;
    const name = e.items.find((p) => p.key === 'name')?.value;
    const value = e.items.find((p) => p.key === 'value')?.value;
    if (name?.kind === 'scalar' && value?.kind === 'scalar' && name.value !== null && value.value !== null) out[String(name.value)] = String(value.value);
  }
  return out;
}

/** Where mount `m` shows the storage path `path` (same store), or its mountPath when it lies above. */
export function pathSeenBy(t: Topology, m: VolumeMount, path: string): string {
  const s = t.storageOf(m);
  if (!s || !isUnder(path, s.path)) return m.mountPath;
  const rel = s.path === '/' ? path : path.slice(s.path.length);
  return normalizePath(`${m.mountPath}/${rel}`);
}

const sitesByPod = new WeakMap<Topology, Map<Pod, MountSite[]>>();

/** Does `pod` make a mount of its own at this storage path (its own sidecar)? */
export function mountsItself(t: Topology, pod: Pod, store: Storage): boolean {
  let byPod = sitesByPod.get(t);
  if (!byPod) sitesByPod.set(t, (byPod = groupBy(t.sites, (s) => s.container.pod)));
  return (byPod.get(pod) ?? []).some((s) => {
    const o = t.siteStorage(s);
    return !!o && o.store === store.store && o.path === store.path;
  });
}

/** Where to report a mount op: its target word, else the program word, else the container. */
export function opAt(site: MountSite): YNode | Loc {
  return site.op.targetWord?.loc ?? site.op.targetWord?.node ?? site.op.at.loc ?? site.op.at.node ?? site.container.node;
}

export function describeClient(c: NfsClient): string {
  if (c.kind === 'pv' && c.pv) return `PersistentVolume ${c.pv.name}`;
  const w = c.pods[0]?.workload;
  if (c.kind === 'volume' && c.volume && w) return `nfs volume "${c.volume.name}" of ${w.kind} ${w.name}`;
  if (c.container && w) return `container "${c.container.name}" of ${w.kind} ${w.name}`;
  return 'an NFS client';
}

/** The rclone NFS exports that an NFS client reaches through the Services its server names. */
export function rcloneNfsServersOf(t: Topology, c: NfsClient): { svc: Service; exp: ExportSite }[] {
  const out: { svc: Service; exp: ExportSite }[] = [];
  for (const svc of c.services) {
    for (const pod of t.podsSelectedBy(svc)) {
      for (const exp of t.exportsOf(pod)) if (exp.rclone && exp.proto === 'nfs') out.push({ svc, exp });
    }
  }
  return out;
}

/** The Service port through which `svc` reaches the export's listener (its `port`, which clients dial). */
export function servicePortFor(svc: Service, exp: ExportSite): number | undefined {
  const targets = svc.ports.filter((p) => {
    const tp = p.targetPort ?? p.port;
    if (typeof tp === 'string') return exp.container.ports.some((cp) => cp.name === tp && cp.port === exp.port);
    return exp.port !== null && exp.port !== undefined && tp === exp.port;
  });
  if (targets[0]) return targets[0].port;
  if ((exp.port === null || exp.port === undefined) && svc.ports.length === 1) return svc.ports[0]!.port;
  return undefined;
}

/** What a mount op mounts, as a place that other mounts of the same remote can be compared with. */
export function remoteOf(t: Topology, site: MountSite): { store: string; path: string; label: string } | undefined {
  const op = site.op;
  const src = op.source;
  if (!src || op.fs === 'other') return undefined;
  const ns = site.container.pod.workload.namespace ?? '';
  if (op.tool === 'rclone') {
    // `remote:path`; an on-the-fly backend (`:webdav,url=…:`) is compared as written.
    const i = src.startsWith(':') ? -1 : src.indexOf(':');
    const name = i < 0 ? src : src.slice(0, i);
    const rest = i < 0 ? '' : src.slice(i + 1);
    return { store: `rclone:${ns}:${name}`, path: normalizePath('/' + rest), label: `rclone remote ${name}:` };
  }
  if (op.fs === 'nfs') {
    const sp = splitNfsSource(src);
    if (!sp) return undefined;
    return { store: t.nfsStore(sp.server, site.container.pod.workload.namespace), path: normalizeExportPath(sp.path), label: `NFS ${sp.server}:${sp.path}` };
  }
  return { store: `${op.tool}:${ns}:${src}`, path: '/', label: `${op.tool} ${src}` };
}

/** `a, b and c`; past `max` items: `a, b, c, d and 3 more`. Duplicates dropped. */
export function listOf(items: string[], max = 4): string {
  const u = [...new Set(items)];
  if (u.length > max) return `${u.slice(0, max).join(', ')} and ${u.length - max} more`;
  return u.length > 1 ? `${u.slice(0, -1).join(', ')} and ${u[u.length - 1]}` : (u[0] ?? '');
}

/**
 * The container's FUSE mounts are made by a CSI driver, not by the container: it hands its
 * /dev/fuse fd to meta-fuse-csi-plugin (`FUSERMOUNT3PROXY_FDPASSING_SOCKPATH`, or a mount of
 * the emptyDir a CSI volume names in `fdPassingEmptyDirName`). SPEC §2: those are not the
 * pod's mounts.
 */
export function csiBacked(c: Container): boolean {
  if (envOf(c).FUSERMOUNT3PROXY_FDPASSING_SOCKPATH) return true;
  const fdDirs = new Set(c.pod.volumes.flatMap((v) => {
    if (v.type !== 'csi' || !v.typeNode) return [];
    const attrs = v.typeNode.items.find((p) => p.key === 'volumeAttributes')?.value;
    const name = attrs?.kind === 'map' ? attrs.items.find((p) => p.key === 'fdPassingEmptyDirName')?.value : undefined;
    return name?.kind === 'scalar' && name.value !== null ? [String(name.value)] : [];
  }));
  return c.volumeMounts.some((m) => fdDirs.has(m.name));
}

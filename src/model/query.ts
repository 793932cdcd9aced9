// Questions rules ask of a pod: where does each mount op land, who else sees it.
import type { Container, MountOp, Pod, Volume, VolumeMount } from './types.js';
import { isUnder, normalizePath } from './build.js';
import { get, items, str, type Loc } from '../load/ynode.js';

/** A mount op placed in its pod: the volume it propagates through, and the path inside that volume. */
export interface MountSite {
  op: MountOp;
  container: Container;
  /** The mounter's volumeMount whose mountPath is the deepest one containing the target. */
  mount: VolumeMount | undefined;
  volume: Volume | undefined;
  /** Target path relative to the volume root (`/` = the root itself), subPath included. */
  volPath: string;
  /** For hostPath volumes: the host path the mount lands on. */
  hostPath: string | undefined;
}

export function mountOf(c: Container, path: string): VolumeMount | undefined {
  let best: VolumeMount | undefined;
  for (const m of c.volumeMounts) {
    if (!m.mountPath || !isUnder(path, m.mountPath)) continue;
    if (!best || m.mountPath.length > best.mountPath.length) best = m;
  }
  return best;
}

function rel(path: string, base: string): string {
  const p = normalizePath(path);
  const b = normalizePath(base);
  if (p === b) return '/';
  return b === '/' ? p : p.slice(b.length);
}

function join(a: string, b: string): string {
  return normalizePath(`${a}/${b}`);
}

export function siteOf(op: MountOp, container: Container): MountSite {
  const target = normalizePath(op.target);
  const mount = mountOf(container, target);
  const volume = mount?.volume;
  const inMount = mount ? rel(target, mount.mountPath) : target;
  const volPath = mount?.subPath ? join('/' + mount.subPath, inMount) : inMount;
  const hostPath = volume?.type === 'hostPath' && volume.hostPath ? join(volume.hostPath, volPath) : undefined;
  return { op, container, mount, volume, volPath, hostPath };
}

/**
 * Every mount op of every container of the pod, main process and hooks. Mounts that a CSI
 * driver makes for the pod (a CSI volume, meta-fuse-csi-plugin's fd passing) are not the
 * pod's own mounts (SPEC §2) and are left out.
 */
export function mountSites(pod: Pod): readonly MountSite[] {
  let out = podSites.get(pod);
  if (!out) {
    out = pod.containers.flatMap((c) => mountSitesOf(c));
    podSites.set(pod, out);
  }
  return out;
}

/** The mount ops of one container, placed in its pod (CSI-backed mounts left out). */
export function mountSitesOf(c: Container): readonly MountSite[] {
  let out = containerSites.get(c);
  if (!out) {
    out = isFdPassing(c) ? [] : c.run.mountOps.map((op) => siteOf(op, c)).filter((s) => !isCsiFuse(s.volume));
    containerSites.set(c, out);
  }
  return out;
}

// Every rule asks for the mount sites of every pod: work them out once per pod and
// container (the model does not change once built). The same objects come back each time.
const podSites = new WeakMap<Pod, MountSite[]>();
const containerSites = new WeakMap<Container, MountSite[]>();

export function isMounter(c: Container): boolean {
  return mountSitesOf(c).length > 0;
}

/**
 * A container whose FUSE mounts a CSI driver completes through fd passing
 * (meta-fuse-csi-plugin: `FUSERMOUNT3PROXY_*` env, or a volume that a CSI volume names as
 * its `fdPassingEmptyDirName`): its mount commands never mount in the pod.
 */
export function isFdPassing(c: Container): boolean {
  for (const e of items(get(c.node, 'env'))) if (str(get(e, 'name'))?.startsWith('FUSERMOUNT3PROXY_')) return true;
  const fdDirs = new Set<string>();
  for (const v of c.pod.volumes) {
    if (v.type !== 'csi') continue;
    const attrs = get(v.typeNode, 'volumeAttributes');
    const dir = str(get(attrs, 'fdPassingEmptyDirName'));
    if (dir) fdDirs.add(dir);
  }
  return c.volumeMounts.some((m) => fdDirs.has(m.name));
}

/**
 * Has `a` finished before `b` starts? True for a plain init container (no restartPolicy:
 * Always) ahead of `b`: every plain init container runs to completion before the regular
 * containers start, and before the init containers and native sidecars listed after it.
 */
export function runsBefore(a: Container, b: Container): boolean {
  if (a.sort !== 'init') return false;
  if (b.sort === 'container' || b.sort === 'ephemeral') return true;
  return a.index < b.index;
}

/** Path of a volumeMount's root inside the volume (its subPath, or `/`). */
export function volRoot(m: VolumeMount): string {
  return m.subPath ? normalizePath('/' + m.subPath) : '/';
}

/**
 * Containers of the same pod that mount the site's volume so that the mounted path is
 * visible to them: their view of the volume contains volPath, or lies below it. A plain
 * init container that has finished before the mounter starts (init-dirs) is no consumer.
 */
export function consumersOf(site: MountSite, pod: Pod = site.container.pod): VolumeMount[] {
  if (!site.volume) return [];
  // Most rules ask this for every site of their pod: answer once per site (the model does not
  // change once built). Callers get a copy, so they may change it.
  const own = pod === site.container.pod;
  if (own) {
    const hit = siteConsumers.get(site);
    if (hit) return hit.slice();
  }
  const out: VolumeMount[] = [];
  for (const c of pod.containers) {
    if (c === site.container || runsBefore(c, site.container)) continue;
    for (const m of c.volumeMounts) {
      if (m.volume !== site.volume) {
        // Another hostPath volume of the same pod over the same host directory sees it too.
        const host = hostRootOf(m);
        if (site.hostPath && host && !NODE_WIDE.has(host) && (isUnder(site.hostPath, host) || isUnder(host, site.hostPath))) out.push(m);
        continue;
      }
      const root = volRoot(m);
      if (isUnder(site.volPath, root) || isUnder(root, site.volPath)) out.push(m);
    }
  }
  if (own) siteConsumers.set(site, out.slice());
  return out;
}
const siteConsumers = new WeakMap<MountSite, VolumeMount[]>();

/** Host directories a whole node uses: reading them is not consuming a mount made below them. */
const NODE_WIDE = new Set(['/', '/var/lib/kubelet', '/var/lib/kubelet/pods']);

/** The host directory a hostPath volumeMount shows at its mountPath. */
export function hostRootOf(m: VolumeMount): string | undefined {
  return m.volume?.type === 'hostPath' && m.volume.hostPath ? join(m.volume.hostPath, volRoot(m)) : undefined;
}

/** Where a container sees a path of the volume (`volPath`) through mount m, or undefined. */
export function pathInContainer(m: VolumeMount, volPath: string): string | undefined {
  const root = volRoot(m);
  if (!isUnder(volPath, root)) return undefined;
  return join(m.mountPath, rel(volPath, root));
}

export function describeContainer(c: Container): string {
  const sort = c.sort === 'init' ? 'init container' : c.sort === 'sidecar' ? 'sidecar' : c.sort === 'ephemeral' ? 'ephemeral container' : 'container';
  return `${sort} "${c.name}" of ${c.pod.workload.kind} ${c.pod.workload.name}`;
}

export function isCsiFuse(v: Volume | undefined): boolean {
  return v?.type === 'csi' || v?.type === 'ephemeral';
}

/** The path inside the volume (`/` = its root) that a container's `path` lands on through mount m, or undefined. */
export function volPathOf(m: VolumeMount, path: string): string | undefined {
  if (!m.mountPath || !isUnder(path, m.mountPath)) return undefined;
  return join(volRoot(m), rel(path, m.mountPath));
}

/**
 * Where to point for a mount op: its program word, or, when the program is only implied by
 * the image (`image: rclone/rclone` with `args: [mount, …]`), the target in the args.
 */
export function opLoc(site: MountSite): Loc | undefined {
  const { op, container } = site;
  const implied = !op.at.loc || (!!op.at.node && op.at.node === container.imageNode);
  if (implied && op.targetWord?.loc) return op.targetWord.loc;
  return op.at.loc;
}

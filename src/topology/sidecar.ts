// The rewrite `standalone-fuse-mounter` suggests: copy a standalone mounter into a workload
// that reads its path, as a sidecar sharing that workload's volume (what seed 001's
// add-sidecars.sh does by hand): the mounter container with mountPropagation
// Bidirectional, the init containers that create its mount points, the volumes they need
// (secrets, configMaps, cache emptyDirs), and HostToContainer on the readers' mounts.
import type { Edit, Fix } from '../engine/finding.js';
import type { Container, Pod, Volume, VolumeMount } from '../model/types.js';
import { get, isSeq, toJS } from '../load/ynode.js';
import { isUnder } from '../model/build.js';
import { mountOf, siteOf, type MountSite } from '../model/query.js';

type Obj = Record<string, unknown>;

const JOBS = new Set(['Job', 'CronJob']);

function names(pod: Pod): Set<string> {
  return new Set(pod.containers.map((c) => c.name));
}

function unique(base: string, taken: Set<string>): string {
  let n = base;
  for (let i = 2; taken.has(n); i++) n = `${base}-${i}`;
  taken.add(n);
  return n;
}

function same(a: Volume, b: Obj): boolean {
  const x = toJS(a.node) as Obj;
  return JSON.stringify(x) === JSON.stringify(b);
}

/** Init containers of the mounter's pod that create directories on the propagation volume. */
function initDirsOf(site: MountSite): Container[] {
  return site.container.pod.containers.filter((c) => c.sort === 'init' && !c.run.mountOps.length &&
    c.run.mkdirs.some((d) => mountOf(c, d.path)?.volume === site.volume && site.volume !== undefined));
}

/** Volume paths (inside the propagation volume) an init container creates. */
function madeDirs(c: Container, v: Volume | undefined): string[] {
  return c.run.mkdirs.flatMap((d) => {
    const m = mountOf(c, d.path);
    if (!m || !v || m.volume !== v) return [];
    const op = { target: d.path } as MountSite['op'];
    return [siteOf(op, c).volPath];
  });
}

export function sidecarName(site: MountSite): string {
  const c = site.container;
  const w = c.pod.workload;
  const mounters = c.pod.containers.filter((x) => x.run.mountOps.length);
  if (c.name === w.name || c.name.startsWith(w.name + '-')) return c.name;
  return mounters.length === 1 ? w.name : `${w.name}-${c.name}`;
}

/**
 * Edits that give `pod` its own copy of the site's mounter, sharing the volume through
 * which `readers` (mounts of `pod`) see the mounted path.
 */
export function copyMounterEdits(site: MountSite, pod: Pod, readers: VolumeMount[], native = true): Edit[] {
  const src = site.container.pod;
  const shared = readers[0]!.volume!;
  const taken = names(pod);
  const volumeNames = new Set(pod.volumes.map((v) => v.name));
  const vmap = new Map<string, string>();
  if (site.volume) vmap.set(site.volume.name, shared.name);
  const newVolumes: Obj[] = [];

  const mapVolume = (name: string): string => {
    const have = vmap.get(name);
    if (have) return have;
    const v = src.volumes.find((x) => x.name === name);
    if (!v) {
      vmap.set(name, name);
      return name;
    }
    const value = toJS(v.node) as Obj;
    const existing = pod.volumes.find((x) => x.name === name);
    if (existing && same(existing, value)) {
      vmap.set(name, name);
      return name;
    }
    const n = existing ? unique(`${sidecarName(site)}-${name}`, volumeNames) : (volumeNames.add(name), name);
    vmap.set(name, n);
    newVolumes.push({ ...value, name: n });
    return n;
  };

  const copy = (c: Container, name: string, propagation: string | undefined): Obj => {
    const value = toJS(c.node) as Obj;
    value.name = name;
    const mounts = Array.isArray(value.volumeMounts) ? (value.volumeMounts as Obj[]) : [];
    value.volumeMounts = mounts.map((m) => {
      const out: Obj = { ...m, name: mapVolume(String(m.name)) };
      if (propagation && m.name === site.volume?.name) out.mountPropagation = propagation;
      else if (!propagation && m.name === site.volume?.name) delete out.mountPropagation;
      return out;
    });
    return value;
  };

  const edits: Edit[] = [];
  const sidecar = copy(site.container, unique(sidecarName(site), taken), 'Bidirectional');

  // Init containers that make the mount points, unless the pod already makes them.
  const have = pod.containers.filter((c) => c.sort === 'init').flatMap((c) => madeDirs(c, shared));
  const inits: Obj[] = [];
  for (const ic of initDirsOf(site)) {
    const dirs = madeDirs(ic, site.volume);
    if (dirs.every((d) => have.some((h) => isUnder(h, d)))) continue;
    inits.push(copy(ic, unique(taken.has(ic.name) ? `${ic.name}-${sidecarName(site)}` : ic.name, taken), undefined));
  }

  // Items go before new keys: both may insert at the end of the pod spec, where insertions
  // are joined in order, and a list item written after a new key would land in that key.
  const newKeys: Edit[] = [];
  const addTo = (key: string, values: Obj[]) => {
    if (!values.length) return;
    const seq = get(pod.specNode, key);
    if (isSeq(seq)) for (const v of values) edits.push({ op: 'insertItem', seq, value: v });
    else if (!seq) newKeys.push({ op: 'setKey', map: pod.specNode, key, value: values });
  };
  // A Job finishes only when its regular containers exit: there the mounter must be a native sidecar.
  if (site.container.sort === 'sidecar' || (JOBS.has(pod.workload.kind) && native)) {
    sidecar.restartPolicy = 'Always';
    addTo('initContainers', [...inits, sidecar]);
  }
  else {
    addTo('initContainers', inits);
    addTo('containers', [sidecar]);
  }
  addTo('volumes', newVolumes);
  edits.push(...newKeys);

  for (const m of readers) {
    if (m.container.sort === 'init' || m.propagation === 'HostToContainer' || m.propagation === 'Bidirectional') continue;
    edits.push(m.propagationNode
      ? { op: 'setScalar', node: m.propagationNode, value: 'HostToContainer' }
      : { op: 'setKey', map: m.node, key: 'mountPropagation', value: 'HostToContainer' });
  }
  return edits;
}

/**
 * The whole suggestion: a copy in every reading workload. Jobs get a native sidecar
 * (Kubernetes >= 1.29), and none when `native` is false.
 */
export function copyMounterFix(site: MountSite, byPod: Map<Pod, VolumeMount[]>, native: boolean): Fix | undefined {
  const edits: Edit[] = [];
  const to: string[] = [];
  for (const [pod, readers] of byPod) {
    if (!readers[0]?.volume || (JOBS.has(pod.workload.kind) && !native)) continue;
    edits.push(...copyMounterEdits(site, pod, readers, native));
    to.push(`${pod.workload.kind} ${pod.workload.name}`);
  }
  if (!edits.length) return undefined;
  return {
    description: `run "${site.container.name}" of ${site.container.pod.workload.kind} ${site.container.pod.workload.name} as a sidecar in ${to.join(', ')}`,
    edits,
  };
}

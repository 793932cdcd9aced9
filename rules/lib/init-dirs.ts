// Suggestion shared by mount-point-missing: create mount points in an `init-dirs` init
// container, extending the one the pod already has when it can.
import type { Edit, Fix } from '../../src/engine/finding.js';
import type { Container, Pod, Volume, VolumeMount } from '../../src/model/types.js';
import { get, isMap, isSeq } from '../../src/load/ynode.js';
import { pathInContainer, type MountSite } from '../../src/model/query.js';
import { isDirPrepOnly, programOf } from '../../src/model/roles.js';
import { insertArgAfter } from './command-edits.js';
import { chartContainer, chartPod, chartVolume, isAdvancedEntry, type ChartPod } from '../../src/apptemplate/edits.js';

export const INIT_DIRS_IMAGE = 'busybox:1.36';

/** The pod's directory-preparing init container, preferring one named init-dirs. */
function existingInitDirs(pod: Pod): Container | undefined {
  const prep = pod.containers.filter((c) => isDirPrepOnly(c) && c.run.mkdirs.length > 0);
  return prep.find((c) => c.name === 'init-dirs') ?? prep[0];
}

/** A mount of `v` in `c` through which `volPath` is visible. */
function mountFor(c: Container, v: Volume, volPath: string): VolumeMount | undefined {
  return c.volumeMounts.find((m) => m.volume === v && pathInContainer(m, volPath) !== undefined);
}

/** A new volumeMount for an init container: the mounter's own mount of the volume (same path and subPath). */
function mountSpec(m: VolumeMount): Record<string, string> {
  return m.subPath ? { name: m.name, mountPath: m.mountPath, subPath: m.subPath } : { name: m.name, mountPath: m.mountPath };
}

/**
 * Create every missing mount point of the pod: add the paths to the existing init-dirs
 * container's `mkdir` (adding volumeMounts it lacks), or add a new `init-dirs` init container
 * first in the list, so it runs before native-sidecar mounters too.
 */
export function initDirsFix(pod: Pod, sites: MountSite[]): Fix | undefined {
  const existing = existingInitDirs(pod);
  const owner = existing;
  const paths: string[] = [];
  const newMounts: VolumeMount[] = [];
  const taken = new Set(owner?.volumeMounts.map((m) => m.mountPath));
  for (const s of sites) {
    if (!s.volume || !s.mount) continue;
    let m = owner ? mountFor(owner, s.volume, s.volPath) : undefined;
    m ??= newMounts.find((x) => x.volume === s.volume && pathInContainer(x, s.volPath) !== undefined);
    if (!m) {
      if (taken.has(s.mount.mountPath)) continue;
      m = s.mount;
      newMounts.push(m);
      taken.add(m.mountPath);
    }
    const p = pathInContainer(m, s.volPath);
    if (p && !paths.includes(p)) paths.push(p);
  }
  if (!paths.length) return undefined;
  const chart = chartPod(pod);
  if (chart) return chartInitDirs(chart, existing, paths, newMounts, sites);
  const edits: Edit[] = [];
  if (existing) {
    const mkdir = mkdirEdits(existing, paths);
    if (!mkdir) return undefined;
    edits.push(...mkdir);
    for (const m of newMounts) {
      edits.push(existing.volumeMountsNode
        ? { op: 'insertItem', seq: existing.volumeMountsNode, value: mountSpec(m) }
        : { op: 'setKey', map: existing.node, key: 'volumeMounts', value: newMounts.map(mountSpec) });
      if (!existing.volumeMountsNode) break;
    }
    return { description: `create ${paths.join(', ')} in init container "${existing.name}"`, edits };
  }
  const container = {
    name: 'init-dirs',
    image: INIT_DIRS_IMAGE,
    command: ['mkdir', '-p', ...paths],
    volumeMounts: newMounts.map(mountSpec),
  };
  const list = get(pod.specNode, 'initContainers');
  // A new initContainers list goes just before containers, where a reader expects it.
  const at = pod.specNode.items.findIndex((p) => p.key === 'containers');
  const after = at > 0 ? pod.specNode.items[at - 1]!.key : undefined;
  edits.push(isSeq(list)
    ? { op: 'insertItem', seq: list, value: container, index: 0 }
    : { op: 'setKey', map: pod.specNode, key: 'initContainers', value: [container], after });
  return { description: `add an init-dirs init container that creates ${paths.join(', ')}`, edits };
}

/** The edits that add `paths` to the last mkdir of an existing init-dirs container. */
function mkdirEdits(existing: Container, paths: string[]): Edit[] | undefined {
  const mk = [...existing.run.cmds].reverse().find((c) => programOf(c) === 'mkdir');
  const last = mk?.words[mk.words.length - 1];
  // In a script the paths go in as one text (` /a /b`); in an array, one item each.
  const first = insertArgAfter(existing, last, paths.join(' '));
  if (!first) return undefined;
  if (first[0]!.op === 'replaceText') return first;
  return paths.flatMap((p) => insertArgAfter(existing, last, p)!);
}

/**
 * The same in bjw-s app-template values: the container is
 * `controllers.<c>.initContainers.init-dirs: {image: {repository, tag}, command}`, and a
 * volume reaches it through its persistence item, so a mount the mounter has from
 * `advancedMounts` gets an entry `advancedMounts.<c>.<init container>` (globalMounts and
 * default mounts reach every container already). Undefined when that cannot be written.
 */
function chartInitDirs(chart: ChartPod, existing: Container | undefined, paths: string[], newMounts: VolumeMount[], sites: MountSite[]): Fix | undefined {
  const edits: Edit[] = [];
  let key: string;
  if (existing) {
    const at = chartContainer(existing);
    if (!at) return undefined;
    key = at.key;
    const mkdir = mkdirEdits(existing, paths);
    if (!mkdir) return undefined;
    edits.push(...mkdir);
  } else {
    key = 'init-dirs';
    // The chart starts init containers in key order: init-dirs must come before a mounter that is one.
    if (get(chart.node, 'initContainers', key) !== undefined) return undefined;
    if (sites.some((s) => { const at = chartContainer(s.container); return at?.list === 'initContainers' && at.key < key; })) return undefined;
    // defaultContainerOptions that reach init containers would give it args, hooks or probes.
    const defaults = get(chart.node, 'defaultContainerOptions');
    const toInit = get(chart.node, 'applyDefaultContainerOptionsToInitContainers');
    if (isMap(defaults) && !(toInit?.kind === 'scalar' && (toInit.value === false || toInit.value === 'false')) &&
      ['args', 'lifecycle', 'probes', 'restartPolicy'].some((k) => get(defaults, k) !== undefined)) return undefined;
    const [repository, tag] = INIT_DIRS_IMAGE.split(':');
    edits.push({ op: 'setPath', map: chart.node, path: ['initContainers', key], value: { image: { repository, tag }, command: ['mkdir', '-p', ...paths] } });
  }
  // One edit per persistence item: its new entries as one list.
  const byItem = new Map<Volume, Record<string, string>[]>();
  for (const m of newMounts) {
    if (!m.volume) return undefined;
    const v = chartVolume(m.volume);
    if (!v) return undefined;
    if (!isAdvancedEntry(m)) {
      if (v.mounts === 'advanced') return undefined; // a mount that is neither: not ours to place
      continue;
    }
    const entry: Record<string, string> = { path: m.mountPath };
    if (m.subPath) entry.subPath = m.subPath;
    byItem.set(m.volume, [...(byItem.get(m.volume) ?? []), entry]);
  }
  for (const [volume, entries] of byItem) {
    const item = chartVolume(volume)!.item;
    const list = get(item, 'advancedMounts', chart.controller, key);
    if (isSeq(list)) for (const e of entries) edits.push({ op: 'insertItem', seq: list, value: e });
    else if (list === undefined) edits.push({ op: 'setPath', map: item, path: ['advancedMounts', chart.controller, key], value: entries });
    else return undefined;
  }
  return existing
    ? { description: `create ${paths.join(', ')} in init container "${existing.name}"`, edits }
    : { description: `add an init-dirs init container (controllers.${chart.controller}.initContainers.init-dirs) that creates ${paths.join(', ')}`, edits };
}

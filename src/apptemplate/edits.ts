// What fixes need to know to write app-template values instead of Kubernetes fields: where a
// modelled container, pod or volume lives in the values (controller and container keys, the
// persistence item), and which modelled nodes are stand-ins that take no edits. Filled by
// ./values.ts while it renders; read by rules (rules/lib/apptemplate.ts). No runtime imports
// of the rest of the model: rules load this while linting.
import type { YMap, YNode } from '../load/ynode.js';
import type { Container, Pod, Volume, VolumeMount } from '../model/types.js';

export interface ChartPod {
  /** The controller's key under `controllers`. */
  controller: string;
  /** `controllers.<controller>`. */
  node: YMap;
}

export interface ChartContainer extends ChartPod {
  /** The container's key under `containers` / `initContainers` (advancedMounts name it). */
  key: string;
  list: 'containers' | 'initContainers';
}

export interface ChartVolume {
  /** `persistence.<item>` (or the volumeClaimTemplate entry). */
  item: YMap;
  /** How the item reaches containers: globalMounts, advancedMounts, or neither (every container, default path). */
  mounts: 'global' | 'advanced' | 'default';
}

const pods = new WeakMap<Pod, ChartPod>();
const containers = new WeakMap<Container, ChartContainer>();
const volumes = new WeakMap<Volume, ChartVolume>();
const advancedEntries = new WeakSet<YNode>();
const readOnly = new WeakSet<YNode>();

export function setChartPod(p: Pod, v: ChartPod): void { pods.set(p, v); }
export function setChartContainer(c: Container, v: ChartContainer): void { containers.set(c, v); }
export function setChartVolume(x: Volume, v: ChartVolume): void { volumes.set(x, v); }
/** A mount entry under `advancedMounts.<controller>.<container>` (not a globalMounts one). */
export function markAdvanced(n: YNode): void { advancedEntries.add(n); }
/** A modelled node that stands for text a fix must not edit (a shared or default mount). */
export function markReadOnly(n: YNode): void { readOnly.add(n); }

export function chartPod(p: Pod): ChartPod | undefined { return pods.get(p); }
export function chartContainer(c: Container): ChartContainer | undefined { return containers.get(c); }
export function chartVolume(v: Volume): ChartVolume | undefined { return volumes.get(v); }
export function isAdvancedEntry(m: VolumeMount): boolean { return advancedEntries.has(m.node); }
/** Whether a fix may edit this mount's own node (false for a mount entry several containers share, or a default mount). */
export function mountTakesEdits(m: VolumeMount): boolean { return !readOnly.has(m.node); }

const inherited = new WeakMap<Container, ReadonlySet<string>>();
/** The container keys whose effective value comes from the controller's defaultContainerOptions. */
export function setInherited(c: Container, keys: ReadonlySet<string>): void { inherited.set(c, keys); }
/**
 * Whether the container takes `key` (resources, securityContext, lifecycle, probes…) from
 * its controller's `defaultContainerOptions`, alone or merged: an edit there would change
 * every container of the controller, and one beside it would drop the defaults, so fixes
 * on that key are withheld.
 */
export function inheritsKey(c: Container, key: string): boolean { return inherited.get(c)?.has(key) ?? false; }

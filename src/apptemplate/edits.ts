// What fixes need to know to write app-template values instead of Kubernetes fields: where a
// modelled container, pod or volume lives in the values (controller and container keys, the
// persistence item), and which modelled nodes are stand-ins that take no edits. Filled by
// ./values.ts while it renders; read by rules and rules/lib. No runtime imports of the rest
// of the model: rules load this while linting.
import type { YMap, YNode, YPair } from '../load/ynode.js';
import type { Fix } from '../engine/finding.js';
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
/** A modelled node that stands for text a fix must not edit (see takesEdits). */
export function markReadOnly(n: YNode): void { readOnly.add(n); }

export function chartPod(p: Pod): ChartPod | undefined { return pods.get(p); }
export function chartContainer(c: Container): ChartContainer | undefined { return containers.get(c); }
export function chartVolume(v: Volume): ChartVolume | undefined { return volumes.get(v); }
export function isAdvancedEntry(m: VolumeMount): boolean { return advancedEntries.has(m.node); }
/**
 * Whether a fix may edit this node: false for a mount entry several containers share, a
 * default mount, and a command or args list (and its items) that a container takes from its
 * controller's defaultContainerOptions, which every container of the controller runs.
 */
export function takesEdits(n: YNode | undefined): boolean { return !n || !readOnly.has(n); }

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

/**
 * Whether `p` is written inside `map`'s own text: not merged in (a valuesFrom layer,
 * defaultContainerOptions, defaultPodOptions) and not a chart stand-in. The test the fixer
 * makes before it edits a pair in place (src/fix/yaml-edits.ts ownPair).
 */
export function writtenIn(map: YMap | undefined, p: YPair | undefined): boolean {
  const span = map?.loc;
  const k = p?.keyLoc;
  return !!span && !!k && k.file === span.file && k.start >= span.start && k.end <= span.end;
}

/** An app-template probe with its own Kubernetes spec (common library lib/container/fields/_probes.tpl renders it as is). */
export function chartProbe(spec: unknown): { enabled: true; custom: true; spec: unknown } {
  return { enabled: true, custom: true, spec };
}

/**
 * A fix that adds a `kind` probe on `on` (the mount paths it checks): `<kind>Probe` in a
 * Kubernetes container, `probes.<kind>` (chartProbe) in app-template values; undefined when the
 * container takes its probes from defaultContainerOptions (a probes map of its own would drop them).
 */
export function addProbeFix(c: Container, kind: 'liveness' | 'startup', spec: unknown, on: string): Fix | undefined {
  if (!chartContainer(c)) return { description: `add a ${kind}Probe on ${on} to "${c.name}"`, edits: [{ op: 'setKey', map: c.node, key: `${kind}Probe`, value: spec }] };
  if (inheritsKey(c, 'probes')) return undefined;
  return { description: `add probes.${kind} on ${on} to "${c.name}"`, edits: [{ op: 'setPath', map: c.node, path: ['probes', kind], value: chartProbe(spec) }] };
}

/** The advice that ends a missing-probe message, in the keys the container is written with. */
export function addProbeAdvice(c: Container, kind: 'liveness' | 'startup'): string {
  return chartContainer(c)
    ? `Add a ${kind} probe that checks the mount (probes.${kind} with enabled: true, custom: true and an exec spec).`
    : `Add a ${kind}Probe that checks the mount.`;
}

import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/engine/finding.js';
import type { Container, Pod } from '../src/model/types.js';
import { get, isMap, isSeq, toJS, type YMap } from '../src/load/ynode.js';
import { consumersOf, describeContainer, mountSites, pathInContainer, type MountSite } from '../src/model/query.js';
import { hookWords, mountCheckProbe, probeChecks, execPaths } from '../src/model/mounters.js';
import { nativeSidecarsAvailable } from '../src/model/versions.js';
import { isUnder } from '../src/model/build.js';
import { Moved } from '../src/fix/moved.js';
import { addProbeAdvice, addProbeFix, chartContainer, chartProbe, inheritsKey, writtenIn } from '../src/apptemplate/edits.js';

const STARTUP = { periodSeconds: 2, failureThreshold: 150 };

/**
 * Consumers that can be running before the mount exists. Another mounter on the same volume
 * (seed 002's second rclone sidecar) sees the mount but does not read it, unless it mounts
 * from it (mergerfs over the rclone mount).
 */
function earlyConsumers(site: MountSite) {
  return consumersOf(site).filter((m) => (m.container.sort === 'container' || m.container.sort === 'sidecar') &&
    (!m.container.run.mountOps.length || m.container.run.mountOps.some((op) => op.source?.includes(site.op.target))));
}

/** The mounter's postStart hook waits for the mount, and every consumer starts after it (the kubelet waits for postStart). */
function postStartWaits(site: MountSite, consumers: ReturnType<typeof earlyConsumers>): boolean {
  const m = site.container;
  if (m.sort !== 'container') return false;
  const waits = execPaths(hookWords(m, 'postStart')).some((p) => isUnder(p, site.op.target));
  return waits && consumers.every((c) => c.container.sort === 'container' && c.container.index > m.index);
}

/** Move a regular mounter into initContainers as a native sidecar with a startupProbe on its mounts. */
function toNativeSidecar(pod: Pod, m: Container, sites: MountSite[]): Fix | undefined {
  // It would start before every regular container: not when one of those may be what it mounts from.
  const servers = pod.containers.filter((c) => c.sort === 'container' && c !== m && (c.ports.length || c.run.listeners.length) &&
    !sites.some((s) => consumersOf(s).some((x) => x.container === c)));
  if (servers.length) return undefined;
  if (chartContainer(m)) return chartNativeSidecar(pod, m, sites);
  const containers = get(pod.specNode, 'containers');
  if (!isSeq(containers) || containers.items.length < 2 || containers.items[m.index] !== m.node) return undefined;
  const js = toJS(m.node) as Record<string, unknown>;
  const probe = mountCheckProbe(sites.map((s) => s.op), STARTUP);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(js)) {
    if (k === 'startupProbe' || k === 'restartPolicy') continue;
    out[k] = v;
    if (k === 'name') out.restartPolicy = 'Always';
  }
  out.startupProbe = probe;
  // The container's own text moves (comments, quoting), with these two keys set in it.
  const moved = new Moved(m.node, out, [
    { op: 'setKey', map: m.node, key: 'restartPolicy', value: 'Always', after: 'name' },
    { op: 'setKey', map: m.node, key: 'startupProbe', value: probe },
  ]);
  const init = get(pod.specNode, 'initContainers');
  return {
    description: `make "${m.name}" a native sidecar (restartPolicy: Always, Kubernetes ≥ 1.29) with a startupProbe on its mount, so the other containers start after the mount exists`,
    edits: [
      { op: 'removeItem', seq: containers, index: m.index },
      isSeq(init) && init.items.length
        ? { op: 'insertItem', seq: init, value: moved }
        : { op: 'setKey', map: pod.specNode, key: 'initContainers', value: [moved] },
    ],
  };
}

/** Every pair of the map is written inside its own text. */
function allWritten(map: YMap): boolean {
  return !!map.loc && map.items.every((p) => writtenIn(map, p));
}

/**
 * The same move in bjw-s app-template values: `controllers.<c>.containers.<key>` becomes
 * `controllers.<c>.initContainers.<key>` (same key, so its advancedMounts still apply) with
 * `restartPolicy: Always` and `probes.startup` (custom spec). The chart starts init
 * containers in key order, so no plain init container may sort after it (an init-dirs making
 * its mount point must run first); not with dependsOn (the chart orders each list on its own),
 * nor when the controller's defaultContainerOptions reach only regular containers, or the
 * probes come from them. The container is written anew: comments inside it stay behind.
 */
function chartNativeSidecar(pod: Pod, m: Container, sites: MountSite[]): Fix | undefined {
  const at = chartContainer(m);
  if (!at || at.list !== 'containers' || inheritsKey(m, 'probes')) return undefined;
  const containers = get(at.node, 'containers');
  const own = get(containers, at.key);
  // Every key written where the map is (not merged from valuesFrom layers or another file):
  // the move takes the whole container, and removing it must not empty a merged map.
  if (!isMap(containers) || !isMap(own) || !allWritten(containers) || !allWritten(own)) return undefined;
  if (get(own, 'dependsOn') !== undefined) return undefined;
  if (pod.containers.some((c) => c !== m && (get(chartNode(c), 'dependsOn') !== undefined))) return undefined;
  if (pod.containers.some((c) => c.sort === 'init' && (chartContainer(c)?.key ?? '') >= at.key)) return undefined;
  const defaults = get(at.node, 'defaultContainerOptions');
  const toInit = get(at.node, 'applyDefaultContainerOptionsToInitContainers');
  if (isMap(defaults) && toInit?.kind === 'scalar' && (toInit.value === false || toInit.value === 'false')) return undefined;
  const js = toJS(own) as Record<string, unknown>;
  const probe = chartProbe(mountCheckProbe(sites.map((s) => s.op), STARTUP));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(js)) {
    if (k === 'restartPolicy') continue;
    out[k] = k === 'probes' && v && typeof v === 'object' ? { ...(v as Record<string, unknown>), startup: probe } : v;
  }
  out.restartPolicy = 'Always';
  if (!out.probes || typeof out.probes !== 'object') out.probes = { startup: probe };
  return {
    description: `make "${m.name}" a native sidecar (controllers.${at.controller}.initContainers.${at.key} with restartPolicy: Always, Kubernetes ≥ 1.29) with probes.startup on its mount, so the other containers start after the mount exists`,
    edits: [
      { op: 'removeKey', map: containers, key: at.key },
      { op: 'setPath', map: at.node, path: ['initContainers', at.key], value: out },
    ],
  };
}

/** The container's own values map (a chart container), for keys the model does not carry. */
function chartNode(c: Container): YMap | undefined {
  const at = chartContainer(c);
  const n = at && get(at.node, at.list, at.key);
  return isMap(n) ? n : undefined;
}

export default defineRule({
  id: 'mount-readiness',
  severity: 'warning',
  fix: 'suggestion',
  scope: 'pod',
  summary: 'Consumers should not start before the mount they read exists: make the mounter a native sidecar with a startupProbe on the mount.',
  checkPod(pod, ctx) {
    const byMounter = new Map<Container, MountSite[]>();
    for (const site of mountSites(pod)) {
      const m = site.container;
      if ((m.sort !== 'container' && m.sort !== 'sidecar') || site.op.cmd.source !== 'main') continue;
      const consumers = earlyConsumers(site);
      if (!consumers.length || postStartWaits(site, consumers)) continue;
      if (m.sort === 'sidecar' && probeChecks(m.startupProbe, site.op.target)) continue;
      if (consumers.some((c) => probeChecks(c.container.startupProbe, pathInContainer(c, site.volPath) ?? c.mountPath))) continue;
      byMounter.set(m, [...(byMounter.get(m) ?? []), site]);
    }
    for (const [m, sites] of byMounter) {
      const targets = [...new Set(sites.map((s) => s.op.target))].join(', ');
      const who = [...new Set(sites.flatMap((s) => earlyConsumers(s).map((c) => `"${c.container.name}"`)))].join(', ');
      let message: string;
      let fix: Fix | undefined;
      if (m.sort === 'sidecar') {
        message = `${describeContainer(m)} mounts ${targets}, but has no startupProbe that checks the mount, so the kubelet starts ${who} as soon as its process runs, before the mount exists: ` +
          `an app that scans an empty directory can drop its library (seed 000). ${addProbeAdvice(m, 'startup')}`;
        // bjw-s app-template values take it as probes.startup with a custom spec (common
        // library lib/container/fields/_probes.tpl renders it as startupProbe, init containers too).
        fix = addProbeFix(m, 'startup', mountCheckProbe(sites.map((s) => s.op), STARTUP), targets);
      } else {
        const allowed = nativeSidecarsAvailable(ctx.config.kubernetesVersion);
        message = `${describeContainer(m)} mounts ${targets}, but it is a regular container and nothing makes ${who} wait for the mount: the kubelet starts them side by side, ` +
          `so an app can scan an empty directory and drop its library (seed 000). Make "${m.name}" a native sidecar (an init container with restartPolicy: Always, Kubernetes ≥ 1.29) with a startupProbe on the mount, or give the consumers a startupProbe that checks it` +
          (allowed ? '.' : ` (kubernetesVersion ${ctx.config.kubernetesVersion} is below 1.29, so medialint does not suggest the native sidecar).`);
        fix = allowed ? toNativeSidecar(pod, m, sites) : undefined;
      }
      ctx.report({ at: get(m.node, 'name') ?? m.node, message, suggestions: fix ? [fix] : undefined });
    }
  },
});

import { defineRule } from '../src/engine/rule.js';
import type { Pod, VolumeMount } from '../src/model/types.js';
import { describeContainer } from '../src/model/query.js';
import { listOf, mountsItself, opAt, pathSeenBy, topology } from '../src/topology/index.js';
import { copyMounterFix } from '../src/topology/sidecar.js';
import { nativeSidecarsAvailable } from '../src/model/versions.js';
import { chartPod } from '../src/apptemplate/edits.js';

const who = (m: VolumeMount) => `${m.container.pod.workload.kind} ${m.container.pod.workload.name}`;

export default defineRule({
  id: 'standalone-fuse-mounter',
  severity: 'error',
  fix: 'suggestion',
  scope: 'model',
  summary: 'A FUSE mount made on a PVC in a pod of its own never reaches the other pods that mount that PVC.',
  checkModel(model, ctx) {
    const t = topology(model);
    for (const site of t.sites) {
      if (site.op.fs !== 'fuse') continue;
      const readers = t.cutOff(site);
      const store = t.siteStorage(site);
      if (!readers.length || !store) continue;
      const byPod = new Map<Pod, VolumeMount[]>();
      const served: VolumeMount[] = [];
      for (const m of readers) {
        if (mountsItself(t, m.container.pod, store)) { served.push(m); continue; }
        const list = byPod.get(m.container.pod) ?? [];
        list.push(m);
        byPod.set(m.container.pod, list);
      }
      const w = site.container.pod.workload;
      const what = `${describeContainer(site.container)} mounts ${site.op.source ?? 'a FUSE filesystem'} at ${site.op.target} on its own mount of ${store.label}`;
      const why = 'a FUSE mount made on one pod\'s volume never appears in another pod\'s mount of the same storage';
      const cut = [...byPod.values()].flat();
      // The copy is a Kubernetes container written into a PodSpec: not into app-template values
      // (neither from a chart's mounter nor into a chart's pod, whose containers the chart writes).
      const into = new Map([...byPod].filter(([p]) => !chartPod(p)));
      const fix = chartPod(site.container.pod) ? undefined : copyMounterFix(site, into, nativeSidecarsAvailable(ctx.config.kubernetesVersion));
      const message = cut.length
        ? `${what}, and nothing in its pod reads or exports it: ${why}, so ${listOf(cut.map((m) => `${who(m)} ("${m.container.name}" at ${pathSeenBy(t, m, store.path)})`))} ` +
          `${cut.length === 1 ? 'sees' : 'see'} only the directory underneath. Run the mounter as a sidecar in each workload that reads it${fix ? ' (--fix --suggestions does this)' : ''} and remove it from ${w.kind} ${w.name}.`
        : `${what}, and nothing in its pod reads or exports it: ${why}, and ${listOf(served.map(who))} already ${new Set(served.map(who)).size === 1 ? 'runs its' : 'run their'} own mounter for that path. ` +
          `Remove this mount (a leftover of the standalone pattern).`;
      ctx.report({
        workload: w,
        at: opAt(site),
        message,
        suggestions: fix ? [fix] : undefined,
        related: readers.map((m) => ({ at: m.node, message: `"${m.container.name}" of ${who(m)} mounts ${store.label} at ${m.mountPath}` })),
      });
    }
  },
});

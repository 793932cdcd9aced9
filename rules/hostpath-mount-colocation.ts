import { defineRule } from '../src/engine/rule.js';
import { describeContainer } from '../src/model/query.js';
import { describePlacement, opAt, topology } from '../src/topology/index.js';

export default defineRule({
  id: 'hostpath-mount-colocation',
  severity: 'warning',
  fix: 'none',
  scope: 'model',
  summary: 'A pod reading a hostPath mount made by another workload must run only where that workload runs.',
  checkModel(model, ctx) {
    const t = topology(model);
    const seen = new Set<string>();
    for (const site of t.sites) {
      const producer = site.container.pod;
      const host = t.siteStorage(site);
      if (host?.kind !== 'host') continue;
      // Report on an app container rather than on an init container of the same pod.
      const consumers = [...t.hostPathConsumers(site)].sort((a, b) => Number(a.container.sort === 'init') - Number(b.container.sort === 'init'));
      for (const m of consumers) {
        const consumer = m.container.pod;
        if (consumer.workload === producer.workload || t.colocated(producer, consumer)) continue;
        const key = `${producer.workload.id}\u0000${consumer.workload.id}\u0000${m.volume?.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const root = t.storageOf(m)?.path ?? host.path;
        const placement = describePlacement(consumer);
        ctx.report({
          workload: consumer.workload,
          at: m.node,
          message: `${describeContainer(m.container)} reads host path ${root} at ${m.mountPath}, where ${describeContainer(site.container)} mounts ${site.op.source ?? 'a filesystem'}. ` +
            `A hostPath mount reaches only pods on the same node, and ${consumer.workload.name} can be scheduled on ${placement === 'any node' ? 'any node' : `nodes with ${placement}`}, ` +
            `including nodes without a pod of ${producer.workload.name}${producer.workload.kind === 'DaemonSet' ? ` (it runs only on nodes with ${describePlacement(producer)})` : ''}: there it sees an empty directory. ` +
            `Run the mounter as a DaemonSet on every node the consumer can use, or require pod affinity (topologyKey kubernetes.io/hostname) between the two.`,
          related: [{ at: opAt(site), message: `${describeContainer(site.container)} mounts ${site.op.target}` }],
        });
      }
    }
  },
});


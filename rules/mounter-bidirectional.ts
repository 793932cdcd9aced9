import { defineRule } from '../src/engine/rule.js';
import { consumersOf, describeContainer, mountSites } from '../src/model/query.js';
import { setPropagation } from './lib/edits.js';
import { topology } from '../src/topology/index.js';

export default defineRule({
  id: 'mounter-bidirectional',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'A container that mounts for others must mount the shared volume with mountPropagation: Bidirectional.',
  checkPod(pod, ctx) {
    const seen = new Set<unknown>();
    for (const site of mountSites(pod)) {
      const m = site.mount;
      if (!m || seen.has(m) || m.propagation === 'Bidirectional') continue;
      const consumers = consumersOf(site);
      // hostPath: consumers in other pods on the node count too (SPEC §2).
      const cross = topology(ctx.model).hostPathConsumers(site);
      if (!consumers.length && !cross.length) continue;
      seen.add(m);
      const who = [
        ...consumers.map((c) => `"${c.container.name}"`),
        ...cross.map((c) => `"${c.container.name}" of ${c.container.pod.workload.kind} ${c.container.pod.workload.name}`),
      ].join(', ');
      ctx.report({
        at: m.propagationNode ?? m.node,
        message: `${describeContainer(site.container)} mounts ${site.op.source ?? 'a filesystem'} at ${site.op.target} on volume "${m.name}" (${m.mountPath}) ` +
          `with mountPropagation ${m.propagation ?? 'unset (None)'}, so the mount stays private to it and ${who} see only an empty directory. ` +
          `Set mountPropagation: Bidirectional on this volumeMount (it also needs privileged: true).`,
        fix: setPropagation(m, 'Bidirectional'),
        related: [
          ...consumers.map((c) => ({ at: c.node, message: `consumer "${c.container.name}" mounts ${c.mountPath}` })),
          ...cross.map((c) => ({ at: c.node, message: `consumer "${c.container.name}" of ${c.container.pod.workload.kind} ${c.container.pod.workload.name} mounts ${c.mountPath}` })),
        ],
      });
    }
  },
});

import { defineRule } from '../src/engine/rule.js';
import { consumersOf, describeContainer, mountSites, pathInContainer } from '../src/model/query.js';
import { setPropagation } from './lib/edits.js';
import { topology } from '../src/topology/index.js';

export default defineRule({
  id: 'consumer-host-to-container',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'A container that reads a mount made by another container needs mountPropagation: HostToContainer.',
  checkPod(pod, ctx) {
    const seen = new Set<unknown>();
    for (const site of mountSites(pod)) {
      for (const m of consumersOf(site)) {
        // (consumersOf leaves out plain init containers that finish before the mounter starts.)
        if (seen.has(m) || (m.propagation && m.propagation !== 'None')) continue;
        seen.add(m);
        const where = pathInContainer(m, site.volPath) ?? m.mountPath;
        ctx.report({
          at: m.propagationNode ?? m.node,
          message: `${describeContainer(m.container)} reads volume "${m.name}" at ${m.mountPath}, where "${site.container.name}" mounts ${site.op.source ?? 'a filesystem'} (${where} here), ` +
            `but its mountPropagation is ${m.propagation ?? 'unset (None)'}: it sees only what existed when it started, usually an empty directory, and never a remount. ` +
            `Set mountPropagation: HostToContainer.`,
          fix: setPropagation(m, 'HostToContainer'),
          related: [{ at: site.op.at.loc ?? site.container.node, message: `"${site.container.name}" mounts ${site.op.target}` }],
        });
      }
    }
    // hostPath: a mount made in another pod on the node reaches this pod too (SPEC §2).
    const t = topology(ctx.model);
    for (const c of pod.containers) {
      if (c.sort === 'init') continue;
      for (const m of c.volumeMounts) {
        if (seen.has(m) || (m.propagation && m.propagation !== 'None')) continue;
        const site = t.hostPathProducers(m)[0];
        if (!site) continue;
        seen.add(m);
        const host = t.siteStorage(site)?.path ?? site.op.target;
        const w = site.container.pod.workload;
        ctx.report({
          at: m.propagationNode ?? m.node,
          message: `${describeContainer(m.container)} reads host path ${m.volume?.hostPath ?? ''} at ${m.mountPath}, where "${site.container.name}" of ${w.kind} ${w.name} (another pod) mounts ${site.op.source ?? 'a filesystem'} on ${host}, ` +
            `but its mountPropagation is ${m.propagation ?? 'unset (None)'}: it sees only what was mounted when it started, and never a remount. ` +
            `Set mountPropagation: HostToContainer.`,
          fix: setPropagation(m, 'HostToContainer'),
          related: [{ at: site.op.at.loc ?? site.container.node, message: `"${site.container.name}" of ${w.kind} ${w.name} mounts ${site.op.target}` }],
        });
      }
    }
  },
});

import { defineRule } from '../src/engine/rule.js';
import { consumersOf, describeContainer, mountSites } from '../src/model/query.js';

export default defineRule({
  id: 'subpath-on-propagated-volume',
  severity: 'error',
  fix: 'none',
  scope: 'pod',
  summary: 'A container that reads a propagated mount cannot use subPath: the kubelet binds a subPath non-recursively at container start.',
  checkPod(pod, ctx) {
    const seen = new Set<unknown>();
    for (const site of mountSites(pod)) {
      for (const m of consumersOf(site)) {
        if (!m.subPath || seen.has(m)) continue;
        seen.add(m);
        ctx.report({
          at: m.subPathNode ?? m.node,
          message: `${describeContainer(m.container)} mounts volume "${m.name}" with subPath "${m.subPath}" at ${m.mountPath}, but "${site.container.name}" mounts ${site.op.source ?? 'a filesystem'} at ${site.op.target} on that volume: ` +
            `the kubelet binds a subPath non-recursively when the container starts, so a mount made on the volume never shows through it and the container sees the directory underneath (kubernetes/kubernetes#93202, #108681). ` +
            `Mount the whole volume without subPath (with HostToContainer) and use the path inside it.`,
          related: [{ at: site.op.at.loc ?? site.container.node, message: `"${site.container.name}" mounts ${site.op.target}` }],
        });
      }
    }
  },
});

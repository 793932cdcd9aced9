import { defineRule } from '../src/engine/rule.js';
import { describeContainer } from '../src/model/query.js';
import { needlessBidirectional } from '../src/model/roles.js';
import { dropBidirectional } from './lib/edits.js';

export default defineRule({
  id: 'needless-bidirectional',
  severity: 'warning',
  fix: 'fix',
  scope: 'pod',
  summary: 'Bidirectional only on the container that mounts: readers need HostToContainer, init-dirs containers need nothing.',
  checkPod(pod, ctx) {
    for (const c of pod.containers) {
      for (const m of c.volumeMounts) {
        const why = needlessBidirectional(m);
        if (!why) continue;
        const head = `${describeContainer(c)} mounts volume "${m.name}" at ${m.mountPath} with mountPropagation: Bidirectional, but creates no mounts itself`;
        const message = why.kind === 'init-dirs'
          ? `${head}: it only prepares directories and has exited before any mount exists. ` +
            `Remove mountPropagation here: Bidirectional needs privileged: true and is only for a container that mounts.`
          : `${head}; "${why.mounter.container.name}" is the one that mounts ${why.mounter.op.target} there. ` +
            `Bidirectional needs privileged: true and is only for the container that mounts; set HostToContainer, which is enough to see the mount (least privilege).`;
        ctx.report({
          at: m.propagationNode ?? m.node,
          message,
          fix: dropBidirectional(m, why.kind === 'init-dirs'),
          related: why.kind === 'consumer' ? [{ at: why.mounter.op.at.loc ?? why.mounter.container.node, message: `"${why.mounter.container.name}" mounts ${why.mounter.op.target}` }] : undefined,
        });
      }
    }
  },
});

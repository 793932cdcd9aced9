import { defineRule } from '../src/engine/rule.js';
import { describeContainer } from '../src/model/query.js';
import { createsNoMounts, isDirPrepOnly } from '../src/model/roles.js';
import { dropBidirectional, setPrivileged } from './lib/edits.js';

export default defineRule({
  id: 'bidirectional-requires-privileged',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'mountPropagation: Bidirectional is allowed only in privileged containers; the API server rejects anything else.',
  checkPod(pod, ctx) {
    for (const c of pod.containers) {
      if (c.privileged) continue;
      const m = c.volumeMounts.find((x) => x.propagation === 'Bidirectional');
      if (!m) continue;
      const caps = c.capabilities.includes('SYS_ADMIN') ? ' SYS_ADMIN is not enough: only privileged counts.' : '';
      // A container that provably mounts nothing needs no Bidirectional, and so no privilege either.
      const reader = createsNoMounts(c);
      const remove = reader && isDirPrepOnly(c);
      ctx.report({
        at: m.propagationNode ?? m.node,
        message: `${describeContainer(c)} sets mountPropagation: Bidirectional on volume "${m.name}" (${m.mountPath}) without securityContext.privileged: true, ` +
          `so the API server rejects the object ("Bidirectional mount propagation is available only to privileged containers").${caps} ` +
          (remove ? `This init container only prepares directories: remove mountPropagation.`
            : reader ? `This container creates no mounts: use HostToContainer instead.`
              : c.run.mountOps.length ? `It mounts ${c.run.mountOps[0]!.target}, so it needs Bidirectional: set privileged: true.`
                : `Set privileged: true, or use HostToContainer if this container creates no mounts.`),
        fix: reader ? dropBidirectional(m, remove) : setPrivileged(c),
      });
    }
  },
});

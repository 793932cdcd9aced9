import { defineRule } from '../src/engine/rule.js';
import { describeContainer, isMounter } from '../src/model/query.js';
import { nativeSidecarsAvailable } from '../src/model/versions.js';
import { get, pairOf } from '../src/load/ynode.js';

const FIELDS = ['startupProbe', 'livenessProbe', 'readinessProbe', 'lifecycle'] as const;

export default defineRule({
  id: 'init-container-fields',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'Plain init containers may not have probes or lifecycle hooks; the API server rejects them.',
  checkPod(pod, ctx) {
    for (const c of pod.containers) {
      if (c.sort !== 'init') continue;
      const present = FIELDS.filter((f) => get(c.node, f) !== undefined);
      if (!present.length) continue;
      const mounter = isMounter(c) && c.run.longRunning;
      // Native sidecars need Kubernetes ≥ 1.29: an older kubernetesVersion withholds the fix.
      const canFix = mounter && nativeSidecarsAvailable(ctx.config.kubernetesVersion);
      for (const f of present) {
        const pair = pairOf(c.node, f)!;
        ctx.report({
          at: pair.keyLoc ?? c.node,
          message: `${describeContainer(c)} sets ${f}, which the API server rejects on init containers without restartPolicy: Always ("may not be set for init containers without restartPolicy=Always"). ` +
            (canFix ? `It runs a long-lived mounter, so make it a native sidecar: add restartPolicy: Always (Kubernetes ≥ 1.29).`
              : mounter ? `It runs a long-lived mounter: move it to containers (native sidecars need Kubernetes ≥ 1.29; config kubernetesVersion is ${ctx.config.kubernetesVersion}).`
                : `Remove ${f}, or make the container a native sidecar with restartPolicy: Always if it keeps running.`),
          fix: canFix && f === present[0] ? { description: `add restartPolicy: Always to "${c.name}"`, edits: [{ op: 'setKey', map: c.node, key: 'restartPolicy', value: 'Always' }] } : undefined,
          suggestions: mounter ? undefined : [{ description: `remove ${f} from "${c.name}"`, edits: [{ op: 'removeKey', map: c.node, key: f }] }],
        });
      }
    }
  },
});

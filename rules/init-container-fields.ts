import { defineRule } from '../src/engine/rule.js';
import { describeContainer, isMounter } from '../src/model/query.js';
import { nativeSidecarsAvailable } from '../src/model/versions.js';
import { get, pairOf, type YMap } from '../src/load/ynode.js';
import type { Fix } from '../src/engine/finding.js';
import type { Container } from '../src/model/types.js';
import { chartContainer, writtenIn } from '../src/apptemplate/edits.js';

const FIELDS = ['startupProbe', 'livenessProbe', 'readinessProbe', 'lifecycle'] as const;

/** The pair of `key` written inside `map`'s own text (not a default or a chart stand-in). */
function written(map: YMap | undefined, key: string): boolean {
  return writtenIn(map, pairOf(map, key));
}

/**
 * Remove the field. app-template values hold a probe as `probes.<kind>`: that key goes; a
 * field that is not written in the container's own values (defaultContainerOptions) gets no fix.
 */
function removeField(c: Container, f: (typeof FIELDS)[number]): Fix | undefined {
  const description = `remove ${f} from "${c.name}"`;
  if (!chartContainer(c)) return { description, edits: [{ op: 'removeKey', map: c.node, key: f }] };
  if (f === 'lifecycle') return written(c.node, f) ? { description, edits: [{ op: 'removeKey', map: c.node, key: f }] } : undefined;
  const probes = get(c.node, 'probes');
  const kind = f.replace(/Probe$/, '');
  if (probes?.kind !== 'map' || !written(c.node, 'probes') || !written(probes, kind)) return undefined;
  return { description: `remove probes.${kind} from "${c.name}"`, edits: [{ op: 'removeKey', map: probes, key: kind }] };
}

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
        const removal = mounter ? undefined : removeField(c, f);
        // app-template values hold a probe under probes.<kind>: point there.
        const chartKey = chartContainer(c) && f !== 'lifecycle' ? pairOf(get(c.node, 'probes'), f.replace(/Probe$/, ''))?.keyLoc : undefined;
        ctx.report({
          at: pair.keyLoc ?? chartKey ?? c.node,
          message: `${describeContainer(c)} sets ${f}, which the API server rejects on init containers without restartPolicy: Always ("may not be set for init containers without restartPolicy=Always"). ` +
            (canFix ? `It runs a long-lived mounter, so make it a native sidecar: add restartPolicy: Always (Kubernetes ≥ 1.29).`
              : mounter ? `It runs a long-lived mounter: move it to containers (native sidecars need Kubernetes ≥ 1.29; config kubernetesVersion is ${ctx.config.kubernetesVersion}).`
                : `Remove ${f}, or make the container a native sidecar with restartPolicy: Always if it keeps running.`),
          fix: canFix && f === present[0] ? { description: `add restartPolicy: Always to "${c.name}"`, edits: [{ op: 'setKey', map: c.node, key: 'restartPolicy', value: 'Always' }] } : undefined,
          suggestions: removal ? [removal] : undefined,
        });
      }
    }
  },
});

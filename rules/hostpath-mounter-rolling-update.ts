import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/engine/finding.js';
import type { Workload } from '../src/model/types.js';
import { get, pairOf } from '../src/load/ynode.js';
import { mountSites } from '../src/model/query.js';
import { chartPod } from '../src/apptemplate/edits.js';

function recreate(w: Workload): Fix {
  const s = w.strategy;
  const description = `set strategy.type: Recreate on Deployment ${w.name}`;
  // Only `type` written: change it. Otherwise (rollingUpdate parameters, or no strategy) the whole strategy becomes {type: Recreate}.
  if (s.node && s.typeNode && get(s.node, 'rollingUpdate') === undefined) return { description, edits: [{ op: 'setScalar', node: s.typeNode, value: 'Recreate' }] };
  // app-template: `controllers.<c>.strategy` is the type itself, a string.
  const chart = chartPod(w.pod);
  if (chart) return { description: `set strategy: Recreate on controller ${chart.controller}`, edits: [{ op: 'setKey', map: s.specNode, key: 'strategy', value: 'Recreate' }] };
  const after = pairOf(s.specNode, 'replicas') ? 'replicas' : pairOf(s.specNode, 'selector') ? 'selector' : undefined;
  return { description, edits: [{ op: 'setKey', map: s.specNode, key: 'strategy', value: { type: 'Recreate' }, after }] };
}

export default defineRule({
  id: 'hostpath-mounter-rolling-update',
  severity: 'warning',
  fix: 'fix',
  scope: 'pod',
  summary: 'A Deployment whose mounter mounts on a fixed host path should use the Recreate strategy: a rolling update mounts the new pod over the old one.',
  checkPod(pod, ctx) {
    const w = pod.workload;
    if (w.kind !== 'Deployment' || (w.strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const site = mountSites(pod).find((s) => s.hostPath && s.mount?.propagation === 'Bidirectional' && get(s.mount.node, 'subPathExpr') === undefined);
    if (!site) return;
    const pathNode = site.volume?.typeNode ? get(site.volume.typeNode, 'path') : undefined;
    ctx.report({
      at: w.strategy.typeNode ?? pairOf(w.strategy.specNode, 'strategy')?.keyLoc ?? pathNode ?? site.mount?.node,
      message: `Deployment ${w.name} uses the RollingUpdate strategy, but "${site.container.name}" mounts ${site.op.source ?? 'a filesystem'} on the fixed host path ${site.hostPath} (volume "${site.volume?.name}"): ` +
        `during a rollout the new pod can start on the same node while the old one still runs: it mounts over the old pod's mount, and the old pod's unmount on exit can take the new mount with it. Set strategy.type: Recreate.`,
      fix: recreate(w),
      related: [{ at: pathNode ?? site.volume?.node, message: `host path ${site.volume?.hostPath}` }],
    });
  },
});

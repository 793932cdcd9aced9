import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/engine/finding.js';
import type { Volume } from '../src/model/types.js';
import { consumersOf, mountSites } from '../src/model/query.js';

function addMemory(v: Volume): Fix {
  return {
    description: `add medium: Memory to emptyDir volume "${v.name}"`,
    edits: v.typeNode
      ? [{ op: 'setKey', map: v.typeNode, key: 'medium', value: 'Memory' }]
      : [{ op: 'setKey', map: v.node, key: 'emptyDir', value: { medium: 'Memory' } }],
  };
}

export default defineRule({
  id: 'propagation-emptydir-memory',
  severity: 'warning',
  fix: 'fix',
  scope: 'pod',
  summary: 'A volume that carries mounts between containers should be an emptyDir with medium: Memory.',
  checkPod(pod, ctx) {
    const seen = new Set<Volume>();
    for (const site of mountSites(pod)) {
      const v = site.volume;
      if (!v || seen.has(v) || v.type === 'hostPath' || !consumersOf(site).length) continue;
      seen.add(v);
      const between = `"${site.container.name}" mounts ${site.op.target} on it for the other containers`;
      if (v.type === 'emptyDir') {
        if (v.medium === 'Memory') continue;
        ctx.report({
          at: v.typeNode ?? v.node,
          message: `Volume "${v.name}" of ${pod.workload.kind} ${pod.workload.name} carries a mount between containers (${between}) but is a disk emptyDir. ` +
            `It works on a standard kubelet, but the Kubernetes docs recommend mount propagation only with hostPath or memory-backed emptyDir; medium: Memory is recommended.`,
          fix: addMemory(v),
        });
      } else {
        ctx.report({
          at: v.typeNode ?? v.node,
          severity: 'error',
          message: `Volume "${v.name}" of ${pod.workload.kind} ${pod.workload.name} carries a mount between containers (${between}) but is a ${v.type} volume: ` +
            `the pod's volume directory is a bind of a node-wide mount, so propagation through it is unreliable and consumers may see an empty directory (kubernetes/kubernetes#95049). ` +
            `Use an emptyDir with medium: Memory as the shared parent.`,
        });
      }
    }
  },
});

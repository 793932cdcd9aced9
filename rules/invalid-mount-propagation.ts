import { distance } from 'fastest-levenshtein';
import { defineRule } from '../src/engine/rule.js';
import { describeContainer } from '../src/model/query.js';

const VALID = ['None', 'HostToContainer', 'Bidirectional'];
/** Linux propagation names (what the runtime sets for each value): a likely, but not certain, intent. */
const LINUX: Record<string, string> = {
  rshared: 'Bidirectional', shared: 'Bidirectional', rslave: 'HostToContainer', slave: 'HostToContainer', rprivate: 'None', private: 'None',
};

export default defineRule({
  id: 'invalid-mount-propagation',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'mountPropagation must be exactly None, HostToContainer or Bidirectional (case matters).',
  checkPod(pod, ctx) {
    for (const c of pod.containers) {
      for (const m of c.volumeMounts) {
        if (m.propagation === undefined || VALID.includes(m.propagation)) continue;
        const v = m.propagation;
        const close = VALID.find((x) => x.toLowerCase() === v.toLowerCase()) ??
          VALID.find((x) => distance(x.toLowerCase(), v.toLowerCase()) <= 2);
        // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
        const linux = Object.hasOwn(LINUX, v.toLowerCase()) ? LINUX[v.toLowerCase()] : undefined;
        ctx.report({
          at: m.propagationNode ?? m.node,
          message: `${describeContainer(c)} has mountPropagation "${v}" on volume "${m.name}" (${m.mountPath}); the API server accepts only "Bidirectional", "HostToContainer" or "None" (case matters) and rejects the object.` +
            (close ? ` Did you mean "${close}"?` : linux ? ` "${v}" is the Linux name of what Kubernetes calls "${linux}".` : ''),
          fix: close && m.propagationNode ? { description: `change mountPropagation "${v}" to "${close}"`, edits: [{ op: 'setScalar', node: m.propagationNode, value: close }] } : undefined,
          suggestions: !close && linux && m.propagationNode ? [{ description: `change mountPropagation "${v}" to "${linux}"`, edits: [{ op: 'setScalar', node: m.propagationNode, value: linux }] }] : undefined,
        });
      }
    }
  },
});

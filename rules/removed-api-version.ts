import { defineRule } from '../src/engine/rule.js';
import { REMOVED_API_VERSIONS } from '../src/model/kinds.js';
import { get } from '../src/load/ynode.js';

/** Versions removed earlier than the rest of their kind's list. */
const REMOVED_EARLIER: Record<string, string> = {
  'CronJob batch/v2alpha1': '1.21',
  'PodSecurityPolicy extensions/v1beta1': '1.16',
};

export default defineRule({
  id: 'removed-api-version',
  severity: 'error',
  fix: 'none',
  scope: 'model',
  summary: 'An object uses an API version that current clusters no longer serve.',
  checkModel(model, ctx) {
    for (const r of model.resources) {
      // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
      const info = Object.hasOwn(REMOVED_API_VERSIONS, r.kind) ? REMOVED_API_VERSIONS[r.kind] : undefined;
      if (!info || !info.versions.includes(r.apiVersion)) continue;
      const removedIn = REMOVED_EARLIER[`${r.kind} ${r.apiVersion}`] ?? info.removedIn;
      // The beta workload APIs defaulted spec.selector from the template's labels; apps/v1 requires it.
      const selector = info.use === 'apps/v1' && get(r.node, 'spec', 'selector') === undefined ? ' and add spec.selector, which apps/v1 requires' : '';
      ctx.report({
        at: get(r.node, 'apiVersion'),
        message: `${r.kind} ${r.name} uses apiVersion ${r.apiVersion}, which Kubernetes stopped serving in ${removedIn}; the API server rejects it. Use ${info.use}${selector}.`,
      });
    }
  },
});

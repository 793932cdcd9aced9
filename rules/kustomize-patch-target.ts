import { defineRule } from '../src/engine/rule.js';

// Reported while rendering (src/kustomize/patch-targets.ts): the renderer sees every target as it applies.
export default defineRule({
  id: 'kustomize-patch-target',
  severity: 'warning',
  fix: 'none',
  scope: 'input',
  summary: 'A kustomize patch target selects nothing, or a name-regex alternative only prefixes real names.',
});

import { defineRule } from '../src/engine/rule.js';

// Reported by the pipeline itself (load, kustomize, suppressions); listed here for docs and config.
export default defineRule({
  id: 'unrenderable-template',
  severity: 'info',
  fix: 'none',
  scope: 'input',
  summary: 'A Helm or Go template ({{ … }}) cannot be linted as it is; lint its rendered output.',
});

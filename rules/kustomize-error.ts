import { defineRule } from '../src/engine/rule.js';

// Reported by the pipeline itself (load, kustomize, suppressions); listed here for docs and config.
export default defineRule({
  id: 'kustomize-error',
  severity: 'error',
  fix: 'none',
  scope: 'input',
  summary: 'A kustomization could not be rendered: a missing file, a cycle, a bad patch or a path the load restrictor refuses.',
});

import { defineRule } from '../src/engine/rule.js';

// Reported by the pipeline itself (load, kustomize, suppressions); listed here for docs and config.
export default defineRule({
  id: 'kustomize-unsupported',
  severity: 'warning',
  fix: 'none',
  scope: 'input',
  summary: 'A kustomization uses a field or a remote resource that medialint does not render in-process.',
});

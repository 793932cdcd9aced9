import { defineRule } from '../src/engine/rule.js';

// Reported by the pipeline itself (load, kustomize, suppressions); listed here for docs and config.
export default defineRule({
  id: 'unused-suppression',
  severity: 'info',
  fix: 'none',
  scope: 'input',
  summary: 'A medialint-disable comment or annotation silences nothing (only with --report-unused-suppressions).',
});

import { defineRule } from '../src/engine/rule.js';

// Reported by the pipeline itself (load, kustomize, suppressions); listed here for docs and config.
export default defineRule({
  id: 'parse-error',
  severity: 'error',
  fix: 'none',
  scope: 'input',
  summary: 'A YAML file could not be read or parsed; the rest were still linted.',
});

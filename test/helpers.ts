// Shared test helpers: lint a path or text the way the CLI does.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintPaths, lintFiles } from '../src/engine/lint.js';
import { defaultConfig, type Config } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';
import type { Finding } from '../src/engine/finding.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = path.resolve(ROOT, '..', 'shared');

export function lint(paths: string[], cwd: string, config: Config = defaultConfig()) {
  return lintPaths(paths, { cwd, config, rules: RULES });
}

export function lintText(text: string, filename = 'test.yaml', config: Config = defaultConfig()) {
  return lintFiles([], { cwd: ROOT, config, rules: RULES, stdin: { text, filename } });
}

/** `file:line:col severity rule-id message` lines, as in fixtures' expected.txt. */
export function findingLines(findings: Finding[], ruleId?: string): string[] {
  return findings
    .filter((f) => !ruleId || f.ruleId === ruleId)
    .map((f) => `${f.loc.file}:${f.loc.line}:${f.loc.col} ${f.severity} ${f.ruleId} ${f.message}`);
}

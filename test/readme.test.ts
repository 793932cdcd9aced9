// The README stays true: its rules table is generated from rule metadata (UPDATE=1 rewrites it),
// and its integrations section documents every config key, every suppression form, every
// Action input and output and both pre-commit hooks, with examples that actually validate.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RULES } from '../rules/index.js';
import { validateConfig } from '../src/engine/load-config.js';
import schema from '../schemas/config.schema.json' with { type: 'json' };
import { ROOT } from './helpers.js';

const README = path.join(ROOT, 'README.md');
const FIX: Record<string, string> = { fix: 'fix', suggestion: 'suggestion', none: '' };

/** The rules table: one row per rule, from its metadata. */
export function rulesTable(): string {
  const rows = RULES.map((r) => `| [\`${r.id}\`](rules/${r.id}.md) | ${r.severity} | ${FIX[r.fix] ?? r.fix} | ${r.summary.replace(/\|/g, '\\|')} |`);
  return ['| Rule | Severity | Fix | What it catches |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function section(text: string, name: string): { start: number; end: number; body: string } {
  const open = `<!-- ${name}:start -->`;
  const close = `<!-- ${name}:end -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  expect(start, `README.md has no ${open} marker`).toBeGreaterThanOrEqual(0);
  expect(end, `README.md has no ${close} marker after ${open}`).toBeGreaterThan(start);
  return { start: start + open.length, end, body: text.slice(start + open.length, end) };
}

/** The fenced ```yaml blocks of a markdown text. */
function yamlBlocks(md: string): string[] {
  return [...md.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('README.md', () => {
  const text = readFileSync(README, 'utf8');

  it('has the rules table generated from rule metadata (UPDATE=1 rewrites it)', () => {
    const s = section(text, 'rules');
    const want = `\n${rulesTable()}\n`;
    if (process.env.UPDATE && s.body !== want) {
      writeFileSync(README, text.slice(0, s.start) + want + text.slice(s.end));
      return;
    }
    expect(s.body, 'the README rules table is out of date: run UPDATE=1 npx vitest run test/readme.test.ts').toBe(want);
  });

  describe('integrations section', () => {
    const body = section(text, 'integrations').body;
    const blocks = yamlBlocks(body);

    it('documents every config key, and its example config validates', () => {
      for (const key of Object.keys(schema.properties)) expect(body, `config key ${key}`).toContain(`${key}:`);
      const config = blocks.find((b) => b.startsWith('# .medialint.yaml'));
      expect(config, 'an example .medialint.yaml').toBeDefined();
      expect(() => validateConfig(parseYaml(config!), 'README.md')).not.toThrow();
      for (const b of blocks.filter((x) => /^overrides:|^rules:/m.test(x) && !x.startsWith('#'))) {
        expect(() => validateConfig(parseYaml(b), 'README.md')).not.toThrow();
      }
    });

    it('documents the four suppression forms and unused suppressions', () => {
      for (const s of ['# medialint-disable-next-line', '# medialint-disable-line', '# medialint-disable rule', 'medialint.dev/ignore', '--report-unused-suppressions']) {
        expect(body).toContain(s);
      }
    });

    it('has a workflow that uses the Action with real inputs, uploads SARIF and sets permissions', () => {
      const action = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
      const wf = parseYaml(blocks.find((b) => b.includes('upload-sarif'))!);
      expect(wf.permissions).toEqual({ contents: 'read', 'security-events': 'write' });
      const steps = Object.values(wf.jobs as Record<string, { steps: Record<string, any>[] }>)[0]!.steps;
      const lint = steps.find((s) => String(s.uses).startsWith('medialint/medialint@'))!;
      expect(lint).toBeDefined();
      for (const k of Object.keys(lint.with ?? {})) expect(Object.keys(action.inputs)).toContain(k);
      const upload = steps.find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@v4'))!;
      expect(upload.with.sarif_file).toBe(`\${{ steps.${lint.id}.outputs.sarif-file }}`);
      for (const i of Object.keys(action.inputs)) expect(body, `Action input ${i}`).toContain(`\`${i}\``);
      for (const o of Object.keys(action.outputs)) expect(body, `Action output ${o}`).toContain(`\`${o}\``);
    });

    it('shows the pre-commit hooks that .pre-commit-hooks.yaml defines', () => {
      const hooks = (parseYaml(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string }[]).map((h) => h.id);
      const cfg = parseYaml(blocks.find((b) => b.startsWith('# .pre-commit-config.yaml'))!);
      for (const h of cfg.repos[0].hooks) expect(hooks).toContain(h.id);
      for (const h of hooks) expect(body).toContain(h);
    });
  });
});

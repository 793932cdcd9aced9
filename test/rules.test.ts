// The one harness for every rule's fixtures (STYLE §4):
//   fixtures/<rule>/bad*.yaml + expected.txt : exactly these findings of the rule (UPDATE=1 rewrites)
//   `# expect: <rule>` markers in bad files   : every marked line has a finding, every finding a marker
//   fixtures/<rule>/good*.yaml                : no finding of the rule
//   fixtures/<rule>/<case>/                   : a directory case (kustomize trees), with its own expected.txt
//   bad*.fixed.yaml / bad*.suggested.yaml     : byte-exact result of --fix (--suggestions), after which the
//                                               rule no longer fires and a second --fix changes nothing
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, lint, findingLines } from './helpers.js';
import { RULES, ruleById } from '../rules/index.js';
import { fixTexts } from '../src/cli/fix-command.js';
import { defaultConfig } from '../src/engine/config.js';

const FIXTURES = path.join(ROOT, 'fixtures');
const UPDATE = !!process.env.UPDATE;

function markers(dir: string, files: string[], ruleId: string): string[] {
  const out: string[] = [];
  for (const f of files) {
    const lines = readFileSync(path.join(dir, f), 'utf8').split('\n');
    lines.forEach((l, i) => {
      const m = /#\s*expect:\s*([a-z0-9, -]+)/.exec(l);
      if (m && m[1]!.split(',').map((s) => s.trim()).includes(ruleId)) out.push(`${f}:${i + 1}`);
    });
  }
  return out.sort();
}

const ruleDirs = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((d) => ruleById(d)) : [];

describe.each(ruleDirs)('%s', (ruleId) => {
  const dir = path.join(FIXTURES, ruleId);
  const entries = readdirSync(dir);
  const bad = entries.filter((f) => /^bad.*\.ya?ml$/.test(f) && !/\.(fixed|suggested)\.ya?ml$/.test(f));
  const good = entries.filter((f) => /^good.*\.ya?ml$/.test(f));
  const cases = entries.filter((f) => statSync(path.join(dir, f)).isDirectory());

  if (bad.length) {
    it('reports exactly expected.txt on the bad files', () => {
      const r = lint(bad, dir);
      const got = findingLines(r.findings, ruleId);
      const file = path.join(dir, 'expected.txt');
      if (UPDATE) writeFileSync(file, got.join('\n') + '\n');
      const want = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      expect(got).toEqual(want);
      expect(got.length).toBeGreaterThan(0);
      const lines = [...new Set(r.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.loc.file}:${f.loc.line}`))].sort();
      expect(lines).toEqual(markers(dir, bad, ruleId));
    });
  }

  for (const g of good) {
    it(`stays silent on ${g}`, () => {
      const r = lint([g], dir);
      expect(findingLines(r.findings, ruleId)).toEqual([]);
    });
  }

  for (const c of cases) {
    it(`case ${c}`, () => {
      const cdir = path.join(dir, c);
      const r = lint(['.'], cdir);
      const got = findingLines(r.findings, ruleId);
      const file = path.join(cdir, 'expected.txt');
      if (UPDATE) writeFileSync(file, got.join('\n') + (got.length ? '\n' : ''));
      const want = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      expect(got).toEqual(want);
    });
  }

  for (const b of bad) {
    for (const kind of ['fixed', 'suggested'] as const) {
      const out = b.replace(/\.ya?ml$/, `.${kind}.yaml`);
      const rule = ruleById(ruleId)!;
      if (!existsSync(path.join(dir, out))) {
        if (kind === 'fixed' && rule.fix === 'fix') it(`has ${out} (the rule is fixable)`, () => expect.fail(`add ${out}`));
        continue;
      }
      it(`${kind === 'fixed' ? '--fix' : '--fix --suggestions'} turns ${b} into ${out}`, async () => {
        const config = defaultConfig();
        for (const r of RULES) if (r.id !== ruleId) config.rules[r.id] = 'off';
        const input = readFileSync(path.join(dir, b), 'utf8');
        const once = await fixTexts(new Map([[b, input]]), dir, config, kind === 'suggested');
        const text = once.files.get(b) ?? input;
        if (UPDATE) writeFileSync(path.join(dir, out), text);
        expect(text).toBe(readFileSync(path.join(dir, out), 'utf8'));
        expect(text).not.toBe(input);
        const twice = await fixTexts(new Map([[b, text]]), dir, config, kind === 'suggested');
        expect(twice.files.get(b) ?? text).toBe(text);
        if (kind === 'fixed') expect(findingLines(twice.remaining, ruleId).filter((l) => l.startsWith(b + ':'))).toEqual([]);
      });
    }
  }
});

describe('fixtures', () => {
  it('every rule that is not reported by the pipeline has a fixture folder', () => {
    const missing = RULES.filter((r) => r.scope !== 'input' && !existsSync(path.join(FIXTURES, r.id))).map((r) => r.id);
    expect(missing).toEqual([]);
  });
});

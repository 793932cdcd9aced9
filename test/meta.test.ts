// The registry, the rule files, the docs, the fixtures and the README agree.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.js';
import { RULES } from '../rules/index.js';
// @ts-expect-error plain JS build helper
import { rulesIndexSource } from '../scripts/gen-rules-index.mjs';

const RULES_DIR = path.join(ROOT, 'rules');
const HEADINGS = ['## Why', '## Bad', '## Good', '## Fix', '## Configuration', '## When not to use it'];

describe('rule registry', () => {
  it('rules/index.ts is up to date (run node scripts/gen-rules-index.mjs)', () => {
    expect(readFileSync(path.join(RULES_DIR, 'index.ts'), 'utf8')).toBe(rulesIndexSource());
  });
  it('every rule id matches its file name', () => {
    const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));
    expect(RULES.map((r) => r.id).sort()).toEqual(files.sort());
    for (const r of RULES) expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
  it('ids are unique and sorted', () => {
    const ids = RULES.map((r) => r.id);
    expect(ids).toEqual([...new Set(ids)].sort());
  });
  it('every fixture folder belongs to a rule', () => {
    const dirs = readdirSync(path.join(ROOT, 'fixtures')).filter((d) => !['ok', 'cli', 'seeds', 'apptemplate'].includes(d));
    const ids = new Set(RULES.map((r) => r.id));
    expect(dirs.filter((d) => !ids.has(d))).toEqual([]);
  });
});

describe.each(RULES.map((r) => r.id))('docs of %s', (id) => {
  const file = path.join(RULES_DIR, `${id}.md`);
  it('exist and follow the template', () => {
    expect(existsSync(file), `add rules/${id}.md`).toBe(true);
    const doc = readFileSync(file, 'utf8');
    expect(doc.split('\n')[0]).toBe(`# ${id}`);
    const found = doc.split('\n').filter((l) => l.startsWith('## '));
    expect(found).toEqual(HEADINGS);
  });
});

describe('README', () => {
  it('opens with a Quick start block of exactly two commands', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const m = /## Quick start\n+```sh\n([\s\S]*?)```/.exec(readme);
    expect(m).not.toBeNull();
    expect(m![1]!.trim().split('\n')).toHaveLength(2);
  });
});

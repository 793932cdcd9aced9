// The benchmark corpus (scripts/bench/generate.mjs) must be what `npm run bench` says it is:
// the good apps lint clean, so only the broken share (every 5th app) produces findings.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lint, lintText } from './helpers.js';
// @ts-expect-error plain JS benchmark helper
import { app, generateOverlays } from '../scripts/bench/generate.mjs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'medialint-bench-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('benchmark corpus', () => {
  it('a good app lints clean', () => {
    for (const i of [1, 2, 7, 13]) expect(lintText(app(i, false), `app-${i}.yaml`).findings).toEqual([]);
  });

  it('a broken app has findings of several rules, one of them fixable', () => {
    const f = lintText(app(5, true), 'app-5.yaml').findings;
    expect(new Set(f.map((x) => x.ruleId)).size).toBeGreaterThan(2);
    expect(f.some((x) => x.fix)).toBe(true);
  });

  it('in the overlays, only the broken apps of the bases have findings', () => {
    generateOverlays(tmp, 5);
    const r = lint(['overlays'], tmp);
    const files = new Set(r.findings.map((f) => f.loc.file));
    expect([...files].sort()).toEqual(['bases/stack-0/app-0.yaml', 'bases/stack-0/app-5.yaml', 'bases/stack-1/app-0.yaml', 'bases/stack-1/app-5.yaml',
      'bases/stack-2/app-0.yaml', 'bases/stack-2/app-5.yaml', 'bases/stack-3/app-0.yaml', 'bases/stack-3/app-5.yaml', 'bases/stack-4/app-0.yaml', 'bases/stack-4/app-5.yaml']);
  });
});

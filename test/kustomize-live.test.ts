// Live check against an installed kubectl: re-render three corpus cases with
// `kubectl kustomize`, compare with the recorded expected.yaml, and with medialint's output.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderText } from '../src/kustomize/index.js';
import { SHARED } from './helpers.js';

const CASES = path.join(SHARED, 'corpus', 'kustomize', 'cases');
const LIVE = ['TestGeneratorBasics', 'TestMediumOverlay', 'TestComponent__multiple-components'];

function kubectlVersion(): string | undefined {
  try {
    return execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

const version = kubectlVersion();
if (!version) console.log('kustomize live test skipped: kubectl is not on PATH');

describe.skipIf(!version || !existsSync(CASES))('kubectl kustomize, live', () => {
  it('is kustomize v5.5', () => {
    const v = JSON.parse(version!) as { kustomizeVersion?: string };
    expect(v.kustomizeVersion ?? '').toMatch(/^v5\./);
  });

  for (const name of LIVE) {
    it(`${name}: kubectl still prints expected.yaml, and medialint prints the same`, () => {
      const dir = path.join(CASES, name);
      const meta = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as { root: string };
      const rel = meta.root === '.' ? 'in' : path.join('in', meta.root);
      const live = execFileSync('kubectl', ['kustomize', rel], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const want = readFileSync(path.join(dir, 'expected.yaml'), 'utf8');
      expect(live).toBe(want);
      expect(renderText(path.join(dir, rel), { loadRestrictor: 'rootOnly' }).text).toBe(live);
    });
  }
});

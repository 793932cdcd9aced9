// pre-commit: the hook definitions, and the file scope behind them (src/engine/scope.ts): given
// file names, lint the kustomization roots that include them and report only the findings
// located in those files. The real `pre-commit try-repo` run is scripts/test-precommit.sh.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { scopeToFiles, referencesOf } from '../src/engine/scope.js';
import { lintPaths } from '../src/engine/lint.js';
import { defaultConfig } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';
import { ROOT } from './helpers.js';
import { tmpTree, useTmpDirs } from './support/tmp.js';
import { runMain } from './support/main.js';

const BAD = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: app
          image: busybox
          volumeMounts:
            - name: m
              mountPath: /m
              mountPropagation: hostToContainer
      volumes:
        - name: m
          emptyDir: {}
`;

useTmpDirs();

function tree(files: Record<string, string>): string {
  return tmpTree(files, 'medialint-scope-');
}

/** A base pulled in by two overlays, another base pulled in by one, a patch, and a loose file. */
function repo(): string {
  return tree({
    'apps/sonarr/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/sonarr/base/deployment.yaml': BAD('sonarr'),
    'apps/radarr/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/radarr/base/deployment.yaml': BAD('radarr'),
    'clusters/prod/kustomization.yaml': 'resources:\n  - ../../apps/sonarr/base\n  - ../../apps/radarr/base\n  - https://github.com/example/remote//base?ref=v1\npatches:\n  - path: patch.yaml\n',
    'clusters/prod/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sonarr\n',
    'clusters/lab/Kustomization': 'bases:\n  - ../../apps/sonarr/base\n',
    'loose/pod.yaml': BAD('loose'),
  });
}

const rel = (dir: string, ps: string[]) => ps.map((p) => path.relative(dir, p)).sort();

describe('scopeToFiles', () => {
  it('lints a base file through every kustomization that includes it, up to the roots', () => {
    const dir = repo();
    const s = scopeToFiles(['apps/sonarr/base/deployment.yaml'], dir)!;
    expect(rel(dir, s.paths)).toEqual([
      'apps/sonarr/base/deployment.yaml',
      'apps/sonarr/base/kustomization.yaml',
      'clusters/lab/Kustomization',
      'clusters/prod/kustomization.yaml',
    ]);
    expect(rel(dir, [...s.files])).toEqual(['apps/sonarr/base/deployment.yaml']);
  });

  it('finds the overlay that references a patch, and the kustomization given itself', () => {
    const dir = repo();
    expect(rel(dir, scopeToFiles(['clusters/prod/patch.yaml'], dir)!.paths)).toEqual(['clusters/prod/kustomization.yaml', 'clusters/prod/patch.yaml']);
    expect(rel(dir, scopeToFiles(['apps/radarr/base/kustomization.yaml'], dir)!.paths)).toEqual(['apps/radarr/base/kustomization.yaml', 'clusters/prod/kustomization.yaml']);
  });

  it('lints a file no kustomization includes as it is', () => {
    const dir = repo();
    expect(rel(dir, scopeToFiles(['loose/pod.yaml'], dir)!.paths)).toEqual(['loose/pod.yaml']);
  });

  it('is not for directories, globs, stdin or missing files', () => {
    const dir = repo();
    expect(scopeToFiles(['apps'], dir)).toBeUndefined();
    expect(scopeToFiles(['apps/**/*.yaml'], dir)).toBeUndefined();
    expect(scopeToFiles(['-'], dir)).toBeUndefined();
    expect(scopeToFiles(['loose/pod.yaml', 'nope.yaml'], dir)).toBeUndefined();
    expect(scopeToFiles([], dir)).toBeUndefined();
  });

  it('skips remote references and inline patches', () => {
    const dir = tree({
      'k/kustomization.yaml': 'resources:\n  - github.com/org/repo/base?ref=v1\n  - https://example.com/x.yaml\n  - a.yaml\npatchesStrategicMerge:\n  - |-\n    apiVersion: v1\n    kind: ConfigMap\n',
      'k/a.yaml': 'a: 1\n',
    });
    expect(referencesOf(path.join(dir, 'k/kustomization.yaml'))).toEqual({ dirs: [], files: [path.join(dir, 'k/a.yaml')] });
  });

  it('reports only the findings located in the given files', () => {
    const dir = repo();
    const s = scopeToFiles(['apps/sonarr/base/deployment.yaml', 'loose/pod.yaml'], dir)!;
    const r = lintPaths(s.paths, { cwd: dir, config: defaultConfig(), rules: RULES });
    const all = r.findings.map((f) => f.loc.file);
    const kept = r.findings.filter(s.keep).map((f) => `${f.loc.file}:${f.loc.line} ${f.ruleId}`);
    expect(kept).toEqual(['apps/sonarr/base/deployment.yaml:14 invalid-mount-propagation', 'loose/pod.yaml:14 invalid-mount-propagation']);
    expect(all.every((f) => f.startsWith('apps/') || f.startsWith('loose/') || f.startsWith('clusters/'))).toBe(true);
  });

  it('keeps the render failures of the roots that include a given file, wherever they are located', async () => {
    // The commit renames the base's Deployment; clusters/prod's patch still names the old one,
    // so that overlay no longer renders (an error in its kustomization.yaml, not in the base).
    const dir = tree({
      'apps/sonarr/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/sonarr/base/deployment.yaml': BAD('sonarr-v2'),
      'apps/radarr/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/radarr/base/deployment.yaml': BAD('radarr'),
      'clusters/prod/kustomization.yaml': 'resources:\n  - ../../apps/sonarr/base\n  - ../../apps/radarr/base\n  - https://github.com/example/remote//base?ref=v1\npatches:\n  - path: patch.yaml\n',
      'clusters/prod/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sonarr\n',
      'clusters/lab/Kustomization': 'bases:\n  - ../../apps/sonarr/base\n',
      // Broken too, but it does not include the given file: not linted, not reported.
      'clusters/old/kustomization.yaml': 'resources:\n  - ../../apps/radarr/base\n  - missing.yaml\n',
    });
    const s = scopeToFiles(['apps/sonarr/base/deployment.yaml'], dir)!;
    const r = lintPaths(s.paths, { cwd: dir, config: defaultConfig(), rules: RULES });
    const kept = r.findings.filter(s.keep).map((f) => `${f.loc.file}:${f.loc.line} ${f.ruleId}`).sort();
    expect(kept).toEqual([
      'apps/sonarr/base/deployment.yaml:14 invalid-mount-propagation', // through clusters/lab
      'clusters/prod/kustomization.yaml:6 kustomize-error', // the patch entry
    ]);
    // The overlay's other findings (its remote resource) stay out, as before.
    expect(r.findings.some((f) => f.ruleId === 'kustomize-unsupported' && !s.keep(f))).toBe(true);
    // A render failure of a root that includes no given file is not kept.
    const other = { ruleId: 'kustomize-error', severity: 'error' as const, message: 'x', overlays: ['clusters/old'], loc: { file: 'clusters/old/kustomization.yaml', start: 0, end: 0, line: 3, col: 5, endLine: 3, endCol: 5 } };
    expect(s.keep(other)).toBe(false);
    expect(s.keep({ ...other, overlays: ['clusters/prod'] })).toBe(true);
    // End to end, as pre-commit runs it: the commit fails on the overlay it broke.
    const cli = await runMain(['apps/sonarr/base/deployment.yaml'], { cwd: dir });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/clusters\/prod\/kustomization\.yaml[\s\S]*kustomize-error/);
    expect(cli.stdout).not.toMatch(/clusters\/old|kustomize-unsupported/);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parseYaml(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];

  it('defines medialint and medialint-fix as node hooks on YAML files and Kustomization', () => {
    expect(hooks.map((h) => [h.id, h.entry, h.language])).toEqual([
      ['medialint', 'medialint', 'node'],
      ['medialint-fix', 'medialint --fix', 'node'],
    ]);
    for (const h of hooks) {
      const re = new RegExp(String(h.files));
      for (const f of ['a.yaml', 'dir/b.yml', 'Kustomization', 'overlays/prod/Kustomization']) expect(re.test(f), f).toBe(true);
      for (const f of ['README.md', 'a.yaml.bak', 'MyKustomization', 'x.json']) expect(re.test(f), f).toBe(false);
      // One process sees every file: the roots are found once, and --fix never races itself.
      expect(h.require_serial).toBe(true);
    }
  });

  it('the bin runs the committed bundle, which a fresh npm install keeps', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ medialint: 'bin/medialint.js' });
    expect(readFileSync(path.join(ROOT, 'bin/medialint.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n[\s\S]*import '\.\.\/dist\/medialint\.js';/);
    const ignored = readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).not.toContain('dist/');
    expect(ignored).not.toContain('dist');
    if (pkg.files) expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'bin']));
  });
});

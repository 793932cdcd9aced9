// Shortcuts taken for speed (SPEC §7) must answer exactly what the long way answers.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { globbySync } from 'globby';
import { afterAll, describe, expect, it } from 'vitest';
import { isSafeWord, renderScalar, renderScalarUncached } from '../src/fix/render.js';
import { discover } from '../src/load/discover.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'medialint-perf-paths-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('rendering a scalar for a fix', () => {
  const opts = [{}, { inFlow: true }, { implicitKey: true }, { inFlow: true, implicitKey: true }];
  it('writes a safe word as it is, as the read-back check would', () => {
    const words = ['mountPropagation', 'HostToContainer', 'app-1', 'a.b/c_d', 'y', 'yes', 'No', 'ON', 'off', 'null', 'True', 'Null', 'x1', 'e3', 'E-5', 'e_1', 'e3x'];
    for (const w of words) for (const o of opts) expect(renderScalar(w, o), `${w} ${JSON.stringify(o)}`).toBe(renderScalarUncached(w, o));
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_./-]{0,20}$/), fc.constantFrom(...opts), (w, o) => {
      if (isSafeWord(w)) expect(renderScalarUncached(w, o)).toBe(w);
      expect(renderScalar(w, o)).toBe(renderScalarUncached(w, o));
    }), { numRuns: 300, seed: 3 });
  });
  it('remembers other values without changing them', () => {
    for (const v of ['0777', 'a: b', '#x', '', ' lead', 'multi\nline', 12, 1.5, true, null, 'yes please']) {
      for (const o of opts) {
        expect(renderScalar(v, o)).toBe(renderScalarUncached(v, o));
        expect(renderScalar(v, o)).toBe(renderScalarUncached(v, o));
      }
    }
  });
});

describe('discovering the YAML files of a directory', () => {
  const globby = (dir: string) => globbySync(['**/*.{yaml,yml}', '**/Kustomization'], {
    cwd: dir, absolute: true, gitignore: true, ignore: ['**/node_modules/**', '**/.git/**'], dot: false, followSymbolicLinks: false, suppressErrors: true,
  }).map((f) => path.normalize(f)).sort();
  const tree = (root: string, files: string[]) => {
    for (const f of files) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), 'a: 1\n');
    }
  };
  const FILES = ['a/x.yaml', 'a/b/y.yml', '.hidden/z.yaml', 'node_modules/x/n.yaml', 'c.yaml/in.yaml', 'd/node_modules/q.yaml', 'a/.dot.yaml',
    'a/Kustomization', 'a/kustomization', 'a/k.YAML', 'a/b/kustomization.yaml', 'a/x.yaml.bak', 'a/sp ace.yaml', 'e/f/g/h.yml'];

  it('finds what globby finds (plain walk)', () => {
    const root = path.join(tmp, 'plain');
    tree(root, FILES);
    expect(discover([root], { cwd: tmp, ignore: [] }).files).toEqual(globby(root));
  });
  it('finds what globby finds with a .gitignore or a symbolic link (globby decides)', () => {
    const root = path.join(tmp, 'ignored');
    tree(root, FILES);
    writeFileSync(path.join(root, '.gitignore'), 'a/b/\n*.yml\n');
    expect(discover([root], { cwd: tmp, ignore: [] }).files).toEqual(globby(root));
    const linked = path.join(tmp, 'linked');
    tree(linked, FILES);
    symlinkSync(path.join(linked, 'a'), path.join(linked, 'link'));
    symlinkSync(path.join(linked, 'a/x.yaml'), path.join(linked, 'file-link.yaml'));
    expect(discover([linked], { cwd: tmp, ignore: [] }).files).toEqual(globby(linked));
  });
});

describe('the unknown-field pre-check', () => {
  it('lets through exactly the pod templates in which ajv finds nothing', async () => {
    const { unknownKeys } = await import('../src/model/unknown-fields.js');
    const { lint } = await import('./helpers.js');
    const { ROOT } = await import('./helpers.js');
    const { clone } = await import('../src/load/ynode.js');
    const r = lint(['fixtures', 'examples'], ROOT);
    const specs = r.model.workloads.map((w) => w.pod.specNode).filter((n): n is NonNullable<typeof n> => n?.kind === 'map');
    expect(specs.length).toBeGreaterThan(50);
    const keysOf = (u: { pair: { key: string }; path: (string | number)[] }[]) => u.map((x) => `${x.path.join('.')}:${x.pair.key}`);
    for (const spec of specs) expect(keysOf(unknownKeys(spec, 'PodSpec'))).toEqual(keysOf(unknownKeys(spec, 'PodSpec', { fast: false })));
    // The same with a stray key put somewhere in each.
    fc.assert(fc.property(fc.nat(), fc.nat(), fc.constantFrom('mountPropogation', 'name', 'image', 'items', 'x'), (i, j, key) => {
      const spec = clone(specs[i % specs.length]!);
      const maps: { items: { key: string; value: unknown }[] }[] = [];
      const walk = (n: { kind: string; items?: unknown[] }) => {
        if (n.kind === 'map') maps.push(n as never);
        for (const c of (n.items ?? []) as { kind?: string; value?: { kind: string } }[]) walk((c.kind ? c : c.value) as never);
      };
      walk(spec);
      maps[j % maps.length]!.items.push({ key, value: { kind: 'scalar', value: 1 } });
      expect(keysOf(unknownKeys(spec, 'PodSpec'))).toEqual(keysOf(unknownKeys(spec, 'PodSpec', { fast: false })));
    }), { numRuns: 300, seed: 5 });
  });
});

// The in-process kustomize renderer: roots, errors and warnings at the referencing line,
// the load restrictor, the patch-target check, and the printer's go-yaml details.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { checkPatchTargets, findRoots, render, renderText } from '../src/kustomize/index.js';
import { resolvesToNonString, v2KeyCompare, formatNumber } from '../src/kustomize/print.js';
import { kustomizeHash } from '../src/kustomize/hash.js';
import { fromJS, get, str } from '../src/load/ynode.js';

/** An in-memory tree: relative path -> text, rooted at /virtual. */
function tree(files: Record<string, string>) {
  const root = '/virtual';
  const map = new Map(Object.entries(files).map(([k, v]) => [path.join(root, k), new TextEncoder().encode(v)]));
  return {
    root,
    dir: (rel: string) => path.join(root, rel),
    readFile: (abs: string) => map.get(abs),
    displayPath: (abs: string) => path.relative(root, abs),
  };
}

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.0
`;

function run(files: Record<string, string>, dir = '.', restrictor: 'rootOnly' | 'none' = 'rootOnly') {
  const t = tree(files);
  return render(t.dir(dir), { loadRestrictor: restrictor, readFile: t.readFile, displayPath: t.displayPath });
}

describe('findRoots', () => {
  it('keeps kustomizations that nothing else references', () => {
    const t = tree({
      'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'comp/kustomization.yaml': 'kind: Component\n',
      'mid/kustomization.yaml': 'resources: [../base]\n',
      'prod/kustomization.yaml': 'resources: [../mid]\ncomponents: [../comp]\n',
      'other/kustomization.yml': 'resources: [x.yaml]\n',
    });
    const dirs = ['base', 'comp', 'mid', 'prod', 'other'].map(t.dir);
    expect(findRoots(dirs, t.readFile)).toEqual([t.dir('prod'), t.dir('other')]);
  });
});

describe('render', () => {
  it('renders a base through an overlay', () => {
    const r = run({
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'base/deploy.yaml': DEPLOY,
      'prod/kustomization.yaml': 'namePrefix: prod-\nresources:\n- ../base\nimages:\n- name: nginx\n  newTag: "1.27"\n',
    }, 'prod');
    expect(r.findings).toEqual([]);
    expect(str(get(r.resources[0], 'metadata', 'name'))).toBe('prod-app');
    expect(str(get(r.resources[0], 'spec', 'template', 'spec', 'containers', 0, 'image'))).toBe('nginx:1.27');
    expect([...r.files].sort()).toEqual(['/virtual/base/deploy.yaml', '/virtual/base/kustomization.yaml', '/virtual/prod/kustomization.yaml']);
  });

  it('reports a missing resource at the line that names it', () => {
    const r = run({ 'kustomization.yaml': 'resources:\n- deploy.yaml\n- missing.yaml\n', 'deploy.yaml': DEPLOY });
    expect(r.resources).toEqual([]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ ruleId: 'kustomize-error', severity: 'error', loc: { file: 'kustomization.yaml', line: 3 } });
    expect(r.findings[0]!.message).toContain("'missing.yaml'");
  });

  it('refuses files outside the kustomization under rootOnly, naming the option', () => {
    const files = {
      'shared/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 3\n',
      'app/kustomization.yaml': 'resources:\n- deploy.yaml\npatches:\n- path: ../shared/patch.yaml\n',
      'app/deploy.yaml': DEPLOY,
    };
    const r = run(files, 'app');
    expect(r.findings[0]).toMatchObject({ ruleId: 'kustomize-error', loc: { file: 'app/kustomization.yaml', line: 4 } });
    expect(r.findings[0]!.message).toContain('use --load-restrictor none or config kustomize.loadRestrictor: none, as Flux builds');
    const ok = run(files, 'app', 'none');
    expect(ok.findings).toEqual([]);
    expect(get(ok.resources[0], 'spec', 'replicas')).toMatchObject({ value: 3, loc: { file: 'shared/patch.yaml', line: 6 } });
  });

  it('reports a cycle at the referencing line', () => {
    const r = run({ 'a/kustomization.yaml': 'resources:\n- ../b\n', 'b/kustomization.yaml': 'resources:\n- ../a\n' }, 'a');
    expect(r.findings[0]).toMatchObject({ ruleId: 'kustomize-error', loc: { file: 'b/kustomization.yaml', line: 2 } });
    expect(r.findings[0]!.message).toMatch(/cycle/);
  });

  it('reports a bad patch at its entry', () => {
    const r = run({ 'kustomization.yaml': 'resources: [deploy.yaml]\npatches:\n- patch: thisIsNotAPatch\n', 'deploy.yaml': DEPLOY });
    expect(r.findings[0]).toMatchObject({ ruleId: 'kustomize-error', loc: { line: 3 } });
  });

  it('warns about unsupported fields and remote resources, and renders the rest', () => {
    const r = run({
      'kustomization.yaml': 'resources:\n- deploy.yaml\n- https://github.com/org/repo//base?ref=v1\nhelmCharts:\n- name: x\nvars:\n- name: V\n',
      'deploy.yaml': DEPLOY,
    });
    expect(r.resources).toHaveLength(1);
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.loc.line])).toEqual([
      ['kustomize-unsupported', 'warning', 4],
      ['kustomize-unsupported', 'warning', 6],
      ['kustomize-unsupported', 'warning', 3],
    ]);
  });

  it('never throws on bad input', () => {
    const bad: Record<string, string>[] = [
      { 'kustomization.yaml': '- a\n- b\n' },
      { 'kustomization.yaml': 'resources: 5\n' },
      { 'kustomization.yaml': 'resources: [x.yaml]\n', 'x.yaml': 'kind: [\n' },
      { 'kustomization.yaml': 'resources: [x.yaml]\n', 'x.yaml': 'apiVersion: v1\nkind: ConfigMap\n' },
      { 'kustomization.yaml': 'resources: [x.yaml]\npatches:\n- patch: "[{\\"op\\": \\"add\\"}]"\n  target: {kind: ConfigMap}\n', 'x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' },
      { 'kustomization.yaml': 'configMapGenerator:\n- name: x\n  envs: [missing.env]\n' },
      { 'kustomization.yaml': 'images:\n- name: "["\n  newTag: x\n' },
      {},
    ];
    for (const files of bad) {
      const r = run(files);
      expect(r.findings.some((f) => f.ruleId === 'kustomize-error')).toBe(true);
    }
  });

  it('gives generated values the Loc of the kustomization entry', () => {
    const r = run({ 'kustomization.yaml': 'namespace: media\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - a=b\n' });
    const cm = r.resources[0]!;
    expect(str(get(cm, 'metadata', 'name'))).toBe('cfg-4h2mbtbbt6');
    expect(get(cm, 'metadata', 'name')!.loc).toMatchObject({ file: 'kustomization.yaml', line: 3 });
    expect(get(cm, 'metadata', 'namespace')!.loc).toMatchObject({ line: 1 });
    expect(get(cm, 'data', 'a')!.loc).toMatchObject({ line: 5 });
  });
});

describe('renderText', () => {
  it('prints like kubectl kustomize', () => {
    const t = tree({ 'kustomization.yaml': 'resources: [d.yaml]\n', 'd.yaml': DEPLOY });
    const { text } = renderText(t.root, { loadRestrictor: 'rootOnly', readFile: t.readFile, displayPath: t.displayPath });
    expect(text).toBe('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:1.0\n        name: app\n');
  });
});

describe('checkPatchTargets', () => {
  const base = {
    'kustomization.yaml': 'resources: [d.yaml]\npatches:\n- target:\n    kind: Deployment\n    name: decypharr|sonarr\n  patch: |-\n    - op: add\n      path: /metadata/labels\n      value: {a: b}\n- target:\n    kind: StatefulSet\n    name: radarr\n  patch: |-\n    - op: add\n      path: /metadata/labels\n      value: {a: b}\n',
    'd.yaml': ['decypharr-streaming', 'sonarr'].map((n) => DEPLOY.replace('name: app', `name: ${n}`)).join('---\n'),
  };

  it('flags a target that selects nothing and an anchored alternative that was meant as a prefix', () => {
    const t = tree(base);
    const f = checkPatchTargets(t.root, { loadRestrictor: 'rootOnly', readFile: t.readFile, displayPath: t.displayPath });
    expect(f.map((x) => [x.ruleId, x.severity, x.loc.line])).toEqual([
      ['kustomize-patch-target', 'warning', 5],
      ['kustomize-patch-target', 'warning', 12],
    ]);
    expect(f[0]!.message).toContain("'decypharr'");
    expect(f[0]!.message).toContain('decypharr-streaming');
    expect(f[1]!.message).toMatch(/selects no resource/);
  });
});

describe('printer details (go-yaml v2 as kustomize uses it)', () => {
  it('orders keys like go-yaml v2', () => {
    const keys = ['b', 'a10', 'a2', 'A', '_x', 'a', 'aa', 'a-b'];
    expect([...keys].sort(v2KeyCompare)).toEqual(['_x', 'A', 'a', 'a-b', 'a2', 'a10', 'aa', 'b']);
  });

  it('quotes strings that YAML 1.1 would read as something else', () => {
    for (const s of ['yes', 'N', 'on', '012', '0x1F', '1e3', '.5', '1:20', '2001-12-14', '', '~', 'null', '1_000']) expect(resolvesToNonString(s), s).toBe(true);
    for (const s of ['nginx', '1.2.3', 'NaN', '0o', 'x1', 'yesno', '<<']) expect(resolvesToNonString(s), s).toBe(false);
  });

  it('formats numbers like Go', () => {
    expect([formatNumber(3), formatNumber(0.5), formatNumber(1e-5), formatNumber(1234567.5), formatNumber(1e23)]).toEqual(['3', '0.5', '1e-05', '1.2345675e+06', '1e+23']);
  });

  it('hashes ConfigMaps as kustomize does (the name is never part of the hash)', () => {
    const cm = fromJS({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'anything' }, data: { a: 'b' } });
    expect(kustomizeHash(cm)).toBe('4h2mbtbbt6');
  });
});

describe('the roots of one run', () => {
  it('read each file of a shared base once, and render every overlay from it', async () => {
    const { lintKustomizations } = await import('../src/kustomize/lint-roots.js');
    const { defaultConfig } = await import('../src/engine/config.js');
    const base = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n';
    const files: Record<string, string> = {
      '/r/base/kustomization.yaml': 'resources: [cm.yaml]\n',
      '/r/base/cm.yaml': base,
    };
    for (const o of ['a', 'b', 'c']) files[`/r/${o}/kustomization.yaml`] = `namePrefix: ${o}-\nresources: [../base]\n`;
    const reads = new Map<string, number>();
    const readFile = (abs: string) => {
      reads.set(abs, (reads.get(abs) ?? 0) + 1);
      return abs in files ? new TextEncoder().encode(files[abs]) : undefined;
    };
    const r = lintKustomizations(['/r/a', '/r/b', '/r/c'], { cwd: '/r', config: defaultConfig(), readFile, displayPath: (p) => path.relative('/r', p) });
    expect(r.docs.map((d) => str(get(d.node, 'metadata', 'name')))).toEqual(['a-cm', 'b-cm', 'c-cm']);
    expect(reads.get('/r/base/cm.yaml')).toBe(1);
    expect(reads.get('/r/base/kustomization.yaml')).toBe(1);
  });
});

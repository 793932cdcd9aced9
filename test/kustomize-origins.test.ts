// Origins: every rendered node keeps the file and line of the base or patch that set it, so
// findings and fixes land on the line a pull request changed.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { render, renderText } from '../src/kustomize/index.js';
import type { YMap, YNode } from '../src/load/ynode.js';
import { get, isSeq, str } from '../src/load/ynode.js';
import { ROOT, SHARED } from './helpers.js';

const REAL = path.join(SHARED, 'corpus', 'real');
const display = (abs: string) => path.relative(ROOT, abs).split(path.sep).join('/');
const opts = { loadRestrictor: 'rootOnly' as const, displayPath: display };

function byName(resources: YMap[], kind: string, name: string): YMap {
  const r = resources.find((x) => str(get(x, 'kind')) === kind && str(get(x, 'metadata', 'name')) === name);
  if (!r) throw new Error(`no ${kind}/${name} among ${resources.map((x) => str(get(x, 'metadata', 'name'))).join(', ')}`);
  return r;
}

function container(res: YMap, name: string, field = 'containers'): YNode {
  const list = get(res, 'spec', 'template', 'spec', field);
  if (!isSeq(list)) throw new Error('no containers');
  const c = list.items.find((x) => str(get(x, 'name')) === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

function mount(c: YNode, mountPath: string): YNode {
  const list = get(c, 'volumeMounts');
  if (!isSeq(list)) throw new Error('no volumeMounts');
  const m = list.items.find((x) => str(get(x, 'mountPath')) === mountPath);
  if (!m) throw new Error(`no mount at ${mountPath}`);
  return m;
}

const at = (n: YNode | undefined) => (n?.loc ? `${n.loc.file}:${n.loc.line}` : undefined);

describe('origins in a real base (sigtom/wow-ocp apps/managers/base)', () => {
  const dir = path.join(REAL, 'sigtom__wow-ocp', 'apps', 'managers', 'base');
  const file = display(path.join(dir, 'bazarr.yaml'));

  it('keeps the base file and line of a mount propagation and an image', () => {
    const r = render(dir, opts);
    expect(r.findings).toEqual([]);
    const bazarr = byName(r.resources, 'Deployment', 'bazarr');
    const zurg = container(bazarr, 'rclone-zurg');
    expect(str(get(mount(zurg, '/mnt/media'), 'mountPropagation'))).toBe('Bidirectional');
    expect(at(get(mount(zurg, '/mnt/media'), 'mountPropagation'))).toBe(`${file}:61`);
    expect(at(get(zurg, 'image'))).toBe(`${file}:42`);
    expect(get(zurg, 'image')!.loc!.col).toBe(16);
    expect(at(get(container(bazarr, 'init-dirs', 'initContainers'), 'image'))).toBe(`${file}:34`);
    expect(r.files.has(path.join(dir, 'bazarr.yaml'))).toBe(true);
    expect(r.files.has(path.join(dir, 'kustomization.yaml'))).toBe(true);
  });
});

describe('origins in cmpetersen5551/GitOps@c24819c decypharr-streaming', () => {
  const dir = path.join(REAL, 'cmpetersen5551__GitOps@c24819c', 'clusters', 'homelab', 'apps', 'media', 'decypharr-streaming');
  const file = display(path.join(dir, 'statefulset.yaml'));

  it('keeps the StatefulSet file and line of images and mount propagations', () => {
    const r = render(dir, opts);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const sts = byName(r.resources, 'StatefulSet', 'decypharr-streaming');
    const list = get(sts, 'spec', 'template', 'spec', 'containers');
    expect(isSeq(list)).toBe(true);
    const images = (list as { items: YNode[] }).items.map((c) => [str(get(c, 'image')), at(get(c, 'image'))]);
    expect(images).toContainEqual(['cy01/blackhole:beta', `${file}:81`]);
    expect(images).toContainEqual(['rclone/rclone:latest', `${file}:119`]);
    const props: (string | undefined)[] = [];
    for (const c of (list as { items: YNode[] }).items) {
      const vm = get(c, 'volumeMounts');
      if (isSeq(vm)) for (const m of vm.items) if (get(m, 'mountPropagation')) props.push(at(get(m, 'mountPropagation')));
    }
    expect(props).toEqual(expect.arrayContaining([`${file}:114`, `${file}:141`]));
  });
});

describe('origins through an overlay with patches (over the real sigtom base)', () => {
  let tmp: string;
  let overlay: string;
  const base = path.join(REAL, 'sigtom__wow-ocp', 'apps', 'managers', 'base');

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'medialint-kustomize-'));
    overlay = path.join(tmp, 'overlay');
    mkdirSync(overlay);
    writeFileSync(
      path.join(overlay, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: media',
        'namePrefix: prod-',
        'resources:',
        `- ${path.relative(overlay, base).split(path.sep).join('/')}`,
        'patches:',
        '- path: propagation.yaml',
        '- target:',
        '    kind: Deployment',
        '    name: sonarr',
        '  patch: |-',
        '    - op: replace',
        '      path: /spec/template/spec/containers/0/image',
        '      value: docker.io/rclone/rclone:1.68',
        'images:',
        '- name: lscr.io/linuxserver/bazarr',
        '  newTag: "1.4.0"',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(overlay, 'propagation.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: bazarr',
        '  namespace: media-stack',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '      - name: bazarr',
        '        volumeMounts:',
        '        - mountPath: /mnt/media',
        '          mountPropagation: None',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('points patched values at the patch, the rest at the base, generated values at the kustomization', () => {
    const r = render(overlay, opts);
    expect(r.findings).toEqual([]);
    const k = display(path.join(overlay, 'kustomization.yaml'));
    const patch = display(path.join(overlay, 'propagation.yaml'));
    const bazarrFile = display(path.join(base, 'bazarr.yaml'));
    const bazarr = byName(r.resources, 'Deployment', 'prod-bazarr');
    const app = container(bazarr, 'bazarr');
    // Strategic merge patch from a file.
    expect(str(get(mount(app, '/mnt/media'), 'mountPropagation'))).toBe('None');
    expect(at(get(mount(app, '/mnt/media'), 'mountPropagation'))).toBe(`${patch}:13`);
    // The rest of that mount still comes from the base.
    expect(at(get(mount(app, '/mnt/media'), 'name'))).toBe(`${bazarrFile}:109`);
    // An untouched sidecar keeps its base line.
    expect(at(get(mount(container(bazarr, 'rclone-zurg'), '/mnt/media'), 'mountPropagation'))).toBe(`${bazarrFile}:61`);
    // images: newTag comes from the kustomization line that set it.
    expect(str(get(app, 'image'))).toBe('lscr.io/linuxserver/bazarr:1.4.0');
    expect(at(get(app, 'image'))).toBe(`${k}:18`);
    // namespace and namePrefix.
    expect(at(get(bazarr, 'metadata', 'namespace'))).toBe(`${k}:3`);
    expect(at(get(bazarr, 'metadata', 'name'))).toBe(`${k}:4`);
    // Inline JSON 6902 patch: the value's line inside the kustomization.
    const sonarr = byName(r.resources, 'Deployment', 'prod-sonarr');
    const first = (get(sonarr, 'spec', 'template', 'spec', 'containers') as { items: YNode[] }).items[0]!;
    expect(str(get(first, 'image'))).toBe('docker.io/rclone/rclone:1.68');
    expect(at(get(first, 'image'))).toBe(`${k}:15`);
    expect(get(first, 'image')!.loc!.col).toBe(14);
  });

  it('prints origins as comments that do not change the YAML', () => {
    const plain = renderText(overlay, opts).text;
    const withOrigins = renderText(overlay, { ...opts, origins: true }).text;
    expect(withOrigins).not.toBe(plain);
    expect(withOrigins).toMatch(/mountPropagation: None # .*propagation\.yaml:13/);
    expect(withOrigins).toMatch(/^# .*bazarr\.yaml:\d+$/m);
    const js = (t: string) => parseAllDocuments(t).map((d) => d.toJS());
    expect(js(withOrigins)).toEqual(js(plain));
  });
});

// bjw-s app-template releases (src/apptemplate): directory cases under fixtures/apptemplate/
// (the rules harness only walks fixtures/<rule-id>/), each linted with every rule:
//   <case>/expected.txt          every finding, `file:line:col severity rule message` (UPDATE=1 rewrites)
//   <case>/<file>.fixed.yaml     byte-exact result of --fix (all rules) on <file>.yaml; after it the
//                                fixed rules no longer fire and a second --fix changes nothing
//   <case>/<file>.suggested.yaml byte-exact result of --fix --suggestions for the one rule a test names
//   <case>/case.json (optional)  {"appTemplateValues": [...]} for plain values files,
//                                {"unfixable": [rule…]}: fixes of these rules may be refused
// and model checks: what the chart makes of each value, and where its nodes point.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { ROOT, findingLines } from './helpers.js';
import { lintPaths, lintFiles, type LintOptions } from '../src/engine/lint.js';
import { defaultConfig, type Config } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';
import { fixFiles } from '../src/fix/apply.js';
import { main, type Io } from '../src/cli/main.js';
import type { Finding } from '../src/engine/finding.js';
import type { Container, Model, Workload } from '../src/model/types.js';
import { envsubst } from '../src/apptemplate/flux.js';
import { shortenName } from '../src/apptemplate/index.js';

const DIR = path.join(ROOT, 'fixtures', 'apptemplate');
const UPDATE = !!process.env.UPDATE;

interface CaseConfig {
  appTemplateValues?: string[];
  unfixable?: string[];
}

function caseConfig(cdir: string): CaseConfig {
  const f = path.join(cdir, 'case.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as CaseConfig) : {};
}

function options(cdir: string, config: Config = defaultConfig()): LintOptions {
  config.ignore.push('**/*.fixed.yaml', '**/*.suggested.yaml'); // expected --fix outputs, not inputs
  return { cwd: cdir, config, rules: RULES, appTemplateValues: caseConfig(cdir).appTemplateValues };
}

function lintCase(cdir: string, config?: Config) {
  return lintPaths(['.'], options(cdir, config));
}

/** All YAML files of a case, relative to it (fixed outputs and expectations aside). */
function yamlFiles(cdir: string, sub = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(cdir, sub))) {
    const rel = sub ? `${sub}/${e}` : e;
    if (statSync(path.join(cdir, rel)).isDirectory()) out.push(...yamlFiles(cdir, rel));
    else if (/\.ya?ml$/.test(e) && !/\.(fixed|suggested)\.ya?ml$/.test(e)) out.push(rel);
  }
  return out.sort();
}

/** --fix in memory over every file of the case (what runFix does, without writing). */
async function fixCase(cdir: string, texts: Map<string, string>) {
  const opts = options(cdir);
  const enc = new TextEncoder();
  const abs = [...texts.keys()].map((f) => path.resolve(cdir, f));
  const lint = (files: Map<string, string>): Finding[] => lintFiles(abs, {
    ...opts,
    readFile: (a) => {
      const t = files.get(path.relative(cdir, a).split(path.sep).join('/'));
      return t === undefined ? undefined : enc.encode(t);
    },
  }).findings;
  return fixFiles({ files: texts, lint, suggestions: false });
}

const cases = existsSync(DIR) ? readdirSync(DIR).filter((d) => statSync(path.join(DIR, d)).isDirectory()).sort() : [];

describe.each(cases)('fixtures/apptemplate/%s', (c) => {
  const cdir = path.join(DIR, c);

  it('reports exactly expected.txt', () => {
    const r = lintCase(cdir);
    expect(r.errors).toEqual([]);
    const got = findingLines(r.findings);
    const file = path.join(cdir, 'expected.txt');
    if (UPDATE) writeFileSync(file, got.join('\n') + (got.length ? '\n' : ''));
    expect(got).toEqual(readFileSync(file, 'utf8').split('\n').filter(Boolean));
  });

  const files = yamlFiles(cdir);
  const fixed = files.filter((f) => existsSync(path.join(cdir, f.replace(/\.ya?ml$/, '.fixed.yaml'))));
  if (fixed.length) {
    it(`--fix gives ${fixed.map((f) => f.replace(/\.ya?ml$/, '.fixed.yaml')).join(', ')}`, async () => {
      const texts = new Map(files.map((f) => [f, readFileSync(path.join(cdir, f), 'utf8')]));
      const before = lintCase(cdir).findings.filter((f) => f.fix);
      expect(before.length).toBeGreaterThan(0);
      const once = await fixCase(cdir, texts);
      const unfixable = caseConfig(cdir).unfixable ?? [];
      expect(once.problems.filter((p) => !unfixable.some((r) => p.includes(`: ${r}: `)))).toEqual([]);
      for (const f of fixed) {
        const out = path.join(cdir, f.replace(/\.ya?ml$/, '.fixed.yaml'));
        const text = once.files.get(f) ?? texts.get(f)!;
        if (UPDATE) writeFileSync(out, text);
        expect(text).toBe(readFileSync(out, 'utf8'));
        expect(text).not.toBe(texts.get(f));
        // Comments survive: every comment line of the input is still there.
        for (const line of texts.get(f)!.split('\n').filter((l) => /^\s*#/.test(l))) expect(text).toContain(line);
      }
      // What was fixed is gone, and a second --fix changes nothing.
      const fixedPlaces = new Set(before.filter((f) => !unfixable.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.loc.file}:${f.loc.line}`));
      expect(once.remaining.filter((f) => fixedPlaces.has(`${f.ruleId} ${f.loc.file}:${f.loc.line}`)).map((f) => `${f.ruleId} ${f.loc.file}:${f.loc.line}`)).toEqual([]);
      const next = new Map(texts);
      for (const [f, t] of once.files) next.set(f, t);
      const twice = await fixCase(cdir, next);
      expect([...twice.files.keys()]).toEqual([]);
    });
  }
});

// ---- the model: what the chart makes of the values ---------------------------------------

function model(c: string): Model {
  return lintCase(path.join(DIR, c)).model;
}

function workload(m: Model, id: string): Workload {
  const w = m.workloads.find((x) => x.id === id);
  if (!w) throw new Error(`no ${id} in ${m.workloads.map((x) => x.id).join(', ')}`);
  return w;
}

function container(w: Workload, name: string): Container {
  const c = w.pod.containers.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name} in ${w.id}`);
  return c;
}

/** `name@mountPath[:propagation][ line N]` for each mount, in order. */
function mounts(c: Container): string[] {
  return c.volumeMounts.map((m) => `${m.name}@${m.mountPath}${m.propagation ? `:${m.propagation}` : ''}${m.subPath ? ` sub=${m.subPath}` : ''}${m.readOnly ? ' ro' : ''} line ${m.node.loc?.line}`);
}

describe('app-template model', () => {
  it('maps an rclone sidecar release: containers, image, args, mounts on the advancedMounts entries', () => {
    const w = workload(model('rclone-sidecar-broken'), 'Deployment/media/sonarr');
    expect(w.strategy.type).toBe('Recreate'); // the chart's Deployment default
    expect(w.pod.containers.map((c) => `${c.sort} ${c.name} ${c.image}`)).toEqual([
      'container app ghcr.io/home-operations/sonarr:4.0.15',
      'container rclone rclone/rclone:1.68.2',
    ]);
    const rclone = container(w, 'rclone');
    expect(rclone.run.mountOps.map((o) => `${o.tool} ${o.source} ${o.target}`)).toEqual(['rclone zurg: /mnt/remote']);
    expect(rclone.imageNode?.value).toBe('1.68.2');
    expect(rclone.limits).toEqual({ memory: '1Gi', cpu: '500m' });
    expect(mounts(rclone)).toEqual(['remote@/mnt/remote line 49']);
    expect(mounts(container(w, 'app'))).toEqual(['remote@/mnt/remote ro line 51']);
    expect(w.pod.labels).toEqual({ 'app.kubernetes.io/controller': 'sonarr', 'app.kubernetes.io/name': 'sonarr', 'app.kubernetes.io/instance': 'sonarr' });
  });
});

describe('app-template model: persistence', () => {
  const w = () => workload(model('persistence-types'), 'Deployment/media/sonarr');

  it('maps each persistence type to its volume', () => {
    expect(w().pod.volumes.map((v) => `${v.name} ${v.type} ${v.medium ?? ''}${v.hostPath ?? ''}${v.claimName ?? ''}${v.nfs ? `${v.nfs.server}:${v.nfs.path}` : ''}`)).toEqual([
      'config persistentVolumeClaim sonarr', // made by the chart: one PVC, named after the release
      'downloads persistentVolumeClaim downloads',
      'fuse hostPath /dev/fuse',
      'library nfs nas.storage.svc.cluster.local:/export/media',
      'rclone-conf secret ',
      'remote emptyDir ', // custom: the volumeSpec's own source
      'settings configMap ',
      'shm emptyDir Memory',
    ]);
    const pvc = model('persistence-types').pvcs.map((p) => `${p.name} ${p.namespace}`);
    expect(pvc).toEqual(['sonarr media']);
  });

  it('points hostPath path/type and nfs server/path at the item\'s own keys', () => {
    const fuse = w().pod.volumes.find((v) => v.name === 'fuse')!;
    expect(fuse.typeNode?.items.map((p) => `${p.key}=${(p.value as { value: unknown }).value}@${p.value.loc?.line}`)).toEqual(['path=/dev/fuse@80', 'type=CharDevice@81']);
    const lib = w().pod.volumes.find((v) => v.name === 'library')!;
    expect([lib.nfs?.serverNode?.loc?.line, lib.nfs?.pathNode?.loc?.line]).toEqual([61, 62]);
  });

  it('mounts globalMounts everywhere, advancedMounts where named, the rest at /<item> (hostPath: at the host path)', () => {
    expect(mounts(container(w(), 'app'))).toEqual([
      'config@/config line 67', // no mounts configured: the item's key
      'downloads@/downloads:HostToContainer line 56',
      'library@/media ro line 64',
      'remote@/mnt/remote:HostToContainer line 45',
      'settings@/config/config.xml sub=config.xml ro line 92',
      'shm@/dev/shm line 77',
    ]);
    expect(mounts(container(w(), 'rclone-zurg'))).toEqual([
      'config@/config line 67',
      'fuse@/dev/fuse line 84', // `{}`: the default path of a hostPath item is its host path
      'library@/media ro line 64',
      'rclone-conf@/config/rclone line 101',
      'remote@/mnt/remote:Bidirectional line 42',
      'shm@/dev/shm line 77',
    ]);
  });

  it('labels v3 pods with app.kubernetes.io/component', () => {
    expect(w().pod.labels['app.kubernetes.io/component']).toBe('sonarr');
  });
});

describe('app-template model: mount scopes', () => {
  const m = () => model('mount-scopes');

  it('names controllers <release>-<id> when there are several (the release name alone for the one named like it)', () => {
    expect(m().workloads.map((x) => x.id).sort()).toEqual(['Deployment/-/sonarr', 'Deployment/-/sonarr-radarr']);
  });

  it('scopes advancedMounts to one controller and container; an entry without path takes the one before', () => {
    const sonarr = workload(m(), 'Deployment/-/sonarr');
    const radarr = workload(m(), 'Deployment/-/sonarr-radarr');
    expect(mounts(container(sonarr, 'rclone'))).toEqual(['cache@/cache line 45', 'cache@/cache sub=vfs line 46', 'remote@/mnt/remote line 37', 'tmp-scratch@/tmp-scratch line 48']);
    expect(mounts(container(sonarr, 'app'))).toEqual(['remote@/mnt/remote line 37', 'tmp-scratch@/tmp-scratch line 48']);
    expect(radarr.pod.volumes.map((v) => v.name)).toEqual(['remote', 'tmp-scratch']); // no advancedMounts for radarr: no cache volume
    expect(mounts(container(radarr, 'app'))).toEqual(['remote@/mnt/remote line 37', 'tmp-scratch@/tmp-scratch line 48']);
  });

  it('makes a mount entry that several containers share read-only to fixes, but still points findings at it', () => {
    const sonarr = workload(m(), 'Deployment/-/sonarr');
    const shared = container(sonarr, 'app').volumeMounts.find((x) => x.name === 'remote')!;
    expect(shared.node.loc?.line).toBe(37);
    expect(shared.node.items.every((p) => p.keyLoc === undefined)).toBe(true);
    const own = container(sonarr, 'rclone').volumeMounts.find((x) => x.name === 'cache')!;
    expect(own.node.items[0]?.keyLoc?.line).toBe(45);
  });
});

describe('app-template model: controllers', () => {
  const m = () => model('controller-types');

  it('maps each controller type to its kind, with the chart\'s strategy defaults', () => {
    expect(m().workloads.map((w) => `${w.id} ${w.strategy.type ?? '-'}`).sort()).toEqual([
      'CronJob/media/media-sync -',
      'DaemonSet/media/media-mounter RollingUpdate',
      'Deployment/media/media-gateway RollingUpdate',
      'Job/media/media-backup -',
      'StatefulSet/media/media-db RollingUpdate',
    ]);
  });

  it('mounts a StatefulSet volumeClaimTemplate through its advancedMounts', () => {
    const db = workload(m(), 'StatefulSet/media/media-db');
    expect(db.pod.volumes.map((v) => `${v.name} ${v.type} ${v.claimName}`)).toEqual(['data persistentVolumeClaim data']);
    expect(mounts(container(db, 'app'))).toEqual(['data@/data line 53']);
  });

  it('takes pod options from the controller\'s pod over defaultPodOptions', () => {
    const job = workload(m(), 'Job/media/media-backup');
    expect(job.pod.selection.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'node-1' });
    expect(job.pod.runAsUser).toBe(1000);
    const sync = workload(m(), 'CronJob/media/media-sync');
    expect(sync.pod.containers.map((c) => `${c.sort} ${c.name} ${c.index}`)).toEqual(['init mount 0', 'container app 0']);
  });
});

describe('app-template model: options', () => {
  const w = () => workload(model('options'), 'Deployment/media/arr-stack');

  it('uses spec.releaseName, skips disabled controllers, containers and items; maps v5 ephemeral and image items', () => {
    expect(model('options').workloads.map((x) => x.id)).toEqual(['Deployment/media/arr-stack']);
    expect(w().pod.volumes.map((v) => `${v.name} ${v.type}`)).toEqual(['models other', 'scratch ephemeral']); // v5 types; `gone` is off
    expect(w().pod.containers.map((c) => c.name)).toEqual(['arr-stack-a', 'z-first']); // dependsOn, then key order; nameOverride templated
  });

  it('merges defaultPodOptions into the pod options (defaultPodOptionsStrategy: merge)', () => {
    expect(w().pod.hostNetwork).toBe(true);
    expect(w().pod.runAsUser).toBe(0);
    expect(w().pod.runAsGroup).toBe(1000);
    expect(w().pod.labels.team).toBe('media');
    expect(w().pod.selection.affinityNode?.loc?.line).toBe(28); // defaultPodOptions.affinity: the pod sets none
  });

  it('applies defaultContainerOptions where a container has no value of its own', () => {
    const [a, z] = w().pod.containers;
    expect([a!.privileged, z!.privileged]).toEqual([false, true]);
    expect([a!.limits, z!.limits]).toEqual([{ cpu: '500m', memory: '1Gi' }, { cpu: '500m', memory: '1Gi' }]);
    expect(z!.resourcesNode?.loc?.line).toBe(44); // the default's own line
  });

  it('reads image strings and digests, string commands, command probes and map env (v5)', () => {
    const [a, z] = w().pod.containers;
    expect(a!.image).toBe('rclone/rclone@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
    expect(z!.image).toBe('docker.io/rclone/rclone:1.68.2');
    expect(z!.commandNode?.items.map((x) => (x as { value: unknown }).value)).toEqual(['rclone rcd --rc-addr=:5572']);
    expect(a!.livenessProbe?.exec).toEqual(['stat', '/mnt/remote']);
    expect(a!.readinessProbe?.node.items.map((p) => p.key)).toEqual(['tcpSocket']);
    expect(a!.startupProbe).toBeUndefined();
    // env in Kubernetes shape on the container node: FUSERMOUNT3PROXY_* marks an fd-passing container.
    const env = a!.node.items.find((p) => p.key === 'env')!.value;
    expect(env.kind === 'seq' && env.items.length).toBe(2);
  });
});

describe('app-template recognition', () => {
  it('reads only app-template releases: by chart name, chartRef to its OCIRepository, or the schema comment', () => {
    const m = model('recognition');
    expect(m.workloads.map((w) => `${w.id} ${w.resource.file}`)).toEqual(['Deployment/-/zurg schema-comment.yaml']);
    expect(m.services.map((s) => `${s.name} ${JSON.stringify(s.selector)} ${s.ports.map((p) => `${p.port}->${p.targetPort}`)}`)).toEqual([
      'zurg {"app.kubernetes.io/name":"zurg","app.kubernetes.io/instance":"zurg","app.kubernetes.io/controller":"zurg"} 9999->9999',
    ]);
  });

  it('follows a chartRef to an OCIRepository of app-template through kustomize, with origins in the base files', () => {
    const m = model('flux-kustomize');
    expect(m.workloads.map((w) => `${w.id} ${w.resource.file} ${w.resource.root}`)).toEqual(['Deployment/-/sonarr app/helmrelease.yaml overlays/prod']);
  });

  it('releases a --app-template-values file under its name', () => {
    const m = model('values-file');
    expect(m.workloads.map((w) => `${w.id} ${w.resource.file}`)).toEqual(['Deployment/-/sonarr sonarr.values.yaml']);
  });
});

describe('--app-template-values on the command line', () => {
  async function run(args: string[], cwd: string) {
    let stdout = '';
    let stderr = '';
    const io: Io = { cwd, stdout: (x) => { stdout += x; }, stderr: (x) => { stderr += x; }, stdin: () => '', env: {}, isTTY: false };
    return { code: await main(args, io), stdout, stderr };
  }
  const cwd = path.join(DIR, 'values-file');

  it('lints the values file as a release and reports on its lines', async () => {
    const r = await run(['--app-template-values', 'sonarr.values.yaml', '-f', 'json', 'sonarr.values.yaml'], cwd);
    expect(r.code).toBe(1);
    const files = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; line: number }[] }[];
    const msgs = files.flatMap((f) => f.messages.map((m) => `${path.basename(f.filePath)}:${m.line} ${m.ruleId}`));
    expect(msgs).toContain('sonarr.values.yaml:38 invalid-mount-propagation');
  });

  it('fixes the values file (--fix-dry-run prints the diff)', async () => {
    const r = await run(['--app-template-values', 'sonarr.values.yaml', '--fix-dry-run', 'sonarr.values.yaml'], cwd);
    expect(r.stdout).toContain('+            mountPropagation: Bidirectional # wrong case: the API server rejects it');
    expect(r.stdout).toContain('--rc-addr=localhost:5573');
  });

  it('says when the file cannot be read', async () => {
    const r = await run(['--app-template-values', 'missing.yaml', 'sonarr.values.yaml'], cwd);
    expect(r.stderr).toContain('missing.yaml: cannot be read (--app-template-values)');
  });
});

// ---- Flux around the values: valuesFrom, post-build substitution, targetNamespace ----------

/** Lint files given as texts (no kustomization among them), under a directory that does not exist. */
function lintTexts(files: Record<string, string>) {
  const cwd = path.join(ROOT, '.virtual-apptemplate');
  const enc = new TextEncoder();
  return lintFiles(Object.keys(files).map((f) => path.join(cwd, f)), {
    cwd, config: defaultConfig(), rules: RULES,
    readFile: (a) => {
      const t = files[path.relative(cwd, a).split(path.sep).join('/')];
      return t === undefined ? undefined : enc.encode(t);
    },
  });
}

const HR = (name: string, extra: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ${name}, namespace: media}
spec:
  chart: {spec: {chart: app-template, version: 4.1.1}}
${extra}`;

const CM = (name: string, ns: string, values: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}, namespace: ${ns}}
data:
  values.yaml: ${values}
`;

const APP_VALUES = JSON.stringify('controllers: {app: {containers: {app: {image: {repository: rclone/rclone, tag: 1.68.2}}}}}');

describe('app-template valuesFrom', () => {
  it('merges the ConfigMap\'s values in order under spec.values, which wins, keeping their places in the ConfigMap', () => {
    const w = workload(model('values-from'), 'Deployment/media/sonarr');
    const rclone = container(w, 'rclone');
    expect(rclone.privileged).toBe(true); // spec.values over the ConfigMap's `privileged: false`
    expect(rclone.privilegedNode?.loc?.file).toBe('helmrelease.yaml');
    // tuning.yaml (the later reference) replaces the args list of values.yaml: lists are not merged
    expect(rclone.argsNode?.items.map((x) => (x as { value: unknown }).value).at(-1)).toBe('--vfs-cache-mode=full');
    expect(rclone.argsNode?.loc && `${rclone.argsNode.loc.file}:${rclone.argsNode.loc.line}`).toBe('configmap.yaml:46');
    expect(rclone.imageNode && `${rclone.imageNode.value} ${rclone.imageNode.loc?.file}:${rclone.imageNode.loc?.line}:${rclone.imageNode.loc?.col}`).toBe('1.68.2 configmap.yaml:21:20');
    expect(rclone.limits).toEqual({ memory: '1Gi', cpu: '500m' });
    expect(mounts(rclone)).toEqual(['remote@/mnt/remote:Bidirectional line 35']);
    expect(mounts(container(w, 'app'))).toEqual(['remote@/mnt/remote ro line 38']);
    expect(w.pod.volumes.map((v) => `${v.name} ${v.type} ${v.medium} ${v.node.loc?.file}:${v.node.loc?.line}`)).toEqual(['remote emptyDir Memory configmap.yaml:30']);
  });

  it('reads a kustomize configMapGenerator\'s file where it is written', () => {
    const w = workload(model('values-from-generator'), 'Deployment/media/radarr');
    const rclone = container(w, 'rclone');
    expect(rclone.volumeMounts.map((m) => `${m.propagation} ${m.propagationNode?.loc?.file}:${m.propagationNode?.loc?.line}`)).toEqual(['bidirectional values.yaml:26']);
    expect(rclone.imageNode?.loc?.file).toBe('values.yaml');
  });

  it('looks in the HelmRelease\'s namespace, takes valuesKey, skips targetPath, and matches a generator\'s hashed name', () => {
    const ref = (name: string, more = '') => `  valuesFrom:\n    - {kind: ConfigMap, name: ${name}${more}}\n`;
    const ids = (files: Record<string, string>) => lintTexts(files).model.workloads.map((x) => x.id);
    expect(ids({ 'a.yaml': HR('a', ref('vals')), 'cm.yaml': CM('vals', 'media', APP_VALUES) })).toEqual(['Deployment/media/a']);
    expect(ids({ 'a.yaml': HR('a', ref('vals')), 'cm.yaml': CM('vals', 'other', APP_VALUES) })).toEqual([]); // not in its namespace: no values
    expect(ids({ 'a.yaml': HR('a', ref('vals')), 'cm.yaml': CM('vals-5f7k8h2c9m', 'media', APP_VALUES) })).toEqual(['Deployment/media/a']);
    expect(ids({ 'a.yaml': HR('a', ref('vals', ', valuesKey: other.yaml')), 'cm.yaml': CM('vals', 'media', APP_VALUES) })).toEqual([]);
    expect(ids({ 'a.yaml': HR('a', ref('vals', ', targetPath: controllers')), 'cm.yaml': CM('vals', 'media', APP_VALUES) })).toEqual([]);
  });

  it('merges a value it cannot place in the text (a quoted string) without places: no fix can touch it', () => {
    const r = lintTexts({ 'a.yaml': HR('a', '  valuesFrom:\n    - {kind: ConfigMap, name: vals}\n'), 'cm.yaml': CM('vals', 'media', APP_VALUES) });
    const c = container(workload(r.model, 'Deployment/media/a'), 'app');
    expect(c.image).toBe('rclone/rclone:1.68.2');
    expect(c.imageNode?.loc).toBeUndefined();
  });
});

describe('Flux post-build substitution', () => {
  const m = () => model('substitution');
  const paths = (id: string) => workload(m(), id).pod.containers[0]!.volumeMounts.map((x) => x.mountPath);
  const server = (id: string) => workload(m(), id).pod.volumes[0]!.nfs?.server;

  it('fills variables from the Flux Kustomization whose path ends with the release\'s directory', () => {
    expect(paths('Deployment/media/sonarr')).toEqual(['/media']); // substitute, over cluster-settings' MEDIA_PATH
    expect(server('Deployment/media/sonarr')).toBe('nas.lan'); // substituteFrom: ConfigMap cluster-settings
    expect(server('Deployment/media/lidarr')).toBe('nas.lan'); // ${NFS_SERVER:-nas.example}: set, so not the default
  });

  it('models ${VAR:=default} as the default and keeps an unknown ${VAR} as it is (a path no rule compares)', () => {
    expect(paths('Deployment/media/lidarr')).toEqual(['/data']);
    expect(paths('Deployment/media/radarr')).toEqual(['${RADARR_MEDIA}']);
    // consistent-mount-paths: lidarr's /data is reported, radarr's unknown path is not (expected.txt)
    expect(findingLines(lintCase(path.join(DIR, 'substitution')).findings).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'apps/media/lidarr.yaml:30:19 warning consistent-mount-paths',
    ]);
  });

  it('substitutes like envsubst under Flux', () => {
    const vars = new Map([['A', 'a'], ['EMPTY', '']]);
    expect(envsubst('${A}/${B}', vars)).toBe('a/${B}');
    expect(envsubst('${B:=/media}/x ${B:-d} ${B=e} ${B-f}', vars)).toBe('/media/x d e f');
    expect(envsubst('${EMPTY:=d}|${EMPTY:-d}|${EMPTY=d}|${EMPTY-d}', vars)).toBe('d|d||');
    expect(envsubst('$${A} $A ${A}', vars)).toBe('${A} $A a');
  });

  it('applies defaults without a Flux Kustomization, and nothing under the opt-out annotation', () => {
    const values = '  values:\n    controllers: {a: {containers: {app: {image: {repository: x, tag: "1"}}}}}\n    persistence:\n      cache: {type: emptyDir, globalMounts: [{path: "${CACHE:=/cache}"}]}\n';
    const mountOf = (text: string) => lintTexts({ 'a.yaml': text }).model.workloads[0]!.pod.containers[0]!.volumeMounts[0]!.mountPath;
    expect(mountOf(HR('a', values))).toBe('/cache');
    expect(mountOf(HR('a', values).replace('namespace: media}', 'namespace: media, annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}}'))).toBe('${CACHE:=/cache}');
  });
});

describe('Flux around the values: more cases', () => {
  const values = '  values:\n    controllers: {a: {containers: {app: {image: {repository: x, tag: "1"}}}}}\n    persistence:\n      cache: {type: emptyDir, globalMounts: [{path: "${CACHE}"}]}\n';
  const ks = (p: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec: {path: ${p}, postBuild: {substitute: {CACHE: /from-ks}}}
`;
  const mountOf = (files: Record<string, string>) => lintTexts(files).model.workloads[0]!.pod.containers[0]!.volumeMounts[0]!.mountPath;

  it('takes a Flux Kustomization of an ancestor directory for a file no kustomization renders; the deepest wins', () => {
    expect(mountOf({ 'cluster/apps/media/a.yaml': HR('a', values), 'ks.yaml': ks('./cluster/apps') })).toBe('/from-ks');
    expect(mountOf({ 'cluster/apps/media/a.yaml': HR('a', values), 'ks.yaml': ks('./cluster/apps'), 'ks2.yaml': ks('./cluster/apps/media').replace('/from-ks', '/deeper').replace('name: apps', 'name: media') })).toBe('/deeper');
    expect(mountOf({ 'cluster/apps/media/a.yaml': HR('a', values), 'ks.yaml': ks('./cluster/other') })).toBe('${CACHE}');
  });

  it('reads a Secret\'s plain stringData as values', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: vals, namespace: media}\nstringData:\n  values.yaml: |\n    controllers: {s: {containers: {app: {image: {repository: x, tag: "2"}}}}}\n';
    const w = lintTexts({ 'a.yaml': HR('a', '  valuesFrom: [{kind: Secret, name: vals}]\n'), 's.yaml': secret }).model.workloads;
    expect(w.map((x) => `${x.id} ${x.pod.containers[0]!.imageNode?.loc?.file}:${x.pod.containers[0]!.imageNode?.loc?.line}`)).toEqual(['Deployment/media/a s.yaml:6']);
  });
});

describe('HelmRelease targetNamespace', () => {
  it('releases into spec.targetNamespace, named [targetNamespace-]name, and matches claims and Services there', () => {
    const m = model('target-namespace');
    expect(m.workloads.map((w) => w.id).sort()).toEqual(['Deployment/flux-system/radarr', 'Deployment/media/media-sonarr', 'Deployment/media/plex']);
    expect(m.services.map((s) => `${s.namespace}/${s.name}`).sort()).toEqual(['flux-system/radarr', 'media/media-sonarr']);
    // sonarr shares Plex's claim in media (consistent-mount-paths compares them); radarr, in flux-system, has none
    expect(findingLines(lintCase(path.join(DIR, 'target-namespace')).findings).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'sonarr.yaml:36:19 warning consistent-mount-paths',
    ]);
  });

  it('shortens a release name over 53 characters as helm-controller does', () => {
    expect(shortenName('media-sonarr')).toBe('media-sonarr');
    const long = 'some-front-appended-namespace-release-with-a-long-name-x';
    // the first 40 characters, '-', the first 12 hex digits of the name's SHA-256: 53 in all
    expect(shortenName(long)).toBe(`some-front-appended-namespace-release-wi-${createHash('sha256').update(long).digest('hex').slice(0, 12)}`);
    expect(shortenName(long)).toHaveLength(53);
  });
});

describe('mounter-liveness-probe on app-template values', () => {
  it('suggests probes.liveness (enabled, custom, spec), into the container\'s own probes when it has some', async () => {
    const cdir = path.join(DIR, 'liveness-suggestion');
    const f = 'helmrelease.yaml';
    const texts = new Map([[f, readFileSync(path.join(cdir, f), 'utf8')]]);
    const enc = new TextEncoder();
    const rules = RULES.filter((r) => r.id === 'mounter-liveness-probe');
    const lint = (files: Map<string, string>) => lintFiles([path.join(cdir, f)], {
      cwd: cdir, config: defaultConfig(), rules, readFile: (a) => enc.encode(files.get(path.relative(cdir, a))!),
    }).findings;
    const before = lint(texts);
    expect(before.map((x) => x.suggestions?.[0]?.description)).toEqual([
      'add probes.liveness on /mnt/remote/zurg to "zurg"',
      'add probes.liveness on /mnt/remote/torbox to "torbox"',
    ]);
    const r = await fixFiles({ files: texts, lint, suggestions: true });
    expect(r.problems).toEqual([]);
    const out = path.join(cdir, 'helmrelease.suggested.yaml');
    if (UPDATE) writeFileSync(out, r.files.get(f)!);
    expect(r.files.get(f)).toBe(readFileSync(out, 'utf8'));
    expect(r.remaining).toEqual([]); // the probes it wrote are read back as liveness probes that check the mount
  });
});

// bjw-s app-template releases (src/apptemplate): directory cases under fixtures/apptemplate/
// (the rules harness only walks fixtures/<rule-id>/), each linted with every rule:
//   <case>/expected.txt          every finding, `file:line:col severity rule message` (UPDATE=1 rewrites)
//   <case>/<file>.fixed.yaml     byte-exact result of --fix (all rules) on <file>.yaml; after it the
//                                fixed rules no longer fire and a second --fix changes nothing
//   <case>/case.json (optional)  {"appTemplateValues": [...]} for plain values files,
//                                {"unfixable": [rule…]}: fixes of these rules may be refused
// and model checks: what the chart makes of each value, and where its nodes point.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, findingLines } from './helpers.js';
import { lintPaths, lintFiles, type LintOptions } from '../src/engine/lint.js';
import { defaultConfig, type Config } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';
import { fixFiles } from '../src/fix/apply.js';
import { main, type Io } from '../src/cli/main.js';
import type { Finding } from '../src/engine/finding.js';
import type { Container, Model, Workload } from '../src/model/types.js';

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
  config.ignore.push('**/*.fixed.yaml'); // expected --fix outputs, not inputs
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
    else if (/\.ya?ml$/.test(e) && !/\.fixed\.ya?ml$/.test(e)) out.push(rel);
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

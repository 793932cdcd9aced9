// --fix --suggestions on bjw-s app-template releases: every fix and suggestion medialint offers
// on values must be one it can apply, written in the chart's values shape.
//   - each fixtures/apptemplate/<case>, copied to a temporary directory, through the CLI
//     (`medialint --fix --suggestions .`): no "not applied" at all, every changed file parses
//     without duplicate keys, and every finding that offered a fix or suggestion is gone;
//   - fixtures/apptemplate/values-shaped/<file>.suggested.yaml: the byte-exact result of
//     --fix --suggestions of the one rule named below on <file>.yaml (UPDATE=1 rewrites).
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers.js';
import { lintFiles, lintPaths } from '../src/engine/lint.js';
import { defaultConfig } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';
import { duplicateKeys, fixFiles, parses } from '../src/fix/apply.js';
import { main, type Io } from '../src/cli/main.js';
import type { Finding } from '../src/engine/finding.js';

const DIR = path.join(ROOT, 'fixtures', 'apptemplate');
const UPDATE = !!process.env.UPDATE;
const cases = readdirSync(DIR).filter((d) => statSync(path.join(DIR, d)).isDirectory()).sort();

function appTemplateValues(cdir: string): string[] {
  const f = path.join(cdir, 'case.json');
  return existsSync(f) ? ((JSON.parse(readFileSync(f, 'utf8')) as { appTemplateValues?: string[] }).appTemplateValues ?? []) : [];
}

/** A copy of the case without its expected outputs. */
function copyCase(cdir: string): string {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'medialint-at-fix-'));
  cpSync(cdir, tmp, { recursive: true, filter: (src) => !/\.(fixed|suggested)\.ya?ml$/.test(src) && !src.endsWith('expected.txt') });
  return tmp;
}

function yamlFiles(dir: string, sub = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, sub))) {
    const rel = sub ? `${sub}/${e}` : e;
    if (statSync(path.join(dir, rel)).isDirectory()) out.push(...yamlFiles(dir, rel));
    else if (/\.ya?ml$/.test(e)) out.push(rel);
  }
  return out.sort();
}

function lintDir(dir: string, values: string[]) {
  return lintPaths(['.'], { cwd: dir, config: defaultConfig(), rules: RULES, appTemplateValues: values });
}

/** What a finding is about, whatever lines fixes added above it. */
const identity = (f: Finding) => `${f.ruleId} ${f.loc.file} ${f.message}`;

describe.each(cases)('--fix --suggestions on fixtures/apptemplate/%s', (c) => {
  it('applies every fix and suggestion it offers, and they fix what they say', async () => {
    const cdir = path.join(DIR, c);
    const tmp = copyCase(cdir);
    try {
      const values = appTemplateValues(cdir);
      const before = lintDir(tmp, values).findings;
      const offered = before.filter((f) => f.fix || f.suggestions?.length);
      const texts = new Map(yamlFiles(tmp).map((f) => [f, readFileSync(path.join(tmp, f), 'utf8')]));
      let stderr = '';
      const io: Io = { cwd: tmp, stdout: () => {}, stderr: (x) => { stderr += x; }, stdin: () => '', env: {}, isTTY: false };
      await main([...values.flatMap((v) => ['--app-template-values', v]), '--fix', '--suggestions', '.'], io);
      expect(stderr.split('\n').filter((l) => /not applied|undo each other/.test(l))).toEqual([]);
      let changed = 0;
      for (const [f, was] of texts) {
        const now = readFileSync(path.join(tmp, f), 'utf8');
        if (now === was) continue;
        changed++;
        expect(parses(now), f).toBe(true);
        expect(duplicateKeys(now), f).toBe(0);
      }
      expect(changed > 0).toBe(offered.length > 0);
      const after = lintDir(tmp, values);
      expect(after.errors).toEqual([]);
      const left = new Set(after.findings.map(identity));
      expect(offered.map(identity).filter((x) => left.has(x))).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('app-template fixes in the values shape', () => {
  const cdir = path.join(DIR, 'values-shaped');
  const enc = new TextEncoder();
  const RULE: Record<string, { rule: string; description: string }> = {
    'startup-probe.yaml': { rule: 'mount-readiness', description: 'add probes.startup on /mnt/remote/plex to "rclone"' },
    'init-dirs.yaml': { rule: 'mount-point-missing', description: 'add an init-dirs init container (controllers.jellyfin.initContainers.init-dirs) that creates /mnt/remote/jf' },
    'init-dirs-existing.yaml': { rule: 'mount-point-missing', description: 'create /mnt/remote/emby in init container "init-dirs"' },
    'init-probe.yaml': { rule: 'init-container-fields', description: 'remove probes.liveness from "migrate"' },
    'native-sidecar.yaml': {
      rule: 'mount-readiness',
      description: 'make "rclone" a native sidecar (controllers.radarr.initContainers.rclone with restartPolicy: Always, Kubernetes ≥ 1.29) with probes.startup on its mount, so the other containers start after the mount exists',
    },
  };
  it.each(Object.keys(RULE))('%s', async (f) => {
    const { rule, description } = RULE[f]!;
    const texts = new Map([[f, readFileSync(path.join(cdir, f), 'utf8')]]);
    const rules = RULES.filter((r) => r.id === rule);
    const lint = (files: Map<string, string>) => lintFiles([path.join(cdir, f)], {
      cwd: cdir, config: defaultConfig(), rules, readFile: (a) => enc.encode(files.get(path.relative(cdir, a))!),
    }).findings;
    const before = lint(texts);
    expect(before.map((x) => x.fix?.description ?? x.suggestions?.[0]?.description)).toEqual([description]);
    const r = await fixFiles({ files: texts, lint, suggestions: true });
    expect(r.problems).toEqual([]);
    const out = path.join(cdir, f.replace(/\.yaml$/, '.suggested.yaml'));
    if (UPDATE) writeFileSync(out, r.files.get(f)!);
    expect(r.files.get(f)).toBe(readFileSync(out, 'utf8'));
    expect(r.remaining).toEqual([]);
  });

  it('withholds fixes on keys a container takes from defaultContainerOptions (the messages still say what to set)', () => {
    const r = lintDir(cdir, []);
    const found = r.findings.filter((f) => f.loc.file === 'defaults.yaml');
    expect(found.map((f) => f.ruleId).sort()).toEqual([
      'bidirectional-requires-privileged', 'fuse-device-access', 'mount-readiness', 'mounter-liveness-probe', 'mounter-resource-limits', 'stale-mount-cleanup',
    ]);
    for (const f of found) {
      expect(f.fix, f.ruleId).toBeUndefined();
      expect(f.suggestions, f.ruleId).toBeUndefined();
    }
  });

  it('withholds command-word fixes on a command line from defaultContainerOptions (every container of the controller runs it)', () => {
    const release = (where: 'defaults' | 'own') => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: lidarr, namespace: media}
spec:
  chart: {spec: {chart: app-template, version: 4.1.1, sourceRef: {kind: HelmRepository, name: bjw-s}}}
  values:
    controllers:
      lidarr:
${where === 'defaults' ? '        defaultContainerOptions:\n          args: [mount, "music:", /mnt/remote/music]\n' : ''}        containers:
          app:
            image: {repository: ghcr.io/home-operations/lidarr, tag: 2.8.2}
            args: [--nobrowser]
          rclone:
            image: {repository: rclone/rclone, tag: 1.68.2}
            securityContext: {privileged: true}
${where === 'own' ? '            args: [mount, "music:", /mnt/remote/music]\n' : ''}    persistence:
      remote:
        type: emptyDir
        medium: Memory
        advancedMounts:
          lidarr:
            rclone: [{path: /mnt/remote, mountPropagation: Bidirectional}]
            app: [{path: /mnt/remote, mountPropagation: HostToContainer}]
`;
    const allowOther = (where: 'defaults' | 'own') => {
      const text = release(where);
      const r = lintFiles(['/v/hr.yaml'], { cwd: '/v', config: defaultConfig(), rules: RULES, readFile: () => new TextEncoder().encode(text) });
      return r.findings.filter((f) => f.ruleId === 'fuse-allow-other');
    };
    const inherited = allowOther('defaults');
    expect(inherited).toHaveLength(1);
    expect(inherited[0]!.message).toContain('--allow-other');
    expect(inherited[0]!.fix).toBeUndefined();
    expect(inherited[0]!.suggestions).toBeUndefined();
    // Written in the container itself, the same command line gets the fix.
    expect(allowOther('own').map((f) => f.fix?.description)).toEqual(['add --allow-other to the rclone mount of /mnt/remote/music in "rclone"']);
  });

  it('withholds a propagation fix on a mount entry that several containers share (the finding still says what to do)', () => {
    const r = lintDir(path.join(DIR, 'mount-scopes'), []);
    const shared = r.findings.filter((f) => (f.ruleId === 'consumer-host-to-container' || f.ruleId === 'mounter-bidirectional') && f.loc.line === 37);
    expect(shared.length).toBeGreaterThan(0);
    for (const f of shared) {
      expect(f.fix).toBeUndefined();
      expect(f.message).toMatch(/Set mountPropagation/);
    }
  });
});

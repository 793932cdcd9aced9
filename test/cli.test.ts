// The command line as users run it: exit codes, options, formats, subcommands (SPEC §3).
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { RULES } from '../rules/index.js';
import { ROOT, SHARED } from './helpers.js';
import { runMain } from './support/main.js';
import { tmpDir, useTmpDirs } from './support/tmp.js';

const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;

useTmpDirs();

/** main() in process, from the repository root unless told (./support/main.ts). */
function run(args: string[], opts: { cwd?: string; stdin?: string; env?: Record<string, string> } = {}) {
  return runMain(args, { ...opts, cwd: opts.cwd ?? ROOT });
}

const EXAMPLE = 'examples/sonarr-sidecars.yaml';
const GOOD = `apiVersion: v1
kind: Pod
metadata:
  name: plain
spec:
  containers:
    - name: web
      image: nginx:1.27
`;

describe('exit codes', () => {
  it('1 with errors, and the stylish report names file, line and rule', async () => {
    const r = await run([EXAMPLE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('examples/sonarr-sidecars.yaml\n');
    expect(r.stdout).toMatch(/ {2}24:15 {2}error +container "sonarr" of Deployment sonarr reads volume "media"/);
    expect(r.stdout).toMatch(/✖ \d+ problems \(\d+ errors, \d+ warnings, \d+ infos?\)/);
  });
  it('0 on a clean manifest, with no output', async () => {
    const r = await run(['-'], { stdin: GOOD });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });
  it('--max-warnings turns warnings into exit 1', async () => {
    const text = GOOD.replace('spec:\n  containers', 'spec:\n  nodeSelector:\n    kubernetes.io/hostname: node4\n  containers');
    const ok = await run(['-', '-f', 'json'], { stdin: text });
    const warnings = JSON.parse(ok.stdout)[0].warningCount;
    expect(warnings).toBeGreaterThan(0);
    expect(ok.code).toBe(0);
    expect((await run(['-', '--max-warnings', String(warnings)], { stdin: text })).code).toBe(0);
    expect((await run(['-', '--max-warnings', String(warnings - 1)], { stdin: text })).code).toBe(1);
  });
  it('2 with a one-line message for bad usage', async () => {
    for (const args of [['--bogus'], ['-f', 'xml', EXAMPLE], ['--rule', 'nope=error', EXAMPLE], ['--rule', 'consumer-host-to-container=loud', EXAMPLE], ['explain', 'nope'], ['does-not-exist.yaml'], ['--max-warnings', 'x', EXAMPLE]]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
  it('refuses --fix with stdin (exit 2)', async () => {
    const r = await run(['--fix', '-'], { stdin: GOOD });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--fix cannot be used with stdin');
  });
});

describe('options', () => {
  it('--quiet reports errors only', async () => {
    const r = await run([EXAMPLE, '--quiet', '-f', 'json']);
    const sev = JSON.parse(r.stdout).flatMap((f: { messages: { severity: string }[] }) => f.messages.map((m) => m.severity));
    expect(new Set(sev)).toEqual(new Set(['error']));
  });
  it('--rule id=off silences a rule and id=warning downgrades it', async () => {
    const off = await run([EXAMPLE, '--rule', 'consumer-host-to-container=off', '-f', 'json']);
    expect(off.stdout).not.toContain('consumer-host-to-container');
    const warn = await run([EXAMPLE, '--rule', 'consumer-host-to-container=warning', '-f', 'json']);
    const m = JSON.parse(warn.stdout)[0].messages.find((x: { ruleId: string }) => x.ruleId === 'consumer-host-to-container');
    expect(m.severity).toBe('warning');
  });
  it('--stdin-filename names the stream', async () => {
    const r = await run(['-', '--stdin-filename', 'apps/sonarr.yaml'], { stdin: readFileSync(path.join(ROOT, EXAMPLE), 'utf8') });
    expect(r.stdout.startsWith('apps/sonarr.yaml\n')).toBe(true);
  });
  it('-o writes the report to a file', async () => {
    const out = path.join(tmpDir('ml-cli-'), 'report.sarif');
    const r = await run([EXAMPLE, '-f', 'sarif', '-o', out]);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });
  it('JSON carries each fix as concrete text edits', async () => {
    const r = await run([EXAMPLE, '-f', 'json']);
    const m = JSON.parse(r.stdout)[0].messages.find((x: { ruleId: string }) => x.ruleId === 'consumer-host-to-container');
    expect(m.fix.edits).toEqual([{ filePath: 'examples/sonarr-sidecars.yaml', start: expect.any(Number), end: expect.any(Number), text: expect.stringContaining('mountPropagation: HostToContainer') }]);
  });
  it('-v and -h', async () => {
    expect((await run(['-v'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await run(['-h'])).stdout).toContain('Exit codes');
  });
});

describe('subcommands', () => {
  it('rules --format json lists every rule with id, severity, fix kind and summary', async () => {
    const r = await run(['rules', '--format', 'json']);
    const list = JSON.parse(r.stdout);
    expect(list.map((x: { id: string }) => x.id)).toEqual(RULES.map((x) => x.id));
    expect(Object.keys(list[0]).sort()).toEqual(['fix', 'id', 'severity', 'summary']);
  });
  it('explain prints the rule doc', async () => {
    const r = await run(['explain', 'mounter-bidirectional']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('# mounter-bidirectional\n')).toBe(true);
    expect(r.stdout).toContain('## Why');
  });
  it('render prints what kubectl kustomize prints', async () => {
    const dir = path.join(SHARED, 'corpus/kustomize/cases/TestBasicDiamond');
    const root = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')).root as string;
    const r = await run(['render', path.join(dir, 'in', root)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(dir, 'expected.yaml'), 'utf8'));
  });
});

describe('kustomize overlays', () => {
  it('a finding in a base reached through two overlays is reported once, naming both', async () => {
    const cwd = path.join(ROOT, 'fixtures/cli/overlays');
    const r = await run(['.', '-f', 'json'], { cwd });
    const files = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; line: number; overlays?: string[] }[] }[];
    expect(files.map((f) => f.filePath)).toEqual(['base/sonarr.yaml']);
    const c = files[0]!.messages.filter((m) => m.ruleId === 'consumer-host-to-container');
    expect(c).toHaveLength(1);
    expect(c[0]!.line).toBe(23);
    expect(c[0]!.overlays).toEqual(['prod', 'staging']);
  });
});

describe('--kustomize kubectl', () => {
  const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasKubectl)('delegates rendering to kubectl; findings point into the rendered stream', async () => {
    const cwd = path.join(ROOT, 'fixtures/cli/overlays');
    const r = await run(['.', '-f', 'json', '--kustomize', 'kubectl'], { cwd });
    const files = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string }[] }[];
    expect(files.map((f) => f.filePath).sort()).toEqual(['prod (kubectl kustomize output)', 'staging (kubectl kustomize output)']);
    for (const f of files) expect(f.messages.some((m) => m.ruleId === 'consumer-host-to-container')).toBe(true);
  });
  it.skipIf(hasKubectl)('is skipped: kubectl is not installed here', () => {});
});

describe('SARIF over the real corpus', () => {
  it('validates against the vendored SARIF 2.1.0 schema', async () => {
    const cwd = path.join(SHARED, 'corpus/real');
    const r = await run(['.', '-f', 'sarif'], { cwd });
    const sarif = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].automationDetails.id).toContain('/');
    const results = sarif.runs[0].results as { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }[]; partialFingerprints: Record<string, string> }[];
    expect(results.length).toBeGreaterThan(20);
    for (const res of results) {
      const pl = res.locations[0]!.physicalLocation;
      expect(pl.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(pl.artifactLocation.uri.startsWith('/')).toBe(false);
      expect(pl.region.startLine).toBeGreaterThan(0);
      expect(res.partialFingerprints).not.toHaveProperty('primaryLocationLineHash');
    }
  });
});

describe('init', () => {
  it('writes a starter config that medialint accepts', async () => {
    const cwd = tmpDir('ml-init-');
    expect((await run(['init'], { cwd })).code).toBe(0);
    writeFileSync(path.join(cwd, 'p.yaml'), GOOD);
    expect((await run(['p.yaml'], { cwd })).code).toBe(0);
    expect((await run(['init'], { cwd })).code).toBe(2);
  });
});

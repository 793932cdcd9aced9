// The GitHub Action, run as the runner runs it: `node dist/action.js` (the committed bundle;
// scripts/check-dist.sh fails CI when it is stale) with INPUT_* variables (hyphenated names
// kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY pointing at files, GITHUB_WORKSPACE at a
// checkout. Annotations are workflow commands on stdout.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ROOT } from './helpers.js';
import { tmpDir, tmpTree, useTmpDirs } from './support/tmp.js';
import { annotationOf, buildSummary, pickAnnotations } from '../src/action/run.js';
import type { Finding, Severity } from '../src/engine/finding.js';

const BUNDLE = path.join(ROOT, 'dist/action.js');

/** One container per entry, each with an invalid mountPropagation (an error) on line 14 + 6*i. */
function deployment(name: string, containers = 1): string {
  let s = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
`;
  for (let i = 0; i < containers; i++) {
    s += `        - name: c${i}
          image: busybox
          volumeMounts:
            - name: m
              mountPath: /m
              mountPropagation: hostToContainer
`;
  }
  return s + `      volumes:
        - name: m
          emptyDir: {}
`;
}

const GOOD = deployment('good').replace(/hostToContainer/g, 'HostToContainer');
/** Pinned to a node: a no-node-selector warning on line 9, nothing else. */
const WARN = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: pinned
spec:
  template:
    spec:
      nodeSelector:
        kubernetes.io/hostname: node-1
      containers:
        - name: app
          image: busybox
`;

/** An rclone sidecar feeding sonarr, with errors on both sides of the mount. */
const SIDECAR = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: sonarr
  namespace: media
spec:
  template:
    spec:
      containers:
        - name: rclone
          image: rclone/rclone
          args: [mount, "remote:", /mnt/media, --allow-other]
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: Bidirectional
        - name: sonarr
          image: lscr.io/linuxserver/sonarr
          volumeMounts:
            - name: media
              mountPath: /mnt/media
      volumes:
        - name: media
          emptyDir: {}
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

useTmpDirs();

function workspace(files: Record<string, string>): string {
  return tmpTree(files, 'medialint-action-');
}

/** `name<<DELIM\nvalue\nDELIM` records of a GITHUB_OUTPUT file. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m; (m = re.exec(text)); ) out[m[1]!] = m[3]!;
  return out;
}

function runAction(files: Record<string, string>, inputs: Record<string, string>): Run {
  const ws = workspace(files);
  const runnerTemp = tmpDir('medialint-runner-');
  const outFile = path.join(runnerTemp, 'output');
  const summaryFile = path.join(runnerTemp, 'summary');
  writeFileSync(outFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: outFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo/media',
    GITHUB_SHA: 'abc123',
    RUNNER_TEMP: runnerTemp,
  };
  // The runner's defaults from action.yml, then the step's `with:`.
  const defaults = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')).inputs as Record<string, { default?: string }>;
  for (const [k, v] of Object.entries(defaults)) env[`INPUT_${k.toUpperCase()}`] = String(v.default ?? '');
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [BUNDLE], { cwd: ws, env, encoding: 'utf8', timeout: 60_000 });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs: parseOutputs(readFileSync(outFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    workspace: ws,
  };
}

const commands = (stdout: string, level?: string) =>
  stdout.split('\n').filter((l) => (level ? l.startsWith(`::${level} `) || l.startsWith(`::${level}::`) : /^::(error|warning|notice)[ :]/.test(l)));

describe.runIf(existsSync(BUNDLE))('the bundled action (dist/action.js)', () => {
  it('annotates the bad manifest, writes outputs, summary and SARIF, and fails', () => {
    const r = runAction({ 'k8s/bad.yaml': deployment('bad', 2), 'k8s/good.yaml': GOOD }, { paths: 'k8s' });
    expect(r.status).toBe(1);
    const errors = commands(r.stdout, 'error');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^::error title=medialint invalid-mount-propagation,file=k8s\/bad\.yaml,line=14,endLine=14,col=33,endColumn=48::container "c0" of Deployment bad has mountPropagation "hostToContainer"/);
    expect(errors[1]).toMatch(/^::error title=medialint invalid-mount-propagation,file=k8s\/bad\.yaml,line=20,endLine=20,col=33,endColumn=48::container "c1"/);
    expect(errors[0]).toContain('%0Ahttps://github.com/medialint/medialint/blob/main/rules/invalid-mount-propagation.md');
    expect(errors[2]).toBe('::error::medialint found 2 errors (fail-on: error)');
    expect(r.stdout).not.toContain('good.yaml');

    // Without a sarif-file input: medialint.sarif in RUNNER_TEMP.
    expect(r.outputs).toEqual({ errors: '2', warnings: '0', 'sarif-file': expect.stringMatching(/medialint-runner-[^/]+\/medialint\.sarif$/) });
    const sarif = JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) =>
      `${x.locations[0]!.physicalLocation.artifactLocation.uri}:${x.locations[0]!.physicalLocation.region.startLine}`)).toEqual(['k8s/bad.yaml:14', 'k8s/bad.yaml:20']);

    expect(r.summary).toContain('## medialint');
    expect(r.summary).toContain('❌ **2 errors** in 2 files: failed (fail-on: error).');
    expect(r.summary).toContain('| [invalid-mount-propagation](https://github.com/medialint/medialint/blob/main/rules/invalid-mount-propagation.md) | ❌ error | 2 |');
    expect(r.summary).toContain('[`k8s/bad.yaml:14`](https://github.com/octo/media/blob/abc123/k8s/bad.yaml#L14)');
    expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024);
  });

  it('passes on the good manifest, with zero outputs and a short summary', () => {
    const r = runAction({ 'good.yaml': GOOD, 'bad.yaml': deployment('bad') }, { paths: 'good.yaml', 'sarif-file': 'reports/medialint.sarif' });
    expect(r.status).toBe(0);
    expect(commands(r.stdout)).toEqual([]);
    expect(r.outputs).toEqual({ errors: '0', warnings: '0', 'sarif-file': path.join(r.workspace, 'reports/medialint.sarif') });
    expect(JSON.parse(readFileSync(path.join(r.workspace, 'reports/medialint.sarif'), 'utf8')).runs[0].results).toEqual([]);
    expect(r.summary).toContain('✅ No findings in 1 file.');
  });

  it('fail-on: never reports but passes; fail-on: warning fails on warnings', () => {
    const never = runAction({ 'bad.yaml': deployment('bad') }, { 'fail-on': 'never' });
    expect(never.status).toBe(0);
    expect(commands(never.stdout, 'error')).toHaveLength(1);
    expect(never.outputs.errors).toBe('1');

    const warnOnly = { 'pinned.yaml': WARN };
    expect(runAction(warnOnly, {}).status).toBe(0);
    const strict = runAction(warnOnly, { 'fail-on': 'warning' });
    expect(strict.status).toBe(1);
    expect(commands(strict.stdout, 'warning')[0]).toMatch(/^::warning title=medialint no-node-selector,file=pinned\.yaml,line=9,.*::Deployment pinned is pinned/);
    expect(strict.stdout).toContain('::error::medialint found 0 errors and 1 warning (fail-on: warning)');
    expect(strict.outputs).toMatchObject({ errors: '0', warnings: '1' });
  });

  it('annotates at most 10 per level, most severe first, and says how many more', () => {
    const r = runAction({ 'many.yaml': deployment('many', 13), 'pinned.yaml': WARN }, {});
    const errors = commands(r.stdout, 'error').filter((l) => l.includes('title='));
    expect(errors).toHaveLength(10);
    expect(commands(r.stdout, 'warning')).toHaveLength(1);
    const notices = commands(r.stdout, 'notice');
    expect(notices).toEqual(['::notice title=medialint::3 more findings not annotated: GitHub shows at most 10 error, 10 warning and 10 notice annotations per step. All of them are in the job summary and the SARIF file.']);
    // Errors come before the warning on stdout.
    expect(r.stdout.indexOf('::warning ')).toBeGreaterThan(r.stdout.lastIndexOf('::error title='));
    // The summary and the SARIF file have all of them.
    expect(r.summary.match(/^\| ❌ \|/gm)).toHaveLength(13);
    expect(JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8')).runs[0].results).toHaveLength(14);
  });

  it('draws the mount graph of each failing pod in the summary', () => {
    const r = runAction({ 'sonarr.yaml': SIDECAR, 'good.yaml': GOOD }, {});
    expect(r.status).toBe(1);
    const graphs = r.summary.slice(r.summary.indexOf('### Mount graphs of failing pods'));
    expect(graphs).toMatch(/^### Mount graphs of failing pods\n\n#### Deployment\/media\/sonarr\n\n```mermaid\nflowchart LR\n/);
    expect(graphs).toContain('"Deployment/sonarr rclone"');
    expect(graphs).toContain('"Deployment/sonarr sonarr"');
    expect(graphs).toContain('consumer-host-to-container');
    // Only failing pods get a graph.
    expect(graphs).not.toContain('Deployment/-/good');
  });

  it('annotations: false and summary: false turn those off', () => {
    const r = runAction({ 'bad.yaml': deployment('bad') }, { annotations: 'false', summary: 'false' });
    expect(r.status).toBe(1);
    expect(commands(r.stdout).filter((l) => l.includes('title='))).toEqual([]);
    expect(r.summary).toBe('');
    expect(r.outputs.errors).toBe('1');
  });

  it('reads the config (upward, or the config input) and fails with the key path of a bad one', () => {
    const quiet = runAction({ '.medialint.yaml': 'rules: { invalid-mount-propagation: warning }\n', 'bad.yaml': deployment('bad') }, {});
    expect(quiet.status).toBe(0);
    expect(quiet.outputs).toMatchObject({ errors: '0', warnings: '1' });

    const bad = runAction({ 'ci/medialint.yaml': 'rules: { invalid-mount-propagation: loud }\n', 'bad.yaml': deployment('bad') }, { config: 'ci/medialint.yaml' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`::error::medialint: ${path.join(bad.workspace, 'ci/medialint.yaml')}: rules.invalid-mount-propagation: must be one of "error", "warning", "info", "off"`);
  });

  it('refuses a bad input value', () => {
    const r = runAction({ 'bad.yaml': deployment('bad') }, { 'fail-on': 'sometimes' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error::medialint: input fail-on must be one of error, warning, never, got "sometimes"');
  });
});

describe('the bundle', () => {
  it('exists (npm run build writes it; commit dist/)', () => {
    expect(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build and commit dist/`).toBe(true);
  });

  it('action.yml runs it on node24 and declares the inputs and outputs the code reads', () => {
    const a = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    expect(a.runs).toEqual({ using: 'node24', main: 'dist/action.js' });
    expect(Object.keys(a.inputs).sort()).toEqual(['annotations', 'config', 'fail-on', 'kustomize', 'load-restrictor', 'paths', 'sarif-file', 'summary']);
    expect(Object.keys(a.outputs).sort()).toEqual(['errors', 'sarif-file', 'warnings']);
    const src = readFileSync(path.join(ROOT, 'src/action/run.ts'), 'utf8');
    for (const i of Object.keys(a.inputs)) expect(src).toContain(`'${i}'`);
    for (const o of Object.keys(a.outputs)) expect(src).toContain(`setOutput('${o}'`);
  });
});

function finding(severity: Severity, file: string, line: number, message = 'm'): Finding {
  return { ruleId: 'invalid-mount-propagation', severity, message, loc: { file, start: 0, end: 1, line, col: 1, endLine: line, endCol: 2 }, workload: `Deployment/-/${file}` };
}

describe('an annotation', () => {
  it('has file, lines, columns (on one line only), a title, and the docs link', () => {
    const one = annotationOf({ ...finding('info', 'a.yaml', 3, 'msg'), loc: { file: 'a.yaml', start: 0, end: 5, line: 3, col: 7, endLine: 3, endCol: 12 } });
    expect(one).toEqual({
      level: 'notice',
      message: 'msg\nhttps://github.com/medialint/medialint/blob/main/rules/invalid-mount-propagation.md',
      props: { title: 'medialint invalid-mount-propagation', file: 'a.yaml', startLine: 3, endLine: 3, startColumn: 7, endColumn: 12 },
    });
    const two = annotationOf({
      ...finding('error', 'a.yaml', 3, 'msg'), loc: { file: 'a.yaml', start: 0, end: 50, line: 3, col: 7, endLine: 5, endCol: 2 },
      related: [{ loc: { file: 'b.yaml', start: 0, end: 1, line: 9, col: 1, endLine: 9, endCol: 2 }, message: 'the mounter' }], overlays: ['clusters/prod'],
    });
    expect(two.props).toEqual({ title: 'medialint invalid-mount-propagation', file: 'a.yaml', startLine: 3, endLine: 5 });
    expect(two.message).toBe('msg\nsee also: b.yaml:9 the mounter\n(via overlays: clusters/prod)\nhttps://github.com/medialint/medialint/blob/main/rules/invalid-mount-propagation.md');
  });
});

describe('choosing annotations', () => {
  it('prefers the lines the change touched within a level', () => {
    const fs = Array.from({ length: 12 }, (_, i) => finding('error', 'a.yaml', i + 1));
    const changed = new Map([['a.yaml', new Set([11, 12])]]);
    const { shown, omitted } = pickAnnotations(fs, 10, changed);
    expect(shown.map((f) => f.loc.line)).toEqual([11, 12, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(omitted).toBe(2);
  });

  it('keeps a notice slot for the "more" line only when something is left out', () => {
    const notes = Array.from({ length: 10 }, (_, i) => finding('info', 'a.yaml', i + 1));
    expect(pickAnnotations(notes, 10).shown).toHaveLength(10);
    const more = [...notes, finding('error', 'b.yaml', 1), ...Array.from({ length: 11 }, (_, i) => finding('warning', 'c.yaml', i + 1))];
    const { shown, omitted } = pickAnnotations(more, 10);
    expect(shown.filter((f) => f.severity === 'info')).toHaveLength(9);
    expect(shown.filter((f) => f.severity === 'warning')).toHaveLength(10);
    expect(omitted).toBe(2);
  });
});

describe('the job summary', () => {
  it('stays under 1 MiB, listing the most severe findings and counting the rest', () => {
    const long = 'x'.repeat(2000);
    const fs = [
      ...Array.from({ length: 800 }, (_, i) => finding('info', `n${i}.yaml`, 1, long)),
      ...Array.from({ length: 300 }, (_, i) => finding('error', `e${i}.yaml`, 2, long)),
    ];
    const md = buildSummary({ findings: fs, files: 1100, failOn: 'error', failed: true, sarifFile: '/tmp/medialint.sarif', graphs: new Map([['Deployment/-/e0.yaml', 'graph LR\n  a --> b']]) });
    expect(Buffer.byteLength(md)).toBeLessThan(1024 * 1024);
    expect(md.match(/^\| ❌ \|/gm)).toHaveLength(300);
    expect(md).toMatch(/_\d+ more findings are not listed here \(the summary must stay under 1 MiB\): see the SARIF file `medialint\.sarif` or the code scanning alerts\._/);
    // What room is left still takes a small graph.
    expect(md).toContain('```mermaid\ngraph LR\n  a --> b\n```');
  });

  it('leaves out graphs that do not fit, and says so', () => {
    const big = `graph LR\n${'  a --> b\n'.repeat(2000)}`;
    const md = buildSummary({
      findings: [finding('error', 'a.yaml', 1)], files: 1, failOn: 'error', failed: true, sarifFile: 's.sarif',
      graphs: new Map([['Deployment/-/small', 'graph LR\n  x --> y'], ['Deployment/-/big', big]]), maxBytes: 16 * 1024,
    });
    expect(Buffer.byteLength(md)).toBeLessThan(16 * 1024);
    expect(md).toContain('#### Deployment/-/small');
    expect(md).not.toContain('#### Deployment/-/big');
    expect(md).toContain('_1 more graph left out to keep the summary under 1 MiB; run `medialint graph --format mermaid` locally._');
  });

  it('includes the mermaid graph of each failing pod, and escapes table cells', () => {
    const md = buildSummary({
      findings: [finding('error', 'a.yaml', 3, 'a | b <script>\nnext')], files: 1, failOn: 'error', failed: true, sarifFile: 's.sarif',
      graphs: new Map([['Deployment/media/sonarr', 'graph LR\n  rclone -->|/mnt/media| sonarr']]),
    });
    expect(md).toContain('a \\| b &lt;script&gt;<br>next');
    expect(md).toContain('### Mount graphs of failing pods\n\n#### Deployment/media/sonarr\n\n```mermaid\ngraph LR\n  rclone -->|/mnt/media| sonarr\n```');
  });
});

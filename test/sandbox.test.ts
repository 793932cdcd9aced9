// No network, no code execution (issue 7, part 4).
//
// 1. test/support/deny-network.mjs takes sockets, DNS, fetch, child processes, workers and
//    native addons away from a process; checked here first, so that a run that trips
//    nothing proves something.
// 2. Every kind of CLI call runs under it (every fixture directory, the real corpus, a sample
//    of the kustomize conformance cases, --fix-dry-run, --fix, every format, -o, stdin, and
//    the rules/explain/graph/render/init subcommands) and must finish without tripping it.
//    The hostile-input and fix-safety suites run all their CLI calls under it too.
// 3. The sources: the only way medialint can run a program is `--kustomize kubectl`. The
//    module graph of the CLI bundle (esbuild's metafile) is searched for node:child_process
//    and the network modules, and the project's own sources for eval, new Function, node:vm
//    and dynamic import()/require() of computed names. The allow-lists below are the
//    documentation: a new entry needs a reason.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DENY_NETWORK, expectSane, pool, runCli, tmpDir, useCli, ROOT, SHARED, type CliRun } from './support/cli.js';
import { RULES } from '../rules/index.js';

useCli();
vi.setConfig({ testTimeout: 300_000 });

/**
 * Modules of the CLI bundle that import node:child_process, and why. Nothing else may.
 * The runs below prove the dependency's import is never used.
 */
const CLI_MAY_SPAWN: Record<string, string> = {
  'src/kustomize/kubectl.ts': '`--kustomize kubectl` (SPEC §1; on the command line or the Action\'s kustomize input only, never a config file) renders with an installed `kubectl kustomize` / `kustomize build`: the only feature that runs a program',
  'node_modules/unicorn-magic/node.js': 'globby imports toPath from it; its execFile helper is never called',
};
/** The GitHub Action (a separate bundle, dist/action.js) adds these. */
const ACTION_MAY_SPAWN: Record<string, string> = {
  ...CLI_MAY_SPAWN,
  'src/action/run.ts': 'git diff --unified=0 <base> HEAD, to annotate only the lines a pull request changed',
  'node_modules/@actions/exec/lib/toolrunner.js': "@actions/core imports it for platform details, which the Action never asks for",
};
const KUBECTL_MODULE = 'src/kustomize/kubectl.ts';
const NETWORK = ['node:net', 'node:tls', 'node:dgram', 'node:http', 'node:https', 'node:http2', 'node:dns', 'node:dns/promises', 'node:worker_threads', 'node:vm'];
const PROCESS = ['node:child_process'];
/** The one module allowed node:vm: it takes V8's `gc` from a fresh context (SPEC §7 memory). */
const GC_MODULE = 'src/engine/memory.ts';

function normal(p: string): string {
  return p.startsWith('node:') ? p : `node:${p}`;
}

/** Inputs of a bundle and the node builtins each imports. */
async function moduleGraph(entry: string): Promise<Map<string, string[]>> {
  const r = await build({
    entryPoints: [path.join(ROOT, entry)], bundle: true, platform: 'node', format: 'esm', target: 'node20',
    write: false, metafile: true, logLevel: 'silent', absWorkingDir: ROOT, outfile: path.join(ROOT, 'node_modules/.cache/sandbox-graph.js'),
  });
  const meta = r.metafile as Metafile;
  const out = new Map<string, string[]>();
  for (const [file, input] of Object.entries(meta.inputs)) {
    out.set(file, input.imports.filter((i) => i.external || i.path.startsWith('node:')).map((i) => normal(i.path)));
  }
  return out;
}

let cliGraph: Map<string, string[]>;
let actionGraph: Map<string, string[]>;

beforeAll(async () => {
  cliGraph = await moduleGraph('src/cli/entry.ts');
  actionGraph = fs.existsSync(path.join(ROOT, 'src/action/main.ts')) ? await moduleGraph('src/action/main.ts') : new Map();
}, 120_000);

// ---- 1. the preload works ---------------------------------------------------------------------

describe('the preload (test/support/deny-network.mjs)', () => {
  const probe = (code: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', DENY_NETWORK, '--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  const ATTEMPTS: Record<string, string> = {
    'net.connect': "import net from 'node:net'; net.connect(80, '127.0.0.1');",
    'new net.Socket().connect': "import net from 'node:net'; new net.Socket().connect(80, '127.0.0.1');",
    'net.Server.listen': "import net from 'node:net'; net.createServer().listen(0);",
    'tls.connect': "import tls from 'node:tls'; tls.connect(443, 'example.com');",
    'http.get': "import http from 'node:http'; http.get('http://example.com/');",
    'https.request': "import { request } from 'node:https'; request('https://example.com/');",
    'http2.connect': "import http2 from 'node:http2'; http2.connect('https://example.com');",
    'dgram.createSocket': "import dgram from 'node:dgram'; dgram.createSocket('udp4');",
    'dns.lookup': "import dns from 'node:dns'; dns.lookup('example.com', () => {});",
    'dns/promises.resolve4': "import { resolve4 } from 'node:dns/promises'; await resolve4('example.com');",
    'fetch': "await fetch('https://example.com/');",
    'child_process.spawnSync (named import)': "import { spawnSync } from 'node:child_process'; spawnSync('true');",
    'child_process.exec (namespace import)': "import * as cp from 'node:child_process'; cp.exec('true');",
    'child_process.execFileSync': "import cp from 'node:child_process'; cp.execFileSync('/bin/true');",
    'child_process.fork': "import cp from 'node:child_process'; cp.fork('x.js');",
    'worker_threads.Worker': "import { Worker } from 'node:worker_threads'; new Worker('1', { eval: true });",
    'process.dlopen': "process.dlopen({ exports: {} }, '/nonexistent.node');",
  };
  it.each(Object.entries(ATTEMPTS))('refuses %s', (what, code) => {
    const r = probe(code);
    expect(r.status, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/medialint-sandbox: DENIED /);
    expect(r.stderr).toMatch(/EMEDIALINTSANDBOX/);
    void what;
  });
  it('allows kubectl and kustomize (by file, no shell) only with MEDIALINT_ALLOW_KUBECTL', () => {
    const code = "import { spawnSync } from 'node:child_process'; const r = spawnSync('kubectl', ['version', '--client']); console.log('ran', r.error ? r.error.code : r.status);";
    const denied = probe(code);
    expect(denied.stderr).toMatch(/DENIED child_process\.spawnSync "kubectl"/);
    const allowed = probe(code, { MEDIALINT_ALLOW_KUBECTL: '1' });
    expect(allowed.stderr).toMatch(/ALLOWED child_process\.spawnSync "kubectl"/);
    expect(allowed.stdout).toMatch(/^ran /);
    const shell = probe("import { spawnSync } from 'node:child_process'; spawnSync('kubectl', ['version'], { shell: true });", { MEDIALINT_ALLOW_KUBECTL: '1' });
    expect(shell.stderr).toMatch(/DENIED/);
    const other = probe("import { execFileSync } from 'node:child_process'; execFileSync('sh', ['-c', 'kubectl']);", { MEDIALINT_ALLOW_KUBECTL: '1' });
    expect(other.stderr).toMatch(/DENIED child_process\.execFileSync "sh"/);
  });
  it('logs every attempt to MEDIALINT_SANDBOX_LOG, even when the error is caught', () => {
    const dir = tmpDir('medialint-sandbox-log-');
    const log = path.join(dir, 'log');
    const r = probe("import net from 'node:net'; try { net.connect(1); } catch {} console.log('survived');", { MEDIALINT_SANDBOX_LOG: log });
    expect(r.stdout).toBe('survived\n');
    expect(fs.readFileSync(log, 'utf8')).toBe('DENIED net.connect 1\n');
  });
});

// ---- 2. every kind of CLI call, under the preload ------------------------------------------------

interface Call {
  args: string[];
  cwd?: string;
  stdin?: string;
  codes?: number[];
  env?: Record<string, string>;
}

async function runAll(calls: Call[]): Promise<CliRun[]> {
  const runs = await pool(calls, 2, (c) => runCli(c.args, { cwd: c.cwd ?? ROOT, stdin: c.stdin, env: c.env, timeoutMs: 120_000 }));
  runs.forEach((r, i) => expectSane(r, calls[i]!.codes ?? [0, 1]));
  return runs;
}

const FIXTURES = path.join(ROOT, 'fixtures');
const fixtureDirs = () => fs.readdirSync(FIXTURES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `fixtures/${e.name}`).sort();
const REAL = path.join(SHARED, 'corpus', 'real');
const realDirs = () => (fs.existsSync(REAL) ? fs.readdirSync(REAL, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(REAL, e.name)).sort() : []);
const CASES = path.join(SHARED, 'corpus', 'kustomize', 'cases');
/** Every 8th conformance case: its kustomization root (case.json `root` under in/). */
function kustomizeSample(): string[] {
  if (!fs.existsSync(CASES)) return [];
  return fs.readdirSync(CASES).sort().filter((_, i) => i % 8 === 0).flatMap((c) => {
    try {
      const root = (JSON.parse(fs.readFileSync(path.join(CASES, c, 'case.json'), 'utf8')) as { root?: string }).root ?? '.';
      const dir = path.join(CASES, c, 'in', root);
      return fs.existsSync(dir) ? [dir] : [];
    } catch {
      return [];
    }
  });
}

describe('the CLI under the preload: nothing tries the network or a program', () => {
  it('every fixture directory', async () => {
    const dirs = fixtureDirs();
    expect(dirs.length).toBeGreaterThan(10);
    await runAll(dirs.map((d) => ({ args: ['-f', 'json', d] })));
  });
  it('every format, -o, --quiet, --max-warnings, --report-unused-suppressions over all fixtures', async () => {
    const out = tmpDir('medialint-sandbox-out-');
    await runAll([
      ...['stylish', 'json', 'sarif', 'github', 'gitlab'].map((f) => ({ args: ['-f', f, 'fixtures'] })),
      { args: ['-f', 'sarif', '-o', path.join(out, 'r.sarif'), 'fixtures'] },
      { args: ['--quiet', '--max-warnings', '0', '--report-unused-suppressions', '--color', 'fixtures'] },
      { args: ['--kustomize', 'off', '--load-restrictor', 'none', '--service-cidr', '10.0.0.0/8', 'fixtures'] },
    ]);
    expect(fs.statSync(path.join(out, 'r.sarif')).size).toBeGreaterThan(0);
  });
  it('--fix-dry-run (with and without suggestions; stylish prints a diff, json and sarif carry the edits), and --fix on a copy', async () => {
    const copy = tmpDir('medialint-sandbox-fix-');
    fs.cpSync(FIXTURES, path.join(copy, 'fixtures'), { recursive: true });
    await runAll([
      { args: ['--fix-dry-run', 'fixtures'] },
      ...['json', 'sarif'].map((f) => ({ args: ['--fix-dry-run', '--suggestions', '-f', f, 'fixtures'] })),
      { args: ['--fix', '--suggestions', 'fixtures'], cwd: copy },
    ]);
  });
  it.skipIf(!realDirs().length)('the real corpus (/work/shared/corpus/real/*): lint, --fix-dry-run and graph', async () => {
    const dirs = realDirs();
    await runAll(dirs.flatMap((d) => [
      { args: ['-f', 'json', d] },
      { args: ['--fix-dry-run', '--suggestions', d] },
      { args: ['graph', d] },
      { args: ['graph', '-f', 'mermaid', d] },
    ]));
  });
  it.skipIf(!kustomizeSample().length)('a sample of the kustomize conformance cases: lint, render, render --origins', async () => {
    const roots = kustomizeSample();
    await runAll(roots.flatMap((r) => [
      { args: ['-f', 'json', r] },
      { args: ['render', r] },
      { args: ['render', '--origins', r] },
    ]));
  });
  it('stdin, the subcommands, help and version', async () => {
    const pod = fs.readFileSync(path.join(ROOT, 'fixtures/bidirectional-requires-privileged/bad.yaml'), 'utf8');
    const init = tmpDir('medialint-sandbox-init-');
    await runAll([
      { args: ['-'], stdin: pod },
      { args: ['-', '--stdin-filename', 'x.yaml', '-f', 'sarif'], stdin: pod },
      { args: ['rules'] },
      { args: ['rules', '-f', 'json'] },
      ...RULES.map((r) => ({ args: ['explain', r.id] })),
      // (Text graphs per fixture directory: `graph fixtures` in text takes over a minute, reported in issue 7.)
      ...fixtureDirs().map((d) => ({ args: ['graph', d] })),
      { args: ['graph', '-f', 'mermaid', 'fixtures'] },
      { args: ['init'], cwd: init },
      { args: ['--help'] },
      { args: ['--version'] },
      { args: ['--bogus'], codes: [2] },
    ]);
    expect(fs.existsSync(path.join(init, '.medialint.yaml'))).toBe(true);
  });
  it('remote kustomize bases are reported, never fetched', async () => {
    const dir = tmpDir('medialint-sandbox-remote-');
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), [
      'resources:',
      '  - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v3.3.1',
      '  - git@github.com:org/repo.git//base?ref=main',
      '  - github.com/org/repo/base?ref=v1',
      'components:',
      '  - https://example.com/comp',
      '',
    ].join('\n'));
    const [lint, render] = await runAll([{ args: ['-f', 'json', '.'], cwd: dir }, { args: ['render', '.'], cwd: dir }]);
    expect(lint!.stdout).toMatch(/kustomize-unsupported/);
    expect(render!.stderr).toMatch(/remote resource/);
  });
});

// ---- 3. the sources ------------------------------------------------------------------------------

describe('only --kustomize kubectl can run a program; no input reaches code execution', () => {
  it('no module of the CLI bundle imports node:child_process except the kubectl renderer', () => {
    const spawning = [...cliGraph].filter(([, imps]) => imps.some((i) => PROCESS.includes(i))).map(([f]) => f);
    const unexpected = spawning.filter((f) => !(f in CLI_MAY_SPAWN));
    expect(unexpected, 'modules of the CLI that import node:child_process: only the `--kustomize kubectl` renderer may (add it to CLI_MAY_SPAWN with a reason)').toEqual([]);
  });
  it('the kubectl renderer runs programs by file, without a shell', () => {
    if (!fs.existsSync(path.join(ROOT, KUBECTL_MODULE))) return;
    const src = fs.readFileSync(path.join(ROOT, KUBECTL_MODULE), 'utf8');
    expect(src).not.toMatch(/\bshell\s*:/);
    expect(src).not.toMatch(/(?<![.\w])(exec|execSync|fork)\s*\(/);
    expect(src).toMatch(/\bspawnSync\(/);
  });
  it('no module of the CLI bundle imports the network, worker_threads or node:vm (but the garbage collector handle)', () => {
    const offending = [...cliGraph].flatMap(([f, imps]) =>
      imps.filter((i) => NETWORK.includes(i) && !(f === GC_MODULE && i === 'node:vm')).map((i) => `${f} imports ${i}`));
    expect(offending).toEqual([]);
  });
  it('node:vm in the sources runs one literal: `gc`, to reach the garbage collector (src/engine/memory.ts)', () => {
    const src = fs.readFileSync(path.join(ROOT, GC_MODULE), 'utf8').replace(/\/\/.*$/gm, '');
    const uses = [...src.matchAll(/\bvm\.(\w+)\(([^)]*)\)/g)].map((m) => `${m[1]}(${m[2]})`);
    expect(uses).toEqual(["runInNewContext('gc')"]);
    expect(src).not.toMatch(/\bvm\.(?!runInNewContext\('gc'\))/);
  });
  it('the Action bundle runs only `git diff`', () => {
    if (!actionGraph.size) return;
    const spawning = [...actionGraph].filter(([, imps]) => imps.some((i) => PROCESS.includes(i))).map(([f]) => f);
    expect(spawning.filter((f) => !(f in ACTION_MAY_SPAWN))).toEqual([]);
    for (const f of spawning.filter((x) => x === 'src/action/run.ts')) {
      const src = fs.readFileSync(path.join(ROOT, f), 'utf8');
      // Every call runs git, by file (no shell), with literal arguments but the commit.
      const calls = [...src.matchAll(/(?<![.\w])(execFileSync|execFile|spawnSync|spawn|execSync|exec|fork)\(([^,)]*)/g)];
      expect(calls.length, f).toBeGreaterThan(0);
      for (const c of calls) {
        expect(c[1], `${f}: ${c[0]}`).toMatch(/^(execFileSync|execFile|spawnSync|spawn)$/);
        expect(c[2]!.trim(), `${f}: ${c[0]}`).toBe("'git'");
      }
    }
  });
  it("the project's sources hold no eval, new Function, node:vm, or import()/require() of a computed name", () => {
    const own = [...cliGraph.keys(), ...actionGraph.keys()].filter((f) => !f.startsWith('node_modules/') && /\.(ts|mts|js|mjs)$/.test(f));
    expect(own.length).toBeGreaterThan(20);
    const bad: string[] = [];
    for (const f of new Set(own)) {
      const src = fs.readFileSync(path.join(ROOT, f), 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const [re, what] of [
        [/\beval\s*\(/, 'eval('],
        [/\bnew\s+Function\s*\(/, 'new Function('],
        [/\bFunction\s*\(\s*['"`]/, 'Function("…")'],
        [/['"]node:vm['"]|['"]vm['"]\)/, 'node:vm'],
        [/\bimport\s*\(\s*[^'"`\s]/, 'import() of a computed name'],
        [/\brequire\s*\(\s*[^'"`\s)]/, 'require() of a computed name'],
        [/\bprocess\.binding\s*\(/, 'process.binding'],
      ] as const) {
        if (re.test(src) && !(f === GC_MODULE && what === 'node:vm')) bad.push(`${f}: ${what}`);
      }
    }
    expect(bad).toEqual([]);
  });
  it('the bundle launcher uses node:vm only to run the bundle itself (V8 code cache)', () => {
    const launcher = path.join(ROOT, 'scripts/code-cache-launcher.mjs');
    if (!fs.existsSync(launcher)) return;
    const src = fs.readFileSync(launcher, 'utf8');
    const scripts = [...src.matchAll(/new Script\(([^,)]*)/g)].map((m) => m[1]!.trim());
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s, 'vm.Script runs only the embedded bundle').toBe('CODE');
    expect(src).not.toMatch(/runInNewContext|runInContext\(|compileFunction|child_process|\beval\s*\(|new Function/);
  });
});

describe('--kustomize kubectl', () => {
  const kubectlInstalled = () => spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!kustomizeSample().length)('is the one path that spawns, and it spawns only kubectl (or kustomize), by file', async () => {
    const implemented = cliGraph.get(KUBECTL_MODULE)?.includes('node:child_process') ?? false;
    const roots = kustomizeSample().slice(0, 3);
    const dir = tmpDir('medialint-sandbox-kubectl-');
    const log = path.join(dir, 'sandbox.log');
    const env = { MEDIALINT_ALLOW_KUBECTL: '1', MEDIALINT_SANDBOX_LOG: log };
    await runAll(roots.map((r) => ({ args: ['--kustomize', 'kubectl', '-f', 'json', r], env })));
    const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
    for (const l of lines) expect(l).toMatch(/^ALLOWED child_process\.(spawn|spawnSync|execFile|execFileSync) "(kubectl|kustomize)"/);
    if (implemented && kubectlInstalled()) expect(lines.length, 'the kubectl renderer ran kubectl').toBeGreaterThanOrEqual(roots.length);
    if (!implemented) expect(lines, '--kustomize kubectl renders in-process and spawns nothing').toEqual([]);
  });
  it.skipIf(!kustomizeSample().length)('a config file cannot ask for it: `kustomize.mode: kubectl` is a config error (exit 2) and spawns nothing', async () => {
    const roots = kustomizeSample().slice(0, 1);
    const dir = tmpDir('medialint-sandbox-config-kubectl-');
    fs.writeFileSync(path.join(dir, '.medialint.yaml'), 'kustomize:\n  mode: kubectl\n');
    const log = path.join(dir, 'sandbox.log');
    // MEDIALINT_ALLOW_KUBECTL set, so a spawn would succeed and be logged rather than fail.
    const env = { MEDIALINT_ALLOW_KUBECTL: '1', MEDIALINT_SANDBOX_LOG: log };
    const runs = await runAll(roots.map((r) => ({ args: ['-c', path.join(dir, '.medialint.yaml'), '-f', 'json', r], env, codes: [2] })));
    for (const r of runs) expect(r.stderr).toMatch(/kustomize\.mode: "kubectl" is not allowed in a config file/);
    expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '').toBe('');
  });
  it('without --kustomize kubectl, the same roots spawn nothing (auto and off)', async () => {
    const roots = kustomizeSample().slice(0, 3);
    const dir = tmpDir('medialint-sandbox-nokubectl-');
    const log = path.join(dir, 'sandbox.log');
    // MEDIALINT_ALLOW_KUBECTL set, so a spawn would succeed and be logged rather than fail.
    const env = { MEDIALINT_ALLOW_KUBECTL: '1', MEDIALINT_SANDBOX_LOG: log };
    await runAll(roots.flatMap((r) => [{ args: [r], env }, { args: ['--kustomize', 'auto', r], env }, { args: ['--kustomize', 'off', r], env }, { args: ['render', r], env }]));
    expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '').toBe('');
  });
});

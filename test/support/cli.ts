// Running the real CLI as a child process, the way users and CI run it: the one-file
// bundle (scripts/build.mjs --outdir, built once per test file into node_modules/.cache so
// the bundle finds the package root for rule docs), with optional `--import` preloads, a
// timeout per call, and helpers that check what every call must satisfy.
//
// Why a bundle and not `node --import tsx`: tsx compiles through esbuild's service, a child
// process, which the no-process preload (deny-network.mjs) would refuse; and the bundle
// starts in a fraction of the time, which matters for a few hundred calls.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { removeTmpDirs } from './tmp.js';

/** Temp directories (removed by useCli's afterAll), shared with the suites that run no CLI. */
export { tmpDir, writeTree } from './tmp.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const SUPPORT = path.join(ROOT, 'test', 'support');
export const DENY_NETWORK = path.join(SUPPORT, 'deny-network.mjs');
export const FS_FAULTS = path.join(SUPPORT, 'fs-faults.mjs');

let bundleDir: string | undefined;
let bundlePath: string | undefined;

/** Build the CLI bundle (once per test file) and return its path. */
export function cliBundle(): string {
  if (bundlePath) return bundlePath;
  const cache = path.join(ROOT, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  bundleDir = fs.mkdtempSync(path.join(cache, 'medialint-test-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--outdir', bundleDir], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`building the CLI bundle failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  bundlePath = path.join(bundleDir, 'medialint.js');
  return bundlePath;
}

export function removeCliBundle(): void {
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
  bundleDir = bundlePath = undefined;
}

/** beforeAll: build the bundle; afterAll: remove it and the temp directories made with tmpDir(). */
export function useCli(): void {
  beforeAll(() => {
    cliBundle();
  }, 180_000);
  afterAll(() => {
    removeCliBundle();
    removeTmpDirs();
  });
}

export interface CliRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface CliOptions {
  cwd: string;
  stdin?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  /** More modules to load with `node --import` before the CLI (after deny-network.mjs). */
  preload?: string[];
  /**
   * Run under test/support/deny-network.mjs (default true): every CLI call of the hostile,
   * fix-safety and sandbox suites runs with network and process creation taken away.
   */
  sandbox?: boolean;
  timeoutMs?: number;
}

/** Run the bundled CLI; never rejects (a timeout kills the child and sets timedOut). */
export function runCli(args: string[], o: CliOptions): Promise<CliRun> {
  const bundle = cliBundle();
  const preload = [...(o.sandbox === false ? [] : [DENY_NETWORK]), ...(o.preload ?? [])];
  const nodeArgs = [...preload.flatMap((p) => ['--import', p]), bundle, ...args];
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, DEBUG: undefined, ...o.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: o.cwd, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 60_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => { /* the CLI may exit before reading all of stdin */ });
    child.stdin.end(o.stdin ?? '');
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        args, code, signal, timedOut, ms: Date.now() - started,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Run calls with at most `n` at a time (the CI machine has 2 cores). */
export async function pool<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** What every call must satisfy: finished in time, exit 0/1 (or one of `codes`), no stack trace. */
export function expectSane(r: CliRun, codes: number[] = [0, 1]): void {
  const what = `medialint ${r.args.join(' ')}\n--- stderr:\n${r.stderr.slice(0, 4000)}\n--- stdout:\n${r.stdout.slice(0, 2000)}`;
  expect(r.timedOut, `timed out after ${r.ms} ms: ${what}`).toBe(false);
  expect(codes, `exit ${r.code ?? r.signal}: ${what}`).toContain(r.code);
  expect(r.stderr, `a stack trace: ${what}`).not.toMatch(/^\s+at .+/m);
  expect(r.stderr, `an internal error: ${what}`).not.toMatch(/internal error/);
  expect(r.stderr, `tried to use the network or run a program: ${what}`).not.toMatch(/medialint-sandbox: DENIED/);
}

export interface JsonMessage {
  ruleId: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}
export interface JsonFileResult {
  filePath: string;
  messages: JsonMessage[];
}

/** Parse `--format json` output; every message must have a 1-based position. */
export function jsonFindings(r: CliRun): { file: string; m: JsonMessage }[] {
  const results = (r.stdout.trim() ? JSON.parse(r.stdout) : []) as JsonFileResult[];
  const out: { file: string; m: JsonMessage }[] = [];
  for (const f of results) {
    for (const m of f.messages) {
      expect(m.line, `${f.filePath}: ${m.ruleId} line`).toBeGreaterThanOrEqual(1);
      expect(m.column, `${f.filePath}: ${m.ruleId} column`).toBeGreaterThanOrEqual(1);
      expect(m.endLine, `${f.filePath}: ${m.ruleId} endLine`).toBeGreaterThanOrEqual(m.line);
      out.push({ file: f.filePath, m });
    }
  }
  return out;
}

/** Stylish output's finding lines: `  line:col  severity  message  rule-id`. */
export function stylishPositions(stdout: string): { line: number; col: number; rest: string }[] {
  const out: { line: number; col: number; rest: string }[] = [];
  for (const l of stdout.split('\n')) {
    const m = /^ {2}\s*(\d+):(\d+)\s+(error|warning|info)\s+(.*)$/.exec(l);
    if (m) out.push({ line: Number(m[1]), col: Number(m[2]), rest: `${m[3]} ${m[4]}` });
  }
  return out;
}

// Fix safety (issue 7, part 3): `medialint --fix` through the real CLI, under the
// no-network preload, when writing goes wrong. Whatever happens: no partial file, no temp
// file left behind, the original intact (or the other writer's edit kept), a clear one-line
// message naming the file, and exit 2 when a file that needed fixing was not written.
//
// Failures are injected at the exact step by test/support/fs-faults.mjs (a preload that
// wraps node:fs): the file edited by someone else after medialint read it, or while the temp
// file is written; the disk filling up half-way through the temp file; the rename failing;
// the process killed between the temp file and the rename.
import * as fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { expectSane, FS_FAULTS, runCli, tmpDir, useCli, ROOT, type CliRun } from './support/cli.js';
import { POD } from './support/manifests.js';
import { runFix } from '../src/cli/fix-command.js';
import { defaultConfig } from '../src/engine/config.js';
import { defineRule } from '../src/engine/rule.js';
import { get } from '../src/load/ynode.js';

useCli();
vi.setConfig({ testTimeout: 120_000 });

/** Only warnings, one of them fixable (emptyDir -> medium: Memory): --fix exits 0 when it can write. */
const WARN_ONLY = fs.readFileSync(path.join(ROOT, 'fixtures/propagation-emptydir-memory/bad.yaml'), 'utf8').split('\n').slice(0, 42).join('\n') + '\n';

const TEMP = /\.medialint-\d+-[0-9a-f]{8}\.tmp$/;
const temps = (dir: string) => fs.readdirSync(dir).filter((f) => TEMP.test(f));

interface Setup {
  dir: string;
  file: string;
  before: Buffer;
}

function setup(text: string | Buffer = POD, name = 'pod.yaml'): Setup {
  const dir = tmpDir('medialint-fixsafe-');
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return { dir, file, before: fs.readFileSync(file) };
}

async function fix(s: Setup, args: string[] = [], env: Record<string, string> = {}, preload: string[] = []): Promise<CliRun> {
  return runCli(['--fix', ...args, path.basename(s.file)], { cwd: s.dir, env, preload, timeoutMs: 60_000 });
}

function withFault(s: Setup, fault: string, args: string[] = []): Promise<CliRun> {
  return fix(s, args, { MEDIALINT_FAULT: fault, MEDIALINT_FAULT_FILE: s.file }, [FS_FAULTS]);
}

/** The note lines on stderr, without the fault preload's marker. */
const notes = (r: CliRun) => r.stderr.split('\n').filter((l) => l && !l.startsWith('medialint-fault:'));

function parsesCleanly(text: string): boolean {
  return parseAllDocuments(text).every((d) => d.errors.length === 0);
}

describe('a read-only file', () => {
  it('is left as it was, byte for byte and mode for mode; one line says why; exit 2', async () => {
    const s = setup();
    fs.chmodSync(s.file, 0o444);
    const r = await fix(s);
    expectSane(r, [2]);
    expect(notes(r)).toEqual(['medialint: pod.yaml is read-only; not written. Make it writable (chmod u+w) to apply the fixes.']);
    expect(fs.readFileSync(s.file)).toEqual(s.before);
    expect(fs.statSync(s.file).mode & 0o777).toBe(0o444);
    expect(temps(s.dir)).toEqual([]);
    // The report shows what is still on disk: the error is there.
    expect(r.stdout).toMatch(/12:29 +error/);
  });
  it('exit 2 even when the findings left are only warnings (a failed write is not a clean run)', async () => {
    const s = setup(WARN_ONLY, 'warn.yaml');
    const ok = await runCli(['warn.yaml'], { cwd: s.dir });
    expectSane(ok, [0]);
    fs.chmodSync(s.file, 0o400);
    const r = await fix(s);
    expectSane(r, [2]);
    expect(notes(r)).toEqual(['medialint: warn.yaml is read-only; not written. Make it writable (chmod u+w) to apply the fixes.']);
    expect(fs.readFileSync(s.file)).toEqual(s.before);
  });
  it('one read-only file among others: the others are written', async () => {
    const s = setup();
    fs.writeFileSync(path.join(s.dir, 'b.yaml'), POD.replace('name: p', 'name: b'));
    fs.chmodSync(s.file, 0o444);
    const r = await runCli(['--fix', '.'], { cwd: s.dir });
    expectSane(r, [2]);
    expect(fs.readFileSync(s.file)).toEqual(s.before);
    expect(fs.readFileSync(path.join(s.dir, 'b.yaml'), 'utf8')).toMatch(/privileged: true/);
    expect(notes(r)).toEqual([
      'medialint: pod.yaml is read-only; not written. Make it writable (chmod u+w) to apply the fixes.',
      'medialint: applied 1 fix in 1 file',
    ]);
  });
  it('a directory without write permission (not root: root writes anyway)', async () => {
    if (process.getuid?.() === 0) return;
    const s = setup();
    fs.chmodSync(s.dir, 0o555);
    try {
      const r = await fix(s);
      expectSane(r, [2]);
      expect(notes(r)[0]).toMatch(/^medialint: pod\.yaml could not be written: permission denied/);
      expect(fs.readFileSync(s.file)).toEqual(s.before);
    } finally {
      fs.chmodSync(s.dir, 0o755);
    }
  });
});

describe('a file changed on disk between read and write', () => {
  it('after medialint read it: the other edit is kept, the fix is not written; exit 2', async () => {
    const s = setup();
    const r = await withFault(s, 'touch-before-write');
    expect(r.stderr).toContain('medialint-fault: touch-before-write');
    expectSane(r, [2]);
    expect(notes(r)).toEqual(['medialint: pod.yaml changed on disk since medialint read it; not written. Run medialint --fix again.']);
    expect(fs.readFileSync(s.file, 'utf8')).toBe(`${POD}# edited by someone else meanwhile\n`);
    expect(temps(s.dir)).toEqual([]);
  });
  it('while the temp file was being written: the temp file is removed, the other edit kept; exit 2', async () => {
    const s = setup();
    const r = await withFault(s, 'touch-during-write');
    expect(r.stderr).toContain('medialint-fault: touch-during-write');
    expectSane(r, [2]);
    expect(notes(r)).toEqual(['medialint: pod.yaml changed on disk while medialint was writing it; not written. Run medialint --fix again.']);
    expect(fs.readFileSync(s.file, 'utf8')).toBe(`${POD}# edited by someone else meanwhile\n`);
    expect(temps(s.dir)).toEqual([]);
  });
  it('two --fix runs on one file at once: the file ends fixed once, parses, no temp files', async () => {
    const s = setup();
    const [a, b] = await Promise.all([fix(s), fix(s)]);
    for (const r of [a, b]) expectSane(r, [0, 2]);
    const after = fs.readFileSync(s.file, 'utf8');
    expect(parsesCleanly(after)).toBe(true);
    expect(after.match(/privileged: true/g)).toHaveLength(1);
    expect(temps(s.dir)).toEqual([]);
    // Whichever lost the race said so.
    for (const r of [a, b]) if (r.code === 2) expect(notes(r)[0]).toMatch(/changed on disk/);
  });
});

describe('a fix whose result would not parse', () => {
  it('is not applied, the file is untouched, and the message says why', async () => {
    // No rule of ours writes broken YAML, so a test rule does: its fix replaces the Pod's
    // name with `[unclosed`. Through runFix, the --fix path of the CLI, with writing on.
    const s = setup();
    const breaks = defineRule({
      id: 'breaks-yaml', severity: 'error', fix: 'fix', scope: 'pod', summary: 'test rule',
      checkPod(pod, ctx) {
        const name = get(pod.workload.resource.node, 'metadata', 'name');
        ctx.report({ at: name, message: 'break it', fix: { description: 'break the name', edits: [{ op: 'replaceText', loc: name!.loc!, text: '[unclosed' }] } });
      },
    });
    const out: string[] = [];
    const io = { cwd: s.dir, stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), stdin: () => '', env: {}, isTTY: false };
    const r = await runFix([s.file], { cwd: s.dir, config: defaultConfig(), rules: [breaks] }, { write: true, suggestions: false, io });
    expect(fs.readFileSync(s.file)).toEqual(s.before);
    expect(r.writeFailures).toBe(0);
    expect(r.note).toContain('pod.yaml: fix "break the name" (breaks-yaml) not applied: the file would no longer be valid YAML.');
    expect(r.result.findings.map((f) => f.ruleId)).toEqual(['breaks-yaml']);
    expect(temps(s.dir)).toEqual([]);
  });
  it('fixes that clash on one key (a rename and an add of mountPropagation) wait a pass: what is written parses, without a duplicate key', async () => {
    const s = setup(fs.readFileSync(path.join(ROOT, 'fixtures/unknown-field/bad.yaml')), 'bad.yaml');
    const r = await fix(s);
    expectSane(r, [1]);
    const after = fs.readFileSync(s.file, 'utf8');
    expect(after).not.toBe(s.before.toString('utf8'));
    expect(after).toContain('mountPropagation');
    expect(after).not.toContain('mountPropogation');
    expect(parsesCleanly(after)).toBe(true);
    expect(parseAllDocuments(after, { uniqueKeys: true }).every((d) => d.errors.length === 0)).toBe(true);
    expect(temps(s.dir)).toEqual([]);
  });
  it('a file that already has a YAML error in another document is not written', async () => {
    const s = setup(`${POD}---\nfoo: [\n`);
    const r = await fix(s);
    expectSane(r, [1]);
    expect(fs.readFileSync(s.file)).toEqual(s.before);
    expect(r.stdout).toMatch(/parse-error/);
  });
  it('over every fixture, also with CRLF, a BOM and no final newline: whatever --fix writes parses and adds no duplicate key', async () => {
    const dir = tmpDir('medialint-fixall-');
    const variants: Record<string, (t: string) => string> = {
      '': (t) => t,
      crlf: (t) => t.replace(/\n/g, '\r\n'),
      bom: (t) => `\uFEFF${t}`,
      nofinal: (t) => t.replace(/\n+$/, ''),
    };
    const sources = (fs.readdirSync(path.join(ROOT, 'fixtures'), { recursive: true }) as string[])
      .filter((f) => /(^|\/)bad[^/]*\.yaml$/.test(f) && !/fixed|suggested/.test(f) && !f.startsWith('seeds'));
    const written = new Map<string, string>();
    for (const f of sources) {
      const text = fs.readFileSync(path.join(ROOT, 'fixtures', f), 'utf8');
      for (const [v, make] of Object.entries(variants)) {
        const name = `${f.replace(/\//g, '__').replace(/\.yaml$/, '')}${v ? `.${v}` : ''}.yaml`;
        fs.writeFileSync(path.join(dir, name), make(text));
        written.set(name, make(text));
      }
    }
    const r = await runCli(['--fix', '--suggestions', '.'], { cwd: dir, timeoutMs: 180_000 });
    expectSane(r, [0, 1]);
    for (const [name, before] of written) {
      const after = fs.readFileSync(path.join(dir, name), 'utf8');
      if (after === before) continue;
      expect(parsesCleanly(after), name).toBe(true);
      const dups = (t: string) => parseAllDocuments(t, { uniqueKeys: true }).flatMap((d) => d.errors).filter((e) => e.code === 'DUPLICATE_KEY').length;
      expect(dups(after), name).toBeLessThanOrEqual(dups(before));
      if (before.startsWith('\uFEFF')) expect(after.startsWith('\uFEFF'), `${name} keeps its BOM`).toBe(true);
      if (before.includes('\r\n')) expect(after.replace(/\r\n/g, '').includes('\n'), `${name} keeps CRLF`).toBe(false);
    }
    expect(temps(dir)).toEqual([]);
    // --fix twice changes nothing the second time.
    const again = new Map([...written.keys()].map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]));
    expectSane(await runCli(['--fix', '--suggestions', '.'], { cwd: dir, timeoutMs: 180_000 }), [0, 1]);
    for (const [n, t] of again) expect(fs.readFileSync(path.join(dir, n), 'utf8'), `${n} changed on the second --fix`).toBe(t);
  }, 400_000);
});

describe('an interrupted write', () => {
  it('the disk fills up half-way through the temp file: the half-written temp file is removed, the original intact; exit 2', async () => {
    const s = setup();
    const r = await withFault(s, 'write-enospc');
    expect(r.stderr).toContain('medialint-fault: write-enospc');
    expectSane(r, [2]);
    expect(notes(r)).toEqual(['medialint: pod.yaml could not be written: no space left on the device; left unchanged.']);
    expect(fs.readFileSync(s.file)).toEqual(s.before);
    expect(temps(s.dir)).toEqual([]);
  });
  it('the rename over the original fails: the temp file is removed, the original intact; exit 2', async () => {
    const s = setup();
    const r = await withFault(s, 'rename-eio');
    expect(r.stderr).toContain('medialint-fault: rename-eio');
    expectSane(r, [2]);
    expect(notes(r)).toHaveLength(1);
    expect(notes(r)[0]).toMatch(/^medialint: pod\.yaml could not be written \(EIO: i\/o error, rename .*\); left unchanged\.$/);
    expect(fs.readFileSync(s.file)).toEqual(s.before);
    expect(temps(s.dir)).toEqual([]);
  });
  it('the process is killed between the temp file and the rename: the original is intact, and the next --fix removes the stale temp file', async () => {
    const s = setup();
    const r = await withFault(s, 'rename-kill');
    expect(r.stderr).toContain('medialint-fault: rename-kill');
    expect(r.signal).toBe('SIGKILL');
    expect(fs.readFileSync(s.file)).toEqual(s.before);
    // A SIGKILL runs no cleanup: the complete temp file is there, beside the intact original.
    const left = temps(s.dir);
    expect(left).toHaveLength(1);
    expect(fs.readFileSync(path.join(s.dir, left[0]!), 'utf8')).toMatch(/privileged: true/);
    // The next run cleans up after the dead one, and fixes the file.
    const again = await fix(s);
    expectSane(again, [0]);
    expect(temps(s.dir)).toEqual([]);
    expect(fs.readFileSync(s.file, 'utf8')).toMatch(/privileged: true/);
  });
  it('a temp file of a live process is not touched', async () => {
    const s = setup();
    const live = path.join(s.dir, `.pod.yaml.medialint-${process.pid}-0123abcd.tmp`);
    fs.writeFileSync(live, 'in progress');
    const r = await fix(s);
    expectSane(r, [0]);
    expect(fs.readFileSync(live, 'utf8')).toBe('in progress');
  });
});

describe('what --fix keeps', () => {
  it('writes through a symlink (the link stays), keeps mode, BOM and CRLF', async () => {
    const s = setup(`\uFEFF${POD.replace(/\n/g, '\r\n')}`, 'real.yaml');
    fs.chmodSync(s.file, 0o640);
    fs.symlinkSync('real.yaml', path.join(s.dir, 'link.yaml'));
    const r = await runCli(['--fix', 'link.yaml'], { cwd: s.dir });
    expectSane(r, [0]);
    expect(fs.lstatSync(path.join(s.dir, 'link.yaml')).isSymbolicLink()).toBe(true);
    const after = fs.readFileSync(s.file, 'utf8');
    expect(after.startsWith('\uFEFF')).toBe(true);
    expect(after).toMatch(/privileged: true\r\n/);
    expect(after.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(fs.statSync(s.file).mode & 0o777).toBe(0o640);
  });
  it('--fix-dry-run writes nothing', async () => {
    const s = setup();
    const mtime = fs.statSync(s.file).mtimeMs;
    const r = await runCli(['--fix-dry-run', 'pod.yaml'], { cwd: s.dir });
    expectSane(r, [0]);
    expect(r.stdout).toMatch(/^\+ +privileged: true$/m);
    expect(fs.readFileSync(s.file)).toEqual(s.before);
    expect(fs.statSync(s.file).mtimeMs).toBe(mtime);
    expect(fs.readdirSync(s.dir)).toEqual(['pod.yaml']);
  });
  it('a kustomize base outside the linted path is never written', async () => {
    const dir = tmpDir('medialint-fixbase-');
    fs.mkdirSync(path.join(dir, 'base'));
    fs.mkdirSync(path.join(dir, 'overlay'));
    fs.writeFileSync(path.join(dir, 'base/d.yaml'), WARN_ONLY);
    fs.writeFileSync(path.join(dir, 'base/kustomization.yaml'), 'resources: [d.yaml]\n');
    fs.writeFileSync(path.join(dir, 'overlay/kustomization.yaml'), 'resources: [../base]\nnamePrefix: x-\n');
    const r = await runCli(['--fix', 'overlay'], { cwd: dir });
    expectSane(r, [0]);
    expect(fs.readFileSync(path.join(dir, 'base/d.yaml'), 'utf8')).toBe(WARN_ONLY);
    expect(r.stderr).toMatch(/base\/d\.yaml is not among the files being fixed/);
  });
});

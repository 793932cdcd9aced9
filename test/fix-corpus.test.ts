// Issue 4's "Done when", on the real CLI (main() with an Io whose cwd is a temp dir):
//   1. `--fix` on copies of every seed fixture (fixtures/seeds/*.yaml with its .medialint.yaml)
//      and of every ../shared/corpus/real directory leaves no finding that still carries a
//      fix, keeps every comment line, leaves every changed file parsing, and a second `--fix`
//      changes no byte;
//   2. a fix to a value that a kustomize patch set edits the patch, not the base (a two-level
//      overlay; a patch file, an inline strategic-merge patch, an inline JSON 6902 patch), and
//      a value the base sets and no patch touches is fixed in the base;
//   3. the `--fix-dry-run` diff applies cleanly with the real `patch -p1` from the temp dir's
//      root, gives exactly the files `--fix` writes, and --fix-dry-run itself writes nothing;
//   4. JSON and SARIF carry each fix as concrete edits that turn the file into what --fix writes.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync as mkdtempRaw, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main, type Io } from '../src/cli/main.js';
import { RULES } from '../rules/index.js';
import { parseSource } from '../src/load/source.js';
import { get, type YMap, type YSeq } from '../src/load/ynode.js';
import { toTextEdits } from '../src/fix/yaml-edits.js';
import { applyTextEdits } from '../src/fix/text-edit.js';
import { ROOT, SHARED } from './helpers.js';

const SEEDS = path.join(ROOT, 'fixtures', 'seeds');
const CORPUS = path.join(SHARED, 'corpus', 'real');
const FIX_KIND = new Map(RULES.map((r) => [r.id, r.fix]));

/**
 * Findings that still carry a fix after `--fix` (the fixer could not apply it), as
 * `rule-id file`, each with the reason. None today: a rule whose edit would be unsafe
 * (a PVC as the propagation volume, options a kubelet nfs: volume cannot take) reports
 * the finding without a fix, which is allowed.
 */
const KEEPS_FIX: Record<string, string> = {};

/** Temp dirs made here, removed at the end. */
const made: string[] = [];
function mkdtempSync(prefix: string): string {
  const d = mkdtempRaw(prefix);
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

// ---- running the CLI -------------------------------------------------------------------

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(cwd: string, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd,
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    stdin: () => '',
    env: {},
    isTTY: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

interface JsonEdit { filePath: string; start: number; end: number; text: string }
interface JsonFix { description: string; edits?: JsonEdit[] }
interface JsonMessage { ruleId: string; line: number; message: string; fix?: JsonFix; suggestions?: JsonFix[] }
interface JsonFile { filePath: string; messages: JsonMessage[] }

/** Lint `cwd` (`.`) as JSON, the report written outside the tree. */
async function lintJson(cwd: string, ...args: string[]): Promise<{ run: Run; files: JsonFile[] }> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'ml-fixcorpus-report-')), 'report.json');
  const run = await cli(cwd, ...args, '-f', 'json', '-o', out, '.');
  return { run, files: JSON.parse(readFileSync(out, 'utf8')) as JsonFile[] };
}

// ---- trees -----------------------------------------------------------------------------

function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, base, out);
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

/** Every file of the tree, path -> text. */
function snapshot(dir: string): Map<string, string> {
  return new Map(walk(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

/** A writable copy (the corpus is stored read-only, and copies keep the mode). */
function copyOf(src: string, only?: (name: string) => boolean): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ml-fixcorpus-'));
  if (only) {
    for (const name of readdirSync(src)) if (only(name)) cpSync(path.join(src, name), path.join(dir, name));
  } else {
    cpSync(src, dir, { recursive: true });
  }
  for (const f of walk(dir)) {
    const p = path.join(dir, f);
    chmodSync(p, statSync(p).mode | 0o200);
  }
  return dir;
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ml-fixcorpus-tree-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const changedFiles = (a: Map<string, string>, b: Map<string, string>) => [...new Set([...a.keys(), ...b.keys()])].filter((f) => a.get(f) !== b.get(f)).sort();

/** Comment lines (`# …` alone on a line, in YAML or in a script block) with their counts. */
function commentLines(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of text.split(/\r?\n/)) if (/^\s*#/.test(l)) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

/** YAML errors of every document (duplicate keys included). */
function yamlErrors(text: string): string[] {
  return parseAllDocuments(text).flatMap((d) => ('errors' in d ? d.errors.map((e) => `${e.code}: ${e.message.split('\n')[0]}`) : []));
}

/** Apply a unified diff with GNU patch, as a user would pipe `--fix-dry-run` into it. */
function patchP1(dir: string, diff: string): { status: number | null; out: string } {
  const r = spawnSync('patch', ['-p1', '--batch', '--forward', '--fuzz=0', '--no-backup-if-mismatch'], { cwd: dir, input: diff, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const isStatusLine = (l: string) => /^medialint: applied \d+ fix(es)? in \d+ files?$/.test(l);

/**
 * The whole check on one tree: --fix, a second --fix, and --fix-dry-run + patch -p1 on a
 * second copy. Returns the tree after --fix and its JSON findings.
 */
async function checkFix(src: string, copy: () => string) {
  const dir = copy();
  const before = snapshot(dir);
  const initial = await lintJson(dir);
  expect(initial.run.code, initial.run.stderr).not.toBe(2);
  // Only rules of fix kind `fix` attach a fix (the others offer suggestions).
  for (const f of initial.files) {
    for (const m of f.messages) {
      if (m.fix) expect(FIX_KIND.get(m.ruleId), `${m.ruleId} attaches a fix but its kind is not "fix" (${f.filePath}:${m.line})`).toBe('fix');
    }
  }

  // 1. --fix
  const fixed = await cli(dir, '--fix', '-f', 'json', '.');
  expect(fixed.code, fixed.stderr).not.toBe(2);
  const problems = fixed.stderr.split('\n').filter((l) => l && !isStatusLine(l));
  expect(problems, `--fix reported problems in ${src}`).toEqual([]);
  const after = snapshot(dir);
  expect([...after.keys()], 'no file appears or disappears (no temp file left)').toEqual([...before.keys()]);
  const changed = changedFiles(before, after);
  for (const f of changed) {
    expect(f, 'only YAML files are edited').toMatch(/\.ya?ml$/);
    const was = before.get(f)!;
    const now = after.get(f)!;
    if (yamlErrors(was).length === 0) expect(yamlErrors(now), `${f} no longer parses:\n${now}`).toEqual([]);
    const lost: string[] = [];
    const kept = commentLines(now);
    for (const [line, n] of commentLines(was)) if ((kept.get(line) ?? 0) < n) lost.push(line);
    expect(lost, `comment lines lost in ${f}`).toEqual([]);
  }
  const remaining = JSON.parse(fixed.stdout || '[]') as JsonFile[];
  const withFix = remaining.flatMap((f) => f.messages.filter((m) => m.fix).map((m) => `${m.ruleId} ${f.filePath}`));
  expect(withFix.filter((k) => !(k in KEEPS_FIX)), `findings that still carry a fix after --fix in ${src}`).toEqual([]);

  // A second --fix changes no byte.
  const again = await cli(dir, '--fix', '.');
  expect(again.code).toBe(fixed.code);
  expect(again.stderr.split('\n').filter(isStatusLine), 'the second --fix applies nothing').toEqual([]);
  expect(changedFiles(after, snapshot(dir)), 'files the second --fix changed').toEqual([]);

  // 3. --fix-dry-run writes nothing; its diff, through patch -p1, gives what --fix wrote.
  const dry = copy();
  const dryRun = await cli(dry, '--fix-dry-run', '.');
  expect(dryRun.code, 'the exit code says what remains after fixing, with or without writing').toBe(fixed.code);
  expect(changedFiles(before, snapshot(dry)), '--fix-dry-run wrote').toEqual([]);
  if (changed.length) {
    expect(dryRun.stdout.match(/^diff --git a\/(\S+) /gm)?.map((l) => l.slice('diff --git a/'.length, -1)).sort()).toEqual(changed);
    const p = patchP1(dry, dryRun.stdout);
    expect(p.status, p.out).toBe(0);
    expect(p.out, 'applies cleanly: no offset, fuzz or rejected hunk').not.toMatch(/offset|fuzz|FAILED|reject|malformed/i);
  } else {
    expect(dryRun.stdout).not.toMatch(/^diff --git/m);
  }
  const patched = snapshot(dry);
  expect(changedFiles(after, patched), 'files where --fix-dry-run | patch -p1 differs from --fix').toEqual([]);
  return { dir, before, after, changed, remaining };
}

// ---- 1 and 3: seeds and the real corpus -------------------------------------------------

const corpusDirs = readdirSync(CORPUS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const SEED_FILE = /^\d{3}-\d{2}-[a-z0-9-]+\.yaml$/;

describe('--fix on copies of the seeds and the real corpus', { timeout: 60_000 }, () => {
  it('the corpus is there', () => {
    expect(corpusDirs.length).toBeGreaterThanOrEqual(10);
    expect(readdirSync(SEEDS).filter((f) => SEED_FILE.test(f)).length).toBeGreaterThanOrEqual(40);
  });

  it('seed fixtures (fixtures/seeds with its .medialint.yaml)', async () => {
    const r = await checkFix(SEEDS, () => copyOf(SEEDS, (f) => SEED_FILE.test(f) || f === '.medialint.yaml'));
    // The seeds' WRONG examples are what --fix is for: it must have done something.
    expect(r.changed.length).toBeGreaterThan(10);
  });

  it.each(corpusDirs)('%s', async (name) => {
    await checkFix(path.join(CORPUS, name), () => copyOf(path.join(CORPUS, name)));
  });
});

// ---- 2: kustomize origins --------------------------------------------------------------

/** A Deployment whose rclone sidecar is right; the consumer's propagation is `consumer`. */
function baseDeploy(consumer: string): string {
  return `# base: sonarr with an rclone sidecar
apiVersion: apps/v1
kind: Deployment
metadata:
  name: sonarr
spec:
  selector:
    matchLabels: {app: sonarr}
  template:
    metadata:
      labels: {app: sonarr}
    spec:
      containers:
        - name: rclone
          image: rclone/rclone:1.68
          args: ["mount", "remote:", "/mnt/media", "--allow-other", "--allow-non-empty"]
          securityContext:
            privileged: true
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: Bidirectional
        - name: sonarr
          image: linuxserver/sonarr:4.0
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: ${consumer} # the consumer
      volumes:
        - name: media
          emptyDir: {medium: Memory}
`;
}

const BASE_KUST = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deploy.yaml
`;

const O2_KUST = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
# overlay 2, on top of overlay 1
resources:
  - ../o1
namePrefix: prod-
`;

function o1Kust(patches: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
${patches}`;
}

/** A strategic-merge patch that sets the consumer's propagation to None, `# comment` after it. */
const nonePatch = (comment: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: sonarr
spec:
  template:
    spec:
      containers:
        - name: sonarr
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: None # ${comment}
`;

const PATCH_NONE = `# overlay 1: the consumer's propagation
${nonePatch('set by overlay 1')}`;

/** A patch that touches the consumer, but not its propagation. */
const PATCH_IMAGE = `# overlay 1: a newer sonarr
apiVersion: apps/v1
kind: Deployment
metadata:
  name: sonarr
spec:
  template:
    spec:
      containers:
        - name: sonarr
          image: linuxserver/sonarr:4.1
`;

const H2C = 'consumer-host-to-container';

/** Findings of `rule`, as `file:line`. */
const where = (files: JsonFile[], rule: string) => files.flatMap((f) => f.messages.filter((m) => m.ruleId === rule).map((m) => `${f.filePath}:${m.line}`));

describe('a fix to a value a kustomize patch set edits the patch (two-level overlay)', { timeout: 30_000 }, () => {
  it('a strategic-merge patch file of overlay 1 sets None: --fix on overlay 2 edits the patch, not the base', async () => {
    const files = { 'base/deploy.yaml': baseDeploy('HostToContainer'), 'base/kustomization.yaml': BASE_KUST, 'o1/kustomization.yaml': o1Kust('  - path: sonarr-propagation.yaml\n'), 'o1/sonarr-propagation.yaml': PATCH_NONE, 'o2/kustomization.yaml': O2_KUST };
    const src = tree(files);
    // Overlay 2 is the only root in the tree: linting `.` lints it (and what it reads).
    const lint = await lintJson(src);
    expect(where(lint.files, H2C)).toEqual(['o1/sonarr-propagation.yaml:14']);
    const r = await checkFix(src, () => copyOf(src));
    expect(r.changed).toEqual(['o1/sonarr-propagation.yaml']);
    expect(r.after.get('o1/sonarr-propagation.yaml')).toBe(PATCH_NONE.replace('mountPropagation: None # set by overlay 1', 'mountPropagation: HostToContainer # set by overlay 1'));
    expect(r.after.get('base/deploy.yaml')).toBe(files['base/deploy.yaml']);
    expect(where(r.remaining, H2C)).toEqual([]);
  });

  it('the overlay directory alone: files it reads from outside the linted path are not written (SPEC §4)', async () => {
    const dir = tree({ 'base/deploy.yaml': baseDeploy('HostToContainer'), 'base/kustomization.yaml': BASE_KUST, 'o1/kustomization.yaml': o1Kust('  - path: sonarr-propagation.yaml\n'), 'o1/sonarr-propagation.yaml': PATCH_NONE, 'o2/kustomization.yaml': O2_KUST });
    const before = snapshot(dir);
    const r = await cli(dir, '--fix', 'o2');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('o1/sonarr-propagation.yaml is not among the files being fixed');
    expect(changedFiles(before, snapshot(dir))).toEqual([]);
  });

  it('the base has the bug and no patch touches the value: the base is edited', async () => {
    const files = { 'base/deploy.yaml': baseDeploy('None'), 'base/kustomization.yaml': BASE_KUST, 'o1/kustomization.yaml': o1Kust('  - path: sonarr-image.yaml\n'), 'o1/sonarr-image.yaml': PATCH_IMAGE, 'o2/kustomization.yaml': O2_KUST };
    const src = tree(files);
    expect(where((await lintJson(src)).files, H2C)).toEqual(['base/deploy.yaml:28']);
    const r = await checkFix(src, () => copyOf(src));
    expect(r.changed).toEqual(['base/deploy.yaml']);
    expect(r.after.get('base/deploy.yaml')).toBe(baseDeploy('HostToContainer'));
    expect(where(r.remaining, H2C)).toEqual([]);
  });

  it('an inline strategic-merge patch in the kustomization: the line inside `patch: |-` is edited', async () => {
    const inline = `  # overlay 1 sets the consumer's propagation inline
  - patch: |-
${nonePatch('inline').replace(/^/gm, '      ').trimEnd()}
`;
    const files = { 'base/deploy.yaml': baseDeploy('HostToContainer'), 'base/kustomization.yaml': BASE_KUST, 'o1/kustomization.yaml': o1Kust(inline), 'o2/kustomization.yaml': O2_KUST };
    const src = tree(files);
    expect(where((await lintJson(src)).files, H2C)).toEqual(['o1/kustomization.yaml:20']);
    const r = await checkFix(src, () => copyOf(src));
    expect(r.changed).toEqual(['o1/kustomization.yaml']);
    expect(r.after.get('o1/kustomization.yaml')).toBe(files['o1/kustomization.yaml'].replace('mountPropagation: None # inline', 'mountPropagation: HostToContainer # inline'));
  });

  it('an inline JSON 6902 patch: its `value:` is edited', async () => {
    const json6902 = `  - target: {kind: Deployment, name: sonarr}
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/1/volumeMounts/0/mountPropagation
        value: None
`;
    const files = { 'base/deploy.yaml': baseDeploy('HostToContainer'), 'base/kustomization.yaml': BASE_KUST, 'o1/kustomization.yaml': o1Kust(json6902), 'o2/kustomization.yaml': O2_KUST };
    const src = tree(files);
    expect(where((await lintJson(src)).files, H2C)).toEqual(['o1/kustomization.yaml:10']);
    const r = await checkFix(src, () => copyOf(src));
    expect(r.changed).toEqual(['o1/kustomization.yaml']);
    expect(r.after.get('o1/kustomization.yaml')).toBe(files['o1/kustomization.yaml'].replace('value: None', 'value: HostToContainer'));
  });
});

// ---- 4: fixes in JSON and SARIF --------------------------------------------------------

/** Apply JSON/SARIF-style edits of one file (offsets in its text). */
function applyEdits(text: string, edits: { start: number; end: number; text: string }[]): string {
  const r = applyTextEdits(text, edits.map((e) => ({ file: 'f', ...e })));
  expect(r.skipped).toEqual([]);
  return r.text;
}

describe('fixes as concrete edits in JSON and SARIF', { timeout: 30_000 }, () => {
  const files = { 'base/deploy.yaml': baseDeploy('HostToContainer'), 'base/kustomization.yaml': BASE_KUST, 'o1/kustomization.yaml': o1Kust('  - path: sonarr-propagation.yaml\n'), 'o1/sonarr-propagation.yaml': PATCH_NONE, 'o2/kustomization.yaml': O2_KUST };
  const PATCHED = PATCH_NONE.replace('None # set', 'HostToContainer # set');

  it('JSON: the fix is an edit of the patch file that gives what --fix writes', async () => {
    const dir = tree(files);
    const { files: report } = await lintJson(dir);
    const m = report.flatMap((f) => f.messages).find((x) => x.ruleId === H2C)!;
    expect(m.fix?.edits).toEqual([{ filePath: 'o1/sonarr-propagation.yaml', start: expect.any(Number), end: expect.any(Number), text: 'HostToContainer' }]);
    expect(applyEdits(PATCH_NONE, m.fix!.edits!)).toBe(PATCHED);
  });

  it('SARIF: fixes[].artifactChanges[].replacements agree with the text, by offset and by line/column', async () => {
    const dir = tree(files);
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'ml-fixcorpus-report-')), 'r.sarif');
    await cli(dir, '-f', 'sarif', '-o', out, '.');
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    const results = sarif.runs.flatMap((run: { results: unknown[] }) => run.results) as { ruleId: string; fixes?: { artifactChanges: { artifactLocation: { uri: string }; replacements: { deletedRegion: Record<string, number>; insertedContent: { text: string } }[] }[] }[] }[];
    const res = results.find((x) => x.ruleId === H2C)!;
    expect(res.fixes).toHaveLength(1);
    const [change] = res.fixes![0]!.artifactChanges;
    expect(change!.artifactLocation.uri).toBe('o1/sonarr-propagation.yaml');
    const lines = PATCH_NONE.split('\n');
    const offsetOf = (line: number, col: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
    const edits = change!.replacements.map((rep) => {
      const d = rep.deletedRegion;
      expect(offsetOf(d.startLine!, d.startColumn!)).toBe(d.charOffset);
      expect(offsetOf(d.endLine!, d.endColumn!)).toBe(d.charOffset! + d.charLength!);
      return { start: d.charOffset!, end: d.charOffset! + d.charLength!, text: rep.insertedContent.text };
    });
    expect(applyEdits(PATCH_NONE, edits)).toBe(PATCHED);
    // Suggestions are SARIF fixes too.
    expect(results.find((x) => x.ruleId === 'mounter-liveness-probe')?.fixes?.[0]?.artifactChanges[0]?.artifactLocation.uri).toBe('base/deploy.yaml');
  });

  it('after --fix-dry-run, JSON reports what --fix would leave, edits included (they apply to the fixed text)', async () => {
    const seeds = copyOf(SEEDS, (f) => SEED_FILE.test(f) || f === '.medialint.yaml');
    const dry = await lintJson(seeds, '--fix-dry-run');
    expect(dry.run.stdout).toMatch(/^diff --git /m);
    await cli(seeds, '--fix', '.');
    const after = await lintJson(seeds);
    expect(dry.files).toEqual(after.files);
    // Suggestions keep their concrete edits (they were lost when they were planned on the unfixed text).
    const suggestions = dry.files.flatMap((f) => f.messages.flatMap((m) => m.suggestions ?? []));
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions.filter((s) => !s.edits).map((s) => s.description)).toEqual([]);
  });
});

// ---- bugs this test found, pinned on the edit API -------------------------------------

describe('regressions', () => {
  function edit(text: string, make: (root: YMap) => Parameters<typeof toTextEdits>[0]): string {
    const root = parseSource('f.yaml', text).docs[0]!.node as YMap;
    const e = toTextEdits(make(root), text);
    expect(e).toBeDefined();
    const out = applyEdits(text, e!);
    expect(yamlErrors(out)).toEqual([]);
    return out;
  }

  it('removing a block keeps the comment lines inside it (a trailing comment goes with its value)', () => {
    const t = 'spec:\n  nodeSelector:\n    # node4 has the GPU\n    kubernetes.io/hostname: node4 # pinned\n  containers: []\n';
    expect(edit(t, (r) => ({ op: 'removeKey', map: get(r, 'spec') as YMap, key: 'nodeSelector' }))).toBe('spec:\n    # node4 has the GPU\n  containers: []\n');
  });

  it('replacing a block value keeps its comment lines, below the key', () => {
    const t = 'a:\n  b:\n    # first\n    - 1\n    # second\n    - 2\n  c: 3\n';
    expect(edit(t, (r) => ({ op: 'setKey', map: get(r, 'a') as YMap, key: 'b', value: [3] }))).toBe('a:\n  b:\n    # first\n    # second\n    - 3\n  c: 3\n');
  });

  it('removing the first key of a list item keeps a comment line inside it, above the item', () => {
    const t = '- a:\n    # inside a\n    x: 1\n  b: 2\n- c: 3\n';
    expect(edit(t, (r) => ({ op: 'removeKey', map: get(r, 0) as YMap, key: 'a' }))).toBe('    # inside a\n- b: 2\n- c: 3\n');
  });

  it('a string added to a list whose items are all quoted alike is quoted alike', () => {
    expect(edit('args: ["mount", "r:", "/mnt"]\n', (r) => ({ op: 'insertItem', seq: get(r, 'args') as YSeq, value: '--allow-non-empty', index: 3 }))).toBe('args: ["mount", "r:", "/mnt", "--allow-non-empty"]\n');
    expect(edit("args:\n  - 'mount'\n  - 'r:'\n", (r) => ({ op: 'insertItem', seq: get(r, 'args') as YSeq, value: "it's", index: 1 }))).toBe("args:\n  - 'mount'\n  - 'it''s'\n  - 'r:'\n");
    // Mixed quoting: written as the renderer likes (plain when it reads back the same).
    expect(edit('args: ["mount", r:x]\n', (r) => ({ op: 'insertItem', seq: get(r, 'args') as YSeq, value: '--x' }))).toBe('args: ["mount", r:x, --x]\n');
  });
});

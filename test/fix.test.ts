import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSource } from '../src/load/source.js';
import { get, isMap, items, str, withItems, type YMap, type YNode, type YScalar, type YSeq } from '../src/load/ynode.js';
import type { Edit, Finding, Fix } from '../src/engine/finding.js';
import { applyTextEdits, type TextEdit } from '../src/fix/text-edit.js';
import { toTextEdits } from '../src/fix/yaml-edits.js';
import { fixFiles, parses, planFix, takeFixes } from '../src/fix/apply.js';
import { writeAtomic } from '../src/fix/write.js';
import { unifiedDiff } from '../src/fix/diff.js';
import { tmpDir, useTmpDirs } from './support/tmp.js';

useTmpDirs();

// ---- helpers ---------------------------------------------------------------------------

function rootOf(text: string, doc = 0): YNode {
  const src = parseSource('f.yaml', text);
  expect(src.findings).toEqual([]);
  return src.docs[doc]!.node!;
}

/** Apply one edit to `text` (the root of document `doc` is handed to `pick`). */
function edit(text: string, pick: (root: YNode) => Edit, doc = 0): string {
  const edits = toTextEdits(pick(rootOf(text, doc)), text);
  expect(edits, 'edit should be expressible').toBeDefined();
  const { text: out, skipped } = applyTextEdits(text, edits!);
  expect(skipped).toEqual([]);
  expect(parses(out), `result must parse:\n${out}`).toBe(true);
  return out;
}

const M = (r: YNode, ...p: (string | number)[]) => get(r, ...p) as YMap;
const S = (r: YNode, ...p: (string | number)[]) => get(r, ...p) as YSeq;
const V = (r: YNode, ...p: (string | number)[]) => get(r, ...p) as YScalar;

const POD = `apiVersion: v1
kind: Pod # the kind
metadata:
  name: "web"
  labels: {app: web, tier: 'front'}
spec:
  # containers follow
  containers:
  - name: app
    image: nginx:1.25 # pinned
    args: []
    ports:
      - containerPort: 80
  volumes: []
`;

/** POD with lines replaced: [[oldLine, newLines...]] */
function podWith(...changes: [string, ...string[]][]): string {
  let t = POD;
  for (const [old, ...neu] of changes) {
    expect(t.includes(old + '\n')).toBe(true);
    t = t.replace(old + '\n', neu.map((l) => l + '\n').join(''));
  }
  return t;
}

// ---- text edits ------------------------------------------------------------------------

describe('applyTextEdits', () => {
  const te = (start: number, end: number, text: string): TextEdit => ({ file: 'f', start, end, text });
  test('sorted sweep, overlapping edit skipped and reported', () => {
    const r = applyTextEdits('abcdef', [te(4, 5, 'E'), te(0, 2, 'AB'), te(1, 3, 'x')]);
    expect(r.text).toBe('ABcdEf');
    expect(r.skipped).toEqual([te(1, 3, 'x')]);
  });
  test('insertions at one offset keep their order; insertion at the end of a replacement is fine', () => {
    const r = applyTextEdits('abc', [te(1, 1, '1'), te(1, 1, '2'), te(0, 1, 'A'), te(3, 3, '!')]);
    expect(r.text).toBe('A12bc!');
    expect(r.skipped).toEqual([]);
  });
  test('out of range edits are skipped', () => {
    const r = applyTextEdits('abc', [te(2, 9, 'x'), te(2, 1, 'y')]);
    expect(r.text).toBe('abc');
    expect(r.skipped.length).toBe(2);
  });
});

// ---- setScalar -------------------------------------------------------------------------

describe('setScalar', () => {
  test('double-quoted stays double-quoted', () => {
    expect(edit(POD, (r) => ({ op: 'setScalar', node: V(r, 'metadata', 'name'), value: 'api' }))).toBe(
      podWith(['  name: "web"', '  name: "api"']),
    );
  });
  test('plain stays plain, trailing comment kept', () => {
    expect(edit(POD, (r) => ({ op: 'setScalar', node: V(r, 'spec', 'containers', 0, 'image'), value: 'nginx:1.27' }))).toBe(
      podWith(['    image: nginx:1.25 # pinned', '    image: nginx:1.27 # pinned']),
    );
  });
  test('plain that would change type is double-quoted (YAML 1.1 booleans too)', () => {
    const img = (r: YNode) => V(r, 'spec', 'containers', 0, 'image');
    expect(edit(POD, (r) => ({ op: 'setScalar', node: img(r), value: 'true' }))).toBe(podWith(['    image: nginx:1.25 # pinned', '    image: "true" # pinned']));
    expect(edit(POD, (r) => ({ op: 'setScalar', node: img(r), value: 'yes' }))).toBe(podWith(['    image: nginx:1.25 # pinned', '    image: "yes" # pinned']));
    expect(edit(POD, (r) => ({ op: 'setScalar', node: img(r), value: '0777' }))).toBe(podWith(['    image: nginx:1.25 # pinned', '    image: "0777" # pinned']));
    expect(edit(POD, (r) => ({ op: 'setScalar', node: img(r), value: 'a: b' }))).toBe(podWith(['    image: nginx:1.25 # pinned', '    image: "a: b" # pinned']));
  });
  test('numbers and booleans are written plain', () => {
    expect(edit('a: 1\nb: "x"\n', (r) => ({ op: 'setScalar', node: V(r, 'a'), value: 2 }))).toBe('a: 2\nb: "x"\n');
    expect(edit('a: 1\nb: "x"\n', (r) => ({ op: 'setScalar', node: V(r, 'b'), value: false }))).toBe('a: 1\nb: false\n');
    expect(edit('a: 1\n', (r) => ({ op: 'setScalar', node: V(r, 'a'), value: '2' }))).toBe('a: "2"\n');
  });
  test('single-quoted stays single-quoted', () => {
    expect(edit("a: 'x' # c\n", (r) => ({ op: 'setScalar', node: V(r, 'a'), value: "it's" }))).toBe("a: 'it''s' # c\n");
  });
  test('inside a flow sequence, flow indicators are quoted', () => {
    expect(edit('a: [x, y]\n', (r) => ({ op: 'setScalar', node: V(r, 'a', 0), value: 'p,q' }))).toBe('a: ["p,q", y]\n');
  });
  test('block literal keeps its style and indentation', () => {
    const lit = 'data:\n  script: |\n    echo a\n    echo b\n  other: >-\n    folded\n  after: 1\n';
    expect(edit(lit, (r) => ({ op: 'setScalar', node: V(r, 'data', 'script'), value: 'echo c\nexit 0\n' }))).toBe(
      'data:\n  script: |\n    echo c\n    exit 0\n  other: >-\n    folded\n  after: 1\n',
    );
    expect(edit(lit, (r) => ({ op: 'setScalar', node: V(r, 'data', 'other'), value: 'new' }))).toBe(
      'data:\n  script: |\n    echo a\n    echo b\n  other: >-\n    new\n  after: 1\n',
    );
    expect(edit(lit, (r) => ({ op: 'setScalar', node: V(r, 'data', 'script'), value: 'no newline' }))).toBe(
      'data:\n  script: |-\n    no newline\n  other: >-\n    folded\n  after: 1\n',
    );
  });
  test('an empty value gets one', () => {
    expect(edit('a: # note\nb: 1\n', (r) => ({ op: 'setScalar', node: V(r, 'a'), value: 'x' }))).toBe('a: x # note\nb: 1\n');
  });
  test('the same value is no edit at all', () => {
    expect(toTextEdits({ op: 'setScalar', node: V(rootOf(POD), 'metadata', 'name'), value: 'web' }, POD)).toEqual([]);
  });
  test('a stale position is refused', () => {
    const node = V(rootOf(POD), 'metadata', 'name');
    expect(toTextEdits({ op: 'setScalar', node, value: 'x' }, POD.replace('"web"', '"wob"'))).toBeUndefined();
  });
});

// ---- setKey ----------------------------------------------------------------------------

describe('setKey', () => {
  test('new key after the last pair, at the first key column (map in a compact list)', () => {
    expect(edit(POD, (r) => ({ op: 'setKey', map: M(r, 'spec', 'containers', 0), key: 'imagePullPolicy', value: 'Always' }))).toBe(
      podWith(['      - containerPort: 80', '      - containerPort: 80', '    imagePullPolicy: Always']),
    );
  });
  test('new key with a nested value: block style, lists indented like the file', () => {
    expect(
      edit(POD, (r) => ({
        op: 'setKey',
        map: M(r, 'spec', 'containers', 0),
        key: 'securityContext',
        value: { privileged: false, capabilities: { add: ['SYS_ADMIN'] } },
      })),
    ).toBe(
      podWith([
        '      - containerPort: 80',
        '      - containerPort: 80',
        '    securityContext:',
        '      privileged: false',
        '      capabilities:',
        '        add:',
        '          - SYS_ADMIN',
      ]),
    );
  });
  test('lists follow a file that writes them at the key column', () => {
    const compact = 'spec:\n  containers:\n  - name: a\n    image: x\n  volumes:\n  - name: v\n';
    expect(edit(compact, (r) => ({ op: 'setKey', map: M(r, 'spec', 'containers', 0), key: 'args', value: ['a', 'b c'] }))).toBe(
      'spec:\n  containers:\n  - name: a\n    image: x\n    args:\n    - a\n    - b c\n  volumes:\n  - name: v\n',
    );
  });
  test('4-space files get 4-space nesting', () => {
    const four = 'spec:\n    containers:\n        -   name: a\n            image: x\n    nodeSelector:\n        disk: ssd\n';
    expect(edit(four, (r) => ({ op: 'setKey', map: M(r, 'spec'), key: 'tolerations', value: [{ key: 'k', operator: 'Exists' }] }))).toBe(
      four + '    tolerations:\n        - key: k\n          operator: Exists\n',
    );
    expect(edit(four, (r) => ({ op: 'setKey', map: M(r, 'spec', 'containers', 0), key: 'volumeMounts', value: [{ name: 'm', mountPath: '/m' }] }))).toBe(
      'spec:\n    containers:\n        -   name: a\n            image: x\n            volumeMounts:\n                - name: m\n                  mountPath: /m\n    nodeSelector:\n        disk: ssd\n',
    );
  });
  test('existing scalar value is replaced in place', () => {
    expect(edit(POD, (r) => ({ op: 'setKey', map: M(r, 'spec', 'containers', 0), key: 'image', value: 'nginx:1.27' }))).toBe(
      podWith(['    image: nginx:1.25 # pinned', '    image: nginx:1.27 # pinned']),
    );
  });
  test('existing block value is replaced as a block', () => {
    const t = 'a:\n  b:\n    - 1 # one\n    - 2\n  c: 3\n';
    expect(edit(t, (r) => ({ op: 'setKey', map: M(r, 'a'), key: 'b', value: [3] }))).toBe('a:\n  b:\n    - 3\n  c: 3\n');
    expect(edit(t, (r) => ({ op: 'setKey', map: M(r, 'a'), key: 'b', value: 'none' }))).toBe('a:\n  b: none\n  c: 3\n');
    expect(edit('a:\n  b: x # note\n  c: 3\n', (r) => ({ op: 'setKey', map: M(r, 'a'), key: 'b', value: { d: 1 } }))).toBe(
      'a:\n  b: # note\n    d: 1\n  c: 3\n',
    );
  });
  test('empty values (`key:`) are filled', () => {
    const t = 'spec:\n  securityContext:\n  containers: # list\n  hostNetwork: # c\n';
    expect(edit(t, (r) => ({ op: 'setKey', map: M(r, 'spec'), key: 'containers', value: [{ name: 'a' }] }))).toBe(
      'spec:\n  securityContext:\n  containers: # list\n    - name: a\n  hostNetwork: # c\n',
    );
    expect(edit(t, (r) => ({ op: 'setKey', map: M(r, 'spec'), key: 'hostNetwork', value: false }))).toBe(
      'spec:\n  securityContext:\n  containers: # list\n  hostNetwork: false # c\n',
    );
    expect(edit(t, (r) => ({ op: 'setKey', map: M(r, 'spec'), key: 'securityContext', value: {} }))).toBe(
      'spec:\n  securityContext: {}\n  containers: # list\n  hostNetwork: # c\n',
    );
  });
  test('`after` places the new key after a given one', () => {
    expect(edit('a: 1\nb: 2\nc: 3\n', (r) => ({ op: 'setKey', map: M(r), key: 'x', value: 9, after: 'a' }))).toBe('a: 1\nx: 9\nb: 2\nc: 3\n');
  });
  test('keys and values that need quoting are quoted', () => {
    expect(edit('a:\n  b: 1\n', (r) => ({ op: 'setKey', map: M(r, 'a'), key: 'x: y', value: 'on' }))).toBe('a:\n  b: 1\n  "x: y": "on"\n');
  });
  test('flow map: `, key: value` before the brace; existing key replaced', () => {
    expect(edit(POD, (r) => ({ op: 'setKey', map: M(r, 'metadata', 'labels'), key: 'env', value: 'prod' }))).toBe(
      podWith(["  labels: {app: web, tier: 'front'}", "  labels: {app: web, tier: 'front', env: prod}"]),
    );
    expect(edit(POD, (r) => ({ op: 'setKey', map: M(r, 'metadata', 'labels'), key: 'tier', value: 'back' }))).toBe(
      podWith(["  labels: {app: web, tier: 'front'}", "  labels: {app: web, tier: 'back'}"]),
    );
    expect(edit('x: {a: [1, 2], b: {c: d}}\n', (r) => ({ op: 'setKey', map: M(r, 'x', 'b'), key: 'e', value: [1, 'two words', 'a,b'] }))).toBe(
      'x: {a: [1, 2], b: {c: d, e: [1, two words, "a,b"]}}\n',
    );
  });
  test('`{}` becomes a flow map holding the key', () => {
    expect(edit('x: {}\n', (r) => ({ op: 'setKey', map: M(r, 'x'), key: 'e', value: { f: 1 } }))).toBe('x: {e: {f: 1}}\n');
  });
  test('new key goes before trailing comments and document markers', () => {
    expect(edit('a:\n  b: 1\n  # trailing about b\nc: 2\n', (r) => ({ op: 'setKey', map: M(r, 'a'), key: 'z', value: 1 }))).toBe(
      'a:\n  b: 1\n  z: 1\n  # trailing about b\nc: 2\n',
    );
    expect(edit('a: 1\n---\nb: 2\n# end\n---\nc: 3\n', (r) => ({ op: 'setKey', map: M(r), key: 'z', value: 'yes' }), 1)).toBe(
      'a: 1\n---\nb: 2\nz: "yes"\n# end\n---\nc: 3\n',
    );
  });
  test('after a keep-chomped block scalar, its trailing blank line stays with it', () => {
    const t = 'data:\n  keep: |+\n    x\n\n  after: 1\n';
    expect(edit(t, (r) => ({ op: 'setKey', map: M(r, 'data'), key: 'z', value: 'q', after: 'keep' }))).toBe(
      'data:\n  keep: |+\n    x\n\n  z: q\n  after: 1\n',
    );
  });
  test('a key merged in with `<<` is overridden in the map itself', () => {
    const t = 'base: &b\n  x: 1\nthing:\n  <<: *b\n  y: 2\n';
    expect(edit(t, (r) => ({ op: 'setKey', map: M(r, 'thing'), key: 'x', value: 5 }))).toBe(t + '  x: 5\n');
  });
  test('file without a final newline', () => {
    expect(edit('a: 1\nb:\n  - x', (r) => ({ op: 'setKey', map: M(r), key: 'c', value: 2 }))).toBe('a: 1\nb:\n  - x\nc: 2');
  });
  test('same value again is a no-op', () => {
    const t = 'a:\n  b: [1, 2]\n  c:\n    d: x\n';
    const r = rootOf(t);
    expect(toTextEdits({ op: 'setKey', map: M(r, 'a'), key: 'b', value: [1, 2] }, t)).toEqual([]);
    expect(toTextEdits({ op: 'setKey', map: M(r, 'a'), key: 'c', value: { d: 'x' } }, t)).toEqual([]);
  });
});

// ---- kustomize: a map whose pairs come from a base and a patch --------------------------

describe('maps merged from several files', () => {
  const base = 'spec:\n  containers:\n  - name: app\n    image: nginx:1.25\n    securityContext:\n      runAsUser: 0\n';
  const patch = '# overlay\n- name: app\n  image: nginx:1.27 # pinned by the overlay\n  securityContext:\n    runAsUser: 1000\n';
  /** The base container with `image` and `securityContext` as the patch set them. */
  function merged(): YMap {
    const b = M(parseSource('base.yaml', base).docs[0]!.node!, 'spec', 'containers', 0);
    const p = M(parseSource('patch.yaml', patch).docs[0]!.node!, 0);
    const fromPatch = new Map(p.items.map((x) => [x.key, x]));
    return withItems(b, b.items.map((x) => (x.key === 'name' ? x : fromPatch.get(x.key) ?? x)));
  }
  test('setKey on a key the patch set edits the patch', () => {
    const m = merged();
    const e: Edit = { op: 'setKey', map: m, key: 'image', value: 'nginx:1.28' };
    const plan = planFix({ description: 'bump', edits: [e] }, (f) => (f === 'patch.yaml' ? patch : f === 'base.yaml' ? base : undefined));
    expect(plan).toEqual([{ file: 'patch.yaml', start: patch.indexOf('nginx:1.27'), end: patch.indexOf('nginx:1.27') + 10, text: 'nginx:1.28' }]);
  });
  test('setPath walks into a map the patch wrote, and adds the key there', () => {
    const m = merged();
    const e: Edit = { op: 'setPath', map: m, path: ['securityContext', 'privileged'], value: false };
    const plan = planFix({ description: 'p', edits: [e] }, (f) => (f === 'patch.yaml' ? patch : f === 'base.yaml' ? base : undefined));
    expect(Array.isArray(plan)).toBe(true);
    expect(applyTextEdits(patch, plan as TextEdit[]).text).toBe(patch + '    privileged: false\n');
  });
  test('a new key goes into the map\'s own file', () => {
    const m = merged();
    const plan = planFix({ description: 'p', edits: [{ op: 'setKey', map: m, key: 'stdin', value: true }] }, (f) => (f === 'patch.yaml' ? patch : f === 'base.yaml' ? base : undefined));
    // After the last pair the map itself holds in its file (the others are the patch's).
    expect(applyTextEdits(base, plan as TextEdit[]).text).toBe(base.replace('  - name: app\n', '  - name: app\n    stdin: true\n'));
  });
});

// ---- CRLF ------------------------------------------------------------------------------

describe('CRLF files get CRLF lines', () => {
  const crlf = 'spec:\r\n  containers:\r\n    - name: a # c\r\n      image: x\r\n  volumes:\r\n  - name: v\r\n';
  test('setPath', () => {
    expect(edit(crlf, (r) => ({ op: 'setPath', map: M(r, 'spec', 'containers', 0), path: ['securityContext', 'privileged'], value: false }))).toBe(
      'spec:\r\n  containers:\r\n    - name: a # c\r\n      image: x\r\n      securityContext:\r\n        privileged: false\r\n  volumes:\r\n  - name: v\r\n',
    );
  });
  test('insertItem', () => {
    expect(edit(crlf, (r) => ({ op: 'insertItem', seq: S(r, 'spec', 'volumes'), value: { name: 'w', emptyDir: {} } }))).toBe(
      'spec:\r\n  containers:\r\n    - name: a # c\r\n      image: x\r\n  volumes:\r\n  - name: v\r\n  - name: w\r\n    emptyDir: {}\r\n',
    );
  });
  test('removeKey and removeItem', () => {
    expect(edit(crlf, (r) => ({ op: 'removeKey', map: M(r, 'spec'), key: 'containers' }))).toBe('spec:\r\n  volumes:\r\n  - name: v\r\n');
    expect(edit(crlf, (r) => ({ op: 'removeItem', seq: S(r, 'spec', 'volumes'), index: 0 }))).toBe(
      'spec:\r\n  containers:\r\n    - name: a # c\r\n      image: x\r\n  volumes: []\r\n',
    );
  });
  test('block scalar', () => {
    expect(edit('s: |\r\n  a\r\n  b\r\nt: 1\r\n', (r) => ({ op: 'setScalar', node: V(r, 's'), value: 'c\nd\n' }))).toBe('s: |\r\n  c\r\n  d\r\nt: 1\r\n');
  });
});

// ---- removeKey -------------------------------------------------------------------------

describe('removeKey', () => {
  test('removes the pair and its whole value block', () => {
    expect(edit(POD, (r) => ({ op: 'removeKey', map: M(r, 'spec', 'containers', 0), key: 'ports' }))).toBe(
      podWith(['    ports:'], ['      - containerPort: 80']),
    );
  });
  test('first key of a list item: the next key moves onto the dash line', () => {
    expect(edit(POD, (r) => ({ op: 'removeKey', map: M(r, 'spec', 'containers', 0), key: 'name' }))).toBe(
      podWith(['  - name: app'], ['    image: nginx:1.25 # pinned', '  - image: nginx:1.25 # pinned']),
    );
    expect(edit('- a: 1 # x\n  b: 2\n- c: 3\n', (r) => ({ op: 'removeKey', map: M(r, 0), key: 'a' }))).toBe('- b: 2\n- c: 3\n');
  });
  test('the last key leaves `{}`', () => {
    expect(edit('- a: 1\n- b: 2\n', (r) => ({ op: 'removeKey', map: M(r, 0), key: 'a' }))).toBe('- {}\n- b: 2\n');
    expect(edit('spec:\n    nodeSelector: # pick\n        disk: ssd\n    x: 1\n', (r) => ({ op: 'removeKey', map: M(r, 'spec', 'nodeSelector'), key: 'disk' }))).toBe(
      'spec:\n    nodeSelector: {} # pick\n    x: 1\n',
    );
  });
  test('comment lines around the pair stay', () => {
    expect(edit('a: 1\n# about b\nb:\n  c: 2\n# about d\nd: 3\n', (r) => ({ op: 'removeKey', map: M(r), key: 'b' }))).toBe('a: 1\n# about b\n# about d\nd: 3\n');
  });
  test('flow map entries', () => {
    expect(edit(POD, (r) => ({ op: 'removeKey', map: M(r, 'metadata', 'labels'), key: 'tier' }))).toBe(podWith(["  labels: {app: web, tier: 'front'}", '  labels: {app: web}']));
    expect(edit(POD, (r) => ({ op: 'removeKey', map: M(r, 'metadata', 'labels'), key: 'app' }))).toBe(podWith(["  labels: {app: web, tier: 'front'}", "  labels: {tier: 'front'}"]));
    expect(edit('x: {a: 1}\n', (r) => ({ op: 'removeKey', map: M(r, 'x'), key: 'a' }))).toBe('x: {}\n');
  });
  test('last line without a newline', () => {
    expect(edit('a: 1\nb:\n  - x', (r) => ({ op: 'removeKey', map: M(r), key: 'b' }))).toBe('a: 1');
  });
  test('absent key: nothing to do', () => {
    expect(toTextEdits({ op: 'removeKey', map: M(rootOf(POD), 'spec'), key: 'nope' }, POD)).toEqual([]);
  });
});

// ---- insertItem / removeItem -----------------------------------------------------------

describe('insertItem and removeItem', () => {
  test('block list: `- value` after the last item at its column', () => {
    expect(edit(POD, (r) => ({ op: 'insertItem', seq: S(r, 'spec', 'containers', 0, 'ports'), value: { containerPort: 443, protocol: 'TCP' } }))).toBe(
      podWith(['      - containerPort: 80', '      - containerPort: 80', '      - containerPort: 443', '        protocol: TCP']),
    );
    expect(edit(POD, (r) => ({ op: 'insertItem', seq: S(r, 'spec', 'containers'), value: { name: 'side', image: 'busybox', args: ['a', 'b'] } }))).toBe(
      podWith(['      - containerPort: 80', '      - containerPort: 80', '  - name: side', '    image: busybox', '    args:', '      - a', '      - b']),
    );
  });
  test('block list at an index', () => {
    expect(edit('x:\n  - 1\n  - 2\n', (r) => ({ op: 'insertItem', seq: S(r, 'x'), value: 0, index: 1 }))).toBe('x:\n  - 1\n  - 0\n  - 2\n');
  });
  test('nested list on a dash line', () => {
    expect(edit('- - a\n  - b\n- c\n', (r) => ({ op: 'insertItem', seq: S(r, 0), value: 'z' }))).toBe('- - a\n  - b\n  - z\n- c\n');
    expect(edit('- - a\n  - b\n- c\n', (r) => ({ op: 'removeItem', seq: S(r, 0), index: 0 }))).toBe('- - b\n- c\n');
  });
  test('flow lists', () => {
    expect(edit(POD, (r) => ({ op: 'insertItem', seq: S(r, 'spec', 'containers', 0, 'args'), value: '--x=1' }))).toBe(podWith(['    args: []', '    args: [--x=1]']));
    expect(edit('x: [1,2]\n', (r) => ({ op: 'insertItem', seq: S(r, 'x'), value: 3 }))).toBe('x: [1,2,3]\n');
    expect(edit('x: [a, b]\n', (r) => ({ op: 'insertItem', seq: S(r, 'x'), value: 'c d' }))).toBe('x: [a, b, c d]\n');
    expect(edit('x: [1,2]\n', (r) => ({ op: 'insertItem', seq: S(r, 'x'), value: 0, index: 0 }))).toBe('x: [0,1,2]\n');
    expect(edit('x: [1, 2, 3]\n', (r) => ({ op: 'removeItem', seq: S(r, 'x'), index: 2 }))).toBe('x: [1, 2]\n');
    expect(edit('x: [1, 2, 3]\n', (r) => ({ op: 'removeItem', seq: S(r, 'x'), index: 0 }))).toBe('x: [2, 3]\n');
    expect(edit('x: [1]\n', (r) => ({ op: 'removeItem', seq: S(r, 'x'), index: 0 }))).toBe('x: []\n');
  });
  test('removing a block item takes its lines; the last one leaves `[]` on the key line', () => {
    expect(edit('v:\n- a # first\n- b\n- c\n', (r) => ({ op: 'removeItem', seq: S(r, 'v'), index: 1 }))).toBe('v:\n- a # first\n- c\n');
    expect(edit(POD, (r) => ({ op: 'removeItem', seq: S(r, 'spec', 'containers', 0, 'ports'), index: 0 }))).toBe(
      podWith(['    ports:', '    ports: []'], ['      - containerPort: 80']),
    );
    expect(edit('a: 1\nb:\n  - x', (r) => ({ op: 'removeItem', seq: S(r, 'b'), index: 0 }))).toBe('a: 1\nb: []');
  });
  test('an index out of range is refused', () => {
    expect(toTextEdits({ op: 'removeItem', seq: S(rootOf(POD), 'spec', 'containers'), index: 3 }, POD)).toBeUndefined();
  });
});

// ---- replaceText / setPath -------------------------------------------------------------

describe('replaceText and setPath', () => {
  test('replaceText replaces the exact span', () => {
    const t = 'command: ["sh", "-c", "rclone mount r: /mnt --allow-other"]\n';
    const node = V(rootOf(t), 'command', 2);
    const at = t.indexOf('--allow-other');
    const loc = { ...node.loc!, start: at, end: at + '--allow-other'.length };
    expect(edit(t, () => ({ op: 'replaceText', loc, text: '--allow-non-empty' }))).toBe('command: ["sh", "-c", "rclone mount r: /mnt --allow-non-empty"]\n');
  });
  test('setPath creating one level', () => {
    expect(edit(POD, (r) => ({ op: 'setPath', map: M(r, 'spec', 'containers', 0), path: ['securityContext', 'privileged'], value: true }))).toBe(
      podWith(['      - containerPort: 80', '      - containerPort: 80', '    securityContext:', '      privileged: true']),
    );
  });
  test('setPath creating two levels', () => {
    expect(
      edit(POD, (r) => ({ op: 'setPath', map: M(r, 'spec', 'containers', 0), path: ['securityContext', 'capabilities', 'add'], value: ['SYS_ADMIN'] })),
    ).toBe(
      podWith(['      - containerPort: 80', '      - containerPort: 80', '    securityContext:', '      capabilities:', '        add:', '          - SYS_ADMIN']),
    );
  });
  test('setPath walks existing maps and fills an empty one', () => {
    const t = 'spec:\n  securityContext:\n    runAsUser: 0\n  template:\n';
    expect(edit(t, (r) => ({ op: 'setPath', map: M(r, 'spec'), path: ['securityContext', 'privileged'], value: false }))).toBe(
      'spec:\n  securityContext:\n    runAsUser: 0\n    privileged: false\n  template:\n',
    );
    expect(edit(t, (r) => ({ op: 'setPath', map: M(r, 'spec'), path: ['template', 'spec', 'hostPID'], value: false }))).toBe(
      'spec:\n  securityContext:\n    runAsUser: 0\n  template:\n    spec:\n      hostPID: false\n',
    );
    expect(edit(t, (r) => ({ op: 'setPath', map: M(r, 'spec'), path: ['securityContext', 'runAsUser'], value: 1000 }))).toBe(
      'spec:\n  securityContext:\n    runAsUser: 1000\n  template:\n',
    );
  });
  test('setPath through a scalar is refused', () => {
    const t = 'spec:\n  securityContext: x\n';
    expect(toTextEdits({ op: 'setPath', map: M(rootOf(t), 'spec'), path: ['securityContext', 'privileged'], value: false }, t)).toBeUndefined();
  });
});

// ---- the fixer -------------------------------------------------------------------------

/** A toy linter: every container must set securityContext.privileged: false and a memory limit label. */
type Rule = (file: string, root: YNode) => Omit<Finding, 'severity' | 'message'>[];

function linter(...rules: Rule[]) {
  let calls = 0;
  const lint = (files: Map<string, string>): Finding[] => {
    calls++;
    const out: Finding[] = [];
    for (const [p, text] of files) {
      const src = parseSource(p, text);
      out.push(...src.findings);
      for (const d of src.docs) {
        if (!d.node) continue;
        for (const rule of rules) for (const f of rule(p, d.node)) out.push({ severity: 'warning', message: f.ruleId, ...f });
      }
    }
    return out;
  };
  return { lint, calls: () => calls };
}

const containersOf = (root: YNode) => items(get(root, 'spec', 'containers')).filter(isMap);

const privileged: Rule = (_f, root) =>
  containersOf(root)
    .filter((c) => get(c, 'securityContext', 'privileged') === undefined)
    .map((c) => ({
      ruleId: 'privileged',
      loc: c.loc!,
      fix: { description: 'set privileged: false', edits: [{ op: 'setPath', map: c, path: ['securityContext', 'privileged'], value: false }] },
    }));

const pullPolicy: Rule = (_f, root) =>
  containersOf(root)
    .filter((c) => get(c, 'imagePullPolicy') === undefined)
    .map((c) => ({
      ruleId: 'pull-policy',
      loc: c.loc!,
      fix: { description: 'add imagePullPolicy', edits: [{ op: 'setKey', map: c, key: 'imagePullPolicy', value: 'IfNotPresent' }] },
    }));

describe('fixFiles', () => {
  test('fixes touching the same spot go in separate passes; the second run changes nothing', async () => {
    const { lint } = linter(privileged, pullPolicy);
    const r = await fixFiles({ files: new Map([['p.yaml', POD]]), lint, suggestions: false });
    expect(r.passes).toBe(2);
    expect(r.applied.map((a) => a.finding.ruleId).sort()).toEqual(['privileged', 'pull-policy']);
    expect(r.remaining).toEqual([]);
    expect(r.problems).toEqual([]);
    const out = r.files.get('p.yaml')!;
    expect(out).toBe(
      podWith([
        '      - containerPort: 80',
        '      - containerPort: 80',
        // same position: `privileged` sorts first, `pull-policy` waits a pass
        '    securityContext:',
        '      privileged: false',
        '    imagePullPolicy: IfNotPresent',
      ]),
    );
    const again = await fixFiles({ files: new Map([['p.yaml', out]]), lint, suggestions: false });
    expect(again.files.size).toBe(0);
    expect(again.passes).toBe(0);
  });

  test('two containers are fixed in one pass', async () => {
    const two = POD.replace('  volumes: []\n', '  - name: b\n    image: busybox\n  volumes: []\n');
    const { lint } = linter(privileged);
    const r = await fixFiles({ files: new Map([['p.yaml', two]]), lint, suggestions: false });
    expect(r.passes).toBe(1);
    expect(r.applied.length).toBe(2);
    expect(r.files.get('p.yaml')).toBe(
      POD.replace(
        '      - containerPort: 80\n  volumes: []\n',
        '      - containerPort: 80\n    securityContext:\n      privileged: false\n  - name: b\n    image: busybox\n    securityContext:\n      privileged: false\n  volumes: []\n',
      ),
    );
  });

  test('a fix whose result would not parse is refused and reported', async () => {
    const bad: Rule = (_f, root) => {
      const name = get(root, 'metadata', 'name');
      if (str(name) !== 'web') return [];
      return [{ ruleId: 'bad', loc: name!.loc!, fix: { description: 'break it', edits: [{ op: 'replaceText', loc: name!.loc!, text: '[unclosed' }] } }];
    };
    const { lint } = linter(bad);
    const r = await fixFiles({ files: new Map([['p.yaml', POD]]), lint, suggestions: false });
    expect(r.files.size).toBe(0);
    expect(r.applied).toEqual([]);
    expect(r.remaining.map((f) => f.ruleId)).toEqual(['bad']);
    expect(r.problems).toEqual(['p.yaml: fix "break it" (bad) not applied: the file would no longer be valid YAML.']);
  });

  test('a fix that breaks the file is refused alone: the other fixes of the file still go in', async () => {
    const bad: Rule = (_f, root) => {
      const name = get(root, 'metadata', 'name');
      if (str(name) !== 'web') return [];
      return [{ ruleId: 'bad', loc: name!.loc!, fix: { description: 'break it', edits: [{ op: 'replaceText', loc: name!.loc!, text: '[unclosed' }] } }];
    };
    const { lint } = linter(bad, privileged);
    const r = await fixFiles({ files: new Map([['p.yaml', POD]]), lint, suggestions: false });
    expect(r.files.get('p.yaml')).toBe(podWith(['      - containerPort: 80', '      - containerPort: 80', '    securityContext:', '      privileged: false']));
    expect(r.applied.map((a) => a.finding.ruleId)).toEqual(['privileged']);
    expect(r.remaining.map((f) => f.ruleId)).toEqual(['bad']);
    expect(r.problems).toEqual(['p.yaml: fix "break it" (bad) not applied: the file would no longer be valid YAML.']);
  });

  test('two fixes that together add a duplicate key: the one that changes a key goes first, the one that adds it waits a pass', async () => {
    // `policy` sets imagePullPolicy: IfNotPresent, adding the key (its finding sorts first);
    // `typo` renames imagePullPolicyy to imagePullPolicy. Each alone is fine; together, a
    // duplicate key.
    const policy: Rule = (_f, root) =>
      containersOf(root)
        .filter((c) => str(get(c, 'imagePullPolicy')) !== 'IfNotPresent')
        .map((c) => ({ ruleId: 'policy', loc: c.loc!, fix: { description: 'IfNotPresent', edits: [{ op: 'setKey', map: c, key: 'imagePullPolicy', value: 'IfNotPresent' }] } }));
    const typo: Rule = (_f, root) =>
      containersOf(root).flatMap((c) => c.items.filter((p) => p.key === 'imagePullPolicyy').map((p) => ({
        ruleId: 'typo',
        loc: p.keyLoc!,
        fix: { description: 'rename', edits: [{ op: 'replaceText' as const, loc: p.keyLoc!, text: 'imagePullPolicy' }] },
      })));
    const t = POD.replace('    args: []\n', '    args: []\n    imagePullPolicyy: Always # sic\n');
    const { lint } = linter(policy, typo);
    const r = await fixFiles({ files: new Map([['p.yaml', t]]), lint, suggestions: false });
    // Pass 1 renames; pass 2 sets the value of the key that now exists.
    expect(r.files.get('p.yaml')).toBe(POD.replace('    args: []\n', '    args: []\n    imagePullPolicy: IfNotPresent # sic\n'));
    expect(r.passes).toBe(2);
    expect(r.applied.map((a) => a.finding.ruleId)).toEqual(['typo', 'policy']);
    expect(r.problems).toEqual([]);
    expect(r.remaining).toEqual([]);
  });

  test('takeFixes: one bad fix among many costs a few checks; clashing and breaking fixes told apart', () => {
    // 0..99 fit together, except 37 (breaks on its own) and 60 (clashes with 10).
    const fits = (xs: readonly number[]) => !xs.includes(37) && !(xs.includes(10) && xs.includes(60));
    let calls = 0;
    const r = takeFixes(Array.from({ length: 100 }, (_, i) => i), (xs) => (calls++, fits(xs)));
    expect(r.breaking).toEqual([37]);
    expect(r.waiting).toEqual([60]);
    expect(r.taken).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 37 && i !== 60));
    expect(calls).toBeLessThan(40);
  });

  test('all edits of a fix or none: a fix spanning two files is dropped when one breaks', async () => {
    const other = 'x: 1\n';
    const both: Rule = (file, root) => {
      if (file !== 'p.yaml' || str(get(root, 'metadata', 'name')) !== 'web') return [];
      const nameNode = get(root, 'metadata', 'name')!;
      const x = get(rootOf(other), 'x')!;
      const xLoc = { ...x.loc!, file: 'o.yaml' };
      return [{
        ruleId: 'two-files',
        loc: nameNode.loc!,
        fix: { description: 'both', edits: [{ op: 'replaceText', loc: nameNode.loc!, text: '"ok"' }, { op: 'replaceText', loc: xLoc, text: '{' }] },
      }];
    };
    const { lint } = linter(both);
    const r = await fixFiles({ files: new Map([['p.yaml', POD], ['o.yaml', other]]), lint, suggestions: false });
    expect(r.files.size).toBe(0);
    expect(r.problems.length).toBe(1);
  });

  test('files that may not be written are left alone', async () => {
    const { lint } = linter(privileged);
    const r = await fixFiles({ files: new Map([['p.yaml', POD]]), lint, suggestions: false, canWrite: () => false });
    expect(r.files.size).toBe(0);
    expect(r.remaining.map((f) => f.ruleId)).toEqual(['privileged']);
    expect(r.problems[0]).toMatch(/p\.yaml is not among the files being fixed/);
  });

  test('suggestions are applied only when asked for', async () => {
    const suggest: Rule = (_f, root) =>
      containersOf(root)
        .filter((c) => get(c, 'stdin') === undefined)
        .map((c) => ({ ruleId: 'stdin', loc: c.loc!, suggestions: [{ description: 'add stdin', edits: [{ op: 'setKey', map: c, key: 'stdin', value: true }] }] }));
    const { lint } = linter(suggest);
    expect((await fixFiles({ files: new Map([['p.yaml', POD]]), lint, suggestions: false })).files.size).toBe(0);
    const r = await fixFiles({ files: new Map([['p.yaml', POD]]), lint, suggestions: true });
    expect(r.files.get('p.yaml')).toBe(podWith(['      - containerPort: 80', '      - containerPort: 80', '    stdin: true']));
  });

  test('fixes that undo each other stop at the cycle', async () => {
    const flip: Rule = (_f, root) => {
      const n = get(root, 'a') as YScalar;
      return [{ ruleId: 'flip', loc: n.loc!, fix: { description: 'flip', edits: [{ op: 'setScalar', node: n, value: n.value === 1 ? 2 : 1 }] } }];
    };
    const { lint, calls } = linter(flip);
    const r = await fixFiles({ files: new Map([['a.yaml', 'a: 1\n']]), lint, suggestions: false });
    expect(r.passes).toBe(2);
    expect(r.problems[0]).toMatch(/undo each other/);
    expect(calls()).toBe(3);
    expect(r.files.size).toBe(0); // back to the original text
  });

  test('at most 10 passes', async () => {
    const inc: Rule = (_f, root) => {
      const n = get(root, 'a') as YScalar;
      return [{ ruleId: 'inc', loc: n.loc!, fix: { description: 'inc', edits: [{ op: 'setScalar', node: n, value: (n.value as number) + 1 }] } }];
    };
    const { lint } = linter(inc);
    const r = await fixFiles({ files: new Map([['a.yaml', 'a: 1\n']]), lint, suggestions: false });
    expect(r.passes).toBe(10);
    expect(r.files.get('a.yaml')).toBe('a: 11\n');
    expect(r.remaining.length).toBe(1);
  });

  test('the same fix reported twice (one base, two overlays) is applied once, for both', async () => {
    const { lint } = linter(privileged, privileged);
    const r = await fixFiles({ files: new Map([['p.yaml', POD]]), lint, suggestions: false });
    expect(r.passes).toBe(1);
    expect(r.applied.length).toBe(2);
    expect(r.files.get('p.yaml')).toBe(podWith(['      - containerPort: 80', '      - containerPort: 80', '    securityContext:', '      privileged: false']));
  });

  test('a fix whose own edits overlap is refused', () => {
    const r = rootOf(POD);
    const name = V(r, 'metadata', 'name');
    const fix: Fix = { description: 'twice', edits: [{ op: 'setScalar', node: name, value: 'a' }, { op: 'setScalar', node: name, value: 'b' }] };
    expect(planFix(fix, () => POD)).toBe('its edits overlap');
  });

  test('two setPath edits of one fix create the parent once', () => {
    const r = rootOf(POD);
    const c = M(r, 'spec', 'containers', 0);
    const fix: Fix = {
      description: 'harden',
      edits: [
        { op: 'setPath', map: c, path: ['securityContext', 'privileged'], value: false },
        { op: 'setPath', map: c, path: ['securityContext', 'allowPrivilegeEscalation'], value: false },
        { op: 'setKey', map: c, key: 'imagePullPolicy', value: 'Always' },
      ],
    };
    const edits = planFix(fix, () => POD);
    expect(Array.isArray(edits)).toBe(true);
    expect(applyTextEdits(POD, edits as TextEdit[]).text).toBe(
      podWith([
        '      - containerPort: 80',
        '      - containerPort: 80',
        '    securityContext:',
        '      privileged: false',
        '      allowPrivilegeEscalation: false',
        '    imagePullPolicy: Always',
      ]),
    );
  });
});

// ---- writeAtomic -----------------------------------------------------------------------

describe('writeAtomic', () => {
  const tmp = () => tmpDir('medialint-write-');
  const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

  test('writes, keeps the mode, leaves no temp file (and is synchronous)', () => {
    const dir = tmp();
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'a: 1\n');
    fs.chmodSync(f, 0o640);
    expect(writeAtomic(f, 'a: 2\n', { expectedOriginal: 'a: 1\n' })).toBeUndefined();
    expect(fs.readFileSync(f, 'utf8')).toBe('a: 2\n');
    expect(fs.statSync(f).mode & 0o777).toBe(0o640);
    expect(leftovers(dir)).toEqual([]);
  });

  test('refuses a file changed since it was read', () => {
    const dir = tmp();
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'a: 1 # edited meanwhile\n');
    const err = writeAtomic(f, 'a: 2\n', { expectedOriginal: 'a: 1\n' });
    expect(err).toMatch(/changed on disk since medialint read it/);
    expect(fs.readFileSync(f, 'utf8')).toBe('a: 1 # edited meanwhile\n');
    expect(leftovers(dir)).toEqual([]);
  });

  test('refuses a file changed while the temp file was being written', () => {
    const dir = tmp();
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'a: 1\n');
    let reads = 0;
    const err = writeAtomic(f, 'a: 2\n', {
      expectedOriginal: 'a: 1\n',
      fs: { readFileSync: (p) => (++reads === 1 ? fs.readFileSync(p) : Buffer.from('a: 3\n')) },
    });
    expect(err).toMatch(/changed on disk while medialint was writing it/);
    expect(fs.readFileSync(f, 'utf8')).toBe('a: 1\n');
    expect(leftovers(dir)).toEqual([]);
  });

  test('refuses a read-only file (0444), even for root', () => {
    const dir = tmp();
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'a: 1\n');
    fs.chmodSync(f, 0o444);
    const err = writeAtomic(f, 'a: 2\n', { expectedOriginal: 'a: 1\n' });
    expect(err).toMatch(/is read-only; not written/);
    expect(fs.readFileSync(f, 'utf8')).toBe('a: 1\n');
    expect(leftovers(dir)).toEqual([]);
  });

  test('a directory that cannot be written to (simulated: open fails with EACCES)', () => {
    const dir = tmp();
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'a: 1\n');
    const eacces = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const err = writeAtomic(f, 'a: 2\n', { expectedOriginal: 'a: 1\n', fs: { openSync: () => { throw eacces; } } });
    expect(err).toBe(`${f} could not be written: permission denied (the file or its directory is not writable); left unchanged.`);
    expect(fs.readFileSync(f, 'utf8')).toBe('a: 1\n');
  });

  test('a failing rename (ENOSPC) removes the temp file and keeps the original', () => {
    const dir = tmp();
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'a: 1\n');
    let tmpSeen = '';
    const enospc = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const err = writeAtomic(f, 'a: 2\n', {
      expectedOriginal: 'a: 1\n',
      fs: {
        renameSync: (from) => {
          tmpSeen = from;
          expect(fs.readFileSync(from, 'utf8')).toBe('a: 2\n');
          throw enospc;
        },
      },
    });
    expect(err).toMatch(/no space left on the device; left unchanged/);
    expect(path.dirname(tmpSeen)).toBe(fs.realpathSync(dir));
    expect(fs.existsSync(tmpSeen)).toBe(false);
    expect(fs.readFileSync(f, 'utf8')).toBe('a: 1\n');
    expect(leftovers(dir)).toEqual([]);
  });

  test('writes through a symlink and keeps a byte order mark', () => {
    const dir = tmp();
    const real = path.join(dir, 'real.yaml');
    const link = path.join(dir, 'link.yaml');
    fs.writeFileSync(real, '\uFEFFa: 1\n');
    fs.symlinkSync('real.yaml', link);
    expect(writeAtomic(link, 'a: 2\n', { expectedOriginal: 'a: 1\n' })).toBeUndefined();
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('\uFEFFa: 2\n');
  });

  test('a missing file', () => {
    const dir = tmp();
    expect(writeAtomic(path.join(dir, 'gone.yaml'), 'a: 2\n', { expectedOriginal: 'a: 1\n' })).toMatch(/no longer exists/);
  });
});

// ---- unifiedDiff -----------------------------------------------------------------------

describe('unifiedDiff', () => {
  function patchApplies(rel: string, before: string, after: string): void {
    const dir = tmpDir('medialint-diff-');
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, before);
    const d = unifiedDiff(rel, before, after);
    fs.writeFileSync(path.join(dir, 'fix.patch'), d);
    execFileSync('patch', ['-p1', '--quiet', '--batch', '-i', 'fix.patch'], { cwd: dir });
    expect(fs.readFileSync(f, 'utf8')).toBe(after);
  }

  test('git-style headers', () => {
    expect(unifiedDiff('k8s/pod.yaml', 'a: 1\nb: 2\n', 'a: 1\nb: 3\n')).toBe(
      'diff --git a/k8s/pod.yaml b/k8s/pod.yaml\n--- a/k8s/pod.yaml\n+++ b/k8s/pod.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n',
    );
    expect(unifiedDiff('x.yaml', 'same\n', 'same\n')).toBe('');
  });

  test('patch -p1 applies it', async () => {
    const { lint } = linter(privileged, pullPolicy);
    const r = await fixFiles({ files: new Map([['apps/p.yaml', POD]]), lint, suggestions: false });
    patchApplies('apps/p.yaml', POD, r.files.get('apps/p.yaml')!);
  });

  test('patch -p1 applies CRLF, no final newline, and changes at both ends', () => {
    patchApplies('c.yaml', 'a: 1\r\nb: 2\r\n', 'a: 1\r\nb: 3\r\nc: 4\r\n');
    patchApplies('n.yaml', 'a: 1\nb: 2', 'a: 1\nb: 2\nc: 3');
    const long = Array.from({ length: 30 }, (_, i) => `k${i}: ${i}`).join('\n') + '\n';
    patchApplies('l.yaml', long, long.replace('k0: 0', 'k0: zero').replace('k29: 29', 'k29: x\nk30: 30'));
    patchApplies('./dot/e.yaml', 'a: 1\n', '');
  });
});

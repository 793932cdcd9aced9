// Hostile input (issue 7, part 2): the real CLI, as a child process and under the
// no-network/no-process preload, on input built to break it. Every case must end within its
// timeout, exit 0 or 1 (2 only where a path argument cannot be linted at all), print no stack
// trace, and report what went wrong as a finding with a position (or one line on stderr for
// a path that cannot be read). Then fast-check fuzzing, in process: the loader on arbitrary
// text and on mutated real manifests, the whole pipeline on wrong types, and the shell reader
// on arbitrary commands.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import {
  expectSane, jsonFindings, runCli, stylishPositions, tmpDir, useCli, writeTree, ROOT, SHARED, type CliRun, type JsonMessage,
} from './support/cli.js';
import { POD, POD_FINDING } from './support/manifests.js';
import { lineStartsOf, parseSource, position, MAX_FILE_BYTES, type SourceFile } from '../src/load/source.js';
import type { Loc, YNode, YSeq, YMap } from '../src/load/ynode.js';
import { get, isSeq, isMap } from '../src/load/ynode.js';
import { analyzeRun } from '../src/model/shell/index.js';
import { lintFiles } from '../src/engine/lint.js';
import { defaultConfig } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';

useCli();
// Each case has its own timeout (runCli's timeoutMs); this is the ceiling for a test of several.
vi.setConfig({ testTimeout: 180_000 });

let W: string;

/** A small deterministic PRNG (xorshift32), so "random bytes" are the same on every run. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
function randomBytes(seed: number, n: number, lo = 0, hi = 255): Buffer {
  const r = prng(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = lo + (r() % (hi - lo + 1));
  return b;
}

const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;
const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: x\n';

/** Names every object has through Object.prototype: as kinds, keys or commands they crashed lookup tables. */
const PROTO_KEYS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];

const BILLION_LAUGHS = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: lol}',
  'data:',
  '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  '  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  '  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  '  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  '  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  '  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  '  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  '  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  '  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
  '',
].join('\n');

/** Wrong types where lists or maps are expected, one file each (a container's fields, then a pod's, then an object's). */
const WRONG_TYPES: Record<string, string> = {};
{
  const container = [
    'command: 5', 'command: "x"', 'command: {a: 1}', 'command: [[a], {b: c}, null, 1]', 'args: {a: 1}', 'args: [[1], null]',
    'volumeMounts: {a: 1}', 'volumeMounts: "x"', 'volumeMounts: [null, 1, "x", [1]]', 'volumeMounts: [{name: 5, mountPath: [], mountPropagation: 7, subPath: {}}]',
    'ports: [null]', 'ports: 5', 'ports: [{containerPort: "x"}, {containerPort: []}, "80"]', 'env: [[1]]', 'env: {a: b}', 'env: [{name: [], value: {}}]',
    'lifecycle: []', 'lifecycle: {postStart: "x"}', 'lifecycle: {postStart: {exec: {command: 5}}, preStop: {exec: []}}',
    'securityContext: []', 'securityContext: {privileged: "yes", capabilities: 5}', 'securityContext: {capabilities: {add: "SYS_ADMIN"}}',
    'resources: []', 'resources: {limits: [], requests: "x"}', 'resources: {limits: {memory: [], "smarter-devices/fuse": {}}}',
    'livenessProbe: 5', 'livenessProbe: {exec: {command: "x"}}', 'readinessProbe: {exec: {command: [1, [2]]}}', 'startupProbe: []',
    'image: [1]', 'image: {a: b}', 'name: {a: 1}', 'restartPolicy: []',
  ];
  container.forEach((frag, i) => {
    WRONG_TYPES[`container-${String(i).padStart(2, '0')}.yaml`] =
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n      ${frag}\n  volumes:\n    - name: m\n      emptyDir: {}\n`;
  });
  const pod = [
    'containers: "x"', 'containers: {a: 1}', 'containers: [5, null, "x", []]', 'initContainers: 5', 'initContainers: [{restartPolicy: [], name: i}]',
    'volumes: {a: 1}', 'volumes: [5, {name: []}, {name: v, hostPath: 5}, {name: w, nfs: []}, {name: e, emptyDir: "x"}, {name: p, persistentVolumeClaim: 7}]',
    'nodeSelector: []', 'affinity: 5', 'hostNetwork: []', 'ephemeralContainers: {a: b}', 'tolerations: "x"',
    'volumes: [{name: h, hostPath: {path: [], type: {}}}]', 'volumes: [{name: n, nfs: {server: [], path: {}}}]', 'volumes: [{name: c, csi: {driver: 5, volumeAttributes: []}}]',
  ];
  pod.forEach((frag, i) => {
    WRONG_TYPES[`pod-${String(i).padStart(2, '0')}.yaml`] = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  ${frag}\n`;
  });
  const objects = [
    'apiVersion: v1\nkind: Pod\nmetadata: []\nspec: "x"\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: []\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: []}\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: 5}}\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {strategy: [], replicas: "x", selector: 5, template: {metadata: [], spec: {containers: [{name: c, image: x}]}}}\n',
    'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec: {updateStrategy: {rollingUpdate: []}, template: {spec: {containers: {}}}}\n',
    'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: d}\nspec: {jobTemplate: {spec: {template: 5}}}\n',
    'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: d}\nspec: {jobTemplate: []}\n',
    'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {clusterIP: [], ports: "x", selector: 5}\n',
    'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [null, 5, {port: "x", targetPort: []}]}\n',
    'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: s}\nspec: {nfs: [], mountOptions: 5, claimRef: "x"}\n',
    'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: s}\nspec: {volumeName: [], selector: "x"}\n',
    'apiVersion: [1]\nkind: {a: b}\nmetadata: {name: 5, namespace: [], labels: [], annotations: "x"}\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {medialint.dev/ignore: [1]}}\nspec: {containers: [{name: c, image: x}]}\n',
    'apiVersion: v1\nkind: List\nitems: 5\n',
    'apiVersion: v1\nkind: List\nitems: [5, null, {kind: Pod, apiVersion: v1, metadata: {name: x}, spec: {containers: {}}}]\n',
    'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h}\nspec: {chart: 5, values: []}\n',
    'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h}\nspec: {chart: {spec: {chart: app-template}}, values: {controllers: [], persistence: 5}}\n',
    'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h}\nspec: {chart: {spec: {chart: app-template}}, values: {controllers: {main: {containers: {app: {command: 5, args: {}}}}}, persistence: {x: {globalMounts: 5}}}}\n',
    '- 1\n- 2\n',
    '"just a string"\n',
    'null\n',
    '---\n---\n...\n',
    '? [complex, key]\n: value\n? {a: b}\n: c\n',
    'apiVersion: v1\nkind: Pod\n<<: {metadata: {name: p}}\nspec:\n  <<: [5, "x", {containers: [{name: c, image: x}]}]\n',
    '!!binary aGVsbG8=\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: !!binary aGVsbG8=}\nspec: {containers: [{name: !!int "5", image: !!float 1e400}]}\n',
  ];
  objects.forEach((text, i) => {
    WRONG_TYPES[`object-${String(i).padStart(2, '0')}.yaml`] = text;
  });
}

/** Bad JSON 6902 patches, each in its own kustomization over DEPLOY. */
const BAD_PATCHES: Record<string, string> = {
  'index-out-of-range': '- op: replace\n  path: /spec/template/spec/containers/7/image\n  value: y\n',
  'unknown-op': '- op: bogus\n  path: /x\n',
  'not-a-list': '{"op": "add", "path": "/x", "value": 1}\n',
  'items-not-objects': '[5, "x", null]\n',
  'no-leading-slash': '- op: add\n  path: no-slash\n  value: 1\n',
  'missing-path': '- op: add\n  value: 1\n',
  'missing-value': '- op: add\n  path: /metadata/labels\n',
  'move-into-itself': '- op: move\n  from: /spec\n  path: /spec/template/x\n',
  'remove-dash': '- op: remove\n  path: /spec/template/spec/containers/-\n',
  'failing-test': '- op: test\n  path: /metadata/name\n  value: zz\n',
  'copy-missing-from': '- op: copy\n  from: /nope\n  path: /x\n',
  'bad-escape': '- op: add\n  path: /metadata/annotations/a~2b\n  value: x\n',
  'huge-index': '- op: add\n  path: /spec/template/spec/containers/99999999999999999999\n  value: {}\n',
  'not-yaml': '{{{\n',
  'truncated-json': '[{"op":"add","path":"/spec/replicas","value":',
};

beforeAll(() => {
  W = tmpDir('medialint-hostile-');
  const files: Record<string, string | Uint8Array> = {
    // random bytes
    'random/nul.yaml': Buffer.concat([randomBytes(1, 20000), Buffer.from([0]), randomBytes(2, 20000)]),
    'random/high.yaml': randomBytes(3, 40000, 0x80, 0xff),
    'random/ascii.yaml': randomBytes(4, 40000, 0x20, 0x7e).toString('latin1').replace(/~/g, '\n'),
    'random/yamlish.yaml': (() => {
      const r = prng(5);
      const tokens = ['- ', ': ', '\n', '  ', '{', '}', '[', ']', ', ', '&a ', '*a', '<<: ', '? ', '|\n', '>-\n', '# c', '"q"', "'s'", '\n---\n', '\n...\n', 'key', 'v', '!!str ', '\r\n', '%YAML 1.2\n', '\\', '@', '`'];
      let s = '';
      while (s.length < 40000) s += tokens[r() % tokens.length];
      return s;
    })(),
    // deep nesting, flow and block
    'deep/flow-seq-10k.yaml': `x: ${'['.repeat(10000)}${']'.repeat(10000)}\n`,
    'deep/flow-map-10k.yaml': `x: ${'{a: '.repeat(10000)}1${'}'.repeat(10000)}\n`,
    'deep/block-seq-10k.yaml': `${'- '.repeat(10000)}x\n`,
    'deep/block-seq-map-10k.yaml': `${'- '.repeat(10000)}a: 1\n`,
    'deep/block-map-3k.yaml': Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n',
    'deep/mixed-5k.yaml': `x:\n  - a: ${'[{b: '.repeat(5000)}1${'}]'.repeat(5000)}\n`,
    'deep/pod-spec-600.yaml': POD.replace('emptyDir: {}', `emptyDir: ${'{a: '.repeat(600)}1${'}'.repeat(600)}`),
    // alias bombs
    'alias/billion-laughs.yaml': BILLION_LAUGHS,
    'alias/many-bombs.yaml': `---\n${BILLION_LAUGHS}`.repeat(2000),
    'alias/self.yaml': 'a: &a [*a, *a]\n',
    'alias/merge-bomb.yaml': 'a: &a {x: 1, y: 2}\n' + Array.from({ length: 8 }, (_, i) => `m${i + 1}: &m${i + 1} {<<: [${Array(9).fill(i ? `*m${i}` : '*a').join(', ')}], k${i}: [${Array(9).fill(i ? `*m${i}` : '*a').join(', ')}]}`).join('\n') + '\n',
    'alias/undefined.yaml': 'a: *nope\nb: [*x, *y]\n',
    // encodings and whitespace
    'enc/lf.yaml': POD,
    'enc/crlf.yaml': POD.replace(/\n/g, '\r\n'),
    'enc/bom.yaml': `\uFEFF${POD}`,
    'enc/bom-crlf.yaml': `\uFEFF${POD.replace(/\n/g, '\r\n')}`,
    'enc/cr-only.yaml': POD.replace(/\n/g, '\r'),
    'enc/tabs.yaml': POD.replace('  containers:', '\tcontainers:'),
    'enc/tab-values.yaml': POD.replace('image: busybox', 'image:\tbusybox\t# tab'),
    'enc/dup-keys.yaml': POD.replace('  name: p\n', '  name: p\n  name: q\n'),
    'enc/dup-keys-flow.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, name: b}\ndata: {k: 1, k: 2}\n',
    'enc/latin1.yaml': Buffer.concat([Buffer.from(POD.split('\n').slice(0, 7).join('\n') + '\n      image: busybox'), Buffer.from([0xe9, 0xff]), Buffer.from('\n' + POD.split('\n').slice(8).join('\n'))]),
    'enc/utf16.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POD, 'utf16le')]),
    'enc/lone-surrogate.yaml': Buffer.from([...Buffer.from('a: "'), 0xed, 0xa0, 0x80, ...Buffer.from('"\n')]),
    'enc/nbsp-and-zero-width.yaml': POD.replace('  name: p', '\u00a0 name: p\u200b'),
    'enc/empty.yaml': '',
    'enc/only-comments.yaml': '# nothing\n# here\n',
    'enc/no-final-newline.yaml': POD.trimEnd(),
    'enc/very-long-line.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long}\ndata:\n  k: ${'x'.repeat(2_000_000)}\n`,
    'enc/many-docs-broken.yaml': '---\n[\n'.repeat(20000),
    // Helm templates
    'helm/values-ref.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n',
    'helm/control.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n{{- if .Values.x }}\ndata: {}\n{{- end }}\n',
    'helm/include.yaml': '{{- include "chart.labels" . | nindent 4 }}\n',
    'helm/in-configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tpl\ndata:\n  t: |\n    {{ not a template here }}\n',
    // wrong types
    ...Object.fromEntries(Object.entries(WRONG_TYPES).map(([f, t]) => [`types/${f}`, t])),
    // kustomize: cycles
    'kcycle/a/kustomization.yaml': 'resources:\n  - ../b\n',
    'kcycle/b/kustomization.yaml': 'resources:\n  - ../a\n',
    'kself/kustomization.yaml': 'resources:\n  - .\n',
    'kcycle3/a/kustomization.yaml': 'resources:\n  - ../b\n',
    'kcycle3/b/kustomization.yaml': 'components:\n  - ../c\n',
    'kcycle3/c/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - ../a\n',
    // kustomize: escapes
    'kesc/outside.yaml': CM('outside'),
    'kesc/secret.env': 'A=1\n',
    'kesc/app/kustomization.yaml': 'resources:\n  - ../outside.yaml\n',
    'kesc/patch/kustomization.yaml': 'resources:\n  - cm.yaml\npatches:\n  - path: ../outside.yaml\n',
    'kesc/patch/cm.yaml': CM('outside'),
    'kesc/gen/kustomization.yaml': 'configMapGenerator:\n  - name: g\n    envs:\n      - ../secret.env\n',
    'kesc/abs/kustomization.yaml': 'resources:\n  - /etc/passwd\n',
    'kesc/absgen/kustomization.yaml': 'configMapGenerator:\n  - name: g\n    files:\n      - /etc/hostname\n',
    // kustomize: missing files
    'kmiss/kustomization.yaml': 'resources:\n  - nothere.yaml\n  - nodir/\n',
    'kmisspatch/kustomization.yaml': 'resources:\n  - d.yaml\npatches:\n  - path: gone.yaml\n',
    'kmisspatch/d.yaml': DEPLOY,
    'kmissgen/kustomization.yaml': 'configMapGenerator:\n  - name: g\n    files:\n      - missing.txt\n',
    // kustomize: remote bases (never fetched)
    'kremote/kustomization.yaml': [
      'resources:',
      '  - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v3.3.1',
      '  - git@github.com:org/repo.git//base?ref=main',
      '  - github.com/org/repo/base?ref=v1',
      '  - ssh://git@gitlab.com/org/repo.git',
      '  - http://example.com/manifest.yaml',
      '  - local.yaml',
      'components:',
      '  - https://example.com/comp',
      '',
    ].join('\n'),
    'kremote/local.yaml': CM('local'),
    // kustomize: hostile resources
    'kbomb/kustomization.yaml': 'resources:\n  - bomb.yaml\n',
    'kbomb/bomb.yaml': BILLION_LAUGHS,
    'kbombk/kustomization.yaml': 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nresources: []\n',
    'kdeep/kustomization.yaml': 'resources:\n  - deep.yaml\n',
    'kdeep/deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: ${'{a: '.repeat(10000)}1${'}'.repeat(10000)}\n`,
    'khelm/kustomization.yaml': 'resources:\n  - t.yaml\n',
    'khelm/t.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n',
    'kbinary/kustomization.yaml': 'resources:\n  - b.yaml\n',
    'kbinary/b.yaml': randomBytes(9, 1000),
    'kwrong/kustomization.yaml': 'resources: 5\npatches: {a: 1}\nnamePrefix: []\nimages: "x"\nconfigMapGenerator: [{name: [], literals: 5}]\n',
    'kwrong2/kustomization.yaml': '- just a list\n',
    'kwrong3/kustomization.yaml': 'resources:\n  - [1]\n  - {a: b}\n  - null\n  - 5\n',
    'kwrong4/kustomization.yaml': 'resources: [d.yaml]\npatches: [5, "x", {patch: 5}, {path: []}, {target: "x", patch: "a: 1"}]\n',
    'kwrong4/d.yaml': DEPLOY,
    'kwrong5/kustomization.yaml': 'resources: [d.yaml]\nreplacements: [{source: 5, targets: "x"}]\nimages: [{name: 5, newTag: []}]\nreplicas: [{name: d, count: "x"}]\n',
    'kwrong5/d.yaml': DEPLOY,
    'kwrong6/kustomization.yaml': 'resources: [d.yaml]\nnamespace: [1]\ncommonLabels: 5\nlabels: [{pairs: 5}]\ncommonAnnotations: []\nsortOptions: {order: 5}\n',
    'kwrong6/d.yaml': DEPLOY,
    // kustomize: bad JSON patches
    ...Object.fromEntries(Object.entries(BAD_PATCHES).flatMap(([name, patch]) => [
      [`kpatch/${name}/kustomization.yaml`, 'resources:\n  - d.yaml\npatches:\n  - target: {kind: Deployment, name: d}\n    path: patch.yaml\n'],
      [`kpatch/${name}/d.yaml`, DEPLOY],
      [`kpatch/${name}/patch.yaml`, patch],
    ])),
    'kpatch-inline/kustomization.yaml': 'resources:\n  - d.yaml\npatches:\n  - target: {kind: Deployment, name: d}\n    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/7/image\n        value: y\n',
    'kpatch-inline/d.yaml': DEPLOY,
    'kpatch6902/kustomization.yaml': 'resources:\n  - d.yaml\npatchesJson6902:\n  - target: {group: apps, version: v1, kind: Deployment, name: d}\n    path: p.json\n',
    'kpatch6902/d.yaml': DEPLOY,
    'kpatch6902/p.json': '[{"op": "remove", "path": "/spec/nope"}]',
    'kpatch-smp/kustomization.yaml': 'resources:\n  - d.yaml\npatches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: d}\n      spec: {template: {spec: {containers: 5}}}\n',
    'kpatch-smp/d.yaml': DEPLOY,
    // a good file to pair with unreadable paths
    'good/ok.yaml': CM('ok'),
    'notdir.yaml/inner.yaml': CM('inner'),
    'config/bomb.yaml': 'rules: &a {x: [*a]}\n',
    'config/wrong.yaml': 'rules: 5\nmounters: "x"\nkustomize: []\n',
  };
  writeTree(W, files);
  // 50 MB: over the 10 MB limit, for the file itself, stdin and a kustomize resource.
  const big = CM('big').replace('k: v', `k: ${'x'.repeat(1000)}`);
  const reps = Math.ceil((50 * 1024 * 1024) / (big.length + 4));
  const fd = fs.openSync(path.join(W, 'big.yaml'), 'w');
  for (let i = 0; i < reps; i += 1000) fs.writeSync(fd, `---\n${big}`.repeat(Math.min(1000, reps - i)));
  fs.closeSync(fd);
  fs.mkdirSync(path.join(W, 'kbig'));
  fs.symlinkSync('../big.yaml', path.join(W, 'kbig', 'big.yaml'));
  fs.writeFileSync(path.join(W, 'kbig', 'kustomization.yaml'), 'resources:\n  - big.yaml\n');
  // symlinks: loops, a link to `.`, dangling links, links to devices
  fs.mkdirSync(path.join(W, 'links', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(W, 'links', 'ok.yaml'), CM('linked'));
  fs.symlinkSync('loop2.yaml', path.join(W, 'links', 'loop1.yaml'));
  fs.symlinkSync('loop1.yaml', path.join(W, 'links', 'loop2.yaml'));
  fs.symlinkSync('nowhere.yaml', path.join(W, 'links', 'dangling.yaml'));
  fs.symlinkSync('.', path.join(W, 'links', 'self'));
  fs.symlinkSync('..', path.join(W, 'links', 'sub', 'up.yaml'));
  fs.symlinkSync('/dev/zero', path.join(W, 'links', 'zero.yaml'));
  fs.mkdirSync(path.join(W, 'klinks'));
  fs.writeFileSync(path.join(W, 'klinks', 'kustomization.yaml'), 'resources:\n  - dangling.yaml\n');
  fs.symlinkSync('nowhere.yaml', path.join(W, 'klinks', 'dangling.yaml'));
  fs.mkdirSync(path.join(W, 'kloop'));
  fs.writeFileSync(path.join(W, 'kloop', 'kustomization.yaml'), 'resources:\n  - l1.yaml\n');
  fs.symlinkSync('l2.yaml', path.join(W, 'kloop', 'l1.yaml'));
  fs.symlinkSync('l1.yaml', path.join(W, 'kloop', 'l2.yaml'));
  fs.mkdirSync(path.join(W, 'kdev'));
  fs.writeFileSync(path.join(W, 'kdev', 'kustomization.yaml'), 'resources:\n  - zero.yaml\npatches:\n  - path: random.yaml\n');
  fs.symlinkSync('/dev/zero', path.join(W, 'kdev', 'zero.yaml'));
  fs.symlinkSync('/dev/urandom', path.join(W, 'kdev', 'random.yaml'));
  fs.mkdirSync(path.join(W, 'kdirloop'));
  fs.writeFileSync(path.join(W, 'kdirloop', 'kustomization.yaml'), 'resources:\n  - self\n');
  fs.symlinkSync('.', path.join(W, 'kdirloop', 'self'));
  // FIFOs: reading one blocks forever
  fs.mkdirSync(path.join(W, 'fifo'));
  fs.mkdirSync(path.join(W, 'kfifo'));
  fs.writeFileSync(path.join(W, 'kfifo', 'kustomization.yaml'), 'resources:\n  - pipe.yaml\n');
  try {
    mkfifo(path.join(W, 'fifo', 'pipe.yaml'));
    mkfifo(path.join(W, 'kfifo', 'pipe.yaml'));
  } catch { /* no mkfifo here: those cases check only that the run ends */ }
}, 120_000);

/** Node cannot make a FIFO; the `mkfifo` program (coreutils) can. Test setup only, outside the sandbox. */
function mkfifo(p: string): void {
  execFileSync('mkfifo', [p]);
}

// ---- helpers ---------------------------------------------------------------------------

interface Case {
  args: string[];
  stdin?: string | Uint8Array;
  codes?: number[];
  timeoutMs?: number;
}

async function run(c: Case): Promise<CliRun> {
  const r = await runCli(c.args, { cwd: W, stdin: c.stdin, timeoutMs: c.timeoutMs ?? 60_000 });
  expectSane(r, c.codes ?? [0, 1]);
  return r;
}

/** JSON findings with positions that exist in their files (or 1:1 for files that were not read). */
function positioned(r: CliRun): { file: string; m: JsonMessage }[] {
  const out = jsonFindings(r);
  for (const { file, m } of out) {
    const abs = path.resolve(W, file);
    let size = -1;
    try {
      size = fs.statSync(abs).size;
    } catch { /* <stdin> */ }
    if (size < 0 || size > MAX_FILE_BYTES || !fs.statSync(abs).isFile()) continue;
    const lines = lineStartsOf(fs.readFileSync(abs, 'latin1')).length;
    expect(m.line, `${file}: ${m.ruleId} at line ${m.line} of ${lines}`).toBeLessThanOrEqual(lines);
  }
  return out;
}

function lintJson(args: string[], extra: Partial<Case> = {}) {
  return run({ ...extra, args: ['-f', 'json', ...args] });
}

const byRule = (fs: { m: JsonMessage }[], rule: string) => fs.filter((f) => f.m.ruleId === rule).map((f) => f.m);

// ---- the cases ---------------------------------------------------------------------------

describe('random bytes', () => {
  it('a binary file (NUL bytes) is one parse-error at 1:1', async () => {
    const f = positioned(await lintJson(['random/nul.yaml']));
    expect(f.map((x) => [x.m.ruleId, x.m.line, x.m.column])).toEqual([['parse-error', 1, 1]]);
    expect(f[0]!.m.message).toMatch(/binary file/);
  });
  it('bytes that are not UTF-8 are one parse-error', async () => {
    const f = positioned(await lintJson(['random/high.yaml']));
    expect(f.map((x) => x.m.ruleId)).toEqual(['parse-error']);
    expect(f[0]!.m.message).toMatch(/not valid UTF-8/);
  });
  it('printable garbage and a soup of YAML tokens end with positioned findings', async () => {
    for (const file of ['random/ascii.yaml', 'random/yamlish.yaml']) {
      const f = positioned(await lintJson([file]));
      for (const x of f) expect(x.file).toBe(file);
    }
  });
  it('random bytes on stdin', async () => {
    positioned(await lintJson(['-'], { stdin: randomBytes(11, 30000) }));
    positioned(await lintJson(['-'], { stdin: randomBytes(12, 30000, 1, 255) }));
  });
});

describe('deep nesting (10,000 levels, flow and block)', () => {
  const files = ['flow-seq-10k', 'flow-map-10k', 'block-seq-10k', 'block-seq-map-10k', 'block-map-3k', 'mixed-5k', 'pod-spec-600'];
  for (const name of files) {
    it(name, async () => {
      const r = await lintJson([`deep/${name}.yaml`], { codes: [1] });
      const errs = byRule(positioned(r), 'parse-error');
      expect(errs.length).toBe(1);
      expect(errs[0]!.message).toMatch(/nest/);
    });
  }
  it('on stdin, and as a kustomize resource', async () => {
    const s = await lintJson(['-'], { stdin: fs.readFileSync(path.join(W, 'deep/flow-seq-10k.yaml')), codes: [1] });
    expect(byRule(positioned(s), 'parse-error')).toHaveLength(1);
    const k = positioned(await lintJson(['kdeep'], { codes: [1] }));
    expect(byRule(k, 'kustomize-error').map((m) => `${m.line}:${m.column}`)).toEqual(['2:5']);
  });
});

describe('YAML alias bombs', () => {
  it('billion laughs: one finding, in seconds', async () => {
    const r = await lintJson(['alias/billion-laughs.yaml'], { codes: [1], timeoutMs: 30_000 });
    const errs = byRule(positioned(r), 'parse-error');
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/alias bomb/);
  });
  it('2,000 bombs in one file: still one finding (the file stops at the first)', async () => {
    const r = await lintJson(['alias/many-bombs.yaml'], { codes: [1], timeoutMs: 30_000 });
    expect(byRule(positioned(r), 'parse-error')).toHaveLength(1);
  });
  it('a self-referencing alias, merge-key bombs and undefined aliases', async () => {
    expect(byRule(positioned(await lintJson(['alias/self.yaml'], { codes: [1] })), 'parse-error')).toHaveLength(1);
    positioned(await lintJson(['alias/merge-bomb.yaml'], { timeoutMs: 30_000 }));
    expect(byRule(positioned(await lintJson(['alias/undefined.yaml'], { codes: [1] })), 'parse-error').length).toBeGreaterThan(0);
  });
  it('as a kustomize resource, and inside a kustomization file', async () => {
    const k = positioned(await lintJson(['kbomb'], { codes: [1], timeoutMs: 30_000 }));
    expect(byRule(k, 'kustomize-error').length).toBe(1);
    positioned(await lintJson(['kbombk'], { timeoutMs: 30_000 }));
    // The pre-commit path (file names) reads kustomization files on its own.
    positioned(await lintJson(['kbomb/bomb.yaml'], { codes: [1], timeoutMs: 30_000 }));
  });
});

describe('50 MB inputs: the size limit is a finding, and nothing is parsed', () => {
  it('a 50 MB file', async () => {
    const r = await lintJson(['big.yaml'], { codes: [1], timeoutMs: 30_000 });
    const f = positioned(r);
    expect(f.map((x) => [x.file, x.m.ruleId, x.m.line, x.m.column])).toEqual([['big.yaml', 'parse-error', 1, 1]]);
    expect(f[0]!.m.message).toMatch(/5\d\.\d MB, over medialint's 10 MB limit/);
  });
  it('50 MB on stdin', async () => {
    const r = await lintJson(['-'], { stdin: fs.readFileSync(path.join(W, 'big.yaml')), codes: [1], timeoutMs: 30_000 });
    expect(positioned(r).map((x) => [x.file, x.m.ruleId])).toEqual([['<stdin>', 'parse-error']]);
  });
  it('a 50 MB kustomize resource', async () => {
    const f = positioned(await lintJson(['kbig'], { codes: [1], timeoutMs: 30_000 }));
    expect(byRule(f, 'kustomize-error')[0]?.message).toMatch(/10 MB limit/);
  });
  it('a 2 MB line, and 20,000 broken documents (findings capped per file)', async () => {
    positioned(await lintJson(['enc/very-long-line.yaml'], { timeoutMs: 30_000 }));
    const f = byRule(positioned(await lintJson(['enc/many-docs-broken.yaml'], { codes: [1], timeoutMs: 60_000 })), 'parse-error');
    expect(f.length).toBe(101);
    expect(f[100]!.message).toMatch(/more YAML documents .* have syntax errors/);
  });
});

describe('encodings, line ends, whitespace', () => {
  it('CRLF, a BOM, both, and CR-only line ends: the same finding at the same line and column', async () => {
    for (const file of ['enc/lf.yaml', 'enc/crlf.yaml', 'enc/bom.yaml', 'enc/bom-crlf.yaml']) {
      const f = positioned(await lintJson([file], { codes: [1] }));
      expect(f.map((x) => [x.m.ruleId, x.m.line, x.m.column]), file).toEqual([[POD_FINDING.ruleId, POD_FINDING.line, POD_FINDING.column]]);
    }
    positioned(await lintJson(['enc/cr-only.yaml']));
  });
  it('tab indentation is a parse-error at the tab', async () => {
    const f = positioned(await lintJson(['enc/tabs.yaml'], { codes: [1] }));
    expect(byRule(f, 'parse-error').map((m) => [m.line, m.column])).toEqual([[6, 1]]);
    // Tabs as separators are legal: the manifest is linted as usual.
    expect(positioned(await lintJson(['enc/tab-values.yaml'], { codes: [1] })).map((x) => x.m.ruleId)).toEqual([POD_FINDING.ruleId]);
  });
  it('duplicate keys are reported at the second key; the last value is linted', async () => {
    const f = positioned(await lintJson(['enc/dup-keys.yaml'], { codes: [1] }));
    expect(byRule(f, 'parse-error').map((m) => [m.severity, m.line, m.column])).toEqual([['warning', 5, 3]]);
    expect(byRule(f, 'parse-error')[0]!.message).toMatch(/duplicate key "name" \(first on line 4\)/);
    expect(byRule(f, POD_FINDING.ruleId)[0]!.message).toMatch(/Pod q/);
    const flow = positioned(await lintJson(['enc/dup-keys-flow.yaml']));
    expect(byRule(flow, 'parse-error').map((m) => [m.line, m.column])).toEqual([[3, 21], [4, 14]]);
  });
  it('bytes that are not UTF-8 are reported on their line; UTF-16 is named', async () => {
    const f = positioned(await lintJson(['enc/latin1.yaml'], { codes: [1] }));
    expect(f.map((x) => [x.m.ruleId, x.m.line])).toEqual([['parse-error', 8]]);
    expect(f[0]!.m.message).toMatch(/not valid UTF-8 \(a bad byte on line 8\)/);
    const u = positioned(await lintJson(['enc/utf16.yaml'], { codes: [1] }));
    expect(u[0]!.m.message).toMatch(/UTF-16/);
    expect(byRule(positioned(await lintJson(['enc/lone-surrogate.yaml'], { codes: [1] })), 'parse-error')).toHaveLength(1);
  });
  it('odd whitespace, empty files, comments only, no final newline', async () => {
    for (const file of ['enc/nbsp-and-zero-width.yaml', 'enc/empty.yaml', 'enc/only-comments.yaml', 'enc/no-final-newline.yaml']) positioned(await lintJson([file]));
    expect((await lintJson(['enc/empty.yaml', 'enc/only-comments.yaml'])).code).toBe(0);
  });
});

describe('Helm templates', () => {
  it('are one unrenderable-template info at the first {{, exit 0', async () => {
    const want: Record<string, [number, number]> = { 'helm/values-ref.yaml': [4, 9], 'helm/control.yaml': [5, 1], 'helm/include.yaml': [1, 1] };
    for (const [file, [line, col]] of Object.entries(want)) {
      const r = await lintJson([file], { codes: [0] });
      expect(positioned(r).map((x) => [x.m.ruleId, x.m.severity, x.m.line, x.m.column]), file).toEqual([['unrenderable-template', 'info', line, col]]);
    }
    // `{{` inside a ConfigMap's block scalar is data, not a template.
    expect(positioned(await lintJson(['helm/in-configmap.yaml'], { codes: [0] }))).toEqual([]);
  });
  it('a template named by a kustomization is a kustomize-error at the reference', async () => {
    const f = positioned(await lintJson(['khelm'], { codes: [1] }));
    expect(byRule(f, 'kustomize-error').map((m) => `${m.line}:${m.column}`)).toEqual(['2:5']);
  });
});

describe('wrong types where lists or maps are expected', () => {
  /**
   * Not Kubernetes objects: a top-level list, a scalar, null, empty documents, a map without
   * apiVersion and kind. medialint lints every YAML file of a repository (CI configs, values
   * files, playbooks), so it leaves documents that are not objects alone: exit 0, no finding.
   */
  const NOT_OBJECTS = ['object-19.yaml', 'object-20.yaml', 'object-21.yaml', 'object-22.yaml', 'object-23.yaml', 'object-25.yaml'];
  /** A merge source that is not a map: the loader's parse-error, not a type finding. */
  const MERGE = ['object-24.yaml'];
  it.each(Object.keys(WRONG_TYPES))('%s', async (file) => {
    const quiet = NOT_OBJECTS.includes(file);
    const f = positioned(await lintJson([`types/${file}`], { timeoutMs: 30_000, codes: quiet ? [0] : [1] }));
    if (quiet) expect(f).toEqual([]);
    else if (MERGE.includes(file)) expect(byRule(f, 'parse-error').map((m) => `${m.line}:${m.column}`)).toEqual(['5:8']);
    else expect(byRule(f, 'invalid-field-type').length, `${file}: an invalid-field-type finding`).toBeGreaterThan(0);
  });
  it('each at the offending value, saying what was expected and what was found', async () => {
    const want: [string, number, number, RegExp][] = [
      ['pod-00.yaml', 6, 15, /^Pod p has the string "x" at spec\.containers, where Kubernetes expects a list of Container maps: the API server cannot decode it and rejects the Pod\.$/],
      ['pod-05.yaml', 6, 12, /^Pod p has a map at spec\.volumes, where Kubernetes expects a list of Volume maps/],
      ['container-10.yaml', 9, 15, /^Pod p has an empty item \(null\) in spec\.containers\[0\]\.ports: the API server reads it as a ContainerPort without the containerPort it requires/],
      ['container-20.yaml', 9, 37, /^Pod p has the string "yes" at spec\.containers\[0\]\.securityContext\.privileged, where Kubernetes expects true or false/],
      ['container-20.yaml', 9, 58, /^Pod p has the number 5 at spec\.containers\[0\]\.securityContext\.capabilities, where Kubernetes expects a Capabilities map/],
      ['object-01.yaml', 4, 7, /^Pod p has an empty list \(\[\]\) at spec, where Kubernetes expects a PodSpec map/],
      ['object-02.yaml', 4, 18, /^Deployment d has an empty list \(\[\]\) at spec\.template, where Kubernetes expects a PodTemplateSpec map/],
      ['object-03.yaml', 4, 25, /^Deployment d has the number 5 at spec\.template\.spec, where Kubernetes expects a PodSpec map/],
      ['object-07.yaml', 4, 21, /^CronJob d has an empty list \(\[\]\) at spec\.jobTemplate, where Kubernetes expects a JobTemplateSpec map/],
      ['object-08.yaml', 4, 30, /^Service s has the string "x" at spec\.ports, where Kubernetes expects a list of ServicePort maps/],
      ['object-12.yaml', 1, 13, /^object \(unnamed\) has a list at apiVersion, where Kubernetes expects a string/],
      ['object-12.yaml', 2, 7, /^object \(unnamed\) has a map at kind, where Kubernetes expects a string/],
      ['object-12.yaml', 3, 44, /^object \(unnamed\) has an empty list \(\[\]\) at metadata\.labels, where Kubernetes expects a map of strings/],
      ['object-14.yaml', 3, 8, /^List \(unnamed\) has the number 5 at items, where Kubernetes expects a list of maps/],
      ['object-17.yaml', 4, 68, /^HelmRelease h has an empty list \(\[\]\) at spec\.values\.controllers, where the app-template chart expects a map/],
    ];
    for (const [file, line, column, message] of want) {
      const got = byRule(positioned(await lintJson([`types/${file}`], { codes: [1] })), 'invalid-field-type');
      const at = got.filter((m) => m.line === line && m.column === column);
      expect(at.map((m) => m.message), `${file}:${line}:${column} in ${JSON.stringify(got.map((m) => `${m.line}:${m.column}`))}`).toHaveLength(1);
      expect(at[0]!.message).toMatch(message);
      expect(at[0]!.severity).toBe('error');
    }
  });
  it('all at once, in every format', async () => {
    for (const format of ['stylish', 'json', 'sarif', 'github', 'gitlab']) {
      const r = await run({ args: ['-f', format, 'types'], timeoutMs: 60_000 });
      if (format === 'stylish') for (const p of stylishPositions(r.stdout)) expect(p.line).toBeGreaterThan(0);
    }
  });
  it('--fix-dry-run over them', async () => {
    await run({ args: ['--fix-dry-run', '--suggestions', 'types'], timeoutMs: 60_000 });
  });
});

describe('names that Object.prototype has (constructor, __proto__, toString …)', () => {
  beforeAll(() => {
    const files: Record<string, string> = {};
    for (const k of PROTO_KEYS) {
      files[`proto/kind-${k}.yaml`] = `apiVersion: v1\nkind: ${k}\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n`;
      files[`proto/cmd-${k}.yaml`] = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: p, labels: {${k}: x}, annotations: {${k}: y}}\nspec: {template: {spec: {${k}: 1, containers: [{name: c, image: x, ${k}: {a: 1}, command: [${k}], args: ["sh", "-c", "${k} x; rclone ${k} a: /m; rclone serve ${k} /m; mount -t ${k} a /m; ${k} -- rclone mount a: /m"], resources: {limits: {memory: 1${k}, ${k}: 1}}, volumeMounts: [{name: m, mountPath: /m, mountPropagation: ${k}}]}], volumes: [{name: m, emptyDir: {}, ${k}: {}}]}}}\n`;
      files[`proto/helm-${k}.yaml`] = `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h}\nspec: {chart: {spec: {chart: app-template}}, values: {controllers: {${k}: {type: ${k}, containers: {${k}: {image: {repository: x}, command: [${k}]}}}}, persistence: {${k}: {type: ${k}, globalMounts: [{path: /m}]}}}}\n`;
      files[`proto/k-${k}/kustomization.yaml`] = `${k}: x\nresources: [r.yaml]\n`;
      files[`proto/k-${k}/r.yaml`] = DEPLOY.replace('image: x', `image: x\n          ${k}: 1`);
      files[`proto/kp-${k}/kustomization.yaml`] = `resources: [r.yaml]\npatches:\n  - patch: |\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: d}\n      spec: {template: {spec: {${k}: [1], containers: [{name: c, ${k}: {a: 1}}]}}}\n`;
      files[`proto/kp-${k}/r.yaml`] = DEPLOY;
    }
    writeTree(W, files);
  });
  it.each(PROTO_KEYS)('%s as a kind, a key, a command, a unit, a propagation mode, a controller type, a kustomization field, a patch key', async (k) => {
    for (const f of [`proto/kind-${k}.yaml`, `proto/cmd-${k}.yaml`, `proto/helm-${k}.yaml`, `proto/k-${k}`, `proto/kp-${k}`]) {
      const r = await lintJson([f]);
      for (const x of positioned(r)) expect(x.m.message, f).not.toMatch(/internal error|native code/);
    }
    for (const args of [['-f', k, 'good'], ['explain', k], ['--rule', `${k}=off`, 'good'], ['graph', '-f', k, 'good']]) {
      const r = await run({ args, codes: [2] });
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});

describe('symbolic links', () => {
  it('a directory with link loops, a link to `.`, dangling links and a link to /dev/zero is walked without following them', async () => {
    const f = positioned(await lintJson(['links'], { codes: [0], timeoutMs: 20_000 }));
    expect(f).toEqual([]);
  });
  it('a glob over the same directory ends (it used to hang on the link to `.`)', async () => {
    await lintJson(['links/*.yaml'], { codes: [0], timeoutMs: 20_000 });
    await lintJson(['links/**/*.yaml'], { codes: [0], timeoutMs: 20_000 });
  });
  it('a link loop or a dangling link named alone: exit 2 with one line saying which', async () => {
    const loop = await lintJson(['links/loop1.yaml'], { codes: [2] });
    expect(loop.stderr).toBe('medialint: links/loop1.yaml: a symbolic link loop (too many levels of symbolic links)\n');
    const dangling = await lintJson(['links/dangling.yaml'], { codes: [2] });
    expect(dangling.stderr).toBe('medialint: links/dangling.yaml: a symbolic link whose target does not exist\n');
    const dev = await lintJson(['links/zero.yaml'], { codes: [2] });
    expect(dev.stderr).toBe('medialint: links/zero.yaml: not a regular file or directory\n');
  });
  it('next to a good file: the good file is linted, one line per bad path, exit 0', async () => {
    const r = await lintJson(['links/loop1.yaml', 'links/dangling.yaml', 'good/ok.yaml'], { codes: [0] });
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
  });
  it('a link to a directory named like a manifest is walked', async () => {
    await lintJson(['links/sub/up.yaml'], { codes: [0], timeoutMs: 20_000 });
  });
  it('kustomize resources that are dangling links, link loops, devices or a link to `.`', async () => {
    for (const dir of ['klinks', 'kloop', 'kdev', 'kdirloop']) {
      const f = positioned(await lintJson([dir], { codes: [1], timeoutMs: 20_000 }));
      expect(byRule(f, 'kustomize-error').length, dir).toBe(1);
    }
  });
});

describe('unreadable paths', () => {
  it('a FIFO named on the command line is one line, not a hang', async () => {
    if (!fs.existsSync(path.join(W, 'fifo/pipe.yaml'))) return;
    const alone = await lintJson(['fifo/pipe.yaml'], { codes: [2], timeoutMs: 20_000 });
    expect(alone.stderr).toBe('medialint: fifo/pipe.yaml: not a regular file or directory\n');
    await lintJson(['fifo/pipe.yaml', 'good/ok.yaml'], { codes: [0], timeoutMs: 20_000 });
    await lintJson(['fifo'], { codes: [0], timeoutMs: 20_000 });
  });
  it('a FIFO named by a kustomization is a kustomize-error, not a hang', async () => {
    const f = positioned(await lintJson(['kfifo'], { codes: [1], timeoutMs: 20_000 }));
    expect(byRule(f, 'kustomize-error').map((m) => `${m.line}:${m.column}`)).toEqual(['2:5']);
    const render = await run({ args: ['render', 'kfifo'], codes: [1], timeoutMs: 20_000 });
    expect(render.stderr).toMatch(/^kfifo\/kustomization\.yaml:2:5: error: /);
  });
  it('a missing path alone: exit 2 with one line; next to a good file: exit 0', async () => {
    const r = await lintJson(['nothere.yaml'], { codes: [2] });
    expect(r.stderr).toBe('medialint: nothere.yaml: no such file or directory\n');
    const g = await lintJson(['nothere/*.yaml'], { codes: [2] });
    expect(g.stderr).toBe('medialint: nothere/*.yaml: no files match this pattern\n');
    const both = await lintJson(['nothere.yaml', 'good/ok.yaml'], { codes: [0] });
    expect(both.stderr).toBe('medialint: nothere.yaml: no such file or directory\n');
  });
  it('a directory named x.yaml is walked', async () => {
    await lintJson(['notdir.yaml'], { codes: [0] });
  });
  it('a bad config is one line and exit 2; an unwritable -o is one line and exit 2', async () => {
    for (const c of ['config/bomb.yaml', 'config/wrong.yaml', 'config/none.yaml']) {
      const r = await lintJson(['-c', c, 'good'], { codes: [2] });
      expect(r.stderr.trim().split('\n'), c).toHaveLength(1);
    }
    const o = await run({ args: ['-o', 'no/such/dir/report.json', 'good'], codes: [2] });
    expect(o.stderr).toBe('medialint: cannot write the report to no/such/dir/report.json: ENOENT\n');
  });
});

describe('glob patterns (command line and a repository\'s .medialint.yaml)', () => {
  const BRACES = `a${'{b,c}'.repeat(23)}`;
  it('a brace bomb in config `ignore` is refused with one line, the files are linted', async () => {
    writeTree(W, { 'globcfg/.medialint.yaml': `ignore:\n  - "${BRACES}"\n  - "{1..100000000}"\n`, 'globcfg/ok.yaml': CM('ok') });
    const r = await lintJson(['globcfg'], { codes: [0], timeoutMs: 20_000 });
    expect(r.stderr.trim().split('\n')).toEqual([
      `medialint: ignore pattern "${BRACES}": its braces expand to more than 10000 patterns; it was not used`,
      'medialint: ignore pattern "{1..100000000}": its braces expand to more than 10000 patterns; it was not used',
    ]);
  });
  it('a brace bomb as --ignore-pattern or as a path: one line each', async () => {
    const r = await lintJson(['--ignore-pattern', BRACES, 'good'], { codes: [0], timeoutMs: 20_000 });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const g = await lintJson([`good/${BRACES}.yaml`], { codes: [2], timeoutMs: 20_000 });
    expect(g.stderr).toMatch(/its braces expand to more than 10000 patterns; it was not expanded\n$/);
  });
});

describe('kustomize', () => {
  it('cycles (a -> b -> a, a resource of `.`, a -> b -> component c -> a) are a kustomize-error at the referencing line', async () => {
    const want: Record<string, string> = { 'kcycle': 'kcycle/b/kustomization.yaml:2:5', 'kcycle/a': 'kcycle/b/kustomization.yaml:2:5', 'kself': 'kself/kustomization.yaml:2:5' };
    for (const [arg, at] of Object.entries(want)) {
      const f = positioned(await lintJson([arg], { codes: [1] }));
      expect(f.filter((x) => x.m.ruleId === 'kustomize-error').map((x) => `${x.file}:${x.m.line}:${x.m.column}`), arg).toEqual([at]);
      expect(byRule(f, 'kustomize-error')[0]!.message).toMatch(/^cycle: /);
    }
    const three = positioned(await lintJson(['kcycle3'], { codes: [1] }));
    expect(byRule(three, 'kustomize-error').length).toBe(1);
  });
  it('`../` and absolute paths are refused by the load restrictor, with the option named', async () => {
    const want: Record<string, string> = { 'kesc/app': 'kesc/app/kustomization.yaml:2:5', 'kesc/patch': 'kesc/patch/kustomization.yaml:4:11', 'kesc/gen': 'kesc/gen/kustomization.yaml:4:9', 'kesc/abs': 'kesc/abs/kustomization.yaml:2:5', 'kesc/absgen': 'kesc/absgen/kustomization.yaml:4:9' };
    for (const [dir, at] of Object.entries(want)) {
      const f = positioned(await lintJson([dir], { codes: [1] }));
      const errs = f.filter((x) => x.m.ruleId === 'kustomize-error');
      expect(errs.map((x) => `${x.file}:${x.m.line}:${x.m.column}`), dir).toEqual([at]);
      expect(errs[0]!.m.message).toMatch(/--load-restrictor none/);
    }
    // Allowed with --load-restrictor none.
    const none = positioned(await lintJson(['--load-restrictor', 'none', 'kesc/app'], { codes: [0] }));
    expect(byRule(none, 'kustomize-error')).toEqual([]);
  });
  it('missing resources, patches and generator files are a kustomize-error at the reference', async () => {
    const want: Record<string, string> = { kmiss: '2:5', kmisspatch: '4:11', kmissgen: '4:9' };
    for (const [dir, at] of Object.entries(want)) {
      const f = positioned(await lintJson([dir], { codes: [1] }));
      expect(byRule(f, 'kustomize-error').map((m) => `${m.line}:${m.column}`), dir).toEqual([at]);
    }
  });
  it.each(Object.keys(BAD_PATCHES))('bad JSON patch: %s', async (name) => {
    const f = positioned(await lintJson([`kpatch/${name}`], { codes: [1] }));
    const errs = f.filter((x) => x.m.ruleId === 'kustomize-error');
    expect(errs.length).toBe(1);
    expect(errs[0]!.file).toMatch(new RegExp(`^kpatch/${name}/(kustomization|patch)\\.yaml$`));
  });
  it('bad inline, 6902 and strategic-merge patches', async () => {
    for (const dir of ['kpatch-inline', 'kpatch6902']) {
      expect(byRule(positioned(await lintJson([dir], { codes: [1] })), 'kustomize-error').length, dir).toBe(1);
    }
    positioned(await lintJson(['kpatch-smp']));
  });
  it('remote bases and components are kustomize-unsupported warnings at their lines, never fetched', async () => {
    const r = await lintJson(['kremote'], { codes: [0] });
    const f = positioned(r);
    expect(byRule(f, 'kustomize-unsupported').map((m) => m.line)).toEqual([2, 3, 4, 5, 6, 9]);
    expect(byRule(f, 'kustomize-error')).toEqual([]);
    await run({ args: ['render', 'kremote'], codes: [0] });
    await run({ args: ['graph', 'kremote'], codes: [0] });
  });
  it('kustomization files of the wrong shape, binary and template resources', async () => {
    for (const dir of ['kwrong', 'kwrong2', 'kwrong3', 'kwrong4', 'kwrong5', 'kwrong6', 'kbinary', 'khelm']) {
      const f = positioned(await lintJson([dir], { timeoutMs: 20_000 }));
      for (const x of f) expect(x.file.startsWith(`${dir}/`), `${dir}: ${x.file}`).toBe(true);
    }
  });
  it('render prints findings as file:line:col lines', async () => {
    for (const dir of ['kcycle/a', 'kesc/app', 'kmiss', 'kpatch/unknown-op', 'kbomb', 'kdeep', 'kwrong']) {
      const r = await run({ args: ['render', dir], codes: [0, 1], timeoutMs: 20_000 });
      for (const l of r.stderr.trim().split('\n').filter(Boolean)) expect(l, dir).toMatch(/^[^:]+:\d+:\d+: (error|warning|info): /);
    }
  });
});

describe('everything at once, in every format', () => {
  it('the whole hostile tree (minus the 50 MB files) ends with positions', async () => {
    for (const format of ['json', 'sarif']) {
      const r = await run({ args: ['-f', format, '--ignore-pattern', 'big.yaml', '--ignore-pattern', 'kbig/**', '.'], codes: [1], timeoutMs: 120_000 });
      if (format === 'json') positioned(r);
      if (format === 'sarif') {
        const sarif = JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
        for (const run of sarif.runs) for (const res of run.results) expect(res.locations[0]!.physicalLocation.region.startLine).toBeGreaterThan(0);
      }
    }
  }, 400_000);
});

// ---- fast-check: the loader ------------------------------------------------------------------

function walk(n: YNode | undefined, f: (n: YNode) => void): void {
  if (!n) return;
  f(n);
  if (n.kind === 'map') for (const p of n.items) walk(p.value, f);
  else if (n.kind === 'seq') for (const it of n.items) walk(it, f);
}

/** Every Loc of a parsed file lies inside its text, with line/col matching the offset. */
function expectLocsInside(sf: SourceFile, text: string): void {
  const ls = lineStartsOf(text);
  const check = (loc: Loc | undefined, what: string) => {
    if (!loc) return;
    expect(loc.start, what).toBeGreaterThanOrEqual(0);
    expect(loc.end, what).toBeGreaterThanOrEqual(loc.start);
    expect(loc.end, what).toBeLessThanOrEqual(text.length);
    expect(loc.line, what).toBeGreaterThanOrEqual(1);
    expect(loc.col, what).toBeGreaterThanOrEqual(1);
    const p = position(ls, loc.start);
    expect([loc.line, loc.col], what).toEqual([p.line, p.col]);
  };
  for (const f of sf.findings) check(f.loc, `finding ${f.ruleId}: ${f.message}`);
  for (const d of sf.docs) {
    check(d.loc, 'document');
    walk(d.node, (n) => {
      check(n.loc, 'node');
      if (n.kind === 'map') for (const p of n.items) check(p.keyLoc, `key ${p.key}`);
    });
  }
}

const TOKENS = ['- ', ': ', '\n', '  ', '    ', '{', '}', '[', ']', ', ', '&a ', '&b ', '*a', '*b', '<<: ', '? ', '|\n', '|-\n', '>+\n', '# c\n', '"', "'", '\\', '\n---\n', '\n...\n',
  'apiVersion: v1\n', 'kind: Pod\n', 'metadata:\n', 'name: x', 'spec:\n', 'containers:\n', 'volumeMounts:', 'mountPropagation: Bidirectional', '!!str ', '!!binary ', '!foo ',
  '%YAML 1.2\n', '%TAG ! tag:x,2000:\n', 'constructor: ', '__proto__: ', 'toString', '\t', '\r\n', '\r', '\uFEFF', '\u2028', '\u0085', '{{ .x }}', '{{- end }}', '0x1F', '1e400', '.inf', '~', 'null', '=', '@', '`', '%', '\u00e9', '\ud83d\ude00', '\ud800'];
const yamlish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((a) => a.join(''));

function realManifests(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const root = path.join(SHARED, 'corpus', 'real');
  if (!fs.existsSync(root)) return out;
  for (const f of fs.readdirSync(root, { recursive: true }) as string[]) {
    if (!/\.ya?ml$/.test(f)) continue;
    const abs = path.join(root, f);
    if (!fs.statSync(abs).isFile() || fs.statSync(abs).size > 60_000) continue;
    out.push({ file: f, text: fs.readFileSync(abs, 'utf8') });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Mutations a human or a broken tool makes to a manifest. */
type Mutation = { op: 'delete' | 'insert' | 'dupLine' | 'swapLines' | 'indent' | 'dedent' | 'truncate' | 'protoKey' | 'protoValue'; at: number; len: number; tok: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('delete', 'insert', 'dupLine', 'swapLines', 'indent', 'dedent', 'truncate', 'protoKey', 'protoValue'),
  at: fc.nat(),
  len: fc.nat({ max: 40 }),
  tok: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })),
});
function mutate(text: string, ms: Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length ? m.at % (t.length + 1) : 0;
    const lines = t.split('\n');
    const li = lines.length ? m.at % lines.length : 0;
    switch (m.op) {
      case 'delete': t = t.slice(0, at) + t.slice(at + m.len); break;
      case 'insert': t = t.slice(0, at) + m.tok + t.slice(at); break;
      case 'dupLine': lines.splice(li, 0, lines[li] ?? ''); t = lines.join('\n'); break;
      case 'swapLines': { const j = (li + 1 + m.len) % lines.length; [lines[li], lines[j]] = [lines[j]!, lines[li]!]; t = lines.join('\n'); break; }
      case 'indent': lines[li] = ' '.repeat(1 + (m.len % 4)) + lines[li]; t = lines.join('\n'); break;
      case 'dedent': lines[li] = (lines[li] ?? '').replace(/^ {1,4}/, ''); t = lines.join('\n'); break;
      case 'truncate': t = t.slice(0, at); break;
      case 'protoKey':
      case 'protoValue': {
        // A key (or a plain value) renamed to a name Object.prototype has.
        const re = m.op === 'protoKey' ? /^(\s*-?\s*)([A-Za-z][\w.-]*)(:)/gm : /^(\s*-?\s*[A-Za-z][\w.-]*:[ \t]+)([A-Za-z][\w./-]*)([ \t]*)$/gm;
        const hits = [...t.matchAll(re)];
        const h = hits.length ? hits[m.at % hits.length]! : undefined;
        if (h) t = t.slice(0, h.index) + h[1] + PROTO_KEYS[m.len % PROTO_KEYS.length] + h[3] + t.slice(h.index + h[0].length);
        break;
      }
    }
  }
  return t;
}

function lintInProcess(text: string, filename = 'fuzz.yaml') {
  return lintFiles([], { cwd: ROOT, config: defaultConfig(), rules: RULES, stdin: { text, filename } });
}

/** The whole pipeline on one text: no throw, every finding in this file inside the text. */
function expectPipelineSafe(text: string): void {
  const r = lintInProcess(text);
  const ls = lineStartsOf(text);
  for (const f of r.findings) {
    if (f.loc.file !== 'fuzz.yaml') continue;
    expect(f.loc.start, `${f.ruleId}: ${f.message}`).toBeGreaterThanOrEqual(0);
    expect(f.loc.end, `${f.ruleId}: ${f.message}`).toBeLessThanOrEqual(text.length);
    expect(f.loc.line, `${f.ruleId}`).toBeLessThanOrEqual(ls.length);
    expect(f.loc.col, `${f.ruleId}`).toBeGreaterThanOrEqual(1);
  }
}

describe('fast-check: the loader never throws, and every position is inside the text', () => {
  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => expectLocsInside(parseSource('f.yaml', s), s)), { numRuns: 400 });
  });
  it('YAML-token soup', () => {
    fc.assert(fc.property(yamlish, (s) => expectLocsInside(parseSource('f.yaml', s), s)), { numRuns: 600 });
  });
  const corpus = realManifests();
  it.skipIf(!corpus.length)('mutated real manifests (/work/shared/corpus/real): the loader', () => {
    fc.assert(fc.property(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 6 }), (m, ms) => {
      const t = mutate(m.text, ms);
      expectLocsInside(parseSource('f.yaml', t), t);
    }), { numRuns: 300 });
  });
  it.skipIf(!corpus.length)('mutated real manifests: the fast path (load/fast-yaml.ts) reads exactly what the yaml package reads', () => {
    const shape = (n: YNode | undefined): unknown => {
      if (!n) return null;
      const l = n.loc && [n.loc.start, n.loc.end, n.loc.line, n.loc.col, n.loc.endLine, n.loc.endCol];
      if (n.kind === 'map') return { m: n.items.map((p) => [p.key, p.keyLoc && [p.keyLoc.start, p.keyLoc.end], shape(p.value)]), flow: !!n.flow, l };
      if (n.kind === 'seq') return { s: n.items.map(shape), flow: !!n.flow, l };
      return { v: n.value, style: n.style, l };
    };
    const view = (sf: SourceFile) => ({
      docs: sf.docs.map((d) => [d.index, shape(d.node), d.loc.start, d.loc.end]),
      findings: sf.findings.map((f) => [f.ruleId, f.severity, f.loc.start, f.loc.end]),
    });
    fc.assert(fc.property(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 3 }), (m, ms) => {
      const t = mutate(m.text, ms);
      expect(view(parseSource('f.yaml', t))).toEqual(view(parseSource('f.yaml', t, { fast: false })));
    }), { numRuns: 400 });
  });
  it.skipIf(!corpus.length)('mutated real manifests: the whole pipeline (model, rules, suppressions)', () => {
    fc.assert(fc.property(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 4 }), (m, ms) => {
      expectPipelineSafe(mutate(m.text, ms));
    }), { numRuns: 150 });
  }, 120_000);
});

// ---- fast-check: wrong types through the whole pipeline -----------------------------------

function fixtureManifests(): string[] {
  const out: string[] = [];
  const root = path.join(ROOT, 'fixtures');
  for (const f of fs.readdirSync(root, { recursive: true }) as string[]) {
    if (!/\.ya?ml$/.test(f) || /fixed|suggested/.test(f)) continue;
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    if (/kind: (Pod|Deployment|StatefulSet|DaemonSet|Job|CronJob|HelmRelease)/.test(text) && text.length < 30_000) out.push(text);
  }
  return out.sort();
}

const WRONG: unknown[] = [5, -1, 0, 1.5, 'x', '', true, null, [], {}, [null], [[1]], [5, 'x'], { a: 1 }, { '': null }, ['a', { b: [] }], 'Bidirectional', '/', '../..', 1e21, ...PROTO_KEYS];

/** Replace the value at the `pick`-th path of the object tree with `value`. */
function replaceAt(root: unknown, pick: number, value: unknown): unknown {
  const paths: (string | number)[][] = [];
  const visit = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, [...p, k]);
  };
  visit(root, []);
  const target = paths[pick % paths.length]!;
  if (target.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur: Record<string | number, unknown> = copy;
  for (const k of target.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[target[target.length - 1]!] = value;
  return copy;
}

describe('fast-check: wrong types anywhere in real pod templates', () => {
  const manifests = fixtureManifests();
  it('the model and every rule survive any value of the wrong type at any place', () => {
    fc.assert(fc.property(fc.constantFrom(...manifests), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...WRONG)), { minLength: 1, maxLength: 3 }), (text, edits) => {
      const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
      const changed = docs.map((d, i) => edits.reduce((acc, [pick, v], j) => ((j + i) % docs.length === 0 ? replaceAt(acc, pick, v) : acc), d));
      const out = changed.map((d) => stringify(d)).join('---\n');
      expectPipelineSafe(out);
    }), { numRuns: 250 });
  }, 120_000);
});

// ---- fast-check: the shell-command reader ----------------------------------------------------

const SHELL_TOKENS = ['rclone', 'mount', 'remote:', '/mnt/x', '--allow-other', '--rc', '--rc-addr=:5572', 'serve', 'nfs', '--addr', ':2049', 'sh', '-c', 'bash', 'exec', 'nsenter', '--',
  'tini', 'env', 'A=1', '&&', '||', ';', '&', '|', '(', ')', '{', '}', 'if', 'then', 'else', 'fi', 'while', 'do', 'done', 'for', 'in', 'case', 'esac', '$(', '`', '"', "'", '\\', '\n', '\\\n',
  '$VAR', '${X:-y}', '$((1+2))', '<<EOF\nx\nEOF\n', '>', '2>&1', '<', 'mkdir', '-p', 'mountpoint', '-q', 'fusermount', '-uz', 'umount', '-l', 'sleep', 'infinity', '#', '!', 'trap', 'wait',
  'sshfs', 's3fs', 'gcsfuse', 'mergerfs', 'juicefs', 'blobfuse2', '-o', 'allow_other', '-t', 'nfs4', 'server:/export', ' ', '  ', '\t',
  ...PROTO_KEYS];
const shellish = fc.array(fc.oneof(fc.constantFrom(...SHELL_TOKENS), fc.string({ maxLength: 6 })), { maxLength: 40 }).map((a) => a.join(' '));
const anyCommand = fc.oneof(shellish, fc.string({ unit: 'binary', maxLength: 200 }));

/** A pod whose container runs `command`/`args`, each item written as a JSON string (valid YAML), or the script as a `|` block. */
function podRunning(command: string[], args: string[], block: boolean): string {
  const items = (xs: string[]) => xs.map((x) => `        - ${JSON.stringify(x)}`).join('\n');
  const script = block && args.length
    ? `      args:\n        - |\n${args[0]!.replace(/\r/g, '').split('\n').map((l) => `          ${l}`).join('\n')}\n`
    : args.length ? `      args:\n${items(args)}\n` : '';
  return [
    'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  containers:', '    - name: c', '      image: rclone/rclone',
    command.length ? `      command:\n${items(command)}` : '',
    script.replace(/\n$/, ''),
    '      lifecycle:', '        preStop:', '          exec:', '            command: ["sh", "-c", "fusermount -uz /mnt/x"]',
    '      volumeMounts:', '        - {name: m, mountPath: /mnt, mountPropagation: Bidirectional}',
    '      securityContext: {privileged: true}', '  volumes:', '    - {name: m, emptyDir: {}}', '',
  ].filter((l) => l !== '').join('\n') + '\n';
}

describe('fast-check: the shell-command reader never throws', () => {
  it('analyzeRun on arbitrary command and args (sh -c scripts, plain argv, block scripts)', () => {
    fc.assert(fc.property(fc.array(anyCommand, { maxLength: 3 }), fc.array(anyCommand, { maxLength: 3 }), fc.boolean(), fc.boolean(), (command, args, shell, block) => {
      const cmd = shell ? ['sh', '-c', ...command] : command;
      const text = podRunning(cmd, args, block);
      const sf = parseSource('pod.yaml', text);
      const c = get(sf.docs[0]?.node, 'spec', 'containers', 0);
      if (!isMap(c)) return; // the block form of an odd script may not be YAML: the loader's business, tested above
      const seq = (n: YNode | undefined) => (isSeq(n) ? (n as YSeq) : undefined);
      const a = analyzeRun({
        image: 'rclone/rclone', commandNode: seq(get(c, 'command')), argsNode: seq(get(c, 'args')), lifecycleNode: get(c, 'lifecycle') as YMap | undefined,
        ports: [], mounters: [], fileText: (f) => (f === 'pod.yaml' ? text : undefined),
      });
      for (const cm of a.cmds) for (const w of cm.words) {
        if (!w.loc) continue;
        expect(w.loc.start).toBeGreaterThanOrEqual(0);
        expect(w.loc.end).toBeLessThanOrEqual(text.length);
      }
    }), { numRuns: 500 });
  }, 120_000);
  it('the same pods through the whole pipeline', () => {
    fc.assert(fc.property(fc.array(anyCommand, { maxLength: 2 }), fc.array(anyCommand, { maxLength: 2 }), fc.boolean(), (command, args, block) => {
      expectPipelineSafe(podRunning(['sh', '-c', ...command], args, block));
    }), { numRuns: 200 });
  }, 120_000);
});

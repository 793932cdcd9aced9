// The fixer combines fixes the way ESLint does, and moves text instead of re-rendering it:
//   - two fixes that each apply cleanly but together would give a map a duplicate key (a
//     rename to `mountPropagation` and a fix that adds `mountPropagation`) go in separate
//     passes, the rename first: the other fix is re-planned on the renamed key (a value
//     replacement, or nothing). Every other fix of the file still goes in.
//   - the native sidecar suggestion (mount-readiness) moves the container's own text into
//     `initContainers`, re-indented, so its comments and quoting survive.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fixTexts } from '../src/cli/fix-command.js';
import { defaultConfig } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';
import { parseSource } from '../src/load/source.js';
import { get, toJS, type YMap, type YNode, type YSeq } from '../src/load/ynode.js';
import { planFix } from '../src/fix/apply.js';
import { applyTextEdits, type TextEdit } from '../src/fix/text-edit.js';
import { Moved } from '../src/fix/moved.js';
import { ROOT } from './helpers.js';

/** --fix (--suggestions) in memory with only `rules` on; the new text of f.yaml. */
async function fixWith(text: string, rules: string[] | 'all', suggestions = false) {
  const config = defaultConfig();
  if (rules !== 'all') for (const r of RULES) if (!rules.includes(r.id)) config.rules[r.id] = 'off';
  const r = await fixTexts(new Map([['f.yaml', text]]), ROOT, config, suggestions);
  return { ...r, text: r.files.get('f.yaml') ?? text };
}

/** Parses with no error, duplicate keys included. */
function clean(text: string): boolean {
  return parseAllDocuments(text, { uniqueKeys: true }).every((d) => d.errors.length === 0);
}

/** `text` with each [old, new] line replaced (the old line must be there once). */
function edited(text: string, ...changes: [string, string][]): string {
  let t = text;
  for (const [from, to] of changes) {
    expect(t.split(from).length, from).toBe(2);
    t = t.replace(from, to);
  }
  return t;
}

// ---- duplicate keys from two fixes --------------------------------------------------------

const TYPO = `apiVersion: v1
kind: Pod
metadata:
  name: media
spec:
  containers:
    - name: rclone
      image: rclone/rclone:1.68.2
      args: [mount, "torbox:", /mnt/media/torbox, --allow-other]
      securityContext:
        privileged: true
      volumeMounts:
        - name: media
          mountPath: /mnt/media
          mountPropogation: Bidirectional # typo
    - name: sonarr
      image: lscr.io/linuxserver/sonarr:4.0.11
      volumeMounts:
        - name: media
          mountPath: /mnt/media
          mountPropagation: HostToContainer
  volumes:
    - name: media
      emptyDir:
        medium: Memory
`;

describe('two fixes that together would add a duplicate key', () => {
  it('unknown-field renames mountPropogation and mounter-bidirectional adds mountPropagation: the rename goes in, the other fix has nothing left to do', async () => {
    const r = await fixWith(TYPO, ['unknown-field', 'mounter-bidirectional']);
    expect(r.text).toBe(edited(TYPO, ['          mountPropogation: Bidirectional # typo\n', '          mountPropagation: Bidirectional # typo\n']));
    expect(r.problems).toEqual([]);
    expect(r.applied.map((a) => a.fix.description)).toEqual(['rename "mountPropogation" to "mountPropagation"']);
    expect(r.remaining).toEqual([]);
    expect(clean(r.text)).toBe(true);
  });

  it('with another value under the misspelt key: renamed in the first pass, the value replaced in the second', async () => {
    const input = edited(TYPO, ['mountPropogation: Bidirectional # typo', 'mountPropogation: HostToContainer # typo']);
    const r = await fixWith(input, ['unknown-field', 'mounter-bidirectional']);
    expect(r.text).toBe(edited(TYPO, ['          mountPropogation: Bidirectional # typo\n', '          mountPropagation: Bidirectional # typo\n']));
    expect(r.problems).toEqual([]);
    expect(r.applied.map((a) => a.finding.ruleId)).toEqual(['unknown-field', 'mounter-bidirectional']);
    expect(r.remaining).toEqual([]);
  });

  it('with every rule on: the rename and the other fixes of the file go in, and the file parses without a duplicate key', async () => {
    const r = await fixWith(TYPO, 'all');
    expect(r.problems).toEqual([]);
    expect(r.text).toContain('          mountPropagation: Bidirectional # typo\n');
    expect(r.text).not.toContain('mountPropogation');
    expect(clean(r.text)).toBe(true);
    expect(r.remaining.filter((f) => f.ruleId === 'unknown-field' || f.ruleId === 'mounter-bidirectional')).toEqual([]);
  });
});

// ---- the native sidecar suggestion moves the container's text -----------------------------

const NO_INIT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: plex
spec:
  selector:
    matchLabels: {app: plex}
  template:
    metadata:
      labels: {app: plex}
    spec:
      containers:
      # the zurg mount, for Plex
      - name: rclone-zurg # mounts zurg
        image: 'rclone/rclone:1.68.2'   # pinned
        # rclone reads its config from the secret
        args:
          - mount
          - "zurg:"
          - '/mnt/media/zurg'
          - --allow-other # plex runs as another uid
        env:
          - name: RCLONE_CONFIG
            value: "/config/rclone.conf"
          - name: SCRIPT
            value: |
              echo "start"
                # indented in the script
              exit 0
        securityContext:
          privileged: true
        volumeMounts:
          - name: media
            mountPath: /mnt/media
            mountPropagation: Bidirectional
        # end of rclone
      - name: plex
        image: lscr.io/linuxserver/plex:1.41.3
        volumeMounts:
          - name: media
            mountPath: /mnt/media
            mountPropagation: HostToContainer
      volumes:
        - name: media
          emptyDir:
            medium: Memory
`;

const NO_INIT_MOVED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: plex
spec:
  selector:
    matchLabels: {app: plex}
  template:
    metadata:
      labels: {app: plex}
    spec:
      containers:
      - name: plex
        image: lscr.io/linuxserver/plex:1.41.3
        volumeMounts:
          - name: media
            mountPath: /mnt/media
            mountPropagation: HostToContainer
      volumes:
        - name: media
          emptyDir:
            medium: Memory
      initContainers:
        # the zurg mount, for Plex
        - name: rclone-zurg # mounts zurg
          restartPolicy: Always
          image: 'rclone/rclone:1.68.2'   # pinned
          # rclone reads its config from the secret
          args:
            - mount
            - "zurg:"
            - '/mnt/media/zurg'
            - --allow-other # plex runs as another uid
          env:
            - name: RCLONE_CONFIG
              value: "/config/rclone.conf"
            - name: SCRIPT
              value: |
                echo "start"
                  # indented in the script
                exit 0
          securityContext:
            privileged: true
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: Bidirectional
          startupProbe:
            exec:
              command:
                - sh
                - -c
                - grep -qs ' /mnt/media/zurg fuse' /proc/mounts && test -d /mnt/media/zurg
            periodSeconds: 2
            failureThreshold: 150
          # end of rclone
`;

const WITH_INIT = `apiVersion: v1
kind: Pod
metadata:
  name: sonarr
spec:
  initContainers:
  - name: init-dirs
    image: busybox:1.36
    command: ["mkdir", "-p", "/mnt/media/torbox"]
    volumeMounts:
    - {name: media, mountPath: /mnt/media}
  containers:
      - name: sonarr
        image: lscr.io/linuxserver/sonarr:4.0.11
        volumeMounts:
          - name: media
            mountPath: /mnt/media
            mountPropagation: HostToContainer
      # TorBox through rclone
      - name: rclone # the mounter
        image: "rclone/rclone:1.68.2"
        command:
          - sh
          - -c
          # mount in the foreground
          - |
            rclone mount 'torbox:' /mnt/media/torbox \\
              --allow-other   # for sonarr's uid
        startupProbe: # too weak: only the process
          exec: {command: ["true"]}
        securityContext: {privileged: true}
        volumeMounts:
          - name: media
            mountPath: /mnt/media
            mountPropagation: Bidirectional
  volumes:
  - name: media
    emptyDir: {medium: Memory}
`;

const WITH_INIT_MOVED = `apiVersion: v1
kind: Pod
metadata:
  name: sonarr
spec:
  initContainers:
  - name: init-dirs
    image: busybox:1.36
    command: ["mkdir", "-p", "/mnt/media/torbox"]
    volumeMounts:
    - {name: media, mountPath: /mnt/media}
  # TorBox through rclone
  - name: rclone # the mounter
    restartPolicy: Always
    image: "rclone/rclone:1.68.2"
    command:
      - sh
      - -c
      # mount in the foreground
      - |
        rclone mount 'torbox:' /mnt/media/torbox \\
          --allow-other   # for sonarr's uid
    startupProbe: # too weak: only the process
      exec:
        command:
          - sh
          - -c
          - grep -qs ' /mnt/media/torbox fuse' /proc/mounts && test -d /mnt/media/torbox
      periodSeconds: 2
      failureThreshold: 150
    securityContext: {privileged: true}
    volumeMounts:
      - name: media
        mountPath: /mnt/media
        mountPropagation: Bidirectional
  containers:
      - name: sonarr
        image: lscr.io/linuxserver/sonarr:4.0.11
        volumeMounts:
          - name: media
            mountPath: /mnt/media
            mountPropagation: HostToContainer
  volumes:
  - name: media
    emptyDir: {medium: Memory}
`;

describe('the native sidecar suggestion moves the container as written', () => {
  it('into a new initContainers list: comments (above, inside, after), quotes, flow and block scalars kept, indented one step deeper', async () => {
    const r = await fixWith(NO_INIT, ['mount-readiness'], true);
    expect(r.text).toBe(NO_INIT_MOVED);
    expect(r.problems).toEqual([]);
    const again = await fixWith(r.text, ['mount-readiness'], true);
    expect(again.files.size).toBe(0);
  });

  it('the same with CRLF line ends', async () => {
    const crlf = (t: string) => t.replace(/\n/g, '\r\n');
    const r = await fixWith(crlf(NO_INIT), ['mount-readiness'], true);
    expect(r.text).toBe(crlf(NO_INIT_MOVED));
  });

  it('to the end of an initContainers list written at a shallower column; its weak startupProbe is replaced where it was', async () => {
    const r = await fixWith(WITH_INIT, ['mount-readiness'], true);
    expect(r.text).toBe(WITH_INIT_MOVED);
    expect(r.problems).toEqual([]);
  });

  it('the last container of the last list of the pod spec: a comment after it stays, the new list goes before it', async () => {
    const input = `apiVersion: v1
kind: Pod
metadata:
  name: plex
spec:
  volumes:
    - name: media
      emptyDir: {medium: Memory}
  containers:
    - name: plex
      image: lscr.io/linuxserver/plex:1.41.3
      volumeMounts:
        - {name: media, mountPath: /mnt/media, mountPropagation: HostToContainer}
    - name: rclone
      image: rclone/rclone:1.68.2
      args: [mount, "zurg:", /mnt/media/zurg, --allow-other]
      securityContext: {privileged: true}
      volumeMounts:
        - {name: media, mountPath: /mnt/media, mountPropagation: Bidirectional}
      # last words
`;
    const r = await fixWith(input, ['mount-readiness'], true);
    expect(r.problems).toEqual([]);
    expect(r.text).toBe(`apiVersion: v1
kind: Pod
metadata:
  name: plex
spec:
  volumes:
    - name: media
      emptyDir: {medium: Memory}
  containers:
    - name: plex
      image: lscr.io/linuxserver/plex:1.41.3
      volumeMounts:
        - {name: media, mountPath: /mnt/media, mountPropagation: HostToContainer}
  initContainers:
    - name: rclone
      restartPolicy: Always
      image: rclone/rclone:1.68.2
      args: [mount, "zurg:", /mnt/media/zurg, --allow-other]
      securityContext: {privileged: true}
      volumeMounts:
        - {name: media, mountPath: /mnt/media, mountPropagation: Bidirectional}
      startupProbe:
        exec:
          command:
            - sh
            - -c
            - grep -qs ' /mnt/media/zurg fuse' /proc/mounts && test -d /mnt/media/zurg
        periodSeconds: 2
        failureThreshold: 150
      # last words
`);
  });

  it('into `initContainers: []`: it becomes a block list, so the container keeps its text', async () => {
    const start = WITH_INIT.indexOf('  initContainers:');
    const input = WITH_INIT.slice(0, start) + '  initContainers: [] # none yet\n' + WITH_INIT.slice(WITH_INIT.indexOf('  containers:'));
    const r = await fixWith(input, ['mount-readiness'], true);
    const moved = WITH_INIT_MOVED.slice(WITH_INIT_MOVED.indexOf('  # TorBox'), WITH_INIT_MOVED.indexOf('  containers:'));
    expect(r.text).toBe(
      WITH_INIT.slice(0, start) + '  initContainers: # none yet\n' + moved.replace(/^(?=.)/gm, '  ') + WITH_INIT_MOVED.slice(WITH_INIT_MOVED.indexOf('  containers:')),
    );
  });
});

describe('Moved values (src/fix/moved.ts)', () => {
  const T = 'a:\n  - x: 1 # one\n    y: "two"\nb:\n  - z: 0\nc: []\n';
  const root = (text: string) => parseSource('f.yaml', text).docs[0]!.node! as YNode;
  const apply = (text: string, edits: TextEdit[] | string) => {
    expect(typeof edits, String(edits)).not.toBe('string');
    return applyTextEdits(text, edits as TextEdit[]).text;
  };

  it('an item moved to another list takes its text along', () => {
    const r = root(T);
    const item = get(r, 'a', 0) as YMap;
    const fix = { description: 'move', edits: [
      { op: 'removeItem' as const, seq: get(r, 'a') as YSeq, index: 0 },
      { op: 'insertItem' as const, seq: get(r, 'b') as YSeq, value: new Moved(item, toJS(item)) },
    ] };
    expect(apply(T, planFix(fix, () => T))).toBe('a: []\nb:\n  - z: 0\n  - x: 1 # one\n    y: "two"\nc: []\n');
  });

  it('into a flow list, or when the text would not read as the value, the value is rendered instead', () => {
    const r = root(T);
    const item = get(r, 'a', 0) as YMap;
    const flow = { description: 'f', edits: [{ op: 'insertItem' as const, seq: get(r, 'c') as YSeq, value: new Moved(item, toJS(item)) }] };
    expect(apply(T, planFix(flow, () => T))).toBe(T.replace('c: []', 'c: [{x: 1, "y": two}]'));
    const other = { description: 'o', edits: [{ op: 'insertItem' as const, seq: get(r, 'b') as YSeq, value: new Moved(item, { x: 2 }) }] };
    expect(apply(T, planFix(other, () => T))).toBe(T.replace('  - z: 0\n', '  - z: 0\n  - x: 2\n'));
  });
});

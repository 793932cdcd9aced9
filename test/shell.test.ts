// analyzeRun on real container snippets: exact mount ops, listeners, guards, and word
// positions inside `|` block scripts.
import { describe, expect, it } from 'vitest';
import { parseSource } from '../src/load/source.js';
import { get, isMap, isScalar, isSeq, str, type YNode } from '../src/load/ynode.js';
import { analyzeRun, isExact, parseScript, type RunInput } from '../src/model/shell/index.js';
import type { MounterConfig } from '../src/engine/config.js';
import type { RunAnalysis, Word } from '../src/model/types.js';

/** Builds the RunInput of the first container of a YAML pod spec (`spec.containers[0]`). */
function input(yaml: string, opts: { mounters?: MounterConfig[]; withText?: boolean } = {}): RunInput {
  const file = parseSource('pod.yaml', yaml);
  const c = get(file.docs[0]!.node, 'spec', 'containers', 0);
  const seq = (n: YNode | undefined) => (isSeq(n) ? n : undefined);
  const imageNode = get(c, 'image');
  const lifecycle = get(c, 'lifecycle');
  const ports = (isSeq(get(c, 'ports')) ? (get(c, 'ports') as { items: YNode[] }).items : []).flatMap((p) => {
    const n = get(p, 'containerPort');
    return isMap(p) && isScalar(n) ? [{ port: Number(n.value), node: n }] : [];
  });
  return {
    image: str(imageNode),
    imageNode: isScalar(imageNode) ? imageNode : undefined,
    commandNode: seq(get(c, 'command')),
    argsNode: seq(get(c, 'args')),
    lifecycleNode: isMap(lifecycle) ? lifecycle : undefined,
    ports,
    mounters: opts.mounters ?? [],
    fileText: opts.withText === false ? undefined : () => yaml,
  };
}

function run(yaml: string, opts?: { mounters?: MounterConfig[]; withText?: boolean }): RunAnalysis {
  return analyzeRun(input(yaml, opts));
}

/** Container YAML with a `|` block script under `command: [/bin/sh, -c]`. */
function script(body: string, image = 'alpine:3.19'): string {
  const indented = body.trim().split('\n').map((l) => (l ? '          ' + l : l)).join('\n');
  return `spec:\n  containers:\n    - name: c\n      image: ${image}\n      command: ["/bin/sh", "-c"]\n      args:\n        - |\n${indented}\n`;
}

/** line:col-endLine:endCol of a word, for compact position assertions. */
const pos = (w: Word | undefined) => (w?.loc ? `${w.loc.line}:${w.loc.col}-${w.loc.endLine}:${w.loc.endCol}` : 'none');
/** The file text a word's loc covers. */
const slice = (text: string, w: Word | undefined) => (w?.loc ? text.slice(w.loc.start, w.loc.end) : undefined);
const words = (a: RunAnalysis) => a.cmds.map((c) => c.words.map((w) => w.text).join(' '));

describe('seed manifests', () => {
  it('reads the seed-style rclone args (image ENTRYPOINT rclone)', () => {
    const yaml = `spec:
  containers:
    - name: zurg-mount
      image: rclone/rclone:latest
      args: ["mount","zurg:","/mnt/media/zurg","--config=/config/rclone/rclone.conf","--allow-other","--rc","--rc-addr=:5572"]
`;
    const a = run(yaml);
    expect(a.opaque).toBe(false);
    expect(a.longRunning).toBe(true);
    expect(a.mountOps).toHaveLength(1);
    const op = a.mountOps[0]!;
    expect(op).toMatchObject({
      tool: 'rclone', subcommand: 'mount', fs: 'fuse', source: 'zurg:', target: '/mnt/media/zurg',
      options: [], allowOther: true, allowNonEmpty: false, daemon: false,
    });
    expect(op.flags.map((f) => [f.name, f.value])).toEqual([
      ['--config', '/config/rclone/rclone.conf'], ['--allow-other', undefined], ['--rc', undefined], ['--rc-addr', ':5572'],
    ]);
    // The program word is the image (rclone's ENTRYPOINT); the target is its array item.
    expect(op.at.text).toBe('rclone');
    expect(pos(op.at)).toBe('4:14-4:34');
    expect(pos(op.targetWord)).toBe('5:30-5:47');
    expect(op.cmd).toMatchObject({ background: false, inLoop: false, inCondition: false, source: 'main', seq: 0 });
    expect(a.listeners).toEqual([
      expect.objectContaining({ kind: 'rc', host: '', port: 5572, implicit: false, proto: undefined }),
    ]);
    expect(a.listeners[0]!.flag?.name).toBe('--rc-addr');
  });

  it('places words of a block-literal script with line continuations exactly', () => {
    const yaml = `spec:
  containers:
    - name: rclone
      image: rclone/rclone:1.66
      command: ["/bin/sh", "-c"]
      args:
        - |
          mkdir -p /mnt/media/__all__
          rclone mount zurg: /mnt/media/__all__ \\
            --config=/config/rclone.conf \\
            --allow-other --allow-non-empty \\
            --vfs-cache-mode full --dir-cache-time 10s
`;
    const a = run(yaml);
    expect(words(a)).toEqual([
      'mkdir -p /mnt/media/__all__',
      'rclone mount zurg: /mnt/media/__all__ --config=/config/rclone.conf --allow-other --allow-non-empty --vfs-cache-mode full --dir-cache-time 10s',
    ]);
    const op = a.mountOps[0]!;
    expect(op).toMatchObject({ source: 'zurg:', target: '/mnt/media/__all__', allowOther: true, allowNonEmpty: true, daemon: false });
    expect(op.flags.map((f) => `${f.name}=${f.value}`)).toEqual([
      '--config=/config/rclone.conf', '--allow-other=undefined', '--allow-non-empty=undefined', '--vfs-cache-mode=full', '--dir-cache-time=10s',
    ]);
    expect(pos(op.at)).toBe('9:11-9:17');
    expect(pos(op.targetWord)).toBe('9:30-9:48');
    const allowOther = op.flags.find((f) => f.name === '--allow-other')!.word;
    expect(pos(allowOther)).toBe('11:13-11:26');
    expect(allowOther.loc).toMatchObject({ file: 'pod.yaml', start: yaml.indexOf('--allow-other'), end: yaml.indexOf('--allow-other') + 13 });
    expect(isExact(allowOther)).toBe(true);
    expect(pos(op.flags.find((f) => f.name === '--vfs-cache-mode')!.valueWord)).toBe('12:30-12:34');
    expect(a.mkdirs.map((m) => m.path)).toEqual(['/mnt/media/__all__']);
    expect(a.longRunning).toBe(true);
    expect(a.opaque).toBe(false);
  });

  it('reads the seed 003 dfs-mounter retry loop', () => {
    const yaml = script(`
apk add --no-cache nfs-utils --quiet
mkdir -p /mnt/dfs
while true; do
  if ! mountpoint -q /mnt/dfs; then
    mount -t nfs4 -o soft,timeo=30,retrans=3 \\
      decypharr-streaming-nfs.media.svc.cluster.local:/ /mnt/dfs \\
      && echo "DFS mounted" || echo "DFS mount failed, retrying..."
  fi
  sleep 15
done`);
    const a = run(yaml);
    expect(words(a)).toEqual([
      'apk add --no-cache nfs-utils --quiet',
      'mkdir -p /mnt/dfs',
      'true',
      'mountpoint -q /mnt/dfs',
      'mount -t nfs4 -o soft,timeo=30,retrans=3 decypharr-streaming-nfs.media.svc.cluster.local:/ /mnt/dfs',
      'echo DFS mounted',
      'echo DFS mount failed, retrying...',
      'sleep 15',
    ]);
    expect(a.guards).toHaveLength(1);
    const guard = a.guards[0]!;
    expect(guard).toMatchObject({ path: '/mnt/dfs', kind: 'mountpoint' });
    expect(guard.cmd).toMatchObject({ inLoop: true, inCondition: true, background: false });
    expect(pos(guard.at)).toBe('11:32-11:40');
    const op = a.mountOps[0]!;
    expect(op).toMatchObject({
      tool: 'mount', subcommand: 'nfs4', fs: 'nfs', source: 'decypharr-streaming-nfs.media.svc.cluster.local:/', target: '/mnt/dfs',
      options: ['soft', 'timeo=30', 'retrans=3'], allowOther: false, daemon: false,
    });
    expect(op.cmd).toMatchObject({ inLoop: true, inCondition: false, background: false, seq: 4 });
    expect(pos(op.at)).toBe('12:15-12:20');
    expect(pos(op.targetWord)).toBe('13:67-13:75');
    expect(slice(yaml, op.targetWord)).toBe('/mnt/dfs');
    expect(slice(yaml, guard.at)).toBe('/mnt/dfs');
    expect(a.mkdirs.map((m) => m.path)).toEqual(['/mnt/dfs']);
    expect(a.longRunning).toBe(true); // while true
    expect(a.opaque).toBe(false);
  });
});

describe('rclone', () => {
  it('serve nfs with --addr: a listener and an export', () => {
    const a = run(script('rclone serve nfs /mnt/dfs --addr 0.0.0.0:2049 --vfs-cache-mode=full'));
    expect(a.listeners).toEqual([expect.objectContaining({ kind: 'serve', proto: 'nfs', host: '0.0.0.0', port: 2049, implicit: false })]);
    expect(a.listeners[0]!.flag).toMatchObject({ name: '--addr', value: '0.0.0.0:2049' });
    expect((a.listeners[0]!.at as Word).text).toBe('0.0.0.0:2049');
    expect(a.exports).toHaveLength(1);
    expect(a.exports[0]).toMatchObject({ proto: 'nfs', dir: '/mnt/dfs' });
    expect(a.exports[0]!.listener).toBe(a.listeners[0]);
    expect(a.mountOps).toEqual([]);
    expect(a.longRunning).toBe(true);
  });

  it('uses rclone defaults for serve without --addr', () => {
    const serve = (proto: string) => run(script(`rclone serve ${proto} /data`)).listeners.map((l) => `${l.proto} ${l.host}:${l.port} ${l.implicit}`);
    expect(serve('nfs')).toEqual(['nfs localhost:null true']);
    expect(serve('sftp')).toEqual(['sftp localhost:2022 true']);
    expect(serve('ftp')).toEqual(['ftp localhost:2121 true']);
    expect(serve('dlna')).toEqual(['dlna :7879 true']);
    expect(serve('http')).toEqual(['http 127.0.0.1:8080 true']);
    expect(serve('webdav')).toEqual(['webdav 127.0.0.1:8080 true']);
    expect(serve('s3')).toEqual(['s3 127.0.0.1:8080 true']);
    expect(serve('restic')).toEqual(['restic 127.0.0.1:8080 true']);
    expect(serve('docker')).toEqual([]);
    const webdav = run(script('rclone serve webdav remote:media --addr :8080 --addr unix:///run/x.sock'));
    expect(webdav.listeners.map((l) => `${l.host}:${l.port}`)).toEqual([':8080']);
    expect(webdav.exports.map((e) => `${e.proto} ${e.dir}`)).toEqual(['webdav remote:media']);
  });

  it('exec rclone mount: the program word is rclone, after exec', () => {
    const a = run(script('umount -l /host-mount/x 2>/dev/null || true\nmkdir -p /host-mount/x\nexec rclone mount realdebrid:/ /host-mount/x \\\n  --dir-cache-time=20s --allow-other --cache-dir=/cache'));
    expect(a.unmounts).toEqual([expect.objectContaining({ path: '/host-mount/x', lazy: true })]);
    expect(a.mountOps).toHaveLength(1);
    expect(a.mountOps[0]).toMatchObject({ tool: 'rclone', source: 'realdebrid:/', target: '/host-mount/x', allowOther: true });
    expect(a.mountOps[0]!.at.text).toBe('rclone');
    expect(a.mountOps[0]!.cmd.words[0]!.text).toBe('exec');
    expect(a.longRunning).toBe(true);
    expect(a.opaque).toBe(false);
  });

  it('tini -- rclone rcd: an rcd listener on localhost:5572', () => {
    const a = run(`spec:\n  containers:\n    - name: rcd\n      image: rclone/rclone\n      command: [tini, --, rclone, rcd, --rc-no-auth]\n`);
    expect(a.listeners).toEqual([expect.objectContaining({ kind: 'rcd', host: 'localhost', port: 5572, implicit: true, flag: undefined })]);
    expect((a.listeners[0]!.at as Word).text).toBe('rcd');
    expect(a.longRunning).toBe(true);
    const b = run(script('rclone rcd --rc-addr 0.0.0.0:5573 --rc-addr=[::1]:5574'));
    expect(b.listeners.map((l) => `${l.kind} ${l.host} ${l.port} ${l.implicit}`)).toEqual(['rcd 0.0.0.0 5573 false', 'rcd ::1 5574 false']);
  });

  it('umount -l then rclone mount --daemon: a background mount, not long-running', () => {
    const a = run(script('umount -l /x; rclone mount a: /x --daemon'));
    expect(a.unmounts).toEqual([expect.objectContaining({ path: '/x', lazy: true })]);
    expect(a.mountOps[0]).toMatchObject({ target: '/x', daemon: true });
    expect(a.mountOps[0]!.cmd.background).toBe(true);
    expect(a.longRunning).toBe(false);
    expect(a.opaque).toBe(false);
  });

  it('reads flags in every form', () => {
    const a = run(script(
      'rclone --config /c/rclone.conf mount --vfs-cache-mode full --unknown-bool -o allow_other,nonempty remote:path /mnt/x --rc --uid 1000 --allow-other=false',
    ));
    const op = a.mountOps[0]!;
    expect(op).toMatchObject({ source: 'remote:path', target: '/mnt/x', options: ['allow_other', 'nonempty'], allowOther: true, allowNonEmpty: true });
    expect(op.flags.map((f) => `${f.name}=${f.value}`)).toEqual([
      '--config=/c/rclone.conf', '--vfs-cache-mode=full', '--unknown-bool=undefined', '-o=allow_other,nonempty', '--rc=undefined', '--uid=1000', '--allow-other=false',
    ]);
    expect(a.listeners).toEqual([expect.objectContaining({ kind: 'rc', host: 'localhost', port: 5572, implicit: true })]);
    expect((a.listeners[0]!.at as Word).text).toBe('--rc');
  });

  it('--rc-addr without --rc starts no server', () => {
    expect(run(script('rclone mount a: /x --rc-addr :5572')).listeners).toEqual([]);
    expect(run(script('rclone copy a: /x --rc --rc-addr=:5572 --rc-addr=127.0.0.1:5580')).listeners.map((l) => `${l.host}:${l.port}`)).toEqual([':5572', '127.0.0.1:5580']);
  });

  it('nfsmount is an NFS mount made by rclone; underscores in flag names are accepted', () => {
    const a = run(script('rclone nfsmount remote: /mnt/n --vfs_cache_mode full'));
    expect(a.mountOps[0]).toMatchObject({ tool: 'rclone', subcommand: 'nfsmount', fs: 'nfs', source: 'remote:', target: '/mnt/n' });
  });
});

describe('mount tools', () => {
  it('nsenter -t 1 -m -- mount -t nfs ...', () => {
    const a = run(`spec:\n  containers:\n    - name: m\n      image: alpine\n      command: [nsenter, -t, "1", -m, --, mount, -t, nfs, -o, "vers=3,nolock", "10.0.0.5:/export", /host/mnt]\n`);
    expect(a.mountOps).toHaveLength(1);
    expect(a.mountOps[0]).toMatchObject({ tool: 'mount', subcommand: 'nfs', fs: 'nfs', source: '10.0.0.5:/export', target: '/host/mnt', options: ['vers=3', 'nolock'] });
    expect(a.mountOps[0]!.at.text).toBe('mount');
    expect(a.opaque).toBe(false);
    expect(a.longRunning).toBe(false); // a kernel mount returns
  });

  it('recognises mount variants', () => {
    const op = (s: string) => run(script(s)).mountOps.map((m) => `${m.tool} ${m.subcommand} ${m.fs} ${m.source} ${m.target} [${m.options}]`);
    expect(op('mount -tnfs4 -osoft srv:/ /a')).toEqual(['mount nfs4 nfs srv:/ /a [soft]']);
    expect(op('mount.nfs4 srv:/x /a -o port=2049,mountport=2049,tcp')).toEqual(['mount nfs4 nfs srv:/x /a [port=2049,mountport=2049,tcp]']);
    expect(op('mount -t cifs //srv/share /a -o username=u')).toEqual(['mount cifs cifs //srv/share /a [username=u]']);
    expect(op('mount srv:/export /a')).toEqual(['mount undefined nfs srv:/export /a []']);
    expect(op('mount -t fuse.rclone remote: /a -o allow_other')).toEqual(['mount fuse.rclone fuse remote: /a [allow_other]']);
    expect(op('mount --bind /a /b')).toEqual(['mount undefined other /a /b []']);
    expect(op('mount -o bind,ro /a /b')).toEqual(['mount undefined other /a /b [bind,ro]']);
    expect(op('mount --make-rshared /')).toEqual([]);
    expect(op('mount -t fuse.rclone')).toEqual([]); // lists mounts
  });

  it('recognises FUSE tools and whether they fork', () => {
    const op = (s: string) => run(script(s)).mountOps.map((m) => `${m.tool} ${m.source} ${m.target} daemon=${m.daemon}`);
    expect(op('sshfs -o allow_other,reconnect user@host:/data /mnt/s')).toEqual(['sshfs user@host:/data /mnt/s daemon=true']);
    expect(op('sshfs -f -p 2222 user@host: /mnt/s')).toEqual(['sshfs user@host: /mnt/s daemon=false']);
    expect(op('s3fs mybucket /mnt/b -o passwd_file=/p -f')).toEqual(['s3fs mybucket /mnt/b daemon=false']);
    expect(op('s3fs /mnt/b -o bucket=other')).toEqual(['s3fs other /mnt/b daemon=true']);
    expect(op('gcsfuse --implicit-dirs --key-file /k.json --foreground bkt /mnt/g')).toEqual(['gcsfuse bkt /mnt/g daemon=false']);
    expect(op('goofys -f --region eu-west-1 bkt:prefix /mnt/g')).toEqual(['goofys bkt:prefix /mnt/g daemon=false']);
    expect(op('mergerfs -o allow_other,category.create=mfs /a:/b /mnt/m')).toEqual(['mergerfs /a:/b /mnt/m daemon=true']);
    expect(op('juicefs mount --cache-dir /c redis://r:6379/1 /mnt/j')).toEqual(['juicefs redis://r:6379/1 /mnt/j daemon=false']);
    expect(op('juicefs mount -d redis://r/1 /mnt/j')).toEqual(['juicefs redis://r/1 /mnt/j daemon=true']);
    expect(op('blobfuse2 mount /mnt/blob --config-file=/c.yaml --container-name c1 --foreground=true')).toEqual(['blobfuse2 c1 /mnt/blob daemon=false']);
    const a = run(script('sshfs h:/ /mnt/s -o allow_other'));
    expect(a.mountOps[0]).toMatchObject({ fs: 'fuse', allowOther: true });
    expect(a.mountOps[0]!.cmd.background).toBe(true);
  });
});

describe('wrappers', () => {
  it('unwraps to the real program', () => {
    const prog = (cmd: string) => run(`spec:\n  containers:\n    - name: c\n      image: x\n      command: ${cmd}\n`).mountOps.map((m) => `${m.at.text} ${m.target}`);
    expect(prog('[env, -i, "A=b", /usr/bin/rclone, mount, "r:", /m]')).toEqual(['/usr/bin/rclone /m']);
    expect(prog('[su-exec, "1000:1000", rclone, mount, "r:", /m]')).toEqual(['rclone /m']);
    expect(prog('[gosu, abc, rclone, mount, "r:", /m]')).toEqual(['rclone /m']);
    expect(prog('[sudo, -E, -u, root, rclone, mount, "r:", /m]')).toEqual(['rclone /m']);
    expect(prog('[timeout, -s, KILL, "60", mount, "s:/", /m]')).toEqual(['mount /m']);
    expect(prog('[chroot, /host, mount, "s:/", /m]')).toEqual(['mount /m']);
    expect(prog('[dumb-init, --, rclone, mount, "r:", /m]')).toEqual(['rclone /m']);
    expect(prog('[/sbin/tini, -s, -g, --, setsid, nohup, rclone, mount, "r:", /m]')).toEqual(['rclone /m']);
    expect(prog('[bash, -euo, pipefail, -c, "exec rclone mount r: /m"]')).toEqual(['rclone /m']);
    expect(prog('[sh, -c, "command rclone mount r: /m"]')).toEqual(['rclone /m']);
  });

  it('follows a nested sh -c script and keeps positions through single quotes', () => {
    const yaml = script(`nsenter -t 1 -m -- sh -c 'mkdir -p /host/m && rclone mount r: /host/m' &\nwait`);
    const a = run(yaml);
    expect(words(a)).toEqual(['mkdir -p /host/m', 'rclone mount r: /host/m', 'wait']);
    const op = a.mountOps[0]!;
    expect(op.cmd.background).toBe(true);
    expect(pos(op.targetWord)).toBe('8:73-8:80');
    expect(a.longRunning).toBe(true); // `wait` for a background foreground mount
  });
});

describe('scalar styles', () => {
  const flow = (cmd: string) => `spec:\n  containers:\n    - name: c\n      image: alpine\n      command: ${cmd}\n`;

  it('places words exactly in plain, single- and double-quoted scalars without escapes', () => {
    const dq = run(flow('["sh", "-c", "mkdir -p /a && rclone mount r: /a"]'));
    expect(pos(dq.mountOps[0]!.targetWord)).toBe('5:61-5:63');
    const sq = run(flow(`['sh', '-c', 'rclone mount r: /a']`));
    expect(pos(sq.mountOps[0]!.targetWord)).toBe('5:46-5:48');
    const plain = run(`spec:\n  containers:\n    - name: c\n      image: alpine\n      command:\n        - sh\n        - -c\n        - rclone mount remote:x /a --daemon\n`);
    expect(pos(plain.mountOps[0]!.targetWord)).toBe('8:33-8:35');
    expect(isExact(plain.mountOps[0]!.targetWord!)).toBe(true);
  });

  it('falls back to the scalar when the script has escapes or is folded', () => {
    const a = run(flow('["sh", "-c", "rclone mount r: \\"/a\\" --allow-other"]'));
    const target = a.mountOps[0]!.targetWord!;
    expect(target.text).toBe('/a');
    expect(pos(target)).toBe('5:29-5:67');
    expect(isExact(target)).toBe(false);
    const folded = run(`spec:\n  containers:\n    - name: c\n      image: alpine\n      command:\n        - sh\n        - -c\n        - >\n          rclone mount r: /a\n          --daemon\n`);
    expect(folded.mountOps[0]).toMatchObject({ target: '/a', daemon: true });
    expect(pos(folded.mountOps[0]!.targetWord)).toBe('8:11-11:1');
  });

  it('falls back to the block scalar when the file text is not given', () => {
    const a = run(script('rclone mount r: /a'), { withText: false });
    expect(pos(a.mountOps[0]!.targetWord)).toBe('7:11-9:1');
  });

  it('reads |- and |+ blocks', () => {
    const yaml = `spec:\n  containers:\n    - name: c\n      image: alpine\n      command:\n      - sh\n      - -c\n      - |-\n        mkdir /a\n\n        rclone mount r: /a\n      args: []\n`;
    expect(pos(run(yaml).mountOps[0]!.targetWord)).toBe('11:25-11:27');
    const keep = yaml.replace('|-', '|+');
    expect(pos(run(keep).mountOps[0]!.targetWord)).toBe('11:25-11:27');
  });
});

describe('guards, unmounts, mkdirs, exports', () => {
  it('reads grep guards on the mount table', () => {
    const g = (s: string) => run(script(s)).guards.map((x) => `${x.kind} ${x.path}`);
    expect(g(`grep -qs ' /mnt/x ' /proc/mounts || rclone mount r: /mnt/x`)).toEqual(['proc-mounts /mnt/x']);
    expect(g('if grep -q /mnt/dfs /etc/mtab; then echo ok; fi')).toEqual(['proc-mounts /mnt/dfs']);
    expect(g('grep -q " /mnt/dfs nfs" /proc/mounts')).toEqual([]);
    expect(g('grep -q fuse.rclone /proc/self/mounts')).toEqual([]);
    expect(g('mount | grep -q "on /mnt/x type"')).toEqual(['proc-mounts /mnt/x']);
    expect(g('cat /proc/mounts | grep /mnt/y')).toEqual(['proc-mounts /mnt/y']);
    expect(g('mount -t nfs | grep -q /mnt/y')).toEqual([]);
    expect(g('grep /mnt/y /etc/fstab')).toEqual([]);
    expect(g('until mountpoint /mnt/z; do sleep 1; done')).toEqual(['mountpoint /mnt/z']);
    expect(g('findmnt /mnt/z && echo up')).toEqual(['mountpoint /mnt/z']);
    expect(g('findmnt -t fuse.rclone /mnt/z')).toEqual([]);
  });

  it('reads unmounts and mkdirs', () => {
    const a = run(script('fusermount -uz /a; fusermount3 -u /b; umount /c /d; umount -fl /e; mkdir -p -m 755 /f /g'));
    expect(a.unmounts.map((u) => `${u.path} ${u.lazy}`)).toEqual(['/a true', '/b false', '/c false', '/d false', '/e true']);
    expect(a.mkdirs.map((m) => m.path)).toEqual(['/f', '/g']);
  });

  it('reads lifecycle hooks as their own sources', () => {
    const yaml = `spec:
  containers:
    - name: c
      image: rclone/rclone
      args: [mount, "r:", /m]
      lifecycle:
        postStart:
          exec:
            command: ["/bin/sh", "-c", "mkdir -p /m/x"]
        preStop:
          exec:
            command: [fusermount, -uz, /m]
`;
    const a = run(yaml);
    expect(a.cmds.map((c) => `${c.source}#${c.seq} ${c.words.map((w) => w.text).join(' ')}`)).toEqual([
      'main#0 rclone mount r: /m', 'postStart#0 mkdir -p /m/x', 'preStop#0 fusermount -uz /m',
    ]);
    expect(a.unmounts[0]).toMatchObject({ path: '/m', lazy: true });
    expect(a.unmounts[0]!.cmd.source).toBe('preStop');
    expect(a.opaque).toBe(false);
  });

  it('reads kernel NFS and SMB servers as exports', () => {
    const e = (s: string) => run(script(s)).exports.map((x) => `${x.proto} ${x.dir}`);
    expect(e('exportfs -o rw,no_root_squash "*:/exports"; rpc.nfsd 8')).toEqual(['nfs /exports', 'nfs /']);
    expect(e('exportfs -ra')).toEqual(['nfs /']);
    expect(e('ganesha.nfsd -F -f /etc/ganesha/ganesha.conf')).toEqual(['nfs /']);
    expect(e('smbd --foreground --no-process-group')).toEqual(['smb /']);
  });
});

describe('opaque and longRunning', () => {
  const bare = (extra: string, image = 'ghcr.io/sirrobot01/decypharr:latest') => `spec:\n  containers:\n    - name: c\n      image: ${image}\n${extra}`;

  it('no command: the image entrypoint runs, unknown', () => {
    const a = run(bare(''));
    expect(a).toMatchObject({ opaque: true, longRunning: true, cmds: [], mountOps: [] });
  });

  it('a configured image mounter adds a mount op at the image', () => {
    const a = run(bare(''), { mounters: [{ image: 'sirrobot01/decypharr', mountPath: '/mnt/dfs' }] });
    expect(a.opaque).toBe(true);
    expect(a.mountOps).toHaveLength(1);
    expect(a.mountOps[0]).toMatchObject({ tool: 'sirrobot01/decypharr', fs: 'fuse', target: '/mnt/dfs', fromImage: true, targetWord: undefined });
    expect(pos(a.mountOps[0]!.at)).toBe('4:14-4:49');
    const nfs = run(bare(''), { mounters: [{ image: 'decypharr', mountPath: '/mnt/dfs', fs: 'nfs' }] });
    expect(nfs.mountOps[0]!.fs).toBe('nfs');
    expect(run(bare('', 'alpine'), { mounters: [{ image: 'decypharr', mountPath: '/x' }] }).mountOps).toEqual([]);
  });

  it('an init container that only prepares directories is neither opaque nor long-running', () => {
    const a = run(bare('      command: ["/bin/sh", "-c", "mkdir -p /mnt/media/zurg /mnt/media/torbox && chown -R 1000:1000 /mnt/media && chmod 775 /mnt/media && echo done && cp /a /b"]\n', 'busybox'));
    expect(a).toMatchObject({ opaque: false, longRunning: false });
    expect(a.mkdirs.map((m) => m.path)).toEqual(['/mnt/media/zurg', '/mnt/media/torbox']);
  });

  it('an unknown program makes the container opaque', () => {
    const a = run(script('cp /config/zurg/config.yml /app/config.yml && \\\n  sed -i "s/X/$TOKEN/g" /app/config.yml && \\\n  ./zurg'));
    expect(a).toMatchObject({ opaque: true, longRunning: true });
    expect(run(script('exec "$@"'))).toMatchObject({ opaque: true });
    expect(run(script('sh /scripts/start.sh'))).toMatchObject({ opaque: true });
    expect(run(bare('      args: ["--v=1", "--endpoint=$(CSI_ENDPOINT)"]\n', 'wunderio/csi-rclone:v3.0.0'))).toMatchObject({ opaque: true, longRunning: true });
    // A base image without ENTRYPOINT runs its args.
    expect(run(bare('      args: [sh, -c, "mkdir -p /x"]\n', 'alpine:3.19'))).toMatchObject({ opaque: false, longRunning: false });
  });

  it('an empty command list is no command; hooks never make the main process long-running', () => {
    expect(run(bare('      command: []\n      args: []\n'))).toMatchObject({ opaque: true, longRunning: true, cmds: [] });
    const hooks = run(bare('      command: [sh, -c, "mkdir -p /x"]\n      lifecycle:\n        preStop:\n          exec:\n            command: [/custom/drain, --wait]\n', 'alpine'));
    expect(hooks).toMatchObject({ opaque: true, longRunning: false });
  });

  it('commands that run nothing are not unknown', () => {
    expect(run(script('command -v rclone || apk add rclone\nenv\nexec >/tmp/log 2>&1\nmkdir /x'))).toMatchObject({ opaque: false, longRunning: false });
    expect(run(script('CMD=rclone; $CMD mount r: /m'))).toMatchObject({ opaque: true, mountOps: [] });
  });

  it('loops, sleep infinity and tail -f keep the container up', () => {
    expect(run(script('while :; do date; sleep 60; done')).longRunning).toBe(true);
    expect(run(script('until false; do sleep 60; done')).longRunning).toBe(true);
    expect(run(script('while ! mountpoint -q /m; do sleep 1; done')).longRunning).toBe(false);
    expect(run(script('mkdir /x; sleep infinity')).longRunning).toBe(true);
    expect(run(script('tail -f /dev/null')).longRunning).toBe(true);
    expect(run(script('sleep 10')).longRunning).toBe(false);
    expect(run(script('rclone mount r: /m &')).longRunning).toBe(false);
    expect(run(script('while true; do sleep 1; done &')).longRunning).toBe(false);
  });

  it('declared containerPorts are listeners', () => {
    const a = run(bare('      command: [rclone, rcd, "--rc-addr=:5572"]\n      ports:\n        - containerPort: 5572\n', 'rclone/rclone'));
    expect(a.listeners.map((l) => `${l.kind} ${l.host}:${l.port} ${l.implicit}`)).toEqual(['rcd :5572 false', 'containerPort :5572 false']);
    expect(a.listeners[1]!.cmd).toBeUndefined();
  });
});

describe('parseScript', () => {
  const cmds = (s: string) => parseScript(s).map((c) => c.words.map((w) => w.text).join(' '));
  const flagsOf = (s: string) => parseScript(s).map((c) => `${c.words[0]?.text}:${c.background ? 'B' : ''}${c.inLoop ? 'L' : ''}${c.inCondition ? 'C' : ''}`);

  it('splits words like the shell', () => {
    expect(cmds(`A=1 B="x y" echo 'a b'"c"d\\ e \\\n  f # comment\necho "\\$x \\q" $'\\t' \${x:-"}"} $(echo ")") \`a b\``)).toEqual([
      'echo a bcd e f',
      'echo $x \\q $\'\\t\' ${x:-"}"} $(echo ")") `a b`',
    ]);
    const [c] = parseScript('A=1 rclone  "mount"');
    expect(c!.assigns.map((w) => w.text)).toEqual(['A=1']);
    expect(c!.words.map((w) => [w.text, w.start, w.end, w.quoted, w.dynamic])).toEqual([['rclone', 4, 10, false, false], ['mount', 12, 19, true, false]]);
  });

  it('drops redirections and heredoc bodies', () => {
    expect(cmds('cat > /x <<EOF\nrclone mount a: /b\nEOF\necho 2>&1 a >/dev/null b\ncat <<-\'E\'\n\tmount x y\n\tE\nls')).toEqual(['cat', 'echo a b', 'cat', 'ls']);
  });

  it('tracks background, loops and conditions', () => {
    expect(flagsOf('a & b; c && d &\nwhile x; do y; done &\nfor i in 1 2; do z; done\nif ! p; then q; elif r; then s; else t; fi\n! u | v')).toEqual([
      'a:B', 'b:', 'c:B', 'd:B', 'x:BLC', 'y:BL', 'z:L', 'p:C', 'q:', 'r:C', 's:', 't:', 'u:C', 'v:C',
    ]);
    expect(flagsOf('case $x in a|b) m;; (c) n;; esac; { o; } & (p; q)')).toEqual(['m:', 'n:', 'o:B', 'p:', 'q:']);
    expect(cmds('f() { g; }\nfunction h { i; }\nfunction j() { k; }')).toEqual(['g', 'i', 'k']);
  });

  it('never throws on broken input and returns what it found', () => {
    expect(cmds('echo "unterminated')).toEqual(['echo unterminated']);
    expect(cmds('if a; then b')).toEqual(['a', 'b']);
    expect(cmds('done; fi; esac; } ) a')).toEqual(['}', 'a']); // a stray `}` is a plain word
    expect(cmds("echo 'x")).toEqual(['echo x']);
    expect(cmds('echo $(')).toEqual(['echo $(']);
  });
});

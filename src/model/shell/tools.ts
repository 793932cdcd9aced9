// Recognisers for everything but rclone: kernel and FUSE mount tools, unmounts, `mkdir`,
// mount guards, NFS/SMB servers, and the harmless utilities that setup scripts run.
import type { Cmd, FsKind, RunAnalysis, Word } from '../types.js';
import { flagOn, flagValues, optionList, parseArgs, type ArgSpec, type ParsedArgs } from './flags.js';
import { recogniseRclone } from './rclone.js';
import { basename } from './unwrap.js';

export interface Call {
  /** Program name (basename, wrappers removed). */
  prog: string;
  progWord: Word;
  args: Word[];
  cmd: Cmd;
  /** Words of the command piped into this one (`mount | grep -q /mnt/x`). */
  upstream: Word[] | undefined;
  out: RunAnalysis;
}

/**
 * unknown: we cannot tell what the program does; known: it ends by itself (or forks);
 * persistent: it keeps running in the foreground (a FUSE daemon, a server, `sleep infinity`).
 */
export type Verdict = 'unknown' | 'known' | 'persistent';

/** Programs that neither mount nor keep running: setup scripts are made of these. */
const UTILITIES = new Set(
  `: . [ [[ true false echo printf test cd pwd export set unset shift trap exit return read local
  readonly declare typeset ulimit umask alias type hash which whereis sleep kill killall pkill pgrep ps
  mkdir rmdir chmod chown chgrp cp mv rm ln touch cat tac ls ll stat find xargs sed awk gawk grep egrep
  fgrep head tail cut tr sort uniq wc tee dirname basename readlink realpath date id whoami groups
  hostname uname env printenv seq yes expr install mktemp sync du df free uptime nproc base64 md5sum
  sha1sum sha256sum tar gzip gunzip zcat unzip curl wget jq yq envsubst getent nslookup dig host ping
  nc apk apt apt-get dpkg yum dnf microdnf rpm pip pip3 update-ca-certificates adduser addgroup useradd
  groupadd usermod setcap getcap setfacl getfacl chattr modprobe lsmod mknod mkfifo blkid lsblk findfs
  dmesg logger sysctl ip iptables rsync git openssl ssh-keygen ssh-keyscan
  rpc.mountd rpc.statd rpcbind`.split(/\s+/),
);

const MOUNT_TABLES = new Set(['/proc/mounts', '/proc/self/mounts', '/etc/mtab', '/proc/self/mountinfo', '/proc/1/mounts']);

type Recogniser = (c: Call) => Verdict;

export function recognise(c: Call): Verdict {
  // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
  const r = Object.hasOwn(RECOGNISERS, c.prog) ? RECOGNISERS[c.prog] : undefined;
  if (r) return r(c);
  return UTILITIES.has(c.prog) ? 'known' : 'unknown';
}

const RECOGNISERS: Record<string, Recogniser> = {
  rclone: (c) => (recogniseRclone(c.progWord, c.args, c.cmd, c.out) ? 'persistent' : 'known'),
  mount: (c) => kernelMount(c, undefined),
  'mount.nfs': (c) => kernelMount(c, 'nfs'),
  'mount.nfs4': (c) => kernelMount(c, 'nfs4'),
  'mount.cifs': (c) => kernelMount(c, 'cifs'),
  'mount.smb3': (c) => kernelMount(c, 'smb3'),
  sshfs: (c) => {
    const p = parseArgs(c.args, { short: 'opF' });
    const opts = optionList(p.flags, '-o');
    const fg = flagOn(p.flags, '-f', '-d') || opts.includes('debug') || opts.includes('foreground');
    return fuseOp(c, p, 'sshfs', undefined, p.positionals[0]?.text, p.positionals[1], !fg);
  },
  s3fs: (c) => {
    const p = parseArgs(c.args, { short: 'o' });
    const [a, b] = p.positionals;
    // `s3fs BUCKET TARGET`, or `s3fs TARGET -o bucket=NAME`.
    const bucket = b ? a?.text : optionList(p.flags, '-o').find((o) => o.startsWith('bucket='))?.slice(7);
    return fuseOp(c, p, 's3fs', undefined, bucket, b ?? a, !flagOn(p.flags, '-f'));
  },
  gcsfuse: (c) => {
    const p = parseArgs(c.args, GCSFUSE_SPEC);
    const pos = p.positionals;
    const target = pos[pos.length - 1];
    return fuseOp(c, p, 'gcsfuse', undefined, pos.length >= 2 ? pos[pos.length - 2]!.text : undefined, target, !flagOn(p.flags, '--foreground'));
  },
  goofys: (c) => {
    const p = parseArgs(c.args, GOOFYS_SPEC);
    return fuseOp(c, p, 'goofys', undefined, p.positionals[0]?.text, p.positionals[1], !flagOn(p.flags, '-f', '--foreground'));
  },
  mergerfs: (c) => {
    const p = parseArgs(c.args, { short: 'o' });
    return fuseOp(c, p, 'mergerfs', undefined, p.positionals[0]?.text, p.positionals[1], !flagOn(p.flags, '-f'));
  },
  juicefs: (c) => {
    const p = parseArgs(c.args, JUICEFS_SPEC);
    const [sub, meta, target] = p.positionals;
    if (sub?.text !== 'mount') return 'known';
    return fuseOp(c, p, 'juicefs', 'mount', meta?.text, target, flagOn(p.flags, '-d', '--background'));
  },
  blobfuse2: (c) => {
    const p = parseArgs(c.args, BLOBFUSE_SPEC);
    const pos = p.positionals;
    if (pos[0]?.text !== 'mount') return 'known';
    const target = pos[1]?.text === 'all' ? pos[2] : pos[1];
    return fuseOp(c, p, 'blobfuse2', 'mount', flagValues(p.flags, '--container-name')[0], target, !flagOn(p.flags, '--foreground'));
  },
  mkdir: (c) => {
    const p = parseArgs(c.args, { short: 'm', long: (n) => n === 'mode' || n === 'context' });
    for (const w of p.positionals) c.out.mkdirs.push({ path: w.text, cmd: c.cmd });
    return 'known';
  },
  fusermount: (c) => fusermount(c),
  fusermount3: (c) => fusermount(c),
  umount: (c) => {
    const p = parseArgs(c.args, { short: 'tON', long: (n) => ['types', 'test-opts', 'namespace'].includes(n) });
    const lazy = flagOn(p.flags, '-l', '--lazy');
    for (const w of p.positionals) c.out.unmounts.push({ path: w.text, lazy, cmd: c.cmd });
    if (p.positionals.length === 0 && flagOn(p.flags, '-a', '--all')) c.out.unmounts.push({ path: undefined, lazy, cmd: c.cmd });
    return 'known';
  },
  mountpoint: (c) => {
    const p = parseArgs(c.args, {});
    const w = p.positionals[0];
    if (w && !flagOn(p.flags, '-x', '--devno')) c.out.guards.push({ path: w.text, kind: 'mountpoint', cmd: c.cmd, at: w });
    return 'known';
  },
  findmnt: (c) => {
    const p = parseArgs(c.args, FINDMNT_SPEC);
    // With a type, source or options filter it checks more than "is P a mount point".
    if (flagOn(p.flags, '-t', '--types', '-S', '--source', '-O', '--options', '-T', '--target')) return 'known';
    const m = p.flags.find((f) => (f.name === '-M' || f.name === '--mountpoint') && f.value !== undefined);
    const w = m ? (m.valueWord ?? m.word) : p.positionals.length === 1 ? p.positionals[0] : undefined;
    const path = m ? m.value! : w?.text;
    if (w && path) c.out.guards.push({ path, kind: 'mountpoint', cmd: c.cmd, at: w });
    return 'known';
  },
  grep: (c) => grepGuard(c),
  egrep: (c) => grepGuard(c),
  fgrep: (c) => grepGuard(c),
  exportfs: (c) => {
    const p = parseArgs(c.args, { short: 'oi' });
    if (flagOn(p.flags, '-u')) return 'known';
    const dirs = p.positionals.map((w) => w.text.slice(w.text.indexOf(':') + 1)).filter((d) => d.startsWith('/'));
    for (const dir of dirs.length ? dirs : ['/']) c.out.exports.push({ proto: 'nfs', dir, listener: undefined, cmd: c.cmd, at: c.progWord });
    return 'known';
  },
  // rpc.nfsd starts kernel threads and returns; ganesha and smbd fork unless told not to.
  'rpc.nfsd': (c) => kernelServer(c, 'nfs', parseArgs(c.args, { short: 'HpPV' }), 'known'),
  'ganesha.nfsd': (c) => {
    const p = parseArgs(c.args, { short: 'LfNpE' });
    return kernelServer(c, 'nfs', p, flagOn(p.flags, '-F') ? 'persistent' : 'known');
  },
  smbd: (c) => {
    const p = parseArgs(c.args, { short: 'sdlO', long: (n) => /^(configfile|debuglevel|log-basename|option)$/.test(n) });
    return kernelServer(c, 'smb', p, flagOn(p.flags, '-F', '--foreground') ? 'persistent' : 'known');
  },
  sleep: (c) => (c.args.some((w) => /^inf(inity)?$/.test(w.text) || seconds(w.text) >= 3600) ? 'persistent' : 'known'),
  tail: (c) => (flagOn(parseArgs(c.args, { short: 'cnsS' }).flags, '-f', '-F', '--follow') ? 'persistent' : 'known'),
};

const GCSFUSE_SPEC: ArgSpec = {
  short: 'o',
  long: (n) => /^(app-name|billing-project|cache-dir|client-protocol|config-file|custom-endpoint|dir-mode|file-mode|gid|uid|key-file|log-file|log-format|log-severity|max-conns-per-host|max-idle-conns-per-host|max-retry-sleep|max-retry-duration|metadata-cache-ttl-secs|only-dir|rename-dir-limit|sequential-read-size-mb|stat-cache-max-size-mb|stat-cache-ttl|type-cache-ttl|type-cache-max-size-mb|temp-dir|token-url|kernel-list-cache-ttl-secs|file-cache-max-size-mb|http-client-timeout|limit-bytes-per-sec|limit-ops-per-sec|retry-multiplier|stackdriver-export-interval|prometheus-port)$/.test(n),
};
const GOOFYS_SPEC: ArgSpec = {
  short: 'o',
  long: (n) => /^(cache|dir-mode|file-mode|uid|gid|endpoint|region|profile|storage-class|sse|sse-kms|sse-c|acl|stat-cache-ttl|type-cache-ttl|http-timeout|log-file)$/.test(n),
};
const JUICEFS_SPEC: ArgSpec = {
  short: 'o',
  long: (n) => /^(cache-dir|cache-size|cache-mode|free-space-ratio|log|buffer-size|max-uploads|max-deletes|prefetch|attr-cache|entry-cache|dir-entry-cache|metrics|subdir|backup-meta|heartbeat|upload-limit|download-limit|consul|get-timeout|put-timeout|io-retries|bucket|storage-class|upload-delay|open-cache|read-only-cache|writeback-limit)$/.test(n),
};
const BLOBFUSE_SPEC: ArgSpec = {
  short: 'o',
  long: (n) => /^(config-file|tmp-path|container-name|log-level|log-file-path|file-cache-timeout|attr-timeout|entry-timeout|negative-timeout|secure-config|passphrase)$/.test(n),
};
const FINDMNT_SPEC: ArgSpec = {
  short: 'tOSTMFNowd',
  long: (n) => /^(types|options|source|target|mountpoint|tab-file|task|output|timeout|direction)$/.test(n),
};
const MOUNT_SPEC: ArgSpec = {
  short: 'tOoLUN',
  long: (n) => /^(types|options|test-opts|label|uuid|source|target|namespace|fstab|options-mode|options-source)$/.test(n),
};

/** `mount -t nfs4 -o soft server:/ /mnt/dfs` (also `mount.nfs`, where `type` comes from the name). */
function kernelMount(c: Call, type: string | undefined): Verdict {
  const p = parseArgs(c.args, MOUNT_SPEC);
  // Changing propagation (`--make-rshared`), moving or mounting everything from fstab is not a new mount.
  if (p.flags.some((f) => f.name.startsWith('--make-')) || flagOn(p.flags, '-a', '--all', '--move', '-M')) return 'known';
  const explicitTarget = p.flags.find((f) => f.name === '--target' && f.valueWord);
  const explicitSource = flagValues(p.flags, '--source')[0];
  const [a, b] = p.positionals;
  const target = explicitTarget?.valueWord ?? (b ?? a);
  const source = explicitSource ?? (b ? a?.text : undefined);
  if (!target) return 'known'; // `mount` alone lists the mounts
  const options = optionList(p.flags, '-o', '--options');
  const fsType = type ?? flagValues(p.flags, '-t', '--types')[0];
  const bind = flagOn(p.flags, '--bind', '-B', '--rbind', '-R') || options.includes('bind') || options.includes('rbind');
  c.out.mountOps.push({
    tool: 'mount',
    subcommand: fsType,
    fs: bind ? 'other' : fsOf(fsType, source),
    source,
    target: target.text,
    targetWord: target,
    flags: p.flags,
    options,
    allowOther: options.includes('allow_other'),
    allowNonEmpty: options.includes('nonempty'),
    // A FUSE type runs its mount helper, which forks; a kernel mount is done when mount returns.
    daemon: !bind && fsOf(fsType, source) === 'fuse',
    cmd: c.cmd,
    at: c.progWord,
  });
  return 'known';
}

/** The filesystem of a `mount -t` type; without a type, mount(8) reads `host:/path` as NFS and `//host/share` as CIFS. */
function fsOf(type: string | undefined, source: string | undefined): FsKind {
  const t = type?.split(',')[0];
  if (t === undefined) {
    if (source && /^[^/\s]+:\//.test(source)) return 'nfs';
    if (source?.startsWith('//')) return 'cifs';
    return 'other';
  }
  if (/^nfs4?$/.test(t)) return 'nfs';
  if (/^(cifs|smb3?|smbfs)$/.test(t)) return 'cifs';
  if (/^fuse(blk|3)?$|^fuse\./.test(t)) return 'fuse';
  return 'other';
}

/** A FUSE daemon's mount op. Most of them fork unless told to stay in the foreground. */
function fuseOp(c: Call, p: ParsedArgs, tool: string, sub: string | undefined, source: string | undefined, target: Word | undefined, daemon: boolean): Verdict {
  if (daemon) c.cmd.background = true;
  if (!target) return 'known';
  const options = optionList(p.flags, '-o');
  c.out.mountOps.push({
    tool,
    subcommand: sub,
    fs: 'fuse',
    source,
    target: target.text,
    targetWord: target,
    flags: p.flags,
    options,
    allowOther: options.includes('allow_other') || flagOn(p.flags, '--allow-other'),
    allowNonEmpty: options.includes('nonempty'),
    daemon,
    cmd: c.cmd,
    at: c.progWord,
  });
  return daemon ? 'known' : 'persistent';
}

function fusermount(c: Call): Verdict {
  const p = parseArgs(c.args, { short: 'o' });
  if (flagOn(p.flags, '-u')) {
    const target = p.positionals[p.positionals.length - 1];
    c.out.unmounts.push({ path: target?.text, lazy: flagOn(p.flags, '-z'), cmd: c.cmd });
  }
  return 'known';
}

const GREP_SPEC: ArgSpec = {
  short: 'efmABCdD',
  long: (n) => /^(regexp|file|max-count|after-context|before-context|context|label|devices|directories|binary-files|include|exclude|exclude-dir)$/.test(n),
};

/** `grep -qs /mnt/x /proc/mounts`, `mount | grep -q /mnt/x`: is P mounted. */
function grepGuard(c: Call): Verdict {
  const p = parseArgs(c.args, GREP_SPEC);
  if (flagOn(p.flags, '-f', '--file')) return 'known';
  const e = p.flags.find((f) => (f.name === '-e' || f.name === '--regexp') && f.value !== undefined);
  const patternWord = e ? (e.valueWord ?? e.word) : p.positionals[0];
  const pattern = e ? e.value : patternWord?.text;
  const files = p.positionals.slice(e ? 0 : 1).map((w) => w.text);
  const readsMounts = files.some((f) => MOUNT_TABLES.has(f)) || (files.length === 0 && listsMounts(c.upstream));
  if (!readsMounts || pattern === undefined || !patternWord) return 'known';
  const path = guardPath(pattern);
  if (path !== undefined) c.out.guards.push({ path, kind: 'proc-mounts', cmd: c.cmd, at: patternWord });
  return 'known';
}

/**
 * The mount point a grep pattern tests, or undefined when it tests more than that: a
 * pattern with a filesystem type or source (`" /mnt/dfs nfs"`) checks what is mounted, which
 * is the right way to guard, so it must not be reported as a bare mount-point guard.
 */
function guardPath(pattern: string): string | undefined {
  let p = pattern.trim();
  const onType = /^on\s+(\S+)(\s+type)?$/.exec(p); // `mount` output: "SRC on P type T (…)"
  if (onType) p = onType[1]!;
  if (/\s/.test(p) || !p.includes('/')) return undefined;
  return p;
}

/** `cat /proc/mounts`, `mount`, `findmnt`, `df`: commands that print the mount table. */
function listsMounts(upstream: Word[] | undefined): boolean {
  if (!upstream || upstream.length === 0) return false;
  const prog = basename(upstream[0]!.text);
  const args = upstream.slice(1).map((w) => w.text);
  if (prog === 'cat' || prog === 'tac') return args.some((a) => MOUNT_TABLES.has(a));
  // With a type filter (`mount -t nfs`) the list is a type check, not a bare guard.
  if (prog === 'mount' || prog === 'findmnt' || prog === 'df') return !args.some((a) => a.startsWith('-t') || a.startsWith('--type'));
  return false;
}

/** A kernel or user-space file server: it exports what its configuration says, `/` unless a directory is given. */
function kernelServer(c: Call, proto: string, p: ParsedArgs, verdict: Verdict): Verdict {
  const dir = p.positionals.find((w) => w.text.startsWith('/'))?.text ?? '/';
  c.out.exports.push({ proto, dir, listener: undefined, cmd: c.cmd, at: c.progWord });
  return verdict;
}

/** `sleep` durations: 90, 1.5m, 2h, 1d (coreutils suffixes). */
function seconds(t: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(t);
  if (!m) return 0;
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}

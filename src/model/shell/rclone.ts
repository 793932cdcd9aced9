// rclone: mounts (mount, nfsmount, cmount, mount2), remote control listeners (--rc, rcd),
// and servers (serve <proto>), with rclone's own defaults.
//
// Default listen addresses, checked in rclone/rclone @ 64ab1ac3 (v1.75.0-121):
//   rc / rcd      localhost:5572   fs/rc/rc.go `SetDefault("rc_addr", []string{"localhost:5572"})`;
//                                  the server starts only with --rc or rcd (fs/rc/rcserver Start: `if opt.Enabled`)
//   serve nfs     localhost, random port  cmd/serve/nfs/server.go `opt.ListenAddr = "localhost:"` when --addr is ""
//   serve ftp     localhost:2121   cmd/serve/ftp/ftp.go
//   serve sftp    localhost:2022   cmd/serve/sftp/sftp.go
//   serve dlna    :7879 (every interface)  cmd/serve/dlna/dlna.go
//   serve http, webdav, s3, restic  127.0.0.1:8080  lib/http/server.go ConfigInfo (all four Add it)
//   serve docker  a unix socket (/run/docker/plugins/rclone.sock) unless --socket-addr host:port
import type { Cmd, Flag, Listener, RunAnalysis, Word } from '../types.js';
import { flagOn, flagValues, optionList, parseArgs, type ArgSpec } from './flags.js';

/**
 * rclone flags that take a value (rclone accepts `-` or `_` between words). Taken from the
 * option tables in rclone's fs/, vfs/, lib/http, fs/rc, cmd/mountlib and cmd/serve (same
 * commit); a flag missing here is read as boolean unless written `--flag=value`.
 */
const VALUE_FLAGS = new Set(
  `addr allow-origin announce-interval attr-timeout auth-key auth-proxy authorized-keys backup-dir baseurl
  bind buffer-size bwlimit bwlimit-file ca-cert cache-dir cert checkers client-ca client-cert client-key
  client-pass color compare-dest config contimeout copy-dest cutoff-mode daemon-timeout daemon-wait
  default-time description devname dir-cache-time dir-perms dump etag-hash exclude exclude-from
  exclude-if-present expect-continue-timeout file-perms files-from files-from-raw filter filter-from
  fuse-flag gid hash-filter htpasswd include include-from interface key link-perms log-file
  log-file-max-age log-file-max-backups log-file-max-size log-format log-level low-level-retries max-age
  max-backlog max-buffer-memory max-connections max-delete max-delete-size max-depth max-duration
  max-header-bytes max-read-ahead max-size max-transfer metadata-exclude metadata-filter metadata-include
  metadata-mapper min-age min-size min-tls-version modify-window multi-thread-chunk-size
  multi-thread-cutoff multi-thread-streams multi-thread-write-buffer-size name name-transform
  nfs-cache-dir nfs-cache-handle-limit nfs-cache-type option order-by partial-suffix pass passive-port
  password-command poll-interval public-ip rc-files rc-job-expire-duration rc-job-expire-interval
  rc-web-fetch-url realm response-header retries retries-sleep salt server-read-timeout
  server-write-timeout socket-addr socket-gid base-dir stats stats-file-name-length stats-log-level
  stats-one-line-date-format stats-unit streaming-upload-cutoff suffix syslog-facility temp-dir template
  timeout tpslimit tpslimit-burst track-renames-strategy transfers uid umask user user-agent
  user-from-header vfs-cache-max-age vfs-cache-max-size vfs-cache-min-free-space vfs-cache-mode
  vfs-cache-poll-interval vfs-disk-space-total-size vfs-metadata-extension vfs-read-ahead
  vfs-read-chunk-size vfs-read-chunk-size-limit vfs-read-chunk-streams vfs-read-wait vfs-write-back
  vfs-write-wait volname`.split(/\s+/),
);
/** lib/http's server options, which rclone repeats with the `rc-` and `metrics-` prefixes. */
const HTTP_VALUE_FLAGS = ['addr', 'server-read-timeout', 'server-write-timeout', 'max-header-bytes', 'cert', 'key', 'client-ca', 'baseurl', 'min-tls-version', 'allow-origin', 'response-header', 'htpasswd', 'realm', 'user', 'pass', 'salt', 'user-from-header', 'template'];
for (const prefix of ['rc-', 'metrics-']) for (const f of HTTP_VALUE_FLAGS) VALUE_FLAGS.add(prefix + f);

export const RCLONE_SPEC: ArgSpec = {
  long: (name) => VALUE_FLAGS.has(name.replace(/_/g, '-')),
  short: 'of', // -o/--option, -f/--filter
};

const MOUNTS: Record<string, 'fuse' | 'nfs'> = { mount: 'fuse', cmount: 'fuse', mount2: 'fuse', nfsmount: 'nfs' };

interface ServeDefault {
  host: string;
  port: number | null;
}
/** `serve <proto>` without --addr (see the table at the top). undefined: no TCP listener. */
const SERVE_DEFAULTS: Record<string, ServeDefault | undefined> = {
  nfs: { host: 'localhost', port: null },
  ftp: { host: 'localhost', port: 2121 },
  sftp: { host: 'localhost', port: 2022 },
  dlna: { host: '', port: 7879 },
  http: { host: '127.0.0.1', port: 8080 },
  webdav: { host: '127.0.0.1', port: 8080 },
  s3: { host: '127.0.0.1', port: 8080 },
  restic: { host: '127.0.0.1', port: 8080 },
  docker: undefined,
};

/** Normalised flag name: `--vfs_cache_mode` -> `--vfs-cache-mode`. */
const norm = (f: Flag): Flag => (f.name.startsWith('--') ? { ...f, name: f.name.replace(/_/g, '-') } : f);

/**
 * Reads one rclone command line. Returns true when it keeps running in the foreground
 * (a mount without --daemon, a server), so the caller can tell whether the container does.
 */
export function recogniseRclone(progWord: Word, args: Word[], cmd: Cmd, out: RunAnalysis): boolean {
  const parsed = parseArgs(args, RCLONE_SPEC);
  const positionals = parsed.positionals;
  const flags = parsed.flags; // as written, for MountOp.flags
  const named = flags.map(norm); // for lookups
  const sub = positionals[0]?.text;

  if (flagOn(named, '--rc') || sub === 'rcd') addRcListeners(sub === 'rcd' ? 'rcd' : 'rc', named, positionals[0], cmd, out);

  // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
  if (sub !== undefined && Object.hasOwn(MOUNTS, sub)) {
    const target = positionals[2];
    const daemon = flagOn(named, '--daemon');
    if (daemon) cmd.background = true; // rclone forks and the command returns
    if (!target) return false; // rclone exits: a mount needs a mount point
    const options = optionList(named, '-o', '--option');
    out.mountOps.push({
      tool: 'rclone',
      subcommand: sub,
      fs: MOUNTS[sub]!,
      source: positionals[1]?.text,
      target: target.text,
      targetWord: target,
      flags,
      options,
      allowOther: flagOn(named, '--allow-other') || options.includes('allow_other'),
      allowNonEmpty: flagOn(named, '--allow-non-empty') || options.includes('nonempty'),
      daemon,
      cmd,
      at: progWord,
    });
    return !daemon;
  }
  if (sub === 'serve') {
    serve(positionals, named, progWord, cmd, out);
    return true;
  }
  return sub === 'rcd';
}

function addRcListeners(kind: 'rc' | 'rcd', flags: Flag[], subWord: Word | undefined, cmd: Cmd, out: RunAnalysis): void {
  const addrs = flags.filter((f) => f.name === '--rc-addr' && f.value !== undefined);
  if (addrs.length === 0) {
    const at = kind === 'rcd' ? subWord! : flags.find((f) => f.name === '--rc')!.word;
    out.listeners.push({ kind, proto: undefined, host: 'localhost', port: 5572, implicit: true, flag: undefined, cmd, at });
    return;
  }
  for (const f of addrs) {
    const l = listenerAt(kind, undefined, f, cmd);
    if (l) out.listeners.push(l);
  }
}

function serve(positionals: Word[], flags: Flag[], progWord: Word, cmd: Cmd, out: RunAnalysis): void {
  const protoWord = positionals[1];
  if (!protoWord) return;
  const proto = protoWord.text;
  const listeners: Listener[] = [];
  const addrName = proto === 'docker' ? '--socket-addr' : '--addr';
  const addrs = flags.filter((f) => f.name === addrName && f.value !== undefined);
  for (const f of addrs) {
    const l = listenerAt('serve', proto, f, cmd);
    if (l) listeners.push(l);
  }
  if (addrs.length === 0 && Object.hasOwn(SERVE_DEFAULTS, proto)) { // own keys only (see MOUNTS above)
    const d = SERVE_DEFAULTS[proto];
    if (d) listeners.push({ kind: 'serve', proto, host: d.host, port: d.port, implicit: true, flag: undefined, cmd, at: protoWord });
  } else if (addrs.length === 0) {
    // A protocol we do not know the default of: a listener on an unknown port.
    listeners.push({ kind: 'serve', proto, host: 'localhost', port: null, implicit: true, flag: undefined, cmd, at: protoWord });
  }
  for (const l of listeners) out.listeners.push(l);
  const dir = positionals[2];
  if (dir && proto !== 'docker') out.exports.push({ proto, dir: dir.text, listener: listeners[0], cmd, at: progWord });
}

/** `H:P`, `:P`, `[::1]:P` -> a listener; undefined for a unix socket. Port null when not a number (`:$PORT`). */
function listenerAt(kind: Listener['kind'], proto: string | undefined, flag: Flag, cmd: Cmd): Listener | undefined {
  const { host, port } = splitAddr(flag.value!);
  if (host === undefined) return undefined;
  return { kind, proto, host, port, implicit: false, flag, cmd, at: flag.valueWord ?? flag.word };
}

export function splitAddr(addr: string): { host: string | undefined; port: number | null } {
  if (addr.startsWith('unix://') || addr.startsWith('/')) return { host: undefined, port: null };
  const colon = addr.lastIndexOf(':');
  const host = (colon < 0 ? addr : addr.slice(0, colon)).replace(/^\[(.*)\]$/, '$1');
  const portText = colon < 0 ? '' : addr.slice(colon + 1);
  return { host, port: /^\d+$/.test(portText) ? Number(portText) : null };
}

// What a container is for, as far as mounts go: does it mount, does it only prepare
// directories, does it need Bidirectional. Rules about privilege and propagation share these.
import type { Cmd, Container, MountOp, VolumeMount } from './types.js';
import { mountSites, type MountSite } from './query.js';
import { basename, unwrap } from './shell/unwrap.js';

/** Utilities an init-dirs container runs; none of them mounts anything. */
const DIR_PREP = new Set([
  'mkdir', 'chown', 'chmod', 'chgrp', 'install', 'touch', 'ln', 'cp', 'mv', 'rm', 'ls', 'cat', 'tee', 'stat', 'id', 'whoami',
  'echo', 'printf', 'true', 'false', ':', 'set', 'test', '[', '[[', 'sleep', 'date', 'sync',
]);
const PREP_VERBS = new Set(['mkdir', 'chown', 'chmod', 'chgrp', 'install']);

/** The program a command runs (basename, past wrappers such as `exec`, `env`, `tini --`); '' when none. */
export function programOf(cmd: Cmd): string {
  const u = unwrap(cmd.words);
  return 'program' in u ? basename(cmd.words[u.program]!.text) : '';
}

/**
 * Provably creates no mounts: medialint read everything the container runs (not opaque),
 * and none of it mounts or unmounts. A container whose program is unknown never qualifies.
 */
export function createsNoMounts(c: Container): boolean {
  if (c.run.mountOps.length || c.run.unmounts.length) return false;
  return !c.run.opaque || isKnownApp(c);
}

/**
 * Application images known to mount nothing themselves: the media apps this tool is about
 * (linuxserver.io, hotio and home-operations builds of the *arrs, Plex, Jellyfin, Emby) and
 * common web servers. Their entrypoint is the app, so an opaque container with one of these
 * images and no command of its own still provably creates no mounts (seed 002 "Mistake 2").
 */
const KNOWN_APPS = /^(?:(?:lscr\.io\/|docker\.io\/|ghcr\.io\/)?linuxserver\/|(?:ghcr\.io\/)?hotio\/|ghcr\.io\/(?:onedr0p|home-operations)\/|(?:docker\.io\/)?plexinc\/pms-docker|(?:docker\.io\/)?jellyfin\/jellyfin|(?:docker\.io\/)?emby\/embyserver|(?:docker\.io\/)?(?:library\/)?(?:nginx|httpd|caddy)(?::|@|$))/;

export function isKnownApp(c: Container): boolean {
  return !c.commandNode && !!c.image && KNOWN_APPS.test(c.image);
}

/** A plain init container that only prepares directories (`mkdir -p`, `chown`, ...). */
export function isDirPrepOnly(c: Container): boolean {
  if (c.sort !== 'init' || !createsNoMounts(c) || !c.run.cmds.length) return false;
  const programs = c.run.cmds.map(programOf);
  return programs.every((p) => DIR_PREP.has(p)) && programs.some((p) => PREP_VERBS.has(p));
}

export type NeedlessBidirectional =
  /** A mkdir-only init container: remove the field. */
  | { kind: 'init-dirs' }
  /** A container that only reads what `mounter` mounts: HostToContainer is enough. */
  | { kind: 'consumer'; mounter: MountSite };

/**
 * Is `Bidirectional` on this volumeMount more than the container needs (seed 002 "Mistake 2")?
 * Only for containers that provably create no mounts: a mkdir-only init container, or a
 * container reading a volume that another container of the pod is the identified mounter of.
 */
export function needlessBidirectional(m: VolumeMount): NeedlessBidirectional | undefined {
  if (m.propagation !== 'Bidirectional' || !createsNoMounts(m.container)) return undefined;
  if (isDirPrepOnly(m.container)) return { kind: 'init-dirs' };
  if (!m.volume) return undefined;
  const mounter = mountSites(m.container.pod).find((s) => s.volume === m.volume && s.container !== m.container);
  return mounter ? { kind: 'consumer', mounter } : undefined;
}

/**
 * Does this mount op keep its command in the foreground while mounted? The shell reader
 * marks FUSE tools that fork by default (sshfs, s3fs, gcsfuse, `rclone --daemon`, …) as
 * daemons; a kernel `mount` returns once the kernel has the mount.
 */
export function isForegroundMount(op: MountOp): boolean {
  if (op.fromImage) return true;
  if (op.tool === 'mount') return false;
  return !op.daemon && !op.cmd.background;
}

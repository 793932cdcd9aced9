// Questions about mounters that several rules ask: does a probe check the mount, does the
// container clean up a dead mount, what a probe on the mount looks like, resource quantities.
import { get, isMap, items, str } from '../load/ynode.js';
import type { Container, MountOp, Probe, Resource } from './types.js';
import { isUnder, normalizePath } from './build.js';

// ---- probes ------------------------------------------------------------------------------

/** Absolute paths written in a probe's exec command (also inside `sh -c` scripts). */
export function execPaths(words: string[] | undefined): string[] {
  const out: string[] = [];
  for (const w of words ?? []) {
    for (const tok of w.split(/[\s'"`;|&()<>=]+/)) if (tok.startsWith('/')) out.push(normalizePath(tok));
  }
  return out;
}

/** Does an exec probe look at `path` (the mount target) or something below it? */
export function probeChecks(probe: Probe | undefined, path: string): boolean {
  if (!probe?.exec) return false;
  return execPaths(probe.exec).some((p) => isUnder(p, path));
}

/** The words of an exec lifecycle hook (`postStart`, `preStop`). */
export function hookWords(c: Container, hook: 'postStart' | 'preStop'): string[] | undefined {
  const cmd = get(c.lifecycleNode, hook, 'exec', 'command');
  const words = items(cmd).map((x) => str(x) ?? '');
  return words.length ? words : undefined;
}

const FS_TYPE: Record<MountOp['fs'], string> = { fuse: 'fuse', nfs: 'nfs', cifs: 'cifs', other: '' };

/**
 * A shell test that the mount at `op.target` is there and answers: its entry in
 * /proc/mounts (with the filesystem type, since a volume's own mountPath is always a mount
 * point) and a stat of it (a dead FUSE mount answers "Transport endpoint is not connected").
 */
export function mountCheck(op: MountOp): string {
  const t = normalizePath(op.target);
  const type = FS_TYPE[op.fs];
  return `grep -qs ' ${t} ${type}' /proc/mounts && test -d ${shq(t)}`;
}

function shq(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function mountCheckProbe(ops: MountOp[], timing: Record<string, number>): Record<string, unknown> {
  const seen = new Set<string>();
  const checks = ops.filter((o) => !seen.has(o.target) && seen.add(o.target)).map(mountCheck);
  return { exec: { command: ['sh', '-c', checks.join(' && ')] }, ...timing };
}

// ---- cleanup of dead mounts ----------------------------------------------------------------

/** A lazy unmount of the target (or a parent of it) before the mount in the main script, or in preStop. */
export function hasLazyUnmount(c: Container, op: MountOp): boolean {
  return c.run.unmounts.some((u) => {
    if (!u.lazy) return false;
    if (u.path !== undefined && !isUnder(op.target, u.path)) return false;
    if (u.cmd.source === 'preStop') return true;
    return u.cmd.source === op.cmd.source && u.cmd.seq < op.cmd.seq;
  });
}

/** `sh -c` text that unmounts targets lazily with whatever the image has. */
export function lazyUnmountScript(targets: string[]): string {
  return targets.map((t) => {
    const q = shq(t);
    return `fusermount -uz ${q} 2>/dev/null || fusermount3 -uz ${q} 2>/dev/null || umount -l ${q}`;
  }).join('; ') + '; true';
}

// ---- resources -------------------------------------------------------------------------------

const UNITS: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** A Kubernetes quantity as a number (`500m` -> 0.5, `1Gi` -> 1073741824), or undefined. */
export function quantity(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return undefined;
  // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
  const unit = Object.hasOwn(UNITS, m[3] ?? '') ? UNITS[m[3] ?? ''] : undefined;
  if (unit === undefined) return undefined;
  return Number(m[1]) * 10 ** Number(m[2] ?? 0) * unit;
}

/** Default container limits set by LimitRanges of the linted set in the pod's namespace. */
const limitRanges = new WeakMap<Resource[], Resource[]>();

export function limitRangeDefaults(resources: Resource[], namespace: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  // Asked once per pod: find the LimitRanges among all resources once per list.
  let ranges = limitRanges.get(resources);
  if (!ranges) limitRanges.set(resources, (ranges = resources.filter((r) => r.kind === 'LimitRange')));
  for (const r of ranges) {
    if (r.namespace && namespace && r.namespace !== namespace) continue;
    for (const l of items(get(r.node, 'spec', 'limits'))) {
      if (str(get(l, 'type')) !== 'Container') continue;
      const d = get(l, 'default');
      if (!isMap(d)) continue;
      for (const p of d.items) {
        const v = str(p.value);
        if (v !== undefined) out[p.key] = v;
      }
    }
  }
  return out;
}

import { defineRule } from '../src/engine/rule.js';
import type { Container, Pod } from '../src/model/types.js';
import { isUnder, normalizePath } from '../src/model/build.js';
import { describeContainer, mountOf, mountSites, opLoc, volPathOf, volRoot, type MountSite } from '../src/model/query.js';
import { initDirsFix } from './lib/init-dirs.js';

/** Directories every base image has: a mount there needs no mkdir. */
const STANDARD = new Set(['/mnt', '/media', '/tmp', '/srv', '/opt', '/home', '/run', '/var/tmp', '/root']);

/** Does `o` start (and, for a plain init container, finish its work) before `c`'s main process? */
function startsBefore(o: Container, c: Container): boolean {
  if (o === c) return false;
  if (o.sort === 'init' || o.sort === 'sidecar') return c.sort === 'container' || c.sort === 'ephemeral' || o.index < c.index;
  return o.sort === 'container' && c.sort === 'container' && o.index < c.index;
}

/** What makes the target directory exist before the mount runs, if anything; 'unknown' when medialint cannot tell. */
function creator(site: MountSite, pod: Pod): 'yes' | 'unknown' | 'no' {
  const { op, container: c, volume: v } = site;
  const target = normalizePath(op.target);
  // A volume mountPath (or a parent of one) exists: the runtime creates it.
  if (c.volumeMounts.some((m) => isUnder(m.mountPath, target))) return 'yes';
  // `mkdir -p` earlier in the mounter's own script.
  if (c.run.mkdirs.some((d) => d.cmd.source === op.cmd.source && d.cmd.seq < op.cmd.seq && isUnder(normalizePath(d.path), target))) return 'yes';
  if (!v) return STANDARD.has(target) ? 'yes' : 'no';
  let unknown = false;
  for (const o of pod.containers) {
    // The kubelet creates a subPath directory when it starts the container that uses it.
    if ((o === c || startsBefore(o, c)) && o.volumeMounts.some((m) => m.volume === v && m.subPath && isUnder(volRoot(m), site.volPath))) return 'yes';
    if (!startsBefore(o, c) || !(o.sort === 'init' || o.sort === 'sidecar')) continue;
    // A plain init container has finished its mkdir before the mounter starts (a sidecar's may race it).
    for (const d of o.sort === 'init' ? o.run.mkdirs : []) {
      const m = mountOf(o, normalizePath(d.path));
      const vp = m?.volume === v ? volPathOf(m, normalizePath(d.path)) : undefined;
      if (vp && isUnder(vp, site.volPath)) return 'yes';
    }
    if (o.run.opaque && o.volumeMounts.some((m) => m.volume === v && !m.readOnly)) unknown = true;
  }
  return unknown ? 'unknown' : 'no';
}

export default defineRule({
  id: 'mount-point-missing',
  severity: 'error',
  fix: 'suggestion',
  scope: 'pod',
  summary: 'A mount target must exist before the mount: create it in an init container or earlier in the script.',
  checkPod(pod, ctx) {
    const missing: MountSite[] = [];
    for (const site of mountSites(pod)) {
      const { op, container: c } = site;
      if (op.fromImage || c.run.opaque || !op.target.startsWith('/') || op.target.includes('$')) continue;
      if (creator(site, pod) !== 'no') continue;
      missing.push(site);
    }
    let fix = initDirsFix(pod, missing);
    for (const site of missing) {
      const { op, container: c, volume: v } = site;
      const target = normalizePath(op.target);
      const rclone = op.tool === 'rclone' && op.subcommand !== 'nfsmount';
      const who = op.tool === 'rclone' ? 'neither rclone nor the kernel creates a mount point' : 'the kernel never creates a mount point';
      const fail = rclone ? `so rclone ${op.subcommand ?? 'mount'} exits ("cannot open: ${target}")` : `so the mount fails ("No such file or directory")`;
      const where = !v
        ? `it is in the container's own filesystem, which may not have it`
        : v.type === 'emptyDir'
          ? `emptyDir volume "${v.name}" is empty at every pod start`
          : `it lies on ${v.type} volume "${v.name}", which may not hold it`;
      const suggestion = site.mount && fix ? fix : undefined;
      if (suggestion) fix = undefined;
      ctx.report({
        at: op.targetWord?.loc ?? opLoc(site) ?? c.node,
        severity: v?.type === 'emptyDir' ? 'error' : 'warning',
        message: `${describeContainer(c)} mounts ${op.source ?? 'a filesystem'} at ${target}, but nothing creates that directory first: ${where}; ${who}, ${fail}. ` +
          (site.mount ? `Create it in an init-dirs init container (mkdir -p ${target}) or earlier in the script.` : `Run mkdir -p ${target} before the mount in the script.`),
        suggestions: suggestion ? [suggestion] : undefined,
      });
    }
  },
});

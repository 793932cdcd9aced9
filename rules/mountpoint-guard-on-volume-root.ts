import { defineRule } from '../src/engine/rule.js';
import type { MountOp } from '../src/model/types.js';
import { normalizePath } from '../src/model/build.js';
import { describeContainer, mountSitesOf } from '../src/model/query.js';
import { replaceCommand } from './lib/command-edits.js';

/** The /proc/mounts type field to test for: `nfs` also matches nfs4, `fuse` matches fuse.rclone. */
function fsType(op: MountOp): string | undefined {
  if (op.fs === 'fuse' || op.fs === 'nfs' || op.fs === 'cifs') return op.fs;
  return op.tool === 'mount' && op.subcommand ? op.subcommand : undefined;
}

/** `grep " /mnt/dfs nfs" /proc/mounts` already tests the type: the pattern goes on past the path. */
function testsType(words: string[], path: string): boolean {
  return words.some((w) => {
    const i = w.indexOf(path);
    return i >= 0 && w.slice(i + path.length).trim() !== '';
  });
}

export default defineRule({
  id: 'mountpoint-guard-on-volume-root',
  severity: 'error',
  fix: 'suggestion',
  scope: 'pod',
  summary: '`mountpoint -q P` is always true when P is a volume mountPath, so a mount guarded by it never runs.',
  checkPod(pod, ctx) {
    for (const c of pod.containers) {
      const sites = mountSitesOf(c);
      for (const g of c.run.guards) {
        const p = normalizePath(g.path);
        const m = c.volumeMounts.find((x) => x.mountPath === p);
        if (!m || testsType(g.cmd.words.map((w) => w.text), g.path)) continue;
        // The guarded mount comes after the guard, and no unmount of P (a cleanup) sits between them.
        const site = sites.find((s) => normalizePath(s.op.target) === p && s.op.cmd.source === g.cmd.source && s.op.cmd.seq > g.cmd.seq);
        if (!site) continue;
        const cleanup = c.run.unmounts.some((u) => u.path !== undefined && normalizePath(u.path) === p && u.cmd.source === g.cmd.source && u.cmd.seq > g.cmd.seq && u.cmd.seq < site.op.cmd.seq);
        if (cleanup) continue;
        const type = fsType(site.op);
        const test = type ? `grep -qs " ${p} ${type}" /proc/mounts` : undefined;
        const edits = test ? replaceCommand(g.cmd, test) : undefined;
        const guard = g.kind === 'mountpoint' ? `mountpoint -q ${p}` : `grep ${p} /proc/mounts`;
        ctx.report({
          at: g.at.loc ?? c.node,
          message: `${describeContainer(c)} guards its mount of ${site.op.source ?? 'a filesystem'} with \`${guard}\`, but ${p} is its volumeMount of "${m.name}" and so always a mount point (the volume's own bind mount): ` +
            `the guard is always true and the mount never runs. Test for the filesystem type instead${test ? ` (\`${test}\`)` : ''}.`,
          suggestions: edits ? [{ description: `test the filesystem type of ${p} in /proc/mounts instead`, edits }] : undefined,
        });
      }
    }
  },
});

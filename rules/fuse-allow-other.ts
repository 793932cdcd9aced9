import { defineRule } from '../src/engine/rule.js';
import type { Container } from '../src/model/types.js';
import { consumersOf, describeContainer, mountSites, opLoc } from '../src/model/query.js';
import { addFuseOption } from './lib/command-edits.js';

/** Provably the same uid and gid (runAsUser and runAsGroup set on both and equal). */
function sameIds(a: Container, b: Container): boolean {
  return a.runAsUser !== undefined && a.runAsGroup !== undefined && a.runAsUser === b.runAsUser && a.runAsGroup === b.runAsGroup;
}

export default defineRule({
  id: 'fuse-allow-other',
  severity: 'warning',
  fix: 'fix',
  scope: 'pod',
  summary: 'A FUSE mount that other containers read needs --allow-other (-o allow_other): FUSE admits only the mounter\'s uid and gid.',
  checkPod(pod, ctx) {
    for (const site of mountSites(pod)) {
      const op = site.op;
      if (op.fs !== 'fuse' || op.allowOther || op.fromImage) continue;
      const others = consumersOf(site).filter((m) => !sameIds(site.container, m.container));
      if (!others.length) continue;
      const names = [...new Set(others.map((m) => `"${m.container.name}"`))];
      const who = names.join(', ');
      const flag = op.tool === 'rclone' ? '--allow-other' : '-o allow_other';
      const edits = addFuseOption(site.container, op, '--allow-other', 'allow_other');
      ctx.report({
        at: opLoc(site) ?? site.container.node,
        message: `${describeContainer(site.container)} mounts ${op.source ?? 'a FUSE filesystem'} at ${op.target} without ${flag}: ` +
          `FUSE lets only processes with the mounter's own uid and gid use the mount, root included, so ${who} ${names.length > 1 ? 'get' : 'gets'} "Permission denied" there. ` +
          `Add ${flag}` + (op.tool === 'rclone'
            ? ` (a non-root rclone also needs user_allow_other in /etc/fuse.conf; the rclone/rclone image has it).`
            : ` (a non-root mounter also needs user_allow_other in the image's /etc/fuse.conf).`),
        fix: edits ? { description: `add ${flag} to the ${op.tool} mount of ${op.target} in "${site.container.name}"`, edits } : undefined,
        related: others.map((m) => ({ at: m.node, message: `"${m.container.name}" reads ${m.mountPath}` })),
      });
    }
  },
});

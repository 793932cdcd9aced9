import { defineRule } from '../src/engine/rule.js';
import { normalizePath } from '../src/model/build.js';
import { describeContainer, mountSites } from '../src/model/query.js';
import { imagePinnedBelow } from '../src/model/versions.js';
import { insertArgAfter } from './lib/command-edits.js';

/** rclone subcommands that refuse a target that is already a mount point (cmd/mountlib CheckAllowNonEmpty). */
const CHECKED = new Set(['mount', 'cmount', 'mount2']);

export default defineRule({
  id: 'rclone-mount-on-mountpoint',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'rclone mount exactly on a volume mountPath needs --allow-non-empty: rclone ≥ 1.57 refuses a directory that is already a mount point.',
  checkPod(pod, ctx) {
    for (const site of mountSites(pod)) {
      const { op, container: c, mount: m } = site;
      if (op.tool !== 'rclone' || !CHECKED.has(op.subcommand ?? '') || op.allowNonEmpty || !m) continue;
      if (normalizePath(op.target) !== m.mountPath) continue;
      if (imagePinnedBelow(c.image, [1, 57, 0])) continue;
      const edits = insertArgAfter(c, op.targetWord, '--allow-non-empty');
      ctx.report({
        at: op.targetWord?.loc ?? op.at.loc ?? c.node,
        message: `${describeContainer(c)} runs rclone ${op.subcommand} on ${m.mountPath}, which is exactly its volumeMount of "${m.name}": ` +
          `inside a container every mountPath is already a mount point, so rclone ≥ 1.57 exits with "directory already mounted, use --allow-non-empty to mount anyway". ` +
          `Add --allow-non-empty, or mount on a subdirectory of the volume.`,
        fix: edits ? { description: `add --allow-non-empty to the rclone ${op.subcommand} of ${m.mountPath} in "${c.name}"`, edits } : undefined,
      });
    }
  },
});

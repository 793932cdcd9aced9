import { defineRule } from '../src/engine/rule.js';
import { describeContainer } from '../src/model/query.js';
import { isRcloneImage, parseImage } from '../src/model/versions.js';

export default defineRule({
  id: 'mounter-image-pinned',
  severity: 'warning',
  fix: 'none',
  scope: 'pod',
  summary: 'A mounter image should be pinned to a version: `latest` or no tag pulls a different mounter on a restart.',
  checkPod(pod, ctx) {
    for (const c of pod.containers) {
      if (!c.run.mountOps.length || !c.image) continue;
      const ref = parseImage(c.image);
      if (ref.digest || (ref.tag && ref.tag !== 'latest')) continue;
      const rclone = c.run.mountOps.some((op) => op.tool === 'rclone') || isRcloneImage(c.image);
      const why = rclone
        ? `rclone's mount behaviour changes between releases (1.57 started refusing to mount on a mount point, 1.75 changed how serve nfs resolves client paths)`
        : `a new release can change flags, defaults and how the mount behaves`;
      ctx.report({
        at: c.imageNode ?? c.node,
        message: `${describeContainer(c)} mounts with image ${c.image}, which is ${ref.tag ? 'tagged latest' : 'untagged (so latest)'}: every pull on a restart or a new node can bring another version, and ${why}. Pin a version tag or a digest.`,
      });
    }
  },
});

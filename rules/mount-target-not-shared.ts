import { defineRule } from '../src/engine/rule.js';
import type { Container } from '../src/model/types.js';
import { isUnder, normalizePath } from '../src/model/build.js';
import { describeContainer, mountSites } from '../src/model/query.js';

/** How another container shows that it expects to find the mounted path: a volumeMount, an export, a probe. */
function readsPath(c: Container, target: string): string | undefined {
  const overlaps = (p: string) => !!p && p !== '/' && (isUnder(p, target) || isUnder(target, p));
  for (const m of c.volumeMounts) if (overlaps(m.mountPath)) return `mounts volume "${m.name}" at ${m.mountPath}`;
  for (const e of c.run.exports) if (overlaps(normalizePath(e.dir))) return `serves ${e.dir} over ${e.proto}`;
  for (const p of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
    if (p?.exec?.some((w) => w.split(/\s+/).some((x) => x.startsWith('/') && isUnder(normalizePath(x), target)))) return `probes ${target}`;
  }
  return undefined;
}

export default defineRule({
  id: 'mount-target-not-shared',
  severity: 'error',
  fix: 'none',
  scope: 'pod',
  summary: 'A mount made outside every volume of the mounter stays in its own filesystem: no other container can see it.',
  checkPod(pod, ctx) {
    for (const site of mountSites(pod)) {
      if (site.mount) continue;
      const target = normalizePath(site.op.target);
      if (!target.startsWith('/')) continue;
      for (const c of pod.containers) {
        if (c === site.container) continue;
        const how = readsPath(c, target);
        if (!how) continue;
        ctx.report({
          at: site.op.targetWord?.loc ?? site.op.at.loc ?? site.container.node,
          message: `${describeContainer(site.container)} mounts ${site.op.source ?? 'a filesystem'} at ${target}, which is not under any of its volumeMounts, ` +
            `so the mount exists only in its own root filesystem and "${c.name}" (which ${how}) can never see it. ` +
            `Mount it under a volume that both containers share (Bidirectional on the mounter, HostToContainer on the reader).`,
          related: [{ at: c.node, message: `"${c.name}" ${how}` }],
        });
        break;
      }
    }
  },
});

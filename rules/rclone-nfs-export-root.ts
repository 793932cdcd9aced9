import { defineRule } from '../src/engine/rule.js';
import type { Edit, Fix } from '../src/engine/finding.js';
import { isUnder, normalizePath } from '../src/model/build.js';
import { describeClient, rcloneNfsServersOf, sourceWord, topology, type NfsClient } from '../src/topology/index.js';
import { atLeast, rcloneRelease } from '../src/topology/rclone.js';
import { replaceWord } from './lib/command-edits.js';

function setPath(c: NfsClient, path: string): Fix | undefined {
  let edits: Edit[] | undefined;
  if (c.kind === 'mount' && c.op && c.container) {
    const w = sourceWord(c.op);
    edits = w ? replaceWord(c.container, w, `${c.server.includes(':') ? `[${c.server}]` : c.server}:${path}`) : undefined;
  } else {
    const node = c.kind === 'pv' ? c.pv?.nfs?.pathNode : c.volume?.nfs?.pathNode;
    edits = node ? [{ op: 'setScalar', node, value: path }] : undefined;
  }
  return edits && { description: `set the NFS path of ${describeClient(c)} to ${path}`, edits };
}

export default defineRule({
  id: 'rclone-nfs-export-root',
  severity: 'error',
  fix: 'fix',
  scope: 'model',
  summary: 'rclone serve nfs DIR exports DIR as "/": clients must not ask for DIR again.',
  checkModel(model, ctx) {
    const t = topology(model);
    for (const c of t.nfsClients) {
      const path = normalizePath(c.path.startsWith('/') ? c.path : '/' + c.path);
      const hit = rcloneNfsServersOf(t, c).find(({ exp }) => exp.dir !== '/' && isUnder(path, exp.dir));
      if (!hit) continue;
      const { svc, exp } = hit;
      const want = path === exp.dir ? '/' : path.slice(exp.dir.length);
      const release = rcloneRelease(exp.container.image);
      const broken = atLeast(release, [1, 75, 0]);
      const version = broken
        ? `the server runs ${release.text}, where this mount fails with ENOENT`
        : `older rclone ignores the path, so it works today with ${release.text}, but it fails with ENOENT once the server runs rclone 1.75 or later`;
      ctx.report({
        workload: c.kind === 'pv' ? undefined : c.pods[0]?.workload,
        at: c.pathAt,
        severity: broken ? 'error' : 'warning',
        message: `${describeClient(c)} mounts ${c.server}:${c.path} from Service ${svc.name}, whose pod ${exp.pod.workload.name} runs "rclone serve nfs ${exp.dir}" in "${exp.container.name}": ` +
          `rclone serves ${exp.dir} as "/", and since rclone 1.75 it looks the client's path up inside that directory (${path} means ${exp.dir}${path} there); ${version}. Set the path to ${want}.`,
        fix: setPath(c, want),
        related: [
          { at: svc.resource.node, message: `Service ${svc.name} selects ${exp.pod.workload.kind} ${exp.pod.workload.name}` },
          { at: exp.at, message: `"${exp.container.name}" serves ${exp.dir} over NFS` },
        ],
      });
    }
  },
});

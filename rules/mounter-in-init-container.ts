import { defineRule } from '../src/engine/rule.js';
import { describeContainer, mountSitesOf, opLoc } from '../src/model/query.js';
import { isForegroundMount } from '../src/model/roles.js';
import { nativeSidecarsAvailable } from '../src/model/versions.js';

export default defineRule({
  id: 'mounter-in-init-container',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'A plain init container that runs a mounter in the foreground never exits, so the pod never leaves Init.',
  checkPod(pod, ctx) {
    const sidecars = nativeSidecarsAvailable(ctx.config.kubernetesVersion);
    for (const c of pod.containers) {
      if (c.sort !== 'init') continue;
      // The mount itself stays in the foreground, or the script keeps running after it (`& wait`, `tail -f`).
      const sites = mountSitesOf(c);
      const site = sites.find((s) => s.op.cmd.source === 'main' && isForegroundMount(s.op)) ?? (c.run.longRunning ? sites[0] : undefined);
      if (!site) continue;
      const { op } = site;
      ctx.report({
        at: opLoc(site) ?? c.node,
        message: `${describeContainer(c)} runs ${op.tool}${op.subcommand && op.tool === 'rclone' ? ` ${op.subcommand}` : ''} at ${op.target} and keeps running, ` +
          `but a plain init container must exit before the next one starts: the pod stays in Init for ever and no other container ever runs. ` +
          (sidecars
            ? `Add restartPolicy: Always to make it a native sidecar (Kubernetes ≥ 1.29), or move it to containers.`
            : `Move it to containers: native sidecars (restartPolicy: Always) need Kubernetes ≥ 1.29, and config kubernetesVersion is ${ctx.config.kubernetesVersion}.`),
        fix: sidecars ? { description: `add restartPolicy: Always to init container "${c.name}" (a native sidecar, Kubernetes ≥ 1.29)`, edits: [{ op: 'setKey', map: c.node, key: 'restartPolicy', value: 'Always' }] } : undefined,
      });
    }
  },
});

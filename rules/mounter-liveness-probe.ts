import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/engine/finding.js';
import { get, pairOf } from '../src/load/ynode.js';
import { describeContainer } from '../src/model/query.js';
import { execPaths, mountCheckProbe, probeChecks } from '../src/model/mounters.js';
import { addProbeAdvice, addProbeFix } from '../src/apptemplate/edits.js';

const LIVENESS = { initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 3 };

export default defineRule({
  id: 'mounter-liveness-probe',
  severity: 'info',
  fix: 'suggestion',
  scope: 'pod',
  summary: 'A long-running mounter should have a liveness probe that fails when its mount is gone.',
  checkPod(pod, ctx) {
    for (const c of pod.containers) {
      if ((c.sort !== 'container' && c.sort !== 'sidecar') || !c.run.longRunning) continue;
      const ops = c.run.mountOps.filter((op) => op.fromImage || op.cmd.source === 'main');
      // A mounter that re-mounts in a loop heals itself; a probe would only restart it.
      if (!ops.length || ops.some((op) => op.cmd.inLoop)) continue;
      const targets = [...new Set(ops.map((op) => op.target))];
      const list = targets.join(', ');
      const probe = c.livenessProbe;
      let fix: Fix | undefined;
      let message: string;
      if (!probe) {
        message = `${describeContainer(c)} keeps ${list} mounted but has no livenessProbe: when the mount dies (the remote hangs, the FUSE daemon crashes behind a wrapper), ` +
          `the container keeps running and consumers read "Transport endpoint is not connected" or an empty directory until someone restarts the pod. ${addProbeAdvice(c, 'liveness')}`;
        // bjw-s app-template values take it under probes.liveness, as a custom spec (common
        // library schemas/containers.json `probe`; lib/container/fields/_probes.tpl).
        fix = addProbeFix(c, 'liveness', mountCheckProbe(ops, LIVENESS), list);
      } else if (probe.exec) {
        // A probe that runs a script may well check the mount: only a probe that names no path at all certainly does not.
        if (targets.some((t) => probeChecks(probe, t)) || execPaths(probe.exec).length) continue;
        message = `${describeContainer(c)} keeps ${list} mounted, but its livenessProbe (${probe.exec.join(' ')}) does not look at the mount, so it passes while consumers see a dead mount. Make it check the mount (for example with stat or test -d on ${targets[0]}).`;
      } else if (get(probe.node, 'tcpSocket') !== undefined || get(probe.node, 'grpc') !== undefined) {
        message = `${describeContainer(c)} keeps ${list} mounted, but its livenessProbe only checks a port, which stays open while the mount is dead. Use an exec probe that checks the mount.`;
      } else continue;
      ctx.report({ at: pairOf(c.node, 'livenessProbe')?.keyLoc ?? get(c.node, 'name') ?? c.node, message, suggestions: fix ? [fix] : undefined });
    }
  },
});

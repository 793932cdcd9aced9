import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/engine/finding.js';
import type { Container } from '../src/model/types.js';
import { get } from '../src/load/ynode.js';
import { describeContainer, siteOf } from '../src/model/query.js';
import { hasLazyUnmount, lazyUnmountScript } from '../src/model/mounters.js';
import { inheritsKey } from '../src/apptemplate/edits.js';

function addPreStop(c: Container, targets: string[]): Fix | undefined {
  if (inheritsKey(c, 'lifecycle')) return undefined; // app-template: the controller's defaultContainerOptions
  if (get(c.lifecycleNode, 'preStop') !== undefined) return undefined;
  const value = { exec: { command: ['sh', '-c', lazyUnmountScript(targets)] } };
  return {
    description: `add a preStop hook to "${c.name}" that unmounts ${targets.join(', ')} lazily`,
    edits: [c.lifecycleNode
      ? { op: 'setKey', map: c.lifecycleNode, key: 'preStop', value }
      : { op: 'setPath', map: c.node, path: ['lifecycle', 'preStop'], value }],
  };
}

export default defineRule({
  id: 'stale-mount-cleanup',
  severity: 'warning',
  fix: 'suggestion',
  scope: 'pod',
  summary: 'A FUSE mounter should unmount lazily (fusermount -uz, umount -l) before mounting or in a preStop hook, or a crash leaves a dead mount behind.',
  checkPod(pod, ctx) {
    for (const c of pod.containers) {
      // Plain init containers cannot have hooks; an opaque script may clean up where we cannot see.
      if ((c.sort !== 'container' && c.sort !== 'sidecar') || c.run.opaque) continue;
      const stale = c.run.mountOps.filter((op) => {
        if (op.fs !== 'fuse' || op.fromImage || op.cmd.source !== 'main') return false;
        // Only a propagated mount outlives the container; a private one dies with its mount namespace.
        if (siteOf(op, c).mount?.propagation !== 'Bidirectional') return false;
        return !hasLazyUnmount(c, op);
      });
      if (!stale.length) continue;
      const targets = [...new Set(stale.map((op) => op.target))];
      const fix = addPreStop(c, targets);
      const list = targets.join(', ');
      ctx.report({
        at: get(c.node, 'name') ?? c.node,
        message: `${describeContainer(c)} FUSE-mounts ${list} with Bidirectional propagation but never unmounts lazily (fusermount -uz, umount -l), neither before mounting nor in a preStop hook: ` +
          `when it dies the dead mount stays on the shared volume ("Transport endpoint is not connected"), consumers get I/O errors and the restarted mounter cannot mount over it. ` +
          (fix ? `Add a preStop hook that runs fusermount -uz ${list}, and unmount before mounting in the script too.` : `Add fusermount -uz ${list} to its preStop hook, and unmount before mounting in the script too.`),
        suggestions: fix ? [fix] : undefined,
      });
    }
  },
});

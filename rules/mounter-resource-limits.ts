import { defineRule } from '../src/engine/rule.js';
import type { Edit, Fix } from '../src/engine/finding.js';
import type { Container } from '../src/model/types.js';
import { get, isMap, pairOf } from '../src/load/ynode.js';
import { describeContainer } from '../src/model/query.js';
import { limitRangeDefaults, quantity } from '../src/model/mounters.js';
import { inheritsKey } from '../src/apptemplate/edits.js';

type Res = 'cpu' | 'memory';
/** Seed 002's rclone sidecar, and seed 003's light NFS mount loop. */
const FUSE = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } };
const KERNEL = { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

function larger(a: string, b: string | undefined): string {
  const qa = quantity(a);
  const qb = quantity(b);
  return b !== undefined && qa !== undefined && qb !== undefined && qb > qa ? b : a;
}

function addLimits(c: Container, missing: Res[], d: typeof FUSE): Fix | undefined {
  // app-template resources from defaultContainerOptions: not this container's to change.
  if (inheritsKey(c, 'resources')) return undefined;
  const limits: Record<string, string> = {};
  for (const k of missing) limits[k] = larger(d.limits[k], c.requests[k]);
  // Requests only where no requests or limits are set (limits alone mean requests equal to
  // them, a choice we keep), and never above the limit they will sit under.
  const requests: Record<string, string> = {};
  for (const k of ['cpu', 'memory'] as Res[]) {
    const lim = c.limits[k] ?? limits[k];
    const q = quantity(lim);
    if (q !== undefined && q >= quantity(d.requests[k])!) requests[k] = d.requests[k];
  }
  const res = c.resourcesNode;
  const edits: Edit[] = [];
  if (!res) {
    edits.push({ op: 'setKey', map: c.node, key: 'resources', value: Object.keys(requests).length ? { requests, limits } : { limits } });
  } else {
    const lim = get(res, 'limits');
    if (isMap(lim)) for (const k of missing) edits.push({ op: 'setKey', map: lim, key: k, value: limits[k] });
    else edits.push({ op: 'setKey', map: res, key: 'limits', value: limits });
    if (get(res, 'requests') === undefined && !isMap(lim) && Object.keys(requests).length) edits.push({ op: 'setKey', map: res, key: 'requests', value: requests });
  }
  return { description: `set ${missing.map((k) => `limits.${k}: ${limits[k]}`).join(', ')} on "${c.name}"`, edits };
}

export default defineRule({
  id: 'mounter-resource-limits',
  severity: 'warning',
  fix: 'suggestion',
  scope: 'pod',
  summary: 'A mounter needs CPU and memory limits: a runaway FUSE daemon can starve the node.',
  checkPod(pod, ctx) {
    const defaults = limitRangeDefaults(ctx.model.resources, pod.workload.namespace);
    for (const c of pod.containers) {
      if ((c.sort !== 'container' && c.sort !== 'sidecar') || !c.run.mountOps.length) continue;
      const missing = (['cpu', 'memory'] as Res[]).filter((k) => !c.limits[k] && !defaults[k]);
      if (!missing.length) continue;
      const fuse = c.run.mountOps.some((op) => op.fs === 'fuse');
      const d = fuse ? FUSE : KERNEL;
      const what = [...new Set(c.run.mountOps.map((op) => op.target))].join(', ');
      const fix = addLimits(c, missing, d);
      ctx.report({
        at: pairOf(c.node, 'resources')?.keyLoc ?? get(c.node, 'name') ?? c.node,
        message: `${describeContainer(c)} mounts ${what} but has no ${missing.join(' or ')} limit: ` +
          (fuse
            ? `a busy FUSE daemon (rclone's VFS cache, directory walks) can take several cores and gigabytes and starve the node (seed 002: rclone at 400% CPU). Set resources.limits (seed 002 uses cpu 500m and memory 1Gi, with requests of 100m and 256Mi).`
            : `nothing bounds it if it runs away. Set resources.limits (a mount loop needs little: seed 003 uses cpu 100m and memory 64Mi).`),
        suggestions: fix ? [fix] : undefined,
      });
    }
  },
});

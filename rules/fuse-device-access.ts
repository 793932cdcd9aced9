import { defineRule } from '../src/engine/rule.js';
import type { Container } from '../src/model/types.js';
import { describeContainer, mountSitesOf, opLoc } from '../src/model/query.js';
import { setPrivileged } from './lib/edits.js';

const CRIO_DEVICES = 'io.kubernetes.cri-o.Devices';

/** How the runtime grants /dev/fuse to a non-privileged container, if it does. */
function fuseDevice(c: Container, resources: string[]): string | undefined {
  const res = Object.keys(c.limits).find((k) => resources.includes(k));
  if (res) return `the device-plugin resource ${res}`;
  const crio = c.pod.annotations[CRIO_DEVICES];
  if (crio?.split(',').some((d) => d.trim().split(':')[0] === '/dev/fuse')) return `the ${CRIO_DEVICES} annotation`;
  return undefined;
}

function hasHostPathFuse(c: Container): boolean {
  return c.volumeMounts.some((m) => m.volume?.type === 'hostPath' && m.volume.hostPath === '/dev/fuse');
}

export default defineRule({
  id: 'fuse-device-access',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'A FUSE mounter needs privileged: true, or SYS_ADMIN plus /dev/fuse granted by a device plugin or CRI-O.',
  checkPod(pod, ctx) {
    for (const c of pod.containers) {
      if (c.privileged) continue;
      const site = mountSitesOf(c).find((s) => s.op.fs === 'fuse');
      if (!site) continue;
      const sysAdmin = c.capabilities.includes('SYS_ADMIN') || c.capabilities.includes('ALL');
      const device = fuseDevice(c, ctx.config.fuseDeviceResources);
      if (sysAdmin && device) continue;
      const what = `${describeContainer(c)} makes a FUSE mount (${site.op.tool} at ${site.op.target}) but is not privileged`;
      const resource = ctx.config.fuseDeviceResources[0] ?? 'smarter-devices/fuse';
      let why: string;
      if (device) why = `it gets /dev/fuse through ${device} but lacks the SYS_ADMIN capability that mount(2) needs. Add SYS_ADMIN to securityContext.capabilities.add, or set privileged: true`;
      else if (sysAdmin && hasHostPathFuse(c)) why = `a hostPath /dev/fuse does not help, since the container's devices cgroup still refuses open() with EPERM on runc ≥ 1.0. Set securityContext.privileged: true, or request a FUSE device-plugin resource (${resource}) in resources.limits`;
      else if (sysAdmin) why = `SYS_ADMIN alone grants no /dev/fuse, so the mount fails with "fuse: device not found". Set securityContext.privileged: true, or request a FUSE device-plugin resource (${resource}) in resources.limits`;
      else why = `without /dev/fuse and SYS_ADMIN the mount fails ("fuse: device not found" or "Operation not permitted"). Set securityContext.privileged: true, or add SYS_ADMIN plus a FUSE device-plugin resource (${resource}) in resources.limits`;
      ctx.report({
        at: c.privilegedNode ?? opLoc(site) ?? c.node,
        message: `${what}: ${why}.`,
        fix: setPrivileged(c),
      });
    }
  },
});

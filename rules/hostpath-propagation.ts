import { defineRule } from '../src/engine/rule.js';
import type { Model, Volume, VolumeMount } from '../src/model/types.js';
import { isUnder, normalizePath } from '../src/model/build.js';
import { mountSites, type MountSite } from '../src/model/query.js';
import { get } from '../src/load/ynode.js';
import { topology } from '../src/topology/index.js';

/** Directories the whole host uses: Bidirectional there leaks mounts into the host. */
const BROAD = new Set(['/', '/tmp', '/mnt', '/var', '/run', '/home', '/srv', '/opt', '/dev', '/etc']);
/** The kubelet makes its root dir rshared at start (FACTS §4). */
const KUBELET_ROOT = '/var/lib/kubelet';

/** A mount made on this hostPath volume: in this pod, or in another pod through the same host directory. */
function carriesMounts(v: Volume, mounts: VolumeMount[], model: Model): MountSite | undefined {
  const local = mountSites(v.pod).find((s) => s.volume === v);
  if (local) return local;
  const t = topology(model);
  for (const m of mounts) {
    const producer = t.hostPathProducers(m)[0];
    if (producer) return producer;
  }
  return undefined;
}

/** `Bidirectional by "a", HostToContainer by "b", "c"` */
function list(ms: VolumeMount[]): string {
  const by = (p: string) => [...new Set(ms.filter((m) => m.propagation === p).map((m) => `"${m.container.name}"`))];
  return ['Bidirectional', 'HostToContainer'].filter((p) => by(p).length).map((p) => `${p} by ${by(p).join(', ')}`).join(' and ');
}

export default defineRule({
  id: 'hostpath-propagation',
  severity: 'warning',
  fix: 'none',
  scope: 'pod',
  summary: 'Propagation through a hostPath needs a shared host mount; Bidirectional on a directory the whole host uses leaks mounts into it.',
  checkPod(pod, ctx) {
    const w = pod.workload;
    for (const v of pod.volumes) {
      if (v.type !== 'hostPath' || !v.hostPath) continue;
      const path = normalizePath(v.hostPath);
      if (isUnder(path, KUBELET_ROOT)) continue;
      const mounts = pod.containers.flatMap((c) => c.volumeMounts).filter((m) => m.volume === v && (m.propagation === 'Bidirectional' || m.propagation === 'HostToContainer'));
      if (!mounts.length) continue;
      const at = get(v.typeNode, 'path') ?? v.node;
      const bidi = mounts.filter((m) => m.propagation === 'Bidirectional');
      if (BROAD.has(path) && bidi.length) {
        ctx.report({
          at,
          message: `hostPath volume "${v.name}" of ${w.kind} ${w.name} is ${path}, a directory the whole host uses, and it is mounted with ${list(bidi)}: ` +
            `every mount made under it lands in the host's ${path} and outlives the pod. Use a dedicated subdirectory such as ${path === '/' ? '' : path}/${w.name}.`,
        });
        continue;
      }
      if (ctx.config.hostPathShared) continue;
      // Bidirectional always meets the runtime's check; HostToContainer only where a known mount is to be seen.
      const site = carriesMounts(v, mounts, ctx.model);
      if (!bidi.length && !site) continue;
      const by = !site ? '' : site.container.pod === pod
        ? ` (where "${site.container.name}" mounts ${site.op.target})`
        : ` (where "${site.container.name}" of ${site.container.pod.workload.kind} ${site.container.pod.workload.name} mounts on the host at ${site.hostPath})`;
      ctx.report({
        at,
        message: `hostPath volume "${v.name}" (${path}) of ${w.kind} ${w.name} is mounted with ${list(mounts)}${by}: ` +
          `containerd and CRI-O refuse to start such a container unless ${path} sits on a shared mount, which systemd hosts have but Alpine/OpenRC, kind/k3d and Talos nodes do not. ` +
          `If every node runs systemd, set hostPathShared: true in .medialint.yaml; otherwise share the mount through a memory emptyDir inside the pod.`,
      });
    }
  },
});

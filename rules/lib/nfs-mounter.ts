// The in-pod NFS mounter of seed 003, as a suggestion: the kubelet's `nfs:` volume becomes a
// memory emptyDir, a privileged sidecar mounts the export on it in a retry loop with
// Bidirectional propagation, and every container that used the volume gets HostToContainer.
// Adjusted to the facts: the guard tests the filesystem type (the volume root is always a
// mount point, so `mountpoint -q` would always be true), an `rclone serve nfs` server gets
// NFSv3 options with its port, and the mount is undone on SIGTERM.
import type { Fix } from '../../src/engine/finding.js';
import type { YSeq } from '../../src/load/ynode.js';
import { get, isSeq, str } from '../../src/load/ynode.js';
import type { Pod, Volume } from '../../src/model/types.js';
import { setPropagation } from './edits.js';

export interface MounterPlan {
  /** Server as the mounter should name it (in-pod DNS works). */
  server: string;
  /** When the server is `rclone serve nfs`: its port. */
  rclonePort: number | undefined;
}

/** Why the rewrite cannot be offered for this volume, or undefined when it can. */
export function cannotRewrite(pod: Pod, v: Volume): string | undefined {
  const mounts = pod.containers.flatMap((c) => c.volumeMounts.filter((m) => m.volume === v));
  const sub = mounts.find((m) => m.subPath);
  if (sub) return `"${sub.container.name}" mounts it with subPath, which never shows a mount propagated from another container`;
  const init = mounts.find((m) => m.container.sort === 'init');
  if (init) return `init container "${init.container.name}" reads it before any sidecar could mount it`;
  if (pod.hostNetwork && str(get(pod.specNode, 'dnsPolicy')) !== 'ClusterFirstWithHostNet') {
    return 'the pod uses hostNetwork, so an in-pod mounter would also use the node\'s resolver (set dnsPolicy: ClusterFirstWithHostNet first)';
  }
  if (!isSeq(get(pod.specNode, 'containers'))) return 'the pod has no containers list to add the mounter to';
  return undefined;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function mounterScript(source: string, target: string, options: string[]): string {
  const t = shellQuote(target);
  const src = shellQuote(source);
  return [
    'apk add --no-cache nfs-utils || exit 1',
    `trap 'umount -l ${target.replace(/'/g, '')}; exit 0' TERM INT`,
    'while true; do',
    `  if ! grep -qs " ${target} nfs" /proc/mounts; then`,
    `    mount -t nfs -o ${options.join(',')} ${src} ${t} && echo "mounted ${source}" || echo "mounting ${source} failed; retrying in 15s"`,
    '  fi',
    '  sleep 15 & wait $!',
    'done',
    '',
  ].join('\n');
}

export function inPodMounterFix(pod: Pod, v: Volume, plan: MounterPlan): Fix | undefined {
  const nfs = v.nfs;
  const containers = get(pod.specNode, 'containers') as YSeq;
  if (!nfs) return undefined;
  const mounts = pod.containers.flatMap((c) => c.volumeMounts.filter((m) => m.volume === v));
  const names = new Set(pod.containers.map((c) => c.name));
  let name = `${v.name}-mounter`;
  for (let i = 2; names.has(name); i++) name = `${v.name}-mounter-${i}`;
  const target = mounts[0]?.mountPath || `/mnt/${v.name}`;
  const host = plan.server.includes(':') ? `[${plan.server}]` : plan.server;
  const source = `${host}:${nfs.path || '/'}`;
  const readOnly = v.typeNode ? str(get(v.typeNode, 'readOnly')) === 'true' : false;
  const options = [
    ...(readOnly ? ['ro'] : []),
    ...(plan.rclonePort ? ['vers=3', `port=${plan.rclonePort}`, `mountport=${plan.rclonePort}`, 'tcp'] : []),
    'nolock',
  ];
  const mounter = {
    name,
    image: 'alpine:3.20',
    command: ['/bin/sh', '-c'],
    args: [mounterScript(source, target, options)],
    securityContext: { privileged: true },
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    volumeMounts: [{ name: v.name, mountPath: target, mountPropagation: 'Bidirectional' }],
  };
  const edits: Fix['edits'] = [
    { op: 'removeKey', map: v.node, key: 'nfs' },
    { op: 'setKey', map: v.node, key: 'emptyDir', value: { medium: 'Memory' } },
    { op: 'insertItem', seq: containers, value: mounter, index: 0 },
  ];
  for (const m of mounts) {
    if (m.propagation === 'HostToContainer') continue;
    const fix = setPropagation(m, 'HostToContainer');
    if (!fix) return undefined;
    edits.push(...fix.edits);
  }
  return {
    description: `replace the kubelet NFS volume "${v.name}" with a memory emptyDir and an in-pod mounter sidecar "${name}" (privileged, Bidirectional) mounting ${source}; consumers get HostToContainer`,
    edits,
  };
}

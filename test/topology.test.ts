// The cross-workload topology (src/topology): Services and the pods they select, exports,
// NFS clients and the Services their server names designate, hostPath consumers across
// pods, PVC readers in other pods, and who is sure to share a node with whom.
import { describe, expect, it } from 'vitest';
import { lintText } from './helpers.js';
import { colocated, placementOf, resolveServer, splitNfsSource, topology } from '../src/topology/index.js';
import { implies, pinnedNode } from '../src/topology/placement.js';
import { rcloneRelease, atLeast } from '../src/topology/rclone.js';
import type { Model, Pod } from '../src/model/types.js';

const model = (text: string): Model => lintText(text, 'topology.yaml').model;
const pod = (m: Model, name: string): Pod => m.workloads.find((w) => w.name === name)!.pod;

/** A Deployment with one container: `spec` is the pod spec's body, indented by the caller. */
function deploy(name: string, ns: string, labels: Record<string, string>, spec: string, kind = 'Deployment'): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join(', ');
  return `apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {${l}}}
  template:
    metadata: {labels: {${l}}}
    spec:
${spec}
---
`;
}

const SERVICES = `apiVersion: v1
kind: Service
metadata: {name: dfs, namespace: media}
spec:
  clusterIP: 10.43.200.129
  selector: {app: dfs}
  ports: [{port: 2049}]
---
apiVersion: v1
kind: Service
metadata: {name: dfs-headless, namespace: media}
spec:
  clusterIP: None
  selector: {app: dfs}
  ports: [{port: 2049}]
---
apiVersion: v1
kind: Service
metadata: {name: dfs, namespace: other}
spec:
  selector: {app: dfs}
---
apiVersion: v1
kind: Service
metadata: {name: nothing-selected, namespace: media}
spec:
  ports: [{port: 80}]
---
${deploy('dfs', 'media', { app: 'dfs', tier: 'storage' }, `      containers:
        - name: serve
          image: rclone/rclone:1.70.0
          args: [serve, nfs, /mnt/dfs, --addr, ":2049"]
        - name: kernel
          image: itsthenetwork/nfs-server-alpine:12
          env: [{name: SHARED_DIRECTORY, value: /exports}]`)}`;

describe('Services and NFS server names', () => {
  const m = model(SERVICES);
  const names = (server: string, ns: string | undefined) => resolveServer(m, server, ns).map((s) => `${s.namespace}/${s.name}`);

  it('resolves every DNS form of a Service, from the client namespace', () => {
    expect(names('dfs', 'media')).toEqual(['media/dfs']);
    expect(names('dfs', 'other')).toEqual(['other/dfs']);
    expect(names('dfs.media', 'other')).toEqual(['media/dfs']);
    expect(names('dfs.media.svc', undefined)).toEqual(['media/dfs']);
    expect(names('dfs.media.svc.cluster.local', 'other')).toEqual(['media/dfs']);
    expect(names('DFS.media.svc.cluster.local.', 'other')).toEqual(['media/dfs']);
    expect(names('dfs-0.dfs-headless.media.svc.cluster.local', 'other')).toEqual(['media/dfs-headless']);
  });

  it('resolves a ClusterIP literal, and nothing else', () => {
    expect(names('10.43.200.129', 'other')).toEqual(['media/dfs']);
    expect(names('10.43.200.130', 'media')).toEqual([]);
    expect(names('nas.lan', 'media')).toEqual([]);
    expect(names('dfs.nope.svc.cluster.local', 'media')).toEqual([]);
  });

  it('splits NFS sources', () => {
    expect(splitNfsSource('dfs:/')).toEqual({ server: 'dfs', path: '/' });
    expect(splitNfsSource('nas.lan:/volume1/media')).toEqual({ server: 'nas.lan', path: '/volume1/media' });
    expect(splitNfsSource('[fd00::1]:/export')).toEqual({ server: 'fd00::1', path: '/export' });
    expect(splitNfsSource('/just/a/path')).toBeUndefined();
  });

  it('knows which Services select which pods (selector within the labels, same namespace)', () => {
    const t = topology(m);
    expect(t.servicesSelecting(pod(m, 'dfs')).map((s) => `${s.namespace}/${s.name}`)).toEqual(['media/dfs', 'media/dfs-headless']);
    const other = m.services.find((s) => s.namespace === 'other')!;
    expect(t.podsSelectedBy(other)).toEqual([]);
  });

  it('finds the exports each pod serves: rclone serve nfs, and kernel NFS server images', () => {
    const t = topology(m);
    expect(t.exportsOf(pod(m, 'dfs')).map((e) => [e.container.name, e.proto, e.dir, e.rclone, e.port])).toEqual([
      ['serve', 'nfs', '/mnt/dfs', true, 2049],
      ['kernel', 'nfs', '/exports', false, 2049],
    ]);
  });

  it('is built once per model', () => {
    expect(topology(m)).toBe(topology(m));
  });
});

describe('NFS clients', () => {
  const m = model(`${SERVICES}${deploy('kubelet-client', 'media', { app: 'a' }, `      containers:
        - {name: app, image: busybox:1.37, volumeMounts: [{name: dfs, mountPath: /dfs}]}
      volumes:
        - {name: dfs, nfs: {server: dfs.media.svc.cluster.local, path: /mnt/dfs}}`)}${deploy('in-pod-client', 'media', { app: 'b' }, `      containers:
        - name: mounter
          image: alpine:3.20
          securityContext: {privileged: true}
          command: [sh, -c, "mount -t nfs4 -o soft dfs:/sub /mnt/dfs && sleep infinity"]
          volumeMounts: [{name: shared, mountPath: /mnt/dfs, mountPropagation: Bidirectional}]
      volumes:
        - {name: shared, emptyDir: {medium: Memory}}`)}${deploy('pv-user', 'media', { app: 'c' }, `      containers:
        - {name: app, image: busybox:1.37, volumeMounts: [{name: lib, mountPath: /lib}]}
      volumes:
        - {name: lib, persistentVolumeClaim: {claimName: library}}`)}apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: library, namespace: media}
spec: {volumeName: library-pv, accessModes: [ReadWriteMany], resources: {requests: {storage: 1Ti}}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: library-pv}
spec:
  capacity: {storage: 1Ti}
  accessModes: [ReadWriteMany]
  mountOptions: [nfsvers=3]
  nfs: {server: 10.43.200.129, path: /mnt/dfs/library}
`);

  it('kubelet volumes, in-pod mounts and PVs (with the pods of the PVCs bound to them)', () => {
    const t = topology(m);
    const rows = t.nfsClients.map((c) => [c.kind, c.pods.map((p) => p.workload.name).join(','), c.server, c.path, c.options.join(','), c.services.map((s) => s.name).join(',')]);
    expect(rows).toEqual([
      ['volume', 'kubelet-client', 'dfs.media.svc.cluster.local', '/mnt/dfs', '', 'dfs'],
      ['mount', 'in-pod-client', 'dfs', '/sub', 'soft', 'dfs'],
      ['pv', 'pv-user', '10.43.200.129', '/mnt/dfs/library', 'nfsvers=3', 'dfs'],
    ]);
  });

  it('binds a PV to its PVCs by volumeName or claimRef', () => {
    const t = topology(m);
    const pv = m.pvs[0]!;
    expect(t.claimsOf(pv).map((c) => c.name)).toEqual(['library']);
    expect(t.volumeOf(m.pvcs[0]!)).toBe(pv);
  });
});

const DS_SSD = deploy('rclone', 'media', { app: 'rclone' }, `      nodeSelector: {disktype: ssd}
      containers:
        - name: rclone
          image: rclone/rclone:1.68.2
          securityContext: {privileged: true}
          args: [mount, "gdrive:", /host/gdrive, --allow-other]
          volumeMounts: [{name: host, mountPath: /host, mountPropagation: Bidirectional}]
      volumes:
        - {name: host, hostPath: {path: /srv/rclone}}`, 'DaemonSet');

describe('hostPath mounts across pods', () => {
  const m = model(`${DS_SSD}${deploy('reader', 'media', { app: 'reader' }, `      containers:
        - name: app
          image: busybox:1.37
          volumeMounts:
            - {name: gdrive, mountPath: /data/gdrive, mountPropagation: HostToContainer}
            - {name: parent, mountPath: /srv, mountPropagation: HostToContainer}
      volumes:
        - {name: gdrive, hostPath: {path: /srv/rclone/gdrive}}
        - {name: parent, hostPath: {path: /srv/rclone}}`)}${deploy('node-exporter', 'monitoring', { app: 'ne' }, `      containers:
        - {name: ne, image: quay.io/prometheus/node-exporter:v1.8.2, volumeMounts: [{name: root, mountPath: /host, readOnly: true}]}
      volumes:
        - {name: root, hostPath: {path: /}}`, 'DaemonSet')}${deploy('other-mounter', 'media', { app: 'om' }, `      containers:
        - name: rclone
          image: rclone/rclone:1.68.2
          securityContext: {privileged: true}
          args: [mount, "b2:", /host/b2, --allow-other]
          volumeMounts: [{name: host, mountPath: /host, mountPropagation: Bidirectional}]
      volumes:
        - {name: host, hostPath: {path: /srv/rclone}}`)}`);

  it('a consumer is a mount in another pod whose host path covers, or lies below, the mount', () => {
    const t = topology(m);
    const site = t.sites.find((s) => s.op.source === 'gdrive:')!;
    expect(t.siteStorage(site)?.path).toBe('/srv/rclone/gdrive');
    // Not node-exporter (all of /), not the other mounter (it mounts its own things there).
    expect(t.hostPathConsumers(site).map((c) => `${c.container.pod.workload.name}:${c.mountPath}`)).toEqual(['reader:/data/gdrive', 'reader:/srv']);
    const gdrive = pod(m, 'reader').containers[0]!.volumeMounts[0]!;
    expect(t.hostPathProducers(gdrive)).toEqual([site]);
  });

  it('placement: a DaemonSet covers the consumers whose node selection implies its own', () => {
    const m2 = model(`${DS_SSD}${deploy('anywhere', 'media', { app: 'x' }, `      containers: [{name: x, image: busybox:1.37}]`)}${deploy('ssd-gpu', 'media', { app: 'y' }, `      nodeSelector: {disktype: ssd, gpu: "true"}
      containers: [{name: y, image: busybox:1.37}]`)}${deploy('ssd-affinity', 'media', { app: 'z' }, `      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{key: disktype, operator: In, values: [ssd]}]
      containers: [{name: z, image: busybox:1.37}]`)}${deploy('with-affinity', 'media', { app: 'w' }, `      affinity:
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: rclone}}}
      containers: [{name: w, image: busybox:1.37}]`)}`);
    const ds = pod(m2, 'rclone');
    expect(colocated(ds, pod(m2, 'anywhere'))).toBe(false);
    expect(colocated(ds, pod(m2, 'ssd-gpu'))).toBe(true);
    expect(colocated(ds, pod(m2, 'ssd-affinity'))).toBe(true);
    expect(colocated(ds, pod(m2, 'with-affinity'))).toBe(true);
  });

  it('placement: implication between node requirements, and pinning', () => {
    const p = (terms: { key: string; op: string; values: string[] }[][]) => ({ terms, daemonSet: false });
    expect(implies(p([[{ key: 'zone', op: 'In', values: ['a'] }]]), p([[{ key: 'zone', op: 'In', values: ['a', 'b'] }]]))).toBe(true);
    expect(implies(p([[{ key: 'zone', op: 'In', values: ['a', 'c'] }]]), p([[{ key: 'zone', op: 'In', values: ['a', 'b'] }]]))).toBe(false);
    expect(implies(p([[{ key: 'zone', op: 'In', values: ['a'] }]]), p([[{ key: 'zone', op: 'Exists', values: [] }]]))).toBe(true);
    expect(implies(p([[{ key: 'zone', op: 'In', values: ['c'] }]]), p([[{ key: 'zone', op: 'NotIn', values: ['a', 'b'] }]]))).toBe(true);
    expect(implies(p([[]]), p([[]]))).toBe(true);
    expect(implies(p([[]]), p([[{ key: 'zone', op: 'Exists', values: [] }]]))).toBe(false);
    // Either alternative of the consumer must satisfy one of the producer's.
    expect(implies(p([[{ key: 'zone', op: 'In', values: ['a'] }], [{ key: 'zone', op: 'In', values: ['b'] }]]), p([[{ key: 'zone', op: 'In', values: ['a'] }]]))).toBe(false);
    expect(pinnedNode(p([[{ key: 'kubernetes.io/hostname', op: 'In', values: ['n4'] }]]))).toBe('n4');
    expect(pinnedNode(p([[{ key: 'kubernetes.io/hostname', op: 'In', values: ['n4', 'n5'] }]]))).toBeUndefined();
  });

  it('reads nodeSelector and required node affinity into one placement', () => {
    const m3 = model(deploy('both', 'media', { app: 'b' }, `      nodeSelector: {disktype: ssd}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{key: zone, operator: In, values: [a]}]
              - matchExpressions: [{key: zone, operator: In, values: [b]}]
      containers: [{name: b, image: busybox:1.37}]`));
    expect(placementOf(pod(m3, 'both')).terms).toEqual([
      [{ key: 'disktype', op: 'In', values: ['ssd'] }, { key: 'zone', op: 'In', values: ['a'] }],
      [{ key: 'disktype', op: 'In', values: ['ssd'] }, { key: 'zone', op: 'In', values: ['b'] }],
    ]);
  });
});

describe('PVC and NFS storage shared by pods', () => {
  const m = model(`${deploy('standalone', 'media', { app: 's' }, `      containers:
        - name: rclone
          image: rclone/rclone:1.68.2
          securityContext: {privileged: true}
          args: [mount, "zurg:", /mnt/media/zurg, --allow-other]
          volumeMounts: [{name: media, mountPath: /mnt/media, mountPropagation: Bidirectional}]
      volumes:
        - {name: media, persistentVolumeClaim: {claimName: media}}`)}${deploy('via-other-claim', 'media', { app: 'o' }, `      initContainers:
        - {name: init, image: busybox:1.37, command: [sh, -c, "mkdir -p /lib/zurg"], volumeMounts: [{name: lib, mountPath: /lib}]}
      containers:
        - {name: app, image: busybox:1.37, volumeMounts: [{name: lib, mountPath: /library}, {name: lib, mountPath: /config, subPath: config}]}
      volumes:
        - {name: lib, persistentVolumeClaim: {claimName: media-too}}`)}apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: media, namespace: media}
spec: {volumeName: nas-media}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: media-too, namespace: media}
spec: {volumeName: nas-media-2}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: nas-media}
spec: {nfs: {server: nas.lan, path: /volume1/media}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: nas-media-2}
spec: {nfs: {server: nas.lan, path: /volume1/media/}}
`);

  it('two PVCs of the same NFS export are one storage; readers are mounts in other workloads that cover the path', () => {
    const t = topology(m);
    const site = t.sites[0]!;
    expect(t.siteStorage(site)).toMatchObject({ kind: 'nfs', store: 'nfs:nas.lan', path: '/volume1/media/zurg', base: '/volume1/media' });
    // Not the init container (it has exited), not the subPath mount of config/.
    expect(t.otherPodReaders(site).map((r) => `${r.container.name}:${r.mountPath}`)).toEqual(['app:/library']);
    expect(t.cutOff(site)).toEqual(t.otherPodReaders(site));
  });
});

describe('rclone releases', () => {
  it('reads the version an image pins', () => {
    expect(rcloneRelease('rclone/rclone:1.68.2')).toMatchObject({ kind: 'version', version: [1, 68, 2] });
    expect(rcloneRelease('docker.io/rclone/rclone:latest').kind).toBe('latest');
    expect(rcloneRelease('rclone/rclone').kind).toBe('latest');
    expect(rcloneRelease('rclone/rclone@sha256:abc').kind).toBe('unknown');
    expect(rcloneRelease('alpine:3.20').kind).toBe('unknown');
    expect(atLeast(rcloneRelease('rclone/rclone:v1.75.0'), [1, 75, 0])).toBe(true);
    expect(atLeast(rcloneRelease('rclone/rclone:1.74.9'), [1, 75, 0])).toBe(false);
  });
});

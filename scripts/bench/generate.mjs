// Synthetic media-stack corpora for the benchmarks: N apps (a Deployment with two rclone
// sidecars + a Service per file) and M kustomize overlays over shared bases. Every 5th app is
// broken the way seed 000 was (regular-container sidecars, a consumer without propagation, no
// probes or unmount); the others are done right and lint clean, so only the broken share
// produces findings (test/bench-generator.test.ts checks both).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// The pieces both forms of an app are made of (the text is indented for its place in the
// Deployment: containers at 8 spaces).

/** The shared volume's mount, with a mountPropagation or without one. */
const mediaMount = (propagation) => `          volumeMounts:
            - name: media
              mountPath: /mnt/media
${propagation ? `              mountPropagation: ${propagation}\n` : ''}`;

const INIT_DIRS = `        - name: init-dirs
          image: alpine:3.20
          command: ["/bin/sh", "-c", "mkdir -p /mnt/media/zurg /mnt/media/torbox"]
${mediaMount()}`;

/** The app itself (a Sonarr); done right, it has limits and reads the mounts with HostToContainer. */
const appContainer = (name, i, port, right) => `        - name: ${name}
          image: lscr.io/linuxserver/sonarr:4.0.${i % 20}
          ports:
            - containerPort: ${port}
${right ? `          resources:
            limits: { cpu: "2", memory: 2Gi }
` : ''}${mediaMount(right ? 'HostToContainer' : undefined)}`;

/** How a sidecar runs rclone: a shell that unmounts a stale mount first and execs `rclone mount`. */
const shellMount = (remote, cacheMode, rcPort) => `          command: ["/bin/sh", "-c"]
          args:
            - |
              umount -l /mnt/media/${remote} 2>/dev/null || true
              exec rclone mount ${remote}: /mnt/media/${remote} \\
                --allow-other --vfs-cache-mode ${cacheMode} \\
                --rc --rc-addr=localhost:${rcPort}
`;

/** What a native sidecar done right has between how it runs and its securityContext. */
const probesAndUnmount = (remote) => `          startupProbe:
            exec:
              command: ["/bin/sh", "-c", "grep -qs ' /mnt/media/${remote} fuse' /proc/mounts"]
            periodSeconds: 2
            failureThreshold: 150
          livenessProbe:
            exec:
              command: ["/bin/sh", "-c", "test -d /mnt/media/${remote}/__all__"]
            periodSeconds: 30
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sh", "-c", "fusermount -uz /mnt/media/${remote}"]
`;

/**
 * A privileged rclone sidecar with limits, mounting `remote:` at /mnt/media/<remote> with
 * Bidirectional; `run` is its command. `native`: a native sidecar (restartPolicy: Always)
 * with a startupProbe on the mount, a liveness probe, a preStop unmount and requests.
 */
const rcloneSidecar = (remote, run, native) => `        - name: rclone-${remote}
          image: rclone/rclone:1.68.2
${native ? '          restartPolicy: Always\n' : ''}${run}${native ? probesAndUnmount(remote) : ''}          securityContext:
            privileged: true
          resources:
${native ? '            requests: { cpu: 100m, memory: 256Mi }\n' : ''}            limits: { cpu: 500m, memory: 1Gi }
${mediaMount('Bidirectional')}`;

/** A Deployment (namespace media, one replica, an emptyDir in memory) and its Service on port 80. */
const deploymentAndService = (comment, name, port, initContainers, containers) => `# ${comment}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: media
  labels:
    app: ${name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      initContainers:
${initContainers}      containers:
${containers}      volumes:
        - name: media
          emptyDir:
            medium: Memory
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: media
spec:
  selector:
    app: ${name}
  ports:
    - port: 80
      targetPort: ${port}
`;

/**
 * The app as seed 000 first wrote it: findings of several rules, one of them fixable. The
 * sidecars are regular containers without probes, one of them without an unmount; the app
 * reads the mounts without propagation.
 */
function brokenApp(i) {
  const name = `app-${i}`;
  const port = 8000 + (i % 1000);
  const zurg = '          args: ["mount", "zurg:", "/mnt/media/zurg", "--allow-other", "--rc"]\n';
  return deploymentAndService(`app ${i} (broken on purpose)`, name, port, INIT_DIRS,
    appContainer(name, i, port, false) + rcloneSidecar('zurg', zurg, false) + rcloneSidecar('torbox', shellMount('torbox', 'writes', 5574), false));
}

/** The same app done right: native sidecars with startupProbes, liveness probes, preStop
 * unmounts, limits and pinned images; it lints clean. */
function goodApp(i) {
  const name = `app-${i}`;
  const port = 8000 + (i % 1000);
  const sidecars = rcloneSidecar('zurg', shellMount('zurg', 'full', 5572), true) + rcloneSidecar('torbox', shellMount('torbox', 'writes', 5573), true);
  return deploymentAndService(`app ${i}: two rclone native sidecars done right`, name, port, INIT_DIRS + sidecars, appContainer(name, i, port, true));
}

export function app(i, broken) {
  return broken ? brokenApp(i) : goodApp(i);
}

/** `files` files of two objects each, in 20 folders. */
export function generateRaw(dir, files) {
  for (let i = 0; i < files; i++) {
    const d = path.join(dir, `team-${i % 20}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, `app-${i}.yaml`), app(i, i % 5 === 0));
  }
}

/** `overlays` overlays, each over one of 5 shared bases of 10 apps, with a patch. */
export function generateOverlays(dir, overlays) {
  for (let b = 0; b < 5; b++) {
    const base = path.join(dir, 'bases', `stack-${b}`);
    mkdirSync(base, { recursive: true });
    const res = [];
    for (let i = 0; i < 10; i++) {
      writeFileSync(path.join(base, `app-${i}.yaml`), app(b * 10 + i, i % 5 === 0));
      res.push(`app-${i}.yaml`);
    }
    writeFileSync(path.join(base, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${res.map((r) => `  - ${r}`).join('\n')}\n`);
  }
  for (let o = 0; o < overlays; o++) {
    const od = path.join(dir, 'overlays', `env-${o}`);
    mkdirSync(od, { recursive: true });
    writeFileSync(path.join(od, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: env-${o}
namePrefix: e${o}-
commonLabels:
  env: env-${o}
resources:
  - ../../bases/stack-${o % 5}
images:
  - name: rclone/rclone
    newTag: 1.68.${o % 3}
patches:
  - target:
      kind: Deployment
      name: app-.*
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: any
      spec:
        replicas: 2
`);
  }
}

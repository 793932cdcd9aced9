// Synthetic media-stack corpora for the benchmarks: N apps (a Deployment with two rclone
// sidecars + a Service per file) and M kustomize overlays over shared bases. Every 5th app is
// broken the way seed 000 was (regular-container sidecars, a consumer without propagation, no
// probes or unmount); the others are done right and lint clean, so only the broken share
// produces findings (test/bench-generator.test.ts checks both).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The app as seed 000 first wrote it: findings of several rules, one of them fixable. */
function brokenApp(i) {
  const name = `app-${i}`;
  return `# app ${i} (broken on purpose)
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
        - name: init-dirs
          image: alpine:3.20
          command: ["/bin/sh", "-c", "mkdir -p /mnt/media/zurg /mnt/media/torbox"]
          volumeMounts:
            - name: media
              mountPath: /mnt/media
      containers:
        - name: ${name}
          image: lscr.io/linuxserver/sonarr:4.0.${i % 20}
          ports:
            - containerPort: ${8000 + (i % 1000)}
          volumeMounts:
            - name: media
              mountPath: /mnt/media
        - name: rclone-zurg
          image: rclone/rclone:1.68.2
          args: ["mount", "zurg:", "/mnt/media/zurg", "--allow-other", "--rc"]
          securityContext:
            privileged: true
          resources:
            limits: { cpu: 500m, memory: 1Gi }
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: Bidirectional
        - name: rclone-torbox
          image: rclone/rclone:1.68.2
          command: ["/bin/sh", "-c"]
          args:
            - |
              umount -l /mnt/media/torbox 2>/dev/null || true
              exec rclone mount torbox: /mnt/media/torbox \\
                --allow-other --vfs-cache-mode writes \\
                --rc --rc-addr=localhost:5574
          securityContext:
            privileged: true
          resources:
            limits: { cpu: 500m, memory: 1Gi }
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: Bidirectional
      volumes:
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
      targetPort: ${8000 + (i % 1000)}
`;
}

/** The same app done right: native sidecars with startupProbes, liveness probes, preStop
 * unmounts, limits and pinned images; it lints clean. */
function goodApp(i) {
  const name = `app-${i}`;
  const port = 8000 + (i % 1000);
  const sidecar = (remote, dir, rcPort, extra) => `        - name: rclone-${remote}
          image: rclone/rclone:1.68.2
          restartPolicy: Always
          command: ["/bin/sh", "-c"]
          args:
            - |
              umount -l /mnt/media/${dir} 2>/dev/null || true
              exec rclone mount ${remote}: /mnt/media/${dir} \\
                --allow-other --vfs-cache-mode ${extra} \\
                --rc --rc-addr=localhost:${rcPort}
          startupProbe:
            exec:
              command: ["/bin/sh", "-c", "grep -qs ' /mnt/media/${dir} fuse' /proc/mounts"]
            periodSeconds: 2
            failureThreshold: 150
          livenessProbe:
            exec:
              command: ["/bin/sh", "-c", "test -d /mnt/media/${dir}/__all__"]
            periodSeconds: 30
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sh", "-c", "fusermount -uz /mnt/media/${dir}"]
          securityContext:
            privileged: true
          resources:
            requests: { cpu: 100m, memory: 256Mi }
            limits: { cpu: 500m, memory: 1Gi }
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: Bidirectional
`;
  return `# app ${i}: two rclone native sidecars done right
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
        - name: init-dirs
          image: alpine:3.20
          command: ["/bin/sh", "-c", "mkdir -p /mnt/media/zurg /mnt/media/torbox"]
          volumeMounts:
            - name: media
              mountPath: /mnt/media
${sidecar('zurg', 'zurg', 5572, 'full')}${sidecar('torbox', 'torbox', 5573, 'writes')}      containers:
        - name: ${name}
          image: lscr.io/linuxserver/sonarr:4.0.${i % 20}
          ports:
            - containerPort: ${port}
          resources:
            limits: { cpu: "2", memory: 2Gi }
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: HostToContainer
      volumes:
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

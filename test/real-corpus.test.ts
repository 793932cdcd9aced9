// The real corpus (../shared/corpus/real), linted the way a user would (`medialint .` in
// each directory), against the HIGH-confidence judgements of its LABELS.md:
//   1. every error and warning, as `severity rule file:line workload`, is written out below,
//      so that any change in what medialint says about a real repository shows in review;
//   2. each HIGH defect is found by the rule SPEC names for it, on the workload LABELS names;
//   3. workloads LABELS calls correct get no error or warning, except where SPEC
//      deliberately disagrees with the label (each such case says why, next to it).
// Infos are left out of (1): they are advice, not judgements.
// Labels that cannot be satisfied are listed at the bottom with the reason.
import { describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SHARED, lint } from './helpers.js';
import { defaultConfig } from '../src/engine/config.js';
import type { Finding } from '../src/engine/finding.js';
import type { Model } from '../src/model/types.js';

const CORPUS = path.join(SHARED, 'corpus', 'real');

/** The workload (or other resource) whose document holds the finding: `Kind/name`. */
function whereOf(f: Finding, model: Model): string {
  const inside = (n: { loc?: { file: string; start: number; end: number } }) =>
    !!n.loc && n.loc.file === f.loc.file && n.loc.start <= f.loc.start && f.loc.end <= n.loc.end;
  const w = model.workloads.find((x) => inside(x.resource.node));
  if (w) return `${w.kind}/${w.name}`;
  const r = model.resources.find((x) => inside(x.node));
  return r ? `${r.kind}/${r.name}` : '-';
}

interface Result {
  findings: Finding[];
  model: Model;
  lines: string[];
}

const cache = new Map<string, Result>();
function run(dir: string): Result {
  let r = cache.get(dir);
  if (!r) {
    const res = lint(['.'], path.join(CORPUS, dir));
    const lines = res.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.ruleId} ${f.loc.file}:${f.loc.line} ${whereOf(f, res.model)}`);
    r = { findings: res.findings, model: res.model, lines };
    cache.set(dir, r);
  }
  return r;
}

/** Findings of `rule` on `workload` (`Kind/name`), at error or warning. */
function on(dir: string, rule: string, workload: string): Finding[] {
  const r = run(dir);
  return r.findings.filter((f) => f.ruleId === rule && f.severity !== 'info' && whereOf(f, r.model) === workload);
}

function expectFound(dir: string, rule: string, workload: string, severity: 'error' | 'warning' = 'error'): Finding {
  const got = on(dir, rule, workload);
  expect(got.map((f) => f.severity), `${rule} on ${workload} in ${dir}`).toContain(severity);
  return got.find((f) => f.severity === severity)!;
}

/** No error or warning on `workload`, except the rules in `spec` (SPEC's deliberate disagreements). */
function expectClean(dir: string, workload: string, spec: string[] = []): void {
  const r = run(dir);
  const bad = r.findings.filter((f) => f.severity !== 'info' && whereOf(f, r.model) === workload && !spec.includes(f.ruleId));
  expect(bad.map((f) => `${f.ruleId} ${f.loc.file}:${f.loc.line}`), `${workload} in ${dir}`).toEqual([]);
}

/** Where the finding's related places point, as `Kind/name` of their documents. */
function relatedWorkloads(dir: string, f: Finding): string[] {
  const r = run(dir);
  return (f.related ?? []).map((x) => whereOf({ ...f, loc: x.loc }, r.model));
}

const EXPECTED: Record<string, string[]> = {
  'Tauffer-Consulting__domino': [
  ],
  'cmpetersen5551__GitOps@275e46f': [
    'warning no-kubelet-nfs-to-clusterip clusters/homelab/apps/media/radarr/statefulset.yaml:72 StatefulSet/radarr',
    'warning no-kubelet-nfs-to-clusterip clusters/homelab/apps/media/sonarr/statefulset.yaml:72 StatefulSet/sonarr',
  ],
  'cmpetersen5551__GitOps@7ff8b89': [
    'error no-kubelet-nfs-to-clusterip clusters/homelab/apps/media/radarr/statefulset.yaml:72 StatefulSet/radarr',
    'error rclone-nfs-client-options clusters/homelab/apps/media/radarr/statefulset.yaml:72 StatefulSet/radarr',
    'error rclone-nfs-export-root clusters/homelab/apps/media/radarr/statefulset.yaml:73 StatefulSet/radarr',
    'error no-kubelet-nfs-to-clusterip clusters/homelab/apps/media/sonarr/statefulset.yaml:72 StatefulSet/sonarr',
    'error rclone-nfs-client-options clusters/homelab/apps/media/sonarr/statefulset.yaml:72 StatefulSet/sonarr',
    'error rclone-nfs-export-root clusters/homelab/apps/media/sonarr/statefulset.yaml:73 StatefulSet/sonarr',
  ],
  'cmpetersen5551__GitOps@8d10195': [
    'warning hostpath-propagation clusters/homelab/apps/media/decypharr-streaming/statefulset.yaml:145 StatefulSet/decypharr-streaming',
    'warning propagation-emptydir-memory clusters/homelab/apps/media/radarr/statefulset.yaml:71 StatefulSet/radarr',
    'warning mount-readiness clusters/homelab/apps/media/radarr/statefulset.yaml:76 StatefulSet/radarr',
    'error mountpoint-guard-on-volume-root clusters/homelab/apps/media/radarr/statefulset.yaml:85 StatefulSet/radarr',
    'error rclone-nfs-client-options clusters/homelab/apps/media/radarr/statefulset.yaml:86 StatefulSet/radarr',
    'error bidirectional-requires-privileged clusters/homelab/apps/media/radarr/statefulset.yaml:105 StatefulSet/radarr',
    'warning propagation-emptydir-memory clusters/homelab/apps/media/sonarr/statefulset.yaml:71 StatefulSet/sonarr',
    'warning mount-readiness clusters/homelab/apps/media/sonarr/statefulset.yaml:76 StatefulSet/sonarr',
    'error mountpoint-guard-on-volume-root clusters/homelab/apps/media/sonarr/statefulset.yaml:85 StatefulSet/sonarr',
    'error rclone-nfs-client-options clusters/homelab/apps/media/sonarr/statefulset.yaml:86 StatefulSet/sonarr',
    'error bidirectional-requires-privileged clusters/homelab/apps/media/sonarr/statefulset.yaml:105 StatefulSet/sonarr',
  ],
  'cmpetersen5551__GitOps@c24819c': [
    'warning mount-readiness clusters/homelab/apps/media/radarr/statefulset.yaml:77 StatefulSet/radarr',
    'error mountpoint-guard-on-volume-root clusters/homelab/apps/media/radarr/statefulset.yaml:86 StatefulSet/radarr',
    'error rclone-nfs-client-options clusters/homelab/apps/media/radarr/statefulset.yaml:87 StatefulSet/radarr',
    'warning mount-readiness clusters/homelab/apps/media/sonarr/statefulset.yaml:77 StatefulSet/sonarr',
    'error mountpoint-guard-on-volume-root clusters/homelab/apps/media/sonarr/statefulset.yaml:86 StatefulSet/sonarr',
    'error rclone-nfs-client-options clusters/homelab/apps/media/sonarr/statefulset.yaml:87 StatefulSet/sonarr',
  ],
  'cnfatal__cnfatal.github.io': [
  ],
  'herobrauni__ovh-ops': [
    'warning mount-readiness kubernetes/apps/media/decypharr-sync-helper/app/helmrelease.yaml:63 Deployment/decypharr-sync-helper',
    'warning mounter-resource-limits kubernetes/apps/media/decypharr-sync-helper/app/helmrelease.yaml:63 Deployment/decypharr-sync-helper',
    'warning mount-readiness kubernetes/apps/media/decypharr-sync-helper/app/helmrelease.yaml:127 Deployment/decypharr-sync-helper',
    'warning mounter-resource-limits kubernetes/apps/media/decypharr-sync-helper/app/helmrelease.yaml:127 Deployment/decypharr-sync-helper',
    'warning hostpath-propagation kubernetes/apps/media/decypharr-sync-helper/app/helmrelease.yaml:227 Deployment/decypharr-sync-helper',
    'warning mount-readiness kubernetes/apps/media/jellyfin/app/helmrelease.yaml:104 Deployment/jellyfin',
    'warning mounter-resource-limits kubernetes/apps/media/jellyfin/app/helmrelease.yaml:104 Deployment/jellyfin',
    'warning consistent-mount-paths kubernetes/apps/media/jellyfin/app/helmrelease.yaml:114 Deployment/jellyfin',
    'warning hostpath-propagation kubernetes/apps/media/jellyfin/app/helmrelease.yaml:231 Deployment/jellyfin',
    'warning mount-readiness kubernetes/apps/media/plex/app/helmrelease.yaml:75 Deployment/plex',
    'warning mounter-resource-limits kubernetes/apps/media/plex/app/helmrelease.yaml:75 Deployment/plex',
    'warning consistent-mount-paths kubernetes/apps/media/plex/app/helmrelease.yaml:85 Deployment/plex',
    'warning hostpath-propagation kubernetes/apps/media/plex/app/helmrelease.yaml:217 Deployment/plex',
    'warning mount-readiness kubernetes/apps/media/radarr/app/helmrelease.yaml:129 Deployment/radarr',
    'warning mounter-resource-limits kubernetes/apps/media/radarr/app/helmrelease.yaml:129 Deployment/radarr',
    'warning consistent-mount-paths kubernetes/apps/media/radarr/app/helmrelease.yaml:139 Deployment/radarr',
    'warning hostpath-propagation kubernetes/apps/media/radarr/app/helmrelease.yaml:230 Deployment/radarr',
    'warning mount-readiness kubernetes/apps/media/sonarr/app/helmrelease.yaml:132 Deployment/sonarr',
    'warning mounter-resource-limits kubernetes/apps/media/sonarr/app/helmrelease.yaml:132 Deployment/sonarr',
    'warning consistent-mount-paths kubernetes/apps/media/sonarr/app/helmrelease.yaml:142 Deployment/sonarr',
    'warning hostpath-propagation kubernetes/apps/media/sonarr/app/helmrelease.yaml:232 Deployment/sonarr',
  ],
  'oneconcern__datamon': [
    'error parse-error hack/k8s/example-ro.template.yaml:33 -',
  ],
  'pretamane__realistic-demo-pretamane': [
    'error consumer-host-to-container k8s/rclone-sidecar.yaml:29 Deployment/contact-api-with-rclone',
    'warning mount-readiness k8s/rclone-sidecar.yaml:69 Deployment/contact-api-with-rclone',
    'warning mounter-image-pinned k8s/rclone-sidecar.yaml:70 Deployment/contact-api-with-rclone',
    'error fuse-device-access k8s/rclone-sidecar.yaml:89 Deployment/contact-api-with-rclone',
    'error rclone-mount-on-mountpoint k8s/rclone-sidecar.yaml:89 Deployment/contact-api-with-rclone',
    'error mounter-bidirectional k8s/rclone-sidecar.yaml:99 Deployment/contact-api-with-rclone',
    'warning propagation-emptydir-memory k8s/rclone-sidecar.yaml:125 Deployment/contact-api-with-rclone',
  ],
  'signaleleven__s3fs-sidecar': [
  ],
  'sigtom__wow-ocp': [
    'warning mount-readiness apps/discovery/base/overseerr.yaml:41 Deployment/overseerr',
    'warning stale-mount-cleanup apps/discovery/base/overseerr.yaml:41 Deployment/overseerr',
    'warning mounter-image-pinned apps/discovery/base/overseerr.yaml:42 Deployment/overseerr',
    'warning mount-readiness apps/discovery/base/overseerr.yaml:66 Deployment/overseerr',
    'warning stale-mount-cleanup apps/discovery/base/overseerr.yaml:66 Deployment/overseerr',
    'warning mounter-image-pinned apps/discovery/base/overseerr.yaml:67 Deployment/overseerr',
    'error propagation-emptydir-memory apps/discovery/base/overseerr.yaml:115 Deployment/overseerr',
    'warning mount-readiness apps/managers/base/bazarr.yaml:41 Deployment/bazarr',
    'warning stale-mount-cleanup apps/managers/base/bazarr.yaml:41 Deployment/bazarr',
    'warning mounter-image-pinned apps/managers/base/bazarr.yaml:42 Deployment/bazarr',
    'warning mount-readiness apps/managers/base/bazarr.yaml:66 Deployment/bazarr',
    'warning stale-mount-cleanup apps/managers/base/bazarr.yaml:66 Deployment/bazarr',
    'warning mounter-image-pinned apps/managers/base/bazarr.yaml:67 Deployment/bazarr',
    'error propagation-emptydir-memory apps/managers/base/bazarr.yaml:120 Deployment/bazarr',
    'warning mount-readiness apps/managers/base/prowlarr.yaml:41 Deployment/prowlarr',
    'warning stale-mount-cleanup apps/managers/base/prowlarr.yaml:41 Deployment/prowlarr',
    'warning mounter-image-pinned apps/managers/base/prowlarr.yaml:42 Deployment/prowlarr',
    'warning mount-readiness apps/managers/base/prowlarr.yaml:66 Deployment/prowlarr',
    'warning stale-mount-cleanup apps/managers/base/prowlarr.yaml:66 Deployment/prowlarr',
    'warning mounter-image-pinned apps/managers/base/prowlarr.yaml:67 Deployment/prowlarr',
    'error propagation-emptydir-memory apps/managers/base/prowlarr.yaml:127 Deployment/prowlarr',
    'warning mount-readiness apps/managers/base/radarr.yaml:41 Deployment/radarr',
    'warning stale-mount-cleanup apps/managers/base/radarr.yaml:41 Deployment/radarr',
    'warning mounter-image-pinned apps/managers/base/radarr.yaml:42 Deployment/radarr',
    'warning mount-readiness apps/managers/base/radarr.yaml:66 Deployment/radarr',
    'warning stale-mount-cleanup apps/managers/base/radarr.yaml:66 Deployment/radarr',
    'warning mounter-image-pinned apps/managers/base/radarr.yaml:67 Deployment/radarr',
    'error propagation-emptydir-memory apps/managers/base/radarr.yaml:118 Deployment/radarr',
    'warning mount-readiness apps/managers/base/sabnzbd.yaml:41 Deployment/sabnzbd',
    'warning stale-mount-cleanup apps/managers/base/sabnzbd.yaml:41 Deployment/sabnzbd',
    'warning mounter-image-pinned apps/managers/base/sabnzbd.yaml:42 Deployment/sabnzbd',
    'warning mount-readiness apps/managers/base/sabnzbd.yaml:66 Deployment/sabnzbd',
    'warning stale-mount-cleanup apps/managers/base/sabnzbd.yaml:66 Deployment/sabnzbd',
    'warning mounter-image-pinned apps/managers/base/sabnzbd.yaml:67 Deployment/sabnzbd',
    'error propagation-emptydir-memory apps/managers/base/sabnzbd.yaml:120 Deployment/sabnzbd',
    'warning mount-readiness apps/managers/base/sonarr.yaml:41 Deployment/sonarr',
    'warning stale-mount-cleanup apps/managers/base/sonarr.yaml:41 Deployment/sonarr',
    'warning mounter-image-pinned apps/managers/base/sonarr.yaml:42 Deployment/sonarr',
    'warning mount-readiness apps/managers/base/sonarr.yaml:66 Deployment/sonarr',
    'warning stale-mount-cleanup apps/managers/base/sonarr.yaml:66 Deployment/sonarr',
    'warning mounter-image-pinned apps/managers/base/sonarr.yaml:67 Deployment/sonarr',
    'error propagation-emptydir-memory apps/managers/base/sonarr.yaml:121 Deployment/sonarr',
    'warning consistent-mount-paths apps/media-stack/base/mount-test.yaml:22 Pod/storage-test',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:110 Deployment/rclone-torbox',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:111 Deployment/rclone-torbox',
    'error standalone-fuse-mounter apps/media-stack/base/zone1-deployments.yaml:117 Deployment/rclone-torbox',
    'warning mount-readiness apps/media-stack/base/zone1-deployments.yaml:186 Deployment/rdt-client',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:186 Deployment/rdt-client',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:187 Deployment/rdt-client',
    'warning mount-readiness apps/media-stack/base/zone1-deployments.yaml:211 Deployment/rdt-client',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:211 Deployment/rdt-client',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:212 Deployment/rdt-client',
    'error propagation-emptydir-memory apps/media-stack/base/zone1-deployments.yaml:258 Deployment/rdt-client',
    'warning mount-readiness apps/media-stack/base/zone1-deployments.yaml:323 Deployment/riven',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:323 Deployment/riven',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:324 Deployment/riven',
    'warning mount-readiness apps/media-stack/base/zone1-deployments.yaml:348 Deployment/riven',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:348 Deployment/riven',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:349 Deployment/riven',
    'error propagation-emptydir-memory apps/media-stack/base/zone1-deployments.yaml:401 Deployment/riven',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:482 Deployment/rclone-zurg',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:483 Deployment/rclone-zurg',
    'error standalone-fuse-mounter apps/media-stack/base/zone1-deployments.yaml:489 Deployment/rclone-zurg',
    'warning mount-readiness apps/plex/base/deployment.yaml:41 Deployment/plex',
    'warning stale-mount-cleanup apps/plex/base/deployment.yaml:41 Deployment/plex',
    'warning mounter-image-pinned apps/plex/base/deployment.yaml:42 Deployment/plex',
    'warning mount-readiness apps/plex/base/deployment.yaml:66 Deployment/plex',
    'warning stale-mount-cleanup apps/plex/base/deployment.yaml:66 Deployment/plex',
    'warning mounter-image-pinned apps/plex/base/deployment.yaml:67 Deployment/plex',
    'error propagation-emptydir-memory apps/plex/base/deployment.yaml:154 Deployment/plex',
  ],
  'sigtom__wow-ocp@57bcd06': [
    'warning consistent-mount-paths apps/media-stack/base/mount-test.yaml:22 Pod/storage-test',
    'error bidirectional-requires-privileged apps/media-stack/base/zone1-deployments.yaml:28 Deployment/zurg',
    'warning needless-bidirectional apps/media-stack/base/zone1-deployments.yaml:28 Deployment/zurg',
    'error bidirectional-requires-privileged apps/media-stack/base/zone1-deployments.yaml:76 Deployment/rclone-torbox',
    'warning needless-bidirectional apps/media-stack/base/zone1-deployments.yaml:76 Deployment/rclone-torbox',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:78 Deployment/rclone-torbox',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:79 Deployment/rclone-torbox',
    'error standalone-fuse-mounter apps/media-stack/base/zone1-deployments.yaml:85 Deployment/rclone-torbox',
    'warning consistent-mount-paths apps/media-stack/base/zone1-deployments.yaml:132 Deployment/rdt-client',
    'warning consistent-mount-paths apps/plex/base/deployment.yaml:36 Deployment/plex',
  ],
  'sigtom__wow-ocp@ea82b3b': [
    'warning no-node-selector apps/managers/base/bazarr.yaml:22 Deployment/bazarr',
    'warning mount-readiness apps/managers/base/bazarr.yaml:32 Deployment/bazarr',
    'warning stale-mount-cleanup apps/managers/base/bazarr.yaml:32 Deployment/bazarr',
    'warning mounter-image-pinned apps/managers/base/bazarr.yaml:33 Deployment/bazarr',
    'warning mount-readiness apps/managers/base/bazarr.yaml:51 Deployment/bazarr',
    'warning stale-mount-cleanup apps/managers/base/bazarr.yaml:51 Deployment/bazarr',
    'warning mounter-image-pinned apps/managers/base/bazarr.yaml:52 Deployment/bazarr',
    'error propagation-emptydir-memory apps/managers/base/bazarr.yaml:99 Deployment/bazarr',
    'warning no-node-selector apps/managers/base/radarr.yaml:22 Deployment/radarr',
    'warning mount-readiness apps/managers/base/radarr.yaml:32 Deployment/radarr',
    'warning stale-mount-cleanup apps/managers/base/radarr.yaml:32 Deployment/radarr',
    'warning mounter-image-pinned apps/managers/base/radarr.yaml:33 Deployment/radarr',
    'warning mount-readiness apps/managers/base/radarr.yaml:51 Deployment/radarr',
    'warning stale-mount-cleanup apps/managers/base/radarr.yaml:51 Deployment/radarr',
    'warning mounter-image-pinned apps/managers/base/radarr.yaml:52 Deployment/radarr',
    'error propagation-emptydir-memory apps/managers/base/radarr.yaml:97 Deployment/radarr',
    'warning no-node-selector apps/managers/base/sabnzbd.yaml:22 Deployment/sabnzbd',
    'warning no-node-selector apps/managers/base/sonarr.yaml:22 Deployment/sonarr',
    'warning mount-readiness apps/managers/base/sonarr.yaml:32 Deployment/sonarr',
    'warning stale-mount-cleanup apps/managers/base/sonarr.yaml:32 Deployment/sonarr',
    'warning mounter-image-pinned apps/managers/base/sonarr.yaml:33 Deployment/sonarr',
    'warning mount-readiness apps/managers/base/sonarr.yaml:51 Deployment/sonarr',
    'warning stale-mount-cleanup apps/managers/base/sonarr.yaml:51 Deployment/sonarr',
    'warning mounter-image-pinned apps/managers/base/sonarr.yaml:52 Deployment/sonarr',
    'error propagation-emptydir-memory apps/managers/base/sonarr.yaml:97 Deployment/sonarr',
    'warning consistent-mount-paths apps/media-stack/base/mount-test.yaml:22 Pod/storage-test',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:88 Deployment/rclone-torbox',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:89 Deployment/rclone-torbox',
    'error standalone-fuse-mounter apps/media-stack/base/zone1-deployments.yaml:95 Deployment/rclone-torbox',
    'warning no-node-selector apps/media-stack/base/zone1-deployments.yaml:136 Deployment/rdt-client',
    'warning mount-readiness apps/media-stack/base/zone1-deployments.yaml:149 Deployment/rdt-client',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:149 Deployment/rdt-client',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:150 Deployment/rdt-client',
    'warning mount-readiness apps/media-stack/base/zone1-deployments.yaml:168 Deployment/rdt-client',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:168 Deployment/rdt-client',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:169 Deployment/rdt-client',
    'error propagation-emptydir-memory apps/media-stack/base/zone1-deployments.yaml:214 Deployment/rdt-client',
    'warning stale-mount-cleanup apps/media-stack/base/zone1-deployments.yaml:359 Deployment/rclone-zurg',
    'warning mounter-image-pinned apps/media-stack/base/zone1-deployments.yaml:360 Deployment/rclone-zurg',
    'error standalone-fuse-mounter apps/media-stack/base/zone1-deployments.yaml:366 Deployment/rclone-zurg',
    'warning mount-readiness apps/plex/base/deployment.yaml:30 Deployment/plex',
    'warning stale-mount-cleanup apps/plex/base/deployment.yaml:30 Deployment/plex',
    'warning mounter-image-pinned apps/plex/base/deployment.yaml:31 Deployment/plex',
    'warning mount-readiness apps/plex/base/deployment.yaml:49 Deployment/plex',
    'warning stale-mount-cleanup apps/plex/base/deployment.yaml:49 Deployment/plex',
    'warning mounter-image-pinned apps/plex/base/deployment.yaml:50 Deployment/plex',
    'error propagation-emptydir-memory apps/plex/base/deployment.yaml:131 Deployment/plex',
  ],
  'simplyzee__kube-rclone': [
  ],
  'wunderio__csi-rclone': [
  ],
  'yandex-cloud__k8s-csi-s3': [
  ],
};

describe('the corpus', () => {
  it('has an expectation for every directory', () => {
    const dirs = readdirSync(CORPUS).filter((d) => statSync(path.join(CORPUS, d)).isDirectory()).sort();
    expect(Object.keys(EXPECTED).sort()).toEqual(dirs);
  });
});

describe.each(Object.keys(EXPECTED))('%s', (dir) => {
  it('reports exactly these errors and warnings', () => {
    expect(run(dir).lines).toEqual(EXPECTED[dir]);
  });
});

// SPEC's deliberate disagreements with "correct" labels, used by expectClean below:
const SPEC_OVER_LABELS = {
  // SPEC §2.1 propagation-emptydir-memory: a PVC (here NFS) parent is an error, because the
  // pod's volume directory is a bind of a node-wide mount (kubernetes/kubernetes#95049).
  // LABELS judges it works inside the pod and costs only a fallback to the NFS directory [MED].
  pvcParent: 'propagation-emptydir-memory',
  // SPEC §2.2 mount-readiness: regular-container mounters give no start order. LABELS: [MED, minor].
  readiness: 'mount-readiness',
  // SPEC §2.2 stale-mount-cleanup: no lazy unmount before mounting or in preStop. LABELS: teardown
  // can hit "device busy" [UNCERTAIN].
  cleanup: 'stale-mount-cleanup',
  // SPEC §2.2 mounter-image-pinned: rclone/rclone:latest. LABELS does not judge image tags.
  latest: 'mounter-image-pinned',
  // SPEC §2.2 mounter-resource-limits (seed 002: rclone at 400% CPU). LABELS does not judge limits.
  limits: 'mounter-resource-limits',
  // SPEC §2.2 consistent-mount-paths: ovh-ops mounts the same altmount: remote under a per-app
  // path in every app, so a path one app stores points nowhere in another (seed 001 Issue 4).
  // LABELS judges the sidecar mechanism, not path consistency.
  paths: 'consistent-mount-paths',
};
const SIDECAR_PATTERN_ON_PVC = Object.values(SPEC_OVER_LABELS).filter((r) => r !== SPEC_OVER_LABELS.paths);

describe('sigtom/wow-ocp@57bcd06 (first attempt)', () => {
  const dir = 'sigtom__wow-ocp@57bcd06';
  it('init-dirs with Bidirectional and no privileged: the API server rejects zurg and rclone-torbox [HIGH]', () => {
    for (const w of ['Deployment/zurg', 'Deployment/rclone-torbox']) {
      expectFound(dir, 'bidirectional-requires-privileged', w);
      // "An init container that only runs mkdir never needs propagation."
      expectFound(dir, 'needless-bidirectional', w, 'warning');
    }
  });
  it('rclone-torbox mounts on its own instance of the NFS PVC: nobody sees it [HIGH]', () => {
    const f = expectFound(dir, 'standalone-fuse-mounter', 'Deployment/rclone-torbox');
    // rdt-client, a plain consumer of the PVC, cannot see it [HIGH].
    expect(relatedWorkloads(dir, f)).toContain('Deployment/rdt-client');
  });
  it('plex has no defect at this stage', () => {
    // SPEC §2.2 consistent-mount-paths: plex sees the media NFS export at /data while riven
    // (which writes library symlinks) and zurg see it at /mnt/media: seed 001 Issue 4. LABELS
    // judges the mounts only.
    expectClean(dir, 'Deployment/plex', ['consistent-mount-paths']);
  });
  it('the storage-test Pod and verify-media-mount Job are plain PVC users', () => {
    expectClean(dir, 'Job/verify-media-mount');
    // storage-test mounts the export at /media (consistent-mount-paths, as for plex).
    expectClean(dir, 'Pod/storage-test', ['consistent-mount-paths']);
  });
  it('the static NFS PV uses an IP, not a Service name', () => {
    expectClean(dir, 'PersistentVolume/media-library-pv');
  });
});

describe('sigtom/wow-ocp@ea82b3b (pinning plus standalone mounters)', () => {
  const dir = 'sigtom__wow-ocp@ea82b3b';
  it('sonarr, radarr, bazarr, rdt-client: the in-pod sidecar pattern is structurally correct [HIGH]', () => {
    for (const w of ['Deployment/sonarr', 'Deployment/radarr', 'Deployment/bazarr', 'Deployment/rdt-client']) {
      // Their hard nodeSelector is the defect of the next test.
      expectClean(dir, w, [...SIDECAR_PATTERN_ON_PVC, 'no-node-selector']);
      expect(on(dir, 'mounter-bidirectional', w)).toEqual([]);
      expect(on(dir, 'consumer-host-to-container', w)).toEqual([]);
      expect(on(dir, 'unique-pod-ports', w)).toEqual([]); // no --rc, no clash
    }
  });
  it('hard nodeSelector kubernetes.io/hostname on sonarr, radarr, sabnzbd, bazarr, rdt-client [HIGH]', () => {
    for (const w of ['sonarr', 'radarr', 'sabnzbd', 'bazarr', 'rdt-client']) expectFound(dir, 'no-node-selector', `Deployment/${w}`, 'warning');
  });
  it('the standalone rclone-zurg and rclone-torbox are invisible to everyone else, sabnzbd sees empty directories [HIGH]', () => {
    for (const w of ['Deployment/rclone-zurg', 'Deployment/rclone-torbox']) {
      const f = expectFound(dir, 'standalone-fuse-mounter', w);
      const rel = relatedWorkloads(dir, f);
      for (const reader of ['Deployment/sabnzbd', 'Deployment/sonarr', 'Deployment/radarr']) expect(rel).toContain(reader);
      expect(f.message).toContain('Deployment sabnzbd ("sabnzbd" at /mnt/media/');
      expect(f.suggestions?.[0]?.description).toContain('Deployment sabnzbd');
    }
  });
});

describe('sigtom/wow-ocp (final)', () => {
  const dir = 'sigtom__wow-ocp';
  const apps = ['plex', 'sonarr', 'radarr', 'bazarr', 'prowlarr', 'sabnzbd', 'overseerr', 'rdt-client', 'riven'];
  it('every app: two privileged sidecars with Bidirectional, the app with HostToContainer, distinct --rc-addr [HIGH correct]', () => {
    for (const app of apps) {
      expectClean(dir, `Deployment/${app}`, SIDECAR_PATTERN_ON_PVC);
      expect(on(dir, 'unique-pod-ports', `Deployment/${app}`)).toEqual([]);
    }
  });
  it('the standalone rclone-zurg and rclone-torbox are still deployed: legacy, useless to other pods [HIGH]', () => {
    for (const w of ['Deployment/rclone-zurg', 'Deployment/rclone-torbox']) {
      const f = expectFound(dir, 'standalone-fuse-mounter', w);
      for (const app of ['sonarr', 'radarr', 'plex']) expect(relatedWorkloads(dir, f)).toContain(`Deployment/${app}`);
    }
  });
});

describe('cmpetersen5551/GitOps', () => {
  it('@7ff8b89 sonarr, radarr: nfs volume on a Service DNS name, rclone NFSv3 without options, path repeating DIR [HIGH]', () => {
    const dir = 'cmpetersen5551__GitOps@7ff8b89';
    for (const w of ['StatefulSet/sonarr', 'StatefulSet/radarr']) {
      expectFound(dir, 'no-kubelet-nfs-to-clusterip', w);
      expectFound(dir, 'rclone-nfs-client-options', w);
      // rclone/rclone:latest serves it: 1.75 resolves /mnt/dfs inside the served directory.
      expectFound(dir, 'rclone-nfs-export-root', w);
    }
  });
  it('@7ff8b89 decypharr-streaming: the FUSE mount and the NFS sidecar have no propagation [HIGH], once decypharr is a configured mounter', () => {
    // decypharr mounts from inside its binary: medialint knows it only through the `mounters`
    // config key (SPEC §1). With the defaults nothing is reported (listed at the bottom).
    const config = defaultConfig();
    config.mounters = [{ image: 'cy01/blackhole', mountPath: '/mnt/dfs', fs: 'fuse' }];
    const r = lint(['.'], path.join(CORPUS, 'cmpetersen5551__GitOps@7ff8b89'), config);
    const got = r.findings.filter((f) => whereOf(f, r.model) === 'StatefulSet/decypharr-streaming' && f.severity === 'error').map((f) => f.ruleId);
    expect(got).toEqual(expect.arrayContaining(['mounter-bidirectional', 'consumer-host-to-container']));
  });
  it('@8d10195 sonarr, radarr dfs-mounter: Bidirectional without privileged, nfs4 against rclone, a mountpoint guard that is always true [HIGH]', () => {
    const dir = 'cmpetersen5551__GitOps@8d10195';
    for (const w of ['StatefulSet/sonarr', 'StatefulSet/radarr']) {
      expectFound(dir, 'bidirectional-requires-privileged', w);
      expectFound(dir, 'rclone-nfs-client-options', w);
      expectFound(dir, 'mountpoint-guard-on-volume-root', w);
    }
  });
  it('@8d10195 decypharr-streaming: the in-pod propagation is correct [HIGH]', () => {
    // hostpath-propagation: the hostPath must sit on a shared mount, as LABELS says (fact 8).
    expectClean('cmpetersen5551__GitOps@8d10195', 'StatefulSet/decypharr-streaming', ['hostpath-propagation']);
  });
  it('@c24819c decypharr-streaming: memory emptyDir, Bidirectional mounter, HostToContainer sidecar: correct [HIGH]', () => {
    expectClean('cmpetersen5551__GitOps@c24819c', 'StatefulSet/decypharr-streaming');
    const config = defaultConfig();
    config.mounters = [{ image: 'cy01/blackhole', mountPath: '/mnt/dfs', fs: 'fuse' }];
    const r = lint(['.'], path.join(CORPUS, 'cmpetersen5551__GitOps@c24819c'), config);
    const got = r.findings.filter((f) => whereOf(f, r.model) === 'StatefulSet/decypharr-streaming' && f.severity !== 'info').map((f) => f.ruleId);
    // With decypharr known as a mounter: only SPEC's mount-readiness (a regular-container mounter).
    expect(got).toEqual([SPEC_OVER_LABELS.readiness]);
  });
  it('@c24819c sonarr, radarr: the guard and nfs4-vs-NFSv3 bugs remain [HIGH]', () => {
    for (const w of ['StatefulSet/sonarr', 'StatefulSet/radarr']) {
      expectFound('cmpetersen5551__GitOps@c24819c', 'mountpoint-guard-on-volume-root', w);
      expectFound('cmpetersen5551__GitOps@c24819c', 'rclone-nfs-client-options', w);
      expect(on('cmpetersen5551__GitOps@c24819c', 'bidirectional-requires-privileged', w)).toEqual([]);
    }
  });
});

describe('pretamane/realistic-demo-pretamane (broken)', () => {
  const dir = 'pretamane__realistic-demo-pretamane';
  const w = 'Deployment/contact-api-with-rclone';
  it('rclone not privileged, no /dev/fuse, no SYS_ADMIN [HIGH]', () => expectFound(dir, 'fuse-device-access', w));
  it('rclone mounts on its own volume mountPath without --allow-non-empty [HIGH]', () => expectFound(dir, 'rclone-mount-on-mountpoint', w));
  it('no mountPropagation on either side [HIGH]', () => {
    expectFound(dir, 'mounter-bidirectional', w);
    expectFound(dir, 'consumer-host-to-container', w);
  });
  it('--daemon plus tail -f hides mount failures from the kubelet [HIGH]', () => {
    // SPEC's nearest rule is mounter-liveness-probe, at info: nothing restarts the container
    // when the mount is gone.
    const r = run(dir);
    expect(r.findings.some((f) => f.ruleId === 'mounter-liveness-probe' && whereOf(f, r.model) === w)).toBe(true);
  });
});

describe('herobrauni/ovh-ops (app-template HelmReleases)', () => {
  const dir = 'herobrauni__ovh-ops';
  it('plex, sonarr, radarr, jellyfin: the rclone-altmount sidecar through hostPath /tmp works [HIGH]', () => {
    for (const app of ['plex', 'sonarr', 'radarr', 'jellyfin']) {
      // The one risk LABELS names [HIGH, broad scope]: Bidirectional over all of the host's /tmp,
      // which hostpath-propagation reports whatever hostPathShared says.
      expectFound(dir, 'hostpath-propagation', `Deployment/${app}`, 'warning');
      expectClean(dir, `Deployment/${app}`, ['hostpath-propagation', SPEC_OVER_LABELS.limits, SPEC_OVER_LABELS.readiness, SPEC_OVER_LABELS.paths]);
    }
  });
  it('decypharr-sync-helper: two rclone sidecars without --rc do not clash [HIGH correct negative]', () => {
    expect(on(dir, 'unique-pod-ports', 'Deployment/decypharr-sync-helper')).toEqual([]);
    expectClean(dir, 'Deployment/decypharr-sync-helper', ['hostpath-propagation', SPEC_OVER_LABELS.limits, SPEC_OVER_LABELS.readiness]);
  });
  it('decypharr, altmount: FUSE-capable, no propagation, reached over WebDAV: fine [HIGH]', () => {
    expectClean(dir, 'Deployment/decypharr');
    expectClean(dir, 'Deployment/altmount');
  });
});

describe('correct examples stay silent', () => {
  it.each([
    'signaleleven__s3fs-sidecar', // s3fs sidecar, privileged Bidirectional on an emptyDir, HostToContainer consumer [HIGH correct]
    'cnfatal__cnfatal.github.io', // same pattern in a Deployment [HIGH correct]
    'Tauffer-Consulting__domino', // shared-storage FUSE sidecar [HIGH correct]
    'wunderio__csi-rclone', // CSI node plugin with Bidirectional on /var/lib/kubelet/pods [HIGH correct]
    'yandex-cloud__k8s-csi-s3', // CSI node DaemonSet with Bidirectional on the kubelet dirs [HIGH correct]
    'simplyzee__kube-rclone', // the canonical DaemonSet mounter [HIGH]; a Helm chart: its templates are reported (info) and skipped
  ])('%s: no error or warning', (dir) => {
    expect(run(dir).lines).toEqual([]);
  });
  it('oneconcern/datamon: the sidecar pattern is correct [HIGH]; example-ro is a template that is not YAML', () => {
    // LABELS: "templates with $VARS and will not apply verbatim": example-ro's multi-line
    // flow sequence is not valid YAML, so it is a parse-error; example-coord is silent.
    expect(run('oneconcern__datamon').lines).toEqual(['error parse-error hack/k8s/example-ro.template.yaml:33 -']);
  });
});

// Labels that no default run can satisfy:
// - cmpetersen5551/GitOps@7ff8b89 decypharr-streaming [HIGH]: decypharr's FUSE mount is made by
//   its binary; medialint sees it only with a `mounters` entry (tested above with one).
// - cmpetersen5551/GitOps@275e46f "the rclone-nfs v3/portmapper problem remains" [HIGH]: the
//   snapshot holds only sonarr and radarr; the rclone server behind 10.43.200.129 is not in the
//   linted set, so nothing ties the IP to `rclone serve nfs`.
// - sigtom/wow-ocp plex's privileged nginx sidecar [HIGH, hygiene]: no SPEC rule reports
//   privilege that nothing needs.
// - sigtom/wow-ocp SYSTEM.md drift [HIGH]: documentation, not manifests.

// Which kinds carry a pod, and where their pod template lives.
import type { Config } from '../engine/config.js';

export interface KindInfo {
  /** Path from the document root to the pod template (a map with metadata + spec); [] for Pod. */
  template: string[];
}

const BUILTIN: Record<string, KindInfo> = {
  Pod: { template: [] },
  Deployment: { template: ['spec', 'template'] },
  StatefulSet: { template: ['spec', 'template'] },
  DaemonSet: { template: ['spec', 'template'] },
  ReplicaSet: { template: ['spec', 'template'] },
  ReplicationController: { template: ['spec', 'template'] },
  Job: { template: ['spec', 'template'] },
  CronJob: { template: ['spec', 'jobTemplate', 'spec', 'template'] },
  DeploymentConfig: { template: ['spec', 'template'] },
  Rollout: { template: ['spec', 'template'] },
};

export function workloadKind(kind: string, apiVersion: string, config: Config): KindInfo | undefined {
  for (const k of config.workloadKinds) {
    if (k.kind === kind && (!k.apiVersion || k.apiVersion === apiVersion)) return { template: k.podTemplatePath };
  }
  if (kind === 'DeploymentConfig' && !apiVersion.startsWith('apps.openshift.io/') && apiVersion !== 'v1') return undefined;
  if (kind === 'Rollout' && !apiVersion.startsWith('argoproj.io/')) return undefined;
  // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
  return Object.hasOwn(BUILTIN, kind) ? BUILTIN[kind] : undefined;
}

/** API versions that current clusters no longer serve, by kind (SPEC §2.4 removed-api-version). */
export const REMOVED_API_VERSIONS: Record<string, { versions: string[]; use: string; removedIn: string }> = {
  Deployment: { versions: ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'], use: 'apps/v1', removedIn: '1.16' },
  DaemonSet: { versions: ['extensions/v1beta1', 'apps/v1beta2'], use: 'apps/v1', removedIn: '1.16' },
  ReplicaSet: { versions: ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'], use: 'apps/v1', removedIn: '1.16' },
  StatefulSet: { versions: ['apps/v1beta1', 'apps/v1beta2'], use: 'apps/v1', removedIn: '1.16' },
  CronJob: { versions: ['batch/v1beta1', 'batch/v2alpha1'], use: 'batch/v1', removedIn: '1.25' },
  PodSecurityPolicy: { versions: ['policy/v1beta1', 'extensions/v1beta1'], use: '(removed; use Pod Security Admission)', removedIn: '1.25' },
  Ingress: { versions: ['extensions/v1beta1', 'networking.k8s.io/v1beta1'], use: 'networking.k8s.io/v1', removedIn: '1.22' },
};

// Effective configuration (SPEC §5). Loading and validation: src/engine/load-config.ts.
import type { Severity } from './finding.js';

export interface MounterConfig {
  /** Image name (without tag) or a glob-free substring of it. */
  image: string;
  /** Where that image mounts, when it has no recognisable command. */
  mountPath: string;
  fs?: 'fuse' | 'nfs' | 'cifs' | 'other';
}

export interface Config {
  rules: Record<string, Severity | 'off'>;
  serviceCIDRs: string[];
  hostPathShared: boolean;
  kubernetesVersion: string | undefined;
  fuseDeviceResources: string[];
  mounters: MounterConfig[];
  workloadKinds: { kind: string; apiVersion?: string; podTemplatePath: string[] }[];
  ignore: string[];
  overrides: { files: string[]; rules: Record<string, Severity | 'off'> }[];
  /** `mode: 'kubectl'` runs a program: set only from --kustomize or the Action's input, never from a config file. */
  kustomize: { loadRestrictor: 'rootOnly' | 'none'; mode: 'auto' | 'kubectl' | 'off' };
  /** The file this config came from. */
  file?: string;
  /**
   * The directory finding paths are relative to (the lint's cwd), set by loadConfig; override
   * globs are matched against each finding's file resolved from here (default: process.cwd()).
   */
  cwd?: string;
}

export const DEFAULT_SERVICE_CIDRS = ['10.96.0.0/12', '10.43.0.0/16', '172.30.0.0/16', '10.152.183.0/24'];
export const DEFAULT_FUSE_RESOURCES = ['smarter-devices/fuse', 'github.com/fuse', 'squat.ai/fuse'];

export function defaultConfig(): Config {
  return {
    rules: {},
    serviceCIDRs: [...DEFAULT_SERVICE_CIDRS],
    hostPathShared: false,
    kubernetesVersion: undefined,
    fuseDeviceResources: [...DEFAULT_FUSE_RESOURCES],
    mounters: [],
    workloadKinds: [],
    ignore: [],
    overrides: [],
    kustomize: { loadRestrictor: 'rootOnly', mode: 'auto' },
  };
}

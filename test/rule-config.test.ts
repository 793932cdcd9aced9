// Rule behaviour that depends on configuration, which the fixture harness (default config) cannot show.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, lintText } from './helpers.js';
import { defaultConfig } from '../src/engine/config.js';

const fixture = (rule: string, file = 'bad.yaml') => readFileSync(path.join(ROOT, 'fixtures', rule, file), 'utf8');

describe('native sidecar fixes follow kubernetesVersion', () => {
  const suggestsSidecar = (version: string | undefined) => {
    const config = defaultConfig();
    config.kubernetesVersion = version;
    const r = lintText(fixture('mount-readiness'), 'bad.yaml', config);
    const f = r.findings.filter((x) => x.ruleId === 'mount-readiness');
    expect(f.length).toBe(2);
    return f.some((x) => (x.suggestions ?? []).some((s) => JSON.stringify(s.edits).includes('"restartPolicy":"Always"')));
  };
  it('offers restartPolicy: Always when the version is unknown or at least 1.29', () => {
    expect(suggestsSidecar(undefined)).toBe(true);
    expect(suggestsSidecar('1.29')).toBe(true);
    expect(suggestsSidecar('1.33.1')).toBe(true);
  });
  it('withholds it below 1.29, and says why', () => {
    expect(suggestsSidecar('1.28')).toBe(false);
    const config = defaultConfig();
    config.kubernetesVersion = '1.27';
    const r = lintText(fixture('mount-readiness'), 'bad.yaml', config);
    expect(r.findings.find((x) => x.ruleId === 'mount-readiness')!.message).toContain('kubernetesVersion 1.27 is below 1.29');
  });
});

describe('no-kubelet-nfs-to-clusterip and serviceCIDRs', () => {
  const text = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: busybox:1.36
      volumeMounts: [{name: v, mountPath: /v}]
  volumes:
    - name: v
      nfs: {server: 10.200.0.10, path: /}
`;
  it('an address outside every service CIDR is left alone', () => {
    expect(lintText(text).findings.filter((f) => f.ruleId === 'no-kubelet-nfs-to-clusterip')).toEqual([]);
  });
  it('a configured service CIDR makes it a ClusterIP literal', () => {
    const config = defaultConfig();
    config.serviceCIDRs.push('10.200.0.0/16');
    const f = lintText(text, 'test.yaml', config).findings.filter((x) => x.ruleId === 'no-kubelet-nfs-to-clusterip');
    expect(f.map((x) => x.severity)).toEqual(['warning']);
    expect(f[0]!.message).toContain('10.200.0.0/16');
  });
});

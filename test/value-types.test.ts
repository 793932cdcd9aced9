// invalid-field-type beyond its fixtures: what kubectl's YAML 1.1 reader accepts, values filled
// in later, IntOrString and Quantity, nulls, and a wrong value set by a kustomize patch (the
// finding lands in the patch, where the value is written).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findingLines, lint, lintText } from './helpers.js';

const pod = (container: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      ${container}\n`;
const found = (text: string) => findingLines(lintText(text).findings, 'invalid-field-type');

describe('invalid-field-type', () => {
  it('takes a plain scalar as kubectl (YAML 1.1) reads it', () => {
    for (const ok of ['securityContext: {privileged: yes}', 'securityContext: {privileged: Off}', 'securityContext: {runAsUser: 1_000}',
      'securityContext: {runAsUser: 0b101}', 'ports: [{containerPort: 0x1F90}]', 'stdin: y']) expect(found(pod(ok)), ok).toEqual([]);
    // Quoted, the same text is a string for every reader.
    for (const bad of ['securityContext: {privileged: "yes"}', "securityContext: {runAsUser: '1000'}", 'stdin: "true"']) {
      expect(found(pod(bad)), bad).toHaveLength(1);
    }
    expect(found(pod('stdin: "true"'))[0]).toMatch(/the string "true" at spec\.containers\[0\]\.stdin, where Kubernetes expects true or false: .* \(remove the quotes\)\.$/);
  });

  it('skips values a later stage fills in, and nulls', () => {
    for (const ok of ['securityContext: {runAsUser: "${PUID}"}', 'securityContext: {runAsUser: ${PUID}}', 'ports: [{containerPort: $(PORT)}]',
      'command: null', 'env: [{name: A, value: ~}]', 'resources: {limits: null}', 'volumeMounts: []']) expect(found(pod(ok)), ok).toEqual([]);
  });

  it('takes a number or a string for IntOrString and Quantity, nothing else', () => {
    for (const ok of ['resources: {limits: {memory: 1073741824, cpu: 0.5}}', 'resources: {requests: {memory: "1Gi"}}',
      'livenessProbe: {httpGet: {port: "8080"}}', 'livenessProbe: {httpGet: {port: http}}', 'livenessProbe: {tcpSocket: {port: 8080}}']) {
      expect(found(pod(ok)), ok).toEqual([]);
    }
    expect(found(pod('livenessProbe: {httpGet: {port: true}}'))[0]).toMatch(/the boolean true at .*httpGet\.port, where Kubernetes expects a number or a string/);
    expect(found(pod('resources: {limits: {memory: {}}}'))).toHaveLength(1);
  });

  it('reports a value of the wrong shape once, not what is below it', () => {
    expect(found(pod('volumeMounts: {a: {name: 5, mountPath: []}}'))).toHaveLength(1);
    expect(found(pod('env: [{name: 5, value: 6}]')).map((l) => l.split(' ')[0])).toEqual(['test.yaml:8:20', 'test.yaml:8:30']);
  });

  it('reports a null item only where the empty object would lack a required field', () => {
    expect(found(pod('ports: [null]'))[0]).toMatch(/empty item \(null\) in spec\.containers\[0\]\.ports: the API server reads it as a ContainerPort without the containerPort it requires/);
    expect(found(pod('securityContext: {capabilities: {add: [null]}}'))).toEqual([]);
    expect(found(`${pod('image: x')}  tolerations: [null]\n`)).toEqual([]);
  });

  describe('through kustomize', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'medialint-value-types-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it('a wrong value set by a patch is reported in the patch', () => {
      mkdirSync(path.join(dir, 'base'));
      mkdirSync(path.join(dir, 'overlay'));
      writeFileSync(path.join(dir, 'base', 'kustomization.yaml'), 'resources: [d.yaml]\n');
      writeFileSync(path.join(dir, 'base', 'd.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers:\n        - name: c\n          image: busybox:1.36\n');
      writeFileSync(path.join(dir, 'overlay', 'kustomization.yaml'), 'resources: [../base]\npatches:\n  - path: patch.yaml\n');
      writeFileSync(path.join(dir, 'overlay', 'patch.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: "2"\n');
      const lines = findingLines(lint(['overlay'], dir).findings, 'invalid-field-type');
      expect(lines).toEqual([
        'overlay/patch.yaml:5:13 error invalid-field-type Deployment d has the string "2" at spec.replicas, where Kubernetes expects a number: the API server cannot decode it and rejects the Deployment (remove the quotes).',
      ]);
    });
  });
});

// The manifest the configuration and suppression suites lint, and the short form of the
// findings they compare.
import type { Finding } from '../../src/engine/finding.js';

export const INVALID = 'invalid-mount-propagation';
export const BIDI = 'bidirectional-requires-privileged';

/**
 * A Deployment with two containers: line 14 holds an invalid-mount-propagation error, line 20
 * a bidirectional-requires-privileged one (each moved down by the lines of `annotations`,
 * which go under metadata).
 */
export function twoErrorPod(name = 'app', annotations = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${annotations}spec:
  template:
    spec:
      containers:
        - name: a
          image: busybox
          volumeMounts:
            - name: m
              mountPath: /m
              mountPropagation: hostToContainer
        - name: b
          image: rclone/rclone
          volumeMounts:
            - name: m
              mountPath: /m
              mountPropagation: Bidirectional
      volumes:
        - name: m
          emptyDir: {}
`;
}

/** `line rule-id`, `file:line rule-id` or `file:line severity rule-id`, one per finding. */
export function findingKeys(findings: Finding[], o: { file?: boolean; severity?: boolean } = {}): string[] {
  return findings.map((f) => `${o.file ? `${f.loc.file}:` : ''}${f.loc.line}${o.severity ? ` ${f.severity}` : ''} ${f.ruleId}`);
}

// Manifests more than one suite runs the CLI on.

/**
 * A Pod that one rule reliably flags at a known place: Bidirectional without privileged, an
 * error with a fix (securityContext.privileged: true) at 12:29 (POD_FINDING).
 */
export const POD = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: p',
  'spec:',
  '  containers:',
  '    - name: c',
  '      image: busybox',
  '      volumeMounts:',
  '        - name: m',
  '          mountPath: /m',
  '          mountPropagation: Bidirectional',
  '  volumes:',
  '    - name: m',
  '      emptyDir: {}',
  '',
].join('\n');

/** Where POD's finding is. */
export const POD_FINDING = { line: 12, column: 29, ruleId: 'bidirectional-requires-privileged' };

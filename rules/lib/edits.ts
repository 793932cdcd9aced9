// Fixes several rules share.
import type { Fix } from '../../src/engine/finding.js';
import type { VolumeMount } from '../../src/model/types.js';

export function setPropagation(m: VolumeMount, value: 'Bidirectional' | 'HostToContainer' | 'None'): Fix {
  return {
    description: `set mountPropagation: ${value} on volumeMount "${m.name}" (${m.mountPath}) of "${m.container.name}"`,
    edits: m.propagationNode
      ? [{ op: 'setScalar', node: m.propagationNode, value }]
      : [{ op: 'setKey', map: m.node, key: 'mountPropagation', value }],
  };
}

export function setPrivileged(c: import('../../src/model/types.js').Container): Fix {
  return {
    description: `set securityContext.privileged: true on "${c.name}"`,
    edits: c.privilegedNode
      ? [{ op: 'setScalar', node: c.privilegedNode, value: true }]
      : [{ op: 'setPath', map: c.node, path: ['securityContext', 'privileged'], value: true }],
  };
}

/** Drop a needless Bidirectional: remove the field on a mkdir-only init container, else HostToContainer. */
export function dropBidirectional(m: VolumeMount, remove: boolean): Fix {
  if (!remove) return setPropagation(m, 'HostToContainer');
  return {
    description: `remove mountPropagation from volumeMount "${m.name}" (${m.mountPath}) of "${m.container.name}"`,
    edits: [{ op: 'removeKey', map: m.node, key: 'mountPropagation' }],
  };
}

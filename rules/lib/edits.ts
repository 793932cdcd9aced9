// Fixes several rules share.
import type { Fix } from '../../src/engine/finding.js';
import type { VolumeMount } from '../../src/model/types.js';
import { inheritsKey, takesEdits } from '../../src/apptemplate/edits.js';

/**
 * Set the mount's propagation; undefined when its entry takes no edits (an app-template mount
 * entry several containers share, or an item mounted by default: the fix would change the
 * other containers too, so the finding says to split it into advancedMounts instead).
 */
export function setPropagation(m: VolumeMount, value: 'Bidirectional' | 'HostToContainer' | 'None'): Fix | undefined {
  if (!m.propagationNode && !takesEdits(m.node)) return undefined;
  return {
    description: `set mountPropagation: ${value} on volumeMount "${m.name}" (${m.mountPath}) of "${m.container.name}"`,
    edits: m.propagationNode
      ? [{ op: 'setScalar', node: m.propagationNode, value }]
      : [{ op: 'setKey', map: m.node, key: 'mountPropagation', value }],
  };
}

/** Undefined when an app-template container takes its securityContext from defaultContainerOptions. */
export function setPrivileged(c: import('../../src/model/types.js').Container): Fix | undefined {
  if (inheritsKey(c, 'securityContext')) return undefined;
  return {
    description: `set securityContext.privileged: true on "${c.name}"`,
    edits: c.privilegedNode
      ? [{ op: 'setScalar', node: c.privilegedNode, value: true }]
      : [{ op: 'setPath', map: c.node, path: ['securityContext', 'privileged'], value: true }],
  };
}

/** Drop a needless Bidirectional: remove the field on a mkdir-only init container, else HostToContainer. */
export function dropBidirectional(m: VolumeMount, remove: boolean): Fix | undefined {
  if (!remove || !takesEdits(m.node)) return setPropagation(m, 'HostToContainer');
  return {
    description: `remove mountPropagation from volumeMount "${m.name}" (${m.mountPath}) of "${m.container.name}"`,
    edits: [{ op: 'removeKey', map: m.node, key: 'mountPropagation' }],
  };
}

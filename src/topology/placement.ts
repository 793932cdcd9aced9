// Where a workload's pods can run: its node requirements (nodeSelector and required node
// affinity, as alternatives of conjunctions) and whether one workload's pods are certain to
// share a node with another's (a DaemonSet that covers the other's nodes, a required pod
// affinity on the hostname, or both pinned to the same single node).
import type { Pod } from '../model/types.js';

export interface Requirement {
  key: string;
  /** In, NotIn, Exists, DoesNotExist (Gt/Lt are kept but never imply anything). */
  op: string;
  values: string[];
}

export interface Placement {
  /** Alternatives (any one suffices) of requirements (all must hold). `[[]]`: any node. */
  terms: Requirement[][];
  daemonSet: boolean;
}

export const HOSTNAME = 'kubernetes.io/hostname';

export function placementOf(pod: Pod): Placement {
  const sel = pod.selection;
  const base: Requirement[] = Object.entries(sel.nodeSelector).map(([key, v]) => ({ key, op: 'In', values: [v] }));
  const alts = sel.requiredTerms.length
    ? sel.requiredTerms.map((t) => [...base, ...t.map((e) => ({ key: e.key, op: e.operator, values: e.values }))])
    : [base];
  return { terms: alts, daemonSet: pod.workload.kind === 'DaemonSet' };
}

/** Does requirement `c` (which a node satisfies) guarantee requirement `d`? */
function reqImplies(c: Requirement, d: Requirement): boolean {
  if (c.key !== d.key) return false;
  switch (d.op) {
    case 'In':
      return c.op === 'In' && c.values.every((v) => d.values.includes(v));
    case 'Exists':
      return c.op === 'In' || c.op === 'Exists';
    case 'NotIn':
      return (c.op === 'In' && c.values.every((v) => !d.values.includes(v))) || c.op === 'DoesNotExist' ||
        (c.op === 'NotIn' && d.values.every((v) => c.values.includes(v)));
    case 'DoesNotExist':
      return c.op === 'DoesNotExist';
  }
  return false;
}

/** Every node that satisfies `a` also satisfies `b`. */
export function implies(a: Placement, b: Placement): boolean {
  return a.terms.every((ca) => b.terms.some((db) => db.every((d) => ca.some((c) => reqImplies(c, d)))));
}

/** The single node every term of the placement pins to, if any. */
export function pinnedNode(p: Placement): string | undefined {
  let node: string | undefined;
  for (const t of p.terms) {
    const h = t.find((r) => r.key === HOSTNAME && r.op === 'In' && r.values.length === 1);
    if (!h) return undefined;
    if (node !== undefined && node !== h.values[0]) return undefined;
    node = h.values[0];
  }
  return node;
}

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === b || a === undefined || b === undefined;
}

/** `pod` has a required pod affinity, on the hostname, to pods labelled like `other`. */
export function requiresAffinityTo(pod: Pod, other: Pod): boolean {
  if (!sameNamespace(pod.workload.namespace, other.workload.namespace)) return false;
  return pod.selection.requiredPodAffinity.some((t) =>
    t.topologyKey === HOSTNAME && Object.keys(t.labels).length > 0 &&
    Object.entries(t.labels).every(([k, v]) => other.labels[k] === v));
}

/**
 * Is there a pod of `producer` on every node where a pod of `consumer` can run? True for
 * a DaemonSet whose node selection covers the consumer's, for a required pod affinity
 * between the two on the hostname, and for two workloads pinned to the same node.
 */
export function colocated(producer: Pod, consumer: Pod): boolean {
  const p = placementOf(producer);
  const c = placementOf(consumer);
  if (p.daemonSet && implies(c, p)) return true;
  if (requiresAffinityTo(consumer, producer) || requiresAffinityTo(producer, consumer)) return true;
  const node = pinnedNode(p);
  return node !== undefined && pinnedNode(c) === node;
}

export function describePlacement(pod: Pod): string {
  const p = placementOf(pod);
  const show = (t: Requirement[]) => t.map((r) =>
    r.op === 'In' ? `${r.key}=${r.values.join('|')}` : r.op === 'Exists' ? r.key : r.op === 'DoesNotExist' ? `!${r.key}` : `${r.key} ${r.op} ${r.values.join('|')}`).join(', ');
  if (p.terms.every((t) => t.length === 0)) return p.daemonSet ? 'every node' : 'any node';
  return p.terms.map(show).join(' or ');
}

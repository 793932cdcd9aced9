// Output order: kustomize's SortOrderTransformer. `legacy` (kubectl's default) puts kinds
// from orderFirst first and orderLast last, then sorts by group/version/kind and by
// namespace and name; `fifo` keeps the accumulation order.
import { isMap, isSeq } from '../load/ynode.js';
import type { YNode } from '../load/ynode.js';
import { fieldValue, rawText } from './tree.js';
import type { Gvk, Res } from './types.js';
import { curId, KError } from './types.js';
import type { Loc } from '../load/ynode.js';

export const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy', 'Role',
  'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service', 'LimitRange',
  'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];
export const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function gvkSortString(g: Gvk): string {
  return [g.group || '~G', g.version || '~V', g.kind || '~K'].join('_');
}

function gvkString(g: Gvk): string {
  return `${g.kind || '[noKind]'}.${g.version || '[noVer]'}.${g.group || '[noGrp]'}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function legacySort(list: Res[], first = ORDER_FIRST, last = ORDER_LAST): Res[] {
  const order = new Map<string, number>();
  first.forEach((k, i) => order.set(k, -first.length + i));
  last.forEach((k, i) => order.set(k, 1 + i));
  const keyed = list.map((r) => ({ r, id: curId(r) }));
  keyed.sort((x, y) => {
    const a = x.id;
    const b = y.id;
    if (!(a.group === b.group && a.version === b.version && a.kind === b.kind)) {
      const i1 = order.get(a.kind) ?? 0;
      const i2 = order.get(b.kind) ?? 0;
      if (i1 !== i2) return i1 - i2;
      if (a.kind === 'Namespace' && b.kind === 'Namespace' && (a.group === '' || b.group === '')) return cmp(gvkSortString(b), gvkSortString(a));
      return cmp(gvkSortString(a), gvkSortString(b));
    }
    const sa = [gvkString(a), a.namespace || '~X', a.name || '~N'].join('|');
    const sb = [gvkString(b), b.namespace || '~X', b.name || '~N'].join('|');
    return cmp(sa, sb);
  });
  return keyed.map((k) => k.r);
}

/** Apply the root kustomization's sortOptions (or kubectl's default, legacy). */
export function applySortOptions(list: Res[], sortOptions: YNode | undefined, loc: Loc | undefined): Res[] {
  if (!sortOptions) return legacySort(list);
  if (!isMap(sortOptions)) throw new KError("invalid kustomization: 'sortOptions' must be a mapping.", loc);
  const order = rawText(fieldValue(sortOptions, 'order'));
  const legacy = fieldValue(sortOptions, 'legacySortOptions');
  if (order !== 'fifo' && order !== 'legacy') throw new KError("the field 'sortOptions.order' must be one of [fifo, legacy].", loc);
  if (order === 'fifo') {
    if (legacy && !(legacy.kind === 'scalar' && legacy.value === null)) {
      throw new KError("the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'.", loc);
    }
    return list;
  }
  if (!isMap(legacy)) return legacySort(list);
  const strs = (n: YNode | undefined) => (isSeq(n) ? n.items.map(rawText) : []);
  return legacySort(list, strs(fieldValue(legacy, 'orderFirst')), strs(fieldValue(legacy, 'orderLast')));
}

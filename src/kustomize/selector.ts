// Selecting resources: patch targets (kustomize types.Selector, with anchored regexes for
// group, version, kind, name and namespace) and Kubernetes label/annotation selectors.
import type { YMap } from '../load/ynode.js';
import { get, isMap } from '../load/ynode.js';
import type { SelectorArg } from './kustfile.js';
import { nodeText } from './tree.js';
import type { Res } from './types.js';
import { curId, effectiveNs, gvkOfNode, KError, nameOf, orgId } from './types.js';

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
  values: string[];
}

/** Parse a label selector (k8s.io/apimachinery/pkg/labels.Parse, the common subset). */
export function parseLabelSelector(sel: string): Requirement[] {
  const out: Requirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) {
      if (sel.trim()) throw new KError(`invalid label selector '${sel}': empty requirement`);
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!<>(),]+)$/.exec(p))) out.push({ key: m[1]!, op: '!', values: [] });
    else if ((m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
      out.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()) });
    } else if ((m = /^([^\s=!<>(),]+)\s*(==|=|!=)\s*([^\s=!<>(),]*)$/.exec(p))) {
      out.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
    } else if ((m = /^([^\s=!<>(),]+)\s*([<>])\s*(-?\d+)$/.exec(p))) {
      out.push({ key: m[1]!, op: m[2] === '>' ? 'gt' : 'lt', values: [m[3]!] });
    } else if ((m = /^([^\s=!<>(),]+)$/.exec(p))) out.push({ key: m[1]!, op: 'exists', values: [] });
    else throw new KError(`invalid label selector '${sel}' near '${p}'`);
  }
  return out;
}

export function matchesSelector(sel: string | undefined, labels: Map<string, string>): boolean {
  if (!sel) return true;
  for (const r of parseLabelSelector(sel)) {
    const has = labels.has(r.key);
    const v = labels.get(r.key) ?? '';
    switch (r.op) {
      case 'in':
        if (!has || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v)) return false;
        const a = Number(v);
        const b = Number(r.values[0]);
        if (r.op === 'gt' ? !(a > b) : !(a < b)) return false;
      }
    }
  }
  return true;
}

export function metaMap(node: YMap, field: 'labels' | 'annotations'): Map<string, string> {
  const out = new Map<string, string>();
  const m = get(node, 'metadata', field);
  if (isMap(m)) for (const p of m.items) out.set(p.key, nodeText(p.value));
  return out;
}

/** Anchored regex as kustomize builds it: `^(?:pattern)$`. */
export function anchored(pattern: string, what: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw new KError(`invalid ${what} regex '${pattern}' in a patch target: ${(e as Error).message}`);
  }
}

export interface CompiledSelector {
  arg: SelectorArg;
  group?: RegExp;
  version?: RegExp;
  kind?: RegExp;
  name?: RegExp;
  namespace?: RegExp;
}

export function compileSelector(s: SelectorArg): CompiledSelector {
  return {
    arg: s,
    group: s.group ? anchored(s.group, 'group') : undefined,
    version: s.version ? anchored(s.version, 'version') : undefined,
    kind: s.kind ? anchored(s.kind, 'kind') : undefined,
    name: s.name ? anchored(s.name, 'name') : undefined,
    namespace: s.namespace ? anchored(s.namespace, 'namespace') : undefined,
  };
}

/** resWrangler.Select's test for one resource (current or original name/namespace). */
export function selects(c: CompiledSelector, r: Res): boolean {
  // Every test is pure: the cheap ones first (a patch target is tried on every resource).
  const g = gvkOfNode(r.node);
  if (c.kind && !c.kind.test(g.kind)) return false;
  if (c.name) {
    const name = nameOf(r.node);
    if (!c.name.test(name) && !c.name.test(r.prevIds.length ? r.prevIds[0]!.name : name)) return false;
  }
  if (c.namespace) {
    const cur = curId(r);
    const org = orgId(r);
    if (!c.namespace.test(effectiveNs(org)) && !c.namespace.test(effectiveNs(cur))) return false;
  }
  if (c.group && !c.group.test(g.group)) return false;
  if (c.version && !c.version.test(g.version)) return false;
  if (!matchesSelector(c.arg.labelSelector, metaMap(r.node, 'labels'))) return false;
  if (!matchesSelector(c.arg.annotationSelector, metaMap(r.node, 'annotations'))) return false;
  return true;
}

// NFS names: `server:path` sources, and which Service a server name or IP designates.
import type { Model, Service } from '../model/types.js';
import { normalizePath } from '../model/build.js';

/** `host:/path`, `[v6]:/path` -> server and path (undefined when there is no `:`). */
export function splitNfsSource(source: string): { server: string; path: string } | undefined {
  const s = source.trim();
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s[end + 1] !== ':') return undefined;
    return { server: s.slice(1, end), path: s.slice(end + 2) || '/' };
  }
  const i = s.indexOf(':');
  if (i <= 0) return undefined;
  return { server: s.slice(0, i), path: s.slice(i + 1) || '/' };
}

function nsMatch(svcNs: string | undefined, ns: string | undefined): boolean {
  return svcNs === ns || svcNs === undefined || ns === undefined;
}

export function isIP(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

/**
 * The Services a server name designates, seen from namespace `ns`: `x` (in `ns`), `x.ns`,
 * `x.ns.svc`, `x.ns.svc.cluster.local` (a trailing dot too), a headless pod name
 * `pod.x.ns.svc…`, or an IP equal to a Service's `clusterIP`.
 */
export function resolveServer(model: Model, server: string, ns: string | undefined): Service[] {
  const name = server.trim().replace(/\.$/, '').toLowerCase();
  if (!name) return [];
  const index = serviceIndex(model);
  if (isIP(name)) return index.byIP.get(name) ?? [];
  const labels = name.split('.');
  const svcAt = (i: number): Service[] => {
    const rest = labels.slice(i + 1);
    let targetNs: string | undefined;
    if (rest.length === 0) targetNs = ns;
    else if (rest.length === 1 || (rest[1] === 'svc' && (rest.length === 2 || rest.slice(2).join('.') === 'cluster.local'))) targetNs = rest[0];
    else if (rest[1] === 'svc') targetNs = rest[0]; // a custom cluster domain
    else return [];
    return (index.byName.get(labels[i]!) ?? []).filter((s) => nsMatch(s.namespace, targetNs));
  };
  const direct = svcAt(0);
  if (direct.length) return direct;
  // `pod-0.headless.ns.svc.cluster.local`
  if (labels.length >= 3 && labels[2] !== 'svc') return svcAt(1);
  return [];
}

/** Services by lower-case name and by clusterIP, in model order (built once per Model). */
const serviceIndexes = new WeakMap<Model, { byName: Map<string, Service[]>; byIP: Map<string, Service[]> }>();
function serviceIndex(model: Model): { byName: Map<string, Service[]>; byIP: Map<string, Service[]> } {
  let index = serviceIndexes.get(model);
  if (index) return index;
  index = { byName: new Map(), byIP: new Map() };
  const add = (m: Map<string, Service[]>, k: string, s: Service) => {
    const list = m.get(k);
    if (list) list.push(s);
    else m.set(k, [s]);
  };
  for (const s of model.services) {
    add(index.byName, s.name.toLowerCase(), s);
    if (s.clusterIP !== undefined) add(index.byIP, s.clusterIP, s);
  }
  serviceIndexes.set(model, index);
  return index;
}

export function normalizeExportPath(p: string): string {
  return normalizePath(p.startsWith('/') ? p : '/' + p);
}

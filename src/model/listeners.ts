// Who listens where in a pod: rclone rc/rcd/serve listeners and declared containerPorts,
// as sockets in the pod's one network namespace (for unique-pod-ports).
import type { YNode, YScalar } from '../load/ynode.js';
import { get, isScalar, str } from '../load/ynode.js';
import type { Container, Listener, Pod, Service, Word } from './types.js';

export interface Socket {
  container: Container;
  /** The rclone listener, or undefined for a bare containerPort declaration. */
  listener: Listener | undefined;
  port: number;
  /** Normalised host: `*` for every interface, `127.0.0.1`, `::1`, or an address. */
  host: string;
  /** The host part as written (`` for `:5572`), to keep it when the port moves. */
  hostAsWritten: string;
  proto: string;
  /** The containerPort scalar of the same container that declares this socket, if any. */
  declared: YScalar | undefined;
  /** containerPort node (for a bare declaration). */
  portNode: YNode | undefined;
}

const ALL = new Set(['', '0.0.0.0', '::', '[::]', '*']);

export function normalizeHost(h: string): string {
  const x = h.toLowerCase();
  if (ALL.has(x)) return '*';
  if (x === 'localhost' || x === '127.0.0.1') return '127.0.0.1';
  if (x === '[::1]' || x === '::1') return '::1';
  return x.replace(/^\[|\]$/g, '');
}

/** Two binds on one port clash when the hosts are equal or either is every interface. */
export function hostsOverlap(a: string, b: string): boolean {
  return a === '*' || b === '*' || a === b;
}

/**
 * Do two containers of a pod run at the same time? Plain init containers run one at a time
 * before everything else, next to the native sidecars declared before them.
 */
export function runConcurrently(a: Container, b: Container): boolean {
  if (a === b) return false;
  const pa = a.sort === 'init';
  const pb = b.sort === 'init';
  if (pa && pb) return false;
  if (pa) return b.sort === 'sidecar' && b.index < a.index;
  if (pb) return a.sort === 'sidecar' && a.index < b.index;
  return true;
}

/** Every listening socket of the pod, in container order. A containerPort that declares an rclone listener of its own container is folded into it. */
export function podSockets(pod: Pod): Socket[] {
  const out: Socket[] = [];
  for (const c of pod.containers) {
    const declared = c.ports.map((p) => ({
      port: p.port,
      node: p.node,
      scalar: get(p.node, 'containerPort'),
      proto: (str(get(p.node, 'protocol')) ?? 'TCP').toUpperCase(),
    }));
    const used = new Set<(typeof declared)[number]>();
    for (const l of c.run.listeners) {
      if (l.kind === 'containerPort' || l.port === null) continue;
      const d = declared.find((x) => x.port === l.port && x.proto === 'TCP');
      if (d) used.add(d);
      out.push({
        container: c, listener: l, port: l.port, host: normalizeHost(l.host), hostAsWritten: l.host, proto: 'TCP',
        declared: d && isScalar(d.scalar) ? d.scalar : undefined, portNode: undefined,
      });
    }
    for (const d of declared) {
      if (used.has(d)) continue;
      out.push({ container: c, listener: undefined, port: d.port, host: '*', hostAsWritten: '', proto: d.proto, declared: undefined, portNode: d.scalar ?? d.node });
    }
  }
  return out;
}

export function addressOf(host: string, port: number | string): string {
  return `${host}:${port}`;
}

/** What a socket is, for messages: `rclone --rc without --rc-addr (rclone's default localhost:5572)`. */
export function describeSocket(s: Socket): string {
  const l = s.listener;
  if (!l) return `containerPort ${s.port}${s.proto !== 'TCP' ? `/${s.proto}` : ''}`;
  const addr = addressOf(l.host, s.port);
  switch (l.kind) {
    case 'rc':
      return l.implicit ? `rclone --rc without --rc-addr, rclone's default ${addr}` : `rclone --rc-addr=${addr}`;
    case 'rcd':
      return l.implicit ? `rclone rcd without --rc-addr, rclone's default ${addr}` : `rclone rcd --rc-addr=${addr}`;
    case 'serve':
      return l.implicit ? `rclone serve ${l.proto ?? ''} without --addr, its default ${addr}` : `rclone serve ${l.proto ?? ''} --addr ${addr}`;
    default:
      return `port ${s.port}`;
  }
}

/** Services that select the pod and send traffic to this port (moving it would break them). */
export function servicesTargeting(pod: Pod, services: Service[], s: Socket): Service[] {
  const names = new Set(s.container.ports.filter((p) => p.port === s.port && p.name).map((p) => p.name!));
  return services.filter((svc) => {
    if (!svc.selector || !Object.keys(svc.selector).length) return false;
    const ns = pod.workload.namespace;
    if (svc.namespace && ns && svc.namespace !== ns) return false;
    if (!Object.entries(svc.selector).every(([k, v]) => pod.labels[k] === v)) return false;
    return svc.ports.some((p) => (p.targetPort === undefined ? p.port === s.port : p.targetPort === s.port || (typeof p.targetPort === 'string' && names.has(p.targetPort))));
  });
}

/** The word that turns a listener on: `--rc`, `rcd`, or the serve protocol. */
export function listenerAnchor(l: Listener): Word | undefined {
  const words = l.cmd?.words ?? [];
  if (l.kind === 'rc') {
    if (!('kind' in l.at) && /^--rc(=.*)?$/.test(l.at.text)) return l.at;
    return words.find((w) => /^--rc(=(true|1))?$/.test(w.text));
  }
  if (l.kind === 'rcd') return words.find((w) => w.text === 'rcd');
  if (l.kind === 'serve') {
    const i = words.findIndex((w) => w.text === 'serve');
    return i >= 0 ? words[i + 1] : undefined;
  }
  return undefined;
}

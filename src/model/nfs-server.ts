// What an NFS `server:` names, seen from a node's kubelet: a cluster Service DNS name (which
// the node's resolver does not know), a ClusterIP literal (reachable only through the node's
// service proxy), or something else (a NAS address or host name: none of our business).
import ipaddr from 'ipaddr.js';
import type { Model, Pod, Service } from './types.js';

export type NfsServerKind =
  | { kind: 'service-dns'; host: string; service: Service | undefined }
  | { kind: 'cluster-ip'; host: string; service: Service | undefined; cidr: string | undefined };

const SVC_DNS = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function nsMatches(svc: Service, ns: string | undefined): boolean {
  return !svc.namespace || !ns || svc.namespace === ns;
}

function parseIp(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const h = s.replace(/^\[|\]$/g, '');
  if (!ipaddr.IPv4.isValidFourPartDecimal(h) && !ipaddr.IPv6.isValid(h)) return undefined;
  try {
    return ipaddr.process(h);
  } catch {
    return undefined;
  }
}

/** The CIDR of `cidrs` that holds `ip`, if any. */
export function cidrOf(ip: ipaddr.IPv4 | ipaddr.IPv6, cidrs: string[]): string | undefined {
  for (const c of cidrs) {
    try {
      const range = ipaddr.parseCIDR(c);
      if (range[0].kind() === ip.kind() && ip.match(range)) return c;
    } catch {
      // a malformed CIDR in the config is the config schema's business
    }
  }
  return undefined;
}

/**
 * Classify an NFS server as the kubelet would have to reach it. `ns` is the namespace the
 * name would be resolved in (the pod's, or a PV's claim's), when known.
 */
export function classifyNfsServer(server: string, ns: string | undefined, model: Model, serviceCIDRs: string[]): NfsServerKind | undefined {
  const host = server.trim().toLowerCase();
  if (!host) return undefined;
  const ip = parseIp(host);
  if (ip) {
    const service = model.services.find((s) => s.clusterIP && s.clusterIP !== 'None' && parseIp(s.clusterIP)?.toNormalizedString() === ip.toNormalizedString());
    const cidr = cidrOf(ip, serviceCIDRs);
    if (!service && !cidr) return undefined;
    return { kind: 'cluster-ip', host: server, service, cidr };
  }
  const m = SVC_DNS.exec(host);
  if (m) {
    const [name, sns] = [m[1]!, m[3]!];
    return { kind: 'service-dns', host: server, service: model.services.find((s) => s.name === name && (!s.namespace || s.namespace === sns)) };
  }
  // `name` or `name.namespace`: only when such a Service is in the linted set.
  const parts = host.replace(/\.$/, '').split('.');
  if (parts.length > 2 || !parts.every((p) => DNS_LABEL.test(p))) return undefined;
  const [name, sns] = parts as [string, string | undefined];
  const service = model.services.find((s) => s.name === name && (sns === undefined ? nsMatches(s, ns) : !s.namespace || s.namespace === sns));
  return service ? { kind: 'service-dns', host: server, service } : undefined;
}

/** The in-cluster DNS name to use from inside a pod for this server. */
export function inPodServerName(k: NfsServerKind, pod: Pod): string {
  if (k.kind === 'service-dns' || !k.service) return k.host;
  const ns = k.service.namespace ?? pod.workload.namespace;
  return ns ? `${k.service.name}.${ns}.svc.cluster.local` : k.service.name;
}

/** Pods (other workloads of the model) that a Service selects. */
export function podsBehind(model: Model, svc: Service): Pod[] {
  const sel = svc.selector;
  if (!sel || !Object.keys(sel).length) return [];
  return model.workloads
    .map((w) => w.pod)
    .filter((p) => (!svc.namespace || !p.workload.namespace || svc.namespace === p.workload.namespace) &&
      Object.entries(sel).every(([k, v]) => p.labels[k] === v));
}

/** When the Service fronts `rclone serve nfs`: the port a client must pass (port=, mountport=). */
export function rcloneNfsPort(model: Model, svc: Service | undefined): number | undefined {
  if (!svc) return undefined;
  for (const pod of podsBehind(model, svc)) {
    for (const c of pod.containers) {
      for (const e of c.run.exports) {
        if (e.proto !== 'nfs') continue;
        const lp = e.listener?.port;
        const sp = svc.ports.find((p) => p.targetPort === lp || (p.targetPort === undefined && p.port === lp)) ?? (svc.ports.length === 1 ? svc.ports[0] : undefined);
        if (sp) return sp.port;
      }
    }
  }
  return undefined;
}

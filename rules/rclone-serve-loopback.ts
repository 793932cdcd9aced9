import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/engine/finding.js';
import type { Container, Listener, Pod, Service, Word } from '../src/model/types.js';
import type { Loc, YNode } from '../src/load/ynode.js';
import { describeContainer } from '../src/model/query.js';
import { describeClient, topology, type Topology } from '../src/topology/index.js';
import { insertAfter, replaceWord } from './lib/command-edits.js';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/** The container port a Service port targets in `pod` (a named targetPort looked up in its containers). */
function targetOf(pod: Pod, p: Service['ports'][number]): number | undefined {
  const tp = p.targetPort ?? p.port;
  if (typeof tp === 'number') return tp;
  for (const c of pod.containers) for (const cp of c.ports) if (cp.name === tp) return cp.port;
  return undefined;
}

/** Why something outside the pod dials a listener, and the port it dials. */
interface Reach {
  why: string;
  port: number | undefined;
  /** The Service, and the client that dials it (when one is known). */
  related: { at: YNode | Loc | undefined; message: string }[];
}

/** A Service that targets the listener's port, or an NFS client of a Service that selects its pod; undefined when none. */
function reachedBy(t: Topology, c: Container, l: Listener): Reach | undefined {
  const pod = c.pod;
  // A port another container of the pod declares is that container's, not this listener's.
  const other = l.port !== null && pod.containers.some((x) => x !== c && x.ports.some((cp) => cp.port === l.port));
  for (const svc of other ? [] : t.servicesSelecting(pod)) {
    for (const p of svc.ports) {
      const target = targetOf(pod, p);
      if (target === undefined) continue;
      const hits = l.port !== null ? target === l.port : c.ports.some((cp) => cp.port === target);
      if (hits) {
        const why = `Service ${svc.name} sends port ${p.port} to port ${target} of this pod`;
        return { why, port: target, related: [{ at: svc.resource.node, message: why }] };
      }
    }
    if (l.port === null && l.kind === 'serve' && l.proto === 'nfs') {
      const client = t.nfsClients.find((n) => n.services.includes(svc));
      if (client) {
        const only = svc.ports.length === 1 ? targetOf(pod, svc.ports[0]!) : undefined;
        const why = `${describeClient(client)} mounts NFS from Service ${svc.name}, which selects this pod`;
        return {
          why, port: only,
          related: [{ at: svc.resource.node, message: `Service ${svc.name} selects this pod` }, { at: client.at, message: `${describeClient(client)} mounts ${client.server}:${client.path}` }],
        };
      }
    }
  }
  return undefined;
}

function addrFix(c: Container, l: Listener, port: number): Fix | undefined {
  const flagName = l.kind === 'serve' ? '--addr' : '--rc-addr';
  const value = `:${port}`;
  let edits;
  if (l.flag) {
    edits = l.flag.valueWord ? replaceWord(c, l.flag.valueWord, value) : replaceWord(c, l.flag.word, `${l.flag.name}=${value}`);
  } else {
    const at = l.at as Word;
    if (!('text' in at)) return undefined;
    edits = insertAfter(c, at, [flagName, value]);
  }
  return edits && { description: `listen on ${value} (${flagName}) in "${c.name}"`, edits };
}

export default defineRule({
  id: 'rclone-serve-loopback',
  severity: 'error',
  fix: 'fix',
  scope: 'model',
  summary: 'An rclone server that other pods use must not listen on loopback only.',
  checkModel(model, ctx) {
    const t = topology(model);
    for (const w of model.workloads) {
      for (const c of w.pod.containers) {
        for (const l of c.run.listeners) {
          if (l.kind === 'containerPort' || !LOOPBACK.test(l.host)) continue;
          const reach = reachedBy(t, c, l);
          if (!reach) continue;
          const what = l.kind === 'serve' ? `rclone serve ${l.proto}` : l.kind === 'rcd' ? 'rclone rcd' : 'the rclone remote control (--rc)';
          const where = l.implicit
            ? `${l.port === null ? 'a random port on loopback' : `${l.host}:${l.port}`} (rclone's default without ${l.kind === 'serve' ? '--addr' : '--rc-addr'})`
            : `${l.host}:${l.port ?? '?'}`;
          const port = reach.port ?? l.port ?? undefined;
          ctx.report({
            workload: w,
            at: 'kind' in l.at ? l.at : (l.at.loc ?? l.at.node),
            message: `${describeContainer(c)} runs ${what} listening on ${where}, but ${reach.why}: a loopback listener is reachable only from inside its own pod. ` +
              `Set ${l.kind === 'serve' ? '--addr' : '--rc-addr'} :${port ?? 'PORT'} so it listens on every interface.`,
            fix: port !== undefined ? addrFix(c, l, port) : undefined,
            related: reach.related,
          });
        }
      }
    }
  },
});

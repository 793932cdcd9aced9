import { defineRule } from '../src/engine/rule.js';
import type { Edit, Fix } from '../src/engine/finding.js';
import type { Loc, YNode } from '../src/load/ynode.js';
import type { Pod } from '../src/model/types.js';
import { describeContainer } from '../src/model/query.js';
import {
  addressOf, describeSocket, hostsOverlap, listenerAnchor, podSockets, runConcurrently, servicesTargeting, type Socket,
} from '../src/model/listeners.js';
import { insertAfter, setFlagValue } from './lib/command-edits.js';

const FIRST_FREE = 5572;

/** The host to keep when a listener moves: as written, or `localhost` for rclone's loopback defaults. */
function newHost(s: Socket): string {
  const l = s.listener!;
  return l.implicit ? (l.host === '' ? '' : 'localhost') : s.hostAsWritten;
}

/** Edits that move an rclone listener to `port`, keeping its host. */
function moveEdits(s: Socket, port: number): Edit[] | undefined {
  const l = s.listener;
  if (!l || l.kind === 'containerPort') return undefined;
  const value = addressOf(newHost(s), port);
  let edits: Edit[] | undefined;
  if (l.flag) edits = setFlagValue(s.container, l.flag, value);
  else {
    const anchor = listenerAnchor(l);
    const flag = l.kind === 'serve' ? '--addr' : '--rc-addr';
    edits = anchor && insertAfter(s.container, anchor, [`${flag}=${value}`]);
  }
  if (!edits) return undefined;
  if (s.declared) edits.push({ op: 'setScalar', node: s.declared, value: port });
  return edits;
}

/** Where a socket is written: the address flag, the word that starts the listener, or the containerPort. */
function where(s: Socket): Loc | YNode | undefined {
  const l = s.listener;
  if (!l) return s.portNode;
  const f = l.flag?.valueWord ?? l.flag?.word;
  if (f?.loc) return f.loc;
  return 'kind' in l.at ? l.at : l.at.loc;
}

function movable(pod: Pod, s: Socket, services: Parameters<typeof servicesTargeting>[1]): boolean {
  return !!s.listener && s.listener.kind !== 'containerPort' && !servicesTargeting(pod, services, s).length;
}

export default defineRule({
  id: 'unique-pod-ports',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'Two containers of one pod must not listen on the same port: they share one network namespace.',
  checkPod(pod, ctx) {
    const sockets = podSockets(pod);
    const used = new Set(sockets.map((s) => s.port));
    const nextFree = () => {
      let p = FIRST_FREE;
      while (used.has(p)) p++;
      used.add(p);
      return p;
    };
    const moved = new Set<Socket>();
    for (let i = 0; i < sockets.length; i++) {
      const later = sockets[i]!;
      const earlier = sockets.slice(0, i).find((e) => !moved.has(e) && e.port === later.port && e.proto === later.proto &&
        hostsOverlap(e.host, later.host) && runConcurrently(e.container, later.container));
      if (!earlier) continue;
      // Move the later listener; if it cannot move (a bare containerPort, a port a Service
      // targets, a word we cannot place exactly), move the earlier one instead.
      let fix: Fix | undefined;
      let hint = 'Give one of them another port';
      for (const mover of [later, earlier]) {
        if (!movable(pod, mover, ctx.model.services)) continue;
        const port = nextFree();
        const edits = moveEdits(mover, port);
        if (!edits) {
          used.delete(port);
          continue;
        }
        moved.add(mover);
        const flag = mover.listener!.kind === 'serve' ? '--addr' : '--rc-addr';
        hint = `Move "${mover.container.name}" to a free port, e.g. ${flag}=${addressOf(newHost(mover), port)}`;
        fix = { description: `move the ${describeSocket(mover)} listener of "${mover.container.name}" to port ${port}`, edits };
        break;
      }
      const rclone = [later, earlier].some((s) => s.listener?.kind === 'rc' || s.listener?.kind === 'rcd');
      const mounts = [later, earlier].some((s) => s.container.run.mountOps.length > 0);
      const why = rclone
        ? `the second rclone to start fails with "Failed to start remote control: … address already in use" and exits${mounts ? ', and its mount never appears' : ''}`
        : `the second one to start cannot bind it ("address already in use")`;
      ctx.report({
        at: where(later) ?? later.container.node,
        message: `${describeContainer(later.container)} listens on port ${later.port} (${describeSocket(later)}), and so does "${earlier.container.name}" (${describeSocket(earlier)}): ` +
          `the containers of a pod share one network namespace, so ${why}. ${hint}.`,
        fix,
        related: [{ at: where(earlier), message: `"${earlier.container.name}" listens on port ${earlier.port} here` }],
      });
    }
  },
});

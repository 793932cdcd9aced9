import { defineRule } from '../src/engine/rule.js';
import type { Loc, YNode } from '../src/load/ynode.js';
import type { Container, Volume, Workload } from '../src/model/types.js';
import { isUnder, normalizePath } from '../src/model/build.js';
import { consumersOf, pathInContainer } from '../src/model/query.js';
import { listOf, opAt, pathSeenBy, remoteOf, topology } from '../src/topology/index.js';

/** Where one workload sees one place of a remote: `root` inside the remote, at `path` in a container. */
interface View {
  workload: Workload;
  store: string;
  label: string;
  root: string;
  /** The root of what the label names (a subPath below it is shown). */
  base: string;
  path: string;
  /** The workload names this remote itself (a mount op, or a volume of that storage). */
  explicit: boolean;
  at: YNode | Loc;
}

function seen(v: View, s: string): string | undefined {
  if (!isUnder(s, v.root)) return undefined;
  const rel = v.root === '/' ? s : s.slice(v.root.length);
  return normalizePath(`${v.path}/${rel}`);
}

export default defineRule({
  id: 'consistent-mount-paths',
  severity: 'warning',
  fix: 'none',
  scope: 'model',
  summary: 'Workloads that share a remote should all mount it at the same path, or paths one app stores break in another.',
  checkModel(model, ctx) {
    const t = topology(model);
    const views: View[] = [];
    for (const site of t.sites) {
      const remote = remoteOf(t, site);
      if (!remote) continue;
      const w = site.container.pod.workload;
      const base = { store: remote.store, label: remote.label, root: remote.path, base: '/' };
      const inPod = consumersOf(site).filter((m) => m.container.sort !== 'init');
      const crossPod = t.hostPathConsumers(site).filter((m) => m.container.sort !== 'init');
      // Only a remote that some app reads counts: a mounter with no consumer stores no paths.
      // (Literals rather than `{ ...base, … }`: object spread was most of this rule's time.)
      const view = (workload: Workload, path: string, at: YNode | Loc): View =>
        ({ workload, store: base.store, label: base.label, root: base.root, base: base.base, path, explicit: true, at });
      if (inPod.length) views.push(view(w, site.op.target, opAt(site)));
      for (const m of inPod) {
        const p = pathInContainer(m, site.volPath);
        if (p) views.push(view(w, p, opAt(site)));
      }
      const host = t.siteStorage(site);
      for (const m of crossPod) {
        if (!host) continue;
        views.push(view(m.container.pod.workload, pathSeenBy(t, m, host.path), m.node));
      }
    }
    const mountsOn = new Map<Container, Set<Volume | undefined>>();
    for (const x of t.sites) {
      const vols = mountsOn.get(x.container) ?? new Set();
      vols.add(x.volume);
      mountsOn.set(x.container, vols);
    }
    for (const w of model.workloads) {
      for (const c of w.pod.containers) {
        if (c.sort === 'init') continue;
        for (const m of c.volumeMounts) {
          const s = t.storageOf(m);
          if (!s || (s.kind !== 'nfs' && s.kind !== 'pvc')) continue;
          // A mounter's own view of the volume is where it mounts, not a path an app stores.
          if (mountsOn.get(c)?.has(m.volume)) continue;
          views.push({ workload: w, store: s.store, label: s.label, root: s.path, base: s.base, path: m.mountPath, explicit: true, at: m.mountPathNode ?? m.node });
        }
      }
    }

    // Indexed by place and by store and workload, so that the work grows with the views, not their square.
    const places = new Map<string, View[]>();
    const byStore = new Map<string, Map<Workload, View[]>>();
    for (const v of views) {
      // A path holding an unresolved `${VAR}` (Flux post-build substitution with no value
      // medialint can see, src/apptemplate/flux.ts) is not known: it neither agrees nor disagrees.
      if (v.path.includes('${')) continue;
      const k = `${v.store}\u0000${v.root}`;
      const list = places.get(k);
      if (list) list.push(v);
      else places.set(k, [v]);
      let ws = byStore.get(v.store);
      if (!ws) byStore.set(v.store, (ws = new Map()));
      const own = ws.get(v.workload);
      if (own) own.push(v);
      else ws.set(v.workload, [v]);
    }
    const reported = new Set<string>();
    for (const explicitViews of places.values()) {
      const { store, root, label, base } = explicitViews[0]!;
      const what = root === base ? label : `${label} (${base === '/' ? root : root.slice(base.length)})`;
      // Each participant with its first view of this place.
      const firstView = new Map<Workload, View>();
      for (const v of explicitViews) if (!firstView.has(v.workload)) firstView.set(v.workload, v);
      const participants = [...firstView.keys()];
      if (participants.length < 2) continue;
      const setOf = (w: Workload) => new Set((byStore.get(store)?.get(w) ?? []).flatMap((v) => seen(v, root) ?? []));
      const sets = new Map(participants.map((w) => [w, setOf(w)]));
      const count = new Map<string, number>();
      for (const s of sets.values()) for (const p of s) count.set(p, (count.get(p) ?? 0) + 1);
      if ([...count.values()].some((n) => n === participants.length)) continue;
      // The path most workloads use; on a tie, the first workload's.
      let canonical = '';
      let best = 0;
      for (const w of participants) {
        for (const p of sets.get(w)!) {
          const n = count.get(p)!;
          if (n > best) [canonical, best] = [p, n];
        }
      }
      const agree = participants.filter((w) => sets.get(w)!.has(canonical));
      for (const w of participants) {
        if (sets.get(w)!.has(canonical)) continue;
        const own = firstView.get(w)!;
        const key = `${w.id}\u0000${own.at && 'kind' in own.at ? own.at.loc?.start : (own.at as Loc).start}\u0000${store}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const others = agree.map((x) => `${x.kind} ${x.name}`);
        ctx.report({
          workload: w,
          at: own.at,
          message: `${w.kind} ${w.name} sees ${what} at ${[...sets.get(w)!].join(', ')}, while ${listOf(others)} ${others.length === 1 ? 'sees' : 'see'} it at ${canonical}: ` +
            `paths one app stores (Sonarr's symlinks, a Plex library path) point nowhere in the other. Mount it at ${canonical} here too.`,
          related: agree.slice(0, 3).map((x) => {
            const v = firstView.get(x)!;
            return { at: v.at, message: `${x.kind} ${x.name} sees it at ${canonical}` };
          }),
        });
      }
    }
  },
});

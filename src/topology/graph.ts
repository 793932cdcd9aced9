// The mount graph: per namespace, mounters -> the volumes, host paths, PVCs and exports they
// mount or serve -> the containers that read them. Edges that a finding blames are marked
// with its rule id. Pure: (model, findings) -> text. `text` is an indented tree for a
// terminal; `mermaid` is a GitHub-renderable flowchart (quoted labels, safe ids).
import type { Finding } from '../engine/finding.js';
import type { Loc, YNode } from '../load/ynode.js';
import type { Container, Model, VolumeMount, Word, Workload } from '../model/types.js';
import { consumersOf, pathInContainer, type MountSite } from '../model/query.js';
import { csiBacked, mountsItself, pathSeenBy, pushTo, servicePortFor, topology, type ExportSite, type NfsClient, type Topology } from './index.js';

export type GraphFormat = 'text' | 'mermaid';

type NodeKind = 'container' | 'storage' | 'export' | 'service' | 'client';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  ns: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
  /** Index of the flow (one mount op or one export) the edge belongs to. */
  flow: number;
  /** Ids of the rules whose findings blame this edge. */
  rules: string[];
  /** The reader can never see the mount (another pod's mount of the same PVC/NFS). */
  cut: boolean;
  /** Findings located inside these spans blame the edge. */
  anchors: Loc[];
  /** Findings located inside `via` blame the edge when one of their related places is inside `anchors`. */
  via: Loc[];
}

export interface Flow {
  ns: string;
  workload: Workload;
  head: string;
  title: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  flows: Flow[];
}

/**
 * Warnings that mean a mount may not arrive (errors always count). Hygiene findings about
 * a mounter (image tag, limits, probes) do not make its edges fail.
 */
const EDGE_RULES = new Set([
  'consistent-mount-paths', 'fuse-allow-other', 'hostpath-mount-colocation', 'hostpath-propagation',
  'rclone-nfs-client-options', 'rclone-nfs-export-root',
]);

const locOf = (x: YNode | Word | Loc | undefined): Loc | undefined => {
  if (!x) return undefined;
  if ('file' in x) return x;
  return x.loc;
};
const locs = (...xs: (YNode | Word | Loc | undefined)[]): Loc[] => xs.map(locOf).filter((l): l is Loc => !!l);

function ctrLabel(c: Container): string {
  return `${c.pod.workload.kind}/${c.pod.workload.name} ${c.name}`;
}

function propagationOf(m: VolumeMount | undefined): string {
  return m?.propagation ?? 'None';
}

export function buildGraph(model: Model, findings: Finding[]): Graph {
  const t = topology(model);
  const nodes: GraphNode[] = [];
  const byKey = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const flows: Flow[] = [];
  const node = (key: string, kind: NodeKind, label: string, ns: string): string => {
    let n = byKey.get(key);
    if (!n) {
      n = { id: `n${nodes.length + 1}`, kind, label, ns };
      nodes.push(n);
      byKey.set(key, n);
    }
    return n.id;
  };
  const ctrNode = (c: Container) => node(`c:${c.pod.workload.id}/${c.sort}/${c.name}`, 'container', ctrLabel(c), c.pod.workload.namespace ?? '');
  // One edge per (flow, from, to, label): the same Service or PV name in k files is one node,
  // and without this its k readers made k² parallel edges. A repeat adds its places.
  const edgeByKey = new Map<string, GraphEdge>();
  const edge = (e: Omit<GraphEdge, 'rules'>) => {
    const key = `${e.flow}\u0000${e.from}\u0000${e.to}\u0000${e.label}\u0000${e.cut}`;
    const seen = edgeByKey.get(key);
    if (!seen) {
      const made: GraphEdge = { ...e, rules: [] };
      edges.push(made);
      edgeByKey.set(key, made);
      return;
    }
    for (const a of e.anchors) if (!seen.anchors.includes(a)) seen.anchors.push(a);
    for (const a of e.via) if (!seen.via.includes(a)) seen.via.push(a);
  };

  const ordered = [...model.workloads].sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? ''));
  const sitesOf = new Map<Workload, MountSite[]>();
  for (const site of t.sites) pushTo(sitesOf, site.container.pod.workload, site);
  for (const w of ordered) {
    const ns = w.namespace ?? '';
    for (const site of sitesOf.get(w) ?? []) addSite(t, site, ns);
    for (const exp of t.exportsOf(w.pod)) addExport(t, exp, ns);
  }

  function storageNode(site: MountSite, ns: string): string {
    const s = t.siteStorage(site);
    if (!s || !site.volume) return node(`p:${site.container.pod.workload.id}/${site.op.target}`, 'storage', `${site.op.target} (on no volume)`, ns);
    if (s.kind === 'host') return node(`h:${s.path}`, 'storage', `host ${s.path}`, ns);
    if (s.kind === 'pod' || s.kind === 'csi') {
      const v = site.volume;
      const what = v.type === 'emptyDir' ? `emptyDir${v.medium ? ` (${v.medium})` : ''}` : v.type === 'csi' ? `csi ${v.csiDriver ?? ''}`.trim() : v.type;
      return node(`v:${s.store}`, 'storage', `${what} ${v.name}`, ns);
    }
    const vol = site.volume.claimName ? `PVC ${site.volume.claimName}` : s.label;
    return node(`s:${s.store}`, 'storage', vol, ns);
  }

  function addSite(t: Topology, site: MountSite, ns: string): void {
    const flow = flows.length;
    const head = ctrNode(site.container);
    const op = site.op;
    const verb = op.tool === 'rclone' ? `rclone ${op.subcommand ?? 'mount'}` : op.tool === 'mount' ? `mount -t ${op.subcommand ?? 'auto'}` : op.tool;
    const csi = csiBacked(site.container) ? ' (mounted by the CSI driver)' : '';
    flows.push({ ns, workload: site.container.pod.workload, head, title: `${verb} ${op.source ?? ''} ${op.target}${csi}`.replace(/\s+/g, ' ') });
    const st = storageNode(site, ns);
    const m = site.mount;
    const mounterAnchors = locs(op.at, op.targetWord, m?.node, site.volume?.node);
    edge({
      from: head, to: st, flow, cut: false,
      label: m ? `${m.volume ? `volume ${m.name} at ` : ''}${m.mountPath} (${propagationOf(m)})` : `${op.target} (no volume)`,
      anchors: mounterAnchors, via: [],
    });
    const reader = (r: VolumeMount, path: string | undefined, cut: boolean, note = '') => {
      edge({
        from: st, to: ctrNode(r.container), flow, cut,
        label: `${path ?? r.mountPath} (${propagationOf(r)}${note})`,
        anchors: locs(r.node), via: locs(op.at, op.targetWord, m?.node),
      });
    };
    // Other mounters sharing the volume are drawn as their own flows.
    const mounterOn = (r: VolumeMount) => t.sites.some((s) => s.container === r.container && s.volume === r.volume);
    for (const r of consumersOf(site)) if (!mounterOn(r)) reader(r, pathInContainer(r, site.volPath), false);
    const host = t.siteStorage(site);
    for (const r of t.hostPathConsumers(site)) if (!mounterOn(r)) reader(r, host ? pathSeenBy(t, r, host.path) : undefined, false);
    for (const r of t.cutOff(site)) {
      const own = host && mountsItself(t, r.container.pod, host);
      reader(r, host ? pathSeenBy(t, r, host.path) : undefined, true, own ? ', has its own mounter' : '');
    }
  }

  function addExport(t: Topology, exp: ExportSite, ns: string): void {
    const flow = flows.length;
    const head = ctrNode(exp.container);
    const listener = exp.export?.listener;
    const addr = listener ? (listener.port === null ? `${listener.host || '*'}:random` : `${listener.host || '*'}:${listener.port}`) : exp.port ? `*:${exp.port}` : '';
    flows.push({ ns, workload: exp.pod.workload, head, title: `serves ${exp.proto} ${exp.dir}${addr ? ` on ${addr}` : ''}` });
    const ex = node(`e:${exp.pod.workload.id}/${exp.container.name}/${exp.proto}/${exp.dir}`, 'export', `${exp.rclone ? 'rclone serve ' : ''}${exp.proto} ${exp.dir}${addr ? ` ${addr}` : ''}`, ns);
    const here = locs(exp.at, listener?.at);
    edge({ from: head, to: ex, flow, cut: false, label: '', anchors: here, via: [] });
    for (const svc of t.servicesSelecting(exp.pod)) {
      const clients = t.nfsClients.filter((c) => exp.proto === 'nfs' && c.services.includes(svc));
      if (servicePortFor(svc, exp) === undefined && !clients.length) continue;
      const sv = node(`svc:${svc.namespace ?? ''}/${svc.name}`, 'service', `Service ${svc.name}`, svc.namespace ?? ns);
      edge({ from: ex, to: sv, flow, cut: false, label: `port ${servicePortFor(svc, exp) ?? '?'}`, anchors: locs(svc.resource.node), via: here });
      for (const c of clients) addClient(c, sv, flow, ns);
    }
  }

  function addClient(c: NfsClient, sv: string, flow: number, ns: string): void {
    const anchors = locs(c.at, c.pathAt, c.volume?.node, c.pv?.resource.node, ...(c.op?.cmd.words ?? []));
    const label = `${c.kind === 'mount' ? `mount -t ${c.op?.subcommand ?? 'nfs'}` : c.kind === 'pv' ? 'PersistentVolume' : 'nfs volume'} ${c.server}:${c.path}`;
    if (c.kind === 'mount' && c.container) {
      edge({ from: sv, to: ctrNode(c.container), flow, cut: false, label, anchors, via: [] });
      return;
    }
    const key = c.kind === 'pv' ? `pv:${c.pv?.name}` : `nv:${c.pods[0]?.workload.id}/${c.volume?.name}`;
    const cl = node(key, 'client', c.kind === 'pv' ? `PV ${c.pv?.name}` : `nfs volume ${c.volume?.name}`, ns);
    edge({ from: sv, to: cl, flow, cut: false, label, anchors, via: [] });
    for (const pod of c.pods) {
      for (const ctr of pod.containers) {
        for (const m of ctr.volumeMounts) {
          const reads = c.kind === 'volume' ? m.volume === c.volume : !!m.volume?.claimName && t.claimsOf(c.pv!).some((pvc) => pvc.name === m.volume!.claimName);
          if (reads) edge({ from: cl, to: ctrNode(ctr), flow, cut: false, label: `${m.mountPath} (${propagationOf(m)})`, anchors: locs(m.node), via: [] });
        }
      }
    }
  }

  // Which edges the findings blame. Only an edge with an anchor or a `via` span in the
  // finding's file can be, so each finding looks at those edges only (not at every edge).
  const inside = (l: Loc, a: Loc) => l.file === a.file && l.start >= a.start && l.end <= a.end;
  const edgesByFile = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    for (const file of new Set([...e.anchors, ...e.via].map((a) => a.file))) pushTo(edgesByFile, file, e);
  }
  for (const f of findings) {
    if (f.severity !== 'error' && !EDGE_RULES.has(f.ruleId)) continue;
    for (const e of edgesByFile.get(f.loc.file) ?? []) {
      const direct = e.anchors.some((a) => inside(f.loc, a));
      const related = e.via.some((a) => inside(f.loc, a)) && (f.related ?? []).some((r) => e.anchors.some((a) => inside(r.loc, a)));
      if ((direct || related) && !e.rules.includes(f.ruleId)) e.rules.push(f.ruleId);
    }
  }
  for (const e of edges) e.rules.sort();
  return { nodes, edges, flows };
}

/** `cut off: rule-a`, `rule-a, rule-b`, or '' for an edge that works. */
function marks(e: GraphEdge): string {
  const rules = e.rules.join(', ');
  return e.cut ? `cut off${rules ? `: ${rules}` : ''}` : rules;
}

// ---- text ---------------------------------------------------------------------------------

/**
 * Each flow as an indented tree from its head. Every node is expanded once per flow and every
 * edge printed once: a node reached again (through a second edge, e.g. two Services of one
 * name selecting the same pod) prints its edge line with "(see above)" instead of its subtree
 * again, so the output has at most one line per edge plus the headers, however wide or deep
 * the graph is. An edge back to a node on the current path (a cycle) is not printed.
 */
export function renderText(g: Graph): string {
  const out: string[] = [];
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  // One pass over the edges: each flow's edges by source node, in their order.
  const bySource = g.flows.map(() => new Map<string, GraphEdge[]>());
  for (const e of g.edges) {
    const from = bySource[e.flow];
    if (from) pushTo(from, e.from, e);
  }
  const namespaces = [...new Set(g.flows.map((f) => f.ns))];
  for (const ns of namespaces) {
    out.push(`namespace ${ns || '(none)'}`);
    let last: Workload | undefined;
    g.flows.forEach((flow, i) => {
      if (flow.ns !== ns) return;
      if (flow.workload !== last) out.push(`  ${flow.workload.kind}/${flow.workload.name}`);
      last = flow.workload;
      const head = byId.get(flow.head)!;
      out.push(`    ${head.label.slice(head.label.indexOf(' ') + 1)}: ${flow.title}`);
      const from = bySource[i]!;
      /** Nodes expanded in this flow -> whether that printed anything under them. */
      const expanded = new Map<string, boolean>();
      const onPath = new Set<string>();
      const walk = (id: string, depth: number): boolean => {
        expanded.set(id, false);
        onPath.add(id);
        let printed = false;
        for (const e of from.get(id) ?? []) {
          if (onPath.has(e.to)) continue;
          const to = byId.get(e.to)!;
          const mark = e.cut || e.rules.length ? 'x' : '->';
          const rules = marks(e) ? `  [${marks(e)}]` : '';
          const seen = expanded.get(e.to);
          out.push(`${'  '.repeat(depth + 3)}${mark} ${to.label}${e.label ? `: ${e.label}` : ''}${rules}${seen ? '  (see above)' : ''}`);
          printed = true;
          if (seen === undefined) walk(e.to, depth + 1);
        }
        onPath.delete(id);
        expanded.set(id, printed);
        return printed;
      };
      if (!walk(flow.head, 0)) out.push(`      (nothing reads it)`);
    });
  }
  return out.length ? out.join('\n') + '\n' : 'no mounts, exports or NFS clients found\n';
}

// ---- mermaid ------------------------------------------------------------------------------

/** A label for a quoted mermaid string: entity codes for the characters mermaid or HTML would read. */
export function mermaidText(s: string): string {
  return s
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/&/g, '#amp;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/`/g, '#96;')
    .replace(/[\r\n]+/g, ' ');
}

const SHAPES: Record<NodeKind, [string, string]> = {
  container: ['["', '"]'],
  storage: ['[("', '")]'],
  export: ['{{"', '"}}'],
  service: ['(["', '"])'],
  client: ['[/"', '"/]'],
};

export function renderMermaid(g: Graph): string {
  const out = ['flowchart LR'];
  const namespaces = [...new Set(g.nodes.map((n) => n.ns))];
  namespaces.forEach((ns, i) => {
    out.push(`  subgraph ns${i}["${mermaidText(`namespace ${ns || '(none)'}`)}"]`);
    for (const n of g.nodes.filter((x) => x.ns === ns)) {
      const [a, b] = SHAPES[n.kind];
      out.push(`    ${n.id}${a}${mermaidText(n.label)}${b}`);
    }
    out.push('  end');
  });
  const bad: number[] = [];
  g.edges.forEach((e, i) => {
    const m = marks(e);
    const arrow = e.cut ? '-.->' : '-->';
    const label = [e.label, m && `✗ ${m}`].filter(Boolean).join(' ');
    out.push(label ? `  ${e.from} ${arrow}|"${mermaidText(label)}"| ${e.to}` : `  ${e.from} ${arrow} ${e.to}`);
    if (e.rules.length || e.cut) bad.push(i);
  });
  if (bad.length) out.push(`  linkStyle ${bad.join(',')} stroke:#d73a49,stroke-width:2px`);
  return out.join('\n') + '\n';
}

export function renderGraph(model: Model, findings: Finding[], format: GraphFormat | string): string {
  const g = buildGraph(model, findings);
  return format === 'mermaid' ? renderMermaid(g) : renderText(g);
}

// `medialint graph`: the text form is stable, the mermaid form is a flowchart GitHub can
// render, and on the real corpus it draws what LABELS.md says about wow-ocp.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { SHARED, lint, lintText } from './helpers.js';
import { defaultConfig } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';
import { buildGraph, mermaidText, renderGraph, renderMermaid, renderText, type Graph, type GraphEdge } from '../src/topology/graph.js';
import { graphCommand } from '../src/topology/graph-command.js';
import type { Io } from '../src/cli/main.js';
import type { Workload } from '../src/model/types.js';

const SMALL = `apiVersion: apps/v1
kind: Deployment
metadata: {name: rclone-zurg, namespace: media}
spec:
  selector: {matchLabels: {app: rclone-zurg}}
  template:
    metadata: {labels: {app: rclone-zurg}}
    spec:
      containers:
        - name: rclone
          image: rclone/rclone:1.68.2
          securityContext: {privileged: true}
          args: [mount, "zurg:", /mnt/media/zurg, --allow-other]
          volumeMounts:
            - {name: media, mountPath: /mnt/media, mountPropagation: Bidirectional}
      volumes:
        - {name: media, persistentVolumeClaim: {claimName: media}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: sonarr, namespace: media}
spec:
  selector: {matchLabels: {app: sonarr}}
  template:
    metadata: {labels: {app: sonarr}}
    spec:
      containers:
        - name: sonarr
          image: lscr.io/linuxserver/sonarr:4.0.16
          volumeMounts:
            - {name: media, mountPath: /mnt/media, mountPropagation: HostToContainer}
      volumes:
        - {name: media, persistentVolumeClaim: {claimName: media}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: plex, namespace: media}
spec:
  selector: {matchLabels: {app: plex}}
  template:
    metadata: {labels: {app: plex}}
    spec:
      containers:
        - name: rclone-zurg
          image: rclone/rclone:1.68.2
          securityContext: {privileged: true}
          args: [mount, "zurg:", /mnt/media/zurg, --allow-other, --allow-non-empty]
          volumeMounts:
            - {name: media, mountPath: /mnt/media, mountPropagation: Bidirectional}
        - name: plex
          image: plexinc/pms-docker:1.41.3
          volumeMounts:
            - {name: media, mountPath: /mnt/media}
      volumes:
        - {name: media, emptyDir: {medium: Memory}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: dfs, namespace: media}
spec:
  serviceName: dfs
  selector: {matchLabels: {app: dfs}}
  template:
    metadata: {labels: {app: dfs}}
    spec:
      containers:
        - name: nfs
          image: rclone/rclone:1.75.0
          args: [serve, nfs, /srv/dfs, --addr, ":2049"]
---
apiVersion: v1
kind: Service
metadata: {name: dfs, namespace: media}
spec:
  selector: {app: dfs}
  ports: [{port: 2049}]
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: dfs}
spec:
  capacity: {storage: 1Ti}
  accessModes: [ReadOnlyMany]
  mountOptions: [port=2049, mountport=2049, tcp]
  nfs: {server: dfs.media.svc.cluster.local, path: /srv/dfs}
`;

/** Only the topology rules, so that the expected text does not move with unrelated rules. */
function topologyConfig() {
  const config = defaultConfig();
  const keep = new Set(['standalone-fuse-mounter', 'consumer-host-to-container', 'rclone-nfs-export-root']);
  for (const r of RULES) if (!keep.has(r.id)) config.rules[r.id] = 'off';
  return config;
}

function small(format: 'text' | 'mermaid'): string {
  const r = lintText(SMALL, 'small.yaml', topologyConfig());
  return renderGraph(r.model, r.findings, format);
}

describe('graph text form', () => {
  it('is stable on a small fixture', () => {
    expect(small('text')).toBe(`namespace media
  Deployment/rclone-zurg
    rclone: rclone mount zurg: /mnt/media/zurg
      x PVC media: volume media at /mnt/media (Bidirectional)  [standalone-fuse-mounter]
        x Deployment/sonarr sonarr: /mnt/media/zurg (HostToContainer)  [cut off: standalone-fuse-mounter]
  Deployment/plex
    rclone-zurg: rclone mount zurg: /mnt/media/zurg
      -> emptyDir (Memory) media: volume media at /mnt/media (Bidirectional)
        x Deployment/plex plex: /mnt/media/zurg (None)  [consumer-host-to-container]
  StatefulSet/dfs
    nfs: serves nfs /srv/dfs on *:2049
      -> rclone serve nfs /srv/dfs *:2049
        -> Service dfs: port 2049
          x PV dfs: PersistentVolume dfs.media.svc.cluster.local:/srv/dfs  [rclone-nfs-export-root]
`);
  });

  it('the same Service and PV in k files are one node each, joined by one edge that lists every place', () => {
    // As in a directory of fixtures: every Service object selects the export, and every PV
    // names the Service. Before, each Service object added an edge to the one Service node,
    // and each PV one per Service: k² parallel edges in the mermaid form.
    const [head, svc, pv] = SMALL.split('---\n').slice(3);
    const k = 6;
    const r = lintText([head, ...Array.from({ length: k }, () => `${svc}---\n${pv}`)].join('---\n'), 'dup.yaml', topologyConfig());
    const g = buildGraph(r.model, r.findings);
    const label = (id: string) => g.nodes.find((n) => n.id === id)!.label;
    const toService = g.edges.filter((e) => label(e.to) === 'Service dfs');
    expect(toService).toHaveLength(1);
    expect(toService[0]!.anchors.map((a) => a.line)).toHaveLength(k);
    const toPv = g.edges.filter((e) => label(e.to) === 'PV dfs');
    expect(toPv).toHaveLength(1);
    const lines = renderText(g).trimEnd().split('\n');
    expect(lines).toHaveLength(3 + g.edges.length);
    expect(lines.filter((l) => l === '        -> Service dfs: port 2049')).toHaveLength(1);
    expect(lines.filter((l) => l.includes('(see above)'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('          x PV dfs: '))).toHaveLength(1);
    expect(renderMermaid(g).split('\n').filter((l) => /^  n\d+ -(->|\.->)/.test(l))).toHaveLength(g.edges.length);
  });

  it('visits each edge once on a wide, deep graph (by construction, not by timing)', () => {
    // 200 layers of 3 nodes, each node wired to every node of the next layer, plus a parallel
    // edge and an edge back up (a cycle): 3^200 paths from the head, 1,796 edges.
    const layers = 200;
    const width = 3;
    const workload = { kind: 'Deployment', name: 'wide', namespace: 'deep' } as unknown as Workload;
    const g: Graph = { nodes: [{ id: 'head', kind: 'container', label: 'Deployment/wide c', ns: 'deep' }], edges: [], flows: [{ ns: 'deep', workload, head: 'head', title: 'rclone mount r: /m' }] };
    const id = (l: number, i: number) => `n${l}_${i}`;
    const edge = (from: string, to: string, label = ''): GraphEdge => ({ from, to, label, flow: 0, rules: [], cut: false, anchors: [], via: [] });
    for (let l = 0; l < layers; l++) for (let i = 0; i < width; i++) g.nodes.push({ id: id(l, i), kind: 'storage', label: `node ${l}.${i}`, ns: 'deep' });
    for (let i = 0; i < width; i++) g.edges.push(edge('head', id(0, i)));
    for (let l = 0; l + 1 < layers; l++) {
      for (let i = 0; i < width; i++) for (let j = 0; j < width; j++) g.edges.push(edge(id(l, i), id(l + 1, j), `${l}`));
    }
    g.edges.push(edge(id(5, 0), id(6, 0), 'parallel'));
    g.edges.push(edge(id(9, 0), id(3, 0), 'back'));
    const lines = renderText(g).trimEnd().split('\n');
    // At most one line per edge after the namespace, workload and flow head lines.
    expect(lines.length).toBeLessThanOrEqual(3 + g.edges.length);
    // The edge back up is met on the first path down, where it closes a cycle: not printed.
    expect(lines.some((x) => x.endsWith(': back'))).toBe(false);
    expect(lines.filter((x) => x.endsWith(': parallel  (see above)'))).toHaveLength(1);
    // Every node with something under it is expanded once: printed once without "(see above)"
    // (a leaf has nothing to refer back to and is printed plainly for each edge into it).
    const plain = new Map<string, number>();
    for (const x of lines.slice(3)) {
      const m = /^ *-> (node \d+\.\d+)(?::|$)/.exec(x);
      expect(m, x).not.toBeNull();
      if (!x.endsWith('  (see above)')) plain.set(m![1]!, (plain.get(m![1]!) ?? 0) + 1);
    }
    for (const n of g.nodes.slice(1, 1 + (layers - 1) * width)) expect(plain.get(n.label), n.label).toBe(1);
    expect(plain.get(`node ${layers - 1}.2`)).toBe(width);
    // The first path goes all the way down.
    expect(lines[3 + layers - 1]).toBe(`${'  '.repeat(layers + 2)}-> node ${layers - 1}.0: ${layers - 2}`);
  });

  it('says so when there is nothing to draw', () => {
    const r = lintText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'x.yaml');
    expect(renderGraph(r.model, r.findings, 'text')).toBe('no mounts, exports or NFS clients found\n');
  });
});

/**
 * A structural check of a mermaid flowchart, as GitHub renders it (@mermaid-js/parser has
 * no flowchart grammar): a `flowchart LR` header, subgraphs closed, node ids made of
 * [A-Za-z0-9_], every label quoted with nothing inside that ends the quote or opens HTML,
 * and every edge between declared nodes.
 */
function checkMermaid(text: string): { nodes: Set<string>; edges: [string, string][] } {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('flowchart LR');
  const nodes = new Set<string>();
  const edges: [string, string][] = [];
  let depth = 0;
  const label = /^"[^"<>`]*"$/;
  for (const raw of lines.slice(1)) {
    const l = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^subgraph ([A-Za-z0-9_]+)\[(".*")\]$/.exec(l))) {
      expect(m[2]).toMatch(label);
      depth++;
    } else if (l === 'end') {
      depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    } else if ((m = /^([A-Za-z0-9_]+)(\[\(|\{\{|\(\[|\[\/|\[)(".*")(\)\]|\}\}|\]\)|\/\]|\])$/.exec(l))) {
      const pairs: Record<string, string> = { '[(': ')]', '{{': '}}', '([': '])', '[/': '/]', '[': ']' };
      expect(pairs[m[2]!]).toBe(m[4]);
      expect(m[3]).toMatch(label);
      expect(nodes.has(m[1]!)).toBe(false);
      nodes.add(m[1]!);
    } else if ((m = /^([A-Za-z0-9_]+) (-->|-\.->)(?:\|(".*")\|)? ([A-Za-z0-9_]+)$/.exec(l))) {
      if (m[3]) expect(m[3]).toMatch(label);
      edges.push([m[1]!, m[4]!]);
    } else if ((m = /^linkStyle ([\d,]+) stroke:#[0-9a-f]{6},stroke-width:\dpx$/.exec(l))) {
      for (const i of m[1]!.split(',').map(Number)) expect(i).toBeLessThan(edges.length);
    } else {
      expect.fail(`not a flowchart line: ${raw}`);
    }
  }
  expect(depth).toBe(0);
  for (const [a, b] of edges) {
    expect(nodes.has(a), `edge from undeclared node ${a}`).toBe(true);
    expect(nodes.has(b), `edge to undeclared node ${b}`).toBe(true);
  }
  // Entity codes only: every `#` starts one.
  for (const m of text.matchAll(/"([^"]*)"/g)) expect(m[1]!.replace(/#(\d+|quot|amp|lt|gt);/g, '')).not.toMatch(/#/);
  return { nodes, edges };
}

describe('graph mermaid form', () => {
  it('parses as a GitHub flowchart on the small fixture', () => {
    const g = checkMermaid(small('mermaid'));
    expect(g.nodes.size).toBe(10);
    expect(g.edges).toHaveLength(7);
  });

  it('escapes what would end a label or open HTML', () => {
    expect(mermaidText('a "b" <c> #1 & d|e `f`')).toBe('a #quot;b#quot; #lt;c#gt; #35;1 #amp; d#124;e #96;f#96;');
    const text = small('mermaid');
    expect(text).toContain('n2[("PVC media")]');
    expect(text).toMatch(/n2 -\.->\|"\/mnt\/media\/zurg \(HostToContainer\) ✗ cut off: standalone-fuse-mounter"\| n3/);
    expect(text).toMatch(/^ {2}linkStyle [\d,]+ stroke:#d73a49,stroke-width:2px$/m);
  });

  it.each(['sigtom__wow-ocp@ea82b3b', 'sigtom__wow-ocp', 'cmpetersen5551__GitOps@8d10195', 'herobrauni__ovh-ops'])('parses on the real corpus: %s', (dir) => {
    const r = lint(['.'], path.join(SHARED, 'corpus', 'real', dir));
    checkMermaid(renderGraph(r.model, r.findings, 'mermaid'));
  });
});

// ---- the real corpus --------------------------------------------------------------------

function io(cwd: string) {
  let out = '';
  let err = '';
  const value: Io = { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), stdin: () => '', env: {}, isTTY: false };
  return { value, out: () => out, err: () => err };
}

/** The lines of one flow: from its head line to the next line at the same or a lower indent. */
function flow(text: string, workload: string, head: string): string[] {
  const lines = text.split('\n');
  const w = lines.findIndex((l) => l === `  ${workload}`);
  expect(w, `no ${workload} in the graph`).toBeGreaterThanOrEqual(0);
  const h = lines.findIndex((l, i) => i > w && l.startsWith(`    ${head}`));
  expect(h, `no flow "${head}" under ${workload}`).toBeGreaterThan(w);
  const out: string[] = [];
  for (const l of lines.slice(h + 1)) {
    if (!l.startsWith('      ')) break;
    out.push(l.trim());
  }
  return out;
}

describe('medialint graph on the real corpus', () => {
  it('sigtom/wow-ocp@ea82b3b: the standalone mounters are cut off from sonarr and radarr', async () => {
    const o = io(path.join(SHARED, 'corpus', 'real', 'sigtom__wow-ocp@ea82b3b'));
    expect(await graphCommand(['.'], { format: 'text', io: o.value })).toBe(0);
    for (const [w, remote] of [['Deployment/rclone-zurg', 'zurg'], ['Deployment/rclone-torbox', 'torbox']] as const) {
      const lines = flow(o.out(), w, `rclone: rclone mount ${remote}: /mnt/media/${remote}`);
      expect(lines[0]).toBe('x PVC media-library-pvc: volume media-storage at /mnt/media (Bidirectional)  [standalone-fuse-mounter]');
      for (const app of ['sonarr', 'radarr']) {
        expect(lines).toContain(`x Deployment/${app} ${app}: /mnt/media/${remote} (HostToContainer, has its own mounter)  [cut off: standalone-fuse-mounter]`);
      }
      // sabnzbd has no sidecar: it is the consumer that really sees nothing (LABELS.md).
      expect(lines).toContain(`x Deployment/sabnzbd sabnzbd: /mnt/media/${remote} (HostToContainer)  [cut off: standalone-fuse-mounter]`);
    }
  });

  it('sigtom/wow-ocp (final): each app with its two sidecars', async () => {
    const o = io(path.join(SHARED, 'corpus', 'real', 'sigtom__wow-ocp'));
    expect(await graphCommand(['.'], { format: 'text', io: o.value })).toBe(0);
    for (const app of ['plex', 'sonarr', 'radarr', 'bazarr', 'prowlarr', 'sabnzbd', 'overseerr', 'rdt-client', 'riven']) {
      for (const remote of ['zurg', 'torbox']) {
        const lines = flow(o.out(), `Deployment/${app}`, `rclone-${remote}: rclone mount ${remote}: /mnt/media/${remote}`);
        // SPEC's propagation-emptydir-memory calls the PVC parent an error (LABELS.md: works, [MED] cost).
        expect(lines[0]).toMatch(/^x PVC media-library-pvc: volume [a-z-]+ at \/mnt\/media \(Bidirectional\) {2}\[propagation-emptydir-memory\]$/);
        expect(lines.slice(1)).toEqual([`-> Deployment/${app} ${app}: /mnt/media/${remote} (HostToContainer)`]);
      }
    }
  });

  it('mermaid through the command, and a bad --format is a usage error', async () => {
    const o = io(path.join(SHARED, 'corpus', 'real', 'cmpetersen5551__GitOps@8d10195'));
    expect(await graphCommand(['.'], { format: 'mermaid', io: o.value })).toBe(0);
    checkMermaid(o.out());
    await expect(graphCommand(['.'], { format: 'svg', io: o.value })).rejects.toThrow(/text or mermaid/);
  });
});

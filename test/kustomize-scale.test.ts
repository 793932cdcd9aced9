// The renderer at scale: a build of a few thousand resources, with every step that used to
// compare each resource with every other (the id check on append, generator merges, patch
// lookups by id, name references) exercised at once. Not a timing test: it checks cheap facts
// of the output. (Before the ResMap and name references were indexed, this build took some
// 8 s of CPU, against about 1 s now; 8,000 ConfigMaps with references took about a minute.)
import { describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { render } from '../src/kustomize/index.js';
import { get, str, type YMap, type YNode } from '../src/load/ynode.js';

// Generous: the shared test machine can be slow; the old renderer needed minutes here.
vi.setConfig({ testTimeout: 120_000 });

const N = 3000; // ConfigMaps in one file
const APPS = 300; // Deployments, Roles, RoleBindings, ServiceAccounts
const GENS = 200; // generated ConfigMaps (half of them merged by the overlay)

function files(extra: Record<string, string> = {}): Record<string, string> {
  const cms = Array.from({ length: N }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: v${i}\n`).join('');
  const apps = Array.from({ length: APPS }, (_, i) => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
spec:
  replicas: 1
  template:
    spec:
      serviceAccountName: sa-${i}
      containers:
      - name: c
        image: busybox
        envFrom:
        - configMapRef:
            name: cm-${i}
      volumes:
      - name: v
        configMap:
          name: gen-${i % GENS}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa-${i}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: role-${i}
rules:
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [cm-${i}]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb-${i}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: role-${i}
subjects:
- kind: ServiceAccount
  name: sa-${i}
`).join('');
  const gens = Array.from({ length: GENS }, (_, i) => `- name: gen-${i}\n  literals:\n  - a=${i}\n`).join('');
  const merges = Array.from({ length: GENS / 2 }, (_, i) => `- name: gen-${i * 2}\n  behavior: merge\n  literals:\n  - extra=${i}\n`).join('');
  const smp = Array.from({ length: N / 10 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i * 7}\ndata:\n  patched: "${i}"\n`).join('');
  const json = Array.from({ length: 50 }, (_, i) => `- target:\n    kind: ConfigMap\n    name: cm-${i * 11 + 1}\n  patch: |-\n    - op: add\n      path: /data/json\n      value: "${i}"\n`).join('');
  const replicas = Array.from({ length: 50 }, (_, i) => `- name: app-${i}\n  count: ${i + 2}\n`).join('');
  return {
    'base/cms.yaml': cms,
    'base/apps.yaml': apps,
    'base/kustomization.yaml': `resources:\n- cms.yaml\n- apps.yaml\nconfigMapGenerator:\n${gens}`,
    'overlay/smp.yaml': smp,
    'overlay/kustomization.yaml': `resources:\n- ../base\nnamespace: media\nnamePrefix: p-\nconfigMapGenerator:\n${merges}patchesStrategicMerge:\n- smp.yaml\npatches:\n${json}replicas:\n${replicas}`,
    ...extra,
  };
}

function build(fs: Record<string, string>) {
  const root = '/virtual';
  const map = new Map(Object.entries(fs).map(([k, v]) => [path.join(root, k), new TextEncoder().encode(v)]));
  return render(path.join(root, 'overlay'), { loadRestrictor: 'rootOnly', readFile: (abs) => map.get(abs), displayPath: (abs) => path.relative(root, abs) });
}

const text = (n: YMap, ...p: (string | number)[]) => str(get(n as YNode, ...p));

describe('a build of a few thousand resources', () => {
  it('renders every resource once, renamed, merged, patched and referenced as kustomize would', () => {
    const r = build(files());
    expect(r.findings).toEqual([]);
    expect(r.resources.length).toBe(N + 4 * APPS + GENS);
    const byName = new Map(r.resources.map((n) => [`${text(n, 'kind')}/${text(n, 'metadata', 'name')}`, n]));
    expect(byName.size).toBe(r.resources.length);
    expect(r.resources.every((n) => text(n, 'metadata', 'namespace') === 'media' && text(n, 'metadata', 'name')!.startsWith('p-'))).toBe(true);
    // kubectl's legacy order: ServiceAccounts, Roles, RoleBindings, ConfigMaps, Deployments.
    expect(text(r.resources[0]!, 'kind')).toBe('ServiceAccount');
    expect(r.resources.findIndex((n) => text(n, 'kind') === 'Deployment')).toBeGreaterThan(N);

    // Patched by the strategic merge patch file and by the JSON patches; the others untouched.
    expect(text(byName.get('ConfigMap/p-cm-2093')!, 'data', 'patched')).toBe('299');
    expect(text(byName.get('ConfigMap/p-cm-12')!, 'data', 'json')).toBe('1');
    expect(get(byName.get('ConfigMap/p-cm-2')!, 'data', 'patched')).toBeUndefined();

    // Generated ConfigMaps: hashed names, merged data where the overlay merges.
    const gen = (i: number) => r.resources.find((n) => text(n, 'kind') === 'ConfigMap' && /^p-gen-\d+-/.test(text(n, 'metadata', 'name')!) && text(n, 'data', 'a') === String(i))!;
    expect(text(gen(4), 'data', 'extra')).toBe('2');
    expect(get(gen(5), 'data', 'extra')).toBeUndefined();

    // Name references follow the prefix and the hash.
    const app = byName.get('Deployment/p-app-205')!;
    expect(text(app, 'spec', 'template', 'spec', 'containers', 0, 'envFrom', 0, 'configMapRef', 'name')).toBe('p-cm-205');
    expect(text(app, 'spec', 'template', 'spec', 'volumes', 0, 'configMap', 'name')).toBe(text(gen(5), 'metadata', 'name'));
    expect(text(app, 'spec', 'template', 'spec', 'serviceAccountName')).toBe('p-sa-205');
    expect(text(byName.get('Role/p-role-9')!, 'rules', 0, 'resourceNames', 0)).toBe('p-cm-9');
    const rb = byName.get('RoleBinding/p-rb-9')!;
    expect(text(rb, 'roleRef', 'name')).toBe('p-role-9');
    expect(text(rb, 'subjects', 0, 'name')).toBe('p-sa-9');
    expect(text(rb, 'subjects', 0, 'namespace')).toBe('media');

    // Replicas by name.
    expect(text(byName.get('Deployment/p-app-49')!, 'spec', 'replicas')).toBe('51');
    expect(text(byName.get('Deployment/p-app-50')!, 'spec', 'replicas')).toBe('1');
  });

  it('still finds a duplicate id, a merge without a target and a patch without one, among thousands', () => {
    const dup = build(files({ 'base/more.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-2999\n', 'base/kustomization.yaml': 'resources:\n- cms.yaml\n- apps.yaml\n- more.yaml\n' }));
    expect(dup.findings.map((f) => f.message)).toEqual([expect.stringMatching(/already registered id: ConfigMap\/cm-2999 /)]);

    const f = files();
    const merge = build({ ...f, 'overlay/kustomization.yaml': f['overlay/kustomization.yaml']!.replace('- name: gen-0\n', '- name: gen-none\n') });
    expect(merge.findings.map((x) => x.message)).toEqual([expect.stringMatching(/behavior 'merge' needs an existing ConfigMap\/gen-none/)]);

    const patch = build({ ...f, 'overlay/smp.yaml': `${f['overlay/smp.yaml']}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${N}\n` });
    expect(patch.findings.map((x) => x.message)).toEqual([expect.stringMatching(new RegExp(`strategic merge patch for ConfigMap/cm-${N} matches no resource`))]);
  });
});

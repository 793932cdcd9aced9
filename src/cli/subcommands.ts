// medialint rules | explain | render | graph | init
import { writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Io, Parsed } from './main.js';
import { UsageError } from './main.js';
import { RULES, ruleById } from '../../rules/index.js';
import { ruleDoc } from './package-files.js';

export const SUBCOMMANDS = ['rules', 'explain', 'render', 'graph', 'init'];

export async function runSubcommand(name: string, rest: string[], args: Parsed, io: Io): Promise<number> {
  const v = args.values;
  switch (name) {
    case 'rules': {
      if (v.format === 'json') {
        io.stdout(JSON.stringify(RULES.map((r) => ({ id: r.id, severity: r.severity, fix: r.fix, summary: r.summary })), null, 2) + '\n');
      } else {
        const w = Math.max(...RULES.map((r) => r.id.length));
        for (const r of RULES) io.stdout(`${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.fix.padEnd(10)}  ${r.summary}\n`);
      }
      return 0;
    }
    case 'explain': {
      const id = rest[0];
      if (!id) throw new UsageError('explain needs a rule id; run medialint rules for the list');
      if (!ruleById(id)) throw new UsageError(`unknown rule "${id}"; run medialint rules for the list`);
      const doc = ruleDoc(id);
      if (!doc) throw new UsageError(`no documentation found for ${id}`);
      io.stdout(doc.endsWith('\n') ? doc : doc + '\n');
      return 0;
    }
    case 'render': {
      const dir = rest[0];
      if (!dir) throw new UsageError('render needs a kustomization directory');
      const { renderCommand } = await import('../kustomize/render-command.js');
      return renderCommand(path.resolve(io.cwd, dir), { origins: !!v.origins, loadRestrictor: v['load-restrictor'], io });
    }
    case 'graph': {
      const { graphCommand } = await import('../topology/graph-command.js');
      return graphCommand(rest, { format: v.format ?? 'text', io, config: v.config });
    }
    case 'init': {
      const target = path.join(io.cwd, '.medialint.yaml');
      if (existsSync(target)) throw new UsageError('.medialint.yaml already exists here; edit it, or delete it first');
      writeFileSync(target, STARTER);
      io.stdout('wrote .medialint.yaml\n');
      return 0;
    }
  }
  throw new UsageError(`unknown command ${name}`);
}

export const STARTER = `# medialint configuration: https://github.com/medialint/medialint#configuration
# Every key is optional; delete what you do not need.

# Rule severities: error | warning | info | off
rules: {}
#  no-node-selector: off
#  mounter-image-pinned: info

# Service CIDRs of your clusters, added to the defaults
# (10.96.0.0/12 kubeadm, 10.43.0.0/16 k3s, 172.30.0.0/16 OpenShift, 10.152.183.0/24 microk8s).
serviceCIDRs: []

# Set to true when the host paths you propagate through sit on shared mounts
# (the default on systemd hosts). Bidirectional on /, /tmp, /mnt ... is still reported.
hostPathShared: false

# Oldest Kubernetes version you deploy to. Below 1.29, fixes that add native sidecars
# (restartPolicy: Always init containers) are withheld.
# kubernetesVersion: "1.29"

# Images that mount by themselves, with no recognisable command:
mounters: []
#  - image: sirrobot01/decypharr
#    mountPath: /mnt/dfs
#    fs: fuse

# Kustomize rendering: rootOnly (kustomize's default) or none (as Flux builds).
kustomize:
  loadRestrictor: rootOnly

# Files not to lint:
ignore: []
#  - "charts/**"

# Per-glob rule settings:
overrides: []
#  - files: ["clusters/lab/**"]
#    rules:
#      hostpath-propagation: off
`;

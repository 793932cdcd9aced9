import { defineRule } from '../src/engine/rule.js';
import type { Edit, Fix } from '../src/engine/finding.js';
import type { Flag } from '../src/model/types.js';
import { get, isMap, isSeq, str } from '../src/load/ynode.js';
import { describeClient, rcloneNfsServersOf, servicePortFor, topology, type NfsClient } from '../src/topology/index.js';
import { insertAfter, replaceWord } from './lib/command-edits.js';

const V4 = /^(nfs)?vers=4/;
const v3 = (o: string) => (V4.test(o) ? o.replace(/=4[.\d]*$/, '=3') : o);
const has = (opts: string[], re: RegExp) => opts.some((o) => re.test(o));

/** What is wrong with the client: errors and warnings, each a clause of the message. */
function problems(c: NfsClient): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (c.kind === 'volume') {
    errors.push('a kubelet nfs: volume cannot pass mount options at all, and rclone runs no portmapper, so the mount cannot find the server\'s port');
    return { errors, warnings };
  }
  if (c.op?.subcommand === 'nfs4' || has(c.options, V4)) errors.push('it asks for NFSv4, but rclone serves NFSv3 only');
  const missing = [
    !has(c.options, /^port=/) && 'port=',
    !has(c.options, /^mountport=/) && 'mountport=',
    !has(c.options, /^(tcp|proto=tcp6?)$/) && 'tcp',
  ].filter(Boolean);
  if (missing.length) errors.push(`it lacks ${missing.join(', ')}, but rclone runs no portmapper, so the client must be told the port`);
  if (c.kind === 'mount' && !has(c.options, /^(nolock|lock=no)$/)) {
    warnings.push('it lacks nolock: a container without rpc.statd refuses an NFSv3 mount that needs locking, and rclone has no lock manager');
  }
  return { errors, warnings };
}

function wanted(c: NfsClient, have: string[], port: number): string[] {
  const out = have.map(v3);
  if (!has(out, /^port=/)) out.push(`port=${port}`);
  if (!has(out, /^mountport=/)) out.push(`mountport=${port}`);
  if (!has(out, /^(tcp|proto=tcp6?)$/)) out.push('tcp');
  if (c.kind === 'mount' && !has(out, /^(nolock|lock=no)$/)) out.push('nolock');
  return out;
}

function fixMount(c: NfsClient, port: number): Fix | undefined {
  const op = c.op!;
  const ctr = c.container!;
  const edits: Edit[] = [];
  const flag = (names: string[]) => op.flags.filter((f: Flag) => names.includes(f.name));
  const type = flag(['-t', '--types', '--type'])[0];
  if (op.subcommand === 'nfs4') {
    // `-t nfs4`, `-tnfs4`, or the helper itself (`mount.nfs4`).
    const e = type?.valueWord ? replaceWord(ctr, type.valueWord, 'nfs')
      : type ? replaceWord(ctr, type.word, type.word.text.replace(/nfs4$/, 'nfs'))
        : /(^|\/)mount\.nfs4$/.test(op.at.text) ? replaceWord(ctr, op.at, op.at.text.replace(/nfs4$/, 'nfs')) : undefined;
    if (!e) return undefined;
    edits.push(...e);
  }
  const oflags = flag(['-o', '--options']).filter((f) => f.valueWord);
  if (oflags.length) {
    const missing = wanted(c, c.options, port).slice(c.options.length);
    oflags.forEach((f, i) => {
      const own = f.valueWord!.text.split(',').filter(Boolean).map(v3);
      const next = (i === 0 ? [...own, ...missing] : own).join(',');
      if (next === f.valueWord!.text) return;
      const e = replaceWord(ctr, f.valueWord!, next);
      if (e) edits.push(...e);
    });
  } else {
    const after = type?.valueWord ?? op.at;
    const e = insertAfter(ctr, after, ['-o', wanted(c, [], port).join(',')]);
    if (!e) return undefined;
    edits.push(...e);
  }
  return edits.length ? { description: `mount NFSv3 with port=${port},mountport=${port},tcp,nolock in "${ctr.name}"`, edits } : undefined;
}

function fixPV(c: NfsClient, port: number): Fix | undefined {
  const spec = get(c.pv!.resource.node, 'spec');
  if (!isMap(spec)) return undefined;
  const node = get(spec, 'mountOptions');
  const edits: Edit[] = [];
  if (isSeq(node)) {
    node.items.forEach((it) => {
      const s = str(it);
      if (s && V4.test(s) && it.kind === 'scalar') edits.push({ op: 'setScalar', node: it, value: v3(s) });
    });
    const have = node.items.map((it) => str(it) ?? '');
    for (const o of wanted(c, have, port).slice(have.length)) edits.push({ op: 'insertItem', seq: node, value: o });
  } else if (!node) {
    edits.push({ op: 'setKey', map: spec, key: 'mountOptions', value: wanted(c, [], port) });
  }
  return edits.length ? { description: `set mountOptions port=${port}, mountport=${port}, tcp on PersistentVolume ${c.pv!.name}`, edits } : undefined;
}

export default defineRule({
  id: 'rclone-nfs-client-options',
  severity: 'error',
  fix: 'fix',
  scope: 'model',
  summary: 'Mounting rclone serve nfs needs NFSv3 with port=, mountport= and tcp (and nolock in a pod).',
  checkModel(model, ctx) {
    const t = topology(model);
    for (const c of t.nfsClients) {
      const server = rcloneNfsServersOf(t, c)[0];
      if (!server) continue;
      const { errors, warnings } = problems(c);
      if (!errors.length && !warnings.length) continue;
      const port = servicePortFor(server.svc, server.exp);
      const portText = port !== undefined ? String(port) : 'PORT';
      const how = c.kind === 'volume'
        ? `Use a PersistentVolume with mountOptions [port=${portText}, mountport=${portText}, tcp, nfsvers=3], or mount it in the pod (mount -t nfs -o port=${portText},mountport=${portText},tcp,nolock).`
        : c.kind === 'pv'
          ? `Set mountOptions [port=${portText}, mountport=${portText}, tcp] (NFSv3) on the PersistentVolume, the options rclone's docs mount with.`
          : `Mount with -t nfs -o port=${portText},mountport=${portText},tcp,nolock, the options rclone's docs mount with.`;
      const fix = port === undefined || c.kind === 'volume' ? undefined : c.kind === 'pv' ? fixPV(c, port) : fixMount(c, port);
      const v4 = c.op?.flags.find((f) => ['-t', '--types', '--type'].includes(f.name) && f.valueWord?.text === 'nfs4')?.valueWord;
      ctx.report({
        workload: c.kind === 'pv' ? undefined : c.pods[0]?.workload,
        at: c.kind === 'mount' ? (v4?.loc ?? v4?.node ?? c.at) : c.at,
        severity: errors.length ? 'error' : 'warning',
        message: `${describeClient(c)} mounts ${c.server}:${c.path}, which "rclone serve nfs" in ${server.exp.pod.workload.kind} ${server.exp.pod.workload.name} serves through Service ${server.svc.name}: ` +
          `${[...errors, ...warnings].join('; ')}. ${how}`,
        fix,
        related: [
          { at: server.svc.resource.node, message: `Service ${server.svc.name} selects ${server.exp.pod.workload.kind} ${server.exp.pod.workload.name}` },
          { at: server.exp.at, message: `"${server.exp.container.name}" serves ${server.exp.dir} over NFS` },
        ],
      });
    }
  },
});

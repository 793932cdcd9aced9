import { defineRule } from '../src/engine/rule.js';
import type { Report } from '../src/engine/finding.js';
import type { NfsSource } from '../src/model/types.js';
import { classifyNfsServer, inPodServerName, rcloneNfsPort, type NfsServerKind } from '../src/model/nfs-server.js';
import { cannotRewrite, inPodMounterFix } from './lib/nfs-mounter.js';

/** The finding text for one `nfs:` source; `what` names the volume or PersistentVolume. */
function describe(k: NfsServerKind, what: string, remedy: string): Pick<Report, 'message' | 'severity'> {
  if (k.kind === 'service-dns') {
    return {
      severity: 'error',
      message: `${what} mounts NFS from "${k.host}", a cluster Service name, but the kubelet mounts NFS on the node with the node's own resolver, which does not know cluster DNS: ` +
        `the pod stays in ContainerCreating with FailedMount events "Failed to resolve server ${k.host}: Name or service not known". ${remedy}`,
    };
  }
  const whose = k.service ? `the clusterIP of Service ${k.service.name}` : `an address in the service CIDR ${k.cidr}`;
  const pin = k.service
    ? `Service ${k.service.name} pins it in spec.clusterIP, so it survives a recreated Service`
    : `no Service in the linted set pins this clusterIP, so a recreated Service gets a new address and the mount breaks (pin spec.clusterIP if you keep it)`;
  return {
    severity: 'warning',
    message: `${what} mounts NFS from ${k.host}, ${whose}: the kubelet mounts from the node, which reaches a ClusterIP only where the node's service proxy handles host traffic (kube-proxy does; some replacements do not), and ${pin}. ${remedy}`,
  };
}

function serverNode(nfs: NfsSource) {
  return nfs.serverNode;
}

export default defineRule({
  id: 'no-kubelet-nfs-to-clusterip',
  severity: 'error',
  fix: 'suggestion',
  scope: 'pod',
  summary: 'A kubelet nfs volume cannot use a cluster Service name as its server (the node does not resolve cluster DNS); a ClusterIP works only through the node\'s service proxy.',
  checkPod(pod, ctx) {
    const w = pod.workload;
    for (const v of pod.volumes) {
      if (v.type !== 'nfs' || !v.nfs?.server) continue;
      const k = classifyNfsServer(v.nfs.server, w.namespace, ctx.model, ctx.config.serviceCIDRs);
      if (!k) continue;
      const blocked = cannotRewrite(pod, v);
      const fix = blocked ? undefined : inPodMounterFix(pod, v, { server: inPodServerName(k, pod), rclonePort: rcloneNfsPort(ctx.model, k.service) });
      const remedy = fix
        ? `Mount it from inside the pod instead, where cluster DNS works: a privileged mounter sidecar on a memory emptyDir (see --suggestions).`
        : `Mount it from inside the pod instead (a privileged mounter sidecar on a memory emptyDir, seed 003), though here ${blocked ?? 'the rewrite cannot be made automatically'}.`;
      ctx.report({
        at: serverNode(v.nfs) ?? v.typeNode ?? v.node,
        ...describe(k, `Volume "${v.name}" of ${w.kind} ${w.name}`, remedy),
        suggestions: fix ? [fix] : undefined,
      });
    }
  },
  checkModel(model, ctx) {
    for (const pv of model.pvs) {
      if (!pv.nfs?.server) continue;
      const k = classifyNfsServer(pv.nfs.server, pv.claimRef?.namespace, model, ctx.config.serviceCIDRs);
      if (!k) continue;
      ctx.report({
        at: serverNode(pv.nfs) ?? pv.resource.node,
        ...describe(k, `PersistentVolume ${pv.name}`, `Mount the export from inside the pods that use it (a privileged mounter sidecar on a memory emptyDir, seed 003), or use an address the node can reach.`),
      });
    }
  },
});

// bjw-s app-template (https://github.com/bjw-s-labs/helm-charts, charts/other/app-template on
// the common library charts/library/common) as first-class input: Flux HelmReleases of the
// chart, and plain values files given with --app-template-values, become Workloads, Services
// and PVCs of the pod model, built from the values the way the chart renders them. Every
// model node is the values node it came from, so findings land on values lines and fixes edit
// the values.
//
// Recognised releases: a Flux HelmRelease (helm.toolkit.fluxcd.io/*) whose chart is
// app-template: `spec.chart.spec.chart: app-template`; `spec.chartRef` to an OCIRepository
// of the linted set whose url ends in /app-template (oci://ghcr.io/bjw-s-labs/helm/app-template,
// ghcr.io/bjw-s/helm/app-template) or to a HelmChart of the chart app-template; or the
// yaml-language-server `$schema` comment of app-template's HelmRelease schema above the
// document. The values are what Flux gives the chart (./flux.ts): `spec.valuesFrom` ConfigMaps
// of the linted set merged under `spec.values`, after the Flux Kustomization's post-build
// `${VAR}` substitution; the release's namespace is `spec.targetNamespace`, else its own.
//
// Read from the chart sources (common library, app-template 3.x tag common-3.7.3 and 4.x
// tag common-4.1.1, and the 5.x sources: templates/lib/{container,pod,controller,service},
// templates/classes, schemas/*.json, values.yaml). v3 and v4 render the fields below the same
// way; v4 renamed the controller label (app.kubernetes.io/component -> /controller); v5
// (the corpus's 5.1.0) changed rawResources, service accounts and monitors, none of them
// pod fields, and added string/digest images, command probes and `ephemeral`/`image` items.
//
//   values                                     model (Kubernetes field)                   from
//   controllers.<c>                            Workload, one per enabled controller       v3+
//     .type deployment|statefulset|daemonset|cronjob|job  Workload.kind (default deployment)
//     .strategy (a string)                     strategy.type (Deployment default Recreate,
//                                              StatefulSet RollingUpdate; DaemonSet none)  v3+
//     .pod.<option> over defaultPodOptions.<option>  Pod.specNode / selection / hostNetwork /
//       (nodeSelector, affinity, tolerations,  runAsUser/Group (defaultPodOptionsStrategy
//        securityContext, hostNetwork, ...)    overwrite|merge)                            v3+
//     .pod.labels, defaultPodOptions.labels    Pod.labels (+ the chart's selector labels)  v3+
//     .containers.<k>, .initContainers.<k>     Container (sort container | init | sidecar
//                                              with restartPolicy: Always), ordered by key
//                                              and dependsOn (Kahn), nameOverride or key    v3+
//       .image {repository, tag, digest} | str image string; imageNode = the tag scalar     v3+ (str/digest v5)
//       .command, .args (string or list)       commandNode, argsNode                       v3+
//       .securityContext, .lifecycle,          securityContextNode/privileged/capabilities,
//        .resources, .ports, .restartPolicy    lifecycleNode, limits/requests, ports,
//                                              restartPolicy                               v3+
//       .env (map or list)                     env in list shape on Container.node         v3+
//       .probes.{liveness,readiness,startup}   *Probe: enabled + custom -> spec as is;
//                                              else TCP/HTTP/GRPC (only with a Service in
//                                              v3/v4), command -> exec (v5)                 v3+
//     .defaultContainerOptions (+Strategy,     applied to every container's keys above    v3.1+
//      applyDefaultContainerOptionsToInitContainers)
//     .statefulset.volumeClaimTemplates[]      PVC volumes with their globalMounts /
//                                              advancedMounts                              v3+
//   persistence.<p> (enabled)                  Volume named <p>, in a controller's pod when
//                                              it has globalMounts, advancedMounts for that
//                                              controller, or neither                     v3+
//     type persistentVolumeClaim (default)     persistentVolumeClaim, claimName =
//       / existingClaim                        existingClaim or the chart's PVC name      v3+
//     type emptyDir, medium                    emptyDir (typeNode = the item: `medium`
//                                              is added there by fixes)                   v3+
//     type hostPath, hostPath, hostPathType    hostPath path/type                         v3+
//     type nfs, server, path                   nfs server/path                            v3+
//     type configMap | secret                  configMap | secret                         v3+
//     type custom, volumeSpec                  the volume source in volumeSpec            v3+
//     type ephemeral | image                   ephemeral | other                          v5
//     globalMounts[]                           a VolumeMount in every container (init too)
//                                              of every controller                        v3+
//     advancedMounts.<c>.<container>[]         VolumeMounts of that container only        v3+
//       {path, subPath|subPathExpr, readOnly,  mountPath (default /<p>, or the host path
//        mountPropagation}                     for hostPath; an entry without path takes
//                                              the previous entry's), subPath, readOnly,
//                                              mountPropagation; VolumeMount.node = entry  v3+
//     neither                                  one mount at the default path in every
//                                              container; its node is a stand-in at the
//                                              item's key that takes no edits             v3+
//   service.<s> (enabled)                      Service selecting the controller's pods
//     .controller (auto with one controller),  (app.kubernetes.io/name, /instance,
//      .ports.<name>.{port,targetPort},        /controller), ports, type, clusterIP      v3+
//      .type, .clusterIP, .extraSelectorLabels
//   global.nameOverride/fullnameOverride,      workload, Service and PVC names (release
//   forceRename, prefix, suffix                name; -<id> when there are several)        v4 scheme
//
// Not modelled: Helm templates in values beyond {{ .Release.Name }}/{{ .Release.Namespace }},
// valuesFrom references outside the linted set, Secret `data` or with `targetPath` (./flux.ts),
// a Flux Kustomization's own `targetNamespace` (it would move the HelmRelease), Flux
// postRenderers, rawResources, and the chart's own PodSpec defaults that no rule reads
// (enableServiceLinks, dnsPolicy, ...).
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { YMap } from '../load/ynode.js';
import { get, isMap, str } from '../load/ynode.js';
import type { Config } from '../engine/config.js';
import type { InputDoc } from '../model/build.js';
import type { Model, Resource } from '../model/types.js';
import { renderRelease, type Release } from './values.js';
import { envsubst, fluxIndex, fluxKustomizationOf, helmMerge, sameNamespace, type FluxIndex, substituteValues, substitutionDisabled, substitutionVars, valuesFromLayers } from './flux.js';

export { renderRelease, type Release, type Rendered } from './values.js';

const SCHEMA_COMMENT = /app-template\/schemas\/helmrelease|bjw-s(?:-labs)?\.github\.io\/helm-charts\/.*app-template/;

/** The chart's major version from a version or tag string (`4.1.1`, `v3.7.3`, `5.1.0@sha…`). */
function majorOf(v: string | undefined): number | undefined {
  const m = /^v?(\d+)\./.exec(v ?? '');
  return m ? Number(m[1]) : undefined;
}

/** The text above a document, back to the previous `---`: where a `# yaml-language-server: $schema=` comment sits. */
function headerOf(r: Resource, fileText: ((file: string) => string | undefined) | undefined): string {
  const loc = r.node.loc;
  const text = loc ? fileText?.(loc.file) : undefined;
  if (!text || !loc) return '';
  const before = text.slice(0, loc.start);
  const sep = before.lastIndexOf('\n---');
  return before.slice(sep < 0 ? 0 : sep);
}

/** How `r` is an app-template release, with the chart's major version when pinned; undefined when it is not one. */
export function appTemplateChart(r: Resource, resources: Resource[], fileText?: (file: string) => string | undefined): { major: number | undefined } | undefined {
  if (r.kind !== 'HelmRelease' || !r.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) return undefined;
  const spec = get(r.node, 'spec');
  const chart = get(spec, 'chart', 'spec');
  const chartName = str(get(chart, 'chart'));
  if (chartName && /(^|\/)app-template$/.test(chartName)) return { major: majorOf(str(get(chart, 'version'))) };
  const ref = get(spec, 'chartRef');
  const kind = str(get(ref, 'kind'));
  const name = str(get(ref, 'name'));
  const ns = str(get(ref, 'namespace')) ?? r.namespace;
  if (kind && name) {
    const src = resources.find((x) => x.kind === kind && x.name === name && x.apiVersion.startsWith('source.toolkit.fluxcd.io/') && sameNamespace(x.namespace, ns));
    if (src && kind === 'OCIRepository' && /\/app-template\/?$/.test(str(get(src.node, 'spec', 'url')) ?? '')) {
      return { major: majorOf(str(get(src.node, 'spec', 'ref', 'tag')) ?? str(get(src.node, 'spec', 'ref', 'semver'))) };
    }
    if (src && kind === 'HelmChart' && /(^|\/)app-template$/.test(str(get(src.node, 'spec', 'chart')) ?? '')) {
      return { major: majorOf(str(get(src.node, 'spec', 'version'))) };
    }
  }
  if (SCHEMA_COMMENT.test(headerOf(r, fileText))) return { major: undefined };
  return undefined;
}

/**
 * A HelmRelease as Flux releases it: the values of `spec.valuesFrom` that the linted set
 * holds, then `spec.values` over them (./flux.ts), with the Flux Kustomization's post-build
 * `${VAR}` substitution applied; the release name `spec.releaseName`, else
 * `[spec.targetNamespace-]metadata.name`, shortened past 53 characters; the namespace `spec.targetNamespace`, else the
 * HelmRelease's own (where the chart's pods, Services and PVCs are made).
 */
function releaseOf(r: Resource, major: number | undefined, ix: FluxIndex, fileText: ((file: string) => string | undefined) | undefined): Release | undefined {
  const spec = get(r.node, 'spec');
  const own = get(spec, 'values');
  let values: YMap | undefined;
  for (const layer of valuesFromLayers(r, ix, fileText)) values = values ? helmMerge(values, layer) : layer;
  if (isMap(own)) values = values ? helmMerge(values, own) : own;
  if (!values) return undefined;
  let found: Map<string, string> | undefined;
  const vars = () => (found ??= substitutionVars(fluxKustomizationOf(r, ix), ix));
  const off = substitutionDisabled(r);
  const sub = (s: string | undefined) => (s !== undefined && !off && s.includes('${') ? envsubst(s, vars()) : s);
  if (!off) values = substituteValues(values, vars);
  const target = sub(str(get(spec, 'targetNamespace')));
  const name = shortenName(sub(str(get(spec, 'releaseName'))) ?? (target ? `${target}-${r.name}` : r.name));
  return { resource: r, values, name, namespace: target ?? r.namespace, major };
}

/** helm-controller's release.ShortenName: a name over Helm's 53 characters becomes its first 40, `-`, and 12 hex digits of its SHA-256. */
export function shortenName(name: string): string {
  if (name.length <= 53) return name;
  return `${name.slice(0, 40)}-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

/**
 * A values file given with --app-template-values, released under the file's name without a
 * `values` part (`sonarr.values.yaml`, `values-sonarr.yaml` -> sonarr), or its directory's
 * name for a plain `values.yaml`.
 */
function valuesRelease(doc: InputDoc, values: YMap): Release {
  const base = path.basename(doc.file).replace(/\.ya?ml$/i, '').replace(/[._-]?values$/i, '').replace(/^values[._-]?/i, '');
  const name = (base || path.basename(path.dirname(path.resolve(doc.file)))).toLowerCase();
  const resource: Resource = {
    apiVersion: 'medialint.dev/v1', kind: 'AppTemplateValues', name, namespace: undefined,
    node: values, file: doc.file, labels: {}, annotations: {}, root: doc.root,
  };
  return { resource, values, name, namespace: undefined, major: undefined };
}

/**
 * The hook src/model/build.ts calls once every resource is in the model (a chartRef may name
 * an OCIRepository that comes later in the input): adds the workloads, Services and PVCs of
 * every app-template release.
 */
export function addAppTemplate(
  model: Model,
  docs: InputDoc[],
  ctx: { config: Config; fileText: ((file: string) => string | undefined) | undefined },
): void {
  const releases: Release[] = [];
  let ix: FluxIndex | undefined;
  for (const r of model.resources) {
    if (r.kind !== 'HelmRelease') continue;
    const chart = appTemplateChart(r, model.resources, ctx.fileText);
    const rel = chart && releaseOf(r, chart.major, (ix ??= fluxIndex(model.resources)), ctx.fileText);
    if (rel) releases.push(rel);
  }
  for (const d of docs) if (d.appTemplateValues && isMap(d.node)) releases.push(valuesRelease(d, d.node));
  for (const rel of releases) {
    const out = renderRelease(rel, ctx);
    // Loops, not push(...x): a spread of a very large array overflows the call stack.
    for (const w of out.workloads) model.workloads.push(w);
    for (const x of out.services) model.services.push(x);
    for (const x of out.pvcs) model.pvcs.push(x);
  }
}

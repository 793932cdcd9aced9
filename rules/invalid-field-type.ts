import { defineRule, type RuleContext } from '../src/engine/rule.js';
import { get, pairOf, str, type YNode } from '../src/load/ynode.js';
import { appTemplateChart } from '../src/apptemplate/index.js';
import { workloadKind } from '../src/model/kinds.js';
import type { Resource } from '../src/model/types.js';
import { pathText } from '../src/model/unknown-fields.js';
import { shapeOf, wrongTypes, type SchemaNode, type Shape, type WrongType } from '../src/model/value-types.js';

/** Objects checked whole, against the definitions generated from kubernetes-types. */
const OBJECTS: Record<string, string> = {
  'v1 Pod': 'Pod',
  'v1 ReplicationController': 'ReplicationController',
  'v1 Service': 'Service',
  'v1 PersistentVolume': 'PersistentVolume',
  'v1 PersistentVolumeClaim': 'PersistentVolumeClaim',
  'v1 ConfigMap': 'ConfigMap',
  'v1 Secret': 'Secret',
  'apps/v1 Deployment': 'Deployment',
  'apps/v1 StatefulSet': 'StatefulSet',
  'apps/v1 DaemonSet': 'DaemonSet',
  'apps/v1 ReplicaSet': 'ReplicaSet',
  'batch/v1 Job': 'Job',
  'batch/v1 CronJob': 'CronJob',
};

const MAP: SchemaNode = { type: 'object' };
const STRINGS_OR_STRING: SchemaNode = { type: ['array', 'string'], items: { type: 'string' } };

/**
 * A Flux HelmRelease: the maps its CRD declares (the API server's structural schema rejects
 * anything else), and, for bjw-s app-template, the shapes of the values that the chart's
 * values.schema.json declares and its templates range over. Only shapes every chart major
 * version agrees on; `command` and `args` may be a string there.
 */
const APP_CONTAINER: SchemaNode = {
  type: 'object',
  properties: { command: STRINGS_OR_STRING, args: STRINGS_OR_STRING, image: { type: ['object', 'string'] }, env: { type: ['array', 'object'] }, probes: MAP, securityContext: MAP, resources: MAP, ports: { type: 'array' } },
};
const APP_VALUES: SchemaNode = {
  type: 'object',
  properties: {
    controllers: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          containers: { type: 'object', additionalProperties: APP_CONTAINER },
          initContainers: { type: 'object', additionalProperties: APP_CONTAINER },
          pod: MAP,
        },
      },
    },
    defaultPodOptions: MAP,
    persistence: { type: 'object', additionalProperties: { type: 'object', properties: { globalMounts: { type: 'array', items: MAP }, advancedMounts: MAP } } },
    service: { type: 'object', additionalProperties: MAP },
  },
};
function helmRelease(values: SchemaNode): SchemaNode {
  return {
    type: 'object',
    properties: {
      metadata: { $ref: '#/definitions/ObjectMeta' },
      spec: {
        type: 'object',
        properties: { chart: { type: 'object', properties: { spec: { type: 'object', properties: { sourceRef: MAP } } } }, chartRef: MAP, values, valuesFrom: { type: 'array', items: MAP } },
      },
    },
  };
}
/** What every object needs to be decoded at all (and a v1 List, its items). */
const HEADER: SchemaNode = {
  type: 'object',
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: '#/definitions/ObjectMeta' }, items: { type: 'array', items: MAP } },
};
const HELM_RELEASE = helmRelease(MAP);
const APP_TEMPLATE_RELEASE = helmRelease(APP_VALUES);

/** The shape to check a workload of another kind (a CRD, an old apiVersion) against: its pod template's path, all maps. */
function templateShape(path: string[]): SchemaNode {
  let s: SchemaNode = { $ref: '#/definitions/PodTemplateSpec' };
  for (let i = path.length - 1; i >= 0; i--) s = { type: 'object', properties: { [path[i]!]: s } };
  return { type: 'object', properties: { metadata: { $ref: '#/definitions/ObjectMeta' }, ...s.properties } };
}

const shapes = new Map<string, Shape>();
function cached(key: string, make: () => SchemaNode | string): Shape {
  let s = shapes.get(key);
  if (!s) shapes.set(key, (s = shapeOf(make())));
  return s;
}

function shapeFor(r: Resource, resources: Resource[], ctx: RuleContext): { shape: Shape; appTemplate: boolean } | undefined {
  const key = `${r.apiVersion} ${r.kind}`;
  if (Object.hasOwn(OBJECTS, key)) return { shape: cached(key, () => OBJECTS[key]!), appTemplate: false };
  if (r.kind === 'HelmRelease' && r.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
    return appTemplateChart(r, resources)
      ? { shape: cached('app-template', () => APP_TEMPLATE_RELEASE), appTemplate: true }
      : { shape: cached('HelmRelease', () => HELM_RELEASE), appTemplate: false };
  }
  const info = workloadKind(r.kind, r.apiVersion, ctx.config);
  if (info && info.template.length) return { shape: cached(`template ${info.template.join('/')}`, () => templateShape(info.template)), appTemplate: false };
  return undefined;
}

function message(r: Pick<Resource, 'kind' | 'name'>, w: WrongType, appTemplate: boolean): string {
  const what = `${r.kind} ${r.name || '(unnamed)'}`;
  const where = pathText([], w.path) || 'the document';
  const hint = w.hint ? ` (${w.hint})` : '';
  if (w.nullItem) {
    return `${what} has an empty item (null) in ${pathText([], w.path.slice(0, -1))}: the API server reads it as a ${w.nullItem.name} without the ${w.nullItem.required.join(' and ')} it requires, and rejects the ${r.kind}. Remove the empty "-" item.`;
  }
  if (appTemplate && w.path[0] === 'spec' && w.path[1] === 'values' && w.path.length > 2) {
    return `${what} has ${w.found} at ${where}, where the app-template chart expects ${w.expected}: Helm refuses the values (or the chart fails to render them) and the release fails${hint}.`;
  }
  const crd = r.kind === 'HelmRelease' ? ' (its CRD schema declares the shape)' : '';
  return `${what} has ${w.found} at ${where}, where Kubernetes expects ${w.expected}: the API server cannot decode it and rejects the ${r.kind}${crd}${hint}.`;
}

export default defineRule({
  id: 'invalid-field-type',
  severity: 'error',
  fix: 'none',
  scope: 'model',
  summary: 'A value of the wrong shape (a map where a list belongs, privileged: "yes", containerPort: "80"); the API server rejects the object.',
  checkModel(model, ctx) {
    const workloadOf = new Map(model.workloads.filter((w) => w.resource.kind === w.kind).map((w) => [w.resource, w]));
    for (const r of model.resources) {
      const s = shapeFor(r, model.resources, ctx);
      if (!s) continue;
      for (const w of wrongTypes(r.node, s.shape)) {
        ctx.report({ at: w.node.loc ? w.node : keyLocOf(r.node, w.path), message: message(r, w, s.appTemplate), workload: workloadOf.get(r) });
      }
    }
    // Documents the model could not read as objects: an apiVersion or kind that is not a
    // string, a List whose items are not a list.
    for (const u of model.unreadable ?? []) {
      const kind = str(get(u.node, 'kind'));
      const name = get(u.node, 'metadata', 'name');
      const r = { kind: kind ?? 'object', name: name?.kind === 'scalar' && typeof name.value === 'string' ? name.value : '' };
      for (const w of wrongTypes(u.node, cached('header', () => HEADER))) {
        ctx.report({ at: w.node.loc ? w.node : keyLocOf(u.node, w.path), message: message(r, w, false) });
      }
    }
  },
});

/** The position of the key a value sits under (for a value without one of its own). */
function keyLocOf(root: YNode, path: (string | number)[]) {
  let cur: YNode | undefined = root;
  let loc = root.loc;
  for (const p of path) {
    if (typeof p === 'number') {
      cur = cur?.kind === 'seq' ? cur.items[p] : undefined;
      if (cur?.loc) loc = cur.loc;
      continue;
    }
    const pair = pairOf(cur, p);
    if (pair?.keyLoc) loc = pair.keyLoc;
    cur = pair?.value;
  }
  return loc;
}

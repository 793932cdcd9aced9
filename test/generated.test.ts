// The ajv validators compiled ahead of time (scripts/gen-validators.mjs) must match the
// schemas they come from, and behave as validators compiled at run time would.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import _Ajv from 'ajv';
import { ROOT } from './helpers.js';
// @ts-expect-error plain JS build helper
import { validatorSources, keysOnly } from '../scripts/gen-validators.mjs';
import { PodSpec, ObjectMeta } from '../src/model/pod-template-validate.generated.js';
import { validateConfig } from '../src/engine/config-validate.generated.js';
import { fastCheckSound as unknownKeysPrecheckSound } from '../src/model/unknown-fields.js';
import podSchema from '../schemas/pod-template.schema.json' with { type: 'json' };
import configSchema from '../schemas/config.schema.json' with { type: 'json' };

// ajv is CommonJS; take the class whichever way the loader hands it over.
const Ajv = ((_Ajv as unknown as { default?: unknown }).default ?? _Ajv) as typeof _Ajv.default;

describe('generated validators', () => {
  it('are up to date with schemas/ (run node scripts/gen-validators.mjs)', () => {
    for (const [file, text] of Object.entries(validatorSources() as Record<string, string>)) {
      expect(readFileSync(path.join(ROOT, file), 'utf8'), file).toBe(text);
    }
  });

  const runtime = (schema: object, ref: string) => {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    ajv.addSchema(schema, 'x');
    return ajv.getSchema(`x${ref}`)!;
  };
  const errorsOf = (v: { (d: unknown): boolean; errors?: unknown }, data: unknown) => {
    v(data);
    return JSON.parse(JSON.stringify(v.errors ?? null));
  };

  it('report what a run-time ajv reports', () => {
    const pods: unknown[] = [
      { containers: [{ name: 'a', image: 'x', volumeMount: [] }] },
      { containers: [{ name: 'a', volumeMounts: [{ name: 'm', mountPath: '/m', mountPropogation: 'Bidirectional' }] }], initContainer: [] },
      { containers: [{ name: 'a', securityContext: { privileged: true, capabilites: {} }, resources: { limit: {} } }], volumes: [{ name: 'v', emptyDir: { medium: 'Memory', size: 1 } }] },
      { containers: [] },
      'not a map',
    ];
    // The pod validator checks keys only (unknown-field); value shapes are src/model/value-types.ts's.
    const keySchema = keysOnly(podSchema) as object;
    for (const pod of pods) expect(errorsOf(PodSpec as never, pod)).toEqual(errorsOf(runtime(keySchema, '#/definitions/PodSpec'), pod));
    const metas: unknown[] = [{ name: 'a', labels: { a: 'b' } }, { name: 'a', label: {} }, { name: 5, labels: [] }];
    for (const m of metas) expect(errorsOf(ObjectMeta as never, m)).toEqual(errorsOf(runtime(keySchema, '#/definitions/ObjectMeta'), m));
    const configs: unknown[] = [
      {},
      { rules: { 'mount-readiness': 'off' } },
      { rules: { 'mount-readiness': 'of' }, serviceCIDRs: [1] },
      { overrides: [{ files: [], rules: {} }], unknownKey: true },
      { kustomize: { mode: 'nope' } },
    ];
    for (const c of configs) expect(errorsOf(validateConfig as never, c)).toEqual(errorsOf(runtime(configSchema, ''), c));
  });

  it('the pod-template schema records value shapes, and keys only reach the validator', () => {
    const defs = (podSchema as { definitions: Record<string, { properties?: Record<string, unknown>; required?: string[] }> }).definitions;
    expect(defs.Container!.properties!.ports).toEqual({ type: 'array', items: { $ref: '#/definitions/ContainerPort' } });
    expect(defs.Container!.properties!.command).toEqual({ type: 'array', items: { type: 'string' } });
    expect(defs.ContainerPort!.properties!.containerPort).toEqual({ type: 'number' });
    expect(defs.ContainerPort!.required).toEqual(['containerPort']);
    expect(defs.ResourceRequirements!.properties!.limits).toEqual({ type: 'object', additionalProperties: { type: ['number', 'string'] } });
    expect(defs.ServicePort!.properties!.targetPort).toEqual({ type: ['number', 'string'] });
    expect(defs.ObjectMeta!.properties!.labels).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(defs.SecurityContext!.properties!.privileged).toEqual({ type: 'boolean' });
    expect(defs.DeploymentSpec!.properties!.template).toEqual({ $ref: '#/definitions/PodTemplateSpec' });
    // What ajv compiles for unknown-field: no type, required or map value schema anywhere.
    type Node = { type?: unknown; required?: unknown; properties?: Record<string, Node>; items?: Node; additionalProperties?: unknown };
    const shapes: string[] = [];
    const walk = (n: Node, at: string) => {
      if (n.type !== undefined || n.required !== undefined || typeof n.additionalProperties === 'object') shapes.push(at);
      for (const [k, v] of Object.entries(n.properties ?? {})) walk(v, `${at}.${k}`);
      if (n.items) walk(n.items, `${at}[]`);
    };
    for (const [name, d] of Object.entries((keysOnly(podSchema) as { definitions: Record<string, Node> }).definitions)) walk(d, name);
    expect(shapes).toEqual([]);
    expect(unknownKeysPrecheckSound).toBe(true);
  });
});

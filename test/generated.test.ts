// The ajv validators compiled ahead of time (scripts/gen-validators.mjs) must match the
// schemas they come from, and behave as validators compiled at run time would.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import _Ajv from 'ajv';
import { ROOT } from './helpers.js';
// @ts-expect-error plain JS build helper
import { validatorSources } from '../scripts/gen-validators.mjs';
import { PodSpec, ObjectMeta } from '../src/model/pod-template-validate.generated.js';
import { validateConfig } from '../src/engine/config-validate.generated.js';
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
    for (const pod of pods) expect(errorsOf(PodSpec as never, pod)).toEqual(errorsOf(runtime(podSchema, '#/definitions/PodSpec'), pod));
    const metas: unknown[] = [{ name: 'a', labels: { a: 'b' } }, { name: 'a', label: {} }];
    for (const m of metas) expect(errorsOf(ObjectMeta as never, m)).toEqual(errorsOf(runtime(podSchema, '#/definitions/ObjectMeta'), m));
    const configs: unknown[] = [
      {},
      { rules: { 'mount-readiness': 'off' } },
      { rules: { 'mount-readiness': 'of' }, serviceCIDRs: [1] },
      { overrides: [{ files: [], rules: {} }], unknownKey: true },
      { kustomize: { mode: 'nope' } },
    ];
    for (const c of configs) expect(errorsOf(validateConfig as never, c)).toEqual(errorsOf(runtime(configSchema, ''), c));
  });
});

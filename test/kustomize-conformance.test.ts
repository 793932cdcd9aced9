// Kustomize conformance (SPEC §6): every corpus case whose features the renderer supports is
// rendered in-process and compared with what `kubectl kustomize` (kustomize v5.5.0) printed:
// the same documents, in the same order, with equal values. Cases with expected-error.txt
// must give a kustomize-error finding. The byte-identical share of renderText is reported
// and kept from regressing.
import { describe, expect, it, afterAll } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { render, renderText } from '../src/kustomize/index.js';
import { SHARED } from './helpers.js';

const CASES = path.join(SHARED, 'corpus', 'kustomize', 'cases');

/** The feature vocabulary (corpus README) of what src/kustomize supports. */
const SUPPORTED = [
  /^resources(:(file|dir|nested))?$/, /^bases$/, /^components$/, /^namespace$/, /^namePrefix$/, /^nameSuffix$/,
  /^commonLabels$/, /^labels(:.+)?$/, /^commonAnnotations$/, /^images(:.+)?$/, /^replicas$/,
  /^patches(:.+)?$/, /^patchesStrategicMerge(:.+)?$/, /^patchesJson6902(:.+)?$/,
  /^configMapGenerator(:.+)?$/, /^secretGenerator(:.+)?$/, /^generatorOptions(:.+)?$/,
  /^nameReference$/, /^replacements$/, /^sortOptions$/, /^yaml:duplicate-keys-in-kustomization$/,
  // `metadata` (a kustomization's own name) changes nothing in the output.
  /^metadata$/,
];

/**
 * Known failures, with their cause. Listed cases run as `it.fails`, so a fix shows up as a
 * failing test to move out of this list, and a new failure elsewhere is a regression.
 */
const KNOWN_FAILURES: Record<string, string> = {};

/**
 * Eligible cases whose renderText output is not byte-identical to expected.yaml (values and
 * order still equal), with the cause.
 */
const KNOWN_BYTE_DIFFS: Record<string, string> = {};

interface Case {
  name: string;
  root: string;
  features: string[];
  status: string;
  dir: string;
}

const cases: Case[] = existsSync(CASES)
  ? readdirSync(CASES).sort().map((name) => {
    const meta = JSON.parse(readFileSync(path.join(CASES, name, 'case.json'), 'utf8')) as { root: string; features: string[]; status: string };
    return { name, root: meta.root, features: meta.features, status: meta.status, dir: path.join(CASES, name) };
  })
  : [];

const eligible = cases.filter((c) => c.features.every((f) => SUPPORTED.some((re) => re.test(f))));
const opts = (c: Case) => ({ loadRestrictor: 'rootOnly' as const, displayPath: (abs: string) => path.relative(c.dir, abs) });
const docsOf = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

let passing = 0;
let byteIdentical = 0;
let okCases = 0;

describe.skipIf(!cases.length)('kustomize conformance', () => {
  afterAll(() => {
    const share = okCases ? ((100 * byteIdentical) / okCases).toFixed(1) : '0';
    console.log(
      `kustomize conformance: ${passing}/${eligible.length} eligible cases pass (of ${cases.length} in the corpus); ` +
        `byte-identical output: ${byteIdentical}/${okCases} successful builds (${share}%)`,
    );
  });

  it('has eligible cases', () => {
    expect(eligible.length).toBeGreaterThan(200);
  });

  for (const c of eligible) {
    const run = KNOWN_FAILURES[c.name] ? it.fails : it;
    run(`${c.name}${KNOWN_FAILURES[c.name] ? ` (known failure: ${KNOWN_FAILURES[c.name]})` : ''}`, () => {
      const root = path.join(c.dir, 'in', c.root);
      const errorFile = path.join(c.dir, 'expected-error.txt');
      if (existsSync(errorFile)) {
        const r = render(root, opts(c));
        const errors = r.findings.filter((f) => f.ruleId === 'kustomize-error');
        expect(errors.length, `kubectl failed with: ${readFileSync(errorFile, 'utf8').split('\n')[0]}`).toBeGreaterThan(0);
        for (const e of errors) expect(e.severity).toBe('error');
        expect(r.resources).toEqual([]);
        passing++;
        return;
      }
      okCases++;
      const want = readFileSync(path.join(c.dir, 'expected.yaml'), 'utf8');
      const { text, findings } = renderText(root, opts(c));
      expect(findings.filter((f) => f.ruleId === 'kustomize-error').map((f) => f.message)).toEqual([]);
      expect(docsOf(text)).toEqual(docsOf(want));
      passing++;
      if (text === want) byteIdentical++;
      else if (!KNOWN_BYTE_DIFFS[c.name]) expect(text, 'not byte-identical to kubectl (add to KNOWN_BYTE_DIFFS with the cause if intended)').toBe(want);
    });
  }

  it('renders every supported case with kustomize-error findings only where kubectl failed', () => {
    const failing = eligible.filter((c) => existsSync(path.join(c.dir, 'expected-error.txt'))).length;
    expect(failing).toBeGreaterThan(0);
  });
});

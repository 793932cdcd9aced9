// bjw-s app-template releases (src/apptemplate): directory cases under fixtures/apptemplate/
// (the rules harness only walks fixtures/<rule-id>/), each linted with every rule:
//   <case>/expected.txt          every finding, `file:line:col severity rule message` (UPDATE=1 rewrites)
//   <case>/<file>.fixed.yaml     byte-exact result of --fix (all rules) on <file>.yaml; after it the
//                                fixed rules no longer fire and a second --fix changes nothing
//   <case>/case.json (optional)  {"appTemplateValues": [...]} for plain values files,
//                                {"unfixable": [rule…]}: fixes of these rules may be refused
// and model checks: what the chart makes of each value, and where its nodes point.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, findingLines } from './helpers.js';
import { lintPaths, lintFiles, type LintOptions } from '../src/engine/lint.js';
import { defaultConfig, type Config } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';
import { fixFiles } from '../src/fix/apply.js';
import type { Finding } from '../src/engine/finding.js';
import type { Container, Model, Workload } from '../src/model/types.js';

const DIR = path.join(ROOT, 'fixtures', 'apptemplate');
const UPDATE = !!process.env.UPDATE;

interface CaseConfig {
  appTemplateValues?: string[];
  unfixable?: string[];
}

function caseConfig(cdir: string): CaseConfig {
  const f = path.join(cdir, 'case.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as CaseConfig) : {};
}

function options(cdir: string, config: Config = defaultConfig()): LintOptions {
  config.ignore.push('**/*.fixed.yaml'); // expected --fix outputs, not inputs
  return { cwd: cdir, config, rules: RULES, appTemplateValues: caseConfig(cdir).appTemplateValues };
}

function lintCase(cdir: string, config?: Config) {
  return lintPaths(['.'], options(cdir, config));
}

/** All YAML files of a case, relative to it (fixed outputs and expectations aside). */
function yamlFiles(cdir: string, sub = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(cdir, sub))) {
    const rel = sub ? `${sub}/${e}` : e;
    if (statSync(path.join(cdir, rel)).isDirectory()) out.push(...yamlFiles(cdir, rel));
    else if (/\.ya?ml$/.test(e) && !/\.fixed\.ya?ml$/.test(e)) out.push(rel);
  }
  return out.sort();
}

/** --fix in memory over every file of the case (what runFix does, without writing). */
async function fixCase(cdir: string, texts: Map<string, string>) {
  const opts = options(cdir);
  const enc = new TextEncoder();
  const abs = [...texts.keys()].map((f) => path.resolve(cdir, f));
  const lint = (files: Map<string, string>): Finding[] => lintFiles(abs, {
    ...opts,
    readFile: (a) => {
      const t = files.get(path.relative(cdir, a).split(path.sep).join('/'));
      return t === undefined ? undefined : enc.encode(t);
    },
  }).findings;
  return fixFiles({ files: texts, lint, suggestions: false });
}

const cases = existsSync(DIR) ? readdirSync(DIR).filter((d) => statSync(path.join(DIR, d)).isDirectory()).sort() : [];

describe.each(cases)('fixtures/apptemplate/%s', (c) => {
  const cdir = path.join(DIR, c);

  it('reports exactly expected.txt', () => {
    const r = lintCase(cdir);
    expect(r.errors).toEqual([]);
    const got = findingLines(r.findings);
    const file = path.join(cdir, 'expected.txt');
    if (UPDATE) writeFileSync(file, got.join('\n') + (got.length ? '\n' : ''));
    expect(got).toEqual(readFileSync(file, 'utf8').split('\n').filter(Boolean));
  });

  const files = yamlFiles(cdir);
  const fixed = files.filter((f) => existsSync(path.join(cdir, f.replace(/\.ya?ml$/, '.fixed.yaml'))));
  if (fixed.length) {
    it(`--fix gives ${fixed.map((f) => f.replace(/\.ya?ml$/, '.fixed.yaml')).join(', ')}`, async () => {
      const texts = new Map(files.map((f) => [f, readFileSync(path.join(cdir, f), 'utf8')]));
      const before = lintCase(cdir).findings.filter((f) => f.fix);
      expect(before.length).toBeGreaterThan(0);
      const once = await fixCase(cdir, texts);
      const unfixable = caseConfig(cdir).unfixable ?? [];
      expect(once.problems.filter((p) => !unfixable.some((r) => p.includes(`: ${r}: `)))).toEqual([]);
      for (const f of fixed) {
        const out = path.join(cdir, f.replace(/\.ya?ml$/, '.fixed.yaml'));
        const text = once.files.get(f) ?? texts.get(f)!;
        if (UPDATE) writeFileSync(out, text);
        expect(text).toBe(readFileSync(out, 'utf8'));
        expect(text).not.toBe(texts.get(f));
        // Comments survive: every comment line of the input is still there.
        for (const line of texts.get(f)!.split('\n').filter((l) => /^\s*#/.test(l))) expect(text).toContain(line);
      }
      // What was fixed is gone, and a second --fix changes nothing.
      const fixedPlaces = new Set(before.filter((f) => !unfixable.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.loc.file}:${f.loc.line}`));
      expect(once.remaining.filter((f) => fixedPlaces.has(`${f.ruleId} ${f.loc.file}:${f.loc.line}`)).map((f) => `${f.ruleId} ${f.loc.file}:${f.loc.line}`)).toEqual([]);
      const next = new Map(texts);
      for (const [f, t] of once.files) next.set(f, t);
      const twice = await fixCase(cdir, next);
      expect([...twice.files.keys()]).toEqual([]);
    });
  }
});

// ---- the model: what the chart makes of the values ---------------------------------------

function model(c: string): Model {
  return lintCase(path.join(DIR, c)).model;
}

function workload(m: Model, id: string): Workload {
  const w = m.workloads.find((x) => x.id === id);
  if (!w) throw new Error(`no ${id} in ${m.workloads.map((x) => x.id).join(', ')}`);
  return w;
}

function container(w: Workload, name: string): Container {
  const c = w.pod.containers.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name} in ${w.id}`);
  return c;
}

/** `name@mountPath[:propagation][ line N]` for each mount, in order. */
function mounts(c: Container): string[] {
  return c.volumeMounts.map((m) => `${m.name}@${m.mountPath}${m.propagation ? `:${m.propagation}` : ''}${m.subPath ? ` sub=${m.subPath}` : ''}${m.readOnly ? ' ro' : ''} line ${m.node.loc?.line}`);
}

describe('app-template model', () => {
  it('maps an rclone sidecar release: containers, image, args, mounts on the advancedMounts entries', () => {
    const w = workload(model('rclone-sidecar-broken'), 'Deployment/media/sonarr');
    expect(w.strategy.type).toBe('Recreate'); // the chart's Deployment default
    expect(w.pod.containers.map((c) => `${c.sort} ${c.name} ${c.image}`)).toEqual([
      'container app ghcr.io/home-operations/sonarr:4.0.15',
      'container rclone rclone/rclone:1.68.2',
    ]);
    const rclone = container(w, 'rclone');
    expect(rclone.run.mountOps.map((o) => `${o.tool} ${o.source} ${o.target}`)).toEqual(['rclone zurg: /mnt/remote']);
    expect(rclone.imageNode?.value).toBe('1.68.2');
    expect(rclone.limits).toEqual({ memory: '1Gi', cpu: '500m' });
    expect(mounts(rclone)).toEqual(['remote@/mnt/remote line 49']);
    expect(mounts(container(w, 'app'))).toEqual(['remote@/mnt/remote ro line 51']);
    expect(w.pod.labels).toEqual({ 'app.kubernetes.io/controller': 'sonarr', 'app.kubernetes.io/name': 'sonarr', 'app.kubernetes.io/instance': 'sonarr' });
  });
});

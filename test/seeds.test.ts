// Every YAML example of the five seed documents (../shared/seeds/*.txt) as a fixture
// (fixtures/seeds/NNN-MM-*.yaml). Each file starts with header comments:
//   # seed: <seed file> "<section title>"
//   # verdict: WRONG | CORRECT             (as the seed labels the example)
//   # expect: rule-a, rule-b | none        (each must fire at least once anywhere in the file)
//   # expect-errors-only-from: rule-x      (CORRECT only: errors the SPEC/FACTS find in the seed's "correct" example)
//   # silent: rule-y, rule-z               (must not report anything at all)
//   # why: …                               (required with expect-errors-only-from)
// A CORRECT example has no error-level finding except from expect-errors-only-from rules.
// Examples that cannot be linted are listed, with the reason, in fixtures/seeds/SKIPPED.md.
// The config is fixtures/seeds/.medialint.yaml, found the way the CLI finds it.
//
// Where SPEC/FACTS disagree with a seed, they win (each file's `# why:` says why), so several of
// the seeds' CORRECT examples do fire errors, on purpose:
//   000-01  seed 000's "Expected (Correct)" sidecars set Bidirectional without privileged:
//           bidirectional-requires-privileged (FACTS §1).
//   000-05  seed 000's Step 1 sonarr has no mountPropagation (consumer-host-to-container), and
//           nothing creates the mount points in the emptyDir (mount-point-missing, FACTS §7).
//   001-02, 001-09  seed 001's "Bidirectional on BOTH" advice: needless-bidirectional (SPEC §2.2
//           sides with seed 002), and bidirectional-requires-privileged on the unprivileged app.
//   001-14  seed 001's init-dirs mounts no volume: mount-point-missing.
//   002-07, 002-23  seed 002's PVC as the propagation volume: propagation-emptydir-memory (FACTS §4).
//   002-16  fsGroup in a container securityContext: unknown-field.
//   002-17  SYS_ADMIN instead of privileged: fuse-device-access (FACTS §11), bidirectional-requires-privileged.
//   003-07, 003-08  seed 003's dfs-mounter: Bidirectional with SYS_ADMIN only, a mountpoint guard on
//           its own volume root, NFSv4 against rclone's NFSv3 server.
//   004-02  seed 004's "direct NFS" pivot: a Service DNS name in a kubelet nfs: volume
//           (no-kubelet-nfs-to-clusterip, FACTS §10), and no way to pass rclone's NFS options.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, SHARED, lint } from './helpers.js';
import { loadConfig } from '../src/engine/load-config.js';
import { ruleById } from '../rules/index.js';
import type { Finding } from '../src/engine/finding.js';

const DIR = path.join(ROOT, 'fixtures', 'seeds');
const SEEDS = path.join(SHARED, 'seeds');
const FILE = /^(\d{3})-(\d{2})-[a-z0-9-]+\.yaml$/;

interface Header {
  seed?: string;
  verdict?: string;
  expect?: string[];
  errorsOnlyFrom: string[];
  silent: string[];
  why: boolean;
}

/** The `# key: value` lines before the first line that is neither a comment nor blank. */
function header(text: string): Header {
  const h: Header = { errorsOnlyFrom: [], silent: [], why: false };
  const list = (v: string) => (/^none$/i.test(v) ? [] : v.split(',').map((s) => s.trim()).filter(Boolean));
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!line.startsWith('#')) break;
    const m = /^#\s*([a-z-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'seed') h.seed = value;
    else if (key === 'verdict') h.verdict = value.trim();
    else if (key === 'expect') h.expect = list(value);
    else if (key === 'expect-errors-only-from') h.errorsOnlyFrom.push(...list(value));
    else if (key === 'silent') h.silent.push(...list(value));
    else if (key === 'why') h.why = true;
  }
  return h;
}

const show = (fs: Finding[]) => fs.map((f) => `${f.loc.line}:${f.loc.col} ${f.severity} ${f.ruleId}: ${f.message}`);

const files = readdirSync(DIR).filter((f) => FILE.test(f)).sort();
const seedFiles = readdirSync(SEEDS).filter((f) => /^\d{3}_.*\.txt$/.test(f)).sort();
const skipped = readFileSync(path.join(DIR, 'SKIPPED.md'), 'utf8');
const config = loadConfig({ cwd: DIR, paths: files.length ? [files[0]!] : [] });

describe('seed fixtures', () => {
  it('cover all five seeds, numbered without gaps (fixtures and SKIPPED.md together)', () => {
    expect(seedFiles).toHaveLength(5);
    expect(config.file).toBe(path.join(DIR, '.medialint.yaml'));
    for (const seed of seedFiles) {
      const n = seed.slice(0, 3);
      const numbers = new Set<number>();
      for (const f of files) if (f.startsWith(`${n}-`)) numbers.add(Number(FILE.exec(f)![2]));
      for (const m of skipped.matchAll(new RegExp(`^\\| ${n}-(\\d{2}) \\|`, 'gm'))) {
        expect(numbers.has(Number(m[1])), `${n}-${m[1]} is both a fixture and skipped`).toBe(false);
        numbers.add(Number(m[1]));
      }
      expect(numbers.size, `seed ${seed} has no example`).toBeGreaterThan(0);
      const max = Math.max(...numbers);
      const missing = Array.from({ length: max }, (_, i) => i + 1).filter((k) => !numbers.has(k));
      expect(missing, `seed ${n}: examples neither a fixture nor in SKIPPED.md`).toEqual([]);
    }
  });
});

describe.each(files)('%s', (file) => {
  const text = readFileSync(path.join(DIR, file), 'utf8');
  const h = header(text);
  const result = lint([file], DIR, config);
  const findings = result.findings;
  const of = (rule: string) => findings.filter((f) => f.ruleId === rule);

  it('has a well-formed header naming its seed', () => {
    const seedFile = h.seed?.split(/\s+/)[0];
    expect(seedFile && seedFiles.includes(seedFile), `# seed: names one of ${seedFiles.join(', ')}`).toBe(true);
    expect(seedFile!.slice(0, 3)).toBe(file.slice(0, 3));
    expect(h.seed).toMatch(/ ".+"$/);
    expect(h.verdict).toMatch(/^(WRONG|CORRECT)$/);
    expect(h.expect, '# expect: line').toBeDefined();
    if (h.verdict === 'WRONG') expect(h.expect!.length, 'a WRONG example fires something').toBeGreaterThan(0);
    if (h.errorsOnlyFrom.length) {
      expect(h.verdict).toBe('CORRECT');
      expect(h.why, '# why: explains expect-errors-only-from').toBe(true);
    }
    for (const id of [...h.expect!, ...h.errorsOnlyFrom, ...h.silent]) expect(ruleById(id), `rule ${id} exists`).toBeDefined();
    for (const id of h.silent) expect(h.expect, `${id} both expected and silent`).not.toContain(id);
  });

  it('is read and parsed cleanly (the wrapping is valid YAML and valid pod spec)', () => {
    expect(result.errors).toEqual([]);
    const bad = findings.filter((f) => ['parse-error', 'unrenderable-template'].includes(f.ruleId)
      || (f.ruleId === 'unknown-field' && !h.expect?.includes('unknown-field')));
    expect(show(bad)).toEqual([]);
  });

  for (const rule of h.expect ?? []) {
    it(`fires ${rule}`, () => {
      expect(of(rule).length, `${rule} should fire; got:\n${show(findings).join('\n')}`).toBeGreaterThan(0);
    });
  }

  if (h.verdict === 'CORRECT') {
    it(`has no error except from ${h.errorsOnlyFrom.join(', ') || '(none)'}`, () => {
      const errors = findings.filter((f) => f.severity === 'error' && !h.errorsOnlyFrom.includes(f.ruleId));
      expect(show(errors)).toEqual([]);
    });
  }

  for (const rule of h.silent) {
    it(`stays silent on ${rule}`, () => {
      expect(show(of(rule))).toEqual([]);
    });
  }
});

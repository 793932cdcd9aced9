// Configuration (SPEC §5): .medialint.yaml found upward, -c, validation errors that name the key
// path (exit 2), rules and overrides, and the starter that `medialint init` writes.
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig, mergeConfigs, readConfigFile, setCliRule, validateConfig } from '../src/engine/load-config.js';
import { defaultConfig, type Config } from '../src/engine/config.js';
import { effectiveSeverity } from '../src/engine/run.js';
import { lintPaths } from '../src/engine/lint.js';
import { RULES } from '../rules/index.js';
import { BIDI, INVALID, findingKeys, twoErrorPod } from './support/two-errors.js';
import { runMain } from './support/main.js';
import { tmpTree, useTmpDirs } from './support/tmp.js';

useTmpDirs();

/** Line 14: invalid-mount-propagation (error); line 20: bidirectional-requires-privileged (error). */
const POD = twoErrorPod();

/** A temp tree: { 'a/b.yaml': text, ... }, removed after this file. */
const tree = (files: Record<string, string>): string => tmpTree(files, 'medialint-config-');

function errorOf(yamlText: string): string {
  try {
    validateConfig(parseYaml(yamlText), '.medialint.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

function lintIn(cwd: string, paths: string[], explicit?: string) {
  const config = loadConfig({ cwd, explicit, paths });
  const r = lintPaths(paths, { cwd, config, rules: RULES });
  return findingKeys(r.findings, { file: true, severity: true });
}

describe('validation', () => {
  it('accepts every key of SPEC §5', () => {
    const c = validateConfig(parseYaml(`
rules: { ${BIDI}: warning, no-node-selector: off }
serviceCIDRs: [10.0.0.0/16, "fd00::/108"]
hostPathShared: true
kubernetesVersion: "v1.28"
fuseDeviceResources: [example.com/fuse]
mounters: [{ image: sirrobot01/decypharr, mountPath: /mnt/dfs, fs: fuse }]
workloadKinds: [{ kind: Rollout, apiVersion: argoproj.io/v1alpha1, podTemplatePath: spec.template }]
kustomize: { loadRestrictor: LoadRestrictionsNone, mode: off }
ignore: ["charts/**"]
overrides: [{ files: ["clusters/lab/**"], rules: { ${INVALID}: info } }]
`), 'x');
    expect(c.rules).toEqual({ [BIDI]: 'warning', 'no-node-selector': 'off' });
    expect(c.serviceCIDRs).toEqual(expect.arrayContaining(['10.96.0.0/12', '10.0.0.0/16', 'fd00::/108']));
    expect(c.hostPathShared).toBe(true);
    expect(c.kubernetesVersion).toBe('1.28');
    expect(c.fuseDeviceResources).toContain('example.com/fuse');
    expect(c.mounters).toEqual([{ image: 'sirrobot01/decypharr', mountPath: '/mnt/dfs', fs: 'fuse' }]);
    expect(c.workloadKinds).toEqual([{ kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', podTemplatePath: ['spec', 'template'] }]);
    expect(c.kustomize).toEqual({ loadRestrictor: 'none', mode: 'off' });
    expect(c.ignore).toEqual(['charts/**']);
    expect(c.overrides).toEqual([{ files: ['clusters/lab/**'], rules: { [INVALID]: 'info' } }]);
  });

  it('an empty file is the default config', () => {
    expect(validateConfig(parseYaml(''), 'x')).toEqual(defaultConfig());
  });

  it('names an unknown key with its path and the closest known key', () => {
    expect(errorOf('kustomize:\n  loadRestrictr: none\n')).toBe(
      '.medialint.yaml: kustomize.loadRestrictr: unknown key; did you mean "loadRestrictor"? (known keys: loadRestrictor, mode)');
    expect(errorOf('serviceCIDR: []\n')).toMatch(/^\.medialint\.yaml: serviceCIDR: unknown key; did you mean "serviceCIDRs"\?/);
  });

  it('names a bad value with its path', () => {
    expect(errorOf(`rules:\n  ${BIDI}: warn\n`)).toBe(`.medialint.yaml: rules.${BIDI}: must be one of "error", "warning", "info", "off"`);
    expect(errorOf('hostPathShared: "yes"\n')).toBe('.medialint.yaml: hostPathShared: must be a boolean');
    expect(errorOf('overrides:\n  - rules: {}\n')).toBe('.medialint.yaml: overrides[0].files: is required');
    expect(errorOf('mounters:\n  - image: x\n    mountPath: mnt\n')).toBe(
      '.medialint.yaml: mounters[0].mountPath: must be an absolute path inside the container, where the image mounts, not "mnt"');
  });

  it('tells to quote a version that YAML read as a number', () => {
    expect(errorOf('kubernetesVersion: 1.30\n')).toBe('.medialint.yaml: kubernetesVersion: must be a string (quote it: "1.3")');
  });

  it('checks CIDRs for real', () => {
    expect(errorOf('serviceCIDRs: [10.0.0.0/33]\n')).toMatch(/serviceCIDRs\[0\]: "10\.0\.0\.0\/33" is not a CIDR/);
    expect(errorOf('serviceCIDRs: [10.0.0/16]\n')).toMatch(/serviceCIDRs\[0\]: "10\.0\.0\/16" is not a CIDR/);
  });

  it('rejects rule ids that do not exist, in rules and in overrides', () => {
    expect(errorOf('rules:\n  invalid-mount-propogation: off\n')).toBe(
      '.medialint.yaml: rules.invalid-mount-propogation: unknown rule "invalid-mount-propogation"; did you mean "invalid-mount-propagation"? (run medialint rules for the list)');
    expect(errorOf('overrides:\n  - files: ["*"]\n    rules: { nope: off }\n')).toMatch(/overrides\[0\]\.rules\.nope: unknown rule "nope"/);
    expect(errorOf('rules:\n  Bad_Id: off\n')).toMatch(/rules\.Bad_Id: "Bad_Id" is not a rule id/);
  });

  it('says how many more problems there are', () => {
    expect(errorOf('foo: 1\nbar: 2\n')).toMatch(/\(and 1 more problem\)$/);
  });

  it('reports YAML syntax errors and unreadable files as ConfigError', () => {
    const dir = tree({ '.medialint.yaml': 'rules: [\n' });
    expect(() => readConfigFile(path.join(dir, '.medialint.yaml'))).toThrow(/\.medialint\.yaml: not valid YAML/);
    expect(() => readConfigFile(path.join(dir, 'missing.yaml'))).toThrow(/cannot be read \(ENOENT\)/);
  });
});

describe('finding the config', () => {
  it('looks upward from the linted path, not from cwd', () => {
    const dir = tree({
      'repo/.medialint.yaml': `rules: { ${INVALID}: off }\n`,
      'repo/apps/app.yaml': POD,
    });
    const cwd = path.join(dir, 'elsewhere');
    mkdirSync(cwd);
    const c = loadConfig({ cwd, paths: ['../repo/apps/app.yaml'] });
    expect(c.file).toBe(path.join(dir, 'repo/.medialint.yaml'));
    expect(lintIn(path.join(dir, 'repo/apps'), ['.'])).toEqual([`app.yaml:20 error ${BIDI}`]);
  });

  it('-c wins over the file found upward', () => {
    const dir = tree({
      '.medialint.yaml': `rules: { ${INVALID}: off }\n`,
      'ci.yaml': `rules: { ${BIDI}: off }\n`,
      'app.yaml': POD,
    });
    expect(lintIn(dir, ['app.yaml'], 'ci.yaml')).toEqual([`app.yaml:14 error ${INVALID}`]);
  });

  it('without any config file, the defaults', () => {
    const dir = tree({ 'app.yaml': POD });
    expect(loadConfig({ cwd: dir, paths: [] })).toEqual({ ...defaultConfig(), cwd: dir });
  });

  it('paths in different trees each get their own config', () => {
    const dir = tree({
      'a/.medialint.yaml': `rules: { ${INVALID}: off }\nserviceCIDRs: [10.1.0.0/16]\n`,
      'a/app.yaml': POD,
      'b/.medialint.yaml': `rules: { ${BIDI}: warning }\nserviceCIDRs: [10.2.0.0/16]\n`,
      'b/app.yaml': POD,
      'c/app.yaml': POD,
    });
    const c = loadConfig({ cwd: dir, paths: ['a', 'b', 'c'] });
    expect(c.serviceCIDRs).toEqual(expect.arrayContaining(['10.1.0.0/16', '10.2.0.0/16']));
    expect(lintIn(dir, ['a', 'b', 'c'])).toEqual([
      `a/app.yaml:20 error ${BIDI}`,
      `b/app.yaml:14 error ${INVALID}`,
      `b/app.yaml:20 warning ${BIDI}`,
      `c/app.yaml:14 error ${INVALID}`,
      `c/app.yaml:20 error ${BIDI}`,
    ]);
  });

  it('merging keeps the oldest Kubernetes version and hostPathShared only when all agree', () => {
    const a = { ...validateConfig({ kubernetesVersion: '1.30', hostPathShared: true }, 'a'), file: '/x/a/.medialint.yaml' };
    const b = { ...validateConfig({ kubernetesVersion: '1.28.3' }, 'b'), file: '/x/b/.medialint.yaml' };
    const m = mergeConfigs([a, b]);
    expect(m.kubernetesVersion).toBe('1.28.3');
    expect(m.hostPathShared).toBe(false);
  });
});

describe('rules and overrides', () => {
  it('off disables a rule, a severity replaces the rule\'s own', () => {
    const dir = tree({ '.medialint.yaml': `rules:\n  ${INVALID}: off\n  ${BIDI}: info\n`, 'app.yaml': POD });
    expect(lintIn(dir, ['.'])).toEqual([`app.yaml:20 info ${BIDI}`]);
  });

  it('overrides apply to the files matching their globs, relative to the config file', () => {
    const dir = tree({
      '.medialint.yaml': `overrides:\n  - files: ["clusters/lab/**"]\n    rules: { ${INVALID}: off, ${BIDI}: warning }\n`,
      'clusters/lab/app.yaml': POD,
      'clusters/prod/app.yaml': POD,
    });
    const expected = [
      `lab/app.yaml:20 warning ${BIDI}`,
      `prod/app.yaml:14 error ${INVALID}`,
      `prod/app.yaml:20 error ${BIDI}`,
    ];
    // Linted from a subdirectory: finding paths are relative to cwd, globs to the config file.
    expect(lintIn(path.join(dir, 'clusters'), ['.'])).toEqual(expected);
    expect(lintIn(dir, ['.'])).toEqual(expected.map((l) => `clusters/${l}`));
  });

  it('later overrides win, and an override may turn on a rule that rules turned off', () => {
    const dir = tree({
      '.medialint.yaml': `rules: { ${BIDI}: off }
overrides:
  - files: ["prod/**"]
    rules: { ${BIDI}: warning }
  - files: ["prod/special.yaml"]
    rules: { ${BIDI}: info }
`,
      'prod/app.yaml': POD,
      'prod/special.yaml': POD,
      'lab/app.yaml': POD,
    });
    expect(lintIn(dir, ['.']).filter((l) => l.endsWith(BIDI))).toEqual([
      `prod/app.yaml:20 warning ${BIDI}`,
      `prod/special.yaml:20 info ${BIDI}`,
    ]);
  });

  it('a glob without a slash matches file names at any depth', () => {
    const c: Config = { ...defaultConfig(), cwd: '/repo', overrides: [{ files: ['*.lab.yaml'], rules: { [BIDI]: 'off' } }] };
    expect(effectiveSeverity(BIDI, c, 'a/b/app.lab.yaml')).toBe('off');
    expect(effectiveSeverity(BIDI, c, 'a/b/app.yaml')).toBeUndefined();
    expect(effectiveSeverity(BIDI, c, '/elsewhere/app.lab.yaml')).toBeUndefined();
  });

  it('--rule on the command line wins over the config file and its overrides', () => {
    const dir = tree({
      '.medialint.yaml': `overrides:\n  - files: ["**"]\n    rules: { ${BIDI}: warning }\n`,
      'app.yaml': POD,
    });
    const config = loadConfig({ cwd: dir, paths: ['.'] });
    setCliRule(config, BIDI, 'info');
    const r = lintPaths(['.'], { cwd: dir, config, rules: RULES });
    expect(r.findings.filter((f) => f.ruleId === BIDI).map((f) => f.severity)).toEqual(['info']);
  });

  it('settings apply to findings made outside the rules too (parse errors)', () => {
    const dir = tree({ '.medialint.yaml': 'rules: { parse-error: warning }\n', 'bad.yaml': 'a: [\n' });
    expect(lintIn(dir, ['.'])).toEqual(['bad.yaml:2 warning parse-error']);
  });
});

describe('the command line', () => {
  it('exits 2 naming the file and the key path of a bad config', async () => {
    const dir = tree({ '.medialint.yaml': 'rules:\n  no-node-selector: sometimes\n', 'app.yaml': POD });
    const { code, stderr: err } = await runMain(['app.yaml'], { cwd: dir });
    expect(code).toBe(2);
    expect(err).toBe(`medialint: ${path.join(dir, '.medialint.yaml')}: rules.no-node-selector: must be one of "error", "warning", "info", "off"\n`);
  });

  // Issue 7: a config file is input (it sits in the linted repository), and no input may make
  // medialint run a program. Rendering with kubectl is the command line's choice only.
  it('refuses kustomize.mode: kubectl in a config file with exit 2, pointing at --kustomize kubectl', async () => {
    expect(errorOf('kustomize:\n  mode: kubectl\n')).toBe(
      '.medialint.yaml: kustomize.mode: "kubectl" is not allowed in a config file (a config file must not make medialint run a program); ' +
        'remove it and pass --kustomize kubectl on the command line (in the GitHub Action: the kustomize input) instead. A config may set "auto" or "off"');
    expect(validateConfig(parseYaml('kustomize:\n  mode: auto\n'), 'x').kustomize.mode).toBe('auto');
    expect(errorOf('kustomize:\n  mode: kustomize\n')).toBe('.medialint.yaml: kustomize.mode: must be one of "auto", "off"');
    const dir = tree({ '.medialint.yaml': 'kustomize:\n  mode: kubectl\n', 'app.yaml': POD });
    for (const args of [['app.yaml'], ['--kustomize', 'kubectl', 'app.yaml']]) {
      const { code, stdout, stderr } = await runMain(args, { cwd: dir });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^medialint: .*\.medialint\.yaml: kustomize\.mode: "kubectl" is not allowed in a config file .* pass --kustomize kubectl on the command line/);
    }
  });

  it('medialint init writes a starter that validates, examples included', async () => {
    const { STARTER } = await import('../src/cli/subcommands.js');
    expect(() => validateConfig(parseYaml(STARTER), '.medialint.yaml')).not.toThrow();
    // Uncommenting the examples must give a valid config too: the `#  ` lines under a `key: []`
    // or `key: {}`, and the commented `# key: value` lines of scalar settings.
    const lines = STARTER.split('\n');
    const out: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const empty = /^(\w+): (\{\}|\[\])$/.exec(l);
      if (empty && lines[i + 1]?.startsWith('#  ')) {
        out.push(`${empty[1]}:`);
        while (lines[i + 1]?.startsWith('#  ')) out.push(lines[++i]!.slice(1));
      } else out.push(l.replace(/^# (kubernetesVersion|hostPathShared): /, '$1: '));
    }
    const uncommented = out.join('\n');
    expect(uncommented).toMatch(/^kubernetesVersion: "1\.29"$/m);
    expect(uncommented).toMatch(/^ {2}- image: sirrobot01\/decypharr$/m);
    try {
      validateConfig(parseYaml(uncommented), '.medialint.yaml');
    } catch (e) {
      // Rule ids of rules still to come are the only acceptable complaint.
      expect((e as Error).message).toMatch(/: unknown rule "[a-z-]+"/);
    }
  });
});

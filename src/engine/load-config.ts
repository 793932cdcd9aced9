// Configuration: .medialint.yaml found upward from each linted path (or -c), validated with
// ajv against schemas/config.schema.json. A bad key or value is a ConfigError (exit 2) that
// names the file and the key path.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import ipaddr from 'ipaddr.js';
import schema from '../../schemas/config.schema.json' with { type: 'json' };
// Compiled ahead of time from the same schema by scripts/gen-validators.mjs.
import { validateConfig as compiledValidator } from './config-validate.generated.js';
import { defaultConfig, type Config } from './config.js';
import { RULES } from '../../rules/index.js';

export class ConfigError extends Error {}

export const CONFIG_NAMES = ['.medialint.yaml', '.medialint.yml'];

/** The nearest config file in `start` or above it. */
export function findConfig(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    for (const n of CONFIG_NAMES) {
      const p = path.join(dir, n);
      if (existsSync(p)) return p;
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

const validator = compiledValidator as unknown as ValidateFunction;

/** `overrides[0].rules.foo` from ajv's `/overrides/0/rules/foo`. */
function keyPath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z0-9_-]+$/.test(p) ? (out ? `.${p}` : p) : `[${JSON.stringify(p)}]`;
  return out || '(top level)';
}

/** The schema node at a JSON pointer of the instance (for "expected one of" hints). */
function schemaAt(pointer: string): Record<string, any> | undefined {
  let node: Record<string, any> | undefined = schema as Record<string, any>;
  const deref = (n: Record<string, any> | undefined) => {
    while (n?.$ref) n = (schema as Record<string, any>).definitions[String(n.$ref).split('/').pop()!];
    return n;
  };
  for (const p of pointer.split('/').slice(1)) {
    node = deref(node);
    if (!node) return undefined;
    if (node.type === 'array') node = node.items;
    else node = node.properties?.[p] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
  }
  return deref(node);
}

function didYouMean(word: string, choices: string[]): string {
  if (!choices.length) return '';
  const c = closest(word, choices);
  return distance(word, c) <= Math.max(2, Math.floor(word.length / 3)) ? `; did you mean "${c}"?` : '';
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, any>;
  if (e.keyword === 'additionalProperties') {
    const key = String(params.additionalProperty);
    const known = Object.keys(schemaAt(e.instancePath)?.properties ?? {});
    return `${keyPath(e.instancePath, key)}: unknown key${didYouMean(key, known)}${known.length ? ` (known keys: ${known.join(', ')})` : ''}`;
  }
  if (e.propertyName !== undefined) {
    return `${keyPath(e.instancePath, e.propertyName)}: "${e.propertyName}" is not a rule id (rule ids are lower-case words joined by "-")`;
  }
  const where = keyPath(e.instancePath);
  if (e.keyword === 'enum') return `${where}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'type') {
    const quote = params.type === 'string' && typeof e.data === 'number' ? ` (quote it: "${e.data}")` : '';
    return `${where}: must be ${/^[aeiou]/.test(String(params.type)) ? 'an' : 'a'} ${params.type}${quote}`;
  }
  if (e.keyword === 'required') return `${keyPath(e.instancePath, String(params.missingProperty))}: is required`;
  if (e.keyword === 'pattern') {
    const desc = schemaAt(e.instancePath)?.description as string | undefined;
    const hint = desc ? `must be ${desc.split(/[:;]/)[0]!.replace(/\.$/, '')}` : `must match ${params.pattern}`;
    return `${where}: ${hint}, not ${JSON.stringify(e.data)}`;
  }
  return `${where}: ${e.message}`;
}

const RULE_IDS = () => RULES.map((r) => r.id);

/** Rule ids in `rules` and `overrides[].rules` must exist (a typo would silently do nothing). */
function checkRuleIds(r: Record<string, any>, file: string): void {
  const ids = new Set(RULE_IDS());
  const check = (rules: Record<string, unknown> | undefined, where: string) => {
    for (const id of Object.keys(rules ?? {})) {
      if (!ids.has(id)) throw new ConfigError(`${file}: ${where}.${id}: unknown rule "${id}"${didYouMean(id, [...ids])} (run medialint rules for the list)`);
    }
  };
  check(r.rules, 'rules');
  (r.overrides as { rules?: Record<string, unknown> }[] | undefined)?.forEach((o, i) => check(o.rules, `overrides[${i}].rules`));
}

/** A CIDR with a four-part IPv4 address (ipaddr.js alone also takes `10.0.0/16`) or an IPv6 one. */
function isCidr(cidr: string): boolean {
  const [addr = '', bits = ''] = cidr.split('/');
  if (!/^\d{1,3}$/.test(bits)) return false;
  if (addr.includes(':')) return ipaddr.IPv6.isValid(addr) && Number(bits) <= 128;
  return ipaddr.IPv4.isValidFourPartDecimal(addr) && Number(bits) <= 32;
}

/**
 * A config file sits in the repository being linted, so it is input: it may not make medialint
 * run a program (issue 7). Rendering with kubectl is asked for on the command line or in the
 * Action's workflow, by whoever runs medialint.
 */
function checkNoKubectl(raw: unknown, file: string): void {
  const k = (raw as Record<string, unknown> | null)?.kustomize as Record<string, unknown> | null | undefined;
  if (k && typeof k === 'object' && k.mode === 'kubectl') {
    throw new ConfigError(
      `${file}: kustomize.mode: "kubectl" is not allowed in a config file (a config file must not make medialint run a program); ` +
        'remove it and pass --kustomize kubectl on the command line (in the GitHub Action: the kustomize input) instead. A config may set "auto" or "off"',
    );
  }
}

/** Validates a parsed config file (its YAML value) and turns it into a Config. */
export function validateConfig(raw: unknown, file: string): Config {
  if (raw === null || raw === undefined) raw = {};
  checkNoKubectl(raw, file);
  if (!validator(raw)) {
    const errors = validator.errors!.filter((e) => e.keyword !== 'propertyNames');
    const first = describe(errors[0] ?? validator.errors![0]!);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    throw new ConfigError(`${file}: ${first}${more}`);
  }
  const r = raw as Record<string, any>;
  checkRuleIds(r, file);
  (r.serviceCIDRs as string[] | undefined)?.forEach((cidr, i) => {
    if (!isCidr(cidr)) {
      throw new ConfigError(`${file}: serviceCIDRs[${i}]: "${cidr}" is not a CIDR (an IPv4 or IPv6 address, a slash and a prefix length in range)`);
    }
  });
  const c = defaultConfig();
  if (r.rules) Object.assign(c.rules, r.rules);
  if (r.serviceCIDRs) c.serviceCIDRs.push(...r.serviceCIDRs.filter((x: string) => !c.serviceCIDRs.includes(x)));
  if (r.hostPathShared !== undefined) c.hostPathShared = r.hostPathShared;
  if (r.kubernetesVersion !== undefined) c.kubernetesVersion = String(r.kubernetesVersion).replace(/^v/, '');
  if (r.fuseDeviceResources) c.fuseDeviceResources.push(...r.fuseDeviceResources.filter((x: string) => !c.fuseDeviceResources.includes(x)));
  if (r.mounters) c.mounters = r.mounters;
  if (r.workloadKinds) c.workloadKinds = r.workloadKinds.map((k: any) => ({ kind: k.kind, apiVersion: k.apiVersion, podTemplatePath: String(k.podTemplatePath).split('.').filter(Boolean) }));
  if (r.ignore) c.ignore = r.ignore;
  if (r.overrides) c.overrides = r.overrides;
  if (r.kustomize?.loadRestrictor) c.kustomize.loadRestrictor = /none/i.test(r.kustomize.loadRestrictor) ? 'none' : 'rootOnly';
  if (r.kustomize?.mode) c.kustomize.mode = r.kustomize.mode as 'auto' | 'off';
  return c;
}

/** Reads, parses and validates one config file. */
export function readConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    throw new ConfigError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const c = validateConfig(raw, file);
  c.file = file;
  return c;
}

/** The directory to look upward from for a linted path (a file's directory; a glob's fixed prefix). */
function startDir(cwd: string, arg: string): string {
  const abs = path.resolve(cwd, arg);
  try {
    const st = statSync(abs);
    return st.isDirectory() ? abs : path.dirname(abs);
  } catch {
    // A glob or a missing path: its longest prefix without glob characters.
    const parts = abs.split(path.sep);
    const i = parts.findIndex((p) => /[*?[\]{}()!]/.test(p));
    return i < 0 ? path.dirname(abs) : parts.slice(0, i).join(path.sep) || path.sep;
  }
}

/**
 * The config of a run. `-c` wins. Otherwise the nearest `.medialint.yaml` upward from each
 * linted path (from cwd when there is none): when they all find the same file, that file;
 * when they find several, their merge (see mergeConfigs).
 */
export function loadConfig(opts: { cwd: string; explicit?: string; paths: string[] }): Config {
  let c: Config;
  if (opts.explicit) {
    c = readConfigFile(path.resolve(opts.cwd, opts.explicit));
  } else {
    const args = opts.paths.filter((p) => p !== '-');
    const found: (string | undefined)[] = [];
    for (const a of args.length ? args : ['.']) {
      const f = findConfig(startDir(opts.cwd, a));
      if (!found.includes(f)) found.push(f);
    }
    const files = found.filter((f): f is string => !!f);
    if (!files.length) c = defaultConfig();
    else if (found.length === 1) c = readConfigFile(files[0]!);
    else c = mergeConfigs(files.map(readConfigFile));
  }
  c.cwd = opts.cwd;
  return c;
}

/** picomatch-safe literal (a directory name with brackets or braces in it). */
function escapeGlob(s: string): string {
  return s.replace(/\\/g, '/').replace(/[*?[\]{}()!+@]/g, '\\$&');
}

/** A config-relative glob as an absolute one (`*.yaml` matches below the config's directory). */
function absoluteGlob(dir: string, glob: string): string {
  if (path.isAbsolute(glob)) return glob;
  const neg = glob.startsWith('!') ? '!' : '';
  const g = neg ? glob.slice(1) : glob;
  return `${neg}${escapeGlob(dir)}/${g.includes('/') ? g.replace(/^\.\//, '') : `**/${g}`}`;
}

/**
 * Several configs in one run (paths in different trees). Each config's `rules` and
 * `overrides` apply to the files below its own directory: they become overrides with absolute
 * globs. Settings of the whole run are merged: lists are joined, `hostPathShared` holds only
 * when every config says so, `kubernetesVersion` is the oldest, `kustomize` the first one set.
 * Files below no config keep the defaults, as they would when linted alone.
 */
export function mergeConfigs(configs: Config[]): Config {
  const out = defaultConfig();
  out.hostPathShared = configs.every((c) => c.hostPathShared);
  const versions = configs.map((c) => c.kubernetesVersion).filter((v): v is string => !!v);
  out.kubernetesVersion = versions.sort((a, b) => cmpVersion(a, b))[0];
  const d = defaultConfig();
  for (const c of configs) {
    const dir = path.dirname(c.file!);
    for (const x of c.serviceCIDRs) if (!out.serviceCIDRs.includes(x)) out.serviceCIDRs.push(x);
    for (const x of c.fuseDeviceResources) if (!out.fuseDeviceResources.includes(x)) out.fuseDeviceResources.push(x);
    out.mounters.push(...c.mounters);
    out.workloadKinds.push(...c.workloadKinds.filter((k) => !out.workloadKinds.some((o) => o.kind === k.kind && o.apiVersion === k.apiVersion)));
    out.ignore.push(...c.ignore.filter((g) => !out.ignore.includes(g)));
    if (out.kustomize.loadRestrictor === d.kustomize.loadRestrictor) out.kustomize.loadRestrictor = c.kustomize.loadRestrictor;
    if (out.kustomize.mode === d.kustomize.mode) out.kustomize.mode = c.kustomize.mode;
    if (Object.keys(c.rules).length) out.overrides.push({ files: [`${escapeGlob(dir)}/**`], rules: { ...c.rules } });
    for (const o of c.overrides) out.overrides.push({ files: o.files.map((g) => absoluteGlob(dir, g)), rules: { ...o.rules } });
  }
  return out;
}

function cmpVersion(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * `--rule id=severity` from the command line: it wins over the config file, its `overrides`
 * included (as ESLint's --rule does).
 */
export function setCliRule(config: Config, id: string, setting: Config['rules'][string]): void {
  config.rules[id] = setting;
  for (const o of config.overrides) delete o.rules[id];
}

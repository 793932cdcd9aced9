// One pass of the rules over a model.
import path from 'node:path';
import picomatch from 'picomatch';
import type { Finding, Report, Severity } from './finding.js';
import { locOf } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import type { Config } from './config.js';
import type { Model, Workload } from '../model/types.js';
import { collectGarbage } from './memory.js';

type Setting = Severity | 'off';

/**
 * Whether `file` (a finding's loc.file: a display path relative to config.cwd, or absolute)
 * matches an `overrides` glob. Relative globs are relative to the config file's directory (to
 * config.cwd when the config came from nowhere); a glob without a slash matches the base name
 * anywhere below it, as ESLint's `overrides` do. Absolute globs match the absolute path.
 */
export function overrideMatcher(config: Config): (glob: string, file: string) => boolean {
  const cwd = config.cwd ?? process.cwd();
  const base = config.file ? path.dirname(path.resolve(cwd, config.file)) : cwd;
  const compiled = new Map<string, (f: string) => boolean>();
  const rel = new Map<string, { rel: string | undefined; abs: string }>();
  return (glob, file) => {
    let m = compiled.get(glob);
    if (!m) compiled.set(glob, (m = picomatch(glob, { dot: true, basename: !glob.includes('/') })));
    let p = rel.get(file);
    if (!p) {
      const abs = toSlash(path.resolve(cwd, file));
      const r = toSlash(path.relative(base, abs));
      rel.set(file, (p = { abs, rel: r.startsWith('../') || r === '..' || path.isAbsolute(r) ? undefined : r }));
    }
    if (path.isAbsolute(glob)) return m(p.abs);
    return p.rel !== undefined && m(p.rel);
  };
}

function toSlash(p: string): string {
  return path.sep === '\\' ? p.replace(/\\/g, '/') : p;
}

const MATCHERS = new WeakMap<Config, { overrides: Config['overrides']; cwd: string | undefined; file: string | undefined; match: (g: string, f: string) => boolean }>();

/** The cached matcher of a config (rebuilt when the CLI has changed what it depends on). */
function matcherOf(config: Config): (glob: string, file: string) => boolean {
  const c = MATCHERS.get(config);
  if (c && c.overrides === config.overrides && c.cwd === config.cwd && c.file === config.file) return c.match;
  const match = overrideMatcher(config);
  MATCHERS.set(config, { overrides: config.overrides, cwd: config.cwd, file: config.file, match });
  return match;
}

/**
 * The setting of a rule for a file under a config: `rules`, then every matching `overrides`
 * entry in order (the last one that names the rule wins). `undefined`: the rule's own severity.
 */
export function effectiveSeverity(rule: Rule | string, config: Config, file?: string, matches?: (glob: string, file: string) => boolean): Setting | undefined {
  const id = typeof rule === 'string' ? rule : rule.id;
  let sev: Setting | undefined = config.rules[id];
  if (file !== undefined && config.overrides.length) {
    const m = matches ?? matcherOf(config);
    for (const o of config.overrides) if (o.rules[id] && o.files.some((g) => m(g, file))) sev = o.rules[id];
  }
  return sev;
}

/** Could the rule report anything under this config (not `off` everywhere)? */
export function ruleEnabled(id: string, config: Config): boolean {
  if (config.rules[id] !== 'off') return true;
  return config.overrides.some((o) => o.rules[id] !== undefined && o.rules[id] !== 'off');
}

/**
 * Applies `rules` and `overrides` to findings made outside the rules (parse errors, kustomize
 * errors, unused suppressions) or by them: `off` drops a finding, a severity replaces its own.
 * Idempotent, so findings that already went through runRules may pass again.
 */
export function applyRuleSettings(findings: Finding[], config: Config): Finding[] {
  if (!Object.keys(config.rules).length && !config.overrides.length) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const s = effectiveSeverity(f.ruleId, config, f.loc.file);
    if (s === 'off') continue;
    out.push(s && s !== f.severity ? { ...f, severity: s } : f);
  }
  return out;
}

export function runRules(model: Model, rules: Rule[], config: Config): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (!ruleEnabled(rule.id, config)) continue;
    let current: Workload | undefined;
    const ctx: RuleContext = {
      config, model,
      report(r: Report) {
        const workload = r.workload ?? current;
        const loc = locOf(r.at) ?? (workload ? locOf(workload.pod.specNode) ?? locOf(workload.resource.node) : undefined);
        if (!loc) return;
        const setting = effectiveSeverity(rule, config, loc.file);
        if (setting === 'off') return;
        const f: Finding = {
          ruleId: rule.id,
          severity: setting ?? r.severity ?? rule.severity,
          message: r.message,
          loc,
          workload: workload?.id,
        };
        if (workload?.resource.root) f.overlays = [workload.resource.root];
        if (r.fix) f.fix = r.fix;
        if (r.suggestions?.length) f.suggestions = r.suggestions;
        const related = (r.related ?? []).flatMap((x) => {
          const l = locOf(x.at);
          return l ? [{ loc: l, message: x.message }] : [];
        });
        if (related.length) f.related = related;
        findings.push(f);
      },
    };
    try {
      if (rule.checkPod) for (const w of model.workloads) { current = w; rule.checkPod(w.pod, ctx); }
      current = undefined;
      if (rule.checkModel) rule.checkModel(model, ctx);
      collectGarbage();
    } catch (e) {
      // A rule bug must not take the run down: say which rule, keep the others.
      if (process.env.DEBUG?.includes('medialint')) throw e;
      const w = current ?? model.workloads[0];
      const loc = w ? locOf(w.resource.node) : undefined;
      if (loc) findings.push({ ruleId: rule.id, severity: 'error', message: `internal error in rule ${rule.id}: ${(e as Error).message} (run with DEBUG=medialint for a stack trace)`, loc });
    }
  }
  return findings;
}

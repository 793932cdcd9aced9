// The command line: argv -> options -> pipeline -> output, exit codes 0/1/2 (SPEC §3).
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Finding, Severity } from '../engine/finding.js';
import { lintPaths, lintFiles, type LintOptions, type LintResult } from '../engine/lint.js';
import { loadConfig, ConfigError, setCliRule } from '../engine/load-config.js';
import { scopeToFiles } from '../engine/scope.js';
import { RULES, ruleById } from '../../rules/index.js';
import { ruleDoc, packageVersion } from './package-files.js';
import { formatFindings, FORMATS } from '../report/index.js';
import { collectGarbage } from '../engine/memory.js';
import { runFix } from './fix-command.js';
import { runSubcommand, SUBCOMMANDS } from './subcommands.js';

export class UsageError extends Error {}

export interface Io {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin: () => string;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

const HELP = `medialint [options] [paths...]     lint Kubernetes manifests (default path: .)
medialint -                        lint a YAML stream from stdin
medialint rules [--format json]    list every rule
medialint explain <rule-id>        print a rule's documentation
medialint graph [paths...]         draw each pod's mount topology (--format text|mermaid)
medialint render <dir> [--origins] print a kustomization as medialint renders it
medialint init                     write a commented starter .medialint.yaml

Options:
  --fix                   apply fixes to the files (atomically; comments kept)
  --fix-dry-run           print the fixes as a unified diff; write nothing
  --suggestions           with --fix/--fix-dry-run, also apply suggestions
  -f, --format NAME       stylish | json | sarif | github | gitlab (default: stylish)
  -o, --output-file FILE  write the report to FILE
  -c, --config FILE       use this config instead of .medialint.yaml found upward
  --rule ID=SEVERITY      error | warning | info | off (repeatable)
  --max-warnings N        exit 1 when there are more than N warnings
  --quiet                 report errors only
  --color / --no-color    force colour on or off (NO_COLOR and FORCE_COLOR honoured)
  --ignore-pattern GLOB   skip matching files (repeatable)
  --kustomize MODE        auto | kubectl | off (default: auto, rendered in-process)
  --load-restrictor R     rootOnly | none (default: rootOnly)
  --service-cidr CIDR     add a service CIDR (repeatable)
  --stdin-filename NAME   name for the stdin stream in reports
  --app-template-values FILE  lint FILE as bjw-s app-template values (repeatable)
  --report-unused-suppressions  report suppressions that silence nothing
  -v, --version           print the version
  -h, --help              print this help

Exit codes: 0 clean (warnings within --max-warnings), 1 problems found, 2 bad usage or internal error.`;

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.stderr(`medialint: ${e.message}\n`);
      return 2;
    }
    if (io.env.DEBUG?.includes('medialint')) io.stderr(`${(e as Error).stack}\n`);
    io.stderr(`medialint: internal error: ${(e as Error).message} (run with DEBUG=medialint for a stack trace)\n`);
    return 2;
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        fix: { type: 'boolean' },
        'fix-dry-run': { type: 'boolean' },
        suggestions: { type: 'boolean' },
        format: { type: 'string', short: 'f' },
        'output-file': { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        rule: { type: 'string', multiple: true },
        'max-warnings': { type: 'string' },
        quiet: { type: 'boolean' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        'ignore-pattern': { type: 'string', multiple: true },
        kustomize: { type: 'string' },
        'load-restrictor': { type: 'string' },
        'service-cidr': { type: 'string', multiple: true },
        'stdin-filename': { type: 'string' },
        'report-unused-suppressions': { type: 'boolean' },
        origins: { type: 'boolean' },
        'app-template-values': { type: 'string', multiple: true },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}. Run medialint --help for the options.`);
  }
}

export type Parsed = ReturnType<typeof parse>;

async function run(argv: string[], io: Io): Promise<number> {
  const args = parse(argv);
  const v = args.values;
  if (v.help) {
    io.stdout(HELP + '\n');
    return 0;
  }
  if (v.version) {
    io.stdout(packageVersion() + '\n');
    return 0;
  }
  const [first, ...rest] = args.positionals;
  // A subcommand name always wins; lint a directory of that name as ./rules.
  if (first && SUBCOMMANDS.includes(first)) {
    return runSubcommand(first, rest, args, io);
  }

  const paths = args.positionals;
  const useStdin = paths.includes('-');
  if (useStdin && (v.fix || v['fix-dry-run'])) throw new UsageError('--fix cannot be used with stdin input (there is no file to write); lint files instead');
  if (useStdin && paths.length > 1) throw new UsageError('`-` (stdin) cannot be combined with other paths');
  const format = v.format ?? 'stylish';
  // Object.hasOwn, not `in`: `-f constructor` passed the check and crashed.
  if (!Object.hasOwn(FORMATS, format)) throw new UsageError(`unknown format "${format}"; use one of ${Object.keys(FORMATS).join(', ')}`);
  let maxWarnings = -1;
  if (v['max-warnings'] !== undefined) {
    if (!/^\d+$/.test(v['max-warnings'])) throw new UsageError('--max-warnings takes a whole number');
    maxWarnings = Number(v['max-warnings']);
  }

  const config = loadConfig({ cwd: io.cwd, explicit: v.config, paths: useStdin ? [] : paths });
  applyCliConfig(config, v);

  const opts: LintOptions = {
    cwd: io.cwd,
    config,
    rules: RULES,
    reportUnusedSuppressions: !!v['report-unused-suppressions'],
    appTemplateValues: v['app-template-values'],
  };
  if (useStdin) opts.stdin = { text: io.stdin(), filename: v['stdin-filename'] ?? '<stdin>' };

  // Only file names (what pre-commit passes): lint the kustomization roots that include them,
  // and report only the findings located in those files (SPEC §6).
  const scope = useStdin ? undefined : scopeToFiles(paths, io.cwd);
  const lintArgs = scope?.paths ?? paths;

  // Past this point the report needs only the findings and the file texts: the YAML trees
  // and the model are let go (in lintForReport's frame) before the report is made.
  const { linted, fixedNote, writeFailures } = await lintForReport(lintArgs, opts, useStdin, v.fix || v['fix-dry-run'] ? {
    write: !!v.fix, suggestions: !!v.suggestions, io,
    // A machine-readable report on stdout carries the fixes itself; a diff would corrupt it.
    printDiff: format === 'stylish' || !!v['output-file'],
    only: scope && ((file) => scope.files.has(path.resolve(io.cwd, file))) } : undefined);
  collectGarbage(true);
  for (const e of linted.errors) io.stderr(`medialint: ${e}\n`);
  if (!useStdin && !linted.files.length && linted.errors.length) return 2;

  const scoped = scope ? linted.findings.filter(scope.keep) : linted.findings;
  let findings = scoped;
  if (v.quiet) findings = findings.filter((f) => f.severity === 'error');
  const color = v['no-color'] ? false : v.color ? true : io.env.NO_COLOR ? false : io.env.FORCE_COLOR ? io.env.FORCE_COLOR !== '0' : io.isTTY && !v['output-file'];
  if (format === 'json' || format === 'sarif') await attachTextEdits(findings, linted.texts);
  const text = formatFindings(format, findings, {
    cwd: io.cwd,
    rules: RULES,
    color,
    // Only some formats print it; reading package.json is not free.
    get version() {
      return packageVersion();
    },
    ruleDoc,
    sourceText: (f) => linted.texts.get(f),
  });
  if (v['output-file']) {
    try {
      writeFileSync(path.resolve(io.cwd, v['output-file']), text);
    } catch (e) {
      // One line naming the file, not an "internal error" (an unwritable -o path is common).
      io.stderr(`medialint: cannot write the report to ${v['output-file']}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 2;
    }
  } else if (text) io.stdout(text.endsWith('\n') ? text : text + '\n');
  if (fixedNote) io.stderr(fixedNote);
  // --fix that could not write a file (read-only, changed on disk, I/O error) did not do what
  // it was asked: exit 2, as ESLint and Prettier do when a write fails, even if the findings
  // left on disk are only warnings. The message above says which file and why.
  if (writeFailures) return 2;
  return exitCode(scoped, maxWarnings);
}

export function exitCode(findings: Finding[], maxWarnings: number): number {
  if (findings.some((f) => f.severity === 'error')) return 1;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (maxWarnings >= 0 && warnings > maxWarnings) return 1;
  return 0;
}

function applyCliConfig(config: ReturnType<typeof loadConfig>, v: Parsed['values']): void {
  for (const r of v.rule ?? []) {
    const m = /^([a-z0-9-]+)=(error|warning|info|off)$/.exec(r);
    if (!m) throw new UsageError(`--rule takes ID=SEVERITY (error, warning, info or off), got "${r}"`);
    if (!ruleById(m[1]!)) throw new UsageError(`--rule: unknown rule "${m[1]}"; run medialint rules for the list`);
    setCliRule(config, m[1]!, m[2] as Severity | 'off');
  }
  for (const c of v['service-cidr'] ?? []) config.serviceCIDRs.push(c);
  if (v['ignore-pattern']) config.ignore.push(...v['ignore-pattern']);
  if (v.kustomize) {
    if (!['auto', 'kubectl', 'off'].includes(v.kustomize)) throw new UsageError('--kustomize takes auto, kubectl or off');
    config.kustomize.mode = v.kustomize as 'auto' | 'kubectl' | 'off';
  }
  if (v['load-restrictor']) {
    const lr = v['load-restrictor'].replace(/^LoadRestrictions/, '');
    const norm = /^rootonly$/i.test(lr) ? 'rootOnly' : /^none$/i.test(lr) ? 'none' : undefined;
    if (!norm) throw new UsageError('--load-restrictor takes rootOnly or none');
    config.kustomize.loadRestrictor = norm;
  }
}

export function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

interface Linted {
  findings: Finding[];
  errors: string[];
  files: string[];
  texts: Map<string, string>;
}

/**
 * Lints (or fixes, with `fix`) and returns what the report needs. The LintResult lives only
 * in this frame, so its trees and model can be collected once this returns (SPEC §7).
 */
async function lintForReport(lintArgs: string[], opts: LintOptions, useStdin: boolean, fix: Parameters<typeof runFix>[2] | undefined): Promise<{ linted: Linted; fixedNote: string; writeFailures: number }> {
  if (!fix) return { linted: reportInputs(useStdin ? lintFiles([], opts) : lintPaths(lintArgs, opts)), fixedNote: '', writeFailures: 0 };
  const r = await runFix(lintArgs, opts, fix);
  return { linted: reportInputs(r.result), fixedNote: r.note, writeFailures: r.writeFailures };
}

/** What the report needs of a lint: not its trees or model, which can then be collected. */
function reportInputs(r: LintResult): Linted {
  const texts = new Map<string, string>();
  for (const [file, sf] of r.sources) texts.set(file, sf.text);
  return { findings: r.findings, errors: r.errors, files: r.files, texts };
}

/** JSON and SARIF carry each fix as concrete text edits on the files it touches. */
async function attachTextEdits(findings: Finding[], texts: Map<string, string>): Promise<void> {
  const { planFix } = await import('../fix/apply.js');
  const textOf = (f: string) => texts.get(f);
  for (const f of findings) {
    for (const fix of [f.fix, ...(f.suggestions ?? [])]) {
      if (!fix) continue;
      const edits = planFix(fix, textOf);
      if (typeof edits !== 'string') fix.textEdits = edits;
    }
  }
}

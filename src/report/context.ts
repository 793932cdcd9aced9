// What every formatter gets besides the findings, and the helpers they share.
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { compareFindings, SEVERITY_RANK } from '../engine/finding.js';
import type { Finding, Fix, Severity } from '../engine/finding.js';
import type { RuleMeta } from '../engine/rule.js';

/** A concrete change to a file's text: [start, end) in UTF-16 code units, replaced by `text`. */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  text: string;
}

export interface ReportContext {
  /** Paths in the output are relative to this directory (forward slashes). */
  cwd: string;
  /** Every rule medialint knows (SARIF lists them all, in this order). */
  rules: RuleMeta[];
  /** Colour the `stylish` output (decided by the CLI: TTY, NO_COLOR, FORCE_COLOR, --color). */
  color: boolean;
  /** medialint's version, for SARIF `tool.driver.version`. */
  version: string;
  /** Edits that `--fix` applied, per file (listed in the `json` output as `appliedEdits`). */
  fixed?: { file: string; edits: { start: number; end: number; text: string }[] }[];
  /** A rule's documentation (markdown), for SARIF `help`. */
  ruleDoc?: (id: string) => string | undefined;
  /** A file's current text; SARIF `fixes` are emitted only for files it knows. */
  sourceText?: (file: string) => string | undefined;
  /** Findings already left out upstream; added to SARIF `run.properties.droppedResults`. */
  dropped?: number;
  /** SARIF: results per run (default 5,000, what GitHub code scanning keeps). */
  sarifMaxResults?: number;
  /** SARIF: maximum gzip-compressed size in bytes (default 10 MB, GitHub's upload limit). */
  sarifMaxGzipBytes?: number;
  /**
   * `github`: annotations per severity level per step (GitHub shows 10 error, 10 warning and
   * 10 notice annotations per step). When set, the most severe findings are annotated and one
   * final `::notice` says how many more there are; it counts against the notice budget.
   * Unset (the CLI's `-f github`): every finding is printed.
   */
  githubAnnotationsPerLevel?: number;
}

export type Formatter = (findings: Finding[], ctx: ReportContext) => string;

/** Findings in report order (file, line, column, rule, message), without mutating the input. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** Most severe first, report order within a severity (stable). */
export function bySeverity(findings: readonly Finding[]): Finding[] {
  return sortFindings(findings).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

/**
 * The path shown for a file: relative to cwd with forward slashes when inside it, otherwise the
 * absolute path (forward slashes too). Names that are not paths (`<stdin>`) are kept.
 */
export function displayPath(file: string, cwd: string): string {
  if (file.startsWith('<') && file.endsWith('>')) return file;
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return toSlash(abs);
  return toSlash(rel);
}

export function isInside(file: string, cwd: string): boolean {
  if (file.startsWith('<') && file.endsWith('>')) return true;
  const rel = relative(cwd, resolve(cwd, file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function toSlash(p: string): string {
  return sep === '\\' ? p.replace(/\\/g, '/') : p;
}

/** The concrete text edits of a fix, when the fixer has attached them (`fix.textEdits`). */
export function textEditsOf(fix: Fix | undefined): TextEdit[] | undefined {
  const raw = (fix as unknown as { textEdits?: unknown } | undefined)?.textEdits;
  if (!Array.isArray(raw)) return undefined;
  const edits: TextEdit[] = [];
  for (const e of raw) {
    if (
      e && typeof e === 'object' &&
      typeof e.file === 'string' && typeof e.text === 'string' &&
      Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.end >= e.start
    ) {
      edits.push({ file: e.file, start: e.start, end: e.end, text: e.text });
    }
  }
  return edits.length ? edits : undefined;
}

export interface Counts {
  error: number;
  warning: number;
  info: number;
  fixable: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0, fixable: 0 };
  for (const f of findings) {
    c[f.severity]++;
    if (f.fix) c.fixable++;
  }
  return c;
}

/** Findings grouped by display path, in report order. */
export function groupByFile(findings: readonly Finding[], cwd: string): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of sortFindings(findings)) {
    const key = displayPath(f.loc.file, cwd);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(f);
  }
  // compareFindings sorts by the raw file name; sort the groups by what is shown.
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A stable identity for each finding: rule, file (relative to cwd) and message, but not the
 * line, so it survives edits above it. Findings that share all three are told apart by their
 * order in the file (1, 2, ...), which edits elsewhere do not change.
 * Returns, per finding (by identity), the key and its occurrence number.
 */
export function identities(findings: readonly Finding[], cwd: string): Map<Finding, { key: string; occurrence: number }> {
  const seen = new Map<string, number>();
  const out = new Map<Finding, { key: string; occurrence: number }>();
  for (const f of sortFindings(findings)) {
    const key = [f.ruleId, displayPath(f.loc.file, cwd), f.message].join('\0');
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    out.set(f, { key, occurrence: n });
  }
  return out;
}

export function hashHex(algorithm: 'md5' | 'sha256', text: string): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** 1-based, ordered region of a finding (defends against zero or inverted positions). */
export function regionOf(loc: Finding['loc']): { line: number; col: number; endLine: number; endCol: number } {
  const line = posInt(loc.line);
  const col = posInt(loc.col);
  let endLine = posInt(loc.endLine ?? line);
  let endCol = posInt(loc.endCol ?? col);
  if (endLine < line) {
    endLine = line;
    endCol = col;
  } else if (endLine === line && endCol < col) endCol = col;
  return { line, col, endLine, endCol };
}

function posInt(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}

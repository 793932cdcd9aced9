// Machine-readable results, one entry per file; the shape is schemas/results.schema.json.
import type { Finding, Fix, Severity } from '../engine/finding.js';
import { countFindings, displayPath, groupByFile, regionOf, textEditsOf, type ReportContext } from './context.js';

export interface JsonTextEdit {
  filePath: string;
  start: number;
  end: number;
  text: string;
}

export interface JsonFix {
  description: string;
  /** Present once the fixer has resolved the fix to text edits. */
  edits?: JsonTextEdit[];
}

export interface JsonMessage {
  ruleId: string;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fix?: JsonFix;
  suggestions?: JsonFix[];
  related?: { filePath: string; line: number; column: number; endLine: number; endColumn: number; message: string }[];
  overlays?: string[];
  workload?: string;
}

export interface JsonFileResult {
  filePath: string;
  messages: JsonMessage[];
  errorCount: number;
  warningCount: number;
  infoCount: number;
  fixableCount: number;
  /** Edits `--fix` applied to this file. */
  appliedEdits?: { start: number; end: number; text: string }[];
}

export function jsonResults(findings: Finding[], ctx: ReportContext): JsonFileResult[] {
  const byFile = groupByFile(findings, ctx.cwd);
  const applied = new Map<string, { start: number; end: number; text: string }[]>();
  for (const f of ctx.fixed ?? []) {
    if (!f.edits.length) continue;
    const key = displayPath(f.file, ctx.cwd);
    applied.set(key, [...(applied.get(key) ?? []), ...f.edits.map(({ start, end, text }) => ({ start, end, text }))]);
    if (!byFile.has(key)) byFile.set(key, []);
  }
  const files = [...byFile.keys()].sort();
  return files.map((filePath) => {
    const list = byFile.get(filePath)!;
    const n = countFindings(list);
    const result: JsonFileResult = {
      filePath,
      messages: list.map((f) => message(f, ctx)),
      errorCount: n.error,
      warningCount: n.warning,
      infoCount: n.info,
      fixableCount: n.fixable,
    };
    const edits = applied.get(filePath);
    if (edits) result.appliedEdits = edits;
    return result;
  });
}

export function json(findings: Finding[], ctx: ReportContext): string {
  return JSON.stringify(jsonResults(findings, ctx)) + '\n';
}

function message(f: Finding, ctx: ReportContext): JsonMessage {
  const r = regionOf(f.loc);
  const m: JsonMessage = {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    line: r.line,
    column: r.col,
    endLine: r.endLine,
    endColumn: r.endCol,
  };
  if (f.fix) m.fix = fix(f.fix, ctx);
  if (f.suggestions?.length) m.suggestions = f.suggestions.map((s) => fix(s, ctx));
  if (f.related?.length) {
    m.related = f.related.map((rel) => {
      const p = regionOf(rel.loc);
      return {
        filePath: displayPath(rel.loc.file, ctx.cwd),
        line: p.line,
        column: p.col,
        endLine: p.endLine,
        endColumn: p.endCol,
        message: rel.message,
      };
    });
  }
  if (f.overlays?.length) m.overlays = [...f.overlays];
  if (f.workload) m.workload = f.workload;
  return m;
}

function fix(x: Fix, ctx: ReportContext): JsonFix {
  const out: JsonFix = { description: x.description };
  const edits = textEditsOf(x);
  if (edits) out.edits = edits.map((e) => ({ filePath: displayPath(e.file, ctx.cwd), start: e.start, end: e.end, text: e.text }));
  return out;
}

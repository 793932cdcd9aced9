// ESLint-like text: findings grouped by file, aligned columns, a summary line.
import pc from 'picocolors';
import type { Finding, Severity } from '../engine/finding.js';
import { countFindings, displayPath, groupByFile, type ReportContext } from './context.js';

export function stylish(findings: Finding[], ctx: ReportContext): string {
  if (findings.length === 0) return '';
  const c = pc.createColors(ctx.color);
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  let out = '';

  for (const [file, list] of groupByFile(findings, ctx.cwd)) {
    const lineW = Math.max(...list.map((f) => String(f.loc.line).length));
    const colW = Math.max(...list.map((f) => String(f.loc.col).length));
    const sevW = Math.max(...list.map((f) => f.severity.length));
    const msgW = Math.max(...list.map((f) => firstLine(f.message).length));
    const msgIndent = ' '.repeat(2 + lineW + 1 + colW + 2 + sevW + 2);

    out += c.underline(file) + '\n';
    for (const f of list) {
      const pos = String(f.loc.line).padStart(lineW) + ':' + String(f.loc.col).padEnd(colW);
      const [head, ...rest] = f.message.split(/\r?\n/);
      const sev = paint[f.severity](f.severity.padEnd(sevW));
      out += `  ${pos}  ${sev}  ${head!.padEnd(msgW)}  ${c.dim(f.ruleId)}\n`;
      for (const more of rest) out += `${msgIndent}${more}\n`;
      for (const r of f.related ?? []) {
        out += `    see also: ${displayPath(r.loc.file, ctx.cwd)}:${r.loc.line} ${r.message}\n`;
      }
      if (f.overlays?.length) out += `    (via overlays: ${f.overlays.join(', ')})\n`;
    }
    out += '\n';
  }

  const n = countFindings(findings);
  const summary =
    `✖ ${plural(findings.length, 'problem')} ` +
    `(${plural(n.error, 'error')}, ${plural(n.warning, 'warning')}, ${plural(n.info, 'info')})`;
  const tone = n.error ? c.red : n.warning ? c.yellow : c.blue;
  out += c.bold(tone(summary)) + '\n';
  if (n.fixable) out += tone(`  ${n.fixable} fixable with --fix`) + '\n';
  return out;
}

function firstLine(s: string): string {
  const i = s.search(/\r?\n/);
  return i < 0 ? s : s.slice(0, i);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

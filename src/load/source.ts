// Load: one file's text -> YAML documents as YNode trees, every node with its Loc.
// Syntax errors, binary or oversized files and Helm templates become findings here; a
// bad file never stops the others.
import { parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, Scalar as YScalarNode } from 'yaml';
import type { Node as YamlNode, Document } from 'yaml';
import type { Finding } from '../engine/finding.js';
import type { Loc, YNode, YPair } from './ynode.js';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Alias expansion cap: a "billion laughs" document stops here with a finding. */
const MAX_NODES = 2_000_000;

export interface SourceDoc {
  index: number;
  node: YNode | undefined;
  loc: Loc;
}

export interface SourceFile {
  /** Path as shown to the user (relative to cwd when inside it), forward slashes. */
  path: string;
  text: string;
  docs: SourceDoc[];
  /** parse-error / unrenderable-template findings for this file. */
  findings: Finding[];
  /** Comments that hold medialint directives, by 1-based line. */
  lineStarts: number[];
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function makeLoc(file: string, lineStarts: number[], start: number, end: number): Loc {
  const a = position(lineStarts, start);
  const b = position(lineStarts, Math.max(start, end));
  return { file, start, end: Math.max(start, end), line: a.line, col: a.col, endLine: b.line, endCol: b.col };
}

export function position(lineStarts: number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - lineStarts[lo]! + 1 };
}

const TEMPLATE_RE = /\{\{[^\n]*\}\}/;

function fileFinding(path: string, text: string, lineStarts: number[], offset: number, ruleId: string, severity: Finding['severity'], message: string): Finding {
  const end = Math.min(text.length, offset + 1);
  return { ruleId, severity, message, loc: makeLoc(path, lineStarts, offset, end) };
}

/** Decode bytes as UTF-8; a BOM is dropped. Returns an error finding for binary or invalid text. */
export function decode(path: string, bytes: Uint8Array): { text: string } | { finding: Finding } {
  const empty = [0];
  if (bytes.length > MAX_FILE_BYTES) {
    return {
      finding: fileFinding(path, '', empty, 0, 'parse-error', 'error',
        `${path} is ${(bytes.length / 1048576).toFixed(1)} MB, over medialint's ${MAX_FILE_BYTES / 1048576} MB limit for one manifest; it was not read. Split it, or exclude it with --ignore-pattern.`),
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return { finding: fileFinding(path, '', empty, 0, 'parse-error', 'error', `${path} is a binary file (a NUL byte at offset ${nul}), not YAML; it was skipped.`) };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Find the first bad byte's line for the message.
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const bad = lossy.indexOf('\uFFFD');
    const starts = lineStartsOf(lossy);
    const p = position(starts, Math.max(0, bad));
    return {
      finding: {
        ruleId: 'parse-error', severity: 'error',
        message: `${path} is not valid UTF-8 (a bad byte on line ${p.line}); YAML files must be UTF-8. Re-save the file as UTF-8.`,
        loc: makeLoc(path, starts, Math.max(0, bad), Math.max(0, bad) + 1),
      },
    };
  }
  return { text };
}

export function parseSource(path: string, text: string): SourceFile {
  const lineStarts = lineStartsOf(text);
  const file: SourceFile = { path, text, docs: [], findings: [], lineStarts };

  if (TEMPLATE_RE.test(text) && looksLikeTemplate(text)) {
    const m = TEMPLATE_RE.exec(text)!;
    file.findings.push(fileFinding(path, text, lineStarts, m.index, 'unrenderable-template', 'info',
      `${path} is a template ({{ … }}), not a manifest; medialint skipped it. Lint the rendered output instead: \`helm template … | medialint -\`.`));
    return file;
  }

  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, strict: false }) as Document.Parsed[];
  } catch (e) {
    file.findings.push(fileFinding(path, text, lineStarts, 0, 'parse-error', 'error', `YAML could not be parsed: ${(e as Error).message}`));
    return file;
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as Document.Parsed];

  const budget = { nodes: 0 };
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const off = err.pos?.[0] ?? 0;
      const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      file.findings.push({
        ruleId: 'parse-error', severity: 'error',
        message: `YAML syntax error: ${msg}. The rest of this document was not linted.`,
        loc: makeLoc(path, lineStarts, off, Math.max(off + 1, err.pos?.[1] ?? off + 1)),
      });
      return;
    }
    const range = doc.range ?? [0, 0, 0];
    const docLoc = makeLoc(path, lineStarts, range[0], range[1]);
    try {
      const ctx: Ctx = { file: path, ls: lineStarts, budget, doc };
      const node = doc.contents ? convert(doc.contents as YamlNode, ctx, 0) : undefined;
      file.docs.push({ index, node, loc: docLoc });
    } catch (e) {
      file.findings.push({
        ruleId: 'parse-error', severity: 'error',
        message: `YAML could not be loaded: ${(e as Error).message}.`,
        loc: docLoc,
      });
    }
  });
  return file;
}

/**
 * `{{` in a comment, inside a quoted string (ExternalSecrets' `'{{ .API_KEY }}'`) or inside a
 * block scalar of a ConfigMap is data, not a template. A template has `{{` at the start of a
 * line (control actions) or as an unquoted value.
 */
function looksLikeTemplate(text: string): boolean {
  let blockIndent = -1;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const t = line.trim();
    if (blockIndent >= 0) {
      if (t === '' || indent > blockIndent) continue;
      blockIndent = -1;
    }
    if (t.startsWith('#')) continue;
    const unquoted = t.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '""');
    if (/^\{\{/.test(unquoted) || /(?:^|[:\-]\s)\s*\{\{/.test(unquoted) || /\{\{-?\s*(?:\.|include|template|if|range|with|end|toYaml|\$)/.test(unquoted)) return true;
    if (/:\s*[|>][-+0-9]*\s*(?:#.*)?$/.test(t) || /^-\s*[|>][-+0-9]*$/.test(t)) blockIndent = indent;
  }
  return false;
}

interface Ctx { file: string; ls: number[]; budget: { nodes: number }; doc: Document.Parsed }

function convert(n: YamlNode, ctx: Ctx, depth: number): YNode {
  const { file, ls, budget } = ctx;
  if (++budget.nodes > MAX_NODES) throw new Error(`more than ${MAX_NODES} nodes after expanding aliases (an alias bomb?)`);
  if (depth > 500) throw new Error('nesting deeper than 500 levels');
  const r = n.range ?? [0, 0, 0];
  const loc = makeLoc(file, ls, r[0], r[1]);
  if (isAlias(n)) {
    const resolved = n.resolve(ctx.doc) as YamlNode | undefined;
    if (!resolved) return { kind: 'scalar', value: null, loc };
    return convert(resolved, ctx, depth + 1);
  }
  if (isScalar(n)) {
    const s = n as YScalarNode;
    let v = s.value as unknown;
    if (typeof v === 'bigint') v = Number(v);
    if (v instanceof Uint8Array || (v !== null && typeof v === 'object')) v = s.source ?? String(v);
    const style = s.type === 'QUOTE_DOUBLE' ? 'double' : s.type === 'QUOTE_SINGLE' ? 'single' : s.type === 'BLOCK_LITERAL' ? 'block-literal' : s.type === 'BLOCK_FOLDED' ? 'block-folded' : 'plain';
    return { kind: 'scalar', value: v as string | number | boolean | null, loc, style };
  }
  if (isSeq(n)) {
    return { kind: 'seq', loc, flow: !!n.flow, items: n.items.map((it) => convert(it as YamlNode, ctx, depth + 1)) };
  }
  if (isMap(n)) {
    const out: YPair[] = [];
    for (const p of n.items) {
      if (!isPair(p)) continue;
      const k = p.key as YamlNode | null;
      const kr = k?.range;
      const keyLoc = kr ? makeLoc(file, ls, kr[0], kr[1]) : undefined;
      const key = k === null ? '' : isScalar(k) ? String((k as YScalarNode).value) : String(k);
      const value: YNode = p.value ? convert(p.value as YamlNode, ctx, depth + 1) : { kind: 'scalar', value: null, loc: keyLoc ? { ...keyLoc, start: keyLoc.end, line: keyLoc.endLine, col: keyLoc.endCol } : loc };
      if (key === '<<' && (value.kind === 'map' || value.kind === 'seq')) {
        const sources = value.kind === 'map' ? [value] : value.items.filter((x) => x.kind === 'map');
        for (const src of sources) for (const sp of (src as { items: YPair[] }).items) if (!out.some((o) => o.key === sp.key)) out.push(sp);
        continue;
      }
      out.push({ key, keyLoc, value });
    }
    return { kind: 'map', loc, flow: !!n.flow, items: out };
  }
  return { kind: 'scalar', value: null, loc };
}


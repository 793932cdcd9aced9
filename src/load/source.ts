// Load: one file's text -> YAML documents as YNode trees, every node with its Loc.
// Syntax errors, binary or oversized files and Helm templates become findings here; a
// bad file never stops the others.
import { parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, Scalar as YScalarNode } from 'yaml';
import type { Node as YamlNode, Document } from 'yaml';
import type { Finding } from '../engine/finding.js';
import type { Loc, YNode, YPair } from './ynode.js';
import { fastParse } from './fast-yaml.js';
import { lineStartsOf, makeLoc, position } from './lines.js';

export { lineStartsOf, makeLoc, position };

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/**
 * Alias expansion cap, per file: a "billion laughs" document stops here with a finding.
 * Only nodes reached through an alias count: the others are bounded by the file size.
 * (Counting every node per file made a large file without any alias trip the cap, and then
 * every later document of the file got its own finding: 100,000s of them.)
 */
export const MAX_ALIAS_NODES = 250_000;
/** Nesting depth the converter follows (the yaml parser itself gives up a little deeper). */
export const MAX_DEPTH = 500;
/**
 * Documents with errors reported per file: after this many, one finding says how many more
 * there are. A 10 MB file of broken documents would otherwise make a million findings.
 */
export const MAX_ERRORS_PER_FILE = 100;

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
  /** Offsets where the lines of `text` start (lineStartsOf). */
  lineStarts: number[];
}

const TEMPLATE_RE = /\{\{[^\n]*\}\}/;

function fileFinding(path: string, text: string, lineStarts: number[], offset: number, ruleId: string, severity: Finding['severity'], message: string): Finding {
  const end = Math.min(text.length, offset + 1);
  return { ruleId, severity, message, loc: makeLoc(path, lineStarts, offset, end) };
}

function tooLarge(path: string, bytes: number): string {
  return `${path} is ${(bytes / 1048576).toFixed(1)} MB, over medialint's ${MAX_FILE_BYTES / 1048576} MB limit for one manifest; it was not read. Split it, or exclude it with --ignore-pattern.`;
}

/** Bytes of a file; `fileSize` is set when the file was too large to read (see load/read.ts). */
export type SizedBytes = Uint8Array & { fileSize?: number };

/** Decode bytes as UTF-8; a BOM is dropped. Returns an error finding for binary or invalid text. */
export function decode(path: string, bytes: SizedBytes): { text: string } | { finding: Finding } {
  const empty = [0];
  const size = bytes.fileSize ?? bytes.length;
  if (size > MAX_FILE_BYTES) {
    return { finding: fileFinding(path, '', empty, 0, 'parse-error', 'error', tooLarge(path, size)) };
  }
  // UTF-16 (Windows editors) has NUL bytes too, but "binary file" would be the wrong reason.
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { finding: fileFinding(path, '', empty, 0, 'parse-error', 'error', `${path} is UTF-16 (it starts with a UTF-16 byte order mark); medialint reads UTF-8 only, so it was skipped. Re-save the file as UTF-8.`) };
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

/**
 * `fast: false` skips fast-yaml.ts (tests compare both paths; the fast path returns nothing
 * for input it does not cover, so its result always equals this slow path's).
 */
export function parseSource(path: string, text: string, opts: { fast?: boolean } = {}): SourceFile {
  // Text that did not come through decode() (stdin) gets the same size limit: a 50 MB
  // stream took minutes and then crashed.
  const size = text.length > MAX_FILE_BYTES / 4 ? Buffer.byteLength(text, 'utf8') : 0;
  if (size > MAX_FILE_BYTES) {
    return { path, text: '', docs: [], lineStarts: [0], findings: [fileFinding(path, '', [0], 0, 'parse-error', 'error', tooLarge(path, size))] };
  }
  const lineStarts = lineStartsOf(text);
  const file: SourceFile = { path, text, docs: [], findings: [], lineStarts };

  if (TEMPLATE_RE.test(text) && looksLikeTemplate(text)) {
    const m = TEMPLATE_RE.exec(text)!;
    file.findings.push(fileFinding(path, text, lineStarts, m.index, 'unrenderable-template', 'info',
      `${path} is a template ({{ … }}), not a manifest; medialint skipped it. Lint the rendered output instead: \`helm template … | medialint -\`.`));
    return file;
  }

  const fast = opts.fast === false ? undefined : fastParse(text, path, lineStarts);
  if (fast) {
    file.docs = fast;
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

  const budget = { aliasNodes: 0 };
  let errors = 0;
  const clamp = (off: number) => Math.min(Math.max(0, off), text.length);
  for (let index = 0; index < docs.length; index++) {
    const doc = docs[index]!;
    const err = doc.errors[0];
    if (err) {
      if (++errors > MAX_ERRORS_PER_FILE) {
        const more = docs.slice(index).filter((d) => d.errors.length).length;
        const off = clamp(err.pos?.[0] ?? 0);
        file.findings.push({
          ruleId: 'parse-error', severity: 'error',
          message: `${more} more YAML documents in ${path} have syntax errors (only the first ${MAX_ERRORS_PER_FILE} are reported); is this file YAML?`,
          loc: makeLoc(path, lineStarts, off, Math.min(text.length, off + 1)),
        });
        break;
      }
      const off = clamp(err.pos?.[0] ?? 0);
      let msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      // The parser's own recursion limit, caught by the yaml package as a document error.
      if (/Maximum call stack size exceeded/.test(msg)) msg = 'the document is nested too deeply to read (thousands of levels)';
      file.findings.push({
        ruleId: 'parse-error', severity: 'error',
        message: `YAML syntax error: ${msg}. The rest of this document was not linted.`,
        loc: makeLoc(path, lineStarts, off, clamp(Math.max(off + 1, err.pos?.[1] ?? off + 1))),
      });
      continue;
    }
    const range = doc.range ?? [0, 0, 0];
    const docLoc = makeLoc(path, lineStarts, clamp(range[0]), clamp(range[1]));
    const ctx: Ctx = { file: path, ls: lineStarts, budget, doc, inAlias: 0, findings: file.findings, dupSeen: new Set() };
    try {
      const node = doc.contents ? convert(doc.contents as YamlNode, ctx, 0) : undefined;
      file.docs.push({ index, node, loc: docLoc });
    } catch (e) {
      const fatal = e instanceof LoadError && e.fatal;
      file.findings.push({
        ruleId: 'parse-error', severity: 'error',
        message: `YAML could not be loaded: ${(e as Error).message}.${fatal ? ' The rest of the file was not linted.' : ''}`,
        loc: docLoc,
      });
      // An alias bomb: stop here rather than spend the same budget again on every later document.
      if (fatal) break;
    }
  }
  return file;
}

/** A document the converter refuses (too deep, too many alias expansions). */
class LoadError extends Error {
  constructor(message: string, readonly fatal = false) {
    super(message);
  }
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

interface Ctx {
  file: string;
  ls: number[];
  budget: { aliasNodes: number };
  doc: Document.Parsed;
  /** > 0 while converting the target of an alias (a copy: its duplicate keys were reported). */
  inAlias: number;
  findings: Finding[];
  /** Offsets of duplicate keys and unknown aliases already reported. */
  dupSeen: Set<number>;
}

function convert(n: YamlNode, ctx: Ctx, depth: number): YNode {
  const { file, ls, budget } = ctx;
  if (ctx.inAlias && ++budget.aliasNodes > MAX_ALIAS_NODES) {
    throw new LoadError(`more than ${MAX_ALIAS_NODES} nodes after expanding aliases (an alias bomb?)`, true);
  }
  if (depth > MAX_DEPTH) throw new LoadError(`nesting deeper than ${MAX_DEPTH} levels`);
  const r = n.range ?? [0, 0, 0];
  const loc = makeLoc(file, ls, r[0], r[1]);
  if (isAlias(n)) {
    let resolved: YamlNode | undefined;
    try {
      resolved = n.resolve(ctx.doc) as YamlNode | undefined;
    } catch {
      resolved = undefined;
    }
    if (!resolved) {
      // `*name` without an `&name` before it: kubectl and kustomize refuse the file
      // ("unknown anchor"); the yaml package leaves it to its toJS, which medialint never calls.
      if (!ctx.inAlias && !ctx.dupSeen.has(loc.start)) {
        ctx.dupSeen.add(loc.start);
        ctx.findings.push({
          ruleId: 'parse-error', severity: 'error', loc,
          message: `the alias *${n.source} refers to no anchor &${n.source} before it; YAML tools refuse the file. medialint read it as null.`,
        });
      }
      return { kind: 'scalar', value: null, loc };
    }
    ctx.inAlias++;
    try {
      return convert(resolved, ctx, depth + 1);
    } finally {
      ctx.inAlias--;
    }
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
    const keys = new Map<string, Loc | undefined>();
    for (const p of n.items) {
      if (!isPair(p)) continue;
      const k = p.key as YamlNode | null;
      const kr = k?.range;
      const keyLoc = kr ? makeLoc(file, ls, kr[0], kr[1]) : undefined;
      const key = k === null ? '' : isScalar(k) ? String((k as YScalarNode).value) : String(k);
      // Duplicate keys: YAML forbids them, while the rest of medialint reads the last value.
      // Reported once, at the second key.
      if (key !== '<<' && keys.has(key) && !ctx.inAlias && keyLoc && !ctx.dupSeen.has(keyLoc.start)) {
        ctx.dupSeen.add(keyLoc.start);
        const first = keys.get(key);
        // A warning: kustomize refuses duplicates in resources but reads kustomization files
        // with them, and clients differ; the value medialint linted may not be the one applied.
        ctx.findings.push({
          ruleId: 'parse-error', severity: 'warning',
          message: `duplicate key "${key}"${first ? ` (first on line ${first.line})` : ''}: YAML does not allow it, and kustomize refuses it in resources ("mapping key already defined"); which value a tool keeps differs. medialint read the last value; remove one of them.`,
          loc: keyLoc,
        });
      }
      if (key !== '<<') keys.set(key, keyLoc);
      const value: YNode = p.value ? convert(p.value as YamlNode, ctx, depth + 1) : { kind: 'scalar', value: null, loc: keyLoc ? { ...keyLoc, start: keyLoc.end, line: keyLoc.endLine, col: keyLoc.endCol } : loc };
      if (key === '<<' && (value.kind === 'map' || value.kind === 'seq')) {
        const sources = value.kind === 'map' ? [value] : value.items.filter((x) => x.kind === 'map');
        // kubectl's YAML reader refuses a merge source that is not a map; medialint reads the
        // maps among them and says so, once, at the first one that is not.
        const bad = value.kind === 'seq' ? value.items.find((x) => x.kind !== 'map') : undefined;
        if (bad && !ctx.inAlias && bad.loc && !ctx.dupSeen.has(bad.loc.start)) {
          ctx.dupSeen.add(bad.loc.start);
          ctx.findings.push({
            ruleId: 'parse-error', severity: 'error',
            message: `merge key "<<" lists ${bad.kind === 'seq' ? 'a list' : bad.kind === 'scalar' && bad.value === null ? 'null' : `the value ${JSON.stringify(bad.kind === 'scalar' ? bad.value : '')}`}, but a merge source must be a map (or an alias of one): kubectl refuses the file ("map merge requires map or sequence of maps as the value"). medialint merged only the maps; remove the other items.`,
            loc: bad.loc,
          });
        }
        for (const src of sources) for (const sp of (src as { items: YPair[] }).items) if (!out.some((o) => o.key === sp.key)) out.push(sp);
        continue;
      }
      out.push({ key, keyLoc, value });
    }
    return { kind: 'map', loc, flow: !!n.flow, items: out };
  }
  return { kind: 'scalar', value: null, loc };
}


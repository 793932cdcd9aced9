// Words with file positions: YAML scalars -> argv Words, and script offsets -> file offsets.
//
// A finding on `--allow-other` missing, or a fix that rewrites a mount target, must point at
// the exact characters in the manifest, even when the word sits on line 7 of a `|` block
// script. Each text we read (a scalar's value, or a word holding a nested `sh -c` script)
// carries a TextSource that knows where its characters are in the file, when that is exact.
// When it is not (double-quoted escapes, folded scalars, expansions) a word gets the
// enclosing scalar's Loc instead: still the right line, never a wrong column.
import type { Loc, YScalar, YSeq } from '../../load/ynode.js';
import type { Word } from '../types.js';
import type { ShWord } from './lex.js';
import { settled } from '../exact.js';
import { lazyWord, peekLoc, withNodeLoc } from '../../load/fast-yaml.js';

/** Returns a file's text (to place words inside block scalars); undefined when unknown. */
export type FileText = (file: string) => string | undefined;

interface Pos {
  offset: number;
  line: number;
  col: number;
}

/** A run of characters that sit contiguously in the file. */
interface Segment {
  /** Offset in the text where the run starts, and its length. */
  from: number;
  length: number;
  /** Where its first character is in the file. */
  at: Pos;
}

/** A text and where its characters are in the file. */
export interface TextSource {
  text: string;
  /** File position of `text[offset]` when known exactly. */
  at(offset: number): Pos | undefined;
  /** Where to point when a span cannot be placed exactly: the whole scalar. */
  fallback: Loc | undefined;
  node: YScalar | undefined;
}

export function scalarText(node: YScalar): string {
  return node.value === null ? '' : String(node.value);
}

/** The argv of a `command`/`args` list: one Word per scalar item, at the scalar. */
export function seqWords(seq: YSeq | undefined): Word[] {
  if (!seq) return [];
  const out: Word[] = [];
  // The item's own Loc, read only when something asks (a Loc per argv word was 7% of the heap).
  for (const item of seq.items) if (item.kind === 'scalar') out.push(withNodeLoc({ text: scalarText(item), node: item }));
  return settled(out);
}

/** The TextSource of a scalar's value. */
export function scalarSource(node: YScalar, fileText?: FileText): TextSource {
  const text = scalarText(node);
  const segments = typeof node.value === 'string' ? scalarSegments(node, text, fileText) : [];
  return {
    text,
    at: segmentLookup(segments),
    get fallback() {
      return node.loc;
    },
    node,
  };
}

/** The TextSource of a script held in a word of another script (`sh -c '…'` inside `sh -c`). */
export function wordSource(outer: TextSource, script: string, w: ShWord, word: Word): TextSource {
  // Exact only when the word's text is a verbatim slice of the script: unquoted without
  // escapes, or wrapped in one pair of quotes.
  let from: number | undefined;
  const raw = script.slice(w.start, w.end);
  if (!w.dynamic && raw === w.text) from = w.start;
  else if (!w.dynamic && raw.length === w.text.length + 2 && (raw[0] === "'" || raw[0] === '"') && raw.endsWith(raw[0]) && raw.slice(1, -1) === w.text) from = w.start + 1;
  return {
    text: w.text,
    at: (offset) => (from === undefined ? undefined : outer.at(from + offset)),
    get fallback() {
      return word.loc;
    },
    node: outer.node,
  };
}

/** The Word for [start, end) of a source's text. */
export function spanWord(src: TextSource, start: number, end: number, text: string): Word {
  const a = src.at(start);
  const b = end > start ? src.at(end - 1) : undefined;
  // Exact: the Loc is made when first read (most words are never blamed by a finding).
  const lazy = a && b && src.node ? lazyWord(text, src.node, a.offset, b.offset + 1) : undefined;
  if (lazy) return lazy;
  const file = src.fallback?.file;
  const loc: Loc | undefined =
    a && b && file !== undefined
      ? { file, start: a.offset, end: b.offset + 1, line: a.line, col: a.col, endLine: b.line, endCol: b.col + 1 }
      : src.fallback;
  return { text, loc, node: src.node };
}

function segmentLookup(segments: Segment[]): (offset: number) => Pos | undefined {
  return (offset) => {
    // Binary search for the last segment starting at or before offset.
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.from <= offset) lo = mid;
      else hi = mid - 1;
    }
    const s = segments[lo];
    if (!s || offset < s.from || offset >= s.from + s.length) return undefined;
    const d = offset - s.from;
    return { offset: s.at.offset + d, line: s.at.line, col: s.at.col + d };
  };
}

function scalarSegments(node: YScalar, text: string, fileText?: FileText): Segment[] {
  const loc = peekLoc(node);
  if (!loc) return [];
  const file = fileText?.(loc.file);
  if (node.style === 'block-literal') return file === undefined ? [] : blockSegments(loc, text, file);
  if (loc.line !== loc.endLine) return []; // a multi-line flow scalar is folded: not 1:1
  // Plain scalars have no escapes; a quoted one maps 1:1 exactly when it has none, i.e.
  // when its source is the value plus the two quotes (every escape is longer than its value).
  const quote = node.style === 'single' || node.style === 'double' ? 1 : node.style === 'plain' ? 0 : -1;
  if (quote < 0 || loc.end - loc.start !== text.length + 2 * quote) return [];
  const start = loc.start + quote;
  if (file !== undefined && file.slice(start, start + text.length) !== text) return [];
  return [{ from: 0, length: text.length + 1, at: { offset: start, line: loc.line, col: loc.col + quote } }];
}

/**
 * A `|` block scalar: each value line sits on its own file line after the block's
 * indentation. We read the indentation from the file and check every line against the
 * value, so a mismatch (an explicit indentation indicator, tabs, CRLF) falls back safely.
 */
function blockSegments(loc: Loc, text: string, file: string): Segment[] {
  if (file[loc.start] !== '|') return [];
  const headerEnd = file.indexOf('\n', loc.start);
  if (headerEnd < 0 || /^\|[+-]?\d/.test(file.slice(loc.start, headerEnd))) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the final line break has no line of its own
  let indent = -1;
  const segments: Segment[] = [];
  let fileLine = headerEnd + 1;
  let from = 0;
  for (let k = 0; k < lines.length; k++) {
    const valueLine = lines[k]!;
    const nl = file.indexOf('\n', fileLine);
    const lineEnd = nl < 0 ? file.length : nl;
    const raw = file.slice(fileLine, lineEnd);
    if (valueLine === '') {
      if (raw.trim() !== '') return [];
    } else {
      if (indent < 0) indent = raw.length - raw.trimStart().length;
      if (raw.slice(0, indent).trim() !== '' || raw.slice(indent) !== valueLine) return [];
    }
    const col = Math.min(Math.max(indent, 0), raw.length);
    // The segment covers the line and its line break, so a word ending at a newline maps too.
    segments.push({ from, length: valueLine.length + 1, at: { offset: fileLine + col, line: loc.line + 1 + k, col: col + 1 } });
    from += valueLine.length + 1;
    fileLine = lineEnd + 1;
  }
  return segments;
}

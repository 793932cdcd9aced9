// The edit API: turn one `Edit` (expressed on YNodes) into text edits on the file its
// nodes came from. It works only from node ranges and the file text: it replaces a scalar's
// span, or adds `key: value` lines after a block map's last pair at its first key's column,
// and never re-serialises a document (`doc.setIn()` + `String(doc)` reformats the whole
// file: eemeli/yaml #207, #369, #572). Anything it cannot express safely is `undefined`.
import { Lexer, parse, parseDocument } from 'yaml';
import type { Edit } from '../engine/finding.js';
import type { Loc, YMap, YNode, YPair, YScalar, YSeq } from '../load/ynode.js';
import { toJS } from '../load/ynode.js';
import { fastParse } from '../load/fast-yaml.js';
import { lineStartsOf } from '../load/source.js';
import { Moved } from './moved.js';
import {
  detectStyle,
  ItemText,
  isInline,
  renderBlockScalar,
  renderBlockUnderKey,
  renderFlow,
  renderInline,
  renderItemLines,
  renderPairLines,
  renderScalar,
  type FileStyle,
} from './render.js';
import { applyTextEdits, type TextEdit } from './text-edit.js';

// ---- which file an edit changes --------------------------------------------------------

/** The file whose text `toTextEdits` needs for this edit (undefined: the nodes have no position). */
export function editFile(edit: Edit): string | undefined {
  switch (edit.op) {
    case 'setScalar':
      return edit.node.loc?.file;
    case 'setKey': {
      // A key that a kustomize patch set lives in the patch: edit it there.
      const f = foreignPair(edit.map, edit.key);
      return f ? f.keyLoc!.file : edit.map.loc?.file;
    }
    case 'removeKey':
      return edit.map.loc?.file;
    case 'insertItem':
    case 'removeItem':
      return edit.seq.loc?.file;
    case 'replaceText':
      return edit.loc.file;
    case 'setPath': {
      const r = resolvePath(edit.map, edit.path, edit.value);
      return r?.map.loc?.file;
    }
  }
}

/**
 * `setPath` as one `setKey`: walk the maps that exist, and set the first missing key to
 * the nested rest (`{securityContext: {privileged: true}}`), so that all the new maps are
 * inserted as one block.
 */
export function resolvePath(map: YMap, path: string[], value: unknown): { map: YMap; key: string; value: unknown } | undefined {
  if (path.length === 0) return undefined;
  let cur = map;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const p = ownPair(cur, seg) ?? foreignPair(cur, seg);
    if (!p) return { map: cur, key: seg, value: nest(path.slice(i + 1), value) };
    if (p.value.kind === 'map') {
      if (!p.value.loc) return undefined;
      cur = p.value;
      continue;
    }
    if (p.value.kind === 'scalar' && p.value.value === null) return { map: cur, key: seg, value: nest(path.slice(i + 1), value) };
    return undefined; // a scalar or list in the way: replacing it is not this edit's call
  }
  return { map: cur, key: path[path.length - 1]!, value };
}

function nest(path: string[], value: unknown): unknown {
  let v = value;
  for (let i = path.length - 1; i >= 0; i--) v = { [path[i]!]: v };
  return v;
}

// ---- entry point -----------------------------------------------------------------------

/**
 * Text edits for one edit, over `fileText` (the text of `editFile(edit)`). An empty array
 * means there is nothing to change (the value is already there); undefined means the edit
 * cannot be made without risking the rest of the file.
 */
export function toTextEdits(edit: Edit, fileText: string): TextEdit[] | undefined {
  const edits = rawTextEdits(edit, fileText);
  return edits && keepComments(edits, fileText);
}

/**
 * The text edits of one fix's edits on one file: each edit's own, with the comment lines
 * it deletes kept (`keepComments`) unless another edit of the fix writes them elsewhere (a
 * moved container takes its comments along). One entry per edit, undefined where an edit
 * cannot be made.
 */
export function toTextEditsOfFix(edits: readonly Edit[], fileText: string): (TextEdit[] | undefined)[] {
  const raw = edits.map((e) => rawTextEdits(e, fileText));
  const written = raw.flatMap((r) => (r ?? []).map((e) => e.text));
  return raw.map((r) => r && keepComments(r, fileText, written));
}

function rawTextEdits(edit: Edit, fileText: string): TextEdit[] | undefined {
  const file = editFile(edit);
  if (file === undefined) return undefined;
  const cx = new Cx(file, fileText);
  try {
    switch (edit.op) {
      case 'setScalar':
        return cx.setScalar(edit.node, edit.value, { inFlow: undefined });
      case 'setKey':
        return cx.setKey(edit.map, edit.key, plain(edit.value), edit.after);
      case 'removeKey':
        return cx.removeKey(edit.map, edit.key);
      case 'insertItem':
        return cx.insertItem(edit.seq, plain(edit.value), edit.index);
      case 'removeItem':
        return cx.removeItem(edit.seq, edit.index);
      case 'replaceText':
        return cx.replaceText(edit.loc, edit.text);
      case 'setPath': {
        const r = resolvePath(edit.map, edit.path, plain(edit.value));
        if (!r) return undefined;
        return cx.setKey(r.map, r.key, r.value);
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

// ---- comments that an edit would delete ------------------------------------------------

/** The YAML comments (`# ...`, not `#` inside scalars) of the last text looked at, as [start, end). */
let lastComments: { text: string; spans: [number, number][] } | undefined;

function commentSpans(text: string): [number, number][] {
  if (lastComments?.text === text) return lastComments.spans;
  const spans: [number, number][] = [];
  let off = 0;
  try {
    for (const tok of new Lexer().lex(text)) {
      // DOCUMENT, FLOW_END and SCALAR are markers the lexer adds, not source text.
      if (tok === '\x02' || tok === '\x18' || tok === '\x1f') continue;
      if (tok.startsWith('#')) spans.push([off, off + tok.length]);
      off += tok.length;
    }
  } catch {
    spans.length = 0;
  }
  // The offsets are only right if the tokens cover the text exactly.
  lastComments = { text, spans: off === text.length ? spans : [] };
  return lastComments.spans;
}

/**
 * Bug fix (found writing test/fix-corpus.test.ts): removing or replacing a block (a
 * `nodeSelector`, a required affinity turned preferred, a list item) deleted the comment
 * lines inside it (`# node4 has the GPU` above the key it explains). `--fix` keeps every
 * comment line: one that an edit deletes and that neither it nor (`written`) another edit of
 * its fix writes back is kept as it was, near where the deleted text began (see the
 * placement below). A trailing comment (`key: v  # note`) still goes with its value, as
 * test/fix.test.ts pins.
 */
function keepComments(edits: TextEdit[], text: string, written: readonly string[] = edits.map((e) => e.text)): TextEdit[] {
  // Only an edit that deletes a `#` can delete a comment (and lexing the file is not free).
  if (!edits.some((e) => { const h = text.indexOf('#', e.start); return h >= 0 && h < e.end; })) return edits;
  const spans = commentSpans(text);
  if (!spans.length) return edits;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineStart = (pos: number) => text.lastIndexOf('\n', pos - 1) + 1;
  const out: TextEdit[] = [];
  for (const e of edits) {
    const lines: string[] = [];
    if (e.end > e.start) {
      for (const [s, t] of spans) {
        if (s < e.start || t > e.end) continue;
        const line = text.slice(lineStart(s), t);
        const comment = text.slice(s, t);
        if (/^[ \t]*#/.test(line) && !e.text.includes(comment) && !written.some((w) => w.includes(comment))) lines.push(line);
      }
    }
    if (!lines.length) {
      out.push(e);
      continue;
    }
    // Where the kept lines go: on lines of their own, next to the new text and never inside
    // it (a line break in it may be inside a block scalar). Before it when a line begins
    // there: the edit starts a line, or its text starts with a line break (a new block value:
    // the comments go first, below the key). After it when the edit starts at a line end and
    // its text goes on that line (an inline value, `args: false`, stays on its key's line).
    // Otherwise (the edit starts mid-line) on lines of their own before the edit's line.
    const startsLine = e.start === 0 || text[e.start - 1] === '\n';
    const atLineEnd = text[e.start] === '\n' || text.startsWith('\r\n', e.start);
    if (startsLine) out.push({ ...e, text: lines.map((l) => l + eol).join('') + e.text });
    else if (atLineEnd && /^\r?\n/.test(e.text)) out.push({ ...e, text: lines.map((l) => eol + l).join('') + e.text });
    else if (atLineEnd) out.push({ ...e, text: e.text + lines.map((l) => eol + l).join('') });
    else {
      const ls = lineStart(e.start);
      out.push({ file: e.file, start: ls, end: ls, text: lines.map((l) => l + eol).join('') }, e);
    }
  }
  return out;
}

/** Values may be plain JS or YNodes; YNodes become plain JS. */
function plain(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const k = (v as { kind?: unknown }).kind;
    if ((k === 'scalar' && 'value' in v) || ((k === 'map' || k === 'seq') && Array.isArray((v as { items?: unknown }).items))) {
      return toJS(v as YNode);
    }
  }
  return v === undefined ? null : v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The pair that sets `key` when it was written in another file than the map (a kustomize
 * patch over a base map): last one wins, as in the rendered object.
 */
function foreignPair(map: YMap, key: string): YPair | undefined {
  if (!map.loc) return undefined;
  for (let i = map.items.length - 1; i >= 0; i--) {
    const p = map.items[i]!;
    if (p.key !== key) continue;
    return p.keyLoc && p.keyLoc.file !== map.loc.file ? p : undefined;
  }
  return undefined;
}

/** The pair of `key` written in this map itself (not merged in from `<<`), last one wins. */
function ownPair(map: YMap, key: string): YPair | undefined {
  const span = map.loc;
  for (let i = map.items.length - 1; i >= 0; i--) {
    const p = map.items[i]!;
    if (p.key !== key) continue;
    if (!span || !p.keyLoc || p.keyLoc.file !== span.file || p.keyLoc.start < span.start || p.keyLoc.end > span.end) continue;
    return p;
  }
  return undefined;
}

// ---- the text work ---------------------------------------------------------------------

/** The style of the last file looked at (a pass makes many edits on one file). */
let lastStyle: { text: string; style: FileStyle } | undefined;

class Cx {
  private styleCache: FileStyle | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  get style(): FileStyle {
    if (!this.styleCache) {
      if (lastStyle?.text !== this.text) lastStyle = { text: this.text, style: detectStyle(this.text) };
      this.styleCache = lastStyle.style;
    }
    return this.styleCache;
  }
  get eol(): string {
    return this.style.eol;
  }

  private edit(start: number, end: number, text: string): TextEdit {
    return { file: this.file, start, end, text };
  }

  // -- line helpers --

  lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }
  /** End of the line holding `pos`, before its line break. */
  lineEnd(pos: number): number {
    const nl = this.text.indexOf('\n', pos);
    if (nl < 0) return this.text.length;
    return nl > 0 && this.text[nl - 1] === '\r' ? nl - 1 : nl;
  }
  /** Start of the line after the one holding `pos`, or undefined on the last line without a break. */
  nextLine(pos: number): number | undefined {
    const nl = this.text.indexOf('\n', pos);
    return nl < 0 ? undefined : nl + 1;
  }
  /** The last content position of a span: before trailing blanks and line breaks. */
  trimEnd(start: number, end: number): number {
    let e = end;
    while (e > start && /\s/.test(this.text[e - 1]!)) e--;
    return e;
  }
  /** The span of whole lines from the line of `from` through the line of `to`, with one line break. */
  wholeLines(from: number, to: number): [number, number] {
    const ls = this.lineStart(from);
    const nl = this.nextLine(to);
    if (nl !== undefined) return [ls, nl];
    // Last line without a break: take the break before it instead.
    if (ls === 0) return [0, this.text.length];
    return [ls - (this.text[ls - 2] === '\r' ? 2 : 1), this.text.length];
  }
  onlySpaceBefore(pos: number): boolean {
    return /^[ \t]*$/.test(this.text.slice(this.lineStart(pos), pos));
  }
  /** Insertion point for new lines after the line holding `pos`: [offset, prefix-break?]. */
  afterLineOf(pos: number): { at: number; needsBreak: boolean } {
    const nl = this.nextLine(pos);
    return nl === undefined ? { at: this.text.length, needsBreak: true } : { at: nl, needsBreak: false };
  }
  insertLines(pos: number, lines: string[]): TextEdit {
    const { at, needsBreak } = this.afterLineOf(pos);
    const body = lines.join(this.eol);
    return this.edit(at, at, needsBreak ? this.eol + body : body + this.eol);
  }

  // -- node helpers --

  inFile(loc: Loc | undefined): loc is Loc {
    return !!loc && loc.file === this.file && loc.start >= 0 && loc.end <= this.text.length && loc.start <= loc.end;
  }
  within(loc: Loc | undefined, outer: Loc): loc is Loc {
    return this.inFile(loc) && loc.start >= outer.start && loc.end <= outer.end;
  }
  /** The pairs written in this map's own span, in text order. */
  ownPairs(map: YMap): YPair[] {
    const span = map.loc!;
    return map.items.filter((p) => this.within(p.keyLoc, span)).sort((a, b) => a.keyLoc!.start - b.keyLoc!.start);
  }
  ownItems(seq: YSeq): YNode[] | undefined {
    const span = seq.loc!;
    const out: YNode[] = [];
    for (const it of seq.items) {
      if (!this.within(it.loc, span)) return undefined; // an alias item: positions are not ours
      out.push(it);
    }
    for (let i = 1; i < out.length; i++) if (out[i]!.loc!.start < out[i - 1]!.loc!.start) return undefined;
    return out;
  }

  /** End of the text a node occupies (its last scalar, bracket or key), without trailing comments. */
  contentEnd(node: YNode): number {
    const loc = node.loc!;
    if (node.kind === 'scalar') {
      if (node.style === 'block-literal' || node.style === 'block-folded') {
        const headerEnd = this.lineEnd(loc.start);
        if (/^[|>][1-9]?\+/.test(this.text.slice(loc.start, headerEnd))) {
          // Keep chomping: trailing blank lines are part of the value; end on the last one.
          const last = this.text.lastIndexOf('\n', loc.end - 1);
          if (last >= headerEnd) return this.text[last - 1] === '\r' ? last - 1 : last;
        }
        return Math.max(headerEnd, this.trimEnd(loc.start, loc.end));
      }
      return loc.end;
    }
    if (node.flow) return this.trimEnd(loc.start, loc.end);
    let end = loc.start;
    if (node.kind === 'map') {
      for (const p of node.items) {
        if (!this.within(p.keyLoc, loc)) continue;
        end = Math.max(end, p.keyLoc.end);
        if (this.within(p.value.loc, loc)) end = Math.max(end, this.contentEnd(p.value));
      }
    } else {
      for (const it of node.items) if (this.within(it.loc, loc)) end = Math.max(end, this.contentEnd(it));
    }
    return end === loc.start ? this.trimEnd(loc.start, loc.end) : end;
  }

  /** End of a pair: its value's content, or its key (a null or aliased value). */
  pairEnd(p: YPair, span: Loc): number {
    let end = p.keyLoc!.end;
    if (this.within(p.value.loc, span) && p.value.loc.start >= p.keyLoc!.start) end = Math.max(end, this.contentEnd(p.value));
    return end;
  }

  keyMatches(p: YPair): boolean {
    const src = this.text.slice(p.keyLoc!.start, p.keyLoc!.end);
    if (src === p.key) return true;
    try {
      const v = parse(`${src}: x`, { strict: false, uniqueKeys: false }) as Record<string, unknown> | null;
      return !!v && typeof v === 'object' && Object.keys(v).length === 1 && Object.keys(v)[0] === p.key;
    } catch {
      return false;
    }
  }

  /** Offset just after the `:` that follows a key, if it is there. */
  colonAfter(keyEnd: number): number | undefined {
    let i = keyEnd;
    while (i < this.text.length && (this.text[i] === ' ' || this.text[i] === '\t')) i++;
    return this.text[i] === ':' ? i + 1 : undefined;
  }

  /** A zero-width (empty) value: `key:` or `-` with nothing after. */
  isEmptyNull(n: YNode): boolean {
    return n.kind === 'scalar' && n.value === null && !!n.loc && n.loc.start === n.loc.end;
  }

  // -- scalars --

  setScalar(node: YScalar, value: string | number | boolean | null, ctx: { inFlow: boolean | undefined }): TextEdit[] | undefined {
    const loc = node.loc;
    if (!this.inFile(loc)) return undefined;
    if (Object.is(node.value, value)) return [];
    const t = this.text;
    if (loc.start === loc.end) {
      if (node.value !== null) return undefined;
      // `key:` / `-` with no value: write after the indicator.
      let i = loc.start;
      while (i > 0 && (t[i - 1] === ' ' || t[i - 1] === '\t')) i--;
      if (t[i - 1] !== ':' && t[i - 1] !== '-') return undefined;
      let s = renderScalar(value, { inFlow: ctx.inFlow ?? false });
      if (ctx.inFlow === undefined && s !== undefined && /[,[\]{}]/.test(s) && !/^["']/.test(s)) s = renderScalar(value, { inFlow: true });
      return s === undefined ? undefined : [this.edit(i, i, ' ' + s)];
    }
    const src = t.slice(loc.start, loc.end);
    if (node.style === 'block-literal' || node.style === 'block-folded') {
      if (!/^[|>]/.test(src)) return undefined;
      const headerEnd = this.lineEnd(loc.start);
      const end = this.contentEnd(node);
      if (typeof value === 'string') {
        const indent = this.blockIndent(loc.start, headerEnd, loc.end);
        const body = renderBlockScalar(value, node.style === 'block-folded', indent, this.eol, t.slice(loc.start, headerEnd));
        if (body !== undefined) return [this.edit(loc.start, end, body)];
      }
      const s = renderScalar(value, { style: 'double' });
      return s === undefined ? undefined : [this.edit(loc.start, end, s)];
    }
    if (!this.sourceIs(src, node.value)) return undefined;
    const style = node.style ?? 'plain';
    let s = renderScalar(value, { style, inFlow: ctx.inFlow ?? false });
    // Not knowing whether the scalar sits in a flow collection: `,[]{}` in a plain
    // scalar would end it there, so render for flow context (which quotes them).
    if (ctx.inFlow === undefined && s !== undefined && /[,[\]{}]/.test(s) && !/^["']/.test(s)) {
      s = renderScalar(value, { style, inFlow: true });
    }
    return s === undefined ? undefined : [this.edit(loc.start, loc.end, s)];
  }

  /** Does this scalar source read as `value`? (Guards against positions that went stale.) */
  sourceIs(src: string, value: unknown): boolean {
    try {
      const v = parse(`k: ${src}`, { strict: false, uniqueKeys: false }) as Record<string, unknown> | null;
      if (!v || typeof v !== 'object') return false;
      return Object.is(v.k, value) || (typeof v.k === 'number' && v.k === value) || (v.k === undefined && value === null);
    } catch {
      return false;
    }
  }

  /** Indentation of a block scalar's content lines. */
  blockIndent(start: number, headerEnd: number, end: number): string {
    const lines = this.text.slice(headerEnd, end).split(/\r?\n/);
    for (const l of lines) if (l.trim() !== '') return /^ */.exec(l)![0];
    const base = /^ */.exec(this.text.slice(this.lineStart(start)))![0].length;
    return ' '.repeat(base + this.style.step);
  }

  // -- maps --

  setKey(map: YMap, key: string, value: unknown, after?: string): TextEdit[] | undefined {
    if (!map.loc) return undefined;
    value = this.resolveMoved(value, false);
    const existing = ownPair(map, key);
    if (existing) {
      if (!this.keyMatches(existing)) return undefined;
      if (deepEqual(toJS(existing.value), value)) return [];
      return this.replaceValue(map, existing, value);
    }
    const foreign = foreignPair(map, key);
    if (foreign) {
      // Set where the patch wrote it; that map's extent is not known, only the pair's.
      if (!this.inFile(foreign.keyLoc) || !this.keyMatches(foreign)) return undefined;
      if (deepEqual(toJS(foreign.value), value)) return [];
      const k = foreign.keyLoc.start;
      const prefix = this.text.slice(this.lineStart(k), k);
      const before = this.text.slice(0, this.lineStart(k)).split(/\r?\n/).filter((l) => !/^\s*(#.*)?$/.test(l)).pop() ?? '';
      const flow = /^[ \t]*(-[ \t]+)*$/.test(prefix) ? /[{,]\s*$/.test(before.replace(/\s#.*$/, '')) : /[{,][ \t]*$/.test(prefix);
      return this.replaceValue(map, foreign, value, { ...foreign.keyLoc, start: 0, end: this.text.length }, flow);
    }
    if (!this.inFile(map.loc)) return undefined;
    return this.insertPair(map, key, value, after);
  }

  replaceValue(map: YMap, pair: YPair, value: unknown, span: Loc = map.loc!, flow = !!map.flow): TextEdit[] | undefined {
    const v = pair.value;
    const keyLoc = pair.keyLoc!;
    const vIn = this.within(v.loc, span) && v.loc.start >= keyLoc.end;
    if (flow) {
      const s = renderFlow(value);
      if (s === undefined) return undefined;
      if (this.isEmptyNull(v) || !vIn) {
        if (v.kind !== 'scalar' || v.value !== null) return undefined;
        const c = this.colonAfter(keyLoc.end);
        return c === undefined ? [this.edit(keyLoc.end, keyLoc.end, ': ' + s)] : [this.edit(c, c, ' ' + s)];
      }
      if (v.kind === 'scalar' && isScalarValue(value)) return this.setScalar(v, value, { inFlow: true });
      return [this.edit(v.loc!.start, v.loc!.end, s)];
    }
    const colon = this.colonAfter(keyLoc.end);
    if (colon === undefined) return undefined;
    const keyCol = keyLoc.start - this.lineStart(keyLoc.start);
    const keyLineEnd = this.lineEnd(keyLoc.end);
    if (!vIn && !this.isEmptyNull(v)) return undefined;
    const eol = this.eol;

    if (isInline(value)) {
      const s = renderInline(value);
      if (s === undefined) return undefined;
      if (v.kind === 'scalar') {
        if (isScalarValue(value)) return this.setScalar(v, value, { inFlow: false });
        if (this.isEmptyNull(v)) return [this.edit(colon, colon, ' ' + s)];
        return [this.edit(v.loc!.start, this.contentEnd(v), s)];
      }
      if (v.flow) return [this.edit(v.loc!.start, v.loc!.end, s)];
      // A block collection becomes a one-line value.
      if (v.loc!.start <= keyLineEnd) return undefined;
      return [this.edit(colon, this.lineEnd(this.contentEnd(v)), ' ' + s)];
    }

    // A non-empty map or list.
    if (v.kind === 'seq' && v.flow && v.items.length === 0 && Array.isArray(value) && value.some((x) => x instanceof ItemText) &&
        this.lineEnd(colon) === keyLineEnd && v.loc!.end <= keyLineEnd) {
      // `initContainers: []` taking a moved item: a block list, so the item keeps its text.
      const lines = renderBlockUnderKey(value, keyCol, this.style);
      if (!lines) return undefined;
      return [this.edit(colon, keyLineEnd, this.text.slice(v.loc!.end, keyLineEnd) + eol + lines.join(eol))];
    }
    if (v.kind !== 'scalar' && v.flow) {
      const s = renderFlow(value);
      return s === undefined ? undefined : [this.edit(v.loc!.start, v.loc!.end, s)];
    }
    const lines = renderBlockUnderKey(value, keyCol, this.style);
    if (!lines) return undefined;
    const block = eol + lines.join(eol);
    if (v.kind === 'scalar') {
      if (this.isEmptyNull(v)) return [this.edit(keyLineEnd, keyLineEnd, block)];
      const end = this.contentEnd(v);
      if (v.style === 'block-literal' || v.style === 'block-folded') {
        return [this.edit(colon, this.lineEnd(end), block)];
      }
      // `key: x # note` -> `key: # note` + the block below.
      const lineEnd = this.lineEnd(end);
      return [this.edit(colon, lineEnd, this.text.slice(end, lineEnd) + block)];
    }
    if (v.loc!.start <= keyLineEnd) return undefined;
    return [this.edit(keyLineEnd, this.lineEnd(this.contentEnd(v)), block)];
  }

  insertPair(map: YMap, key: string, value: unknown, after?: string): TextEdit[] | undefined {
    const span = map.loc!;
    const own = this.ownPairs(map);
    if (own.some((p) => !this.keyMatches(p))) return undefined;
    if (map.flow) {
      const ks = renderScalar(key, { inFlow: true, implicitKey: true });
      const vs = renderFlow(value);
      if (ks === undefined || vs === undefined) return undefined;
      const entry = `${ks}: ${vs}`;
      if (own.length === 0) {
        if (map.items.length > 0) return undefined;
        const src = this.text.slice(span.start, span.end);
        if (!/^\{\s*\}$/.test(src)) return undefined;
        return [this.edit(span.start, span.end, `{${entry}}`)];
      }
      const anchor = (after !== undefined ? own.find((p) => p.key === after) : undefined) ?? own[own.length - 1]!;
      const sep = this.flowSeparator(own.map((p) => [p.keyLoc!.start, this.pairEnd(p, span)] as [number, number]));
      const at = this.pairEnd(anchor, span);
      return [this.edit(at, at, `${sep}${entry}`)];
    }
    if (own.length === 0) return undefined;
    const first = own[0]!;
    const col = first.keyLoc!.start - this.lineStart(first.keyLoc!.start);
    let anchor = own[own.length - 1]!;
    if (after !== undefined) anchor = own.filter((p) => p.key === after).pop() ?? anchor;
    const lines = renderPairLines(key, value, col, this.style);
    if (!lines) return undefined;
    lines[0] = ' '.repeat(col) + lines[0];
    return [this.insertLines(this.pairEnd(anchor, span), lines)];
  }

  /** `, ` or `,` as between the existing entries of a flow collection. */
  flowSeparator(spans: [number, number][]): string {
    if (spans.length >= 2) {
      const between = this.text.slice(spans[0]![1], spans[1]![0]);
      if (between === ',') return ',';
    }
    return ', ';
  }

  removeKey(map: YMap, key: string): TextEdit[] | undefined {
    if (!this.inFile(map.loc)) return undefined;
    const span = map.loc;
    const own = this.ownPairs(map);
    const gone = own.filter((p) => p.key === key);
    if (gone.length === 0) return map.items.some((p) => p.key === key) ? undefined : [];
    if (gone.some((p) => !this.keyMatches(p))) return undefined;
    const keep = own.filter((p) => p.key !== key);
    const merged = map.items.length !== own.length; // keys from `<<` stay in the map
    if (map.flow) {
      if (keep.length === 0 && !merged) {
        if (!/^\{[\s\S]*\}$/.test(this.text.slice(span.start, span.end))) return undefined;
        return [this.edit(span.start, span.end, '{}')];
      }
      if (keep.length === 0) return undefined;
      return this.removeFlowEntries(
        own.map((p) => ({ start: p.keyLoc!.start, end: this.pairEnd(p, span), gone: p.key === key })),
      );
    }
    if (keep.length === 0) {
      if (merged) return undefined;
      return this.emptyBlock(own[0]!.keyLoc!.start, this.contentEnd(map), '{}');
    }
    const ranges: [number, number][] = [];
    for (let i = 0; i < own.length; i++) {
      const p = own[i]!;
      if (p.key !== key) continue;
      const k = p.keyLoc!.start;
      if (this.onlySpaceBefore(k)) {
        ranges.push(this.wholeLines(k, this.pairEnd(p, span)));
      } else if (/^[ \t]*(-[ \t]+)+$/.test(this.text.slice(this.lineStart(k), k))) {
        // `- key: v` : the next kept key moves up onto the dash line.
        const next = own.slice(i + 1).find((q) => q.key !== key);
        if (!next) return undefined;
        ranges.push([k, next.keyLoc!.start]);
      } else {
        return undefined; // `? key`, `&anchor key`: not worth the risk
      }
    }
    return mergeDeletions(this.file, ranges);
  }

  removeFlowEntries(entries: { start: number; end: number; gone: boolean }[]): TextEdit[] {
    const ranges: [number, number][] = [];
    entries.forEach((e, i) => {
      if (!e.gone) return;
      const next = entries[i + 1];
      if (next) ranges.push([e.start, next.start]);
      else {
        const prevKept = entries.slice(0, i).filter((x) => !x.gone).pop();
        const prev = prevKept ?? entries[i - 1];
        ranges.push([prev ? prev.end : e.start, e.end]);
      }
    });
    return mergeDeletions(this.file, ranges);
  }

  // -- sequences --

  /** Offset of the `-` of a block sequence item. */
  dashOf(item: YNode): number | undefined {
    const start = item.loc!.start;
    const ls = this.lineStart(start);
    const prefix = this.text.slice(ls, start);
    const m = /(^|\s)-((?:[ \t]+[&!][^\s]*)*[ \t]*)$/.exec(prefix);
    if (!m) return undefined;
    return ls + m.index + m[1]!.length;
  }

  insertItem(seq: YSeq, value: unknown, index?: number): TextEdit[] | undefined {
    if (!this.inFile(seq.loc)) return undefined;
    const span = seq.loc;
    const items = this.ownItems(seq);
    if (!items) return undefined;
    value = this.resolveMoved(value, true);
    // Bug fix (found by test/fix-corpus.test.ts): a word added to `args: ["mount", "r:", "/mnt"]`
    // came out plain (`--allow-non-empty`) among double-quoted items. A string item takes the
    // quoting of the list when every item there is a scalar quoted the same way.
    const quoted = typeof value === 'string' && !value.includes('\n') ? this.listQuoting(items) : undefined;
    const src = quoted ? renderScalar(value as string, { style: quoted, inFlow: !!seq.flow }) : undefined; // the item as written
    if (seq.flow) {
      const s = src ?? renderFlow(value);
      if (s === undefined) return undefined;
      if (items.length === 0) {
        if (!/^\[\s*\]$/.test(this.text.slice(span.start, span.end))) return undefined;
        return [this.edit(span.start, span.end, `[${s}]`)];
      }
      const sep = this.flowSeparator(items.map((it) => [it.loc!.start, this.contentEnd(it)] as [number, number]));
      if (index === undefined || index >= items.length) {
        const at = this.contentEnd(items[items.length - 1]!);
        return [this.edit(at, at, sep + s)];
      }
      const at = items[Math.max(0, index)]!.loc!.start;
      return [this.edit(at, at, s + sep)];
    }
    if (items.length === 0) return undefined;
    const dash0 = this.dashOf(items[0]!);
    if (dash0 === undefined) return undefined;
    const col = dash0 - this.lineStart(dash0);
    const lines = src !== undefined ? [`${' '.repeat(col)}- ${src}`] : renderItemLines(value, col, this.style);
    if (!lines) return undefined;
    if (index === undefined || index >= items.length) {
      return [this.insertLines(this.contentEnd(items[items.length - 1]!), lines)];
    }
    const dash = this.dashOf(items[Math.max(0, index)]!);
    if (dash === undefined || !this.onlySpaceBefore(dash)) return undefined;
    const ls = this.lineStart(dash);
    return [this.edit(ls, ls, lines.join(this.eol) + this.eol)];
  }

  /**
   * The whole lines of a block list item whose dash starts its line, with its own comment
   * lines: those right above the dash at the dash's column, and those right after its last
   * line indented deeper than the dash when another item follows. (Removing the item keeps
   * them where it was; moving it takes them along.)
   */
  itemLines(dash: number, end: number): [number, number] {
    let [from, to] = this.wholeLines(dash, end);
    const col = dash - this.lineStart(dash);
    // A comment line as the lexer sees it (not a `#` line inside a block scalar); none when
    // the file cannot be lexed, so that no comment is left to a removal that could not keep it.
    let spans: [number, number][] | undefined; // lexed only when a line looks like a comment
    const commentAt = (ls: number) => {
      const line = this.text.slice(ls, this.lineEnd(ls));
      const m = /^( *)#/.exec(line);
      if (!m) return -1;
      const at = ls + m[1]!.length;
      spans ??= commentSpans(this.text);
      return spans.some(([s]) => s === at) ? m[1]!.length : -1;
    };
    while (from > 0 && this.text[from - 1] === '\n') {
      const prev = this.lineStart(from - 1);
      if (commentAt(prev) !== col) break;
      from = prev;
    }
    // Only when the next item of the list follows them: after the last item, the text after
    // the list (where new keys of the parent map go) starts right after the item's lines.
    let after = to;
    while (after < this.text.length && this.text[after - 1] === '\n' && commentAt(after) > col) after = this.nextLine(after) ?? this.text.length;
    if (after > to && new RegExp(`^ {${col}}-(\\s|$)`).test(this.text.slice(after, this.lineEnd(after)))) to = after;
    return [from, to];
  }

  /** 'double' or 'single' when every item of a list is a scalar written with those quotes. */
  listQuoting(items: YNode[]): 'double' | 'single' | undefined {
    const styles = new Set(items.map((it) => (it.kind === 'scalar' ? it.style : undefined)));
    if (styles.size !== 1) return undefined;
    const [only] = [...styles];
    return only === 'double' || only === 'single' ? only : undefined;
  }

  removeItem(seq: YSeq, index: number): TextEdit[] | undefined {
    if (!this.inFile(seq.loc)) return undefined;
    const span = seq.loc;
    const items = this.ownItems(seq);
    if (!items || index < 0 || index >= items.length || items.length !== seq.items.length) return undefined;
    const item = items[index]!;
    if (seq.flow) {
      if (items.length === 1) {
        if (!/^\[[\s\S]*\]$/.test(this.text.slice(span.start, span.end))) return undefined;
        return [this.edit(span.start, span.end, '[]')];
      }
      return this.removeFlowEntries(items.map((it, i) => ({ start: it.loc!.start, end: this.contentEnd(it), gone: i === index })));
    }
    const dash = this.dashOf(item);
    if (dash === undefined) return undefined;
    const end = this.contentEnd(item);
    if (items.length === 1) return this.emptyBlock(dash, end, '[]');
    if (this.onlySpaceBefore(dash)) {
      const [s, e] = this.itemLines(dash, end);
      return [this.edit(s, e, '')];
    }
    const next = items[index + 1];
    if (!next) return undefined;
    const nextDash = this.dashOf(next);
    if (nextDash === undefined) return undefined;
    return [this.edit(dash, nextDash, '')];
  }

  /**
   * A block collection (first key or dash at `first`, content up to `end`) loses its last
   * entry: write `{}` / `[]` on its key's line (`ports: []`), or in its place.
   */
  emptyBlock(first: number, end: number, empty: '{}' | '[]'): TextEdit[] {
    const endLine = this.lineEnd(end);
    if (!this.onlySpaceBefore(first)) return [this.edit(first, end, empty)];
    const ls = this.lineStart(first);
    if (ls > 0) {
      const prevStart = this.lineStart(ls - 1);
      const prevEnd = this.lineEnd(prevStart);
      const prev = this.text.slice(prevStart, prevEnd);
      if (!/["'#]/.test(prev.replace(/\s#.*$/, '')) && !/^\s*#/.test(prev)) {
        const code = prev.replace(/\s#.*$/, '');
        const m = /:[ \t]*$/.exec(code);
        if (m && /^\s*(-\s+)*[^\s-]/.test(code)) {
          const colon = prevStart + m.index + 1;
          return [this.edit(colon, colon, ' ' + empty), this.edit(prevEnd, endLine, '')];
        }
      }
    }
    const col = first - ls;
    // In place, deeper than a compact list's dash (which sits at its key's column).
    return [this.edit(ls, end, ' '.repeat(empty === '[]' ? col + 2 : col) + empty)];
  }

  // -- moved nodes --

  /**
   * `Moved` values (src/fix/moved.ts): a list item (`asItem`, or an item of a list in the
   * value) becomes its own text, re-indented where it lands; anything else its `value`.
   */
  resolveMoved(value: unknown, asItem: boolean): unknown {
    if (value instanceof Moved) {
      if (!asItem) return this.resolveMoved(value.value, false);
      const mv = value;
      return new ItemText(this.resolveMoved(mv.value, false), (col) => this.movedItemLines(mv, col));
    }
    if (Array.isArray(value)) return value.some((v) => containsMoved(v)) ? value.map((v) => this.resolveMoved(v, true)) : value;
    if (value !== null && typeof value === 'object' && containsMoved(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.resolveMoved(v, false);
      return out;
    }
    return value;
  }

  /**
   * The lines of a moved block list item, its dash at column `col`: its text from its dash
   * line through its last line (comments and quoting as written), with its own edits made,
   * every line shifted by the same number of spaces. Undefined (render the value instead)
   * when the item is not a block item of this file, an edit falls outside it, or the lines
   * would not read back as exactly the value.
   */
  movedItemLines(mv: Moved, col: number): string[] | undefined {
    const node = mv.node;
    if (!this.inFile(node.loc)) return undefined;
    const dash = this.dashOf(node);
    if (dash === undefined || !this.onlySpaceBefore(dash)) return undefined;
    const [start, to] = this.itemLines(dash, this.contentEnd(node));
    const from = start > 0 && this.text[start - 1] !== '\n' ? this.lineStart(dash) : start; // not the break before a last line
    const own: TextEdit[] = [];
    for (const e of mv.edits) {
      if (editFile(e) !== this.file) return undefined;
      const t = toTextEdits(e, this.text);
      if (!t) return undefined;
      for (const x of t) {
        if (x.start < from || x.end > to) return undefined;
        own.push({ ...x, start: x.start - from, end: x.end - from });
      }
    }
    const { text: body, skipped } = applyTextEdits(this.text.slice(from, to), own);
    if (skipped.length) return undefined;
    const lines = body.split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    const shift = col - (dash - this.lineStart(dash));
    const out = lines.map((l) => {
      if (l === '' || shift === 0) return l;
      if (shift > 0) return ' '.repeat(shift) + l;
      return l.slice(Math.min(-shift, /^ */.exec(l)![0].length));
    });
    // The moved text must read back as the value it stands for. The loader's fast parser
    // first (the `yaml` Document API is several times slower, and this runs for every
    // move a report plans); it declines anything outside its subset, duplicate keys included.
    const text = out.join('\n');
    const want = [toPlainJS(mv.value)];
    // (It reads a document from column 1: the item's indentation comes off every line.)
    const ind = /^ */.exec(out[0] ?? '')![0].length;
    const flush = out.every((l) => l === '' || /^ */.exec(l)![0].length >= ind) ? out.map((l) => l.slice(ind)).join('\n') : undefined;
    const fast = flush === undefined ? undefined : fastParse(flush, '', lineStartsOf(flush));
    if (fast) return fast.length === 1 && deepEqual(toJS(fast[0]!.node), want) ? out : undefined;
    try {
      const doc = parseDocument(text, { strict: false, uniqueKeys: true });
      if (doc.errors.length || !deepEqual(doc.toJS(), want)) return undefined;
    } catch {
      return undefined;
    }
    return out;
  }

  replaceText(loc: Loc, text: string): TextEdit[] | undefined {
    if (!this.inFile(loc)) return undefined;
    if (this.text.slice(loc.start, loc.end) === text) return [];
    return [this.edit(loc.start, loc.end, text)];
  }
}

function containsMoved(v: unknown): boolean {
  if (v instanceof Moved) return true;
  if (Array.isArray(v)) return v.some(containsMoved);
  if (v !== null && typeof v === 'object' && !(v instanceof ItemText)) return Object.values(v).some(containsMoved);
  return false;
}

/** A value as plain JS: YNodes converted, `Moved` values replaced by what they read as. */
function toPlainJS(v: unknown): unknown {
  if (v instanceof Moved) return toPlainJS(v.value);
  const p = plain(v);
  if (Array.isArray(p)) return p.map(toPlainJS);
  if (p !== null && typeof p === 'object') return Object.fromEntries(Object.entries(p).map(([k, x]) => [k, toPlainJS(x)]));
  return p;
}

function isScalarValue(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function mergeDeletions(file: string, ranges: [number, number][]): TextEdit[] {
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: TextEdit[] = [];
  for (const [s, e] of ranges) {
    const last = out[out.length - 1];
    if (last && s <= last.end) last.end = Math.max(last.end, e);
    else out.push({ file, start: s, end: e, text: '' });
  }
  return out;
}

/**
 * What a setKey / setPath comes down to: a key set in one map, and whether that key is new
 * there. The fixer merges a fix's new keys on one map into one insertion (two setPath
 * edits under a missing `securityContext` must create it once).
 */
export function keyTarget(edit: Edit): { map: YMap; key: string; value: unknown; after?: string; isNew: boolean } | undefined {
  if (edit.op === 'setKey') return { map: edit.map, key: edit.key, value: plain(edit.value), after: edit.after, isNew: !ownPair(edit.map, edit.key) && !foreignPair(edit.map, edit.key) };
  if (edit.op === 'setPath') {
    const r = resolvePath(edit.map, edit.path, plain(edit.value));
    if (!r) return undefined;
    const existing = ownPair(r.map, r.key) ?? foreignPair(r.map, r.key);
    return { ...r, isNew: !existing || (existing.value.kind === 'scalar' && existing.value.value === null && r.key !== edit.path[edit.path.length - 1]) };
  }
  return undefined;
}

// A fast path for the YAML that manifests are made of: block maps and sequences, plain,
// quoted and block scalars, one-line flow collections, comments and `---`. It builds the
// same YNode trees, with the same Locs, as parseAllDocuments + convert in source.ts, at a
// fraction of the cost (SPEC §7: the `yaml` Document API is ~9× slower than a plain parse).
//
// Anything outside that subset, and anything the `yaml` package would report as an error or
// treat specially, makes fastParse return undefined: anchors, aliases, tags, merge keys,
// duplicate keys, directives, `...`, tabs, CR, control characters, multi-line plain or quoted
// scalars, multi-line flow collections, complex keys, keep chomping, indentation indicators.
// The caller then takes the exact, slow path, so behaviour never depends on which one ran.
//
// Ranges follow the `yaml` composer: a node's Loc is [range[0], range[1]], where a block
// collection ends where its last item's range[2] ends. range[2] of a scalar or flow
// collection covers the rest of its line and the more-indented comment lines right after it;
// range[2] of a block collection covers trailing comment lines that the CST parser leaves
// inside it (see `close`). test/fast-yaml.test.ts compares both paths on every fixture and
// on generated documents.
import type { Loc, Scalar, YNode, YPair, YScalar } from './ynode.js';
import { makeLoc } from './lines.js';

export interface FastDoc {
  index: number;
  node: YNode | undefined;
  loc: Loc;
}

// ---- nodes, and positions on demand ---------------------------------------------------
//
// SPEC §7 asks for 10,000 objects in 300 MB, and the YAML trees are the largest thing a lint
// keeps, so the fast parser's nodes are as small as the YNode interface allows:
// - They are instances of four classes. `kind` (and `flow: false`) live on the class's
//   prototype, not in every node; a node holds its value or items, its file and one number
//   for its span. (Assigning `kind` or `flow` gives the node its own, as on any object.)
// - A node's `loc` (a pair's `keyLoc`) is made when something first reads it: most nodes are
//   never blamed by a finding, and a Loc per node and key was a third of the heap. `loc` is
//   an accessor on the prototype that makes the Loc once, keeps it on the node, and returns
//   that same object on every read; assigning `loc` replaces it. The Loc has exactly the
//   fields and numbers source.ts makeLoc gives.
// - The span [start, end) is one small integer, start * 2^11 + (end - start), when the start
//   is below 1 MiB and the length below 2 KiB (nearly every scalar and key, most maps);
//   otherwise it is -(i + 1), where i indexes the file's table of wide spans.
// Because kind, flow, loc and keyLoc are not own properties, an object spread of a node
// drops them: copy a node with the helpers of ynode.ts (withValue, withItems, withPairValue),
// never `{ ...node }`. JSON.stringify sees the same fields as for a node built as a literal
// (toJSON), which test/fast-yaml.test.ts compares with the `yaml` package's path.

interface SrcFile {
  file: string;
  ls: number[];
  /** start, end of the spans that do not fit in one small integer. */
  wide: number[];
}
const SRC = Symbol('medialint.loc.src');
const SPAN = Symbol('medialint.loc.span');
const LOC_VALUE = Symbol('medialint.loc.value');
const KEY_LOC_VALUE = Symbol('medialint.keyLoc.value');
type Located = { [SRC]: SrcFile; [SPAN]: number; [LOC_VALUE]?: unknown; [KEY_LOC_VALUE]?: unknown };
type Style = NonNullable<YScalar['style']>;

/** Lengths below this (2^11) and starts below MAX_PACKED_START (2^20) pack into one Smi. */
const PACKED_LENGTHS = 2048;
const MAX_PACKED_START = 1 << 20;

/** The span number of [start, end) in `src`. */
function span(src: SrcFile, start: number, end: number): number {
  const len = end - start;
  if (start < MAX_PACKED_START && len >= 0 && len < PACKED_LENGTHS) return start * PACKED_LENGTHS + len;
  src.wide.push(start, end);
  return -(src.wide.length >> 1);
}
function spanStart(o: Located): number {
  const v = o[SPAN];
  return v >= 0 ? Math.floor(v / PACKED_LENGTHS) : o[SRC].wide[(-v - 1) * 2]!;
}
function spanEnd(o: Located): number {
  const v = o[SPAN];
  return v >= 0 ? Math.floor(v / PACKED_LENGTHS) + (v % PACKED_LENGTHS) : o[SRC].wide[(-v - 1) * 2 + 1]!;
}

function makeLazyLoc(o: Located): Loc {
  const { file, ls } = o[SRC];
  return makeLoc(file, ls, spanStart(o), spanEnd(o));
}

/**
 * The accessor of `loc` (or a pair's `keyLoc`), keeping the Loc under `slot`. (Redefining
 * the accessor as a data property on first read was simpler, but a defineProperty per read
 * node cost more than the whole parse.)
 */
function lazyLoc(slot: typeof LOC_VALUE | typeof KEY_LOC_VALUE, enumerable: boolean): PropertyDescriptor {
  return {
    get(this: Located) {
      return slot in this ? this[slot] : (this[slot] = makeLazyLoc(this));
    },
    set(this: Located, value: unknown) {
      this[slot] = value;
    },
    enumerable,
    configurable: true,
  };
}

/** `value` as a writable, non-enumerable default on a prototype (an own assignment shadows it). */
function protoValue(proto: object, key: string, value: unknown): void {
  Object.defineProperty(proto, key, { value, writable: true, enumerable: false, configurable: true });
}

/** What every fast node and pair holds besides its value: its file and its span. */
class Spanned {
  [SRC]: SrcFile;
  [SPAN]: number;
  constructor(src: SrcFile, sp: number) {
    this[SRC] = src;
    this[SPAN] = sp;
  }
}

class FastScalar extends Spanned {
  declare kind: 'scalar';
  declare loc: Loc | undefined;
  value: Scalar;
  style: Style;
  constructor(value: Scalar, style: Style, src: SrcFile, sp: number) {
    super(src, sp);
    this.value = value;
    this.style = style;
  }
  toJSON(): unknown {
    return { kind: 'scalar', value: this.value, style: this.style, loc: this.loc };
  }
}

/** A block or flow map or sequence: FastMap and FastSeq differ only in their prototype's `kind`. */
class FastCollection<T> extends Spanned {
  declare kind: 'map' | 'seq';
  declare flow: boolean;
  declare loc: Loc | undefined;
  items: T[];
  constructor(items: T[], src: SrcFile, sp: number) {
    super(src, sp);
    this.items = items;
  }
  toJSON(): unknown {
    return { kind: this.kind, flow: this.flow, items: this.items, loc: this.loc };
  }
}
class FastMap extends FastCollection<YPair> {
  declare kind: 'map';
}
class FastSeq extends FastCollection<YNode> {
  declare kind: 'seq';
}

class FastPair extends Spanned {
  declare keyLoc: Loc | undefined;
  key: string;
  value: YNode;
  constructor(key: string, value: YNode, src: SrcFile, sp: number) {
    super(src, sp);
    this.key = key;
    this.value = value;
  }
  toJSON(): unknown {
    return { key: this.key, value: this.value, keyLoc: this.keyLoc };
  }
}

protoValue(FastScalar.prototype, 'kind', 'scalar');
protoValue(FastMap.prototype, 'kind', 'map');
protoValue(FastSeq.prototype, 'kind', 'seq');
protoValue(FastMap.prototype, 'flow', false);
protoValue(FastSeq.prototype, 'flow', false);
const LOC = lazyLoc(LOC_VALUE, false);
for (const c of [FastScalar, FastMap, FastSeq]) Object.defineProperty(c.prototype, 'loc', LOC);
Object.defineProperty(FastPair.prototype, 'keyLoc', lazyLoc(KEY_LOC_VALUE, false));

/**
 * A shell Word for [start, end) of the file `node` was read from, with its `loc` made on
 * first read like a node's (most words are never blamed: SPEC §7), or undefined when `node`
 * did not come from the fast parser. (An own enumerable accessor: Words are spread.)
 */
export function lazyWord(text: string, node: YScalar, start: number, end: number): { text: string; node: YScalar; loc: Loc } | undefined {
  const src = (node as Partial<Located>)[SRC];
  if (src === undefined) return undefined;
  const w = { text, node, [SRC]: src, [SPAN]: span(src, start, end) };
  return Object.defineProperty(w, 'loc', WORD_LOC) as unknown as { text: string; node: YScalar; loc: Loc };
}
const WORD_LOC = lazyLoc(LOC_VALUE, true);

/** A value whose `loc` is its node's, read when first asked for (a Word for a whole scalar). */
export function withNodeLoc<T extends { node: { loc?: Loc } | undefined }>(o: T): T & { loc: Loc | undefined } {
  return Object.defineProperty(o, 'loc', NODE_LOC) as T & { loc: Loc | undefined };
}
const NODE_LOC: PropertyDescriptor = {
  get(this: { node?: { loc?: Loc } }) {
    return this.node?.loc;
  },
  set(this: object, value: unknown) {
    Object.defineProperty(this, 'loc', { value, writable: true, enumerable: true, configurable: true });
  },
  enumerable: true,
  configurable: true,
};

/**
 * A node's Loc without keeping it on the node when it is not made yet (for code that reads
 * the place of many nodes it will not blame, such as the shell reader placing words).
 */
export function peekLoc(n: { loc?: Loc }): Loc | undefined {
  const o = n as Partial<Located>;
  if (o[SRC] !== undefined && !(LOC_VALUE in o)) return makeLazyLoc(o as Located);
  return n.loc;
}

/**
 * [start, end) of a node's `loc` without making the Loc when it is not made yet (for code
 * that reads the offsets of every scalar, as kustomize's scalar normalisation does).
 */
export function locSpan(n: { loc?: Loc }): { start: number; end: number } | undefined {
  const o = n as Partial<Located>;
  if (o[SRC] !== undefined && !(LOC_VALUE in o)) return { start: spanStart(o as Located), end: spanEnd(o as Located) };
  return n.loc;
}

/** Thrown to leave the fast path; never escapes fastParse. */
const BAIL = new Error('fast-yaml: not in the fast subset');

const NL = 10;
const SP = 32;
const HASH = 35;
const DQUOTE = 34;
const SQUOTE = 39;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const COMMA = 44;
const PIPE = 124;
const GT = 62;

/** Characters that may not start a plain scalar or a plain key here (or that start something we leave to `yaml`). */
function badPlainStart(c: number): boolean {
  switch (c) {
    case 38: // &
    case 42: // *
    case 33: // !
    case 37: // %
    case 64: // @
    case 96: // `
    case COMMA:
    case RBRACKET:
    case RBRACE:
    case LBRACKET:
    case LBRACE:
    case HASH:
    case PIPE:
    case GT:
    case DQUOTE:
    case SQUOTE:
    case 63: // ?
    case COLON:
    case DASH:
      return true;
  }
  return false;
}

// Characters that cannot occur in the fast subset anywhere: tab, CR, other C0 and C1
// controls, DEL, BOM, line and paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSUPPORTED = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;

/** The `yaml` core schema (YAML 1.2) for a plain scalar, in the package's tag order. */
export function resolvePlain(s: string): Scalar {
  const c = s.charCodeAt(0);
  // Most values are words: nothing but null and bool can start with a letter.
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
    if (c === 110 || c === 78) return s === 'null' || s === 'Null' || s === 'NULL' ? null : s;
    if (c === 116 || c === 84) return s === 'true' || s === 'True' || s === 'TRUE' ? true : s;
    if (c === 102 || c === 70) return s === 'false' || s === 'False' || s === 'FALSE' ? false : s;
    return s;
  }
  if (s === '~' || s === '') return null;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};

/**
 * Parses `text` (one file) into documents, or returns undefined when the text leaves the
 * fast subset. `lineStarts` are the offsets where lines start (source.ts lineStartsOf).
 */
export function fastParse(text: string, file: string, lineStarts: number[]): FastDoc[] | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  try {
    return new FastParser(text, file, lineStarts).documents();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

class FastParser {
  private readonly len: number;
  /** Offset of the start of the current line. */
  private pos = 0;
  /** Index (0-based) of the line that starts at `pos`. */
  private line = 0;

  // What follows the last leaf, up to the next content (set by `trivia`).
  /** Columns of the comment lines in the trivia. */
  private readonly commentCols: number[] = [];
  /** Offsets just after each comment line (after its newline). */
  private readonly commentEnds: number[] = [];
  private commentCount = 0;
  /** The first trivia comment not absorbed by the leaf before it. */
  private pendingFrom = 0;
  /** Column of the next content line, or -1 at the end of the document. */
  private nextCol = -1;
  /** Offset of the next content (its first character), of `---`, or the end of text. */
  private nextAt = 0;
  /** The next content is a `---` line. */
  private atDocStart = false;
  private depth = 0;

  private readonly src: SrcFile;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly ls: number[],
  ) {
    this.len = text.length;
    this.src = { file, ls, wide: [] };
  }

  /** A scalar node with its Loc on demand. */
  private scalar(value: Scalar, start: number, end: number, style: 'plain' | 'single' | 'double' | 'block-literal' | 'block-folded'): YNode {
    return new FastScalar(value, style, this.src, span(this.src, start, end)) as YNode;
  }

  documents(): FastDoc[] {
    const docs: FastDoc[] = [];
    const { text } = this;
    this.trivia();
    let first = true;
    while (this.nextCol >= 0 || this.atDocStart) {
      let docStart: number;
      if (this.atDocStart) {
        docStart = this.nextAt;
        this.gotoLineOf(docStart);
        // `---`, spaces, then the end of the line (a comment is fine when content follows).
        let p = docStart + 3;
        while (text.charCodeAt(p) === SP) p++;
        const emptyAt = p;
        let comment = false;
        if (text.charCodeAt(p) === HASH) {
          comment = true;
          p = this.eol(p);
        } else if (p < this.len && text.charCodeAt(p) !== NL) throw BAIL;
        this.nextLine(p);
        this.trivia();
        if (this.nextCol < 0) {
          // An empty document: a null scalar right after `---`.
          if (comment || this.commentCount) throw BAIL;
          docs.push({ index: docs.length, node: this.nullAt(emptyAt), loc: this.loc(docStart, emptyAt) });
          first = false;
          continue;
        }
      } else {
        if (!first) throw BAIL;
        docStart = this.nextAt;
      }
      first = false;
      if (this.nextCol !== 0) throw BAIL;
      const start = this.nextAt;
      this.gotoLineOf(start);
      const node = this.collectionAt(start, 0);
      if (!node) throw BAIL;
      if (this.nextCol >= 0) throw BAIL; // content after the root collection that is not `---`
      docs.push({ index: docs.length, node, loc: this.loc(docStart, spanEnd(node as unknown as Located)) });
    }
    return docs;
  }

  // ---- lines ---------------------------------------------------------------------------

  /** The end of the line at p (the offset of its newline, or the end of text). */
  private eol(p: number): number {
    const i = this.text.indexOf('\n', p);
    return i < 0 ? this.len : i;
  }

  /** Moves to the start of the line after the one containing p (p is on the current line). */
  private nextLine(p: number): void {
    const e = this.eol(p);
    this.pos = e < this.len ? e + 1 : this.len;
    this.line++;
  }

  private gotoLineOf(p: number): void {
    while (this.line + 1 < this.ls.length && this.ls[this.line + 1]! <= p) this.line++;
    this.pos = this.ls[this.line]!;
  }

  /**
   * Skips blank and comment lines from `pos` (a line start) and records them, up to the next
   * content line, a `---` line or the end of text.
   */
  private trivia(): void {
    const { text, len } = this;
    this.commentCount = 0;
    this.pendingFrom = 0;
    this.atDocStart = false;
    for (;;) {
      const start = this.pos;
      let i = start;
      while (text.charCodeAt(i) === SP) i++;
      if (i >= len) {
        this.nextCol = -1;
        this.nextAt = len;
        this.pos = len;
        return;
      }
      const c = text.charCodeAt(i);
      if (c === NL) {
        this.pos = i + 1;
        this.line++;
        continue;
      }
      if (c === HASH) {
        const e = this.eol(i);
        this.commentCols[this.commentCount] = i - start;
        this.commentEnds[this.commentCount] = e < len ? e + 1 : len;
        this.commentCount++;
        this.nextLine(i);
        continue;
      }
      if (i === start) {
        const e3 = text.charCodeAt(i + 3);
        const marker = e3 !== e3 || e3 === SP || e3 === NL; // NaN: end of text
        if (c === DASH && marker && text.startsWith('---', i)) {
          this.nextCol = -1;
          this.nextAt = i;
          this.atDocStart = true;
          return;
        }
        if ((c === DOT && marker && text.startsWith('...', i)) || c === 37 /* % */) throw BAIL;
      }
      this.nextCol = i - start;
      this.nextAt = i;
      return;
    }
  }

  /** After a leaf whose parent collection has indent `parentIndent`: its range[2]. */
  private afterLeaf(lineEnd: number, parentIndent: number, absorbs: boolean): number {
    // lineEnd: the offset after the leaf's last line (after its newline).
    this.trivia();
    let end = lineEnd;
    if (absorbs) {
      // Comment lines indented deeper than the parent join the leaf (parser.ts atIndentedComment).
      let k = 0;
      while (k < this.commentCount && this.commentCols[k]! > parentIndent) k++;
      if (k) end = this.commentEnds[k - 1]!;
      this.pendingFrom = k;
    }
    return end;
  }

  /**
   * range[2] of a block collection that ends here. Trailing comments stay inside it when one
   * of them is at least as deep as it (parser.ts pop); otherwise they move to its parent.
   */
  private close(indent: number, end1: number): number {
    if (indent === 0) return end1;
    for (let k = this.pendingFrom; k < this.commentCount; k++) {
      if (this.commentCols[k]! >= indent) {
        this.pendingFrom = this.commentCount;
        return this.nextAt;
      }
    }
    return end1;
  }

  // ---- Locs ----------------------------------------------------------------------------

  private loc(start: number, end: number): Loc {
    return makeLoc(this.file, this.ls, start, end);
  }

  /** A map pair with its keyLoc on demand. */
  private pair(key: string, start: number, end: number, value: YNode): YPair {
    return new FastPair(key, value, this.src, span(this.src, start, end)) as YPair;
  }

  private nullAt(p: number): YNode {
    return this.scalar(null, p, p, 'plain');
  }

  // ---- block structure -----------------------------------------------------------------

  /** Column of offset p on the current line. */
  private col(p: number): number {
    return p - this.pos;
  }

  /**
   * The block collection whose first token is at p (on the current line, at column `col`),
   * or undefined when p starts no collection. Leaves the parser at the next content.
   */
  private collectionAt(p: number, col: number): YNode | undefined {
    const c = this.text.charCodeAt(p);
    if (c === DASH && this.isSpaceOrEnd(p + 1)) return this.blockSeq(p, col);
    if (this.keyColon(p) >= 0) return this.blockMap(p, col);
    return undefined;
  }

  private isSpaceOrEnd(p: number): boolean {
    const c = this.text.charCodeAt(p);
    return c === SP || c === NL || c !== c;
  }

  /**
   * If a block-map key starts at p (on this line): the offset of its `:` indicator, else -1.
   * Throws for keys the fast path leaves to `yaml`.
   */
  private keyColon(p: number): number {
    const { text } = this;
    const c = text.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) {
      const q = this.quotedEnd(p);
      let i = q;
      while (text.charCodeAt(i) === SP) i++;
      return text.charCodeAt(i) === COLON && this.isSpaceOrEnd(i + 1) ? i : -1;
    }
    if (badPlainStart(c)) return -1;
    const e = this.eol(p);
    for (let i = p; i < e; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON) {
        const n = text.charCodeAt(i + 1);
        if (n === SP || n === NL || n !== n) return i;
      } else if (ch === HASH && text.charCodeAt(i - 1) === SP) {
        return -1;
      }
    }
    return -1;
  }

  private enter(): void {
    if (++this.depth > 200) throw BAIL;
  }

  private blockMap(first: number, indent: number): YNode {
    this.enter();
    const { text } = this;
    const items: YPair[] = [];
    let keys: Set<string> | undefined;
    let p = first;
    let end1 = first;
    for (;;) {
      // ---- key
      const colon = this.keyColon(p);
      if (colon < 0) throw BAIL;
      let key: string;
      let keyEnd: number;
      const kc = text.charCodeAt(p);
      if (kc === DQUOTE || kc === SQUOTE) {
        keyEnd = this.quotedEnd(p);
        key = this.quotedValue(p, keyEnd);
      } else {
        keyEnd = colon;
        while (text.charCodeAt(keyEnd - 1) === SP) keyEnd--;
        const raw = intern(text, p, keyEnd);
        const v = resolvePlain(raw);
        key = typeof v === 'string' ? v : String(v);
      }
      if (key === '<<' || keyEnd - p > 1000) throw BAIL;
      if (items.length) {
        if (!keys) {
          keys = new Set();
          for (const it of items) keys.add(it.key);
        }
        if (keys.has(key)) throw BAIL;
        keys.add(key);
      }
      const keyStart = p;
      // ---- value
      let q = colon + 1;
      while (text.charCodeAt(q) === SP) q++;
      let value: YNode;
      let end2: number;
      const vc = text.charCodeAt(q);
      if (q >= this.len || vc === NL || vc === HASH) {
        const comment = vc === HASH;
        this.nextLine(q);
        this.trivia();
        if (this.nextCol > indent) {
          const at = this.nextAt;
          this.gotoLineOf(at);
          const v = this.collectionAt(at, this.nextCol);
          if (!v) throw BAIL; // a scalar on the next line
          value = v;
          end2 = this.lastEnd2;
        } else if (this.nextCol === indent && text.charCodeAt(this.nextAt) === DASH && this.isSpaceOrEnd(this.nextAt + 1)) {
          // `key:` with its sequence at the key's own column
          const at = this.nextAt;
          this.gotoLineOf(at);
          value = this.blockSeq(at, indent);
          end2 = this.lastEnd2;
        } else {
          if (comment || this.commentCount) throw BAIL;
          value = this.nullAt(q);
          end2 = q;
        }
      } else {
        value = this.inlineValue(q, indent);
        end2 = this.lastEnd2;
      }
      items.push(this.pair(key, keyStart, keyEnd, value));
      end1 = end2;
      // ---- next
      if (this.nextCol === indent && !this.atDocStart) {
        const at = this.nextAt;
        if (text.charCodeAt(at) === DASH && this.isSpaceOrEnd(at + 1)) throw BAIL;
        this.gotoLineOf(at);
        p = at;
        continue;
      }
      if (this.nextCol > indent) throw BAIL;
      break;
    }
    this.depth--;
    this.lastEnd2 = this.close(indent, end1);
    return new FastMap(exact(items), this.src, span(this.src, first, end1)) as YNode;
  }

  private blockSeq(first: number, indent: number): YNode {
    this.enter();
    const { text } = this;
    const items: YNode[] = [];
    let p = first;
    let end1 = first;
    for (;;) {
      // p: the `-` of an item, at column `indent` of the current line.
      // Comment lines right before it belong to the item (they would end an empty one).
      const commentBefore = items.length > 0 && this.commentCount > 0;
      let q = p + 1;
      while (text.charCodeAt(q) === SP) q++;
      const vc = text.charCodeAt(q);
      let value: YNode;
      let end2: number;
      if (q >= this.len || vc === NL || vc === HASH) {
        const comment = vc === HASH;
        this.nextLine(q);
        this.trivia();
        if (this.nextCol > indent) {
          const at = this.nextAt;
          this.gotoLineOf(at);
          const v = this.collectionAt(at, this.nextCol);
          if (!v) throw BAIL;
          value = v;
          end2 = this.lastEnd2;
        } else {
          if (comment || commentBefore || this.commentCount) throw BAIL;
          value = this.nullAt(q);
          end2 = q;
        }
      } else {
        const col = this.col(q);
        if (vc === DASH && this.isSpaceOrEnd(q + 1)) {
          value = this.blockSeq(q, col);
          end2 = this.lastEnd2;
        } else if (this.keyColon(q) >= 0) {
          value = this.blockMap(q, col);
          end2 = this.lastEnd2;
        } else {
          value = this.inlineValue(q, indent);
          end2 = this.lastEnd2;
        }
      }
      items.push(value);
      end1 = end2;
      if (this.nextCol === indent && !this.atDocStart) {
        const at = this.nextAt;
        if (text.charCodeAt(at) === DASH && this.isSpaceOrEnd(at + 1)) {
          this.gotoLineOf(at);
          p = at;
          continue;
        }
        break; // the next key of a map whose value this sequence is
      }
      if (this.nextCol > indent) throw BAIL;
      break;
    }
    this.depth--;
    this.lastEnd2 = this.close(indent, end1);
    return new FastSeq(exact(items), this.src, span(this.src, first, end1)) as YNode;
  }

  /** range[2] of the node the last block/inline parse returned. */
  private lastEnd2 = 0;

  /**
   * A value that starts at q on the current line (after `key: ` or `- `) and is not a block
   * collection: a scalar, a block scalar or a one-line flow collection. `parentIndent` is
   * the indent of the collection it belongs to.
   */
  private inlineValue(q: number, parentIndent: number): YNode {
    const { text } = this;
    const c = text.charCodeAt(q);
    if (c === PIPE || c === GT) return this.blockScalar(q, parentIndent);
    let node: YNode;
    let after: number;
    if (c === LBRACKET || c === LBRACE) {
      const r = this.flow(q);
      node = r;
      after = this.flowEnd;
    } else if (c === DQUOTE || c === SQUOTE) {
      after = this.quotedEnd(q);
      node = this.scalar(this.quotedValue(q, after), q, after, c === DQUOTE ? 'double' : 'single');
    } else {
      if (badPlainStart(c)) {
        // `-x`, `?x` and `:x` are plain scalars; the bare indicators are not.
        if (!(c === DASH || c === 63 || c === COLON) || this.isSpaceOrEnd(q + 1)) throw BAIL;
      }
      const e = this.eol(q);
      let end = e;
      for (let i = q; i < e; i++) {
        const ch = text.charCodeAt(i);
        if (ch === HASH && text.charCodeAt(i - 1) === SP) {
          end = i;
          break;
        }
        if (ch === COLON) {
          const n = text.charCodeAt(i + 1);
          if (n === SP || n === NL || n !== n) throw BAIL; // `a: b: c`
        }
      }
      while (text.charCodeAt(end - 1) === SP) end--;
      const raw = intern(text, q, end);
      node = this.scalar(resolvePlain(raw), q, end, 'plain');
      after = end;
    }
    // Only spaces and a comment may follow on this line.
    let i = after;
    while (text.charCodeAt(i) === SP) i++;
    const t = text.charCodeAt(i);
    if (t === HASH) {
      if (i === after) throw BAIL; // a comment needs a space before it
    } else if (i < this.len && t !== NL) {
      throw BAIL;
    }
    const lineEnd = this.eol(i);
    this.nextLine(i);
    this.lastEnd2 = this.afterLeaf(lineEnd < this.len ? lineEnd + 1 : this.len, parentIndent, true);
    return node;
  }

  // ---- scalars -------------------------------------------------------------------------

  /** Offset after the closing quote of the one-line quoted scalar at p. */
  private quotedEnd(p: number): number {
    const { text } = this;
    const quote = text.charCodeAt(p);
    const e = this.eol(p);
    for (let i = p + 1; i < e; i++) {
      const ch = text.charCodeAt(i);
      if (quote === DQUOTE) {
        if (ch === 92 /* \ */) {
          i++;
          continue;
        }
        if (ch === DQUOTE) return i + 1;
      } else if (ch === SQUOTE) {
        if (text.charCodeAt(i + 1) === SQUOTE) {
          i++;
          continue;
        }
        return i + 1;
      }
    }
    throw BAIL; // spans lines, or unterminated
  }

  private quotedValue(p: number, end: number): string {
    const { text } = this;
    const inner = text.slice(p + 1, end - 1);
    if (text.charCodeAt(p) === SQUOTE) return inner.includes("''") ? inner.replace(/''/g, "'") : inner;
    if (!inner.includes('\\')) return inner;
    let out = '';
    for (let i = 0; i < inner.length; i++) {
      const ch = inner[i]!;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const n = inner[++i];
      if (n === undefined) throw BAIL;
      const simple = ESCAPES[n];
      if (simple !== undefined) {
        out += simple;
        continue;
      }
      const digits = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
      const hex = inner.substr(i + 1, digits);
      if (!digits || hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) throw BAIL;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw BAIL;
      out += String.fromCodePoint(code);
      i += digits;
    }
    return out;
  }

  /**
   * `|` and `>` scalars with clip or strip chomping and an auto-detected indentation whose
   * content is indented deeper than the parent collection.
   */
  private blockScalar(q: number, parentIndent: number): YNode {
    const { text, len } = this;
    const folded = text.charCodeAt(q) === GT;
    let h = q + 1;
    let strip = false;
    if (text.charCodeAt(h) === DASH) {
      strip = true;
      h++;
    }
    // Header: only spaces and a comment may follow.
    let i = h;
    while (text.charCodeAt(i) === SP) i++;
    const t = text.charCodeAt(i);
    if (t === HASH) {
      if (i === h) throw BAIL;
    } else if (i < len && t !== NL) {
      throw BAIL; // `|+`, `|2`, or text after the header
    }
    this.nextLine(i);
    // Content lines: the first non-empty line sets the indentation.
    const lines: string[] = [];
    let indent = -1;
    let lastContentEnd = -1; // offset after the last non-empty line's newline
    let lastContentLine = this.line;
    let leadingSpaces = 0;
    let p = this.pos;
    let line = this.line;
    while (p < len) {
      let s = p;
      while (text.charCodeAt(s) === SP) s++;
      const c = text.charCodeAt(s);
      const e = this.eol(s);
      if (s >= len || c === NL) {
        // An empty line: part of the scalar only if content follows.
        if (indent < 0) leadingSpaces = Math.max(leadingSpaces, s - p);
        else if (s - p > indent) throw BAIL; // whitespace beyond the indentation is content
        lines.push('');
        p = e < len ? e + 1 : len;
        line++;
        continue;
      }
      const n = s - p;
      if (indent < 0) {
        if (n <= parentIndent || leadingSpaces > n) throw BAIL;
        indent = n;
      } else if (n < indent) {
        break;
      }
      const content = text.slice(p + indent, e);
      if (folded && n > indent) throw BAIL; // more-indented lines fold differently
      lines.push(content);
      p = e < len ? e + 1 : len;
      line++;
      lastContentEnd = p;
      lastContentLine = line;
    }
    if (indent < 0) throw BAIL; // an empty block scalar
    // Trailing empty lines are not part of the scalar (clip and strip chomping).
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    if (lastContentEnd === len && text.charCodeAt(len - 1) !== NL) throw BAIL;
    let value = folded ? foldEmpties(lines) : lines.join('\n');
    if (!strip) value += '\n';
    // Hand the following lines to trivia: continue from the end of the last content line.
    this.pos = lastContentEnd;
    this.line = lastContentLine;
    const node = this.scalar(value, q, lastContentEnd, folded ? 'block-folded' : 'block-literal');
    this.lastEnd2 = this.afterLeaf(lastContentEnd, parentIndent, false);
    return node;
  }

  // ---- flow collections ------------------------------------------------------------------

  /** Offset after the closing bracket of the last flow collection parsed. */
  private flowEnd = 0;

  /** A flow collection on one line, starting at q. */
  private flow(q: number): YNode {
    this.enter();
    const { text } = this;
    const open = text.charCodeAt(q);
    const isMap = open === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    const e = this.eol(q);
    let i = q + 1;
    const seqItems: YNode[] = [];
    const pairs: YPair[] = [];
    let keys: Set<string> | undefined;
    const skip = () => {
      while (text.charCodeAt(i) === SP) i++;
      if (i >= e) throw BAIL; // spans lines
    };
    for (;;) {
      skip();
      if (text.charCodeAt(i) === close) break;
      if (isMap) {
        const keyStart = i;
        const k = this.flowScalar(i, e, true);
        const kv = (k.node as { value: Scalar }).value;
        const key = typeof kv === 'string' ? kv : String(kv);
        if (key === '<<') throw BAIL;
        i = k.end;
        skip();
        if (text.charCodeAt(i) !== COLON || text.charCodeAt(i + 1) !== SP) throw BAIL;
        i++;
        skip();
        const v = this.flowItem(i, e);
        if (!keys) keys = new Set();
        if (keys.has(key)) throw BAIL;
        keys.add(key);
        pairs.push(this.pair(key, keyStart, k.end, v.node));
        i = v.end;
      } else {
        const v = this.flowItem(i, e);
        seqItems.push(v.node);
        i = v.end;
        skip();
        if (text.charCodeAt(i) === COLON) throw BAIL; // a flow pair
      }
      skip();
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === close) break;
      throw BAIL;
    }
    this.depth--;
    this.flowEnd = i + 1;
    const src = this.src;
    const end = i + 1;
    const node = isMap ? new FastMap(exact(pairs), src, span(src, q, end)) : new FastSeq(exact(seqItems), src, span(src, q, end));
    node.flow = true;
    return node as YNode;
  }

  private flowItem(i: number, e: number): { node: YNode; end: number } {
    const c = this.text.charCodeAt(i);
    if (c === LBRACKET || c === LBRACE) {
      const node = this.flow(i);
      return { node, end: this.flowEnd };
    }
    return this.flowScalar(i, e, false);
  }

  /** A quoted or plain scalar inside a flow collection (a key when `key`). */
  private flowScalar(i: number, e: number, key: boolean): { node: YNode; end: number } {
    const { text } = this;
    const c = text.charCodeAt(i);
    if (c === DQUOTE || c === SQUOTE) {
      const end = this.quotedEnd(i);
      if (end > e) throw BAIL;
      return { node: this.scalar(this.quotedValue(i, end), i, end, c === DQUOTE ? 'double' : 'single'), end };
    }
    if (badPlainStart(c)) {
      if (!(c === DASH || c === 63 || c === COLON) || this.isSpaceOrEnd(i + 1)) throw BAIL;
      const n = text.charCodeAt(i + 1);
      if (n === COMMA || n === LBRACKET || n === RBRACKET || n === LBRACE || n === RBRACE) throw BAIL;
    }
    let j = i;
    for (; j < e; j++) {
      const ch = text.charCodeAt(j);
      if (ch === COMMA || ch === LBRACKET || ch === RBRACKET || ch === LBRACE || ch === RBRACE) break;
      if (ch === HASH && text.charCodeAt(j - 1) === SP) throw BAIL; // a comment inside flow
      if (ch === COLON) {
        const n = text.charCodeAt(j + 1);
        if (n === SP || n === COMMA || n === RBRACKET || n === RBRACE || n === LBRACKET || n === LBRACE || n !== n || n === NL) {
          if (!key) throw BAIL;
          break;
        }
      }
    }
    if (j >= e) throw BAIL;
    let end = j;
    while (text.charCodeAt(end - 1) === SP) end--;
    if (end === i) throw BAIL;
    const raw = intern(text, i, end);
    return { node: this.scalar(resolvePlain(raw), i, end, 'plain'), end };
  }
}

/**
 * A copy of an array with no spare capacity: arrays grown by push keep room for 16 more
 * items, which for thousands of two-key maps is a good share of the heap (SPEC §7: 300 MB).
 */
function exact<T>(items: T[]): T[] {
  return items.length < 16 ? items.slice() : items;
}

/**
 * Keys and short plain values repeat across manifests (`name`, `mountPath`, `/mnt/media`):
 * keep one string for each instead of one per occurrence. Bounded; strings are immutable,
 * so sharing them changes nothing else.
 */
const interned = new Map<string, string>();
function intern(text: string, start: number, end: number): string {
  const s = text.slice(start, end);
  if (end - start > 40) return s;
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size >= 50_000) interned.clear();
  interned.set(s, s);
  return s;
}

/** Folded block scalar text: lines joined by spaces, each run of n empty lines is n newlines. */
function foldEmpties(lines: string[]): string {
  let out = '';
  let empties = 0;
  let started = false;
  for (const l of lines) {
    if (l === '') {
      empties++;
      continue;
    }
    if (!started) out += '\n'.repeat(empties);
    else out += empties ? '\n'.repeat(empties) : ' ';
    out += l;
    empties = 0;
    started = true;
  }
  return out;
}

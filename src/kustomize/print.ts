// Printing rendered resources byte for byte as `kubectl kustomize` does. kustomize writes
// each resource with sigs.k8s.io/yaml's JSONToYAML, i.e. go-yaml v2's Marshal of the JSON
// value: keys in go-yaml's "natural" order, strings plain when YAML 1.1 would read them back
// as strings, else single- or double-quoted, multi-line strings as literal blocks, lines
// folded at 80 columns, sequences not indented under their key. This is a port of the parts
// of libyaml's emitter (emitterc.go) that such documents use.
import type { Loc, YNode } from '../load/ynode.js';

export type OriginComment = (node: YNode, parent: YNode | undefined) => string | undefined;

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

// ---- go-yaml v2 key order (sorter.go keyList.Less) ------------------------------------------

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => /\p{Nd}/u.test(c);

export function v2KeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.codePointAt(0)! - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

export function v2KeyCompare(a: string, b: string): number {
  return v2KeyLess(a, b) ? -1 : v2KeyLess(b, a) ? 1 : 0;
}

// ---- go-yaml v2 resolve: would a plain scalar read back as something other than a string? --

const RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
const HINTS = new Set([...'+-0123456789yYnNtTfFoO~.']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:Z|[-+]\d{1,2}(?::\d{2})?))|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?))?$/;

/** True when go-yaml v2 would resolve the plain scalar to a non-string. */
export function resolvesToNonString(s: string): boolean {
  if (s === '') return true;
  if (BASE60.test(s)) return true;
  if (!HINTS.has(s[0]!)) return false;
  if (RESOLVE_MAP.has(s)) return true;
  if (s[0] === '.') return /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(s);
  if (!/^[-+0-9]/.test(s)) return false;
  if (TIMESTAMP.test(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/.test(plain)) return true;
  return YAML_FLOAT.test(plain);
}

// ---- numbers as go-yaml v2 writes the JSON number kustomize produced ----------------------

export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21 && n >= -9223372036854775808 && n <= 18446744073709551615) return BigInt(n).toString();
  return goFloatG(n);
}

/** strconv.FormatFloat(f, 'g', -1, 64). */
function goFloatG(n: number): string {
  const e = n.toExponential();
  const [mant, expStr] = e.split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}

/**
 * encoding/json leaves U+0085 (NEL) unescaped, and go-yaml v2 reads it back inside the JSON
 * string as a line break, which double-quoted scalars fold: one break becomes a space.
 */
function foldNel(s: string): string {
  if (!s.includes('\u0085')) return s;
  return s.replace(/[ \t]*((?:\u0085[ \t]*)+)/g, (_m, breaks: string) => {
    const n = (breaks.match(/\u0085/g) ?? []).length;
    return n === 1 ? ' ' : '\n'.repeat(n - 1);
  });
}

// ---- the emitter -------------------------------------------------------------------------

type Style = 'plain' | 'single' | 'double' | 'literal';

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}
const isBreakCp = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;

function analyze(value: string): Analysis {
  if (value.length === 0) return { multiline: false, flowPlain: false, blockPlain: true, single: true, block: false };
  const cps = [...value].map((c) => c.codePointAt(0)!);
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockInd = true;
    flowInd = true;
  }
  let precededByWs = true;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    const ch = String.fromCodePoint(c);
    const followedByWs = i + 1 >= cps.length || cps[i + 1] === 0x20 || cps[i + 1] === 0x09;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowInd = true;
        blockInd = true;
      } else if (ch === '?' || ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (ch === '-' && followedByWs) {
        flowInd = true;
        blockInd = true;
      }
    } else if (',?[]{}'.includes(ch)) flowInd = true;
    else if (ch === ':') {
      flowInd = true;
      if (followedByWs) blockInd = true;
    } else if (ch === '#' && precededByWs) {
      flowInd = true;
      blockInd = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreakCp(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = c === 0x20 || c === 0x09 || c === 0 || isBreakCp(c);
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, single: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (trailingSpace) a.block = false;
  if (breakSpace) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.single = false;
  }
  if (spaceBreak || special) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.single = false;
    a.block = false;
  }
  if (lineBreaks) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

class Emitter {
  out = '';
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  openEnded = false;
  flowLevel = 0;
  mappingContext = false;
  simpleKeyContext = false;
  rootContext = false;
  pending: string[] = [];

  constructor(private readonly comment?: OriginComment) {}

  put(s: string): void {
    this.out += s;
    this.column += [...s].length;
  }

  putBreak(structural: boolean): void {
    if (structural) this.flushComment();
    this.out += '\n';
    this.column = 0;
  }

  flushComment(): void {
    if (!this.pending.length) return;
    this.out += ` # ${this.pending.join(' ')}`;
    this.pending = [];
  }

  note(text: string | undefined): void {
    if (text && !this.pending.includes(text)) this.pending.push(text);
  }

  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  writeIndent(structural = true): void {
    const indent = this.indent < 0 ? 0 : this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak(structural);
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(ind: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) this.put(' ');
    this.put(ind);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  // -- nodes

  node(n: YNode, ctx: { root?: boolean; seq?: boolean; map?: boolean; simpleKey?: boolean }): void {
    this.rootContext = !!ctx.root;
    this.mappingContext = !!ctx.map;
    this.simpleKeyContext = !!ctx.simpleKey;
    if (n.kind === 'scalar') {
      const v = n.value;
      if (typeof v === 'string') this.scalar(foldNel(v), true);
      else if (v === null) this.scalar('null', false);
      else if (typeof v === 'boolean') this.scalar(v ? 'true' : 'false', false);
      else this.scalar(formatNumber(v), false);
      return;
    }
    if (n.kind === 'seq') {
      if (n.items.length === 0 || this.flowLevel > 0) return this.flowEmpty('[', ']');
      this.increaseIndent(false, this.mappingContext && !this.indention);
      for (const it of n.items) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.note(this.commentFor(it, n));
        this.node(it, { seq: true });
      }
      this.popIndent();
      return;
    }
    if (n.items.length === 0 || this.flowLevel > 0) return this.flowEmpty('{', '}');
    this.increaseIndent(false, false);
    const pairs = [...n.items].sort((a, b) => v2KeyCompare(a.key, b.key));
    for (const p of pairs) {
      this.writeIndent();
      const keyA = analyze(p.key);
      const simple = !keyA.multiline && Buffer.byteLength(p.key, 'utf8') <= 128;
      this.note(this.commentFor(p.value, n));
      if (simple) {
        this.rootContext = false;
        this.mappingContext = true;
        this.simpleKeyContext = true;
        this.scalar(foldNel(p.key), true);
        this.writeIndicator(':', false, false, false);
        this.node(p.value, { map: true });
      } else {
        this.writeIndicator('?', true, false, true);
        this.rootContext = false;
        this.mappingContext = true;
        this.simpleKeyContext = false;
        this.scalar(foldNel(p.key), true);
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
        this.node(p.value, { map: true });
      }
    }
    this.popIndent();
  }

  commentFor(n: YNode, parent: YNode): string | undefined {
    return this.comment?.(n, parent);
  }

  flowEmpty(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    this.flowLevel--;
    this.popIndent();
    this.writeIndicator(close, false, false, false);
  }

  scalar(value: string, isString: boolean): void {
    let style: Style = 'plain';
    if (isString) {
      if (value.includes('\n')) style = 'literal';
      else if (resolvesToNonString(value)) style = 'double';
    }
    const a = analyze(value);
    if (this.simpleKeyContext && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = 'single';
      if (value.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = 'single';
    }
    if (style === 'single' && !a.single) style = 'double';
    if (style === 'literal' && (!a.block || this.flowLevel > 0 || this.simpleKeyContext)) style = 'double';
    this.increaseIndent(true, false);
    const breaks = !this.simpleKeyContext;
    if (style === 'plain') this.plain(value, breaks);
    else if (style === 'single') this.single(value, breaks);
    else if (style === 'double') this.double(value, breaks);
    else this.literal(value);
    this.popIndent();
  }

  plain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const cs = [...value];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && cs[i + 1] !== ' ') this.writeIndent(false);
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
    if (this.rootContext) this.openEnded = true;
  }

  single(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const cs = [...value];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cs.length - 1 && cs[i + 1] !== ' ') this.writeIndent(false);
        else this.put(c);
        spaces = true;
      } else if (isBreakCp(c.codePointAt(0)!)) {
        if (!breaks && c === '\n') this.putBreak(false);
        this.putBreak(false);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent(false);
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  double(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const cs = [...value];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const ch = cs[i]!;
      const c = ch.codePointAt(0)!;
      if (!isPrintable(c) || c === 0xfeff || isBreakCp(c) || ch === '"' || ch === '\\') {
        this.put('\\');
        const esc: Record<number, string> = {
          0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
          0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        if (esc[c] !== undefined) this.put(esc[c]!);
        else if (c <= 0xff) this.put('x' + c.toString(16).toUpperCase().padStart(2, '0'));
        else if (c <= 0xffff) this.put('u' + c.toString(16).toUpperCase().padStart(4, '0'));
        else this.put('U' + c.toString(16).toUpperCase().padStart(8, '0'));
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cs.length - 1) {
          this.writeIndent(false);
          if (cs[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  literal(value: string): void {
    this.writeIndicator('|', true, false, false);
    const cs = [...value];
    if (cs[0] === ' ' || isBreakCp(cs[0]?.codePointAt(0) ?? 0)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    this.openEnded = false;
    let chomp = '';
    if (cs.length === 0) chomp = '-';
    else {
      const last = cs.length - 1;
      if (!isBreakCp(cs[last]!.codePointAt(0)!)) chomp = '-';
      else if (last === 0) {
        chomp = '+';
        this.openEnded = true;
      } else if (isBreakCp(cs[last - 1]!.codePointAt(0)!)) {
        chomp = '+';
        this.openEnded = true;
      }
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak(true);
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of cs) {
      if (isBreakCp(c.codePointAt(0)!)) {
        this.putBreak(false);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent(false);
          breaks = false;
        }
        this.put(c);
        this.indention = false;
      }
    }
  }

  document(root: YNode, header?: string): string {
    if (header) this.out += `# ${header}\n`;
    this.node(root, { root: true });
    // document end: implicit; write_indent.
    this.indent = -1;
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true, false, false);
      this.writeIndent();
    }
    return this.out;
  }
}

/** One resource as kustomize prints it (ends with a newline). */
export function printDocument(root: YNode, comment?: OriginComment, header?: string): string {
  return new Emitter(comment).document(root, header);
}

/** A stream of resources, `---` between documents, as `kubectl kustomize` prints it. */
export function printStream(roots: YNode[], comment?: OriginComment, header?: (n: YNode) => string | undefined): string {
  return roots.map((r) => printDocument(r, comment, header?.(r))).join('---\n');
}

export function locLabel(loc: Loc | undefined): string | undefined {
  return loc ? `${loc.file}:${loc.line}` : undefined;
}

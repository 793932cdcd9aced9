// Render JS values as YAML text for insertion into an existing file: scalars with correct
// quoting (through `yaml`'s CST scalar renderer), collections as block lines at a given
// column or as one-line flow text. Nothing here reformats existing text.
import { CST, parse } from 'yaml';
import type { Scalar as YamlScalar } from 'yaml';

export type ScalarStyle = 'plain' | 'single' | 'double' | 'block-literal' | 'block-folded';

/** How the file writes nested blocks: the indentation step and whether `- ` items sit under their key. */
export interface FileStyle {
  eol: string;
  step: number;
  /** true: `key:\n  - a` ; false: `key:\n- a` */
  seqIndent: boolean;
}

export function detectStyle(text: string): FileStyle {
  const eol = firstEol(text);
  const lines = text.split(/\r?\n/);
  const steps = new Map<number, number>();
  let indented = 0;
  let compact = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // `key:` (possibly after `- ` dashes) with its value on the following lines.
    const m = /^( *)((?:- +)*)([^\s#"'{[\]}][^#]*?|"[^"]*"|'[^']*'):[ \t]*(#.*)?$/.exec(line);
    if (!m) continue;
    const keyCol = m[1]!.length + m[2]!.length;
    let j = i + 1;
    while (j < lines.length && /^\s*(#.*)?$/.test(lines[j]!)) j++;
    if (j >= lines.length) continue;
    const next = lines[j]!;
    const n = /^ */.exec(next)![0].length;
    if (/^ *- /.test(next) || /^ *-$/.test(next)) {
      if (n === keyCol) compact++;
      else if (n > keyCol) {
        indented++;
        steps.set(n - keyCol, (steps.get(n - keyCol) ?? 0) + 1);
      }
    } else if (n > keyCol) {
      steps.set(n - keyCol, (steps.get(n - keyCol) ?? 0) + 1);
    }
  }
  let step = 2;
  let best = 0;
  for (const [s, c] of [...steps].sort((a, b) => a[0] - b[0])) {
    if (s >= 1 && s <= 8 && c > best) {
      best = c;
      step = s;
    }
  }
  return { eol, step, seqIndent: indented >= compact };
}

function firstEol(text: string): string {
  const i = text.indexOf('\n');
  if (i > 0 && text[i - 1] === '\r') return '\r\n';
  return '\n';
}

// ---- scalars ---------------------------------------------------------------------------

const TYPE_OF: Record<ScalarStyle, YamlScalar.Type> = {
  plain: 'PLAIN',
  single: 'QUOTE_SINGLE',
  double: 'QUOTE_DOUBLE',
  'block-literal': 'BLOCK_LITERAL',
  'block-folded': 'BLOCK_FOLDED',
};

/** Does `src` (a one-line scalar) read back as exactly `value` in YAML 1.2 and in YAML 1.1 (Kubernetes)? */
function readsBack(src: string, value: unknown, inFlow: boolean, implicitKey: boolean): boolean {
  const doc = implicitKey ? `${src}: x` : inFlow ? `[${src}]` : `k: ${src}`;
  for (const version of ['1.2', '1.1'] as const) {
    let v: unknown;
    try {
      v = parse(doc, { version, strict: true, uniqueKeys: false });
    } catch {
      return false;
    }
    let got: unknown;
    if (implicitKey) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      const keys = Object.keys(v as object);
      if (keys.length !== 1) return false;
      got = keys[0];
    } else if (inFlow) {
      if (!Array.isArray(v) || v.length !== 1) return false;
      got = v[0];
    } else {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      got = (v as Record<string, unknown>).k;
    }
    if (!Object.is(got, value) && !(typeof got === 'number' && typeof value === 'number' && got === value)) return false;
  }
  return true;
}

function renderToken(value: string, type: YamlScalar.Type | undefined, inFlow: boolean, implicitKey: boolean): string {
  const tok = CST.createScalarToken(value, { indent: 0, inFlow, implicitKey, type, end: [] });
  return CST.stringify(tok);
}

/**
 * One-line YAML text for a scalar. `style` is the style to keep; a plain scalar that would
 * read back as something else (`"true"`, `"0777"`, `"yes"` for YAML 1.1) becomes double-quoted.
 */
export function renderScalar(
  value: string | number | boolean | null,
  opts: { style?: ScalarStyle; inFlow?: boolean; implicitKey?: boolean } = {},
): string | undefined {
  // A word that YAML 1.2 and 1.1 both read as this string is written as it is: the common
  // case (keys, names, enum values), and it skips the read-back parses below.
  if (typeof value === 'string' && (opts.style ?? 'plain') === 'plain' && isSafeWord(value)) return value;
  // Everything else is pure in its arguments: remember the answers (bounded).
  const key = `${typeof value}\u0000${opts.style ?? ''}\u0000${opts.inFlow ? 1 : 0}${opts.implicitKey ? 1 : 0}\u0000${String(value)}`;
  const hit = rendered.get(key);
  if (hit !== undefined || rendered.has(key)) return hit;
  const out = renderScalarUncached(value, opts);
  if (rendered.size >= 10_000) rendered.clear();
  rendered.set(key, out);
  return out;
}

const rendered = new Map<string, string | undefined>();

/**
 * Letters, digits, `_`, `-`, `.` and `/`, starting with a letter, and not one of the words
 * YAML 1.1 or 1.2 read as a bool, a null or a number (`yes`, `Off`, `y`, `NULL`, and `e3`:
 * YAML 1.1 floats need no digits before the exponent): a plain scalar that reads back as
 * itself in both, in block and flow context and as a key. test/perf-paths.test.ts checks
 * this against the read-back parse.
 */
export function isSafeWord(s: string): boolean {
  if (s.length > 200 || !/^[A-Za-z][A-Za-z0-9_./-]*$/.test(s)) return false;
  return !/^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|[eE]-?[0-9_]+)$/.test(s);
}

/** renderScalar without the cache (the tests compare both). */
export function renderScalarUncached(
  value: string | number | boolean | null,
  opts: { style?: ScalarStyle; inFlow?: boolean; implicitKey?: boolean } = {},
): string | undefined {
  const inFlow = !!opts.inFlow;
  const implicitKey = !!opts.implicitKey;
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (value === Infinity) return '.inf';
    if (value === -Infinity) return '-.inf';
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  let style = opts.style ?? 'plain';
  if (style === 'block-literal' || style === 'block-folded') style = 'plain';
  if (value.includes('\n') || value.includes('\r')) style = 'double';
  const candidates: YamlScalar.Type[] = style === 'plain' ? ['PLAIN', 'QUOTE_DOUBLE'] : [TYPE_OF[style], 'QUOTE_DOUBLE'];
  for (const type of candidates) {
    const src = renderToken(value, type, inFlow, implicitKey);
    if (src.includes('\n')) continue;
    if (readsBack(src, value, inFlow, implicitKey)) return src;
  }
  const json = JSON.stringify(value);
  return readsBack(json, value, inFlow, implicitKey) ? json : undefined;
}

/** A mapping key as written before `:`. */
export function renderKey(key: string): string | undefined {
  return renderScalar(key, { implicitKey: true });
}

/**
 * A block scalar (`|` / `>`) body for a string value, or undefined when a block scalar cannot
 * carry it simply (leading spaces, several trailing newlines, control characters).
 */
export function renderBlockScalar(
  value: string,
  folded: boolean,
  indent: string,
  eol: string,
  oldHeader?: string,
): string | undefined {
  if (/[\r\t\x00-\x08\x0b-\x1f\x7f]/.test(value.replace(/\t/g, ''))) return undefined;
  if (/\t/.test(value)) return undefined;
  const body = value.endsWith('\n') ? value.slice(0, -1) : value;
  if (body.endsWith('\n') || body === '') return undefined;
  const lines = body.split('\n');
  if (/^ /.test(lines[0]!) || lines.some((l) => /\s$/.test(l))) return undefined;
  const chomp = value.endsWith('\n') ? '' : '-';
  // Folded text would need its newlines doubled; a single line folds to itself.
  const indicator = folded && lines.length === 1 ? '>' : '|';
  let header = indicator + chomp;
  if (oldHeader) {
    const m = /^([|>])([+-]?)(\s+#.*)?$/.exec(oldHeader.trimEnd());
    if (m && m[1] === indicator && m[2] === chomp) header = oldHeader.trimEnd();
  }
  return header + eol + lines.map((l) => (l === '' ? '' : indent + l)).join(eol);
}

// ---- collections -----------------------------------------------------------------------

/**
 * A list item whose lines are already written (a moved node's own text, src/fix/moved.ts):
 * `linesAt(col)` gives them with the dash at `col`, or undefined to render `value` instead.
 */
export class ItemText {
  constructor(
    readonly value: unknown,
    readonly linesAt: (col: number) => string[] | undefined,
  ) {}
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function scalarOf(v: unknown): string | number | boolean | null | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** One-line flow text for any value: `{a: 1, b: [x, y]}`. */
export function renderFlow(value: unknown): string | undefined {
  if (value instanceof ItemText) return renderFlow(value.value);
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const v of value) {
      const s = renderFlow(v);
      if (s === undefined) return undefined;
      parts.push(s);
    }
    return `[${parts.join(', ')}]`;
  }
  if (isPlainObject(value)) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const ks = renderScalar(k, { inFlow: true, implicitKey: true });
      const vs = renderFlow(v);
      if (ks === undefined || vs === undefined) return undefined;
      parts.push(`${ks}: ${vs}`);
    }
    return `{${parts.join(', ')}}`;
  }
  const s = scalarOf(value);
  if (s === undefined) return undefined;
  return renderScalar(s, { inFlow: true });
}

/** True when a value is written on its key's line (`key: value`), not as a block below it. */
export function isInline(value: unknown): boolean {
  if (value instanceof ItemText) return isInline(value.value);
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return true;
}

/** Text after `key: ` for an inline value. */
export function renderInline(value: unknown): string | undefined {
  if (value instanceof ItemText) return renderInline(value.value);
  if (Array.isArray(value)) return '[]';
  if (isPlainObject(value)) return '{}';
  const s = scalarOf(value);
  if (s === undefined) return undefined;
  return renderScalar(s);
}

/**
 * Lines (without line ends) of a block value placed under a key whose column is `col`
 * (0-based). Maps go `step` deeper, sequences `step` deeper or at `col` per the file style.
 */
export function renderBlockUnderKey(value: unknown, col: number, style: FileStyle): string[] | undefined {
  if (Array.isArray(value)) return renderSeqLines(value, style.seqIndent ? col + style.step : col, style);
  if (isPlainObject(value)) return renderMapLines(value, col + style.step, style);
  return undefined;
}

/** `key: value` lines of a map at column `col`. */
export function renderMapLines(obj: Record<string, unknown>, col: number, style: FileStyle): string[] | undefined {
  const out: string[] = [];
  const pad = ' '.repeat(col);
  for (const [k, v] of Object.entries(obj)) {
    const pair = renderPairLines(k, v, col, style);
    if (!pair) return undefined;
    out.push(...pair.map((l, i) => (i === 0 ? pad + l : l)));
  }
  return out;
}

/** A pair's lines; the first line has no indentation (the caller adds it), the rest are absolute. */
export function renderPairLines(key: string, value: unknown, col: number, style: FileStyle): string[] | undefined {
  const ks = renderKey(key);
  if (ks === undefined) return undefined;
  const block = multilineBlock(value, col + style.step);
  if (block) return [`${ks}: ${block[0]}`, ...block.slice(1)];
  if (isInline(value)) {
    const vs = renderInline(value);
    if (vs === undefined) return undefined;
    return [`${ks}: ${vs}`];
  }
  const below = renderBlockUnderKey(value, col, style);
  if (!below) return undefined;
  return [`${ks}:`, ...below];
}

/** `- item` lines of a sequence whose dashes are at column `col`. */
export function renderSeqLines(arr: unknown[], col: number, style: FileStyle): string[] | undefined {
  const out: string[] = [];
  for (const v of arr) {
    const item = renderItemLines(v, col, style);
    if (!item) return undefined;
    out.push(...item);
  }
  return out;
}

/** One `- value` item with its dash at column `col` (absolute lines). */
export function renderItemLines(v: unknown, col: number, style: FileStyle): string[] | undefined {
  if (v instanceof ItemText) return v.linesAt(col) ?? renderItemLines(v.value, col, style);
  const pad = ' '.repeat(col);
  const block = multilineBlock(v, col + 2);
  if (block) return [`${pad}- ${block[0]}`, ...block.slice(1)];
  if (isInline(v)) {
    const s = renderInline(v);
    return s === undefined ? undefined : [`${pad}- ${s}`];
  }
  // Render the item's content at col+2, then put the dash into the first line's indentation.
  const inner = Array.isArray(v) ? renderSeqLines(v, col + 2, style) : renderMapLines(v as Record<string, unknown>, col + 2, style);
  if (!inner || inner.length === 0) return undefined;
  return inner.map((l, i) => (i === 0 ? `${pad}- ${l.slice(col + 2)}` : l));
}

/** A multi-line string as a literal block scalar (header line, then body lines at `col`), so a script a fix inserts stays readable. */
function multilineBlock(v: unknown, col: number): string[] | undefined {
  if (typeof v !== 'string' || !v.includes('\n')) return undefined;
  const text = renderBlockScalar(v, false, ' '.repeat(col), '\n');
  return text?.split('\n');
}

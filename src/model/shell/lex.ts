// Shell tokenizer: a POSIX sh script -> words and operators, each with its offsets.
//
// Why our own: mvdan-sh (the reference parser, used by the tests as an oracle) costs ~200 ms
// to load, which the CLI cannot afford on every run. We only need simple commands and their
// literal words, so a small lexer is enough. It never throws and runs in linear time: every
// character is looked at a bounded number of times, and nesting is tracked with an explicit
// stack (no recursion), so hostile input cannot blow the call stack.

export interface ShWord {
  /** The word after quote removal. Expansions ($x, ${…}, $(…), `…`) stay as written. */
  text: string;
  /** [start, end) of the word in the script, quotes included. */
  start: number;
  end: number;
  /** Holds an expansion, so its value at run time may differ from `text`. */
  dynamic: boolean;
  /** Some part was quoted or escaped: such a word is never a reserved word. */
  quoted: boolean;
}

export type Token =
  | { kind: 'word'; word: ShWord }
  /** Operators: `&& || ; ;; ;& ;;& | |& & ( )`, a newline (`\n`) and redirections. */
  | { kind: 'op'; op: string; start: number };

/** Redirection operators: the word after one is a file or fd, never a command argument. */
export const REDIRECTS: ReadonlySet<string> = new Set(['<', '>', '>>', '<&', '>&', '<>', '>|', '<<', '<<-', '<<<', '&>', '&>>']);

/** Longer scripts are cut here: a manifest never holds one this big, and the bound keeps the CLI fast. */
export const MAX_SCRIPT = 1 << 20;

const OPERATORS = ['&>>', ';;&', '<<-', '<<<', '&&', '||', ';;', ';&', '|&', '&>', '>>', '<&', '>&', '<>', '>|', '<<', ';', '&', '|', '(', ')', '<', '>', '\n'];

function isMeta(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>';
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z_]/.test(c);
}

type Nest = 'paren' | 'brace' | 'dq' | 'sq' | 'bt';

/**
 * Skips an expansion whose opener ends just before `i` (`$(`, `${`, a backtick or `<(`),
 * honouring nested quotes and expansions. Returns the index after its closer, or the end
 * of the script when it is never closed.
 */
function skipExpansion(src: string, i: number, first: Nest): number {
  const stack: Nest[] = [first];
  while (i < src.length && stack.length > 0) {
    const top = stack[stack.length - 1];
    const c = src[i]!;
    if (top === 'sq') {
      if (c === "'") stack.pop();
      i++;
      continue;
    }
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (top === 'bt') {
      if (c === '`') stack.pop();
      i++;
      continue;
    }
    if (c === '$' && (src[i + 1] === '(' || src[i + 1] === '{')) {
      stack.push(src[i + 1] === '(' ? 'paren' : 'brace');
      i += 2;
      continue;
    }
    if (c === '`') stack.push('bt');
    else if (top === 'dq') {
      if (c === '"') stack.pop();
    } else if (c === "'") stack.push('sq');
    else if (c === '"') stack.push('dq');
    else if (top === 'paren' && c === '(') stack.push('paren');
    else if ((top === 'paren' && c === ')') || (top === 'brace' && c === '}')) stack.pop();
    i++;
  }
  return Math.min(i, src.length);
}

/** Reads `$…` at `i`; returns the index after it, or -1 when the `$` is a plain character. */
function skipDollar(src: string, i: number, inDq: boolean): number {
  const c = src[i + 1];
  if (c === '(') return skipExpansion(src, i + 2, 'paren');
  if (c === '{') return skipExpansion(src, i + 2, 'brace');
  if (!inDq && c === "'") {
    // $'…' (ANSI-C quoting): kept as written, not decoded.
    let j = i + 2;
    while (j < src.length && src[j] !== "'") j += src[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, src.length);
  }
  if (!inDq && c === '"') return skipExpansion(src, i + 2, 'dq');
  if (isNameStart(c)) {
    let j = i + 2;
    while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++;
    return j;
  }
  if (c !== undefined && /[0-9@*#?$!-]/.test(c)) return i + 2;
  return -1;
}

interface WordScan {
  word: ShWord;
  next: number;
}

/** Reads one word starting at `start` (not a metacharacter). */
function readWord(src: string, start: number): WordScan {
  let i = start;
  let text = '';
  let dynamic = false;
  let quoted = false;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (isMeta(c)) {
      // `<(…)` / `>(…)` inside a word would be bash process substitution; the caller
      // handles it at the start of a word, here it ends the word like any redirection.
      break;
    }
    if (c === '\\') {
      quoted = true;
      if (src[i + 1] === '\n') i += 2; // line continuation: joins the two lines
      else {
        text += src[i + 1] ?? '';
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      quoted = true;
      const close = src.indexOf("'", i + 1);
      const end = close < 0 ? n : close;
      text += src.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      quoted = true;
      i++;
      while (i < n && src[i] !== '"') {
        const d = src[i]!;
        if (d === '\\') {
          const e = src[i + 1];
          if (e === '\n') i += 2;
          else if (e === '$' || e === '`' || e === '"' || e === '\\') {
            text += e;
            i += 2;
          } else {
            text += '\\';
            i++;
          }
          continue;
        }
        const after = d === '$' ? skipDollar(src, i, true) : d === '`' ? skipExpansion(src, i + 1, 'bt') : -1;
        if (after >= 0) {
          text += src.slice(i, after);
          dynamic = true;
          i = after;
          continue;
        }
        text += d;
        i++;
      }
      i++; // the closing quote (past the end when unterminated)
      continue;
    }
    const after = c === '$' ? skipDollar(src, i, false) : c === '`' ? skipExpansion(src, i + 1, 'bt') : -1;
    if (after >= 0) {
      if (c === '$' && (src[i + 1] === "'" || src[i + 1] === '"')) quoted = true;
      text += src.slice(i, after);
      dynamic = true;
      i = after;
      continue;
    }
    text += c;
    i++;
  }
  const end = Math.min(i, n);
  return { word: { text, start, end, dynamic, quoted }, next: end };
}

/** Splits a script into tokens. Heredoc bodies are skipped; comments are dropped. */
export function tokenize(script: string): Token[] {
  const src = script.length > MAX_SCRIPT ? script.slice(0, MAX_SCRIPT) : script;
  const tokens: Token[] = [];
  const n = src.length;
  /** Heredocs whose bodies start after the next newline. */
  const heredocs: { delim: string; stripTabs: boolean }[] = [];
  let delimFor: string | undefined; // the heredoc operator waiting for its delimiter word
  let i = 0;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if ((c === '<' || c === '>') && src[i + 1] === '(') {
      // Process substitution (bash): an opaque word.
      const end = skipExpansion(src, i + 2, 'paren');
      tokens.push({ kind: 'word', word: { text: src.slice(i, end), start: i, end, dynamic: true, quoted: false } });
      i = end;
      continue;
    }
    const op = isMeta(c) ? OPERATORS.find((o) => src.startsWith(o, i)) : undefined;
    if (op !== undefined) {
      tokens.push({ kind: 'op', op, start: i });
      i += op.length;
      if (op === '<<' || op === '<<-') delimFor = op;
      if (op === '\n') i = skipHeredocBodies(src, i, heredocs);
      continue;
    }
    const { word, next } = readWord(src, i);
    i = next;
    // An fd number glued to a redirection (`2>&1`) belongs to the redirection.
    if (/^\d+$/.test(word.text) && !word.quoted && (src[i] === '<' || src[i] === '>')) continue;
    if (delimFor !== undefined) {
      heredocs.push({ delim: word.text, stripTabs: delimFor === '<<-' });
      delimFor = undefined;
    }
    tokens.push({ kind: 'word', word });
  }
  return tokens;
}

/** Skips the bodies of pending heredocs, which start at `i` (just after a newline). */
function skipHeredocBodies(src: string, i: number, pending: { delim: string; stripTabs: boolean }[]): number {
  for (const doc of pending) {
    while (i < src.length) {
      const nl = src.indexOf('\n', i);
      const lineEnd = nl < 0 ? src.length : nl;
      let line = src.slice(i, lineEnd);
      if (doc.stripTabs) line = line.replace(/^\t+/, '');
      i = lineEnd + 1;
      if (line === doc.delim) break;
    }
  }
  pending.length = 0;
  return Math.min(i, src.length);
}

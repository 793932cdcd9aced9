// Shell parser: tokens -> the simple commands a script runs, with the context each runs in.
//
// We do not build a syntax tree: rules only ask "which commands run, with which words, and
// are they in the background, in a loop, or in a condition". So the parser walks the tokens
// once and keeps a stack of open compound commands (if/while/until/for/case/{ }/( )). On
// broken input it keeps going and returns what it found; it never throws.
import { REDIRECTS, tokenize, type ShWord, type Token } from './lex.js';

export type { ShWord } from './lex.js';

export interface SimpleCommand {
  /** The command's words, without its leading assignments and its redirections. */
  words: ShWord[];
  /** `NAME=value` words before the command name. */
  assigns: ShWord[];
  /** Runs asynchronously (`&` after it, or after the compound command that holds it). */
  background: boolean;
  /** Inside a `while`/`until`/`for` loop; a `while`/`until` condition counts, since it repeats too. */
  inLoop: boolean;
  /** Inside an `if`/`elif`/`while`/`until` condition, or negated with `!`. */
  inCondition: boolean;
  /** Set when this command is directly the condition of a `while` or `until` loop. */
  loopCond: 'while' | 'until' | undefined;
  /** Index, in the returned list, of the command whose output is piped into this one. */
  pipedFrom: number | undefined;
}

type Kind = 'top' | 'if' | 'loop' | 'for' | 'case' | 'brace' | 'sub';
type Part = 'list' | 'cond' | 'body' | 'head' | 'pattern' | 'arm';

interface Frame {
  kind: Kind;
  part: Part;
  /** Index of the first command of the current and-or list at this level (what `&` sends to the background). */
  listStart: number;
  /** The compound command is part of a pipeline negated with `!`. */
  negated: boolean;
  loopWord?: 'while' | 'until';
  /** `for` head: a `;` or newline was seen, so `do` may follow. */
  headSep?: boolean;
  headWords?: number;
}

const isLoopPart = (f: Frame): boolean => (f.kind === 'loop' && (f.part === 'cond' || f.part === 'body')) || (f.kind === 'for' && f.part === 'body');
const isCondPart = (f: Frame): boolean => (f.kind === 'if' || f.kind === 'loop') && f.part === 'cond';

export function parseScript(script: string): readonly SimpleCommand[] {
  // The same scripts come back in many manifests (a sidecar copied into every app, every
  // overlay's copy of a base): parse each text once. The result is frozen, as it is shared.
  const hit = parsed.get(script);
  if (hit) return hit;
  const out = new Parser(script, tokenize(script)).run();
  for (const c of out) {
    for (const w of c.words) Object.freeze(w);
    for (const w of c.assigns) Object.freeze(w);
    Object.freeze(c.words);
    Object.freeze(c.assigns);
    Object.freeze(c);
  }
  Object.freeze(out);
  if (parsed.size >= 5000) parsed.clear();
  parsed.set(script, out);
  return out;
}
const parsed = new Map<string, readonly SimpleCommand[]>();

class Parser {
  private out: SimpleCommand[] = [];
  private frames: Frame[] = [{ kind: 'top', part: 'list', listStart: 0, negated: false }];
  // Counters over `frames`, kept up to date so each command costs O(1) even when nesting is deep.
  private loops = 0;
  private conds = 0;
  private negatedFrames = 0;
  /** Open frames of each kind, so a stray closing keyword costs O(1) instead of a stack scan. */
  private open: Record<Kind, number> = { top: 1, if: 0, loop: 0, for: 0, case: 0, brace: 0, sub: 0 };
  private words: ShWord[] = [];
  private assigns: ShWord[] = [];
  /** The current pipeline is negated with `!`. */
  private negate = false;
  /** The next word is a redirection target. */
  private redirTarget = false;
  /** The next word is a function name (`function NAME`). */
  private funcName = false;
  private pipeFrom: number | undefined;
  private i = 0;

  constructor(
    private src: string,
    private tokens: Token[],
  ) {}

  run(): SimpleCommand[] {
    for (this.i = 0; this.i < this.tokens.length; this.i++) {
      const t = this.tokens[this.i]!;
      if (t.kind === 'word') this.word(t.word);
      else this.op(t.op);
    }
    this.flush();
    return this.out;
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  private push(kind: Kind, part: Part, extra: Partial<Frame> = {}): void {
    const f: Frame = { kind, part, listStart: this.out.length, negated: this.negate, ...extra };
    this.negate = false;
    this.frames.push(f);
    this.open[kind]++;
    this.count(f, 1);
  }

  /** Closes the innermost frame of `kind` (and anything left open inside it). */
  private pop(kind: Kind): void {
    if (kind === 'top' || this.open[kind] === 0) return; // nothing to close: a stray keyword
    // Every frame scanned here is popped, so closing costs O(1) amortised.
    let k = this.frames.length - 1;
    while (this.frames[k]!.kind !== kind) k--;
    while (this.frames.length > k) {
      const f = this.frames.pop()!;
      this.open[f.kind]--;
      this.count(f, -1);
      this.negate = f.negated; // the pipeline around the compound command goes on
    }
  }

  private setPart(f: Frame, part: Part): void {
    this.count(f, -1);
    f.part = part;
    this.count(f, 1);
  }

  private count(f: Frame, d: 1 | -1): void {
    if (isLoopPart(f)) this.loops += d;
    if (isCondPart(f)) this.conds += d;
    if (f.negated) this.negatedFrames += d;
  }

  /** Ends the current simple command. */
  private flush(): void {
    const words = this.words;
    const assigns = this.assigns;
    this.words = [];
    this.assigns = [];
    this.redirTarget = false;
    if (words.length === 0) return; // a bare assignment or nothing: no command runs
    const top = this.top;
    this.out.push({
      words,
      assigns,
      background: false,
      inLoop: this.loops > 0,
      inCondition: this.negate || this.conds > 0 || this.negatedFrames > 0,
      loopCond: top.kind === 'loop' && top.part === 'cond' ? top.loopWord : undefined,
      pipedFrom: this.pipeFrom,
    });
    this.pipeFrom = undefined;
  }

  /** A `;`, newline or `&` ends an and-or list. */
  private endList(background: boolean): void {
    this.flush();
    const top = this.top;
    if (background) for (let k = top.listStart; k < this.out.length; k++) this.out[k]!.background = true;
    top.listStart = this.out.length;
    this.negate = false;
    this.pipeFrom = undefined;
  }

  private word(w: ShWord): void {
    if (this.redirTarget) {
      this.redirTarget = false;
      return;
    }
    if (this.funcName) {
      // `function NAME [()]`: the name is not a command; skip an empty `()` after it.
      this.funcName = false;
      this.skipEmptyParens();
      return;
    }
    const f = this.top;
    if (f.kind === 'for' && f.part === 'head') {
      if (isKeyword(w, 'do') && (f.headSep || (f.headWords ?? 0) === 1)) this.setPart(f, 'body');
      else f.headWords = (f.headWords ?? 0) + 1;
      return;
    }
    if (f.kind === 'case' && f.part !== 'arm') {
      if (f.part === 'head' && isKeyword(w, 'in')) this.setPart(f, 'pattern');
      else if (f.part === 'pattern' && isKeyword(w, 'esac')) this.pop('case');
      return; // the case subject and the patterns are not commands
    }
    if (this.words.length === 0 && this.assigns.length === 0 && !w.quoted && !w.dynamic && this.keyword(w.text)) return;
    // `NAME=value` before the command name, with the name written literally (`"A"=b` is a command).
    if (this.words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(this.src.slice(w.start, w.end))) this.assigns.push(w);
    else this.words.push(w);
  }

  /** Handles a reserved word in command position; false when `text` is not one. */
  private keyword(text: string): boolean {
    const f = this.top;
    switch (text) {
      case 'if':
        this.push('if', 'cond');
        return true;
      case 'then':
      case 'else':
        if (f.kind === 'if') this.setPart(f, 'body');
        return true;
      case 'elif':
        if (f.kind === 'if') this.setPart(f, 'cond');
        return true;
      case 'fi':
        this.pop('if');
        return true;
      case 'while':
      case 'until':
        this.push('loop', 'cond', { loopWord: text });
        return true;
      case 'for':
      case 'select':
        this.push('for', 'head', { headSep: false, headWords: 0 });
        return true;
      case 'do':
        if (f.kind === 'loop') this.setPart(f, 'body');
        return true;
      case 'done':
        if (f.kind === 'loop' || f.kind === 'for') this.pop(f.kind);
        else this.pop(this.open.loop > 0 ? 'loop' : 'for');
        return true;
      case 'case':
        this.push('case', 'head');
        return true;
      case 'esac':
        this.pop('case');
        return true;
      case '{':
        this.push('brace', 'list');
        return true;
      case '}':
        if (this.open.brace === 0) return false; // a literal `}`
        this.pop('brace');
        return true;
      case '!':
        this.negate = true;
        return true;
      case 'function':
        this.funcName = true;
        return true;
      default:
        return false;
    }
  }

  private op(op: string): void {
    const f = this.top;
    if (REDIRECTS.has(op)) {
      this.redirTarget = true;
      return;
    }
    if (f.kind === 'for' && f.part === 'head') {
      if (op === ';' || op === '\n') f.headSep = true;
      return;
    }
    if (f.kind === 'case' && f.part !== 'arm') {
      if (f.part === 'pattern' && op === ')') this.setPart(f, 'arm');
      return; // `(`, `|` and newlines inside patterns
    }
    switch (op) {
      case '\n':
      case ';':
        this.endList(false);
        return;
      case '&':
        this.endList(true);
        return;
      case '&&':
      case '||':
        this.flush();
        this.negate = false;
        this.pipeFrom = undefined;
        return;
      case '|':
      case '|&': {
        const before = this.out.length;
        this.flush();
        this.pipeFrom = this.out.length > before ? this.out.length - 1 : undefined;
        return;
      }
      case ';;':
      case ';&':
      case ';;&':
        this.flush();
        if (f.kind === 'case') this.setPart(f, 'pattern');
        return;
      case '(':
        if (this.words.length === 1 && this.assigns.length === 0 && this.peekOp(1) === ')') {
          this.words = []; // `name()`: a function definition; its body is parsed as usual
          this.i++;
        } else if (this.words.length === 0) this.push('sub', 'list');
        return; // `(` after words is a syntax error: ignored
      case ')':
        this.flush();
        this.pop('sub');
        return;
    }
  }

  private peekOp(ahead: number): string | undefined {
    const t = this.tokens[this.i + ahead];
    return t?.kind === 'op' ? t.op : undefined;
  }

  private skipEmptyParens(): void {
    if (this.peekOp(1) === '(' && this.peekOp(2) === ')') this.i += 2;
  }
}

function isKeyword(w: ShWord, kw: string): boolean {
  return !w.quoted && !w.dynamic && w.text === kw;
}

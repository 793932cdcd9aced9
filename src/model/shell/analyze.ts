// Reading what a container runs: argv (and `sh -c` scripts inside it) -> Cmds, mount ops,
// listeners, exports, mkdirs, unmounts, guards; and whether the container stays up.
import { get, isSeq, type YSeq } from '../../load/ynode.js';
import type { Cmd, RunAnalysis, Word } from '../types.js';
import type { RunInput } from './index.js';
import { parseScript } from './parse.js';
import type { ShWord } from './lex.js';
import { recognise } from './tools.js';
import { basename, unwrap } from './unwrap.js';
import { scalarSource, seqWords, spanWord, wordSource, type TextSource } from './words.js';
import { settled } from '../exact.js';

type Source = Cmd['source'];
interface Context {
  background: boolean;
  inLoop: boolean;
  inCondition: boolean;
}
const TOP: Context = { background: false, inLoop: false, inCondition: false };

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
/** Nested `sh -c` depth we follow; deeper scripts are opaque. */
const MAX_DEPTH = 4;
/** Images whose ENTRYPOINT is known, so `args` alone say what runs. */
const ENTRYPOINTS: Record<string, string> = { rclone: 'rclone' };
/** Base images with no ENTRYPOINT: their `args` are the command. */
const NO_ENTRYPOINT = new Set(['alpine', 'busybox', 'debian', 'ubuntu', 'bash', 'centos', 'fedora', 'rockylinux', 'almalinux', 'amazonlinux', 'archlinux']);

/** `docker.io/rclone/rclone:1.66@sha256:…` -> `rclone`. */
export function imageBase(image: string): string {
  const noDigest = image.split('@')[0]!;
  const last = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  return last.split(':')[0]!;
}

/** The script a command's words were read from, and its lexer words, in order. */
interface ScriptOrigin {
  src: TextSource;
  sh: ShWord[];
  words: Word[];
}

export class Runner {
  private out: RunAnalysis = { cmds: [], mountOps: [], listeners: [], exports: [], mkdirs: [], unmounts: [], guards: [], opaque: false, longRunning: false };
  private seq: Record<Source, number> = { main: 0, postStart: 0, preStop: 0 };
  /** Where each word's text came from, to place a nested `sh -c` script's words. */
  private argvWords = new Set<Word>();
  /** Script words that hold an expansion. */
  private dynamicWords = new WeakSet<Word>();
  /** Something in the main process (or a hook) we cannot read. */
  private unknownMain = false;
  private unknownHook = false;
  /** Main-process Cmds that keep running, and whether the script waits for background jobs. */
  private persistent = new Set<Cmd>();
  private infiniteLoop = false;
  private waits = false;

  constructor(private input: RunInput) {}

  run(): RunAnalysis {
    const { input, out } = this;
    this.runMain();
    for (const hook of ['postStart', 'preStop'] as const) {
      const seq = get(input.lifecycleNode, hook, 'exec', 'command');
      if (isSeq(seq)) this.runArgv(this.argv(seq), hook);
    }
    if (this.unknownMain) this.addImageMounters();
    for (const p of input.ports) {
      out.listeners.push({ kind: 'containerPort', proto: undefined, host: '', port: p.port, implicit: false, flag: undefined, cmd: undefined, at: p.node });
    }
    const main = [...this.persistent];
    // The lists are complete: drop their spare capacity (src/model/exact.ts).
    out.cmds = settled(out.cmds);
    out.mountOps = settled(out.mountOps);
    out.listeners = settled(out.listeners);
    out.exports = settled(out.exports);
    out.mkdirs = settled(out.mkdirs);
    out.unmounts = settled(out.unmounts);
    out.guards = settled(out.guards);
    out.opaque = this.unknownMain || this.unknownHook;
    out.longRunning =
      this.unknownMain || this.infiniteLoop || main.some((c) => !c.background) || (this.waits && main.some((c) => c.background));
    return out;
  }

  private runMain(): void {
    const { input } = this;
    const command = this.argv(input.commandNode);
    const args = this.argv(input.argsNode);
    // An empty list is the same as none: Kubernetes then keeps the image's ENTRYPOINT / CMD.
    if (command.length === 0 && args.length === 0) {
      this.unknownMain = true; // the image's own entrypoint runs: we cannot see it
      return;
    }
    if (command.length > 0) return this.runArgv([...command, ...args], 'main');
    // Only `args`: they are appended to the image's ENTRYPOINT.
    const base = input.image === undefined ? undefined : imageBase(input.image);
    // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
    const entry = base === undefined || !Object.hasOwn(ENTRYPOINTS, base) ? undefined : ENTRYPOINTS[base];
    if (entry) {
      const word: Word = { text: entry, loc: input.imageNode?.loc, node: input.imageNode };
      return this.runArgv([word, ...args], 'main');
    }
    // Unknown entrypoint: read the args as a command (right for images without one) but stay opaque.
    if (base === undefined || !NO_ENTRYPOINT.has(base)) this.unknownMain = true;
    this.runArgv(args, 'main');
  }

  private argv(seq: YSeq | undefined): Word[] {
    const words = seqWords(seq);
    for (const w of words) if (w.node) this.argvWords.add(w);
    return words;
  }

  private runArgv(words: Word[], source: Source): void {
    if (words.length > 0) this.runCommand(words, TOP, source, 0, undefined);
  }

  /**
   * Where a word's text came from, to place a nested `sh -c` script's words: an argv item's
   * scalar, or the script `origin` the word was read from. Made only for the word that is
   * run as a script (a TextSource per word was most of the shell reader's garbage).
   */
  private sourceOf(word: Word, origin: ScriptOrigin | undefined): TextSource | undefined {
    if (this.argvWords.has(word)) return scalarSource(word.node!, this.input.fileText);
    const i = origin ? origin.words.indexOf(word) : -1;
    return i < 0 ? undefined : wordSource(origin!.src, origin!.src.text, origin!.sh[i]!, word);
  }

  /** One simple command: unwrap, follow `sh -c`, or make a Cmd and recognise its program. */
  private runCommand(words: Word[], ctx: Context, source: Source, depth: number, upstream: Word[] | undefined, origin?: ScriptOrigin): void {
    const u = unwrap(words);
    if ('program' in u) {
      const progWord = words[u.program]!;
      const prog = basename(progWord.text);
      const rest = words.slice(u.program + 1);
      if (SHELLS.has(prog)) {
        const script = shellScript(rest);
        const src = script && this.sourceOf(script, origin);
        if (src && depth < MAX_DEPTH) return this.runScript(src, ctx, source, depth + 1);
      }
      const cmd = this.cmd(words, ctx, source);
      if (prog === 'wait' && source === 'main') this.waits = true;
      // A program named by an expansion (`$CMD`, `"$@"`) could be anything.
      const verdict = this.dynamicWords.has(progWord) ? 'unknown' : recognise({ prog, progWord, args: rest, cmd, upstream, out: this.out });
      if (verdict === 'unknown') this.markUnknown(source);
      if (source === 'main' && (verdict === 'persistent' || verdict === 'unknown')) this.persistent.add(cmd);
      return;
    }
    this.cmd(words, ctx, source);
    if ('shell' in u) this.markUnknown(source); // an interactive shell: whatever it is fed
  }

  private runScript(src: TextSource, ctx: Context, source: Source, depth: number): void {
    const commands = parseScript(src.text);
    const wordsOf: Word[][] = [];
    for (const sc of commands) {
      const words = sc.words.map((w) => {
        const word = spanWord(src, w.start, w.end, w.text);
        if (w.dynamic) this.dynamicWords.add(word);
        return word;
      });
      wordsOf.push(words);
      const inner: Context = {
        background: ctx.background || sc.background,
        inLoop: ctx.inLoop || sc.inLoop,
        inCondition: ctx.inCondition || sc.inCondition,
      };
      if (source === 'main' && !inner.background && sc.loopCond && isConstant(words, sc.loopCond === 'while')) this.infiniteLoop = true;
      this.runCommand(words, inner, source, depth, sc.pipedFrom === undefined ? undefined : wordsOf[sc.pipedFrom], { src, sh: sc.words, words });
    }
  }

  private cmd(words: Word[], ctx: Context, source: Source): Cmd {
    const cmd: Cmd = { words, ...ctx, source, seq: this.seq[source]++ };
    this.out.cmds.push(cmd);
    return cmd;
  }

  private markUnknown(source: Source): void {
    if (source === 'main') this.unknownMain = true;
    else this.unknownHook = true;
  }

  /** Configured images that mount by themselves (decypharr): a mount op at their mountPath. */
  private addImageMounters(): void {
    const { image, imageNode } = this.input;
    if (image === undefined) return;
    for (const m of this.input.mounters) {
      if (m.image === '' || !image.includes(m.image)) continue;
      const at: Word = { text: image, loc: imageNode?.loc, node: imageNode };
      // Not listed in `cmds`: no command line of the manifest says this.
      const cmd: Cmd = { words: [at], background: false, inLoop: false, inCondition: false, source: 'main', seq: -1 };
      this.out.mountOps.push({
        tool: m.image, subcommand: undefined, fs: m.fs ?? 'fuse', source: undefined, target: m.mountPath, targetWord: undefined,
        flags: [], options: [], allowOther: false, allowNonEmpty: false, daemon: false, cmd, at, fromImage: true,
      });
    }
  }
}

/** `true`/`:` as a `while` condition, `false` as an `until` one: a loop that never ends by itself. */
function isConstant(words: Word[], whileLoop: boolean): boolean {
  if (words.length !== 1) return false;
  const prog = basename(words[0]!.text);
  return whileLoop ? prog === 'true' || prog === ':' : prog === 'false';
}

/**
 * The script of `sh [options] -c SCRIPT [NAME ARGS…]`; undefined when the shell runs a file
 * or reads its input (then we cannot see what it runs).
 */
export function shellScript(args: Word[]): Word | undefined {
  let c = false;
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (t === '--' || t === '-') return c ? args[k + 1] : undefined;
    if (/^[-+][A-Za-z]+$/.test(t)) {
      if (t.includes('c')) c = true;
      if (/[oO]/.test(t)) k++; // `-o pipefail`, `-euo pipefail`, `-O extglob`: the name follows
      continue;
    }
    if (t.startsWith('--')) {
      if (t === '--rcfile' || t === '--init-file') k++;
      continue;
    }
    return c ? args[k] : undefined;
  }
  return undefined;
}

// Fixes that rewrite a container's command line: replace a word or a flag's value, add words
// or shell text after a word, replace a whole command. A word is either a whole item of a
// command/args array or of a hook's exec command (rewritten as array items), or a word
// inside an `sh -c` script with an exact span (rewritten as text: shell-quoted where a new
// word needs it, then escaped for the YAML scalar that holds the script). A word whose
// place is not known exactly, or that a fix may not touch (an app-template command line from
// defaultContainerOptions), gets no edit. The one module for these edits.
import type { Edit } from '../../src/engine/finding.js';
import type { Loc, YNode, YSeq } from '../../src/load/ynode.js';
import { get, isSeq } from '../../src/load/ynode.js';
import { takesEdits } from '../../src/apptemplate/edits.js';
import type { Cmd, Container, Flag, MountOp, Word } from '../../src/model/types.js';
import { isExact } from '../../src/model/shell/index.js';

/** The array (command, args, or a hook's exec command) that holds `node` as one item, and its index. */
function arrayItem(c: Container, node: YNode): { seq: YSeq; index: number } | undefined {
  const seqs = [c.commandNode, c.argsNode,
    get(c.lifecycleNode, 'postStart', 'exec', 'command'), get(c.lifecycleNode, 'preStop', 'exec', 'command')];
  for (const s of seqs) {
    if (!isSeq(s)) continue;
    const index = s.items.indexOf(node);
    if (index >= 0) return { seq: s, index };
  }
  return undefined;
}

/** Is the word a whole array item (`args: [mount, "zurg:", /mnt/x]`) rather than part of a script? */
function wholeItem(c: Container, w: Word): { seq: YSeq; index: number } | undefined {
  if (!w.node || w.node.value === null || String(w.node.value) !== w.text) return undefined;
  return arrayItem(c, w.node);
}

/**
 * Text to write inside the scalar that holds word `w`: shell quotes are swapped or escaped
 * for a quoted YAML scalar; undefined when a plain scalar cannot hold it.
 */
function inScalar(w: Word, text: string): string | undefined {
  switch (w.node?.style) {
    case 'double':
      if (text.includes('"') && !text.includes("'")) return text.replace(/"/g, "'");
      return text.replace(/[\\"]/g, (c) => `\\${c}`);
    case 'single':
      return text.replace(/'/g, "''");
    case 'plain':
      return /: | #|[\n]/.test(text) ? undefined : text;
    default:
      return text;
  }
}

function point(loc: Loc, at: 'start' | 'end'): Loc {
  return at === 'end'
    ? { ...loc, start: loc.end, line: loc.endLine, col: loc.endCol }
    : { ...loc, end: loc.start, endLine: loc.line, endCol: loc.col };
}

/** Shell-quote a word when it needs it. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Insert `arg` right after word `w`: one array item, or in a script the shell text as given
 * (a single word such as `--allow-other`, or several: `/a /b`).
 */
export function insertArgAfter(c: Container, w: Word | undefined, arg: string): Edit[] | undefined {
  if (!w || !takesEdits(w.node)) return undefined;
  const item = wholeItem(c, w);
  if (item) return [{ op: 'insertItem', seq: item.seq, value: arg, index: item.index + 1 }];
  const text = inScalar(w, ` ${arg}`);
  if (w.loc && isExact(w) && text !== undefined) return [{ op: 'replaceText', loc: point(w.loc, 'end'), text }];
  return undefined;
}

/** Add `words` right after `w`: one array item each, or shell-quoted words in a script. */
export function insertAfter(c: Container, w: Word, words: string[]): Edit[] | undefined {
  if (!takesEdits(w.node)) return undefined;
  const item = wholeItem(c, w);
  // Each at the index after the word: the fixer places edits at one index in their order.
  if (item) return words.map((value) => ({ op: 'insertItem' as const, seq: item.seq, value, index: item.index + 1 }));
  return insertArgAfter(c, w, words.map(shellWord).join(' '));
}

/** Replace a word: the array item, or its exact characters in a script (shell-quoted as needed). */
export function replaceWord(c: Container, w: Word, text: string): Edit[] | undefined {
  if (!takesEdits(w.node)) return undefined;
  if (wholeItem(c, w) && w.node) return [{ op: 'setScalar', node: w.node, value: text }];
  const t = inScalar(w, shellWord(text));
  if (w.loc && isExact(w) && t !== undefined) return [{ op: 'replaceText', loc: w.loc, text: t }];
  return undefined;
}

/** Rewrite a flag's value (`--rc-addr=:5572`, `--rc-addr :5572`). */
export function setFlagValue(c: Container, flag: Flag, value: string): Edit[] | undefined {
  if (flag.valueWord) return replaceWord(c, flag.valueWord, value);
  const t = flag.word.text;
  const eq = t.indexOf('=');
  if (eq < 0) return undefined;
  return replaceWord(c, flag.word, t.slice(0, eq + 1) + value);
}

/**
 * Add a FUSE option: `--allow-other`-style rclone flag, or `allow_other` appended to an
 * existing `-o a,b` value, or (in a script) a new `-o allow_other` after the target.
 */
export function addFuseOption(c: Container, op: MountOp, rcloneFlag: string, option: string): Edit[] | undefined {
  if (op.cmd.words.some((w) => !takesEdits(w.node))) return undefined;
  if (op.tool === 'rclone') return insertArgAfter(c, op.targetWord, rcloneFlag);
  const o = op.flags.find((f) => f.name === '-o' && f.valueWord);
  if (o?.valueWord) {
    const item = wholeItem(c, o.valueWord);
    if (item && o.valueWord.node) return [{ op: 'setScalar', node: o.valueWord.node, value: `${o.valueWord.text},${option}` }];
    if (o.valueWord.loc && isExact(o.valueWord) && !o.valueWord.text.includes('$')) return [{ op: 'replaceText', loc: point(o.valueWord.loc, 'end'), text: `,${option}` }];
    return undefined;
  }
  const t = op.targetWord;
  if (t?.loc && isExact(t) && !wholeItem(c, t)) return [{ op: 'replaceText', loc: point(t.loc, 'end'), text: ` -o ${option}` }];
  return undefined;
}

/** Replace a whole simple command inside a script (all its words must have exact spans). */
export function replaceCommand(cmd: Cmd, text: string): Edit[] | undefined {
  if (cmd.words.some((w) => !takesEdits(w.node))) return undefined;
  const first = cmd.words[0]?.loc;
  const last = cmd.words[cmd.words.length - 1]?.loc;
  if (!first || !last || cmd.words.some((w) => !isExact(w)) || first.file !== last.file) return undefined;
  // A command that is a whole array (`command: [mountpoint, -q, /x]`) is not a script: leave it.
  if (cmd.words[0]!.node && cmd.words[0]!.node === cmd.words[cmd.words.length - 1]!.node) {
    const loc: Loc = { ...first, end: last.end, endLine: last.endLine, endCol: last.endCol };
    const t = inScalar(cmd.words[0]!, text);
    return t === undefined ? undefined : [{ op: 'replaceText', loc, text: t }];
  }
  return undefined;
}

// Edits on command-line words: a whole `args` item (setScalar / insertItem), or the exact
// characters of a word inside an `sh -c` script (replaceText). A word whose place in the
// file is not known exactly gets no edit.
import type { Edit } from '../../src/engine/finding.js';
import type { Loc, YScalar, YSeq } from '../../src/load/ynode.js';
import { str } from '../../src/load/ynode.js';
import type { Container, Flag, Word } from '../../src/model/types.js';
import { takesEdits } from '../../src/apptemplate/edits.js';

function sameSpan(a: Loc | undefined, b: Loc | undefined): boolean {
  return !!a && !!b && a.file === b.file && a.start === b.start && a.end === b.end;
}

/** The word is a whole sequence item (`- --rc`). */
export function wholeItem(w: Word): YScalar | undefined {
  return w.node && sameSpan(w.loc, w.node.loc) && str(w.node) === w.text ? w.node : undefined;
}

/** The exact span of a word inside a larger scalar (a script), when known. */
export function exactLoc(w: Word): Loc | undefined {
  if (!w.loc || sameSpan(w.loc, w.node?.loc)) return undefined;
  return w.loc.end - w.loc.start === w.text.length ? w.loc : undefined;
}

/** Replace a word's text. */
export function replaceWord(w: Word, text: string): Edit | undefined {
  if (!takesEdits(w.node)) return undefined; // app-template: a command line from defaultContainerOptions
  const item = wholeItem(w);
  if (item) return { op: 'setScalar', node: item, value: text };
  const loc = exactLoc(w);
  return loc ? { op: 'replaceText', loc, text } : undefined;
}

/** Rewrite a flag's value (`--rc-addr=:5572`, `--rc-addr :5572`). */
export function setFlagValue(flag: Flag, value: string): Edit | undefined {
  if (flag.valueWord) return replaceWord(flag.valueWord, value);
  const t = flag.word.text;
  const eq = t.indexOf('=');
  if (eq < 0) return undefined;
  return replaceWord(flag.word, t.slice(0, eq + 1) + value);
}

/** The command/args sequence of the container that holds this item. */
function seqHolding(c: Container, node: YScalar): { seq: YSeq; index: number } | undefined {
  for (const seq of [c.argsNode, c.commandNode]) {
    const i = seq ? seq.items.indexOf(node) : -1;
    if (seq && i >= 0) return { seq, index: i };
  }
  return undefined;
}

/** Add a word right after `anchor`: a new item after its item, or text after it in a script. */
export function insertWordAfter(c: Container, anchor: Word, text: string): Edit | undefined {
  if (!takesEdits(anchor.node)) return undefined;
  const item = wholeItem(anchor);
  if (item) {
    const at = seqHolding(c, item);
    return at ? { op: 'insertItem', seq: at.seq, value: text, index: at.index + 1 } : undefined;
  }
  const loc = exactLoc(anchor);
  return loc ? { op: 'replaceText', loc, text: `${anchor.text} ${text}` } : undefined;
}

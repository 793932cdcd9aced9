// Edits on the words of a command line: replace one word, or add words after one. A word
// read from a plain or block scalar has its exact span (`loc`); a word that is a whole
// `command`/`args` item can be rewritten as that item. Anything else gets no edit.
import type { Edit } from '../engine/finding.js';
import type { Loc, YSeq } from '../load/ynode.js';
import type { Container, Word } from '../model/types.js';
import { isExact } from '../model/shell/index.js';
import { takesEdits } from '../apptemplate/edits.js';

/** Shell-quote a word when it needs it. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function itemOf(c: Container, w: Word): { seq: YSeq; index: number } | undefined {
  if (!w.node) return undefined;
  for (const seq of [c.commandNode, c.argsNode]) {
    if (!seq) continue;
    const index = seq.items.indexOf(w.node);
    if (index >= 0 && String(w.node.value) === w.text) return { seq, index };
  }
  return undefined;
}

export function replaceWord(c: Container, w: Word, text: string): Edit[] | undefined {
  if (!takesEdits(w.node)) return undefined;
  const item = itemOf(c, w);
  if (item && w.node) return [{ op: 'setScalar', node: w.node, value: text }];
  if (w.loc && isExact(w)) return [{ op: 'replaceText', loc: w.loc, text: shellWord(text) }];
  return undefined;
}

function endOf(loc: Loc): Loc {
  return { file: loc.file, start: loc.end, end: loc.end, line: loc.endLine, col: loc.endCol, endLine: loc.endLine, endCol: loc.endCol };
}

/** Add `words` right after `w` (as new `args` items, or inside the script). */
export function insertAfter(c: Container, w: Word, words: string[]): Edit[] | undefined {
  if (!takesEdits(w.node)) return undefined;
  const item = itemOf(c, w);
  if (item) return words.map((value) => ({ op: 'insertItem' as const, seq: item.seq, value, index: item.index + 1 }));
  if (w.loc && isExact(w)) return [{ op: 'replaceText', loc: endOf(w.loc), text: words.map((x) => ' ' + shellWord(x)).join('') }];
  return undefined;
}

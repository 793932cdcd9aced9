// Command-line flags: `--flag value`, `--flag=value`, `-o value`, `-ovalue`, `-abc`, `--`.
//
// A program's own parser decides whether a flag takes a value; we cannot ask it, so each
// caller says which flags do (ArgSpec). A long flag we do not know is taken as boolean unless
// written `--flag=value`: guessing "takes a value" would swallow the mount target.
import type { Flag, Word } from '../types.js';
import { settled } from '../exact.js';

export interface ArgSpec {
  /** Long flags (name without the leading dashes) that take the next word as their value. */
  long?: (name: string) => boolean;
  /** Single-letter flags that take a value, glued (`-tnfs`) or in the next word (`-t nfs`). */
  short?: string;
}

export interface ParsedArgs {
  /** Every flag; a cluster of short flags (`-uz`) gives one Flag per letter, all on the same word. */
  flags: Flag[];
  /** The words that are not flags or flag values, in order. */
  positionals: Word[];
}

export function parseArgs(words: Word[], spec: ArgSpec): ParsedArgs {
  const flags: Flag[] = [];
  const positionals: Word[] = [];
  let k = 0;
  const takeNext = (): Word | undefined => (k + 1 < words.length ? words[++k] : undefined);
  for (; k < words.length; k++) {
    const word = words[k]!;
    const t = word.text;
    if (t === '--') {
      for (let j = k + 1; j < words.length; j++) positionals.push(words[j]!); // no spread: a huge script's words overflow a call
      break;
    }
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      if (eq > 2) {
        flags.push({ name: t.slice(0, eq), value: t.slice(eq + 1), word, valueWord: undefined });
      } else if (spec.long?.(t.slice(2))) {
        const valueWord = takeNext();
        flags.push({ name: t, value: valueWord?.text, word, valueWord });
      } else flags.push({ name: t, value: undefined, word, valueWord: undefined });
      continue;
    }
    if (t.startsWith('-') && t.length > 1) {
      const letters = t.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j]!;
        if (spec.short?.includes(letter)) {
          const glued = letters.slice(j + 1);
          const valueWord = glued ? undefined : takeNext();
          flags.push({ name: '-' + letter, value: glued || valueWord?.text, word, valueWord });
          break;
        }
        flags.push({ name: '-' + letter, value: undefined, word, valueWord: undefined });
      }
      continue;
    }
    positionals.push(word);
  }
  return { flags: settled(flags), positionals };
}

const FALSE = new Set(['false', 'False', 'FALSE', 'f', 'F', '0']);

/** Whether any of the flags `names` is set (a boolean flag written `--x=false` is not). */
export function flagOn(flags: Flag[], ...names: string[]): boolean {
  let on = false;
  // The last occurrence wins, as in Go's flag packages and getopt.
  for (const f of flags) if (names.includes(f.name)) on = f.valueWord !== undefined || f.value === undefined || !FALSE.has(f.value);
  return on;
}

/** The values of the flags `names`, in order. */
export function flagValues(flags: Flag[], ...names: string[]): string[] {
  return flags.filter((f) => names.includes(f.name) && f.value !== undefined).map((f) => f.value!);
}

/** `-o a,b -o c` -> [a, b, c]. */
export function optionList(flags: Flag[], ...names: string[]): string[] {
  return flagValues(flags, ...names).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

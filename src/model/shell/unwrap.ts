// Wrappers: programs that run another program (`exec rclone mount …`, `tini -- rclone rcd`,
// `nsenter -t 1 -m -- mount …`). We skip them to find the program that does the work.
import type { Word } from '../types.js';

/** `/usr/bin/rclone` -> `rclone`. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Where a wrapper's own arguments end: the index of the wrapped program's word, 'none' when
 * nothing else runs (`exec` with only redirections, `command -v x`, bare `env`), or 'shell'
 * when the wrapper starts an interactive shell (bare `nsenter`, `chroot DIR`).
 */
type Next = number | 'none' | 'shell';
type Rule = (words: Word[], i: number) => Next;

interface Opts {
  /** Short options that take a value. */
  short?: string;
  /** Long options that take a value (without dashes). */
  long?: string[];
  /** `NAME=value` words are part of the wrapper (env, sudo). */
  assignments?: boolean;
}

/** Skips options (and `--`) from `i`; returns the first operand's index. */
function skipOptions(words: Word[], i: number, opts: Opts): number {
  while (i < words.length) {
    const t = words[i]!.text;
    if (t === '--') return i + 1;
    if (t.startsWith('--') && t.length > 2) {
      i += !t.includes('=') && opts.long?.includes(t.slice(2)) ? 2 : 1;
    } else if (t.startsWith('-') && t.length > 1) {
      const letters = t.slice(1);
      const k = [...letters].findIndex((c) => opts.short?.includes(c));
      // A value letter takes the rest of the word, or the next word when it is last.
      i += k >= 0 && k === letters.length - 1 ? 2 : 1;
    } else if (opts.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t)) i++;
    else return i;
  }
  return i;
}

const orNone = (words: Word[], i: number, ifEmpty: 'none' | 'shell' = 'none'): Next => (i < words.length ? i : ifEmpty);

const WRAPPERS: Record<string, Rule> = {
  exec: (w, i) => orNone(w, skipOptions(w, i, { short: 'a' })),
  nohup: (w, i) => orNone(w, skipOptions(w, i, {})),
  setsid: (w, i) => orNone(w, skipOptions(w, i, {})),
  env: (w, i) => orNone(w, skipOptions(w, i, { short: 'uCS', long: ['unset', 'chdir', 'split-string'], assignments: true })),
  tini: (w, i) => orNone(w, skipOptions(w, i, { short: 'pe' })),
  'dumb-init': (w, i) => orNone(w, skipOptions(w, i, { short: 'r', long: ['rewrite'] })),
  'su-exec': (w, i) => orNone(w, i + 1),
  gosu: (w, i) => orNone(w, i + 1),
  sudo: (w, i) =>
    orNone(w, skipOptions(w, i, { short: 'ugCDhpRrtTU', long: ['user', 'group', 'close-from', 'chdir', 'host', 'prompt', 'chroot', 'role', 'type', 'command-timeout', 'other-user'], assignments: true }), 'shell'),
  // -m, -u, -n … take an optional value only when glued (`-m/proc/1/ns/mnt`), so they are flags here.
  nsenter: (w, i) => orNone(w, skipOptions(w, i, { short: 'tSG', long: ['target', 'setuid', 'setgid'] }), 'shell'),
  timeout: (w, i) => orNone(w, skipOptions(w, i, { short: 'sk', long: ['signal', 'kill-after'] }) + 1),
  chroot: (w, i) => orNone(w, skipOptions(w, i, { long: ['userspec', 'groups'] }) + 1, 'shell'),
  command: (w, i) => (w.slice(i).some((x) => x.text === '-v' || x.text === '-V') ? 'none' : orNone(w, skipOptions(w, i, {}))),
  busybox: (w, i) => orNone(w, i),
  nice: (w, i) => orNone(w, skipOptions(w, i, { short: 'n', long: ['adjustment'] })),
  ionice: (w, i) => orNone(w, skipOptions(w, i, { short: 'cnp', long: ['class', 'classdata', 'pid'] })),
  stdbuf: (w, i) => orNone(w, skipOptions(w, i, { short: 'ioe', long: ['input', 'output', 'error'] })),
};

export type Unwrapped = { program: number } | { none: true } | { shell: true };

/** Skips wrappers at the start of `words`: what really runs. */
export function unwrap(words: Word[]): Unwrapped {
  let i = 0;
  // Each step moves right, so this ends; the bound only documents that.
  for (let steps = 0; i < words.length && steps <= words.length; steps++) {
    // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
    const name = basename(words[i]!.text);
    const rule = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
    if (!rule) return { program: i };
    const next = rule(words, i + 1);
    if (next === 'none') return { none: true };
    if (next === 'shell') return { shell: true };
    i = next;
  }
  return { none: true };
}

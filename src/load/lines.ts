// Offsets to lines and columns, for the loader (source.ts, fast-yaml.ts) and the reports.
import type { Loc } from './ynode.js';

/** The offsets where the lines of `text` start (the first is 0). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  // Kept for the life of the run: a copy without the spare capacity push left (up to half).
  return starts.slice();
}

/** The 0-based index of the line containing offset `off`. */
export function lineIndex(lineStarts: number[], off: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= off) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** 1-based line and column of an offset. */
export function position(lineStarts: number[], offset: number): { line: number; col: number } {
  const l = lineIndex(lineStarts, offset);
  return { line: l + 1, col: offset - lineStarts[l]! + 1 };
}

/** The Loc of [start, end) (an end before start is taken as start); one line search when both are on one line. */
export function makeLoc(file: string, lineStarts: number[], start: number, end: number): Loc {
  const e = Math.max(start, end);
  const l = lineIndex(lineStarts, start);
  const le = l + 1 < lineStarts.length && lineStarts[l + 1]! <= e ? lineIndex(lineStarts, e) : l;
  return { file, start, end: e, line: l + 1, col: start - lineStarts[l]! + 1, endLine: le + 1, endCol: e - lineStarts[le]! + 1 };
}

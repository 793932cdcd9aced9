// A fix is data: text edits over the original text of one file. Applying sorts them by
// position and sweeps once; an edit that overlaps one already taken is skipped and handed
// back, so the finding stays for the next pass [ESLint source-code-fixer.js].

export interface TextEdit {
  file: string;
  /** 0-based offsets into the file's text; `end` is exclusive. start === end inserts. */
  start: number;
  end: number;
  text: string;
}

export interface ApplyResult {
  text: string;
  /** Edits that were not applied: overlapping an earlier edit, or out of range. */
  skipped: TextEdit[];
}

/** Order by start, then end; equal positions keep their given order (stable sort). */
export function sortEdits<T extends TextEdit>(edits: readonly T[]): T[] {
  return edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
}

/**
 * Apply edits to `text`. Edits are sorted first; one that overlaps an earlier (already
 * applied) edit is skipped. Insertions at the same offset are applied in the given order,
 * and an insertion at the end of a replaced span is not an overlap.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): ApplyResult {
  const skipped: TextEdit[] = [];
  const parts: string[] = [];
  let pos = 0;
  for (const e of sortEdits(edits)) {
    if (e.start < pos || e.start > e.end || e.end > text.length || e.start < 0) {
      skipped.push(e);
      continue;
    }
    parts.push(text.slice(pos, e.start), e.text);
    pos = e.end;
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), skipped };
}

/** Strict overlap: the spans share at least one character, or two insertions sit at one offset. */
export function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file) return false;
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/**
 * Conflict between edits of different fixes: the spans touch or overlap (closed
 * intervals), as ESLint's `start <= lastPos`. Adjacent fixes wait for the next pass, which
 * keeps the result independent of fix order (two fixes adding the same key, say).
 */
export function conflicts(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file) return false;
  return a.start <= b.end && b.start <= a.end;
}

// `--fix-dry-run` output: a git-style unified diff per file that `git apply` and
// `patch -p1` apply from the repository root.
import { structuredPatch } from 'diff';

/** Unified diff of one file ('' when nothing changed). `path` is relative to the repository root. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  const patch = structuredPatch(`a/${p}`, `b/${p}`, before, after, undefined, undefined, { context: 3 });
  const out: string[] = [`diff --git a/${p} b/${p}`, `--- a/${p}`, `+++ b/${p}`];
  for (const h of patch.hunks) {
    // An empty side is written as "start of the line before" (-0,0 for an empty file).
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    out.push(`@@ -${range(oldStart, h.oldLines)} +${range(newStart, h.newLines)} @@`);
    for (const line of h.lines) out.push(line);
  }
  return out.join('\n') + '\n';
}

function range(start: number, lines: number): string {
  return lines === 1 ? String(start) : `${start},${lines}`;
}

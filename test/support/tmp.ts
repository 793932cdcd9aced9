// Temp directories for tests, removed after the test file that made them: call useTmpDirs()
// once at the top of the file (useCli() in ./cli.ts does it too), then tmpDir() or tmpTree()
// anywhere. A full run used to leave some 1,850 `medialint-*` directories in /tmp.
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

/** A fresh directory under the system temp directory (its real path), removed by removeTmpDirs(). */
export function tmpDir(prefix = 'medialint-'): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(d);
  return d;
}

/** Write files (relative path -> text or bytes) under `dir`, making directories. */
export function writeTree(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, content);
  }
}

/** A fresh temp directory holding `files` ({ 'a/b.yaml': text, ... }). */
export function tmpTree(files: Record<string, string | Uint8Array>, prefix = 'medialint-'): string {
  const dir = tmpDir(prefix);
  writeTree(dir, files);
  return dir;
}

/**
 * Read-only directories made by tests: make them removable. Walks with lstat and never
 * follows a link (readdirSync's `recursive` follows a link to `.` until memory runs out).
 */
function makeWritable(dir: string): void {
  try {
    if (!fs.lstatSync(dir).isDirectory()) return;
    fs.chmodSync(dir, 0o755);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) makeWritable(path.join(dir, e.name));
  } catch { /* gone already */ }
}

/** Remove every directory made with tmpDir() or tmpTree() so far. */
export function removeTmpDirs(): void {
  for (const d of made.splice(0)) {
    makeWritable(d);
    fs.rmSync(d, { recursive: true, force: true });
  }
}

/** afterAll: remove the temp directories this test file made. */
export function useTmpDirs(): void {
  afterAll(removeTmpDirs);
}

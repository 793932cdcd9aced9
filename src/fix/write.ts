// Write a fixed file atomically: only if it is still what was read, through a temp file
// in the same directory (same filesystem, so the rename is atomic), with the original mode,
// fsync'd before the rename. A failure leaves the original file as it was and no temp file.
// Synchronous: the CLI writes a handful of files, one after the other.
import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The filesystem calls writeAtomic makes (tests stub them to simulate failures). */
export interface WriteFs {
  realpathSync: (p: string) => string;
  readdirSync: (p: string) => string[];
  readFileSync: (p: string) => Buffer;
  statSync: (p: string) => { mode: number; uid: number; gid: number };
  accessSync: (p: string, mode: number) => void;
  openSync: (p: string, flags: string, mode: number) => number;
  writeFileSync: (fd: number, data: string) => void;
  fchmodSync: (fd: number, mode: number) => void;
  fchownSync: (fd: number, uid: number, gid: number) => void;
  fsyncSync: (fd: number) => void;
  closeSync: (fd: number) => void;
  renameSync: (from: string, to: string) => void;
  unlinkSync: (p: string) => void;
}

const realFs: WriteFs = {
  realpathSync: (p) => nodeFs.realpathSync(p),
  readdirSync: (p) => nodeFs.readdirSync(p),
  readFileSync: (p) => nodeFs.readFileSync(p),
  statSync: (p) => nodeFs.statSync(p),
  accessSync: (p, m) => nodeFs.accessSync(p, m),
  openSync: (p, f, m) => nodeFs.openSync(p, f, m),
  writeFileSync: (fd, d) => nodeFs.writeFileSync(fd, d, 'utf8'),
  fchmodSync: (fd, m) => nodeFs.fchmodSync(fd, m),
  fchownSync: (fd, u, g) => nodeFs.fchownSync(fd, u, g),
  fsyncSync: (fd) => nodeFs.fsyncSync(fd),
  closeSync: (fd) => nodeFs.closeSync(fd),
  renameSync: (a, b) => nodeFs.renameSync(a, b),
  unlinkSync: (p) => nodeFs.unlinkSync(p),
};

export interface WriteAtomicOptions {
  /** The text the fixes were computed from; the file must still hold exactly this. */
  expectedOriginal: string;
  fs?: Partial<WriteFs>;
  /** The path as shown in messages (default: `path`). */
  display?: string;
}

const BOM = '\uFEFF';

/**
 * Replace `path`'s content with `text`. Returns undefined on success, else a message
 * saying why the file was left as it was.
 */
export function writeAtomic(path: string, text: string, opts: WriteAtomicOptions): string | undefined {
  const fs: WriteFs = { ...realFs, ...opts.fs };
  const shown = opts.display ?? path;
  const err = write(fs, path, text, opts);
  // Messages name the file as the user wrote it (writeAtomic is given an absolute path).
  return err === undefined || shown === path ? err : err.split(path).join(shown);
}

function write(fs: WriteFs, path: string, text: string, opts: WriteAtomicOptions): string | undefined {
  let target: string;
  let onDisk: string;
  let st: { mode: number; uid: number; gid: number };
  try {
    // Write through a symlink to the file it points at, keeping the link.
    target = fs.realpathSync(path);
    onDisk = fs.readFileSync(target).toString('utf8');
    st = fs.statSync(target);
  } catch (e) {
    return describe(path, e, 'read');
  }
  const mode = st.mode & 0o7777;
  // The loader drops a byte order mark; keep the file's.
  const bom = onDisk.startsWith(BOM) && !opts.expectedOriginal.startsWith(BOM) ? BOM : '';
  if (onDisk.slice(bom.length) !== opts.expectedOriginal) {
    return `${path} changed on disk since medialint read it; not written. Run medialint --fix again.`;
  }
  try {
    // No write bit at all is a deliberate "read-only", even for root (who passes access()).
    if ((mode & 0o222) === 0) throw new Error('read-only');
    fs.accessSync(target, nodeFs.constants.W_OK);
  } catch {
    return `${path} is read-only; not written. Make it writable (chmod u+w) to apply the fixes.`;
  }

  const dir = dirname(target);
  removeStaleTemps(fs, dir, basename(target));
  const tmp = join(dir, `.${basename(target)}.medialint-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    const fd = fs.openSync(tmp, 'wx', mode & 0o777);
    created = true;
    try {
      fs.writeFileSync(fd, bom + text);
      fs.fchmodSync(fd, mode);
      if (typeof process.getuid === 'function' && process.getuid() === 0 && (st.uid !== 0 || st.gid !== 0)) {
        try {
          fs.fchownSync(fd, st.uid, st.gid);
        } catch {
          // Keeping the owner is best effort.
        }
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // Last check, as close to the rename as we can get.
    if (fs.readFileSync(target).toString('utf8') !== onDisk) {
      removeQuietly(fs, tmp);
      created = false;
      return `${path} changed on disk while medialint was writing it; not written. Run medialint --fix again.`;
    }
    fs.renameSync(tmp, target);
    created = false;
    syncDir(dir);
    return undefined;
  } catch (e) {
    if (created) removeQuietly(fs, tmp);
    return describe(path, e, 'write');
  }
}

/**
 * A run killed between writing its temp file and the rename (SIGKILL, power loss, Ctrl-C)
 * leaves `.<name>.medialint-<pid>-<hex>.tmp` beside the file; nothing else can clean it up.
 * Remove those of this file whose process is gone, before writing the file again.
 */
function removeStaleTemps(fs: WriteFs, dir: string, name: string): void {
  const prefix = `.${name}.medialint-`;
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]{8}\.tmp$/.exec(e.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    removeQuietly(fs, join(dir, e));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists (another user's).
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(fs: WriteFs, p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    // Already gone.
  }
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = nodeFs.openSync(dir, 'r');
    nodeFs.fsyncSync(fd);
  } catch {
    // Not every platform can fsync a directory; the rename is done either way.
  } finally {
    if (fd !== undefined) nodeFs.closeSync(fd);
  }
}

function describe(path: string, e: unknown, what: 'read' | 'write'): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  // Node's messages start with the code ("EIO: i/o error, rename …"): do not say it twice.
  const detail = ((e as Error | undefined)?.message ?? String(e)).replace(code ? `${code}: ` : /^$/, '');
  switch (code) {
    case 'ENOENT':
      return what === 'read'
        ? `${path} no longer exists; not written.`
        : `${path} could not be written: its directory is gone (${detail}).`;
    case 'EACCES':
    case 'EPERM':
      return `${path} could not be written: permission denied (the file or its directory is not writable); left unchanged.`;
    case 'EROFS':
      return `${path} could not be written: the filesystem is read-only; left unchanged.`;
    case 'ENOSPC':
      return `${path} could not be written: no space left on the device; left unchanged.`;
    case 'EDQUOT':
      return `${path} could not be written: disk quota exceeded; left unchanged.`;
    case 'EISDIR':
      return `${path} is a directory; not written.`;
    default:
      return `${path} could not be ${what === 'read' ? 'read' : 'written'} (${code ?? 'error'}: ${detail}); left unchanged.`;
  }
}

// Reading an input file safely: only regular files, and never more than the size limit.
//
// A path in a kustomization (or a linted path) can name a FIFO, /dev/zero or /dev/urandom,
// directly or through a symlink: readFileSync on those blocks forever or fills the memory
// (`resources: [pipe.yaml]` hung medialint). The file is opened non-blocking and checked
// with fstat on the open descriptor, so it cannot be swapped between the check and the read.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { MAX_FILE_BYTES, type SizedBytes } from './source.js';

/**
 * The bytes of a regular file, or undefined when it is missing, unreadable or not a regular
 * file. A file over the size limit is not read: an empty buffer carrying its size comes
 * back, and decode() turns it into the size-limit finding.
 */
export function readRegularFile(abs: string): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    if (st.size > MAX_FILE_BYTES) return Object.assign(new Uint8Array(0), { fileSize: st.size }) as SizedBytes;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch { /* already closed */ }
    }
  }
}

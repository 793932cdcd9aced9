// A preload (`node --import ./test/support/fs-faults.mjs …`) that makes `--fix`'s atomic
// write (src/fix/write.ts) meet the failures a real disk and a busy working tree produce,
// at the exact step the test names. MEDIALINT_FAULT selects one:
//
//   touch-before-write  the file is edited by someone else after medialint read it and
//                       before the write starts (on writeAtomic's realpath of the target)
//   touch-during-write  the file is edited while the temp file is being written
//   write-enospc        the disk fills up half-way through writing the temp file
//   rename-eio          the temp file is complete, the rename over the original fails
//   rename-kill         the temp file is complete and the process dies before the rename
//                       (SIGKILL: no cleanup code runs, as on a power cut or an OOM kill)
//
// MEDIALINT_FAULT_FILE is the absolute path of the file the fault concerns (others pass).
// Each fault fires once and writes `medialint-fault: <name>` to stderr, so a test can tell a
// fault that fired from one that was never reached.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const fs = require('node:fs');
const FAULT = process.env.MEDIALINT_FAULT ?? '';
const FILE = process.env.MEDIALINT_FAULT_FILE ? path.resolve(process.env.MEDIALINT_FAULT_FILE) : '';
const TEMP = /\.medialint-\d+-[0-9a-f]{8}\.tmp$/;

const real = {
  realpathSync: fs.realpathSync,
  openSync: fs.openSync,
  writeFileSync: fs.writeFileSync,
  writeSync: fs.writeSync,
  renameSync: fs.renameSync,
  appendFileSync: fs.appendFileSync,
};
let fired = false;
const tempFds = new Set();

function fire() {
  if (fired) return false;
  fired = true;
  real.writeSync(2, `medialint-fault: ${FAULT}\n`);
  return true;
}

function touch() {
  real.appendFileSync(FILE, '# edited by someone else meanwhile\n');
}

function errno(code, message) {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

const realpathSync = function (p, ...rest) {
  if (FAULT === 'touch-before-write' && typeof p === 'string' && path.resolve(p) === FILE && fire()) touch();
  return real.realpathSync.call(this, p, ...rest);
};
realpathSync.native = real.realpathSync.native;
fs.realpathSync = realpathSync;

fs.openSync = function (p, flags, mode) {
  const isTemp = typeof p === 'string' && TEMP.test(p) && (!FILE || path.basename(p).startsWith(`.${path.basename(FILE)}.`));
  if (isTemp && FAULT === 'touch-during-write' && fire()) touch();
  const fd = real.openSync.call(this, p, flags, mode);
  if (isTemp) tempFds.add(fd);
  return fd;
};

fs.writeFileSync = function (target, data, ...rest) {
  if (FAULT === 'write-enospc' && typeof target === 'number' && tempFds.has(target) && fire()) {
    const s = String(data);
    real.writeSync(target, s.slice(0, Math.floor(s.length / 2)));
    throw errno('ENOSPC', 'no space left on device, write');
  }
  return real.writeFileSync.call(this, target, data, ...rest);
};

fs.renameSync = function (from, to) {
  if (typeof from === 'string' && TEMP.test(from)) {
    if (FAULT === 'rename-eio' && fire()) throw errno('EIO', `i/o error, rename '${from}' -> '${to}'`);
    if (FAULT === 'rename-kill' && fire()) process.kill(process.pid, 'SIGKILL');
  }
  return real.renameSync.call(this, from, to);
};

syncBuiltinESMExports();

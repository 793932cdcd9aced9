// Handing memory back between stages (SPEC §7: 10,000 objects in 300 MB).
//
// A lint keeps its YAML trees and model until the rules have run; the report needs only
// the findings and the file texts. V8 sizes its heap from what survived its last full
// collection and lets it grow up to four times that before the next one, so on a large
// input the rules' temporaries and then the report were built on new pages next to the
// trees' garbage. A full collection when the heap has grown well past what was alive at
// the last one keeps each stage in the space the one before left. Only what is still
// alive is marked, so it costs little (at 10,000 objects: about 100 ms during the rules,
// 20 ms once the trees are let go; the run as a whole got faster, as V8 then runs fewer
// incremental collections of its own), and nothing runs below WORTH_IT: a commit's worth
// of files never pays for it. Callers: the rules loop (engine/run.ts) and the CLI once the
// lint is done (cli/main.ts).
import v8 from 'node:v8';
import vm from 'node:vm';

/** Below this much heap in use a collection is not worth its time. */
const WORTH_IT = 96 * 1024 * 1024;
/** Growth past the last collection's survivors that calls for another. */
const GROWTH = 32 * 1024 * 1024;

let gc: (() => void) | undefined;
let liveAfterLast = 0;

/**
 * A full garbage collection when the heap is large and has grown by GROWTH since the last
 * one (`always`: whenever it is large, for when much was just let go); a no-op on small inputs.
 */
export function collectGarbage(always = false): void {
  // V8's own count (process.memoryUsage() also reads the RSS from the OS, once per rule).
  const used = v8.getHeapStatistics().used_heap_size;
  if (used < WORTH_IT || (!always && used < liveAfterLast + GROWTH)) return;
  if (!gc) {
    // `--expose-gc` set at run time installs `gc` in contexts made after it, not in this one.
    // A Node that does not (or a flag V8 refuses) leaves memory to V8: never a failed lint.
    try {
      v8.setFlagsFromString('--expose-gc');
      const f: unknown = vm.runInNewContext('gc');
      gc = typeof f === 'function' ? (f as () => void) : () => undefined;
    } catch {
      gc = () => undefined;
    }
  }
  gc();
  liveAfterLast = v8.getHeapStatistics().used_heap_size;
}

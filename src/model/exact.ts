// Arrays without spare room, for what the model keeps.
//
// An array that grew by push keeps capacity for about 16 more items (V8 grows it to
// old + old/2 + 16), so a one-item list (a container's volumeMounts, a command's flags)
// takes 184 bytes instead of 56. The model holds tens of such lists per workload, which at
// 10,000 objects was a noticeable share of the heap (SPEC §7: 300 MB). slice() copies into
// a backing store of exactly the array's length.

/** `a` itself when it is empty, else a copy with no spare capacity. Use only on arrays nothing else holds yet. */
export function exact<T>(a: T[]): T[] {
  return a.length === 0 ? a : a.slice();
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * Like exact(), for a finished list of the model that nothing changes again: an empty one is
 * one shared frozen array (a container's shell analysis has seven lists, mostly empty, and
 * an empty array is 32 bytes of its own).
 */
export function settled<T>(a: T[]): T[] {
  return a.length === 0 ? (NONE as unknown as T[]) : a.slice();
}

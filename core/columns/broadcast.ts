/**
 * Per-event values repeated for each object, to combine event quantities with objects
 * (e.g. jet pt relative to MET).
 * @module
 */
import type { NumericArray } from "./types.ts";
import { checkEventLength, eventsOfOffsets, numbersOf } from "./_check.ts";

/**
 * Repeat each event's value once per object. Element `k` of the result belongs to content
 * index `offsets[0] + k`, so it lines up with `flatten(j)` of any array with these offsets.
 *
 * @example
 * ```ts
 * import { broadcast } from "./broadcast.ts";
 * const met = broadcast(Float32Array.of(10, 20, 30), Int32Array.of(0, 2, 2, 3));
 * if (met.join() !== "10,10,30") throw new Error();
 * ```
 */
export function broadcast(perEvent: NumericArray, offsets: Int32Array): Float64Array {
  const n = eventsOfOffsets(offsets, "broadcast");
  checkEventLength(perEvent.length, n, "broadcast", "the per-event array");
  const values = numbersOf(perEvent);
  const base = offsets[0];
  const out = new Float64Array(offsets[n] - base);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    for (let k = offsets[i] - base; k < offsets[i + 1] - base; k++) out[k] = v;
  }
  return out;
}

/**
 * Between jagged and flat: all objects in one array, and back.
 * @module
 */
import type { Jagged, NumericArray } from "./types.ts";
import { eventsOfJagged } from "./_check.ts";
import { offsetsFromCounts } from "./jagged.ts";

/**
 * All objects of all events in one flat array (a view, not a copy), e.g. to histogram every
 * jet's pt.
 *
 * @example
 * ```ts
 * import { flatten } from "./flatten.ts";
 * const pt = { offsets: Int32Array.of(1, 2, 4), content: Float32Array.of(9, 50, 30, 40) };
 * if (flatten(pt).join() !== "50,30,40") throw new Error();
 * ```
 */
export function flatten<T extends NumericArray>(j: Jagged<T>): T {
  const n = eventsOfJagged(j, "flatten");
  return j.content.subarray(j.offsets[0], j.offsets[n]) as T;
}

/**
 * A jagged array from flat content and the number of objects per event (e.g. `nJet`).
 * The counts must add up to the content length. The content is shared, not copied.
 *
 * @example
 * ```ts
 * import { unflatten } from "./flatten.ts";
 * const pt = unflatten(Float32Array.of(50, 30, 40), Int32Array.of(2, 0, 1));
 * if (pt.offsets.join() !== "0,2,2,3") throw new Error();
 * ```
 */
export function unflatten<T extends NumericArray>(
  content: T,
  counts: ArrayLike<number>,
): Jagged<T> {
  const offsets = offsetsFromCounts(counts);
  const total = offsets[offsets.length - 1];
  if (total !== content.length) {
    throw new RangeError(
      `Cannot apply "unflatten": counts add up to ${total} but content has ${content.length} values`,
    );
  }
  return { offsets, content };
}

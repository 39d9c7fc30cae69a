import type { Column, Jagged, NumericArray } from "./types.ts";

/** True when `column` is a jagged array rather than a flat TypedArray. */
export function isJagged(column: Column | unknown): column is Jagged {
  return typeof column === "object" && column !== null && !ArrayBuffer.isView(column) &&
    "offsets" in column && "content" in column;
}

/**
 * Make a jagged array, checking that the offsets fit the content.
 *
 * @example
 * ```ts
 * import { jagged } from "./jagged.ts";
 * const jetPt = jagged(Int32Array.of(0, 2, 2, 3), Float32Array.of(50, 30, 40));
 * if (jetPt.offsets.length !== 4) throw new Error();
 * ```
 */
export function jagged<T extends NumericArray>(offsets: Int32Array, content: T): Jagged<T> {
  if (offsets.length < 1) {
    throw new RangeError("Cannot make a jagged array: offsets must have at least one entry");
  }
  const last = offsets[offsets.length - 1];
  if (offsets[0] < 0 || last > content.length || offsets[0] > last) {
    throw new RangeError(
      `Cannot make a jagged array: offsets span [${
        offsets[0]
      }, ${last}) but content has ${content.length} values`,
    );
  }
  return { offsets, content };
}

/** Number of events in a flat or jagged column. */
export function eventCount(column: Column): number {
  return isJagged(column) ? column.offsets.length - 1 : column.length;
}

/** Offsets for the given per-event counts (prefix sum), e.g. from `nJet`. */
export function offsetsFromCounts(counts: ArrayLike<number>): Int32Array {
  const offsets = new Int32Array(counts.length + 1);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (count < 0) {
      throw new RangeError(`Cannot build offsets: count ${count} of event ${i} is negative`);
    }
    total += count;
    offsets[i + 1] = total;
  }
  return offsets;
}

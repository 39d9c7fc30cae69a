/**
 * Selections: keep some objects of every event (object-level masks, e.g. good jets), or keep
 * whole events (event-level masks, e.g. the trigger).
 * @module
 */
import type { Column, Jagged, NumericArray } from "./types.ts";
import { isJagged } from "./jagged.ts";
import {
  checkEventLength,
  checkSameLayout,
  eventsOfJagged,
  eventsOfOffsets,
  sameTypeArray,
} from "./_check.ts";
import { bit } from "./_bits.ts";

/** Options of `filterObjects`. */
export interface FilterObjectsOptions {
  /**
   * The offsets of the result, from `maskedOffsets(offsets, mask)`. Pass the same object when
   * filtering several fields of one collection so that the results share it.
   */
  offsets?: Int32Array;
}

/**
 * Offsets (starting at 0) of the objects an object-level mask keeps. Compute once per
 * collection and pass to `filterObjects` for every field.
 *
 * @example
 * ```ts
 * import { maskedOffsets } from "./filter.ts";
 * const offsets = Int32Array.of(0, 3, 4);
 * const kept = maskedOffsets(offsets, { offsets, content: Uint8Array.of(1, 0, 1, 0) });
 * if (kept.join() !== "0,2,2") throw new Error();
 * ```
 */
export function maskedOffsets(offsets: Int32Array, mask: Jagged<Uint8Array>): Int32Array {
  const n = eventsOfOffsets(offsets, "maskedOffsets");
  eventsOfJagged(mask, "maskedOffsets");
  checkSameLayout(offsets, mask.offsets, "maskedOffsets", "the mask");
  const out = new Int32Array(n + 1);
  const mo = mask.offsets;
  const content = mask.content;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const last = mo[i + 1];
    for (let k = mo[i]; k < last; k++) total += bit(content[k] !== 0);
    out[i + 1] = total;
  }
  return out;
}

/**
 * Keep the objects where an object-level mask is true (awkward's `x[mask]`). The result's
 * offsets start at 0; the element type is kept.
 *
 * @example
 * ```ts
 * import { filterObjects } from "./filter.ts";
 * const offsets = Int32Array.of(0, 3, 4);
 * const pt = { offsets, content: Float32Array.of(50, 10, 30, 8) };
 * const good = filterObjects(pt, { offsets, content: Uint8Array.of(1, 0, 1, 0) });
 * if (good.content.join() !== "50,30" || good.offsets.join() !== "0,2,2") throw new Error();
 * ```
 */
export function filterObjects<T extends NumericArray>(
  j: Jagged<T>,
  mask: Jagged<Uint8Array>,
  options: FilterObjectsOptions = {},
): Jagged<T> {
  const n = eventsOfJagged(j, "filterObjects");
  eventsOfJagged(mask, "filterObjects");
  checkSameLayout(j.offsets, mask.offsets, "filterObjects", "the mask");
  const offsets = options.offsets ?? maskedOffsets(j.offsets, mask);
  if (offsets.length !== n + 1) {
    throw new RangeError(
      `Cannot apply "filterObjects": options.offsets has ${
        offsets.length - 1
      } events but the array has ${n}`,
    );
  }
  const base = offsets[0];
  const out = sameTypeArray(j.content, offsets[n]);
  const jo = j.offsets;
  const mo = mask.offsets;
  const content = j.content as unknown as Float64Array; // element type is kept by the copy
  const target = out as unknown as Float64Array;
  const flags = mask.content;
  let w = base;
  for (let i = 0; i < n; i++) {
    const shift = mo[i] - jo[i];
    for (let k = jo[i]; k < jo[i + 1]; k++) {
      if (flags[k + shift] !== 0) target[w++] = content[k];
    }
    if (w !== offsets[i + 1]) {
      throw new RangeError(
        `Cannot apply "filterObjects": options.offsets does not match the mask in event ${i}`,
      );
    }
  }
  return { offsets, content: out };
}

/**
 * Keep the events where an event-level mask is true, for a flat or a jagged column. Jagged
 * results get new offsets starting at 0.
 *
 * @example
 * ```ts
 * import { filterEvents } from "./filter.ts";
 * const met = filterEvents(Float32Array.of(10, 20, 30), Uint8Array.of(1, 0, 1));
 * if ((met as Float32Array).join() !== "10,30") throw new Error();
 * ```
 */
export function filterEvents(column: Column, mask: Uint8Array): Column {
  if (!isJagged(column)) {
    checkEventLength(mask.length, column.length, "filterEvents", "the mask");
    const out = sameTypeArray(column, countNonZero(mask));
    const source = column as unknown as Float64Array;
    const target = out as unknown as Float64Array;
    let w = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) target[w++] = source[i];
    return out;
  }
  const n = eventsOfJagged(column, "filterEvents");
  checkEventLength(mask.length, n, "filterEvents", "the mask");
  const from = column.offsets;
  const offsets = new Int32Array(1 + countNonZero(mask));
  let e = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i] !== 0) {
      offsets[e + 1] = offsets[e] + from[i + 1] - from[i];
      e++;
    }
  }
  const out = sameTypeArray(column.content, offsets[offsets.length - 1]);
  const source = column.content as unknown as Float64Array;
  const target = out as unknown as Float64Array;
  let w = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i] === 0) continue;
    for (let k = from[i]; k < from[i + 1]; k++) target[w++] = source[k];
  }
  return { offsets, content: out };
}

function countNonZero(mask: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < mask.length; i++) total += bit(mask[i] !== 0);
  return total;
}

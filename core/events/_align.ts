/**
 * Re-indexing a jagged field onto a collection's shared offsets, so every field of a
 * collection can be read with the same absolute content indices.
 * @module
 */
import type { Jagged, NumericArray } from "../columns/types.ts";
import { sameTypeArray } from "../columns/_check.ts";

/**
 * Content of `field` laid out for `offsets` (same counts per event required, checked by the
 * caller). Returns the content itself when no copy is needed.
 */
export function alignedContent(offsets: Int32Array, field: Jagged): NumericArray {
  const n = offsets.length - 1;
  if (field.offsets === offsets) return field.content;
  if (field.offsets[0] === offsets[0] && field.content.length >= offsets[n]) {
    return field.content; // same counts and same start: same absolute indices
  }
  const out = sameTypeArray(field.content, offsets[n]);
  const shift = field.offsets[0] - offsets[0];
  const source = field.content as unknown as Float64Array; // element type kept
  const target = out as unknown as Float64Array;
  for (let k = offsets[0]; k < offsets[n]; k++) target[k] = source[k + shift];
  return out;
}

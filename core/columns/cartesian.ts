/**
 * Every (left, right) object pair within each event, from two collections (awkward's
 * `ak.cartesian`), e.g. muon-electron pairs.
 * @module
 */
import type { Pairing } from "./combinations.ts";
import { checkCombinationTotal, checkEventLength, eventsOfOffsets } from "./_check.ts";

/**
 * All (left, right) pairs per event, left-major as in awkward. `slots[0]` holds absolute
 * content indices into the left collection, `slots[1]` into the right one.
 *
 * @example
 * ```ts
 * import { cartesian } from "./cartesian.ts";
 * // event 0: 2 muons (content 0,1) x 1 electron (content 0)
 * const pairs = cartesian(Int32Array.of(0, 2), Int32Array.of(0, 1));
 * if (pairs.slots[0].join() !== "0,1" || pairs.slots[1].join() !== "0,0") throw new Error();
 * ```
 */
export function cartesian(left: Int32Array, right: Int32Array): Pairing {
  const events = eventsOfOffsets(left, "cartesian");
  checkEventLength(eventsOfOffsets(right, "cartesian"), events, "cartesian", "the right offsets");
  const offsets = new Int32Array(events + 1);
  let total = 0;
  for (let i = 0; i < events; i++) {
    total += (left[i + 1] - left[i]) * (right[i + 1] - right[i]);
    offsets[i + 1] = total;
  }
  checkCombinationTotal(total, "cartesian");
  const first = new Int32Array(total);
  const second = new Int32Array(total);
  let p = 0;
  for (let i = 0; i < events; i++) {
    const rightStart = right[i];
    const rightEnd = right[i + 1];
    for (let a = left[i]; a < left[i + 1]; a++) {
      for (let b = rightStart; b < rightEnd; b++) {
        first[p] = a;
        second[p] = b;
        p++;
      }
    }
  }
  return { offsets, slots: [first, second] };
}

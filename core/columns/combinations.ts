/**
 * Unordered pairs and triples of objects within each event (awkward's `ak.combinations`),
 * as index lists rather than copies, so any field can be read through them.
 * @module
 */
import { checkCombinationTotal, eventsOfOffsets } from "./_check.ts";

/**
 * Pairs or triples of objects per event. `offsets` counts combinations per event (starting
 * at 0); `slots[k][p]` is the ABSOLUTE content index of member `k` of combination `p`, so
 * `content[slots[0][p]]` reads the first member.
 */
export interface Pairing {
  readonly offsets: Int32Array;
  readonly slots: Int32Array[];
}

/**
 * All `n`-object combinations (i < j < k) in each event, in awkward's order (lexicographic
 * within an event).
 *
 * @example
 * ```ts
 * import { combinations } from "./combinations.ts";
 * // event 0 has objects at content 0,1,2; event 1 has one object (no pair)
 * const pairs = combinations(Int32Array.of(0, 3, 4), 2);
 * if (pairs.offsets.join() !== "0,3,3") throw new Error();
 * if (pairs.slots[0].join() !== "0,0,1" || pairs.slots[1].join() !== "1,2,2") throw new Error();
 * ```
 */
export function combinations(offsets: Int32Array, n: 2 | 3): Pairing {
  const events = eventsOfOffsets(offsets, "combinations");
  if (n !== 2 && n !== 3) {
    throw new RangeError(`Cannot apply "combinations": n must be 2 or 3, not ${n}`);
  }
  const out = new Int32Array(events + 1);
  let total = 0;
  for (let i = 0; i < events; i++) {
    const c = offsets[i + 1] - offsets[i];
    total += n === 2 ? (c * (c - 1)) / 2 : (c * (c - 1) * (c - 2)) / 6;
    out[i + 1] = total;
  }
  checkCombinationTotal(total, "combinations");
  const first = new Int32Array(total);
  const second = new Int32Array(total);
  let p = 0;
  if (n === 2) {
    for (let i = 0; i < events; i++) {
      const end = offsets[i + 1];
      for (let a = offsets[i]; a < end; a++) {
        for (let b = a + 1; b < end; b++) {
          first[p] = a;
          second[p] = b;
          p++;
        }
      }
    }
    return { offsets: out, slots: [first, second] };
  }
  const third = new Int32Array(total);
  for (let i = 0; i < events; i++) {
    const end = offsets[i + 1];
    for (let a = offsets[i]; a < end; a++) {
      for (let b = a + 1; b < end; b++) {
        for (let c = b + 1; c < end; c++) {
          first[p] = a;
          second[p] = b;
          third[p] = c;
          p++;
        }
      }
    }
  }
  return { offsets: out, slots: [first, second, third] };
}

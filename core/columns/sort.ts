/**
 * Sorting objects within each event, e.g. jets by pt.
 * @module
 */
import type { Jagged } from "./types.ts";
import { eventsOfJagged, numbersOf } from "./_check.ts";

/** Options of `argsort`. */
export interface ArgsortOptions {
  /** Largest first (as for pt ordering). Default false. */
  descending?: boolean;
}

// Below this many objects an insertion sort beats the comparator-based sort.
const INSERTION_SORT_MAX = 24;

/**
 * Event-local indices that sort each event's objects; stable (ties keep their order) and
 * NaN last in both directions. The result shares `j.offsets`; use it with `take`.
 *
 * @example
 * ```ts
 * import { argsort } from "./sort.ts";
 * import { take } from "./gather.ts";
 * const pt = { offsets: Int32Array.of(0, 3, 3), content: Float32Array.of(30, 50, 40) };
 * const order = argsort(pt, { descending: true });
 * if (order.content.join() !== "1,2,0") throw new Error();
 * if (take(pt, order).content.join() !== "50,40,30") throw new Error();
 * ```
 */
export function argsort(j: Jagged, options: ArgsortOptions = {}): Jagged<Int32Array> {
  const n = eventsOfJagged(j, "argsort");
  const descending = options.descending ?? false;
  const { offsets } = j;
  const values = numbersOf(j.content);
  const out = new Int32Array(j.content.length);
  let base = 0; // start of the event being sorted, read by the comparator
  // True when a must come before b (strictly): NaN never does, anything beats NaN.
  const precedes = descending
    ? (a: number, b: number) => a === a && (b !== b || a > b)
    : (a: number, b: number) => a === a && (b !== b || a < b);
  // One comparator for all events (no per-event closure); index tie-break keeps it stable.
  const compare = (a: number, b: number) => {
    const va = values[base + a];
    const vb = values[base + b];
    if (precedes(va, vb)) return -1;
    if (precedes(vb, va)) return 1;
    return a - b;
  };
  for (let i = 0; i < n; i++) {
    base = offsets[i];
    const count = offsets[i + 1] - base;
    for (let q = 0; q < count; q++) out[base + q] = q;
    if (count <= INSERTION_SORT_MAX) {
      for (let q = 1; q < count; q++) {
        const moving = out[base + q];
        const v = values[base + moving];
        let r = q - 1;
        while (r >= 0 && precedes(v, values[base + out[base + r]])) {
          out[base + r + 1] = out[base + r];
          r--;
        }
        out[base + r + 1] = moving;
      }
    } else {
      out.subarray(base, base + count).sort(compare);
    }
  }
  return { offsets, content: out };
}

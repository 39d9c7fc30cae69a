/**
 * Per-event reductions of jagged arrays: counts, sums, extrema and their positions, any/all.
 * Every function returns one value per event.
 * @module
 */
import type { Jagged } from "./types.ts";
import { eventsOfJagged, eventsOfOffsets, numbersOf } from "./_check.ts";

/** Options of `max` and `min`. */
export interface ExtremumOptions {
  /** Value for events with nothing to compare (no objects, or only NaN). Default NaN. */
  fill?: number;
}

/**
 * Number of objects in each event (awkward's `ak.num(x, axis=1)`).
 *
 * @example
 * ```ts
 * import { counts } from "./reduce.ts";
 * const n = counts({ offsets: Int32Array.of(0, 2, 2, 3), content: Float32Array.of(5, 6, 7) });
 * if (n.join() !== "2,0,1") throw new Error();
 * ```
 */
export function counts(j: Jagged): Int32Array {
  const { offsets } = j;
  const n = eventsOfOffsets(offsets, "counts");
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = offsets[i + 1] - offsets[i];
  return out;
}

/**
 * Number of true (non-zero) entries of an object mask in each event, e.g. good jets per event.
 *
 * @example
 * ```ts
 * import { countTrue } from "./reduce.ts";
 * const n = countTrue({ offsets: Int32Array.of(0, 3, 3), content: Uint8Array.of(1, 0, 1) });
 * if (n.join() !== "2,0") throw new Error();
 * ```
 */
export function countTrue(mask: Jagged<Uint8Array>): Int32Array {
  const n = eventsOfJagged(mask, "countTrue");
  const { offsets, content } = mask;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    // Branch-free: `if (x) total++` mispredicts on every other object of a random mask.
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      total += (content[k] !== 0) as unknown as number | 0;
    }
    out[i] = total;
  }
  return out;
}

/**
 * Sum of the objects of each event (0 for empty events; NaN propagates), e.g. HT from jet pt.
 *
 * @example
 * ```ts
 * import { sum } from "./reduce.ts";
 * const ht = sum({ offsets: Int32Array.of(0, 2, 2), content: Float32Array.of(50, 30) });
 * if (ht[0] !== 80 || ht[1] !== 0) throw new Error();
 * ```
 */
export function sum(j: Jagged): Float64Array {
  const n = eventsOfJagged(j, "sum");
  const { offsets } = j;
  const content = numbersOf(j.content);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) total += content[k];
    out[i] = total;
  }
  return out;
}

/**
 * Largest value in each event. NaN values are skipped (as awkward's reducer does); events
 * with no objects or only NaN get `fill` (default NaN).
 *
 * @example
 * ```ts
 * import { max } from "./reduce.ts";
 * const lead = max({ offsets: Int32Array.of(0, 2, 2), content: Float32Array.of(30, 50) }, { fill: 0 });
 * if (lead[0] !== 50 || lead[1] !== 0) throw new Error();
 * ```
 */
export function max(j: Jagged, options: ExtremumOptions = {}): Float64Array {
  const n = eventsOfJagged(j, "max");
  const fill = options.fill ?? NaN;
  const { offsets } = j;
  const content = numbersOf(j.content);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let found = false;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const v = content[k];
      if (v >= best) { // false for NaN, true for the first -Infinity too
        best = v;
        found = true;
      }
    }
    out[i] = found ? best : fill;
  }
  return out;
}

/**
 * Smallest value in each event. NaN values are skipped; events with no objects or only NaN
 * get `fill` (default NaN).
 *
 * @example
 * ```ts
 * import { min } from "./reduce.ts";
 * const low = min({ offsets: Int32Array.of(0, 2), content: Float32Array.of(30, 50) });
 * if (low[0] !== 30) throw new Error();
 * ```
 */
export function min(j: Jagged, options: ExtremumOptions = {}): Float64Array {
  const n = eventsOfJagged(j, "min");
  const fill = options.fill ?? NaN;
  const { offsets } = j;
  const content = numbersOf(j.content);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let found = false;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const v = content[k];
      if (v <= best) {
        best = v;
        found = true;
      }
    }
    out[i] = found ? best : fill;
  }
  return out;
}

/**
 * Event-local index of the largest value in each event (first one on ties); -1 for events
 * with no objects or only NaN, since NaN never wins.
 *
 * @example
 * ```ts
 * import { argmax } from "./reduce.ts";
 * const i = argmax({ offsets: Int32Array.of(0, 3, 3), content: Float32Array.of(30, 50, 40) });
 * if (i.join() !== "1,-1") throw new Error();
 * ```
 */
export function argmax(j: Jagged): Int32Array {
  const n = eventsOfJagged(j, "argmax");
  const { offsets } = j;
  const content = numbersOf(j.content);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const start = offsets[i];
    let best = -Infinity;
    let at = -1;
    for (let k = start; k < offsets[i + 1]; k++) {
      const v = content[k];
      if (v > best || (at < 0 && v === best)) {
        best = v;
        at = k - start;
      }
    }
    out[i] = at;
  }
  return out;
}

/**
 * Event-local index of the smallest value in each event (first one on ties); -1 for events
 * with no objects or only NaN.
 *
 * @example
 * ```ts
 * import { argmin } from "./reduce.ts";
 * const i = argmin({ offsets: Int32Array.of(0, 3), content: Float32Array.of(30, 10, 10) });
 * if (i[0] !== 1) throw new Error();
 * ```
 */
export function argmin(j: Jagged): Int32Array {
  const n = eventsOfJagged(j, "argmin");
  const { offsets } = j;
  const content = numbersOf(j.content);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const start = offsets[i];
    let best = Infinity;
    let at = -1;
    for (let k = start; k < offsets[i + 1]; k++) {
      const v = content[k];
      if (v < best || (at < 0 && v === best)) {
        best = v;
        at = k - start;
      }
    }
    out[i] = at;
  }
  return out;
}

/**
 * 1 where at least one object of the event is non-zero (NaN counts as true, as in numpy);
 * 0 for empty events.
 *
 * @example
 * ```ts
 * import { any } from "./reduce.ts";
 * const a = any({ offsets: Int32Array.of(0, 2, 2), content: Uint8Array.of(0, 1) });
 * if (a.join() !== "1,0") throw new Error();
 * ```
 */
export function any(j: Jagged): Uint8Array {
  const n = eventsOfJagged(j, "any");
  const { offsets } = j;
  const content = numbersOf(j.content);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      if (content[k] !== 0) {
        out[i] = 1;
        break;
      }
    }
  }
  return out;
}

/**
 * 1 where every object of the event is non-zero; 1 for empty events (the empty product).
 *
 * @example
 * ```ts
 * import { all } from "./reduce.ts";
 * const a = all({ offsets: Int32Array.of(0, 2, 2), content: Uint8Array.of(0, 1) });
 * if (a.join() !== "0,1") throw new Error();
 * ```
 */
export function all(j: Jagged): Uint8Array {
  const n = eventsOfJagged(j, "all");
  const { offsets } = j;
  const content = numbersOf(j.content);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let every = 1;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      if (content[k] === 0) {
        every = 0;
        break;
      }
    }
    out[i] = every;
  }
  return out;
}

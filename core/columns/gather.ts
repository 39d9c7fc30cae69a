/**
 * Picking objects by position: the leading jet, the object an index points at (argmax
 * results, NanoAOD cross-links such as `Jet_muonIdx1`), or a per-event reordering.
 * @module
 */
import type { Jagged, NumericArray } from "./types.ts";
import { checkEventLength, eventsOfJagged, numbersOf, sameTypeArray } from "./_check.ts";

/** Options of the gathering functions. */
export interface GatherOptions {
  /** Value where the requested object does not exist. Default NaN. */
  fill?: number;
}

/**
 * The value of the object at `position` in every event: 0 is the leading object, -1 the
 * last; events without that object get `fill` (default NaN).
 *
 * @example
 * ```ts
 * import { takeAt } from "./gather.ts";
 * const pt = { offsets: Int32Array.of(0, 2, 2, 3), content: Float32Array.of(50, 30, 40) };
 * const second = takeAt(pt, 1, { fill: -1 });
 * if (second.join() !== "30,-1,-1") throw new Error();
 * ```
 */
export function takeAt(j: Jagged, position: number, options: GatherOptions = {}): Float64Array {
  const n = eventsOfJagged(j, "takeAt");
  if (!Number.isInteger(position)) {
    throw new RangeError(`Cannot apply "takeAt": position ${position} is not an integer`);
  }
  const fill = options.fill ?? NaN;
  const { offsets } = j;
  const content = numbersOf(j.content);
  const out = new Float64Array(n);
  if (position >= 0) {
    // The common case (leading, subleading...): one comparison per event.
    for (let i = 0; i < n; i++) {
      const at = offsets[i] + position;
      out[i] = at < offsets[i + 1] ? content[at] : fill;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const at = offsets[i + 1] + position;
    out[i] = at >= offsets[i] ? content[at] : fill;
  }
  return out;
}

/**
 * The value of one object per event, chosen by an event-local index (e.g. from `argmax`);
 * -1 or out-of-range indices give `fill` (default NaN).
 *
 * @example
 * ```ts
 * import { gatherPerEvent } from "./gather.ts";
 * const eta = { offsets: Int32Array.of(0, 2, 3), content: Float32Array.of(0.5, -1, 2) };
 * const picked = gatherPerEvent(eta, Int32Array.of(1, -1));
 * if (picked[0] !== -1 || !Number.isNaN(picked[1])) throw new Error();
 * ```
 */
export function gatherPerEvent(
  j: Jagged,
  localIndex: Int32Array,
  options: GatherOptions = {},
): Float64Array {
  const n = eventsOfJagged(j, "gatherPerEvent");
  checkEventLength(localIndex.length, n, "gatherPerEvent", "the index");
  const fill = options.fill ?? NaN;
  const { offsets } = j;
  const content = numbersOf(j.content);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const local = localIndex[i];
    out[i] = local >= 0 && local < offsets[i + 1] - offsets[i] ? content[offsets[i] + local] : fill;
  }
  return out;
}

/**
 * Values of another collection picked per object by event-local indices: how NanoAOD
 * cross-links such as `Jet_muonIdx1` are resolved. -1 or out-of-range indices give `fill`
 * (default NaN). The result shares `localIndex.offsets` (its content has the length of
 * `localIndex.content`; entries outside the offsets span are `fill`).
 *
 * @example
 * ```ts
 * import { gatherJagged } from "./gather.ts";
 * const muonPt = { offsets: Int32Array.of(0, 2, 3), content: Float32Array.of(40, 20, 35) };
 * const jetMuonIdx = { offsets: Int32Array.of(0, 1, 3), content: Int32Array.of(1, -1, 0) };
 * const pt = gatherJagged(muonPt, jetMuonIdx);
 * if (pt.content[0] !== 20 || !Number.isNaN(pt.content[1]) || pt.content[2] !== 35) {
 *   throw new Error();
 * }
 * ```
 */
export function gatherJagged(
  target: Jagged,
  localIndex: Jagged<Int32Array>,
  options: GatherOptions = {},
): Jagged<Float64Array> {
  const n = eventsOfJagged(target, "gatherJagged");
  const m = eventsOfJagged(localIndex, "gatherJagged");
  checkEventLength(m, n, "gatherJagged", "the index");
  const fill = options.fill ?? NaN;
  const to = target.offsets;
  const content = numbersOf(target.content);
  const io = localIndex.offsets;
  const index = localIndex.content;
  const out = new Float64Array(index.length);
  if (io[0] > 0 || io[m] < index.length) out.fill(fill);
  for (let i = 0; i < n; i++) {
    const start = to[i];
    const count = to[i + 1] - start;
    for (let q = io[i]; q < io[i + 1]; q++) {
      const local = index[q];
      out[q] = local >= 0 && local < count ? content[start + local] : fill;
    }
  }
  return { offsets: io, content: out };
}

/**
 * Reorder or select the objects of each event by event-local indices (e.g. from `argsort`),
 * keeping the element type. The result shares `localIndex.offsets`. Indices must exist:
 * an out-of-range index throws, since integer columns have no NaN to fill with.
 *
 * @example
 * ```ts
 * import { take } from "./gather.ts";
 * const offsets = Int32Array.of(0, 2, 3);
 * const pt = { offsets, content: Float32Array.of(30, 50, 40) };
 * const sorted = take(pt, { offsets, content: Int32Array.of(1, 0, 0) });
 * if (sorted.content.join() !== "50,30,40") throw new Error();
 * ```
 */
export function take<T extends NumericArray>(
  j: Jagged<T>,
  localIndex: Jagged<Int32Array>,
): Jagged<T> {
  const n = eventsOfJagged(j, "take");
  const m = eventsOfJagged(localIndex, "take");
  checkEventLength(m, n, "take", "the index");
  const jo = j.offsets;
  const io = localIndex.offsets;
  const index = localIndex.content;
  const out = sameTypeArray(j.content, index.length);
  const source = j.content as unknown as Float64Array; // same element type on both sides
  const target = out as unknown as Float64Array;
  for (let i = 0; i < n; i++) {
    const start = jo[i];
    const count = jo[i + 1] - start;
    for (let q = io[i]; q < io[i + 1]; q++) {
      const local = index[q];
      if (!(local >= 0 && local < count)) {
        throw new RangeError(
          `Cannot apply "take": index ${local} is out of range for event ${i} with ${count} objects`,
        );
      }
      target[q] = source[start + local];
    }
  }
  return { offsets: io, content: out };
}

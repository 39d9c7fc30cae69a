/**
 * Test helpers (not exported from mod.ts): a seeded PRNG, random jagged arrays with the
 * awkward corners (empty events, NaN, offsets not starting at 0), and conversion to plain
 * per-event JS arrays for the naive reference computations.
 * @module
 */
import type { Jagged, NumericArray } from "./types.ts";

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shape of a random jagged array. */
export interface RandomJaggedOptions {
  events?: number;
  maxCount?: number;
  /** Fraction of values that are NaN. */
  nanFraction?: number;
  /** Junk values before offsets[0] (to exercise slices). */
  lead?: number;
  /** Junk values after offsets[last]. */
  trail?: number;
  /** Draw small integers (to create ties) instead of floats. */
  integers?: boolean;
}

/** A random Float64 jagged array and the same data as per-event JS arrays. */
export function randomJagged(
  random: () => number,
  options: RandomJaggedOptions = {},
): { jagged: Jagged<Float64Array>; lists: number[][] } {
  const events = options.events ?? 50;
  const lists: number[][] = [];
  for (let i = 0; i < events; i++) {
    const count = Math.floor(random() * ((options.maxCount ?? 6) + 1));
    const list: number[] = [];
    for (let k = 0; k < count; k++) {
      if (random() < (options.nanFraction ?? 0)) list.push(NaN);
      else list.push(options.integers ? Math.floor(random() * 5) : random() * 200 - 50);
    }
    lists.push(list);
  }
  return { jagged: fromLists(lists, options), lists };
}

/** Jagged array from per-event lists, optionally with junk around the used span. */
export function fromLists(
  lists: number[][],
  options: { lead?: number; trail?: number } = {},
): Jagged<Float64Array> {
  const lead = options.lead ?? 0;
  const total = lists.reduce((n, l) => n + l.length, 0);
  const content = new Float64Array(lead + total + (options.trail ?? 0)).fill(-999);
  const offsets = new Int32Array(lists.length + 1);
  offsets[0] = lead;
  let w = lead;
  lists.forEach((list, i) => {
    for (const v of list) content[w++] = v;
    offsets[i + 1] = w;
  });
  return { offsets, content };
}

/** A second jagged array with the same per-event counts, sharing `like`'s offsets. */
export function sameLayout(
  like: Jagged,
  value: (event: number, local: number) => number,
): { jagged: Jagged<Float64Array>; lists: number[][] } {
  const { offsets } = like;
  const content = new Float64Array(like.content.length).fill(-999);
  const lists: number[][] = [];
  for (let i = 0; i + 1 < offsets.length; i++) {
    const list: number[] = [];
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      content[k] = value(i, k - offsets[i]);
      list.push(content[k]);
    }
    lists.push(list);
  }
  return { jagged: { offsets, content }, lists };
}

/** Per-event JS arrays of a jagged array (the independent representation tests compare to). */
export function toLists(j: Jagged): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 1 < j.offsets.length; i++) {
    out.push(
      Array.from(j.content.subarray(j.offsets[i], j.offsets[i + 1]) as NumericArray, Number),
    );
  }
  return out;
}

/** Plain array of a typed array, for deepStrictEqual (which treats NaN as equal to NaN). */
export function plain(values: ArrayLike<number>): number[] {
  return Array.from(values);
}

/** True when a and b agree to a relative tolerance (or are both NaN). */
export function close(a: number, b: number, tolerance = 1e-9): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

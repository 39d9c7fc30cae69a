/**
 * Helpers shared by the ROOT reader tests: exactly rounded sums and big-endian digests,
 * computed independently of the reader's own byte swapping.
 * @module
 */
import type { Column, NumericArray } from "@ristretto/core/columns";
import { isJagged } from "@ristretto/core/columns";

/** An exactly rounded float64 running sum (Shewchuk's partials, as Python's math.fsum). */
export class ExactSum {
  #partials: number[] = [];

  add(value: number): void {
    const partials = this.#partials;
    let x = value;
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }

  /** The partials' exact sum rounded to nearest, ties to even (math.fsum's final step). */
  value(): number {
    const partials = this.#partials;
    let n = partials.length;
    let hi = 0;
    if (n > 0) {
      hi = partials[--n];
      let lo = 0;
      while (n > 0) {
        const x = hi;
        const y = partials[--n];
        hi = x + y;
        const yr = hi - x;
        lo = y - yr;
        if (lo !== 0) break;
      }
      if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
        const y = lo * 2;
        const x = hi + y;
        const yr = x - hi;
        if (y === yr) hi = x;
      }
    }
    return hi;
  }
}

/** The exactly rounded float64 sum of values. */
export function fsum(values: Iterable<number>): number {
  const sum = new ExactSum();
  for (const x of values) sum.add(x);
  return sum.value();
}

/** The flat values of a column (jagged: its content). */
export function flatValues(column: Column): NumericArray {
  return isJagged(column) ? column.content : column;
}

/**
 * Big-endian bytes of the values: each element's bytes reversed one by one from the native
 * (little-endian) representation, independently of the reader's word swaps.
 */
export function bigEndianBytes(values: NumericArray): Uint8Array {
  const size = values.BYTES_PER_ELEMENT;
  const native = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (size === 1) return native.slice();
  const out = new Uint8Array(native.length);
  for (let i = 0; i < native.length; i += size) {
    for (let k = 0; k < size; k++) out[i + k] = native[i + size - 1 - k];
  }
  return out;
}

/** Hex sha256 of bytes. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The statistics the reference files hold, computed from a column. */
export async function columnStats(column: Column): Promise<Record<string, unknown>> {
  const values = flatValues(column);
  const sum = new ExactSum();
  const big = values instanceof BigInt64Array || values instanceof BigUint64Array;
  let nan = 0;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = big ? Number(values[i]) : values[i] as number;
    if (x !== x) {
      nan++;
      continue;
    }
    sum.add(x);
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const total = sum.value();
  return {
    values: values.length,
    nan_count: nan,
    sum_nonnan: total,
    sum: nan > 0 ? "nan" : total,
    min,
    max,
    sha256: await sha256(bigEndianBytes(values)),
  };
}

/** Parses the reference's non-finite strings. */
export function refNumber(x: unknown): number {
  if (x === "nan") return NaN;
  if (x === "inf") return Infinity;
  if (x === "-inf") return -Infinity;
  if (typeof x === "boolean") return x ? 1 : 0;
  return x as number;
}

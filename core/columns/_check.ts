/**
 * Shape checks shared by the column kernels. They run once per call (O(1) or O(events)),
 * never per object, so the hot loops stay free of them.
 * @module
 */
import type { Jagged, NumberArray, NumericArray } from "./types.ts";

/** Number of events described by `offsets`, after checking it is not empty. */
export function eventsOfOffsets(offsets: Int32Array, operation: string): number {
  if (!(offsets instanceof Int32Array) || offsets.length < 1) {
    throw new RangeError(
      `Cannot apply "${operation}": offsets must be an Int32Array with at least one entry`,
    );
  }
  const n = offsets.length - 1;
  if (offsets[0] < 0 || offsets[0] > offsets[n]) {
    throw new RangeError(
      `Cannot apply "${operation}": offsets span [${offsets[0]}, ${offsets[n]}) is not valid`,
    );
  }
  return n;
}

/** Number of events of a jagged array, after checking its offsets fit its content. */
export function eventsOfJagged(j: Jagged, operation: string): number {
  const n = eventsOfOffsets(j.offsets, operation);
  const last = j.offsets[n];
  if (last > j.content.length) {
    throw new RangeError(
      `Cannot apply "${operation}": offsets span [${
        j.offsets[0]
      }, ${last}) but content has ${j.content.length} values`,
    );
  }
  return n;
}

/** Throws unless a per-event array has one entry per event. */
export function checkEventLength(
  actual: number,
  events: number,
  operation: string,
  what: string,
): void {
  if (actual !== events) {
    throw new RangeError(
      `Cannot apply "${operation}": ${what} has ${actual} entries but there are ${events} events`,
    );
  }
}

/**
 * Throws unless two offsets arrays describe the same number of objects in every event
 * (they may start at different values). Shared offsets objects pass in O(1).
 */
export function checkSameLayout(
  a: Int32Array,
  b: Int32Array,
  operation: string,
  what: string,
): void {
  if (a === b) return;
  if (a.length !== b.length) {
    throw new RangeError(
      `Cannot apply "${operation}": ${what} has ${b.length - 1} events but the array has ${
        a.length - 1
      }`,
    );
  }
  const shiftA = a[0];
  const shiftB = b[0];
  for (let i = 1; i < a.length; i++) {
    if (a[i] - shiftA !== b[i] - shiftB) {
      throw new RangeError(
        `Cannot apply "${operation}": ${what} has ${b[i] - b[i - 1]} objects in event ${
          i - 1
        } but the array has ${a[i] - a[i - 1]}`,
      );
    }
  }
}

/** The content as JavaScript numbers: 64-bit integer columns are converted (rare in NanoAOD). */
export function numbersOf(content: NumericArray): NumberArray {
  if (content instanceof BigInt64Array || content instanceof BigUint64Array) {
    return Float64Array.from(content, Number);
  }
  return content;
}

/** An empty array of the same element type, `length` long. */
export function sameTypeArray<T extends NumericArray>(like: T, length: number): T {
  const ctor = like.constructor as new (length: number) => T;
  return new ctor(length);
}

// Int32 offsets bound the number of combinations in one chunk.
const MAX_COMBINATIONS = 2 ** 31 - 1;

/** Throws when a chunk would hold more combinations than Int32 offsets can count. */
export function checkCombinationTotal(total: number, operation: string): void {
  if (total > MAX_COMBINATIONS) {
    throw new RangeError(
      `Cannot apply "${operation}": ${total} combinations exceed the 2^31-1 an Int32 offset can count; read smaller chunks`,
    );
  }
}

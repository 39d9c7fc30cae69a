/**
 * Helpers shared by the tests of this package (reference data loading, comparisons).
 * @module
 */

/**
 * JSON.parse keeping integers beyond 2^53 exact as bigint (reference vectors hold int64 inputs
 * such as 9223372036854775807).
 */
export function parseJsonWithBigInts(text: string): unknown {
  // the third reviver argument (the source text) is not in TypeScript's lib yet
  const reviver = (_key: string, value: unknown, context?: { source?: string }) => {
    if (
      typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value) &&
      context?.source !== undefined && /^-?[0-9]+$/.test(context.source)
    ) return BigInt(context.source);
    return value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

/** A reference output: a number, "nan"/"inf"/"-inf", or an error. */
export type ReferenceOutput = number | string | { error: string };

/** The reference output as a number (undefined for errors). */
export function referenceNumber(output: ReferenceOutput): number | undefined {
  if (typeof output === "number") return output;
  if (output === "nan") return NaN;
  if (output === "inf") return Infinity;
  if (output === "-inf") return -Infinity;
  return undefined;
}

/** Relative difference, 0 when identical (NaN equal to NaN, infinities equal to themselves). */
export function relativeDifference(got: number, expected: number): number {
  if (Object.is(got, expected) || got === expected) return 0;
  if (Number.isNaN(got) && Number.isNaN(expected)) return 0;
  return Math.abs(got - expected) / Math.max(Math.abs(got), Math.abs(expected));
}

/** Same number, bit for bit up to the sign of zero (NaN equals NaN). */
export function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

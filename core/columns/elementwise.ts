/**
 * Elementwise operations on flat or jagged columns (numpy's ufuncs, as awkward applies them to
 * list contents): comparisons with a number or a column of the same shape, logical and/or,
 * absolute value. A jagged result shares its input's offsets.
 * @module
 */
import type { Column, Jagged, NumberArray } from "./types.ts";
import { isJagged } from "./jagged.ts";
import { checkSameLayout } from "./_check.ts";
import { bit } from "./_bits.ts";

/** A comparison operator. */
export type Comparison = "<" | "<=" | ">" | ">=" | "==" | "!=";

type Values = NumberArray | Uint8Array;

/**
 * `a op b` per value: 1 where true. `b` is a number or a column of the same shape as `a`.
 *
 * @example
 * ```ts
 * import { compare } from "./elementwise.ts";
 * const jetPt = { offsets: Int32Array.of(0, 2, 3), content: Float32Array.of(50, 20, 35) };
 * const hard = compare(jetPt, ">", 30) as { content: Uint8Array };
 * if ([...hard.content].join() !== "1,0,1") throw new Error();
 * ```
 */
export function compare(
  a: Column,
  op: Comparison,
  b: Column | number,
  options: CompareOptions = {},
): Column {
  if (options.abs) {
    return typeof b === "number" ? compareAbs(a, op, b) : compare(abs(a), op, b);
  }
  const { left, right, shift, start, stop, out } = operands(a, b, "compare");
  if (right === undefined) {
    const y = b as number;
    switch (op) {
      case "<":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] < y);
        break;
      case "<=":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] <= y);
        break;
      case ">":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] > y);
        break;
      case ">=":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] >= y);
        break;
      case "==":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] === y);
        break;
      case "!=":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] !== y);
        break;
    }
  } else {
    switch (op) {
      case "<":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] < right[i + shift]);
        break;
      case "<=":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] <= right[i + shift]);
        break;
      case ">":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] > right[i + shift]);
        break;
      case ">=":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] >= right[i + shift]);
        break;
      case "==":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] === right[i + shift]);
        break;
      case "!=":
        for (let i = start; i < stop; i++) out[i] = bit(left[i] !== right[i + shift]);
        break;
    }
  }
  return wrap(a, out);
}

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Compare |a| instead of a (|eta| < 2.4) without materialising |a|. */
  abs?: boolean;
}

/** |a| op y with a number y, in one pass. */
function compareAbs(a: Column, op: Comparison, y: number): Column {
  const { left, start, stop, out } = operands(a, y, "compare");
  switch (op) {
    case "<":
      for (let i = start; i < stop; i++) out[i] = bit(Math.abs(left[i]) < y);
      break;
    case "<=":
      for (let i = start; i < stop; i++) out[i] = bit(Math.abs(left[i]) <= y);
      break;
    case ">":
      for (let i = start; i < stop; i++) out[i] = bit(Math.abs(left[i]) > y);
      break;
    case ">=":
      for (let i = start; i < stop; i++) out[i] = bit(Math.abs(left[i]) >= y);
      break;
    case "==":
      for (let i = start; i < stop; i++) out[i] = bit(Math.abs(left[i]) === y);
      break;
    case "!=":
      for (let i = start; i < stop; i++) out[i] = bit(Math.abs(left[i]) !== y);
      break;
  }
  return wrap(a, out);
}

/** Logical AND of two masks of the same shape (non-zero is true). */
export function logicalAnd(a: Column, b: Column): Column {
  const { left, right, shift, start, stop, out } = operands(a, b, "logicalAnd");
  for (let i = start; i < stop; i++) out[i] = bit(left[i] !== 0) & bit(right![i + shift] !== 0);
  return wrap(a, out);
}

/** Logical OR of two masks of the same shape (non-zero is true). */
export function logicalOr(a: Column, b: Column): Column {
  const { left, right, shift, start, stop, out } = operands(a, b, "logicalOr");
  for (let i = start; i < stop; i++) out[i] = bit(left[i] !== 0) | bit(right![i + shift] !== 0);
  return wrap(a, out);
}

/** |x| per value: float columns keep their type (|x| is exact), integers become Float64. */
export function abs(a: Column): Column {
  const values = (isJagged(a) ? a.content : a) as NumberArray;
  const [start, stop] = range(a, values);
  const out = values instanceof Float32Array
    ? absFloat32(values, start, stop)
    : absFloat64(values, start, stop);
  return isJagged(a) ? { offsets: a.offsets, content: out } : out;
}

// One monomorphic loop per output type: a loop writing into "Float32Array or Float64Array"
// was measured ~8x slower.
function absFloat32(values: Float32Array, start: number, stop: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = start; i < stop; i++) out[i] = Math.abs(values[i]);
  return out;
}

function absFloat64(values: NumberArray, start: number, stop: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = start; i < stop; i++) out[i] = Math.abs(values[i]);
  return out;
}

function range(a: Column, values: Values): [number, number] {
  return isJagged(a) ? [a.offsets[0], a.offsets[a.offsets.length - 1]] : [0, values.length];
}

function wrap(a: Column, out: Uint8Array): Column {
  return isJagged(a) ? { offsets: a.offsets, content: out } : out;
}

/** The typed arrays behind two operands, checked to line up. */
function operands(a: Column, b: Column | number, operation: string) {
  const left = (isJagged(a) ? a.content : a) as Values;
  const [start, stop] = range(a, left);
  const out = new Uint8Array(left.length);
  if (typeof b === "number") return { left, right: undefined, shift: 0, start, stop, out };
  if (isJagged(a) !== isJagged(b)) {
    throw new RangeError(`Cannot apply "${operation}": one operand is jagged and the other flat`);
  }
  if (isJagged(a)) checkSameLayout(a.offsets, (b as Jagged).offsets, operation, "right operand");
  else if ((b as Values).length !== left.length) {
    throw new RangeError(
      `Cannot apply "${operation}": ${left.length} and ${(b as Values).length} values`,
    );
  }
  const right = (isJagged(b) ? b.content : b) as Values;
  // Same layout, but the right content may start elsewhere: index it by its own offsets.
  const shift = isJagged(b) ? (b as Jagged).offsets[0] - start : 0;
  return { left, right, shift, start, stop, out };
}

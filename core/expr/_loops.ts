// The tight loops the kernels are made of. Every loop reads and writes Float64Array registers
// only (booleans as 0/1), so each loop site stays monomorphic; the operator is chosen once per
// block by the switch, outside the loop.
import type { BinaryOperator } from "./ast.ts";
import type { NumberArray } from "../columns/types.ts";
import { type MathFunction, wrapDeltaPhi } from "./_scalar.ts";
import { bit } from "../columns/_bits.ts";

type F64 = Float64Array;

/** out[k] = a[i + k] op b[j + k] for k < n (registers, or columns read in place). */
export function binaryLoop(
  op: BinaryOperator,
  a: NumberArray,
  i: number,
  b: NumberArray,
  j: number,
  out: F64,
  n: number,
): void {
  switch (op) {
    case "+":
      for (let k = 0; k < n; k++) out[k] = a[i + k] + b[j + k];
      return;
    case "-":
      for (let k = 0; k < n; k++) out[k] = a[i + k] - b[j + k];
      return;
    case "*":
      for (let k = 0; k < n; k++) out[k] = a[i + k] * b[j + k];
      return;
    case "/":
      for (let k = 0; k < n; k++) out[k] = a[i + k] / b[j + k];
      return;
    case "%":
      for (let k = 0; k < n; k++) out[k] = a[i + k] % b[j + k];
      return;
    case "**":
      for (let k = 0; k < n; k++) out[k] = a[i + k] ** b[j + k];
      return;
    case "<":
      for (let k = 0; k < n; k++) out[k] = bit(a[i + k] < b[j + k]);
      return;
    case "<=":
      for (let k = 0; k < n; k++) out[k] = bit(a[i + k] <= b[j + k]);
      return;
    case ">":
      for (let k = 0; k < n; k++) out[k] = bit(a[i + k] > b[j + k]);
      return;
    case ">=":
      for (let k = 0; k < n; k++) out[k] = bit(a[i + k] >= b[j + k]);
      return;
    case "==":
      for (let k = 0; k < n; k++) out[k] = bit(a[i + k] === b[j + k]);
      return;
    case "!=":
      for (let k = 0; k < n; k++) {
        const x = a[i + k];
        const y = b[j + k];
        out[k] = bit(x !== y) & bit(x === x) & bit(y === y);
      }
      return;
    // Operands of && and || are already 0/1.
    case "&&":
      for (let k = 0; k < n; k++) out[k] = a[i + k] * b[j + k];
      return;
    case "||":
      for (let k = 0; k < n; k++) out[k] = bit(a[i + k] + b[j + k] > 0);
      return;
  }
}

/**
 * out[k] = a[start + k] op s (or s op a[start + k] when `scalarLeft`) for k < n. `a` may be a
 * register or a column read in place (saving a copy pass).
 */
export function binaryScalarLoop(
  op: BinaryOperator,
  a: NumberArray,
  start: number,
  s: number,
  scalarLeft: boolean,
  out: F64,
  n: number,
): void {
  // Mirror comparisons so only one direction needs loops: s < a  <=>  a > s.
  if (scalarLeft) {
    switch (op) {
      case "<":
        op = ">";
        break;
      case "<=":
        op = ">=";
        break;
      case ">":
        op = "<";
        break;
      case ">=":
        op = "<=";
        break;
      case "-":
        for (let k = 0; k < n; k++) out[k] = s - a[start + k];
        return;
      case "/":
        for (let k = 0; k < n; k++) out[k] = s / a[start + k];
        return;
      case "%":
        for (let k = 0; k < n; k++) out[k] = s % a[start + k];
        return;
      case "**":
        for (let k = 0; k < n; k++) out[k] = s ** a[start + k];
        return;
    }
  }
  switch (op) {
    case "+":
      for (let k = 0; k < n; k++) out[k] = a[start + k] + s;
      return;
    case "-":
      for (let k = 0; k < n; k++) out[k] = a[start + k] - s;
      return;
    case "*":
      for (let k = 0; k < n; k++) out[k] = a[start + k] * s;
      return;
    case "/":
      for (let k = 0; k < n; k++) out[k] = a[start + k] / s;
      return;
    case "%":
      for (let k = 0; k < n; k++) out[k] = a[start + k] % s;
      return;
    case "**":
      if (s === 2) {
        for (let k = 0; k < n; k++) out[k] = a[start + k] * a[start + k];
      } else {
        for (let k = 0; k < n; k++) out[k] = a[start + k] ** s;
      }
      return;
    case "<":
      for (let k = 0; k < n; k++) out[k] = bit(a[start + k] < s);
      return;
    case "<=":
      for (let k = 0; k < n; k++) out[k] = bit(a[start + k] <= s);
      return;
    case ">":
      for (let k = 0; k < n; k++) out[k] = bit(a[start + k] > s);
      return;
    case ">=":
      for (let k = 0; k < n; k++) out[k] = bit(a[start + k] >= s);
      return;
    case "==":
      for (let k = 0; k < n; k++) out[k] = bit(a[start + k] === s);
      return;
    case "!=":
      for (let k = 0; k < n; k++) {
        const x = a[start + k];
        out[k] = bit(x !== s) & bit(x === x) & bit(s === s);
      }
      return;
    case "&&":
      if (s) { for (let k = 0; k < n; k++) out[k] = a[start + k]; }
      else out.fill(0, 0, n);
      return;
    case "||":
      if (s) out.fill(1, 0, n);
      else for (let k = 0; k < n; k++) out[k] = a[start + k];
      return;
  }
}

/** out[k] = fn(a[i + k]) (or fn(a[i + k], b[j + k]) for two-argument functions) for k < n. */
export function mathLoop(
  fn: MathFunction,
  a: NumberArray,
  i: number,
  b: NumberArray | undefined,
  j: number,
  out: F64,
  n: number,
): void {
  switch (fn) {
    case "abs":
      for (let k = 0; k < n; k++) out[k] = Math.abs(a[i + k]);
      return;
    case "sqrt":
      for (let k = 0; k < n; k++) out[k] = Math.sqrt(a[i + k]);
      return;
    case "exp":
      for (let k = 0; k < n; k++) out[k] = Math.exp(a[i + k]);
      return;
    case "log":
      for (let k = 0; k < n; k++) out[k] = Math.log(a[i + k]);
      return;
    case "log10":
      for (let k = 0; k < n; k++) out[k] = Math.log10(a[i + k]);
      return;
    case "cos":
      for (let k = 0; k < n; k++) out[k] = Math.cos(a[i + k]);
      return;
    case "sin":
      for (let k = 0; k < n; k++) out[k] = Math.sin(a[i + k]);
      return;
    case "tan":
      for (let k = 0; k < n; k++) out[k] = Math.tan(a[i + k]);
      return;
    case "acos":
      for (let k = 0; k < n; k++) out[k] = Math.acos(a[i + k]);
      return;
    case "asin":
      for (let k = 0; k < n; k++) out[k] = Math.asin(a[i + k]);
      return;
    case "atan":
      for (let k = 0; k < n; k++) out[k] = Math.atan(a[i + k]);
      return;
    case "cosh":
      for (let k = 0; k < n; k++) out[k] = Math.cosh(a[i + k]);
      return;
    case "sinh":
      for (let k = 0; k < n; k++) out[k] = Math.sinh(a[i + k]);
      return;
    case "tanh":
      for (let k = 0; k < n; k++) out[k] = Math.tanh(a[i + k]);
      return;
    case "floor":
      for (let k = 0; k < n; k++) out[k] = Math.floor(a[i + k]);
      return;
    case "ceil":
      for (let k = 0; k < n; k++) out[k] = Math.ceil(a[i + k]);
      return;
    case "round":
      for (let k = 0; k < n; k++) out[k] = Math.round(a[i + k]);
      return;
  }
  const c = b!;
  switch (fn) {
    case "atan2":
      for (let k = 0; k < n; k++) out[k] = Math.atan2(a[i + k], c[j + k]);
      return;
    case "pow":
      for (let k = 0; k < n; k++) out[k] = a[i + k] ** c[j + k];
      return;
    case "min":
      for (let k = 0; k < n; k++) out[k] = Math.min(a[i + k], c[j + k]);
      return;
    case "max":
      for (let k = 0; k < n; k++) out[k] = Math.max(a[i + k], c[j + k]);
      return;
    case "deltaPhi":
      for (let k = 0; k < n; k++) out[k] = wrapDeltaPhi(a[i + k], c[j + k]);
      return;
  }
}

/** out[k] = |a[start + k]| op s for an ordering op: the usual `abs(eta) < 2.4` in one pass. */
export function absCompareLoop(
  op: "<" | "<=" | ">" | ">=",
  a: NumberArray,
  start: number,
  s: number,
  out: F64,
  n: number,
): void {
  switch (op) {
    case "<":
      for (let k = 0; k < n; k++) out[k] = bit(Math.abs(a[start + k]) < s);
      return;
    case "<=":
      for (let k = 0; k < n; k++) out[k] = bit(Math.abs(a[start + k]) <= s);
      return;
    case ">":
      for (let k = 0; k < n; k++) out[k] = bit(Math.abs(a[start + k]) > s);
      return;
    case ">=":
      for (let k = 0; k < n; k++) out[k] = bit(Math.abs(a[start + k]) >= s);
      return;
  }
}

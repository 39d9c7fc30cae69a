// The tight loops the kernels are made of. Every loop reads and writes Float64Array registers
// only (booleans as 0/1), so each loop site stays monomorphic; the operator is chosen once per
// block by the switch, outside the loop.
import type { BinaryOperator } from "./ast.ts";
import type { NumberArray } from "../columns/types.ts";
import { type MathFunction, wrapDeltaPhi } from "./_scalar.ts";

type F64 = Float64Array;

/**
 * A condition as 0/1 without a branch: `cond ? 1 : 0` compiles to a jump that mispredicts on
 * random data (measured ~10x slower on cuts like `pt > 30`); `bool | 0` compiles to a set.
 */
export function bit(condition: boolean): number {
  return (condition as unknown as number) | 0;
}

/** out[k] = a[k] op b[k] for k < n. */
export function binaryLoop(op: BinaryOperator, a: F64, b: F64, out: F64, n: number): void {
  switch (op) {
    case "+":
      for (let k = 0; k < n; k++) out[k] = a[k] + b[k];
      return;
    case "-":
      for (let k = 0; k < n; k++) out[k] = a[k] - b[k];
      return;
    case "*":
      for (let k = 0; k < n; k++) out[k] = a[k] * b[k];
      return;
    case "/":
      for (let k = 0; k < n; k++) out[k] = a[k] / b[k];
      return;
    case "%":
      for (let k = 0; k < n; k++) out[k] = a[k] % b[k];
      return;
    case "**":
      for (let k = 0; k < n; k++) out[k] = a[k] ** b[k];
      return;
    case "<":
      for (let k = 0; k < n; k++) out[k] = bit(a[k] < b[k]);
      return;
    case "<=":
      for (let k = 0; k < n; k++) out[k] = bit(a[k] <= b[k]);
      return;
    case ">":
      for (let k = 0; k < n; k++) out[k] = bit(a[k] > b[k]);
      return;
    case ">=":
      for (let k = 0; k < n; k++) out[k] = bit(a[k] >= b[k]);
      return;
    case "==":
      for (let k = 0; k < n; k++) out[k] = bit(a[k] === b[k]);
      return;
    case "!=":
      for (let k = 0; k < n; k++) {
        const x = a[k];
        const y = b[k];
        out[k] = bit(x !== y) & bit(x === x) & bit(y === y);
      }
      return;
    // Operands of && and || are already 0/1.
    case "&&":
      for (let k = 0; k < n; k++) out[k] = a[k] * b[k];
      return;
    case "||":
      for (let k = 0; k < n; k++) out[k] = bit(a[k] + b[k] > 0);
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

/** out[k] = fn(a[k]) (or fn(a[k], b[k]) for two-argument functions) for k < n. */
export function mathLoop(fn: MathFunction, a: F64, b: F64 | undefined, out: F64, n: number): void {
  switch (fn) {
    case "abs":
      for (let k = 0; k < n; k++) out[k] = Math.abs(a[k]);
      return;
    case "sqrt":
      for (let k = 0; k < n; k++) out[k] = Math.sqrt(a[k]);
      return;
    case "exp":
      for (let k = 0; k < n; k++) out[k] = Math.exp(a[k]);
      return;
    case "log":
      for (let k = 0; k < n; k++) out[k] = Math.log(a[k]);
      return;
    case "log10":
      for (let k = 0; k < n; k++) out[k] = Math.log10(a[k]);
      return;
    case "cos":
      for (let k = 0; k < n; k++) out[k] = Math.cos(a[k]);
      return;
    case "sin":
      for (let k = 0; k < n; k++) out[k] = Math.sin(a[k]);
      return;
    case "tan":
      for (let k = 0; k < n; k++) out[k] = Math.tan(a[k]);
      return;
    case "acos":
      for (let k = 0; k < n; k++) out[k] = Math.acos(a[k]);
      return;
    case "asin":
      for (let k = 0; k < n; k++) out[k] = Math.asin(a[k]);
      return;
    case "atan":
      for (let k = 0; k < n; k++) out[k] = Math.atan(a[k]);
      return;
    case "cosh":
      for (let k = 0; k < n; k++) out[k] = Math.cosh(a[k]);
      return;
    case "sinh":
      for (let k = 0; k < n; k++) out[k] = Math.sinh(a[k]);
      return;
    case "tanh":
      for (let k = 0; k < n; k++) out[k] = Math.tanh(a[k]);
      return;
    case "floor":
      for (let k = 0; k < n; k++) out[k] = Math.floor(a[k]);
      return;
    case "ceil":
      for (let k = 0; k < n; k++) out[k] = Math.ceil(a[k]);
      return;
    case "round":
      for (let k = 0; k < n; k++) out[k] = Math.round(a[k]);
      return;
  }
  const c = b!;
  switch (fn) {
    case "atan2":
      for (let k = 0; k < n; k++) out[k] = Math.atan2(a[k], c[k]);
      return;
    case "pow":
      for (let k = 0; k < n; k++) out[k] = a[k] ** c[k];
      return;
    case "min":
      for (let k = 0; k < n; k++) out[k] = Math.min(a[k], c[k]);
      return;
    case "max":
      for (let k = 0; k < n; k++) out[k] = Math.max(a[k], c[k]);
      return;
    case "deltaPhi":
      for (let k = 0; k < n; k++) out[k] = wrapDeltaPhi(a[k], c[k]);
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

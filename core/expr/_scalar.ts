// Scalar semantics shared by constant folding (check.ts) and the kernels (compile.ts), so a
// folded constant and a computed column always agree.
import type { BinaryOperator } from "./ast.ts";

/** Elementwise functions of one or two numbers, with their arity. */
export const MATH_FUNCTIONS: ReadonlyMap<string, number> = new Map([
  ["abs", 1],
  ["sqrt", 1],
  ["exp", 1],
  ["log", 1],
  ["log10", 1],
  ["cos", 1],
  ["sin", 1],
  ["tan", 1],
  ["acos", 1],
  ["asin", 1],
  ["atan", 1],
  ["cosh", 1],
  ["sinh", 1],
  ["tanh", 1],
  ["floor", 1],
  ["ceil", 1],
  ["round", 1],
  ["atan2", 2],
  ["pow", 2],
  ["min", 2],
  ["max", 2],
  ["deltaPhi", 2],
]);

export type MathFunction =
  | "abs"
  | "sqrt"
  | "exp"
  | "log"
  | "log10"
  | "cos"
  | "sin"
  | "tan"
  | "acos"
  | "asin"
  | "atan"
  | "cosh"
  | "sinh"
  | "tanh"
  | "floor"
  | "ceil"
  | "round"
  | "atan2"
  | "pow"
  | "min"
  | "max"
  | "deltaPhi";

const TWO_PI = 2 * Math.PI;

/** phi1 - phi2 wrapped into [-pi, pi]. */
export function wrapDeltaPhi(phi1: number, phi2: number): number {
  const d = phi1 - phi2;
  return d - TWO_PI * Math.round(d / TWO_PI);
}

/** Comparisons are false when either side is NaN (a missing object), `!=` included. */
export function applyBinary(op: BinaryOperator, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "%":
      return a % b;
    case "**":
      return a ** b;
    case "<":
      return a < b ? 1 : 0;
    case "<=":
      return a <= b ? 1 : 0;
    case ">":
      return a > b ? 1 : 0;
    case ">=":
      return a >= b ? 1 : 0;
    case "==":
      return a === b ? 1 : 0;
    case "!=":
      return a !== b && a === a && b === b ? 1 : 0;
    case "&&":
      return a && b ? 1 : 0;
    case "||":
      return a || b ? 1 : 0;
  }
}

/** Math.min/max propagate NaN, which is what a missing object should do. */
export function applyMath(fn: MathFunction, a: number, b: number): number {
  switch (fn) {
    case "abs":
      return Math.abs(a);
    case "sqrt":
      return Math.sqrt(a);
    case "exp":
      return Math.exp(a);
    case "log":
      return Math.log(a);
    case "log10":
      return Math.log10(a);
    case "cos":
      return Math.cos(a);
    case "sin":
      return Math.sin(a);
    case "tan":
      return Math.tan(a);
    case "acos":
      return Math.acos(a);
    case "asin":
      return Math.asin(a);
    case "atan":
      return Math.atan(a);
    case "cosh":
      return Math.cosh(a);
    case "sinh":
      return Math.sinh(a);
    case "tanh":
      return Math.tanh(a);
    case "floor":
      return Math.floor(a);
    case "ceil":
      return Math.ceil(a);
    case "round":
      return Math.round(a);
    case "atan2":
      return Math.atan2(a, b);
    case "pow":
      return a ** b;
    case "min":
      return Math.min(a, b);
    case "max":
      return Math.max(a, b);
    case "deltaPhi":
      return wrapDeltaPhi(a, b);
  }
}

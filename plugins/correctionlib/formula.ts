/**
 * correctionlib's TFormula subset: a parser to an AST (once per expression) and a compiler of
 * that AST to a closure tree. User text is never handed to eval or new Function.
 *
 * The grammar is correctionlib's (schema v2):
 * - binary operators, loosest first: `== !=`, `> < >= <=`, `+ -`, `* /` (all left-associative),
 *   then `^` (power, right-associative);
 * - unary minus applies to the atom right after it, so `-x^2` is `(-x)^2`, and a literal may
 *   carry its own sign (`-2^2` is 4), exactly as correctionlib parses them;
 * - literals `12`, `1.5`, `2.`, `1e-3` (no leading dot, no `E`, no `+` in the exponent);
 * - parameters `[i]`, variables `x y z t` (the formula's `variables` list, in order);
 * - functions log log10 exp erf sqrt abs cos sin tan acos asin atan cosh sinh tanh acosh asinh
 *   atanh (one argument) and atan2 pow max min (two).
 * As an extension (C++ correctionlib 2.9 rejects them), `TMath::` spellings of these functions
 * (`TMath::Exp`, `TMath::Power`, `TMath::Max`, ...) and `TMath::Pi()` are accepted;
 * {@link formulaUsesExtensions} tells a validator to warn about them.
 * @module
 */
import { CorrectionError } from "./errors.ts";
import { cppMax, cppMin, cppPow, erf } from "./_math.ts";

/** Functions of one argument. */
export type UnaryFunction =
  | "log"
  | "log10"
  | "exp"
  | "erf"
  | "sqrt"
  | "abs"
  | "cos"
  | "sin"
  | "tan"
  | "acos"
  | "asin"
  | "atan"
  | "cosh"
  | "sinh"
  | "tanh"
  | "acosh"
  | "asinh"
  | "atanh";

/** Functions of two arguments. */
export type BinaryFunction = "atan2" | "pow" | "max" | "min";

/** Infix operators. `^` is power. */
export type BinaryOperator = "==" | "!=" | ">" | "<" | ">=" | "<=" | "+" | "-" | "*" | "/" | "^";

/** A node of a parsed formula. */
export type FormulaNode =
  | { readonly kind: "literal"; readonly value: number }
  /** `index` 0..3 for x, y, z, t. */
  | { readonly kind: "variable"; readonly index: number }
  | { readonly kind: "parameter"; readonly index: number }
  | { readonly kind: "negate"; readonly arg: FormulaNode }
  | { readonly kind: "call1"; readonly fn: UnaryFunction; readonly arg: FormulaNode }
  | {
    readonly kind: "call2";
    readonly fn: BinaryFunction;
    readonly left: FormulaNode;
    readonly right: FormulaNode;
  }
  | {
    readonly kind: "binary";
    readonly op: BinaryOperator;
    readonly left: FormulaNode;
    readonly right: FormulaNode;
  };

const UNARY_FUNCTIONS: ReadonlySet<string> = new Set([
  "log",
  "log10",
  "exp",
  "erf",
  "sqrt",
  "abs",
  "cos",
  "sin",
  "tan",
  "acos",
  "asin",
  "atan",
  "cosh",
  "sinh",
  "tanh",
  "acosh",
  "asinh",
  "atanh",
]);
const BINARY_FUNCTIONS: ReadonlySet<string> = new Set(["atan2", "pow", "max", "min"]);

/** `TMath::` spellings accepted as an extension, mapped to correctionlib's names. */
const TMATH_ALIASES: Readonly<Record<string, string>> = {
  Log: "log",
  Log10: "log10",
  Exp: "exp",
  Erf: "erf",
  Sqrt: "sqrt",
  Abs: "abs",
  Cos: "cos",
  Sin: "sin",
  Tan: "tan",
  ACos: "acos",
  ASin: "asin",
  ATan: "atan",
  CosH: "cosh",
  SinH: "sinh",
  TanH: "tanh",
  ACosH: "acosh",
  ASinH: "asinh",
  ATanH: "atanh",
  ATan2: "atan2",
  Power: "pow",
  Max: "max",
  Min: "min",
};

/** Binding power of each infix operator (higher binds tighter). */
const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  "==": 1,
  "!=": 1,
  ">": 2,
  "<": 2,
  ">=": 2,
  "<=": 2,
  "+": 3,
  "-": 3,
  "*": 4,
  "/": 4,
  "^": 5,
};

/** Options of {@link parseFormula}. */
export interface ParseFormulaOptions {
  /** Accept `TMath::` aliases (default true). */
  readonly tmath?: boolean;
  /** Prefix of the error message, e.g. the JSON path of the formula. */
  readonly where?: string;
}

class Parser {
  pos = 0;
  usedExtension = false;
  constructor(readonly text: string, readonly tmath: boolean, readonly where: string) {}

  fail(message: string, at = this.pos): never {
    const column = at + 1;
    const caret = " ".repeat(at) + "^";
    throw new CorrectionError(
      "CORRECTION_FORMULA",
      `Cannot parse formula${
        this.where ? ` at ${this.where}` : ""
      }: ${message} at column ${column}` +
        `\n  ${this.text}\n  ${caret}`,
      { column },
    );
  }

  skipSpace(): void {
    // correctionlib's grammar allows only spaces and tabs between tokens
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c !== " " && c !== "\t") break;
      this.pos++;
    }
  }

  describeHere(): string {
    if (this.pos >= this.text.length) return "end of expression";
    return `"${this.text[this.pos]}"`;
  }

  parseExpression(minPrecedence: number): FormulaNode {
    let left = this.parseAtom();
    for (;;) {
      this.skipSpace();
      const op = this.peekOperator();
      if (op === undefined) return left;
      const precedence = PRECEDENCE[op];
      if (precedence < minPrecedence) return left;
      this.pos += op.length;
      // left-associative operators parse their right side one level tighter; `^` is right-assoc
      const right = this.parseExpression(op === "^" ? precedence : precedence + 1);
      left = { kind: "binary", op, left, right };
    }
  }

  peekOperator(): BinaryOperator | undefined {
    const two = this.text.slice(this.pos, this.pos + 2);
    if (two === "==" || two === "!=" || two === ">=" || two === "<=") return two;
    const one = this.text[this.pos];
    if (
      one === ">" || one === "<" || one === "+" || one === "-" || one === "*" || one === "/" ||
      one === "^"
    ) return one;
    return undefined;
  }

  /** ATOM <- LITERAL / UATOM ; UATOM <- '-'? (call / name / '(' EXPRESSION ')') */
  parseAtom(): FormulaNode {
    this.skipSpace();
    const literal = this.tryLiteral();
    if (literal !== undefined) return literal;
    if (this.text[this.pos] === "-") {
      this.pos++;
      this.skipSpace();
      return { kind: "negate", arg: this.parsePrimary() };
    }
    return this.parsePrimary();
  }

  tryLiteral(): FormulaNode | undefined {
    const match = /^-?[0-9]+(?:\.[0-9]*)?(?:e-?[0-9]+)?/.exec(this.text.slice(this.pos));
    if (!match) return undefined;
    this.pos += match[0].length;
    return { kind: "literal", value: Number(match[0]) };
  }

  parsePrimary(): FormulaNode {
    this.skipSpace();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === "(") {
      this.pos++;
      const inner = this.parseExpression(1);
      this.expect(")");
      return inner;
    }
    if (c === "[") {
      const match = /^\[[ \t]*([0-9]+)[ \t]*\]/.exec(this.text.slice(this.pos));
      if (!match) this.fail("expected a parameter like [0]");
      this.pos += match[0].length;
      return { kind: "parameter", index: Number(match[1]) };
    }
    const word = /^(?:TMath::)?[A-Za-z_][A-Za-z_0-9]*/.exec(this.text.slice(this.pos));
    if (!word) this.fail(`unexpected ${this.describeHere()}`);
    let name = word[0];
    this.pos += name.length;
    if (name.startsWith("TMath::")) {
      const alias = name.slice(7);
      if (!this.tmath) this.fail(`unknown function "${name}"`, start);
      if (alias === "Pi") {
        this.expect("(");
        this.expect(")");
        this.usedExtension = true;
        return { kind: "literal", value: Math.PI };
      }
      const mapped = TMATH_ALIASES[alias];
      if (mapped === undefined) this.fail(`unknown function "${name}"`, start);
      this.usedExtension = true;
      name = mapped;
    }
    if (UNARY_FUNCTIONS.has(name)) {
      this.expect("(", `expected "(" after ${name}`);
      const arg = this.parseExpression(1);
      this.expect(")");
      return { kind: "call1", fn: name as UnaryFunction, arg };
    }
    if (BINARY_FUNCTIONS.has(name)) {
      this.expect("(", `expected "(" after ${name}`);
      const left = this.parseExpression(1);
      this.expect(",", `expected "," between the two arguments of ${name}`);
      const right = this.parseExpression(1);
      this.expect(")");
      return { kind: "call2", fn: name as BinaryFunction, left, right };
    }
    if (name.length === 1 && "xyzt".includes(name)) {
      return { kind: "variable", index: "xyzt".indexOf(name) };
    }
    // a name that starts with a variable letter but goes on (e.g. "xy") is not a formula name
    this.fail(`unknown name "${name}"`, start);
  }

  expect(token: string, message?: string): void {
    this.skipSpace();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return;
    }
    this.fail(message ?? `expected "${token}" but found ${this.describeHere()}`);
  }
}

/** A parsed formula and whether it relies on the TMath extension. */
export interface ParsedFormula {
  readonly ast: FormulaNode;
  /** True when `TMath::` spellings were used (C++ correctionlib would reject the file). */
  readonly usesExtensions: boolean;
}

/**
 * Parses a TFormula expression as correctionlib does.
 * @throws CorrectionError (code CORRECTION_FORMULA) with the 1-based column of the problem.
 */
export function parseFormula(expression: string, options: ParseFormulaOptions = {}): FormulaNode {
  return parseFormulaDetailed(expression, options).ast;
}

/** {@link parseFormula}, also telling whether extensions were used. */
export function parseFormulaDetailed(
  expression: string,
  options: ParseFormulaOptions = {},
): ParsedFormula {
  const parser = new Parser(expression, options.tmath ?? true, options.where ?? "");
  const ast = parser.parseExpression(1);
  parser.skipSpace();
  if (parser.pos < expression.length) parser.fail(`unexpected ${parser.describeHere()}`);
  return { ast, usesExtensions: parser.usedExtension };
}

/** True when the expression parses only thanks to the `TMath::` extension. */
export function formulaUsesExtensions(expression: string): boolean {
  return parseFormulaDetailed(expression).usesExtensions;
}

/** The highest variable index (0 for x .. 3 for t) and parameter index used, or -1. */
export function formulaUsage(ast: FormulaNode): { maxVariable: number; maxParameter: number } {
  let maxVariable = -1;
  let maxParameter = -1;
  const walk = (node: FormulaNode): void => {
    switch (node.kind) {
      case "variable":
        maxVariable = Math.max(maxVariable, node.index);
        break;
      case "parameter":
        maxParameter = Math.max(maxParameter, node.index);
        break;
      case "negate":
      case "call1":
        walk(node.arg);
        break;
      case "call2":
      case "binary":
        walk(node.left);
        walk(node.right);
        break;
    }
  };
  walk(ast);
  return { maxVariable, maxParameter };
}

/** The C function behind a one-argument formula function. */
export function unaryFunction(fn: UnaryFunction): (x: number) => number {
  switch (fn) {
    case "log":
      return Math.log;
    case "log10":
      return Math.log10;
    case "exp":
      return Math.exp;
    case "erf":
      return erf;
    case "sqrt":
      return Math.sqrt;
    case "abs":
      return Math.abs;
    case "cos":
      return Math.cos;
    case "sin":
      return Math.sin;
    case "tan":
      return Math.tan;
    case "acos":
      return Math.acos;
    case "asin":
      return Math.asin;
    case "atan":
      return Math.atan;
    case "cosh":
      return Math.cosh;
    case "sinh":
      return Math.sinh;
    case "tanh":
      return Math.tanh;
    case "acosh":
      return Math.acosh;
    case "asinh":
      return Math.asinh;
    case "atanh":
      return Math.atanh;
  }
}

/** The C function behind a two-argument formula function or infix operator. */
export function binaryFunction(
  fn: BinaryFunction | BinaryOperator,
): (a: number, b: number) => number {
  switch (fn) {
    case "atan2":
      return Math.atan2;
    case "pow":
    case "^":
      return cppPow;
    case "max":
      return cppMax;
    case "min":
      return cppMin;
    case "==":
      return (a, b) => a === b ? 1 : 0;
    case "!=":
      return (a, b) => a !== b ? 1 : 0;
    case ">":
      return (a, b) => a > b ? 1 : 0;
    case "<":
      return (a, b) => a < b ? 1 : 0;
    case ">=":
      return (a, b) => a >= b ? 1 : 0;
    case "<=":
      return (a, b) => a <= b ? 1 : 0;
    case "+":
      return (a, b) => a + b;
    case "-":
      return (a, b) => a - b;
    case "*":
      return (a, b) => a * b;
    case "/":
      return (a, b) => a / b;
  }
}

/**
 * A compiled formula: reads variable k from `values[variables[k]]` and parameter i from
 * `parameters[i]`, so one compiled tree serves every formularef node of a generic formula.
 */
export type ScalarFormula = (values: ArrayLike<unknown>, parameters: readonly number[]) => number;

/**
 * Compiles a formula AST to a closure tree, binding variables x..t to `variables` (positions in
 * the values array).
 */
export function compileFormula(ast: FormulaNode, variables: readonly number[]): ScalarFormula {
  const build = (node: FormulaNode): ScalarFormula => {
    switch (node.kind) {
      case "literal": {
        const value = node.value;
        return () => value;
      }
      case "parameter": {
        const index = node.index;
        return (_values, parameters) => parameters[index];
      }
      case "variable": {
        const position = variables[node.index];
        return (values) => values[position] as number;
      }
      case "negate": {
        const arg = build(node.arg);
        return (values, parameters) => -arg(values, parameters);
      }
      case "call1": {
        const arg = build(node.arg);
        const fn = unaryFunction(node.fn);
        return (values, parameters) => fn(arg(values, parameters));
      }
      case "call2":
      case "binary": {
        const left = build(node.left);
        const right = build(node.right);
        const fn = binaryFunction(node.kind === "call2" ? node.fn : node.op);
        return (values, parameters) => fn(left(values, parameters), right(values, parameters));
      }
    }
  };
  return build(ast);
}

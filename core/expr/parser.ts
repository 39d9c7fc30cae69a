import type { BinaryOperator, ExprNode, Span } from "./ast.ts";
import { ExprError } from "./error.ts";
import { type Token, tokenize } from "./lexer.ts";

// Binding power of each binary operator (higher binds tighter). `**` is handled separately
// (right-associative, above unary minus on its left: -2**2 == -4, as in Python).
const PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

const COMPARISON_LEVELS = new Set([3, 4]);

// Keyword spellings of the logical operators.
const KEYWORD_OPERATORS: Record<string, string> = { and: "&&", or: "||" };
const MAX_DEPTH = 200;
const RESERVED = new Set(["and", "or", "not", "true", "false"]);

function describe(token: Token): string {
  return token.kind === "end" ? "the end of the expression" : `"${token.text}"`;
}

class Parser {
  readonly #source: string;
  readonly #tokens: Token[];
  #position = 0;
  #depth = 0;

  constructor(source: string) {
    this.#source = source;
    this.#tokens = tokenize(source);
  }

  parse(): ExprNode {
    if (this.#peek().kind === "end") {
      throw this.#error({ start: 1, end: this.#source.length + 1 }, "empty expression");
    }
    const node = this.#expression(0);
    const next = this.#peek();
    if (next.kind !== "end") {
      const reason = next.text === ")"
        ? 'unbalanced ")" (no matching "(")'
        : `unexpected ${describe(next)} after a complete expression`;
      throw this.#error(next, reason);
    }
    return node;
  }

  #peek(): Token {
    return this.#tokens[this.#position];
  }

  #next(): Token {
    return this.#tokens[this.#position++];
  }

  #error(span: Span, reason: string): ExprError {
    return new ExprError("EXPR_SYNTAX", { source: this.#source, span, reason });
  }

  #binaryOperator(token: Token): string | undefined {
    if (token.kind === "operator" && Object.hasOwn(PRECEDENCE, token.text)) return token.text;
    if (token.kind === "identifier" && Object.hasOwn(KEYWORD_OPERATORS, token.text)) {
      return KEYWORD_OPERATORS[token.text];
    }
    return undefined;
  }

  // Precedence climbing: parse operands binding tighter than `minimum`, then fold operators.
  #expression(minimum: number): ExprNode {
    let left = this.#unary();
    let previousComparison: Token | undefined;
    for (;;) {
      const token = this.#peek();
      const operator = this.#binaryOperator(token);
      if (operator === undefined) break;
      const precedence = PRECEDENCE[operator];
      if (precedence <= minimum) break;
      this.#next();
      if (COMPARISON_LEVELS.has(precedence)) {
        if (
          previousComparison !== undefined && PRECEDENCE[previousComparison.text] === precedence
        ) {
          throw this.#error(
            token,
            `comparisons cannot be chained ("${previousComparison.text}" then "${token.text}"); ` +
              "write (a < b) && (b < c)",
          );
        }
        previousComparison = token;
      }
      const right = this.#expression(precedence);
      left = {
        kind: "binary",
        operator: operator as BinaryOperator,
        left,
        right,
        operatorSpan: { start: token.start, end: token.end },
        span: { start: left.span.start, end: right.span.end },
      };
    }
    return left;
  }

  #unary(): ExprNode {
    const token = this.#peek();
    // Recursion depth grows with nesting; refuse absurd nesting before the stack does.
    if (++this.#depth > MAX_DEPTH) {
      throw this.#error(token, `the expression is nested more than ${MAX_DEPTH} levels deep`);
    }
    try {
      return this.#unaryInner(token);
    } finally {
      this.#depth--;
    }
  }

  #unaryInner(token: Token): ExprNode {
    if (
      (token.kind === "operator" && (token.text === "-" || token.text === "!")) ||
      (token.kind === "identifier" && token.text === "not")
    ) {
      this.#next();
      // The operand is parsed at unary level, so `!a && b` means `(!a) && b`.
      const operand = this.#unary();
      return {
        kind: "unary",
        operator: token.text === "-" ? "-" : "!",
        operand,
        span: { start: token.start, end: operand.span.end },
      };
    }
    return this.#power();
  }

  #power(): ExprNode {
    const base = this.#postfix();
    const token = this.#peek();
    if (token.kind === "operator" && token.text === "**") {
      this.#next();
      const exponent = this.#unary();
      return {
        kind: "binary",
        operator: "**",
        left: base,
        right: exponent,
        operatorSpan: { start: token.start, end: token.end },
        span: { start: base.span.start, end: exponent.span.end },
      };
    }
    return base;
  }

  #postfix(): ExprNode {
    let node = this.#primary();
    for (;;) {
      const token = this.#peek();
      if (token.kind !== "operator") break;
      if (token.text === ".") {
        this.#next();
        const field = this.#next();
        if (field.kind !== "identifier") {
          throw this.#error(field, `expected a field name after ".", found ${describe(field)}`);
        }
        node = {
          kind: "member",
          object: node,
          field: field.text,
          fieldSpan: { start: field.start, end: field.end },
          span: { start: node.span.start, end: field.end },
        };
      } else if (token.text === "[") {
        this.#next();
        if (this.#peek().text === "]") {
          throw this.#error(this.#peek(), "expected an index inside []");
        }
        const index = this.#expression(0);
        const close = this.#next();
        if (close.kind !== "operator" || close.text !== "]") {
          throw this.#error(
            close,
            `expected "]" to close the "[" at column ${token.start}, found ${describe(close)}`,
          );
        }
        node = {
          kind: "index",
          object: node,
          index,
          span: { start: node.span.start, end: close.end },
        };
      } else if (token.text === "(") {
        throw this.#error(token, "only functions can be called, e.g. abs(x)");
      } else {
        break;
      }
    }
    return node;
  }

  #primary(): ExprNode {
    const token = this.#next();
    const span = { start: token.start, end: token.end };
    if (token.kind === "number") return { kind: "number", value: token.value!, span };
    if (token.kind === "identifier") {
      if (token.text === "true" || token.text === "false") {
        return { kind: "boolean", value: token.text === "true", span };
      }
      if (RESERVED.has(token.text)) {
        throw this.#error(token, `expected a value, found the keyword "${token.text}"`);
      }
      if (this.#peek().text === "(" && this.#peek().kind === "operator") {
        const open = this.#next();
        const args: ExprNode[] = [];
        if (this.#peek().text !== ")") {
          for (;;) {
            args.push(this.#expression(0));
            const separator = this.#next();
            if (separator.text === ")" && separator.kind === "operator") {
              this.#position--;
              break;
            }
            if (separator.text !== "," || separator.kind !== "operator") {
              throw this.#error(
                separator.kind === "end" ? open : separator,
                separator.kind === "end"
                  ? `unbalanced "(" (missing ")")`
                  : `expected "," or ")" in the arguments of ${token.text}, found ${
                    describe(separator)
                  }`,
              );
            }
          }
        }
        const close = this.#next();
        return {
          kind: "call",
          callee: token.text,
          calleeSpan: span,
          args,
          span: { start: token.start, end: close.end },
        };
      }
      return { kind: "name", name: token.text, span };
    }
    if (token.kind === "operator" && token.text === "(") {
      if (this.#peek().text === ")") {
        throw this.#error(this.#peek(), "empty parentheses");
      }
      const inner = this.#expression(0);
      const close = this.#next();
      if (close.kind !== "operator" || close.text !== ")") {
        throw this.#error(
          close.kind === "end" ? token : close,
          close.kind === "end"
            ? `unbalanced "(" (missing ")")`
            : `expected ")" to close the "(" at column ${token.start}, found ${describe(close)}`,
        );
      }
      // Keep the parentheses in the span, so errors underline what the user grouped.
      return { ...inner, span: { start: token.start, end: close.end } } as ExprNode;
    }
    throw this.#error(
      token,
      token.kind === "end"
        ? "the expression ends where a value was expected"
        : `expected a value, found ${describe(token)}`,
    );
  }
}

/**
 * Parse an expression into its syntax tree (no names are resolved yet: see `check`).
 *
 * @throws {ExprError} `EXPR_SYNTAX` with the column of the offending token.
 *
 * @example
 * ```ts
 * import { parseExpression } from "./parser.ts";
 * const tree = parseExpression("count(Jet.pt > 30) >= 2");
 * if (tree.kind !== "binary" || tree.operator !== ">=") throw new Error();
 * ```
 */
export function parseExpression(source: string): ExprNode {
  return new Parser(source).parse();
}

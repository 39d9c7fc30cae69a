import { ExprError } from "./error.ts";

/** The kinds of token the lexer produces. */
export type TokenKind = "number" | "identifier" | "operator" | "end";

/** One token; `start`/`end` are 1-based columns (end exclusive), like {@linkcode Span}. */
export interface Token {
  readonly kind: TokenKind;
  /** The text as written (`and` stays `and`; the parser folds aliases). */
  readonly text: string;
  /** The value of a number token. */
  readonly value?: number;
  readonly start: number;
  readonly end: number;
}

// Longest first, so `**` wins over `*` and `<=` over `<`.
const OPERATORS = [
  "**",
  "<=",
  ">=",
  "==",
  "!=",
  "&&",
  "||",
  "+",
  "-",
  "*",
  "/",
  "%",
  "<",
  ">",
  "!",
  "(",
  ")",
  "[",
  "]",
  ",",
  ".",
];

// Characters people type out of habit from other languages; a targeted hint beats "unexpected".
const HINTS: Record<string, string> = {
  "=": 'unexpected "=" (use "==" to compare)',
  "&": 'unexpected "&" (use "&&" or "and")',
  "|": 'unexpected "|" (use "||" or "or")',
  "^": 'unexpected "^" (use "**" or pow() for powers)',
  '"': "unexpected '\"' (the language has no strings)",
  "'": `unexpected "'" (the language has no strings)`,
};

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isIdentifierStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isIdentifierPart(c: string): boolean {
  return isIdentifierStart(c) || isDigit(c);
}

/**
 * Split an expression into tokens; the last token has kind `end`.
 *
 * @throws {ExprError} `EXPR_SYNTAX` on a character that starts no token, or a malformed number.
 *
 * @example
 * ```ts
 * import { tokenize } from "./lexer.ts";
 * const tokens = tokenize("Jet.pt > 1e3");
 * if (tokens.map((t) => t.text).join(" ") !== "Jet . pt > 1e3 ") throw new Error();
 * ```
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === "." && isDigit(source[i + 1] ?? ""))) {
      while (isDigit(source[i] ?? "")) i++;
      if (source[i] === "." && !isIdentifierStart(source[i + 1] ?? "")) {
        i++;
        while (isDigit(source[i] ?? "")) i++;
      }
      if (source[i] === "e" || source[i] === "E") {
        let j = i + 1;
        if (source[j] === "+" || source[j] === "-") j++;
        if (!isDigit(source[j] ?? "")) {
          throw new ExprError("EXPR_SYNTAX", {
            source,
            span: { start: start + 1, end: j + 1 },
            reason: "malformed number (exponent without digits)",
          });
        }
        while (isDigit(source[j] ?? "")) j++;
        i = j;
      }
      if (isIdentifierPart(source[i] ?? "")) {
        let j = i;
        while (isIdentifierPart(source[j] ?? "")) j++;
        throw new ExprError("EXPR_SYNTAX", {
          source,
          span: { start: start + 1, end: j + 1 },
          reason: `malformed number "${source.slice(start, j)}"`,
        });
      }
      const text = source.slice(start, i);
      tokens.push({ kind: "number", text, value: Number(text), start: start + 1, end: i + 1 });
      continue;
    }
    if (isIdentifierStart(c)) {
      while (isIdentifierPart(source[i] ?? "")) i++;
      tokens.push({
        kind: "identifier",
        text: source.slice(start, i),
        start: start + 1,
        end: i + 1,
      });
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator === undefined) {
      throw new ExprError("EXPR_SYNTAX", {
        source,
        span: { start: start + 1, end: start + 2 },
        reason: (Object.hasOwn(HINTS, c) ? HINTS[c] : undefined) ?? `unexpected character "${c}"`,
      });
    }
    i += operator.length;
    tokens.push({ kind: "operator", text: operator, start: start + 1, end: i + 1 });
  }
  tokens.push({ kind: "end", text: "", start: source.length + 1, end: source.length + 1 });
  return tokens;
}

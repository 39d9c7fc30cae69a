import { InputError } from "../errors/mod.ts";

/** Stable codes of {@linkcode ExprError}. */
export type ExprErrorCode =
  /** Not a well-formed expression: bad token, unbalanced parentheses, trailing garbage. */
  | "EXPR_SYNTAX"
  /** A field, collection or variable the schema does not know. */
  | "EXPR_UNKNOWN_NAME"
  /** A function the language does not have. */
  | "EXPR_UNKNOWN_FUNCTION"
  /** A function called with the wrong number of arguments. */
  | "EXPR_ARITY"
  /** Well-formed but meaningless: a bool in arithmetic, objects of two collections mixed. */
  | "EXPR_TYPE"
  /** The environment given to `evaluate` does not match the schema the expression was compiled for. */
  | "EXPR_ENVIRONMENT";

/** What {@linkcode ExprError} reports besides its code. */
export interface ExprErrorDetails {
  /** The expression as written. */
  readonly source: string;
  /** The offending token (1-based columns, end exclusive). */
  readonly span: { readonly start: number; readonly end: number };
  /** What is wrong, e.g. `unknown field "Jet.ptt"`. */
  readonly reason: string;
  /** Appended after the column, e.g. ` (did you mean "Jet.pt"?)`. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * An error in an expression of the configuration, pointing at the offending column.
 *
 * The message reads `Cannot compile "<source>": <reason> at column <n><hint>`, followed by
 * the expression and a caret line under the offending token:
 *
 * ```text
 * Cannot compile "count(Jet.ptt > 30)": unknown field "Jet.ptt" at column 7 (did you mean "Jet.pt"?)
 *   count(Jet.ptt > 30)
 *         ^~~~~~~
 * ```
 */
export class ExprError extends InputError {
  /** The expression as written in the configuration. */
  readonly source: string;
  /** 1-based column of the offending token. */
  readonly column: number;
  /** 1-based column just past the offending token (`column + 1` for a single character). */
  readonly endColumn: number;
  /** The reason alone, without the source and caret lines. */
  readonly reason: string;

  constructor(code: ExprErrorCode, details: ExprErrorDetails) {
    const { source, span, reason } = details;
    const column = span.start;
    const endColumn = Math.max(span.end, span.start + 1);
    const hint = details.hint ?? "";
    const caret = " ".repeat(column - 1) + "^" + "~".repeat(Math.max(0, endColumn - column - 1));
    // A multi-line YAML expression is shown on one line; each character keeps its column.
    const shown = source.replace(/[\t\n\r]/g, " ");
    super(
      code,
      `Cannot compile "${shown}": ${reason} at column ${column}${hint}\n  ${shown}\n  ${caret}`,
      { cause: details.cause },
    );
    this.source = source;
    this.column = column;
    this.endColumn = endColumn;
    this.reason = reason;
  }
}

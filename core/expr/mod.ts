/**
 * The expression language of analysis configs: `count(Jet.pt > 30 && abs(Jet.eta) < 2.4) >= 2`,
 * `mass(GoodMuon[0], GoodMuon[1])`, `where(MET.pt > 50, genWeight, 0)`.
 *
 * Expressions are parsed (never evaluated as JavaScript), type-checked against a schema and
 * compiled into kernels of TypedArray loops. See {@linkcode compileExpression}.
 *
 * The language: numbers (`30`, `2.4`, `1e3`, `.5`), `true`/`false`; `+ - * / % **` and unary
 * `-`; `< <= > >= == !=`; `&& || !` (or `and or not`); parentheses; fields (`Jet.pt`,
 * `MET.pt`, `HLT.IsoMu24`, `genWeight`, `nJet`); indexing (`Jet[0].pt`, `Jet.pt[1]`,
 * `Jet[-1].pt`); functions abs sqrt exp log log10 cos sin tan acos asin atan cosh sinh tanh
 * floor ceil round atan2 pow min max where; reductions count sum max min any all; and
 * deltaR deltaPhi mass pt of two objects (`mass(Muon[0], Muon[1])`) or of every object of a
 * collection with one picked object (`deltaR(Jet, Muon[0])`, one value per jet).
 *
 * Semantics worth knowing:
 * - `Jet[i].pt` of a missing object is NaN (a missing boolean is false); every comparison
 *   with NaN is false, `!=` included, so a cut on a missing object fails the event. `!` of
 *   such a comparison is true. Pair functions of a missing object are NaN.
 * - Booleans are not numbers: `Jet.pt + (MET.pt > 3)` is an `EXPR_TYPE` error (write
 *   `where(MET.pt > 3, 1, 0)`), `sum()` of booleans points to `count()`, and `<` on booleans
 *   is refused. Numbers are accepted as conditions (flags stored as bytes, when the schema
 *   does not type them `bool`): non-zero and not NaN is true.
 * - `max(x)`/`min(x)` of an event without objects is NaN; `sum` and `count` are 0; `any`
 *   false; `all` true. `max(a, b)`/`min(a, b)` are elementwise and propagate NaN.
 * - Mixing objects of two collections elementwise (`Jet.pt > Muon.pt`) is an error; per-event
 *   values broadcast to objects (`Jet.pt > MET.pt` compares every jet with the event's MET).
 * - In an object selection (`{ collection: "Muon" }`) a bare name is the collection's field
 *   first (`pt` is `Muon.pt`), then a per-event column; the collection's own name (`Muon`)
 *   means "this object" in pair functions: `deltaR(Jet, GoodMuon[0]) > 0.4` on `Jet`.
 * - `Jet[-1]` is the last jet. `nJet` means `count(Jet)` when there is no `nJet` column.
 * - `deltaPhi` is wrapped into [-pi, pi]; `mass(a, b)` uses the collection's `mass` field
 *   when it has one and treats the objects as massless otherwise.
 * - Constant subexpressions are folded; a constant expression evaluates to one value per event.
 * @module
 */
import type { Column } from "../columns/types.ts";
import type { ExprNode, ExprType } from "./ast.ts";
import { checkExpression } from "./check.ts";
import { compileChecked } from "./compile.ts";
import type { ExprEnv, ExprSchema } from "./env.ts";
import { parseExpression } from "./parser.ts";

export type * from "./ast.ts";
export type { CheckedExpression, CheckedNode, CheckOptions, ObjectRef } from "./check.ts";
export { checkExpression, FUNCTION_NAMES } from "./check.ts";
export type { ExprEnv, ExprFieldKind, ExprSchema, SchemaOfOptions } from "./env.ts";
export { columnsEnv, schemaOf } from "./env.ts";
export { eventsEnv, type EventsLike, eventsSchema } from "./events_env.ts";
export { ExprError, type ExprErrorCode, type ExprErrorDetails } from "./error.ts";
export { type Token, tokenize } from "./lexer.ts";
export { parseExpression } from "./parser.ts";
export { compileChecked, type CompiledKernel } from "./compile.ts";

/** Options of {@linkcode compileExpression}. */
export interface CompileOptions {
  /**
   * Compile inside an object selection of this collection: bare names are its fields
   * (`pt > 25 && tightId` on `Muon`), and the result is one value per muon.
   */
  readonly collection?: string;
  /**
   * Compile for values rather than conditions (histogram axes, exported columns): a boolean
   * field of a missing object (`Muon[1].tightId` with one muon) is NaN - "not filled" - instead
   * of false, and the result is numeric.
   */
  readonly missingAsNaN?: boolean;
}

/** A compiled expression: its type, the columns it reads, and the kernel. */
export interface CompiledExpression {
  /** The expression as written. */
  readonly source: string;
  /** The parsed tree (with source spans). */
  readonly tree: ExprNode;
  /** What `evaluate` returns: number or bool, per event or per object of a collection. */
  readonly type: ExprType;
  /** The dotted column paths it reads: the branches a reader must load. */
  readonly fields: Set<string>;
  /** The collections whose offsets (counter branches) it needs. */
  readonly collections: Set<string>;
  /**
   * Run on a batch of events. Per-event results are flat (Float64Array for numbers,
   * Uint8Array of 0/1 for booleans); per-object results are jagged, sharing the collection's
   * offsets; a constant expression gives one value per event.
   */
  evaluate(env: ExprEnv): Column;
}

/**
 * Parse, check and compile an expression against a schema.
 *
 * @throws {ExprError} with `code`, `column` and a caret line when the expression is malformed,
 * names something unknown or mixes types.
 *
 * @example
 * ```ts
 * import { columnsEnv, compileExpression, schemaOf } from "./mod.ts";
 * const env = columnsEnv({
 *   // event 0: jets of 50 and 20 GeV; event 1: no jet; event 2: one jet of 35 GeV
 *   "Jet.pt": { offsets: Int32Array.of(0, 2, 2, 3), content: Float32Array.of(50, 20, 35) },
 *   "MET.pt": Float32Array.of(10, 40, 60),
 * });
 * const nJets = compileExpression("count(Jet.pt > 30)", schemaOf(env));
 * const counts = nJets.evaluate(env) as Float64Array;
 * if ([...counts].join() !== "1,0,1") throw new Error();
 * // the leading jet above MET: event 1 has no jet, so the cut fails there
 * const cut = compileExpression("Jet[0].pt > MET.pt", schemaOf(env)).evaluate(env) as Uint8Array;
 * if ([...cut].join() !== "1,0,0") throw new Error();
 * ```
 */
export function compileExpression(
  source: string,
  schema: ExprSchema,
  options: CompileOptions = {},
): CompiledExpression {
  const tree = parseExpression(source);
  const checked = checkExpression(source, schema, { tree, collection: options.collection });
  const kernel = compileChecked(source, checked, { missingAsNaN: options.missingAsNaN });
  return {
    source,
    tree,
    type: checked.type,
    fields: checked.fields,
    collections: checked.collections,
    evaluate: (env) => kernel.evaluate(env),
  };
}

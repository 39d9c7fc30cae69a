/**
 * The correctionlib schema v2 as TypeScript types: what a validated CorrectionSet JSON looks like.
 * @module
 */

/** The type of an input or output variable: a string, a 64-bit integer or a double. */
export type VariableType = "string" | "int" | "real";

/** An input or output variable of a correction. */
export interface VariableJson {
  name: string;
  type: VariableType;
  description?: string;
}

/** A leaf value or a node of the correction tree. */
export type ContentJson =
  | number
  | BinningJson
  | MultiBinningJson
  | CategoryJson
  | FormulaJson
  | FormulaRefJson
  | TransformJson
  | HashPrngJson;

/** What happens to values outside a binning: clamp to the edge bins, fail, wrap, or a default node. */
export type FlowJson = "clamp" | "error" | "wrap" | ContentJson;

/** Regularly spaced edges: `n` bins between `low` and `high`. */
export interface UniformBinningJson {
  n: number;
  low: number;
  high: number;
}

/** One bin edge: a number, or "inf"/"+inf"/"-inf" as correctionlib accepts. */
export type EdgeJson = number | "inf" | "+inf" | "-inf";

/** A 1-D binned lookup; bin i is [edges[i], edges[i+1]). */
export interface BinningJson {
  nodetype: "binning";
  input: string;
  edges: EdgeJson[] | UniformBinningJson;
  content: ContentJson[];
  flow: FlowJson;
}

/** An N-D binned lookup; content is row-major (the last input varies fastest). */
export interface MultiBinningJson {
  nodetype: "multibinning";
  inputs: string[];
  edges: (EdgeJson[] | UniformBinningJson)[];
  content: ContentJson[];
  flow: FlowJson;
}

/** A key of a category node: an integer for int inputs, a string for string inputs. */
export interface CategoryItemJson {
  key: number | string;
  value: ContentJson;
}

/** A lookup by discrete value, with an optional default. */
export interface CategoryJson {
  nodetype: "category";
  input: string;
  content: CategoryItemJson[];
  default?: ContentJson | null;
}

/** A TFormula expression over real inputs (x, y, z, t) and parameters [i]. */
export interface FormulaJson {
  nodetype: "formula";
  expression: string;
  parser: "TFormula";
  variables: string[];
  parameters?: number[] | null;
}

/** A generic formula of the correction with its parameters. */
export interface FormulaRefJson {
  nodetype: "formularef";
  index: number;
  parameters: number[];
}

/** Rewrites one input with the value of `rule`, then evaluates `content`. */
export interface TransformJson {
  nodetype: "transform";
  input: string;
  rule: ContentJson;
  content: ContentJson;
}

/** A deterministic pseudo-random number seeded by a hash of some inputs. */
export interface HashPrngJson {
  nodetype: "hashprng";
  inputs: string[];
  distribution: "stdflat" | "stdnormal" | "normal";
}

/** One correction: a function of its inputs. */
export interface CorrectionJson {
  name: string;
  description?: string | null;
  version: number;
  inputs: VariableJson[];
  output: VariableJson;
  generic_formulas?: FormulaJson[] | null;
  data: ContentJson;
}

/** A recipe chaining corrections of the same set. */
export interface CompoundCorrectionJson {
  name: string;
  description?: string | null;
  inputs: VariableJson[];
  output: VariableJson;
  inputs_update: string[];
  input_op: "+" | "*" | "/";
  output_op: "+" | "*" | "/" | "last";
  stack: string[];
}

/** A whole correctionlib file. */
export interface CorrectionSetJson {
  schema_version: 2;
  description?: string | null;
  corrections: CorrectionJson[];
  compound_corrections?: CompoundCorrectionJson[] | null;
}

/**
 * A correctionlib (schema v2) evaluator: loads CMS correction files (.json, .json.gz),
 * validates them with JSON-path error messages, and evaluates corrections and compound
 * corrections one value at a time or over columns, with the numbers of C++ correctionlib.
 *
 * @example
 * ```ts ignore
 * import { loadCorrectionSet } from "@ristretto/correctionlib";
 * const set = await loadCorrectionSet("JME_2018_UL_jet_jerc.json.gz");
 * const jec = set.get("Summer19UL18_V5_MC_L1L2L3Res_AK4PFchs");
 * const factors = jec.evaluateColumns([area, eta, pt, rho]);
 * ```
 * @module
 */
export { CorrectionError } from "./errors.ts";
export type { CorrectionErrorCode, CorrectionErrorDetails } from "./errors.ts";
export {
  CompoundCorrection,
  Correction,
  CorrectionSet,
  decodeCorrectionBytes,
  loadCorrectionSet,
  loadCorrectionSetSync,
  parseCorrectionSet,
} from "./correction_set.ts";
export type { ColumnInput, Evaluator, InputValue, LoadOptions } from "./correction_set.ts";
export { validateCorrectionSet } from "./validate.ts";
export type { ValidateOptions, ValidationIssue, ValidationResult } from "./validate.ts";
export {
  compileFormula,
  formulaUsage,
  formulaUsesExtensions,
  parseFormula,
  parseFormulaDetailed,
} from "./formula.ts";
export type {
  BinaryFunction,
  BinaryOperator,
  FormulaNode,
  ParsedFormula,
  ParseFormulaOptions,
  ScalarFormula,
  UnaryFunction,
} from "./formula.ts";
export { summarizeCorrectionSet } from "./summary.ts";
export type { CorrectionSummary, InputSummary } from "./summary.ts";
export type * from "./schema.ts";
export {
  evaluatePoints,
  formatResults,
  formatSummary,
  formatValidation,
  parsePoints,
} from "./report.ts";
export type { PointResult } from "./report.ts";

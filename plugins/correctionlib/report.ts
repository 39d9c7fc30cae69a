/**
 * Pure helpers behind the `ristretto corrections` command (kept here so they are testable
 * without commander): text summaries, validation reports, evaluation of a list of points.
 * @module
 */
import { CorrectionError } from "./errors.ts";
import type { Evaluator, InputValue } from "./correction_set.ts";
import type { CorrectionSummary } from "./summary.ts";
import type { ValidationResult } from "./validate.ts";

/** The outcome of one point: a number, or the error correctionlib would raise. */
export type PointResult = number | { readonly error: string };

function formatNumber(value: number): string {
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

/** Human-readable summary of the corrections of a file. */
export function formatSummary(
  summaries: readonly CorrectionSummary[],
  options: { file?: string } = {},
): string {
  const corrections = summaries.filter((s) => s.kind === "correction").length;
  const compounds = summaries.length - corrections;
  const lines = [
    `${
      options.file ?? "correction set"
    }: ${corrections} correction(s), ${compounds} compound correction(s)`,
  ];
  for (const summary of summaries) {
    lines.push("");
    const version = summary.version === undefined ? "" : ` v${summary.version}`;
    lines.push(`${summary.name} (${summary.kind}${version})`);
    if (summary.description) lines.push(`  ${summary.description}`);
    if (summary.nodes) {
      const counts = Object.entries(summary.nodes).map(([type, n]) => `${type} ${n}`);
      if (counts.length > 0) lines.push(`  nodes: ${counts.join(", ")}`);
    }
    if (summary.stack) lines.push(`  stack: ${summary.stack.join(" -> ")}`);
    lines.push("  inputs:");
    for (const input of summary.inputs) {
      const parts = [`    ${input.name} (${input.type})`];
      if (input.min !== undefined && input.max !== undefined) {
        parts.push(`range [${formatNumber(input.min)}, ${formatNumber(input.max)})`);
        if (!input.overflowOk) parts.push("out-of-range is an error");
      }
      if (input.keys) {
        const keys = input.keys.slice(0, 20).map((key) => JSON.stringify(key)).join(", ");
        parts.push(`keys ${keys}${input.keys.length > 20 ? `, ... (${input.keys.length})` : ""}`);
      }
      if (input.hasDefault) parts.push("has default");
      if (input.transformed) parts.push("rewritten by a transform/update");
      if (!input.used) parts.push("unused");
      lines.push(parts.join(", "));
      if (input.description) lines.push(`      ${input.description}`);
    }
    lines.push(`  output: ${summary.output.name} (${summary.output.type})`);
  }
  return lines.join("\n");
}

/** A validation report: one line per problem, `path: message`. */
export function formatValidation(
  result: ValidationResult,
  options: { file?: string } = {},
): string {
  const file = options.file ?? "correction set";
  const lines: string[] = [];
  for (const issue of result.errors) lines.push(`error: ${issue.path}: ${issue.message}`);
  for (const issue of result.warnings) lines.push(`warning: ${issue.path}: ${issue.message}`);
  lines.push(
    result.errors.length === 0
      ? `${file}: valid (schema v2)${
        result.warnings.length ? `, ${result.warnings.length} warning(s)` : ""
      }`
      : `${file}: ${result.errors.length} error(s)`,
  );
  return lines.join("\n");
}

/**
 * Parses a JSON list of points (each an array of inputs in the correction's order, or an
 * object by input name), keeping integers beyond 2^53 exact as bigint.
 * @throws CorrectionError (CORRECTION_FILE) when the text is not such a list.
 */
export function parsePoints(
  text: string,
  options: { file?: string } = {},
): (InputValue[] | Record<string, InputValue>)[] {
  const file = options.file ?? "points";
  // the source text of each number (3rd reviver argument) keeps int64 values exact
  const reviver = (_key: string, value: unknown, context?: { source?: string }) => {
    if (
      typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value) &&
      context?.source !== undefined && /^-?[0-9]+$/.test(context.source)
    ) return BigInt(context.source);
    return value;
  };
  let points: unknown;
  try {
    points = JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
  } catch (error) {
    throw new CorrectionError(
      "CORRECTION_FILE",
      `Cannot read points "${file}": invalid JSON (${(error as Error).message})`,
      { file },
    );
  }
  if (!Array.isArray(points) || points.some((p) => typeof p !== "object" || p === null)) {
    throw new CorrectionError(
      "CORRECTION_FILE",
      `Cannot read points "${file}": expected a JSON array of input tuples, e.g. [[1.2, 30.0]]`,
      { file },
    );
  }
  return points as (InputValue[] | Record<string, InputValue>)[];
}

/** Evaluates every point; a point that fails gives `{error}` (as correctionlib raises). */
export function evaluatePoints(
  evaluator: Evaluator,
  points: readonly (readonly InputValue[] | Readonly<Record<string, InputValue>>)[],
): PointResult[] {
  return points.map((point) => {
    try {
      return Array.isArray(point)
        ? evaluator.evaluate(...point as InputValue[])
        : evaluator.evaluate(point as Readonly<Record<string, InputValue>>);
    } catch (error) {
      if (error instanceof CorrectionError) return { error: error.message };
      throw error;
    }
  });
}

/**
 * Results as JSON (an array; non-finite numbers as "nan", "inf", "-inf", as the reference
 * files write them) or as text, one line per point.
 */
export function formatResults(
  results: readonly PointResult[],
  options: { json?: boolean } = {},
): string {
  if (options.json) {
    const values = results.map((result) =>
      typeof result === "number" && !Number.isFinite(result)
        ? (Number.isNaN(result) ? "nan" : formatNumber(result))
        : result
    );
    return JSON.stringify(values);
  }
  return results.map((result) =>
    typeof result === "number"
      ? (Number.isNaN(result) ? "nan" : formatNumber(result))
      : `error: ${result.error}`
  ).join("\n");
}

/**
 * `ristretto corrections`: look into and evaluate correctionlib files.
 *   corrections summary FILE [--json]        corrections, inputs (types, ranges, keys), outputs
 *   corrections validate FILE [--json]       schema errors with JSON paths; exit 2 when invalid
 *   corrections eval FILE NAME --inputs POINTS.json [--json]
 *                                            one output per input tuple, or {"error": ...}
 * The work is done by pure functions of @ristretto/correctionlib; this file only wires options.
 * @module
 */
import { readFile } from "node:fs/promises";
import { Command } from "commander";
import {
  CorrectionError,
  decodeCorrectionBytes,
  evaluatePoints,
  formatResults,
  formatSummary,
  formatValidation,
  loadCorrectionSet,
  parsePoints,
  summarizeCorrectionSet,
  validateCorrectionSet,
} from "@ristretto/correctionlib";

/** Options of {@link correctionsCommand}. */
export interface CorrectionsCommandOptions {
  /** Where output lines go (default console.log); tests capture it. */
  readonly write?: (text: string) => void;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new CorrectionError(
      "CORRECTION_FILE",
      `Cannot read "${path}": ${(error as Error).message}`,
      { file: path },
      { cause: error },
    );
  }
}

/** JSON.stringify with non-finite numbers as "inf", "-inf", "nan". */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      typeof v === "number" && !Number.isFinite(v)
        ? (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf")
        : v,
    2,
  );
}

/** Builds the `corrections` command and its subcommands. */
export function correctionsCommand(options: CorrectionsCommandOptions = {}): Command {
  const write = options.write ?? ((text: string) => console.log(text));
  const command = new Command("corrections")
    .description("Inspect, validate and evaluate correctionlib (schema v2) files");

  command
    .command("summary")
    .description("List the corrections of a file with their inputs (types, ranges) and outputs")
    .argument("<file>", "correction file (.json or .json.gz)")
    .option("--json", "print the summary as JSON")
    .action(async (file: string, flags: { json?: boolean }) => {
      const set = await loadCorrectionSet(file);
      const summaries = summarizeCorrectionSet(set);
      write(flags.json ? toJson(summaries) : formatSummary(summaries, { file }));
    });

  command
    .command("validate")
    .description(
      "Check a file against the schema; errors carry their JSON path (exit 2 if invalid)",
    )
    .argument("<file>", "correction file (.json or .json.gz)")
    .option("--json", "print the errors and warnings as JSON")
    .action(async (file: string, flags: { json?: boolean }) => {
      const document = decodeCorrectionBytes(await readBytes(file), { file });
      const result = validateCorrectionSet(document);
      write(
        flags.json
          ? toJson({ file, valid: result.errors.length === 0, ...result })
          : formatValidation(result, { file }),
      );
      if (result.errors.length > 0) {
        const first = result.errors[0];
        throw new CorrectionError(
          "CORRECTION_SCHEMA",
          `Cannot validate "${file}": ${result.errors.length} schema error(s), the first at ${first.path}: ${first.message}`,
          { file, path: first.path },
        );
      }
    });

  command
    .command("eval")
    .description(
      "Evaluate a correction on a JSON list of input tuples (in the correction's input order)",
    )
    .argument("<file>", "correction file (.json or .json.gz)")
    .argument("<name>", "correction or compound correction name")
    .requiredOption(
      "--inputs <points.json>",
      "JSON array of input tuples, e.g. [[1.2, 40.0], [0.3, 25.0]]",
    )
    .option("--json", 'print a JSON array (one number, or {"error": ...}, per tuple)')
    .action(async (file: string, name: string, flags: { inputs: string; json?: boolean }) => {
      const set = await loadCorrectionSet(file);
      const evaluator = set.get(name);
      const text = new TextDecoder().decode(await readBytes(flags.inputs));
      const points = parsePoints(text, { file: flags.inputs });
      write(formatResults(evaluatePoints(evaluator, points), { json: flags.json }));
    });

  return command;
}

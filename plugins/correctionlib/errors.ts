/**
 * The one error class of the correctionlib plugin, with stable codes.
 * @module
 */
import { InputError } from "@ristretto/core/errors";

/** Stable codes of {@link CorrectionError}; tests and the CLI match on these. */
export type CorrectionErrorCode =
  /** The file could not be read, gunzipped or parsed as JSON. */
  | "CORRECTION_FILE"
  /** The JSON does not follow correctionlib schema v2 (the message carries the JSON path). */
  | "CORRECTION_SCHEMA"
  /** A formula expression does not parse (the message carries the column). */
  | "CORRECTION_FORMULA"
  /** No correction of that name in the set. */
  | "CORRECTION_UNKNOWN"
  /** Too few, too many or unknown named inputs. */
  | "CORRECTION_INPUT_COUNT"
  /** An input of the wrong type (string for real, fractional number for int, ...). */
  | "CORRECTION_INPUT_TYPE"
  /** An input outside a binning whose flow is "error". */
  | "CORRECTION_OUT_OF_RANGE"
  /** A category key that is not in the category node, which has no default. */
  | "CORRECTION_UNKNOWN_KEY"
  /** Columns of different lengths. */
  | "CORRECTION_COLUMN_LENGTH";

/** Where an evaluation failed: enough for a message that names what to fix. */
export interface CorrectionErrorDetails {
  /** The correction file (path or label), when known. */
  readonly file?: string;
  /** The correction being evaluated. */
  readonly correction?: string;
  /** The input at fault. */
  readonly input?: string;
  /** The offending value (as given). */
  readonly value?: unknown;
  /** For columnar evaluation: the row at fault. */
  readonly row?: number;
  /** For schema errors: the JSON path, e.g. `corrections[3].data.content[2].edges`. */
  readonly path?: string;
  /** For formula syntax errors: the 1-based column in the expression. */
  readonly column?: number;
}

/**
 * Raised for every problem with a correction file or with the inputs given to a correction.
 * An {@link InputError}: the CLI exits 2 on it with its one-line message.
 */
export class CorrectionError extends InputError {
  /** Where it failed (file, correction, input, value, row, JSON path). */
  readonly details: CorrectionErrorDetails;

  /** A CorrectionError with its code, one-line message and where it happened. */
  constructor(
    code: CorrectionErrorCode,
    message: string,
    details: CorrectionErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.details = details;
  }
}

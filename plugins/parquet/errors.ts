/**
 * The errors the Parquet plugin raises on purpose, each with a stable code.
 * @module
 */
import { InputError } from "@ristretto/core/errors";

/** Stable codes of {@link ParquetError}; tests and the CLI match on them. */
export type ParquetErrorCode =
  | "PARQUET_NOT_PARQUET"
  | "PARQUET_TRUNCATED"
  | "PARQUET_CORRUPT"
  | "PARQUET_UNKNOWN_COLUMN"
  | "PARQUET_UNKNOWN_TREE"
  | "PARQUET_UNSUPPORTED_TYPE"
  | "PARQUET_BAD_RANGE"
  | "PARQUET_WRITE";

/**
 * A problem with a Parquet file or a request on it. An InputError, because every one of them
 * is about the user's file or the names they asked for, so the CLI reports it without a stack.
 */
export class ParquetError extends InputError {
  /** The code, narrowed to the Parquet ones. */
  declare readonly code: ParquetErrorCode;

  constructor(code: ParquetErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

import { InputError } from "@ristretto/core/errors";

/** Stable codes of the ways a ROOT file can fail to read. */
export type RootErrorCode =
  | "ROOT_NOT_ROOT"
  | "ROOT_TRUNCATED"
  | "ROOT_BAD_COMPRESSION_HEADER"
  | "ROOT_BAD_BASKET"
  | "ROOT_BAD_OBJECT"
  | "ROOT_UNKNOWN_TREE"
  | "ROOT_UNKNOWN_BRANCH"
  | "ROOT_UNSUPPORTED_TYPE"
  | "ROOT_UNSUPPORTED_VERSION"
  | "ROOT_BAD_RANGE";

/**
 * A ROOT file that cannot be read as asked: not ROOT, truncated, corrupt, or using a feature
 * this reader does not speak. An InputError, so the CLI reports it in one line (exit 2).
 */
export class RootFormatError extends InputError {
  /** Creates an error with a stable code and a full message. */
  constructor(code: RootErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Where in a file something went wrong; every part is optional and named in messages. */
export interface RootContext {
  /** Path or URL of the file. */
  readonly file: string;
  /** Tree name, when the problem is in a tree. */
  readonly tree?: string;
  /** Branch name, when the problem is in a branch. */
  readonly branch?: string;
  /** Basket index within the branch. */
  readonly basket?: number;
  /** Other object (header, key list, TTree;cycle). */
  readonly object?: string;
}

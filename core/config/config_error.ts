import { InputError } from "../errors/ristretto_error.ts";

/** A position in a configuration file (1-based line and column). */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A problem in an analysis configuration. The message starts with `file:line:column:` like a
 * compiler's, so editors can jump to it; the CLI prints it and exits 2.
 */
export class ConfigError extends InputError {
  readonly position: SourcePosition | undefined;

  constructor(
    code: string,
    message: string,
    options: { position?: SourcePosition; cause?: unknown } = {},
  ) {
    const where = options.position
      ? `${options.position.file}:${options.position.line}:${options.position.column}: `
      : "";
    super(code, where + message, { cause: options.cause });
    this.position = options.position;
  }
}

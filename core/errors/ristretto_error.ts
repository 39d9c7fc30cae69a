/**
 * The base class of every error Ristretto raises on purpose.
 *
 * Messages follow `Cannot <action> "<subject>": <reason>`; `code` is a stable,
 * machine-readable identifier (e.g. `ROOT_BAD_BASKET`) that tests and the CLI match on.
 */
export class RistrettoError extends Error {
  /** Stable identifier of the kind of failure. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A user-facing input problem (bad config, bad file, unknown name): the CLI exits 2 on these. */
export class InputError extends RistrettoError {}

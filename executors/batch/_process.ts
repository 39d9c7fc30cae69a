/**
 * Running the batch systems' client commands (sbatch, condor_q, ...) with a deadline.
 * @module
 */
import { RistrettoError } from "@ristretto/core/errors";

/** What a finished client command printed. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Killed (and an error thrown) after this long; default 60 s. */
  readonly timeoutMs?: number;
}

/**
 * Runs `argv` to completion and returns its exit code and output. A program that cannot be
 * started or outlives its deadline throws `BATCH_COMMAND` (a client command that hangs would
 * otherwise hang the executor).
 */
export async function runCommand(
  argv: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const output = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: options.cwd,
      env: options.env ? { ...options.env } : undefined,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
    }).output();
    if (controller.signal.aborted) {
      throw new RistrettoError(
        "BATCH_COMMAND",
        `Cannot run "${argv.join(" ")}": no answer after ${timeoutMs} ms`,
      );
    }
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } catch (error) {
    if (error instanceof RistrettoError) throw error;
    throw new RistrettoError(
      "BATCH_COMMAND",
      `Cannot run "${argv[0]}": ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Like {@link runCommand}, but a non-zero exit throws `BATCH_COMMAND` with the command's stderr. */
export async function runChecked(
  argv: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const result = await runCommand(argv, options);
  if (result.code !== 0) {
    const detail = (result.stderr.trim() || result.stdout.trim()).slice(-2000);
    throw new RistrettoError(
      "BATCH_COMMAND",
      `Cannot run "${argv.join(" ")}": exit code ${result.code}: ${detail}`,
    );
  }
  return result;
}

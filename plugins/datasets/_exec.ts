import { RistrettoError } from "@ristretto/core/errors";

/** Options of runTool. */
export interface RunToolOptions {
  /** Milliseconds before the tool is killed (default 5 minutes). */
  readonly timeoutMs?: number;
  /** What the tool is for, in errors (e.g. `query DAS for "/X/Y/Z"`). */
  readonly action: string;
}

/**
 * Runs an external tool (dasgoclient, rucio) found on PATH or given as a path, and returns its
 * stdout. Bounded by a timeout; a missing tool or a non-zero exit is a clear error.
 */
export async function runTool(
  executable: string,
  args: readonly string[],
  options: RunToolOptions,
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(executable, {
      args: [...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (cause) {
    throw new RistrettoError(
      "DATASETS_TOOL_MISSING",
      `Cannot ${options.action}: "${executable}" could not be run (${
        (cause as Error).message
      }); install it or put it on PATH`,
      { cause },
    );
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, timeoutMs);
  try {
    const { code, stdout, stderr } = await child.output();
    const err = new TextDecoder().decode(stderr).trim();
    if (timedOut) {
      throw new RistrettoError(
        "DATASETS_TOOL_TIMEOUT",
        `Cannot ${options.action}: "${executable}" took more than ${timeoutMs} ms and was killed`,
      );
    }
    if (code !== 0) {
      throw new RistrettoError(
        "DATASETS_TOOL_FAILED",
        `Cannot ${options.action}: "${executable} ${args.join(" ")}" exited with ${code}${
          err ? `: ${err.split("\n").slice(-3).join(" | ")}` : ""
        }`,
      );
    }
    return new TextDecoder().decode(stdout);
  } finally {
    clearTimeout(timer);
  }
}

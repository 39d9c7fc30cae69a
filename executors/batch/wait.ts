/**
 * Polling submitted jobs until they end, with a deadline (a batch system that stops answering
 * must never hang the caller).
 * @module
 */
import { RistrettoError } from "@ristretto/core/errors";
import { type BatchSystem, isFinal, type JobHandle, type JobState } from "./types.ts";

/** Options of {@link waitForJobs}. */
export interface WaitOptions {
  /** Give up (throw `BATCH_TIMEOUT`) after this long; required: every wait is bounded. */
  readonly timeoutMs: number;
  /** Time between polls, ms; default 1000. */
  readonly intervalMs?: number;
  /** Stops the wait (throws the signal's reason); the jobs are left as they are. */
  readonly signal?: AbortSignal;
  /**
   * Consecutive failed polls tolerated before the error is thrown (default 3): a controller busy
   * for a moment must not abort a run of hours.
   */
  readonly maxPollErrors?: number;
  /** Called after each poll with every handle's state. */
  readonly onPoll?: (states: readonly JobState[]) => void;
}

/**
 * Polls until every job is final (done, failed or held) and returns the final states in the
 * order of `handles`.
 */
export async function waitForJobs(
  system: BatchSystem,
  handles: readonly JobHandle[],
  options: WaitOptions,
): Promise<JobState[]> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 1000;
  let errors = 0;
  while (true) {
    options.signal?.throwIfAborted();
    let states: JobState[];
    try {
      states = await system.poll(handles);
      errors = 0;
    } catch (error) {
      if (++errors > (options.maxPollErrors ?? 3) || Date.now() + interval > deadline) throw error;
      await sleep(interval, options.signal);
      continue;
    }
    options.onPoll?.(states);
    if (states.every(isFinal)) return states;
    if (Date.now() + interval > deadline) {
      const open = states.filter((state) => !isFinal(state)).length;
      throw new RistrettoError(
        "BATCH_TIMEOUT",
        `Cannot wait for "${handles[0]?.id}" and the rest in ${system.name}: ${open} of ` +
          `${handles.length} jobs still pending or running after ${options.timeoutMs} ms`,
      );
    }
    await sleep(interval, options.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

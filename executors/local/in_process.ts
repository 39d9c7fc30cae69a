import {
  API_VERSION,
  type Executor,
  type ExecutorRunOptions,
  type ItemOutcome,
} from "@ristretto/core/plugin";

/** Options of the in-process executor. */
export interface InProcessOptions {
  /** Items processed concurrently (I/O overlaps with compute); default 1. */
  concurrency?: number;
}

/** Defaults of {@link inProcessExecutor}. */
export const defaults: Required<InProcessOptions> = { concurrency: 1 };

/**
 * Runs every item in this process: the simplest executor, and the reference the others must
 * agree with. Failed items are retried `retries` times, then reported with their error.
 */
export function inProcessExecutor(options: InProcessOptions = {}): Executor {
  const { concurrency } = { ...defaults, ...options };
  return {
    kind: "executor",
    name: "local",
    version: "0.1.0",
    apiVersion: API_VERSION,
    async *run<I, R>(
      items: readonly I[],
      task: (item: I) => Promise<R>,
      runOptions: ExecutorRunOptions = {},
    ): AsyncIterable<ItemOutcome<I, R>> {
      const retries = runOptions.retries ?? 0;
      let done = 0;
      let failed = 0;
      let running = 0;
      const report = () => runOptions.onProgress?.({ done, failed, running, total: items.length });
      const attempt = async (item: I): Promise<ItemOutcome<I, R>> => {
        running++;
        report();
        let lastError: unknown;
        try {
          for (let tries = 0; tries <= retries; tries++) {
            try {
              const result = await task(item);
              done++;
              return { item, result };
            } catch (error) {
              lastError = error;
            }
          }
          failed++;
          return { item, error: lastError };
        } finally {
          running--;
          report();
        }
      };
      let next = 0;
      const inFlight = new Map<number, Promise<[number, ItemOutcome<I, R>]>>();
      const launch = () => {
        const index = next++;
        inFlight.set(index, attempt(items[index]).then((outcome) => [index, outcome]));
      };
      while (next < items.length && inFlight.size < concurrency) launch();
      while (inFlight.size > 0) {
        const [index, outcome] = await Promise.race(inFlight.values());
        inFlight.delete(index);
        if (next < items.length) launch();
        yield outcome;
      }
    },
  };
}

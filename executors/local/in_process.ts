import {
  API_VERSION,
  type Executor,
  type ExecutorContext,
  type ExecutorItem,
  type ExecutorOutcome,
} from "@ristretto/core/plugin";
import { sleep } from "./_channel.ts";

/** Options of the in-process executor. */
export interface InProcessOptions {
  /** Items processed concurrently (I/O overlaps with compute); default 1. */
  concurrency?: number;
}

/** Defaults of {@link inProcessExecutor}. */
export const defaults: Required<InProcessOptions> = { concurrency: 1 };

/**
 * Runs every item in this process, through `context.processHere` (what `work` does per item):
 * the simplest executor, and the reference the others must agree with. A failing item is
 * retried `retries` times after `retryDelay`, then reported with its last error.
 */
export function inProcessExecutor(options: InProcessOptions = {}): Executor {
  const { concurrency } = { ...defaults, ...options };
  return {
    kind: "executor",
    name: "local",
    version: "0.2.0",
    apiVersion: API_VERSION,
    async *run(
      items: readonly ExecutorItem[],
      context: ExecutorContext,
    ): AsyncIterable<ExecutorOutcome> {
      let done = 0;
      let failed = 0;
      let running = 0;
      const report = () => context.onProgress?.({ done, failed, running, total: items.length });
      const attempt = async (item: ExecutorItem): Promise<ExecutorOutcome> => {
        running++;
        report();
        let error = "";
        try {
          for (let attempts = 1; attempts <= context.retries + 1; attempts++) {
            if (attempts > 1) await sleep(context.retryDelay(attempts), context.signal);
            if (context.signal?.aborted) return { item, ok: false, error: "interrupted", attempts };
            try {
              await context.processHere(item);
              done++;
              return { item, ok: true, attempts };
            } catch (caught) {
              error = caught instanceof Error ? caught.message : String(caught);
            }
          }
          failed++;
          return { item, ok: false, error, attempts: context.retries + 1 };
        } finally {
          // Reported with the next item's start (or at the end), so a progress display never
          // shows "0 running" between two items.
          running--;
        }
      };
      let next = 0;
      const inFlight = new Map<number, Promise<[number, ExecutorOutcome]>>();
      const launch = () => {
        const index = next++;
        inFlight.set(index, attempt(items[index]).then((outcome) => [index, outcome]));
      };
      while (next < items.length && inFlight.size < concurrency) launch();
      while (inFlight.size > 0) {
        const [index, outcome] = await Promise.race(inFlight.values());
        inFlight.delete(index);
        if (next < items.length && !context.signal?.aborted) launch();
        else report();
        yield outcome;
      }
    },
  };
}

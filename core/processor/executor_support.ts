/**
 * Helpers for executors that run `work` somewhere else (batch jobs): the outcome of an item
 * is read from the store, not from the job's exit status - a job can die after storing some
 * items, and a held or lost job stores none.
 * @module
 */
import type { ExecutorItem, ExecutorOutcome } from "../plugin/types.ts";
import type { FailureRecord, ResultStore } from "../store/result_store.ts";

/**
 * The outcome of an item after a job that should have processed it ended: `ok` when its
 * result is stored; else the failure `work` recorded, or `jobError` (why the job ended, e.g.
 * "job 12 was held") when `work` recorded nothing.
 */
export async function outcomeFromStore(
  store: ResultStore,
  item: ExecutorItem,
  options: { attempts: number; jobError?: string },
): Promise<ExecutorOutcome> {
  if (store.has("results", item.hash)) return { item, ok: true, attempts: options.attempts };
  const failure = await store.getJSON<FailureRecord>("failures", item.hash);
  return {
    item,
    ok: false,
    error: failure?.error ?? options.jobError ?? "the job ended without storing a result",
    attempts: options.attempts,
  };
}

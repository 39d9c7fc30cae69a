/**
 * Merging stored results with bounded memory: results are read in key order, a few ahead of
 * the merge (a bounded prefetch window), and added as a pairwise tree - a stack of partial sums
 * where two partials of the same level are added into one of the next level, as a binary
 * counter carries. At most `window` results plus log2(n) partial sums are in memory, the tree
 * depth keeps floating-point error growth logarithmic, and the tree's shape depends only on
 * the number of items: the same items give the same bits whatever order they finished in.
 * @module
 */
import type { ResultStore } from "../store/result_store.ts";
import { type DatasetOutput, mergeDatasetOutput } from "./chunk_output.ts";

/** Options of {@link mergeStoredResults}. */
export interface MergeOptions {
  /** Results read ahead of the merge (default 8). */
  readonly window?: number;
  /** Called after each result is merged (progress, memory probes). */
  readonly onMerged?: (merged: number) => void;
}

/**
 * Merges the stored results with these hashes (already in key order) into one output, or
 * undefined when there are none. Results are expected to share a dataset.
 */
export async function mergeStoredResults(
  store: ResultStore,
  hashes: readonly string[],
  options: MergeOptions = {},
): Promise<DatasetOutput | undefined> {
  const window = Math.max(1, options.window ?? 8);
  const stack: { level: number; output: DatasetOutput }[] = [];
  const pending: Promise<DatasetOutput>[] = [];
  let next = 0;
  const fill = () => {
    while (next < hashes.length && pending.length < window) {
      const read = store.getResult("results", hashes[next++]) as Promise<DatasetOutput>;
      // Awaited in order below; this only keeps a failed read-ahead from being "unhandled".
      read.catch(() => {});
      pending.push(read);
    }
  };
  fill();
  for (let i = 0; i < hashes.length; i++) {
    const output = await pending.shift()!;
    fill();
    stack.push({ level: 0, output });
    while (stack.length >= 2 && stack[stack.length - 1].level === stack[stack.length - 2].level) {
      const right = stack.pop()!;
      const left = stack.pop()!;
      stack.push({ level: left.level + 1, output: mergeDatasetOutput(left.output, right.output) });
    }
    options.onMerged?.(i + 1);
  }
  // What is left is one partial per set bit of n, largest first: fold from the right so the
  // small (recent) partials are added together before joining the big ones.
  let merged: DatasetOutput | undefined;
  while (stack.length > 0) {
    const top = stack.pop()!.output;
    merged = merged ? mergeDatasetOutput(top, merged) : top;
  }
  return merged;
}

/**
 * Work items: the unit of processing - one entry range of one tree of one file of one dataset.
 * Immutable and hashable, so results can be stored by key and reruns skip finished items.
 * @module
 */

/** An entry range [start, stop) of a tree in a file that belongs to a dataset. */
export interface WorkItem {
  readonly dataset: string;
  readonly file: string;
  readonly tree: string;
  readonly start: number;
  readonly stop: number;
}

/**
 * Splits `entries` into chunks of at most `chunkSize`, of near-equal sizes (no tiny last chunk).
 *
 * @example
 * ```ts
 * import { splitEntries } from "./work_item.ts";
 * const ranges = splitEntries(250, 100); // 3 chunks: 84 + 83 + 83
 * if (ranges.length !== 3 || ranges[2].stop !== 250) throw new Error();
 * ```
 */
export function splitEntries(
  entries: number,
  chunkSize: number,
): { start: number; stop: number }[] {
  if (!(chunkSize >= 1)) {
    throw new RangeError(`Cannot split entries: chunk size ${chunkSize} must be >= 1`);
  }
  if (entries <= 0) return [];
  const chunks = Math.ceil(entries / chunkSize);
  const ranges: { start: number; stop: number }[] = [];
  for (let i = 0; i < chunks; i++) {
    ranges.push({
      start: Math.floor((i * entries) / chunks),
      stop: Math.floor(((i + 1) * entries) / chunks),
    });
  }
  return ranges;
}

/** A readable, unique key of a work item, used to sort results deterministically. */
export function workItemKey(item: WorkItem): string {
  return `${item.dataset}|${item.file}|${item.tree}|${item.start}-${item.stop}`;
}

/** Compares work items by key, for a merge order that does not depend on completion order. */
export function compareWorkItems(a: WorkItem, b: WorkItem): number {
  const ka = workItemKey(a);
  const kb = workItemKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Splitting a run's items into jobs: by a number of items, or by events (the `events` of each
 * item), keeping the items' order (sorted by key: a job reads neighbouring ranges of a file).
 * @module
 */
import type { ExecutorItem } from "@ristretto/core/plugin";

/** How to size jobs. */
export interface JobSizing {
  /** Items per job at most. */
  readonly itemsPerJob?: number;
  /** Events per job at most (an item with more events than this is a job of its own). */
  readonly eventsPerJob?: number;
  /** Jobs at most when neither size is given: items are spread evenly (default 50). */
  readonly maxJobs?: number;
}

/**
 * Consecutive groups of `items`: with `eventsPerJob`, each group's events stay within it (and
 * its items within `itemsPerJob` when given too); with only `itemsPerJob`, groups of that many;
 * with neither, `ceil(items / maxJobs)` items per group.
 */
export function groupItems(
  items: readonly ExecutorItem[],
  sizing: JobSizing = {},
): ExecutorItem[][] {
  const perJob = sizing.itemsPerJob ??
    (sizing.eventsPerJob ? Infinity : Math.ceil(items.length / Math.max(1, sizing.maxJobs ?? 50)));
  const maxItems = Math.max(1, perJob);
  const maxEvents = sizing.eventsPerJob ?? Infinity;
  const groups: ExecutorItem[][] = [];
  let group: ExecutorItem[] = [];
  let events = 0;
  for (const item of items) {
    if (group.length > 0 && (group.length >= maxItems || events + item.events > maxEvents)) {
      groups.push(group);
      group = [];
      events = 0;
    }
    group.push(item);
    events += item.events;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

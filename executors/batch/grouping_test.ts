import { deepEqual } from "node:assert/strict";
import type { ExecutorItem } from "@ristretto/core/plugin";
import { groupItems } from "./_grouping.ts";

/** Items named by their position, with these event counts. */
const items = (events: number[]): ExecutorItem[] =>
  events.map((n, i) => ({ hash: `h${i}`, key: `k${i}`, events: n }));
const shape = (groups: ExecutorItem[][]) => groups.map((group) => group.map((item) => item.key));

Deno.test("groupItems: by events, consecutive, never above the bound", () => {
  // 700 + 700 + 700 = 2100 fits; the 4th would make 2800 > 2100; 300 tails join the next job.
  deepEqual(shape(groupItems(items([700, 700, 700, 700, 300, 700, 700]), { eventsPerJob: 2100 })), [
    ["k0", "k1", "k2"],
    ["k3", "k4", "k5"],
    ["k6"],
  ]);
  // An item above the bound is a job of its own; nothing is dropped or reordered.
  deepEqual(shape(groupItems(items([100, 5000, 100, 100]), { eventsPerJob: 1000 })), [
    ["k0"],
    ["k1"],
    ["k2", "k3"],
  ]);
});

Deno.test("groupItems: events and items bounds together; items only; maxJobs", () => {
  deepEqual(
    shape(groupItems(items([1, 1, 1, 1, 1]), { eventsPerJob: 1000, itemsPerJob: 2 })),
    [["k0", "k1"], ["k2", "k3"], ["k4"]],
  );
  deepEqual(shape(groupItems(items([9, 9, 9]), { itemsPerJob: 2 })), [["k0", "k1"], ["k2"]]);
  // 7 items over at most 3 jobs: ceil(7 / 3) = 3 per job.
  deepEqual(shape(groupItems(items([1, 1, 1, 1, 1, 1, 1]), { maxJobs: 3 })), [
    ["k0", "k1", "k2"],
    ["k3", "k4", "k5"],
    ["k6"],
  ]);
  deepEqual(groupItems([], { eventsPerJob: 10 }), []);
});

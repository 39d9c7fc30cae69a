import { deepStrictEqual, throws } from "node:assert/strict";
import { broadcast } from "./broadcast.ts";
import { flatten } from "./flatten.ts";
import { fromLists, plain, randomJagged, seededRandom } from "./_testing.ts";

Deno.test("broadcast: one value per object, aligned with flatten on a slice", () => {
  const pt = fromLists([[1, 2], [], [3]], { lead: 4 });
  const met = Float32Array.of(10, 20, 30);
  // event0 has 2 objects -> 10,10; event1 none; event2 one -> 30
  const repeated = broadcast(met, pt.offsets);
  deepStrictEqual(plain(repeated), [10, 10, 30]);
  // e.g. pt - MET per object: 1-10, 2-10, 3-30
  deepStrictEqual(plain(flatten(pt).map((v, k) => v - repeated[k])), [-9, -8, -27]);
  throws(() => broadcast(Float32Array.of(1), pt.offsets), /has 1 entries but there are 3 events/);
});

Deno.test("broadcast agrees with a naive per-event computation on random data", () => {
  const random = seededRandom(3);
  for (let trial = 0; trial < 10; trial++) {
    const { jagged, lists } = randomJagged(random, { lead: trial, maxCount: 4 });
    const perEvent = Float64Array.from(lists, () => random());
    deepStrictEqual(
      plain(broadcast(perEvent, jagged.offsets)),
      lists.flatMap((l, i) => l.map(() => perEvent[i])),
    );
  }
});

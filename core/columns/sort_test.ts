import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { argsort } from "./sort.ts";
import { take } from "./gather.ts";
import { fromLists, randomJagged, seededRandom, toLists } from "./_testing.ts";

Deno.test("argsort: hand example, ascending and descending, NaN last", () => {
  const pt = fromLists([[30, NaN, 50, 30], [], [7]], { lead: 2 });
  // ascending: 30(0), 30(3), 50(2), NaN(1); descending: 50(2), 30(0), 30(3), NaN(1)
  deepStrictEqual(toLists(argsort(pt)), [[0, 3, 2, 1], [], [0]]);
  const down = argsort(pt, { descending: true });
  strictEqual(down.offsets, pt.offsets);
  deepStrictEqual(toLists(down), [[2, 0, 3, 1], [], [0]]);
  deepStrictEqual(toLists(take(pt, down)), [[50, 30, 30, NaN], [], [7]]);
});

Deno.test("argsort: stable for ties in both directions, long events use the other path", () => {
  // 40 objects with values k % 3: stable ascending = all 0s (in order), then 1s, then 2s
  const values = Array.from({ length: 40 }, (_, k) => k % 3);
  const j = fromLists([values, values.slice(0, 10)]);
  const stable = (descending: boolean) =>
    values.map((v, k) => [v, k]).sort((a, b) =>
      (descending ? b[0] - a[0] : a[0] - b[0]) || a[1] - b[1]
    )
      .map((p) => p[1]);
  deepStrictEqual(toLists(argsort(j))[0], stable(false));
  deepStrictEqual(toLists(argsort(j, { descending: true }))[0], stable(true));
  // NaN last in the long path too
  const withNaN = fromLists([Array.from({ length: 30 }, (_, k) => k % 4 === 0 ? NaN : k)]);
  const order = toLists(argsort(withNaN, { descending: true }))[0];
  deepStrictEqual(order.slice(-8), [0, 4, 8, 12, 16, 20, 24, 28]);
  deepStrictEqual(order[0], 29);
});

Deno.test("argsort agrees with a naive stable sort on random data", () => {
  const random = seededRandom(31337);
  for (let trial = 0; trial < 30; trial++) {
    const { jagged, lists } = randomJagged(random, {
      events: 20,
      maxCount: trial % 3 === 0 ? 60 : 8,
      nanFraction: 0.1,
      integers: trial % 2 === 0,
      lead: trial % 4,
    });
    for (const descending of [false, true]) {
      const expected = lists.map((l) =>
        l.map((v, k) => [v, k]).sort((a, b) => {
          const na = Number.isNaN(a[0]);
          const nb = Number.isNaN(b[0]);
          if (na || nb) return na === nb ? a[1] - b[1] : na ? 1 : -1;
          return (descending ? b[0] - a[0] : a[0] - b[0]) || a[1] - b[1];
        }).map((p) => p[1])
      );
      deepStrictEqual(toLists(argsort(jagged, { descending })), expected);
    }
  }
});

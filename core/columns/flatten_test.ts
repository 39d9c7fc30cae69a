import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { flatten, unflatten } from "./flatten.ts";
import { fromLists, plain, randomJagged, seededRandom, toLists } from "./_testing.ts";

Deno.test("flatten: the span between offsets[0] and offsets[last], as a view", () => {
  const j = fromLists([[1, 2], [], [3]], { lead: 2, trail: 3 });
  const flat = flatten(j);
  deepStrictEqual(plain(flat), [1, 2, 3]);
  strictEqual(flat.buffer, j.content.buffer);
  deepStrictEqual(plain(flatten(fromLists([[], []], { lead: 1 }))), []);
});

Deno.test("unflatten: counts to offsets; counts must cover the content", () => {
  const j = unflatten(Int16Array.of(5, 6, 7), [0, 2, 0, 1]);
  deepStrictEqual(plain(j.offsets), [0, 0, 2, 2, 3]);
  deepStrictEqual(toLists(j), [[], [5, 6], [], [7]]);
  throws(() => unflatten(Int16Array.of(5, 6, 7), [1, 1]), /add up to 2 but content has 3/);
  throws(() => unflatten(Int16Array.of(5), [2, -1]), RangeError);
});

Deno.test("flatten/unflatten round trip on random data", () => {
  const random = seededRandom(5);
  for (let trial = 0; trial < 20; trial++) {
    const { jagged, lists } = randomJagged(random, { lead: trial % 3, trail: 2, maxCount: 5 });
    deepStrictEqual(plain(flatten(jagged)), lists.flat());
    deepStrictEqual(toLists(unflatten(flatten(jagged), lists.map((l) => l.length))), lists);
  }
});

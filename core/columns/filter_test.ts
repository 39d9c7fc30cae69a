import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { filterEvents, filterObjects, maskedOffsets } from "./filter.ts";
import { isJagged } from "./jagged.ts";
import type { Jagged } from "./types.ts";
import { fromLists, plain, randomJagged, sameLayout, seededRandom, toLists } from "./_testing.ts";

Deno.test("filterObjects: hand example on a slice, dtype kept, offsets from 0", () => {
  // events: [50, 10, 30] [] [8, 60]; keep pt > 20 -> [50, 30] [] [60]
  const offsets = Int32Array.of(1, 4, 4, 6);
  const pt = { offsets, content: Float32Array.of(-1, 50, 10, 30, 8, 60) };
  const mask = { offsets, content: Uint8Array.of(9, 1, 0, 1, 0, 1) };
  const good = filterObjects(pt, mask);
  strictEqual(good.content instanceof Float32Array, true);
  deepStrictEqual(toLists(good), [[50, 30], [], [60]]);
  deepStrictEqual(plain(good.offsets), [0, 2, 2, 3]);
});

Deno.test("filterObjects: several fields share one offsets object via maskedOffsets", () => {
  const offsets = Int32Array.of(0, 2, 3);
  const mask = { offsets, content: Uint8Array.of(0, 1, 1) };
  const shared = maskedOffsets(offsets, mask);
  const pt = filterObjects({ offsets, content: Float32Array.of(1, 2, 3) }, mask, {
    offsets: shared,
  });
  const charge = filterObjects({ offsets, content: Int32Array.of(-1, 1, -1) }, mask, {
    offsets: shared,
  });
  strictEqual(pt.offsets, charge.offsets);
  deepStrictEqual(toLists(pt), [[2], [3]]);
  deepStrictEqual(toLists(charge), [[1], [-1]]);
  strictEqual(charge.content instanceof Int32Array, true);
});

Deno.test("filterObjects: mask with its own (equal-count) offsets is accepted", () => {
  // the mask lives in another buffer starting at 3, same counts [2, 1]
  const pt = { offsets: Int32Array.of(0, 2, 3), content: Float64Array.of(1, 2, 3) };
  const mask = { offsets: Int32Array.of(3, 5, 6), content: Uint8Array.of(0, 0, 0, 1, 0, 1) };
  deepStrictEqual(toLists(filterObjects(pt, mask)), [[1], [3]]);
});

Deno.test("filterObjects: mismatched layouts throw", () => {
  const pt = { offsets: Int32Array.of(0, 2, 3), content: Float64Array.of(1, 2, 3) };
  const wrongCounts = { offsets: Int32Array.of(0, 1, 3), content: Uint8Array.of(1, 1, 1) };
  throws(() => filterObjects(pt, wrongCounts), /has 1 objects in event 0/);
  const wrongEvents = { offsets: Int32Array.of(0, 3), content: Uint8Array.of(1, 1, 1) };
  throws(() => filterObjects(pt, wrongEvents), RangeError);
  const mask = { offsets: pt.offsets, content: Uint8Array.of(1, 1, 1) };
  throws(
    () => filterObjects(pt, mask, { offsets: Int32Array.of(0, 1, 2) }),
    /does not match the mask/,
  );
});

Deno.test("filterEvents: flat and jagged, result offsets start at 0", () => {
  const met = Float32Array.of(10, 20, 30, 40);
  const mask = Uint8Array.of(1, 0, 0, 1);
  const kept = filterEvents(met, mask);
  strictEqual(kept instanceof Float32Array, true);
  deepStrictEqual(plain(kept as Float32Array), [10, 40]);
  const pt = fromLists([[1, 2], [3], [], [4, 5, 6]], { lead: 2, trail: 1 });
  const keptPt = filterEvents(pt, mask) as Jagged;
  strictEqual(isJagged(keptPt), true);
  deepStrictEqual(plain(keptPt.offsets), [0, 2, 5]);
  deepStrictEqual(toLists(keptPt), [[1, 2], [4, 5, 6]]);
  // nothing kept
  const none = filterEvents(pt, new Uint8Array(4)) as Jagged;
  deepStrictEqual(plain(none.offsets), [0]);
  throws(() => filterEvents(met, Uint8Array.of(1)), /has 1 entries but there are 4 events/);
});

Deno.test("filters agree with a naive per-event computation on random data", () => {
  const random = seededRandom(7);
  for (let trial = 0; trial < 25; trial++) {
    const { jagged, lists } = randomJagged(random, {
      events: 30,
      maxCount: trial % 4 === 0 ? 0 : 5,
      lead: trial % 3,
      trail: trial % 2,
      nanFraction: 0.1,
    });
    const { jagged: maskValues, lists: maskLists } = sameLayout(
      jagged,
      () => random() < 0.5 ? 1 : 0,
    );
    const mask = { offsets: maskValues.offsets, content: Uint8Array.from(maskValues.content) };
    const expected = lists.map((l, i) => l.filter((_, k) => maskLists[i][k] === 1));
    deepStrictEqual(toLists(filterObjects(jagged, mask)), expected);
    const eventMask = Uint8Array.from(lists, () => random() < 0.6 ? 1 : 0);
    deepStrictEqual(
      toLists(filterEvents(jagged, eventMask) as Jagged),
      lists.filter((_, i) => eventMask[i] === 1),
    );
    const perEvent = Float64Array.from(lists, (_, i) => i * 1.5);
    deepStrictEqual(
      plain(filterEvents(perEvent, eventMask) as Float64Array),
      lists.map((_, i) => i * 1.5).filter((_, i) => eventMask[i] === 1),
    );
  }
});

import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { gatherJagged, gatherPerEvent, take, takeAt } from "./gather.ts";
import { fromLists, plain, randomJagged, seededRandom, toLists } from "./_testing.ts";

// [50, 30, 20] [] [40] on a slice starting at 1
const pt = fromLists([[50, 30, 20], [], [40]], { lead: 1, trail: 2 });

Deno.test("takeAt: leading, subleading, from the end, missing -> fill", () => {
  deepStrictEqual(plain(takeAt(pt, 0)), [50, NaN, 40]);
  deepStrictEqual(plain(takeAt(pt, 1, { fill: 0 })), [30, 0, 0]);
  deepStrictEqual(plain(takeAt(pt, -1)), [20, NaN, 40]);
  deepStrictEqual(plain(takeAt(pt, -3)), [50, NaN, NaN]);
  deepStrictEqual(plain(takeAt(pt, 5)), [NaN, NaN, NaN]);
  throws(() => takeAt(pt, 0.5), /not an integer/);
});

Deno.test("gatherPerEvent: -1 and out of range -> fill", () => {
  deepStrictEqual(plain(gatherPerEvent(pt, Int32Array.of(2, 0, -1))), [20, NaN, NaN]);
  deepStrictEqual(plain(gatherPerEvent(pt, Int32Array.of(3, -1, 0), { fill: -5 })), [-5, -5, 40]);
  throws(() => gatherPerEvent(pt, Int32Array.of(0)), /has 1 entries but there are 3 events/);
});

Deno.test("gatherJagged: resolves Jet_muonIdx1-style links, result shares index offsets", () => {
  // Muon_pt: event0 [40, 20], event1 [], event2 [35]
  const muonPt = fromLists([[40, 20], [], [35]], { lead: 3 });
  // Jet_muonIdx1: event0 [1, -1, 0], event1 [-1], event2 [0, 1 (out of range)]
  const idx = {
    offsets: Int32Array.of(2, 5, 6, 8),
    content: Int32Array.of(7, 7, 1, -1, 0, -1, 0, 1, 7),
  };
  const linked = gatherJagged(muonPt, idx);
  strictEqual(linked.offsets, idx.offsets);
  deepStrictEqual(toLists(linked), [[20, NaN, 40], [NaN], [35, NaN]]);
  // outside the span: fill
  deepStrictEqual([linked.content[0], linked.content[8]], [NaN, NaN]);
  deepStrictEqual(toLists(gatherJagged(muonPt, idx, { fill: 0 })), [[20, 0, 40], [0], [35, 0]]);
  throws(() => gatherJagged(muonPt, { offsets: Int32Array.of(0, 0), content: new Int32Array() }));
});

Deno.test("take: reorders within events, keeps dtype, rejects bad indices", () => {
  const offsets = Int32Array.of(0, 3, 3, 5);
  const charge = { offsets, content: Int8Array.of(1, -1, 1, -1, -1) };
  const order = { offsets, content: Int32Array.of(2, 0, 1, 1, 0) };
  const taken = take(charge, order);
  strictEqual(taken.content instanceof Int8Array, true);
  deepStrictEqual(toLists(taken), [[1, 1, -1], [], [-1, -1]]);
  // duplicates and subsets are allowed: a selection
  const pick = { offsets: Int32Array.of(0, 2, 2, 2), content: Int32Array.of(1, 1) };
  deepStrictEqual(toLists(take(charge, pick)), [[-1, -1], [], []]);
  throws(
    () => take(charge, { offsets, content: Int32Array.of(0, 1, 3, 0, 0) }),
    /index 3 is out of range for event 0/,
  );
});

Deno.test("gathers agree with a naive per-event computation on random data", () => {
  const random = seededRandom(99);
  for (let trial = 0; trial < 25; trial++) {
    const { jagged, lists } = randomJagged(random, {
      events: 30,
      maxCount: trial % 5 === 0 ? 0 : 4,
      lead: trial % 3,
      nanFraction: 0.1,
    });
    for (const position of [0, 1, 3, -1, -2]) {
      deepStrictEqual(
        plain(takeAt(jagged, position, { fill: -3 })),
        lists.map((l) => {
          const v = l.at(position);
          return v === undefined ? -3 : v;
        }),
      );
    }
    const perEventIndex = Int32Array.from(lists, () => Math.floor(random() * 7) - 1);
    deepStrictEqual(
      plain(gatherPerEvent(jagged, perEventIndex)),
      lists.map((l, i) => l[perEventIndex[i]] ?? NaN),
    );
    // random index lists into the same events: -1..count (count is out of range)
    const indexLists = lists.map((l) =>
      Array.from(
        { length: Math.floor(random() * 4) },
        () => Math.floor(random() * (l.length + 2)) - 1,
      )
    );
    const index = fromLists(indexLists, { lead: trial % 2 });
    const index32 = { offsets: index.offsets, content: Int32Array.from(index.content) };
    deepStrictEqual(
      toLists(gatherJagged(jagged, index32)),
      indexLists.map((ix, i) => ix.map((k) => k >= 0 && k < lists[i].length ? lists[i][k] : NaN)),
    );
    // a valid permutation for take: reversed order
    const reversed = fromLists(lists.map((l) => l.map((_, k) => l.length - 1 - k)), {
      lead: 1 + (trial % 2),
    });
    const perm = { offsets: reversed.offsets, content: Int32Array.from(reversed.content) };
    const reversedValues = take(jagged, perm);
    strictEqual(reversedValues.offsets, perm.offsets); // shares the index offsets (start 1 or 2)
    deepStrictEqual(toLists(reversedValues), lists.map((l) => [...l].reverse()));
  }
});

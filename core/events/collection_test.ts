import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import type { Jagged } from "../columns/types.ts";
import { InputError } from "../errors/mod.ts";
import { Collection } from "./collection.ts";
import { fromLists, plain, randomJagged, seededRandom, toLists } from "../columns/_testing.ts";

// Jets on a slice starting at 1: [30, 50, 40] [] [20]
function jets(): Collection {
  return new Collection("Jet", Int32Array.of(1, 4, 4, 5), {
    pt: Float32Array.of(-1, 30, 50, 40, 20),
    eta: Float32Array.of(-1, 0.5, -1.5, 2.5, 1),
    jetId: Int32Array.of(-1, 6, 2, 6, 6),
  });
}

Deno.test("Collection: fields, counts, get shares offsets", () => {
  const c = jets();
  deepStrictEqual(c.fields(), ["pt", "eta", "jetId"]);
  strictEqual(c.length, 3);
  deepStrictEqual(plain(c.counts()), [3, 0, 1]);
  strictEqual(c.get("pt").offsets, c.offsets);
  strictEqual(c.get("pt"), c.get("pt"));
  strictEqual(c.has("eta"), true);
  throws(() => c.get("phi"), (e: unknown) => e instanceof InputError && /Jet.phi/.test(e.message));
  const short = new Collection("X", Int32Array.of(0, 3), { a: new Float32Array(2) });
  throws(() => short.get("a"), /content has 2 values but the offsets end at 3/);
});

Deno.test("Collection.filter: one new offsets for all fields, dtype kept, lazy", () => {
  let computed = 0;
  const c = new Collection("Jet", Int32Array.of(0, 2, 3), {
    pt: Float32Array.of(30, 10, 40),
    expensive: () => {
      computed++;
      return Float64Array.of(1, 2, 3);
    },
  });
  const mask = { offsets: c.offsets, content: Uint8Array.of(1, 0, 1) }; // pt > 20
  const good = c.filter(mask);
  strictEqual(computed, 0); // nothing computed until read
  strictEqual(good.get("pt").offsets, good.get("expensive").offsets);
  deepStrictEqual(plain(good.offsets), [0, 1, 2]);
  deepStrictEqual(toLists(good.get("pt")), [[30], [40]]);
  strictEqual(good.get("pt").content instanceof Float32Array, true);
  deepStrictEqual(toLists(good.get("expensive")), [[1], [3]]);
  good.get("expensive");
  strictEqual(computed, 1); // computed once, then cached
});

Deno.test("Collection.sortedBy / take: jets by pt descending carry their other fields", () => {
  const sorted = jets().sortedBy("pt", { descending: true });
  deepStrictEqual(toLists(sorted.get("pt")), [[50, 40, 30], [], [20]]);
  deepStrictEqual(toLists(sorted.get("eta")), [[-1.5, 2.5, 0.5], [], [1]]);
  deepStrictEqual(toLists(sorted.get("jetId")), [[2, 6, 6], [], [6]]);
  strictEqual(sorted.get("pt").offsets, sorted.get("jetId").offsets);
  const firstTwo = jets().take({
    offsets: Int32Array.of(0, 2, 2, 2),
    content: Int32Array.of(2, 0),
  });
  deepStrictEqual(toLists(firstTwo.get("pt")), [[40, 30], [], []]);
});

Deno.test("Collection.withField and selectEvents", () => {
  const c = jets();
  // a jagged field from another buffer (offsets start at 0) is re-indexed onto c.offsets
  const corrected = c.withField("ptCorr", fromLists([[33, 55, 44], [], [22]]));
  deepStrictEqual(toLists(corrected.get("ptCorr")), [[33, 55, 44], [], [22]]);
  strictEqual(corrected.get("ptCorr").offsets, c.offsets);
  deepStrictEqual(c.has("ptCorr"), false);
  throws(() => c.withField("bad", fromLists([[1], [], [2]])), RangeError);
  const kept = c.selectEvents(Uint8Array.of(0, 1, 1));
  deepStrictEqual(plain(kept.offsets), [0, 0, 1]);
  deepStrictEqual(toLists(kept.get("pt")), [[], [20]]);
  throws(() => c.selectEvents(Uint8Array.of(1)), RangeError);
  strictEqual(c.renamed("J").name, "J");
});

Deno.test("Collection.filter and sortedBy agree with naive per-event code on random data", () => {
  const random = seededRandom(4242);
  for (let trial = 0; trial < 20; trial++) {
    const { jagged: pt, lists: ptLists } = randomJagged(random, {
      lead: trial % 3,
      nanFraction: 0.05,
      maxCount: trial % 4 === 0 ? 0 : 7,
    });
    const etaLists = ptLists.map((l) => l.map(() => random() * 5 - 2.5));
    const eta = new Float64Array(pt.content.length);
    ptLists.forEach((_, i) => etaLists[i].forEach((v, k) => eta[pt.offsets[i] + k] = v));
    const c = new Collection("Jet", pt.offsets, { pt: pt.content, eta });
    const mask: Jagged<Uint8Array> = {
      offsets: pt.offsets,
      content: Uint8Array.from(pt.content, (v) => v > 20 ? 1 : 0),
    };
    const good = c.filter(mask);
    deepStrictEqual(toLists(good.get("pt")), ptLists.map((l) => l.filter((v) => v > 20)));
    deepStrictEqual(
      toLists(good.get("eta")),
      etaLists.map((l, i) => l.filter((_, k) => ptLists[i][k] > 20)),
    );
    const sorted = c.sortedBy("pt", { descending: true });
    const naiveOrder = ptLists.map((l) =>
      l.map((v, k) => [v, k]).sort((a, b) => {
        const na = Number.isNaN(a[0]);
        const nb = Number.isNaN(b[0]);
        if (na || nb) return na === nb ? a[1] - b[1] : na ? 1 : -1;
        return b[0] - a[0] || a[1] - b[1];
      }).map((x) => x[1])
    );
    deepStrictEqual(
      toLists(sorted.get("eta")),
      naiveOrder.map((order, i) => order.map((k) => etaLists[i][k])),
    );
  }
});

Deno.test("Collection.selectEvents / filter: any non-zero byte keeps, all-kept shares", () => {
  const c = jets(); // [30, 50, 40] [] [20]
  // Masks need not be 0/1: 2 and 255 keep like 1.
  const some = c.selectEvents(Uint8Array.of(2, 0, 255));
  deepStrictEqual(toLists(some.get("pt")), [[30, 50, 40], [20]]);
  // Content positions follow the offsets, which start at 1 (position 0 is outside).
  const objects = { offsets: c.offsets, content: Uint8Array.of(0, 9, 0, 7, 1) };
  deepStrictEqual(toLists(c.filter(objects).get("pt")), [[30, 40], [], [20]]);
  // Every event kept: the collection itself (immutable), nothing copied.
  strictEqual(c.selectEvents(Uint8Array.of(1, 3, 1)), c);
});

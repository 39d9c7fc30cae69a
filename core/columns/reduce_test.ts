import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { all, any, argmax, argmin, counts, countTrue, max, min, sum } from "./reduce.ts";
import { gatherPerEvent } from "./gather.ts";
import { fromLists, plain, randomJagged, seededRandom, toLists } from "./_testing.ts";

// Three events: [50, 30, 40], [], [NaN, 7]. Offsets start at 2 (a slice).
const sliced = {
  offsets: Int32Array.of(2, 5, 5, 7),
  content: Float32Array.of(99, 99, 50, 30, 40, NaN, 7, 99),
};

Deno.test("counts: objects per event, slice offsets", () => {
  // 5-2 = 3, 5-5 = 0, 7-5 = 2
  deepStrictEqual(plain(counts(sliced)), [3, 0, 2]);
  deepStrictEqual(plain(counts({ offsets: Int32Array.of(0), content: new Float32Array() })), []);
});

Deno.test("countTrue: non-zero bytes per event", () => {
  const mask = { offsets: Int32Array.of(1, 4, 4, 6), content: Uint8Array.of(1, 1, 0, 2, 0, 0) };
  // event 0: [1, 0, 2] -> 2 (2 is true too); event 1: [] -> 0; event 2: [0, 0] -> 0
  deepStrictEqual(plain(countTrue(mask)), [2, 0, 0]);
});

Deno.test("sum: hand-computed, empty events give 0, NaN propagates", () => {
  // 50+30+40 = 120; empty -> 0; NaN+7 = NaN
  deepStrictEqual(plain(sum(sliced)), [120, 0, NaN]);
});

Deno.test("max/min: NaN skipped, empty -> fill", () => {
  deepStrictEqual(plain(max(sliced)), [50, NaN, 7]);
  deepStrictEqual(plain(max(sliced, { fill: -1 })), [50, -1, 7]);
  deepStrictEqual(plain(min(sliced)), [30, NaN, 7]);
  // only NaN: nothing to compare -> fill
  const onlyNaN = { offsets: Int32Array.of(0, 2), content: Float64Array.of(NaN, NaN) };
  deepStrictEqual(plain(max(onlyNaN, { fill: 0 })), [0]);
  deepStrictEqual(plain(min(onlyNaN)), [NaN]);
  // -Infinity is a real value
  const inf = { offsets: Int32Array.of(0, 1), content: Float64Array.of(-Infinity) };
  deepStrictEqual(plain(max(inf)), [-Infinity]);
});

Deno.test("argmax/argmin: local index, first on ties, -1 when empty or all NaN", () => {
  deepStrictEqual(plain(argmax(sliced)), [0, -1, 1]);
  deepStrictEqual(plain(argmin(sliced)), [1, -1, 1]);
  const ties = fromLists([[3, 5, 5, 1], [1, 1], [NaN], [-Infinity, -Infinity]]);
  deepStrictEqual(plain(argmax(ties)), [1, 0, -1, 0]);
  deepStrictEqual(plain(argmin(ties)), [3, 0, -1, 0]);
});

Deno.test("any/all: empty events give any=0, all=1; NaN is true", () => {
  const j = fromLists([[0, 1], [], [0, 0], [NaN], [2, 3]], { lead: 1 });
  deepStrictEqual(plain(any(j)), [1, 0, 0, 1, 1]);
  deepStrictEqual(plain(all(j)), [0, 1, 0, 1, 1]);
});

Deno.test("reductions: all-empty and zero-event inputs", () => {
  const empty = { offsets: Int32Array.of(3, 3, 3), content: new Float32Array(3) };
  deepStrictEqual(plain(counts(empty)), [0, 0]);
  deepStrictEqual(plain(sum(empty)), [0, 0]);
  deepStrictEqual(plain(max(empty)), [NaN, NaN]);
  deepStrictEqual(plain(argmin(empty)), [-1, -1]);
  deepStrictEqual(plain(all(empty)), [1, 1]);
  deepStrictEqual(plain(any(empty)), [0, 0]);
});

Deno.test("reductions: 64-bit integer content is read as numbers", () => {
  const j = { offsets: Int32Array.of(0, 2, 3), content: BigInt64Array.of(4n, 5n, -2n) };
  deepStrictEqual(plain(sum(j)), [9, -2]);
  deepStrictEqual(plain(argmax(j)), [1, 0]);
});

Deno.test("reductions: bad offsets throw RangeError", () => {
  const bad = { offsets: Int32Array.of(0, 5), content: new Float32Array(3) };
  throws(() => sum(bad), RangeError);
  throws(() => counts({ offsets: new Int32Array(0), content: new Float32Array(0) }), RangeError);
});

// Naive references: per-event JS arrays.
function naiveMax(list: number[], fill: number): number {
  const real = list.filter((v) => !Number.isNaN(v));
  return real.length === 0 ? fill : Math.max(...real);
}
function naiveArgBest(list: number[], better: (a: number, b: number) => boolean): number {
  let at = -1;
  list.forEach((v, k) => {
    if (Number.isNaN(v)) return;
    if (at < 0 || better(v, list[at])) at = k;
  });
  return at;
}

Deno.test("reductions agree with a naive per-event computation on random data", () => {
  const random = seededRandom(20261129);
  for (let trial = 0; trial < 30; trial++) {
    const { jagged, lists } = randomJagged(random, {
      events: 40,
      maxCount: trial % 3 === 0 ? 0 : 6,
      nanFraction: trial % 2 ? 0.15 : 0,
      lead: trial % 4,
      trail: trial % 5,
      integers: trial % 5 === 1,
    });
    deepStrictEqual(toLists(jagged), lists);
    deepStrictEqual(plain(counts(jagged)), lists.map((l) => l.length));
    deepStrictEqual(plain(sum(jagged)), lists.map((l) => l.reduce((a, b) => a + b, 0)));
    deepStrictEqual(plain(max(jagged, { fill: -7 })), lists.map((l) => naiveMax(l, -7)));
    deepStrictEqual(
      plain(min(jagged)),
      lists.map((l) => -naiveMax(l.map((v) => -v), -NaN)),
    );
    const am = argmax(jagged);
    deepStrictEqual(plain(am), lists.map((l) => naiveArgBest(l, (a, b) => a > b)));
    deepStrictEqual(plain(argmin(jagged)), lists.map((l) => naiveArgBest(l, (a, b) => a < b)));
    // identity: max == value at argmax (fill where argmax is -1)
    deepStrictEqual(
      plain(gatherPerEvent(jagged, am, { fill: 3 })),
      plain(max(jagged, { fill: 3 })),
    );
    const nonZero = { offsets: jagged.offsets, content: jagged.content.map((v) => v > 50 ? 1 : 0) };
    deepStrictEqual(plain(any(nonZero)), lists.map((l) => l.some((v) => v > 50) ? 1 : 0));
    deepStrictEqual(plain(all(nonZero)), lists.map((l) => l.every((v) => v > 50) ? 1 : 0));
    deepStrictEqual(
      plain(countTrue({ offsets: jagged.offsets, content: Uint8Array.from(nonZero.content) })),
      lists.map((l) => l.filter((v) => v > 50).length),
    );
  }
  strictEqual(random() < 1, true);
});

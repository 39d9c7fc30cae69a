import { deepStrictEqual, throws } from "node:assert/strict";
import { combinations } from "./combinations.ts";
import { cartesian } from "./cartesian.ts";
import type { Pairing } from "./combinations.ts";
import { plain } from "./_testing.ts";
import { seededRandom } from "./_testing.ts";

/** The tuples of each event, as absolute content indices. */
function tuples(pairing: Pairing): number[][][] {
  const out: number[][][] = [];
  for (let i = 0; i + 1 < pairing.offsets.length; i++) {
    const event: number[][] = [];
    for (let p = pairing.offsets[i]; p < pairing.offsets[i + 1]; p++) {
      event.push(pairing.slots.map((slot) => slot[p]));
    }
    out.push(event);
  }
  return out;
}

Deno.test("combinations n=2: awkward order within each event, absolute indices", () => {
  // offsets start at 2: event0 objects 2,3,4; event1 none; event2 one (5); event3 5,6? no: 6,7
  const offsets = Int32Array.of(2, 5, 5, 6, 8);
  const pairs = combinations(offsets, 2);
  // C(3,2)=3, C(0,2)=0, C(1,2)=0, C(2,2)=1
  deepStrictEqual(plain(pairs.offsets), [0, 3, 3, 3, 4]);
  deepStrictEqual(tuples(pairs), [[[2, 3], [2, 4], [3, 4]], [], [], [[6, 7]]]);
});

Deno.test("combinations n=3: C(4,3)=4 triples, lexicographic", () => {
  const triples = combinations(Int32Array.of(0, 4, 6), 3);
  deepStrictEqual(plain(triples.offsets), [0, 4, 4]);
  deepStrictEqual(tuples(triples)[0], [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]);
  throws(() => combinations(Int32Array.of(0, 4), 4 as 2), /n must be 2 or 3/);
});

Deno.test("cartesian: left-major pairs, separate index spaces", () => {
  // muons event0 [0,1], event1 [2]; electrons event0 [10,11,12] (slice at 10), event1 []
  const pairs = cartesian(Int32Array.of(0, 2, 3), Int32Array.of(10, 13, 13));
  deepStrictEqual(plain(pairs.offsets), [0, 6, 6]);
  deepStrictEqual(tuples(pairs)[0], [[0, 10], [0, 11], [0, 12], [1, 10], [1, 11], [1, 12]]);
  throws(() => cartesian(Int32Array.of(0, 1), Int32Array.of(0, 1, 2)), RangeError);
});

Deno.test("combinations and cartesian agree with naive nested loops on random data", () => {
  const random = seededRandom(11);
  for (let trial = 0; trial < 20; trial++) {
    const events = 25;
    const countsL = Array.from({ length: events }, () => Math.floor(random() * 6));
    const countsR = Array.from({ length: events }, () => Math.floor(random() * 4));
    const toOffsets = (counts: number[], start: number) => {
      const o = [start];
      for (const c of counts) o.push(o[o.length - 1] + c);
      return Int32Array.from(o);
    };
    const left = toOffsets(countsL, trial);
    const right = toOffsets(countsR, 2 * trial);
    const naivePairs: number[][][] = [];
    const naiveTriples: number[][][] = [];
    const naiveCartesian: number[][][] = [];
    for (let i = 0; i < events; i++) {
      const objects = Array.from({ length: countsL[i] }, (_, k) => left[i] + k);
      const others = Array.from({ length: countsR[i] }, (_, k) => right[i] + k);
      naivePairs.push(objects.flatMap((a, x) => objects.slice(x + 1).map((b) => [a, b])));
      naiveTriples.push(
        objects.flatMap((a, x) =>
          objects.slice(x + 1).flatMap((b, y) => objects.slice(x + y + 2).map((c) => [a, b, c]))
        ),
      );
      naiveCartesian.push(objects.flatMap((a) => others.map((b) => [a, b])));
    }
    deepStrictEqual(tuples(combinations(left, 2)), naivePairs);
    deepStrictEqual(tuples(combinations(left, 3)), naiveTriples);
    deepStrictEqual(tuples(cartesian(left, right)), naiveCartesian);
  }
});

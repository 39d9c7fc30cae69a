import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import {
  boolean,
  DROPPED,
  intCategory,
  integer,
  regular,
  type RegularAxis,
  strCategory,
  variable,
} from "./mod.ts";

function positions(
  axis: { indexInto(v: ArrayLike<number>, o: Int32Array): void },
  values: number[],
) {
  const out = new Int32Array(values.length);
  axis.indexInto(values, out);
  return Array.from(out);
}

// Naive reference: linear scan of the edges, as a physicist would define bins.
function naiveRegularPosition(axis: RegularAxis, x: number): number {
  const e = axis.edges();
  const uf = axis.underflow ? 1 : 0;
  if (Number.isNaN(x) || x >= e[e.length - 1]) return axis.overflow ? axis.bins + uf : DROPPED;
  if (x < e[0]) return axis.underflow ? 0 : DROPPED;
  for (let i = 0; i < axis.bins; i++) if (x >= e[i] && x < e[i + 1]) return i + uf;
  throw new Error("unreachable");
}

function nextDown(x: number): number {
  const buffer = new Float64Array([x]);
  const bits = new BigInt64Array(buffer.buffer);
  if (x > 0) bits[0] -= 1n;
  else if (x < 0) bits[0] += 1n;
  else return -Number.MIN_VALUE;
  return buffer[0];
}

Deno.test("regular: edges are the correctly rounded decimal edges", () => {
  const a = regular("x", { bins: 10, start: 0, stop: 1 });
  // edge i = (0 * (10 - i) + 1 * i) / 10 = i / 10
  deepStrictEqual(Array.from(a.edges()), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  const pt = regular("pt", { bins: 50, start: 0, stop: 200 });
  equal(pt.edges()[7], 28); // 7 * 200 / 50; (7 / 50) * 200 would be 28.000000000000004
  deepStrictEqual(Array.from(pt.widths().subarray(0, 3)), [4, 4, 4]);
  deepStrictEqual(Array.from(pt.centers().subarray(0, 3)), [2, 6, 10]);
  equal(pt.extent, 52);
});

Deno.test("regular: a value equal to an edge lands in the bin that starts there", () => {
  const a = regular("x", { bins: 10, start: 0, stop: 1 });
  // storage positions: underflow = 0, bin i = i + 1, overflow = 11
  deepStrictEqual(positions(a, [0, 0.1, 0.2, 0.3, 0.7, 0.9, 1]), [1, 2, 3, 4, 8, 10, 11]);
  equal(a.index(0.3), 3);
  equal(a.index(1), 10); // the top edge is overflow
  equal(a.index(-0.1), -1);
  // just below an edge stays in the previous bin
  deepStrictEqual(positions(a, [nextDown(0.3), nextDown(1), nextDown(0)]), [3, 10, 0]);
  // every edge of awkward axes: edge i -> bin i, and the float just below -> bin i - 1
  const axes = [
    regular("a", { bins: 3, start: 0, stop: 0.3 }),
    regular("b", { bins: 7, start: -1.1, stop: 2.3 }),
    regular("c", { bins: 100, start: 0.1, stop: 0.7 }),
    regular("d", { bins: 49, start: -3.14159, stop: 3.14159 }),
    regular("e", { bins: 1000, start: 1e-3, stop: 13.7 }),
  ];
  for (const axis of axes) {
    const edges = axis.edges();
    for (let i = 0; i <= axis.bins; i++) {
      equal(axis.position(edges[i]), i + 1, `${axis.name} edge ${i}`);
      equal(axis.position(nextDown(edges[i])), i, `${axis.name} below edge ${i}`);
    }
  }
});

Deno.test("regular: NaN and infinities follow boost-histogram", () => {
  const a = regular("x", { bins: 2, start: 0, stop: 2 });
  deepStrictEqual(positions(a, [NaN, Infinity, -Infinity]), [3, 3, 0]);
  equal(a.index(NaN), 2);
  const noFlow = regular("x", { bins: 2, start: 0, stop: 2, underflow: false, overflow: false });
  deepStrictEqual(positions(noFlow, [NaN, Infinity, -Infinity, -0.5, 2, 0, 1.99]), [
    DROPPED,
    DROPPED,
    DROPPED,
    DROPPED,
    DROPPED,
    0,
    1,
  ]);
  const onlyUnder = regular("x", { bins: 2, start: 0, stop: 2, overflow: false });
  deepStrictEqual(positions(onlyUnder, [-1, 0.5, 1.5, 2, NaN]), [0, 1, 2, DROPPED, DROPPED]);
});

Deno.test("regular: vectorised lookup agrees with a naive edge scan on random values", () => {
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const axes = [
    regular("a", { bins: 50, start: 0, stop: 200 }),
    regular("b", { bins: 13, start: -2.5, stop: 2.5, underflow: false }),
    regular("c", { bins: 100, start: 0.1, stop: 0.7, overflow: false }),
  ];
  for (const axis of axes) {
    const edges = axis.edges();
    const values: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const r = random();
      // a third exactly on or just below an edge, the rest anywhere (including outside)
      if (r < 0.33) {
        const e = edges[Math.floor(random() * edges.length)];
        values.push(random() < 0.5 ? e : nextDown(e));
      } else {
        const span = axis.stop - axis.start;
        values.push(axis.start - 0.2 * span + random() * 1.4 * span);
      }
    }
    values.push(NaN, Infinity, -Infinity);
    deepStrictEqual(positions(axis, values), values.map((x) => naiveRegularPosition(axis, x)));
  }
});

Deno.test("regular: circular axes wrap", () => {
  const phi = regular("phi", { bins: 4, start: 0, stop: 360, circular: true });
  equal(phi.underflow, false);
  equal(phi.overflow, true);
  // 370 -> 10 -> bin 0 ; -10 -> 350 -> bin 3 ; 720 -> 0 -> bin 0 ; NaN -> overflow (position 4)
  deepStrictEqual(positions(phi, [370, -10, 720, 90, NaN]), [0, 3, 0, 1, 4]);
  equal(phi.index(-10), 3);
});

Deno.test("regular: bad parameters are refused with the axis name", () => {
  throws(
    () => regular("pt", { bins: 0, start: 0, stop: 1 }),
    /Cannot create regular axis "pt": bins/,
  );
  throws(() => regular("pt", { bins: 2, start: 1, stop: 1 }), /start < stop/);
  throws(() => regular("pt", { bins: 2, start: 0, stop: NaN }), /HIST_BAD_AXIS|start < stop/);
});

Deno.test("variable: bins [e_i, e_i+1), last edge to overflow, NaN to overflow", () => {
  const m = variable("m", [60, 80, 100, 120]);
  deepStrictEqual(Array.from(m.widths()), [20, 20, 20]);
  deepStrictEqual(Array.from(m.centers()), [70, 90, 110]);
  // positions: underflow 0, bins 1..3, overflow 4
  deepStrictEqual(positions(m, [59.9, 60, 79.99, 80, 119.9, 120, NaN, -Infinity, Infinity]), [
    0,
    1,
    1,
    2,
    3,
    4,
    4,
    0,
    4,
  ]);
  equal(m.index(120), 3);
  equal(m.index(10), -1);
  const noFlow = variable("m", [0, 1, 10], { underflow: false, overflow: false });
  deepStrictEqual(positions(noFlow, [-1, 0, 9.99, 10, NaN]), [DROPPED, 0, 1, DROPPED, DROPPED]);
  throws(() => variable("m", [1, 1, 2]), /Cannot create variable axis "m": edges must increase/);
  throws(() => variable("m", [1]), /at least 2 edges/);
});

Deno.test("variable: circular", () => {
  const a = variable("phi", [0, 90, 360], { circular: true });
  deepStrictEqual(positions(a, [-10, 370, 100]), [1, 0, 1]);
});

Deno.test("integer: floor of the value, flow and NaN", () => {
  const n = integer("nJet", { start: 0, stop: 3 });
  // positions: underflow 0, 0 -> 1, 1 -> 2, 2 -> 3, overflow 4
  deepStrictEqual(positions(n, [-1, 0, 1, 2.7, 3, NaN]), [0, 1, 2, 3, 4, 4]);
  deepStrictEqual(Array.from(n.edges()), [0, 1, 2, 3]);
  deepStrictEqual(Array.from(n.centers()), [0.5, 1.5, 2.5]);
  const noFlow = integer("nJet", { start: 2, stop: 4, underflow: false, overflow: false });
  deepStrictEqual(positions(noFlow, [1, 2, 3, 4, NaN]), [DROPPED, 0, 1, DROPPED, DROPPED]);
});

Deno.test("strCategory: names, indices and the other bin", () => {
  const c = strCategory("channel", ["ee", "mumu", "emu"]);
  equal(c.extent, 3);
  equal(c.position("mumu"), 1);
  equal(c.position("tautau"), DROPPED);
  equal(c.index("tautau"), 3);
  deepStrictEqual(positions(c, [2, 0, 3, -1, 1.5]), [2, 0, DROPPED, DROPPED, DROPPED]);
  const out = new Int32Array(3);
  c.indexInto(["emu", "ee", "x"], out);
  deepStrictEqual(Array.from(out), [2, 0, DROPPED]);
  const withOther = strCategory("channel", ["ee", "mumu"], { overflow: true });
  equal(withOther.extent, 3);
  deepStrictEqual(positions(withOther, [0, 5]), [0, 2]);
  throws(
    () => strCategory("c", ["a", "a"]),
    /Cannot create strCategory axis "c": category "a" appears twice/,
  );
});

Deno.test("intCategory: values (not indices), dense table and sparse fallback", () => {
  const pdg = intCategory("pdgId", [11, 13, -11, -13]);
  deepStrictEqual(positions(pdg, [13, -11, 15, 11.5, NaN, -13]), [
    1,
    2,
    DROPPED,
    DROPPED,
    DROPPED,
    3,
  ]);
  const wide = intCategory("run", [1, 5_000_000], { overflow: true });
  deepStrictEqual(positions(wide, [5_000_000, 1, 2]), [1, 0, 2]);
  equal(wide.index(7), 2);
});

Deno.test("boolean: masks fill it, non-zero is true", () => {
  const b = boolean("passed");
  deepStrictEqual(positions(b, [0, 1, 2, -1, NaN]), [0, 1, 1, 1, 1]);
  const out = new Int32Array(2);
  b.indexInto([true, false], out);
  deepStrictEqual(Array.from(out), [1, 0]);
  equal(b.position(true), 1);
  equal(b.position(false), 0);
  deepStrictEqual(Array.from(b.edges()), [0, 1, 2]);
  ok(b.differenceFrom(boolean("other"))?.includes("name"));
});

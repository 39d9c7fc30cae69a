import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { InputError } from "../errors/mod.ts";
import {
  boolean,
  Hist,
  intCategory,
  integer,
  mergeHists,
  regular,
  strCategory,
  variable,
} from "./mod.ts";

const list = (a: Float64Array) => Array.from(a);

Deno.test("fill: hand-computed weighted 1D, flow bins included", () => {
  const h = new Hist([regular("x", { bins: 4, start: 0, stop: 4 })]);
  h.fill(
    { x: new Float64Array([-1, 0, 0.5, 1, 3.999, 4, NaN, 2]) },
    { weight: new Float64Array([1, 2, 3, 4, 5, 6, 7, 0.5]) },
  );
  // layout: [underflow, [0,1), [1,2), [2,3), [3,4), overflow]
  // underflow: -1 (w 1)            -> 1          ; variance 1
  // [0,1): 0 (w 2), 0.5 (w 3)      -> 2 + 3 = 5  ; 4 + 9 = 13
  // [1,2): 1 (w 4)                 -> 4          ; 16
  // [2,3): 2 (w 0.5)               -> 0.5        ; 0.25
  // [3,4): 3.999 (w 5)             -> 5          ; 25
  // overflow: 4 (w 6), NaN (w 7)   -> 13         ; 36 + 49 = 85
  deepStrictEqual(list(h.values({ flow: true })), [1, 5, 4, 0.5, 5, 13]);
  deepStrictEqual(list(h.variances({ flow: true })), [1, 13, 16, 0.25, 25, 85]);
  deepStrictEqual(list(h.values()), [5, 4, 0.5, 5]);
  deepStrictEqual(h.sum(), { value: 14.5, variance: 54.25 });
  deepStrictEqual(h.sum({ flow: true }), { value: 28.5, variance: 140.25 });
  deepStrictEqual(h.shape(), [4]);
  deepStrictEqual(h.shape({ flow: true }), [6]);
  // effective counts (sum w)^2 / sum w^2: [0,1) 25 / 13
  equal(h.counts()[0], 25 / 13);
});

Deno.test("fill: edges land in their own bin on the fused path too", () => {
  const h = new Hist([regular("x", { bins: 10, start: 0, stop: 1 })]);
  h.fill({ x: new Float64Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0]) });
  // each decimal edge i/10 fills bin i; 1 is overflow
  deepStrictEqual(list(h.values({ flow: true })), [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  const pt = new Hist([regular("pt", { bins: 50, start: 0, stop: 200 })]);
  pt.fill({ pt: [28, 27.999999999999996] }, { weight: 2 });
  equal(pt.values()[7], 2);
  equal(pt.values()[6], 2);
  equal(pt.variances()[7], 4);
});

Deno.test("fill: scalar weight, no weight, double and int storage", () => {
  const x = new Float64Array([0.5, 0.5, 1.5]);
  const weighted = new Hist([regular("x", { bins: 2, start: 0, stop: 2 })]).fill({ x }, {
    weight: 3,
  });
  deepStrictEqual(list(weighted.values()), [6, 3]); // 3 + 3 ; 3
  deepStrictEqual(list(weighted.variances()), [18, 9]); // 9 + 9 ; 9
  const double = new Hist([regular("x", { bins: 2, start: 0, stop: 2 })], { storage: "double" });
  double.fill({ x }, { weight: new Float64Array([0.5, 0.25, 2]) });
  deepStrictEqual(list(double.values()), [0.75, 2]);
  deepStrictEqual(list(double.variances()), [0.75, 2]); // Poisson: variance = value
  const int = new Hist([regular("x", { bins: 2, start: 0, stop: 2 })], { storage: "int" });
  int.fill({ x }).fill({ x: [1.2] });
  deepStrictEqual(list(int.values()), [2, 2]);
  throws(() => int.fill({ x }, { weight: 2 }), /int storage takes no weights/);
  throws(() => int.scale(2), /Cannot scale histogram "x": int storage/);
});

Deno.test("fill: no flow bins drop out-of-range entries, NaN and infinities", () => {
  const h = new Hist([
    regular("x", { bins: 2, start: 0, stop: 2, underflow: false, overflow: false }),
  ]);
  h.fill({ x: [-1, 0, 1, 2, NaN, Infinity, -Infinity] }, { weight: new Float64Array(7).fill(2) });
  deepStrictEqual(list(h.values({ flow: true })), [2, 2]);
  deepStrictEqual(list(h.variances({ flow: true })), [4, 4]);
  const v = new Hist([variable("m", [0, 1, 3], { underflow: false })], { storage: "double" });
  v.fill({ m: [-5, 0, 2.9, 3, NaN] });
  // no underflow: -5 dropped; 0 -> bin 0; 2.9 -> bin 1; 3 and NaN -> overflow
  deepStrictEqual(list(v.values({ flow: true })), [1, 1, 2]);
});

// Seeded random data, then the same histogram computed the naive way (one bin at a time).
function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

Deno.test("fill: 3-axis category x variation x 50 bins matches a naive computation", () => {
  const random = lcg(2024);
  const categories = ["ee", "mumu", "emu"];
  const variations = ["nominal", "JES_up", "JES_down", "JER_up"];
  const h = new Hist([
    strCategory("category", categories),
    strCategory("variation", variations),
    regular("pt", { bins: 50, start: 0, stop: 200 }),
  ]);
  // naive: [category][variation][position 0..51], position = underflow, 50 bins, overflow
  const naiveW = new Float64Array(3 * 4 * 52);
  const naiveW2 = new Float64Array(3 * 4 * 52);
  const naiveBin = (x: number) => {
    if (Number.isNaN(x) || x >= 200) return 51;
    if (x < 0) return 0;
    for (let i = 0; i < 50; i++) if (x >= i * 4 && x < (i + 1) * 4) return i + 1;
    throw new Error("unreachable");
  };
  for (let batch = 0; batch < 6; batch++) {
    const n = 3000 + Math.floor(random() * 9000); // crosses the 4096-entry chunks
    const pt = new Float64Array(n);
    const weight = new Float64Array(n);
    const categoryIndex = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const r = random();
      pt[i] = r < 0.05 ? NaN : r < 0.1 ? 4 * Math.floor(random() * 52) : random() * 240 - 20;
      weight[i] = random() * 2 - 0.3; // some negative weights, as NLO generators give
      categoryIndex[i] = Math.floor(random() * 3);
    }
    const variation = batch % 4;
    if (batch % 2 === 0) {
      // whole batch in one category
      const category = batch % 3;
      h.fill({ category: categories[category], variation: variations[variation], pt }, { weight });
      for (let i = 0; i < n; i++) {
        const j = (category * 4 + variation) * 52 + naiveBin(pt[i]);
        naiveW[j] += weight[i];
        naiveW2[j] += weight[i] * weight[i];
      }
    } else {
      // per-entry category indices
      h.fill({ category: categoryIndex, variation: variations[variation], pt }, { weight });
      for (let i = 0; i < n; i++) {
        const j = (categoryIndex[i] * 4 + variation) * 52 + naiveBin(pt[i]);
        naiveW[j] += weight[i];
        naiveW2[j] += weight[i] * weight[i];
      }
    }
  }
  deepStrictEqual(list(h.values({ flow: true })), list(naiveW));
  deepStrictEqual(list(h.variances({ flow: true })), list(naiveW2));
  // select gives the 1D slice
  const slice = h.select({ category: "mumu", variation: "JES_up" });
  deepStrictEqual(slice.axes.map((a) => a.name), ["pt"]);
  deepStrictEqual(
    list(slice.values({ flow: true })),
    list(naiveW.subarray((1 * 4 + 1) * 52, (1 * 4 + 2) * 52)),
  );
  // projection onto category sums variations and pt flow bins
  const byCategory = h.project("category");
  for (let c = 0; c < 3; c++) {
    let sum = 0;
    for (let j = c * 4 * 52; j < (c + 1) * 4 * 52; j++) sum += naiveW[j];
    ok(Math.abs(byCategory.values()[c] - sum) < 1e-9 * Math.max(1, Math.abs(sum)));
  }
});

Deno.test("fill: two per-entry axes (2D) against a naive loop", () => {
  const random = lcg(99);
  const h = new Hist([
    variable("eta", [-2.5, -1.5, 0, 1.5, 2.5]),
    regular("pt", { bins: 10, start: 0, stop: 100, underflow: false }),
  ], { storage: "double" });
  const n = 10000;
  const eta = new Float64Array(n);
  const pt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    eta[i] = random() * 6 - 3;
    pt[i] = random() * 120 - 10;
  }
  h.fill({ eta, pt });
  const naive = new Float64Array(6 * 11);
  const edges = [-2.5, -1.5, 0, 1.5, 2.5];
  for (let i = 0; i < n; i++) {
    const e = eta[i] < -2.5 ? 0 : eta[i] >= 2.5 ? 5 : 1 + edges.findLastIndex((x) => x <= eta[i]);
    if (pt[i] < 0) continue; // no underflow on pt: dropped
    const p = pt[i] >= 100 ? 10 : Math.floor(pt[i] / 10);
    naive[e * 11 + p] += 1;
  }
  deepStrictEqual(list(h.values({ flow: true })), list(naive));
  equal(h.sum({ flow: true }).value, list(naive).reduce((a, b) => a + b, 0));
});

Deno.test("fill: integer, intCategory and boolean axes, array columns by position", () => {
  const h = new Hist([
    intCategory("pdgId", [11, 13]),
    boolean("tight"),
    integer("nJet", { start: 0, stop: 3 }),
  ], { storage: "double" });
  h.fill([
    new Int32Array([11, 13, 13, 15]),
    new Uint8Array([1, 0, 1, 1]),
    new Int32Array([0, 2, 5, 1]),
  ]);
  // 15 is not a category and there is no "other" bin: dropped
  // (11, tight, nJet 0) ; (13, loose, nJet 2) ; (13, tight, nJet 5 -> overflow)
  equal(h.select({ pdgId: 11, tight: true, nJet: 0 }).values()[0], 1);
  equal(h.select({ pdgId: 13, tight: false, nJet: 2 }).values()[0], 1);
  deepStrictEqual(list(h.select({ pdgId: 13, tight: true }).values({ flow: true })), [
    0,
    0,
    0,
    0,
    1,
  ]);
  equal(h.sum({ flow: true }).value, 3);
});

Deno.test("fill: growth adds categories, keeping existing bins and the other bin", () => {
  const h = new Hist([
    strCategory("dataset", [], { growth: true }),
    regular("x", { bins: 2, start: 0, stop: 2 }),
  ]);
  h.fill({ dataset: "ttbar", x: [0.5] }, { weight: 2 });
  h.fill({ dataset: "DY", x: [1.5, 1.5] });
  h.fill({ dataset: ["ttbar", "WJets", "DY"], x: [0.5, 0.5, 0.5] });
  deepStrictEqual([...(h.axis("dataset") as { categories: readonly string[] }).categories], [
    "ttbar",
    "DY",
    "WJets",
  ]);
  deepStrictEqual(list(h.select({ dataset: "ttbar" }).values()), [3, 0]); // 2 + 1
  deepStrictEqual(list(h.select({ dataset: "DY" }).values()), [1, 2]);
  deepStrictEqual(list(h.select({ dataset: "WJets" }).values()), [1, 0]);
  const years = new Hist([intCategory("year", [2016], { growth: true, overflow: true })], {
    storage: "int",
  });
  years.fill({ year: new Int32Array([2016, 2018, 2017, 2018]) });
  deepStrictEqual([...(years.axis("year") as { categories: readonly number[] }).categories], [
    2016,
    2018,
    2017,
  ]);
  deepStrictEqual(list(years.values({ flow: true })), [1, 2, 1, 0]);
});

Deno.test("fill: clear errors for unknown axes, missing columns and length mismatches", () => {
  const h = new Hist([
    strCategory("category", ["ee"]),
    regular("pt", { bins: 2, start: 0, stop: 2 }),
  ]);
  throws(
    () => h.fill({ category: "ee", pT: [1] }),
    (e: unknown) =>
      e instanceof InputError && e.code === "HIST_UNKNOWN_AXIS" &&
      e.message ===
        'Cannot fill axis "pT": the histogram has axes "category", "pt" (did you mean "pt"?)',
  );
  throws(() => h.fill({ category: "ee" }), /no values for axis "pt"/);
  throws(
    () => h.fill({ category: "ee", pt: [1, 2] }, { weight: new Float64Array(3) }),
    /the weight has 3 entries, expected 2/,
  );
  throws(
    () =>
      h.fill({ category: 3 as unknown as string, pt: [1] }).fill({
        category: true as unknown as string,
        pt: [1],
      }),
    /expected a category name/,
  );
  // an unknown category for the whole batch fills nothing
  h.fill({ category: "mumu", pt: [1] });
  equal(h.sum({ flow: true }).value, 0);
});

Deno.test("add, scale, copy, equals", () => {
  const make = () =>
    new Hist([strCategory("c", ["a", "b"]), regular("x", { bins: 2, start: 0, stop: 2 })]);
  const a = make().fill({ c: "a", x: [0.5, 1.5] }, { weight: new Float64Array([1, 2]) });
  const b = make().fill({ c: "a", x: [0.5] }, { weight: 3 });
  const copy = a.copy();
  a.add(b);
  // bin (a, 0): 1 + 3 = 4, variance 1 + 9 = 10 ; bin (a, 1): 2, variance 4
  deepStrictEqual(list(a.select({ c: "a" }).values()), [4, 2]);
  deepStrictEqual(list(a.select({ c: "a" }).variances()), [10, 4]);
  deepStrictEqual(list(copy.select({ c: "a" }).values()), [1, 2]); // the copy is independent
  a.scale(0.5);
  // values * 0.5, variances * 0.25
  deepStrictEqual(list(a.select({ c: "a" }).values()), [2, 1]);
  deepStrictEqual(list(a.select({ c: "a" }).variances()), [2.5, 1]);
  ok(copy.equals(copy.copy()));
  ok(!copy.equals(a));
});

Deno.test("add: axis mismatch errors name the axis", () => {
  const a = new Hist([strCategory("c", ["a", "b"]), regular("x", { bins: 2, start: 0, stop: 2 })]);
  const otherBinning = new Hist([
    strCategory("c", ["a", "b"]),
    regular("x", { bins: 3, start: 0, stop: 2 }),
  ]);
  throws(
    () => a.add(otherBinning),
    (e: unknown) =>
      e instanceof InputError && e.code === "HIST_AXIS_MISMATCH" &&
      e.message === 'Cannot add histograms along axis "x": binning (2, 0, 2) vs (3, 0, 2)',
  );
  const otherCategories = new Hist([
    strCategory("c", ["b", "a"]),
    regular("x", { bins: 2, start: 0, stop: 2 }),
  ]);
  throws(
    () => a.add(otherCategories),
    /Cannot add histograms along axis "c": categories \[a, b\] vs \[b, a\]/,
  );
  const otherName = new Hist([
    strCategory("c", ["a", "b"]),
    regular("y", { bins: 2, start: 0, stop: 2 }),
  ]);
  throws(() => a.add(otherName), /axis "x": name "x" vs "y"/);
  const otherKind = new Hist([strCategory("c", ["a", "b"]), variable("x", [0, 1, 2])]);
  throws(() => a.add(otherKind), /axis "x": kind regular vs variable/);
  const otherFlow = new Hist([
    strCategory("c", ["a", "b"]),
    regular("x", { bins: 2, start: 0, stop: 2, overflow: false }),
  ]);
  throws(() => a.add(otherFlow), /axis "x": flow bins differ/);
  throws(() => a.add(new Hist([strCategory("c", ["a", "b"])])), /2 axes vs 1/);
  const double = new Hist([
    strCategory("c", ["a", "b"]),
    regular("x", { bins: 2, start: 0, stop: 2 }),
  ], { storage: "double" });
  throws(() => a.add(double), /storage weighted vs double/);
});

Deno.test("project: sums over the other axes with flow, keeps the requested order", () => {
  const h = new Hist([
    strCategory("c", ["a", "b"]),
    regular("x", { bins: 2, start: 0, stop: 2 }),
    regular("y", { bins: 1, start: 0, stop: 1 }),
  ], { storage: "double" });
  h.fill({ c: "a", x: [0.5, 1.5, 5], y: [0.5, 0.5, 0.5] });
  h.fill({ c: "b", x: [0.5, 0.5], y: [0.5, -3] });
  // x (flow): underflow 0 ; bin 0: a 1 + b 2 = 3 ; bin 1: 1 ; overflow: 1
  deepStrictEqual(list(h.project("x").values({ flow: true })), [0, 3, 1, 1]);
  // y (flow): underflow: 1 (b, y=-3) ; bin 0: 4 ; overflow 0
  deepStrictEqual(list(h.project("y").values({ flow: true })), [1, 4, 0]);
  // (x, c) reordered: shape [4, 2], x slowest
  const xc = h.project("x", "c");
  deepStrictEqual(xc.axes.map((a) => a.name), ["x", "c"]);
  deepStrictEqual(list(xc.values({ flow: true })), [0, 0, 1, 2, 1, 0, 1, 0]);
  deepStrictEqual(h.project().sum().value, 5);
  throws(
    () => h.project("z"),
    /Cannot project onto axis "z": the histogram has axes "c", "x", "y"/,
  );
  throws(() => h.project("x", "x"), /axis names repeat/);
});

Deno.test("select: errors for unknown categories and continuous axes", () => {
  const h = new Hist([
    strCategory("category", ["ee", "mumu"]),
    regular("x", { bins: 1, start: 0, stop: 1 }),
  ]);
  throws(
    () => h.select({ category: "mumuu" }),
    /Cannot select "mumuu" on axis "category": categories are "ee", "mumu" \(did you mean "mumu"\?\)/,
  );
  throws(() => h.select({ x: 0.5 }), /Cannot select on axis "x": regular axes are continuous/);
  throws(() => h.select({ categroy: "ee" }), /did you mean "category"/);
  // with an "other" bin, a typo still fails instead of picking "other"
  const withOther = new Hist([
    strCategory("c", ["ee"], { overflow: true }),
    integer("n", { start: 0, stop: 2 }),
  ]);
  throws(() => withOther.select({ c: "eee" }), /Cannot select "eee" on axis "c"/);
  throws(() => withOther.select({ n: 2 }), /need an integer in \[0, 2\)/);
  equal(withOther.select({ c: "ee", n: 1 }).axes.length, 0);
});

Deno.test("mergeHists: new histogram, inputs untouched, records merged in key order", () => {
  const make = () => new Hist([regular("x", { bins: 1, start: 0, stop: 1 })]);
  const a = make().fill({ x: [0.5] }, { weight: 2 });
  const b = make().fill({ x: [0.5] }, { weight: 3 });
  const merged = mergeHists(a, b);
  equal(merged.values()[0], 5);
  equal(merged.variances()[0], 13);
  equal(a.values()[0], 2);
  const records = mergeHists({ z: a, m: a }, { m: b, a: b });
  deepStrictEqual(Object.keys(records), ["a", "m", "z"]);
  equal(records.m.values()[0], 5);
  ok(records.a !== b && records.a.equals(b));
  // merging is deterministic: same inputs, bit-identical bins
  ok(mergeHists(a, b).equals(mergeHists(a, b)));
  const bad = new Hist([regular("x", { bins: 2, start: 0, stop: 1 })]);
  throws(
    () => mergeHists({ m: a }, { m: bad }),
    /Cannot merge "m": Cannot add histograms along axis "x"/,
  );
});

Deno.test("constructor: bad storage and repeated axis names", () => {
  throws(
    () => new Hist([], { storage: "weigthed" as "weighted" }),
    /unknown storage "weigthed" \(did you mean "weighted"\?\)/,
  );
  throws(
    () =>
      new Hist([
        regular("x", { bins: 1, start: 0, stop: 1 }),
        regular("x", { bins: 1, start: 0, stop: 1 }),
      ]),
    /axis "x": the name appears twice/,
  );
  const zeroDim = new Hist([], { storage: "double" }).fill({}, { weight: 2 });
  deepStrictEqual(list(zeroDim.values()), [2]);
});

Deno.test("fill: every fused kernel agrees with a naive edge scan at and just below each edge", () => {
  const nextDown = (x: number) => {
    const buffer = new Float64Array([x]);
    const bits = new BigInt64Array(buffer.buffer);
    if (x === 0) return -Number.MIN_VALUE;
    bits[0] += x > 0 ? -1n : 1n;
    return buffer[0];
  };
  const specs = [
    { bins: 50, start: 0, stop: 200 }, // multiplication exact: edge check skipped
    { bins: 10, start: 0, stop: 1 },
    { bins: 100, start: 0.1, stop: 0.7 }, // needs the edge check
    { bins: 7, start: -1.1, stop: 2.3 },
  ];
  for (const spec of specs) {
    const axis = regular("x", spec);
    const edges = axis.edges();
    const xs: number[] = [NaN, Infinity, -Infinity];
    for (const e of edges) xs.push(e, nextDown(e));
    const x = new Float64Array(xs);
    const weight = x.map((_, i) => 1 + i); // distinct weights: a misplaced entry shows
    // naive: position by linear scan of the edges
    const naive = new Float64Array(spec.bins + 2);
    const naive2 = new Float64Array(spec.bins + 2);
    const naiveCategory = new Float64Array(2 * (spec.bins + 2));
    x.forEach((v, i) => {
      let p = spec.bins + 1;
      if (v < edges[0]) p = 0;
      else for (let b = 0; b < spec.bins; b++) if (v >= edges[b] && v < edges[b + 1]) p = b + 1;
      naive[p] += weight[i];
      naive2[p] += weight[i] * weight[i];
      naiveCategory[(i % 2) * (spec.bins + 2) + p] += 1;
    });
    const arrayWeights = new Hist([axis]).fill({ x }, { weight });
    deepStrictEqual(
      list(arrayWeights.values({ flow: true })),
      list(naive),
      `${spec.start}..${spec.stop}`,
    );
    deepStrictEqual(list(arrayWeights.variances({ flow: true })), list(naive2));
    // per-entry category in front: the offsets kernel
    const categories = new Int32Array(x.length).map((_, i) => i % 2);
    const withOffsets = new Hist([strCategory("c", ["even", "odd"]), axis]).fill({
      c: categories,
      x,
    }, { weight: 1 });
    deepStrictEqual(list(withOffsets.values({ flow: true })), list(naiveCategory));
    // general path (double storage) gives the same bins
    const double = new Hist([axis], { storage: "double" }).fill({ x }, { weight });
    deepStrictEqual(list(double.values({ flow: true })), list(naive));
  }
});

Deno.test("mergeHists: growing category axes are aligned on the union of categories", () => {
  const make = () =>
    new Hist([
      strCategory("dataset", [], { growth: true }),
      regular("x", { bins: 1, start: 0, stop: 1 }),
    ]);
  const a = make().fill({ dataset: "DY", x: [0.5] }).fill({ dataset: "ttbar", x: [0.5] }, {
    weight: 2,
  });
  const b = make().fill({ dataset: "WJets", x: [0.5] }, { weight: 4 }).fill({
    dataset: "DY",
    x: [0.5],
  });
  const merged = mergeHists(a, b);
  // union in order: a's categories, then b's new one
  deepStrictEqual([...(merged.axis("dataset") as { categories: readonly string[] }).categories], [
    "DY",
    "ttbar",
    "WJets",
  ]);
  // DY: 1 + 1 ; ttbar: 2 ; WJets: 4
  deepStrictEqual(list(merged.values()), [2, 2, 4]);
  deepStrictEqual(list(merged.variances()), [2, 4, 16]);
  equal(a.axes[0].bins, 2); // inputs untouched
  // non-growing axes stay strict
  const strict = (cats: string[]) => new Hist([strCategory("c", cats)]);
  throws(
    () => mergeHists(strict(["a"]), strict(["b"])),
    /Cannot add histograms along axis "c": categories/,
  );
  throws(
    () => a.expandCategories("dataset", ["DY"]),
    /Cannot expand categories of axis "dataset": "ttbar" would be lost/,
  );
});

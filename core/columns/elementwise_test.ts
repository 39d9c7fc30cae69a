import { deepStrictEqual, throws } from "node:assert/strict";
import { abs, compare, logicalAnd, logicalOr } from "./elementwise.ts";
import type { Jagged } from "./types.ts";

// Two events: jets (50, eta -3), (20, eta 1) | (35, eta 2).
const offsets = Int32Array.of(0, 2, 3);
const pt: Jagged<Float32Array> = { offsets, content: Float32Array.of(50, 20, 35) };
const eta: Jagged<Float32Array> = { offsets, content: Float32Array.of(-3, 1, 2) };

Deno.test("compare against a number and against a column", () => {
  deepStrictEqual([...(compare(pt, ">", 30) as Jagged<Uint8Array>).content], [1, 0, 1]);
  deepStrictEqual([...(compare(pt, "<=", 35) as Jagged<Uint8Array>).content], [0, 1, 1]);
  deepStrictEqual([...(compare(pt, "==", 20) as Jagged<Uint8Array>).content], [0, 1, 0]);
  deepStrictEqual([...(compare(pt, "!=", 20) as Jagged<Uint8Array>).content], [1, 0, 1]);
  // 50 > -3, 20 > 1, 35 > 2 all true; eta < pt everywhere
  deepStrictEqual([...(compare(eta, "<", pt) as Jagged<Uint8Array>).content], [1, 1, 1]);
  // NaN compares false, != true (IEEE)
  const withNaN = Float64Array.of(NaN, 1);
  deepStrictEqual([...compare(withNaN, ">", 0) as Uint8Array], [0, 1]);
  deepStrictEqual([...compare(withNaN, "!=", 0) as Uint8Array], [1, 1]);
});

Deno.test("central hard jets: pt > 30 && |eta| < 2.4", () => {
  const central = compare(abs(eta), "<", 2.4);
  const selected = logicalAnd(compare(pt, ">", 30), central) as Jagged<Uint8Array>;
  deepStrictEqual([...selected.content], [0, 0, 1]); // the 50 GeV jet is at |eta| 3
  deepStrictEqual(selected.offsets, offsets);
  // the same without materialising |eta|
  const fused = compare(eta, "<", 2.4, { abs: true }) as Jagged<Uint8Array>;
  deepStrictEqual([...fused.content], [...(central as Jagged<Uint8Array>).content]);
  deepStrictEqual([...(compare(eta, ">=", 2, { abs: true }) as Jagged<Uint8Array>).content], [
    1,
    0,
    1,
  ]);
  const either = logicalOr(compare(pt, ">", 30), central) as Jagged<Uint8Array>;
  deepStrictEqual([...either.content], [1, 1, 1]);
});

Deno.test("a slice whose content does not start at 0 lines up with its own offsets", () => {
  const sliced: Jagged<Float32Array> = {
    offsets: Int32Array.of(1, 2, 3),
    content: Float32Array.of(99, 20, 35),
  };
  const other: Jagged<Float32Array> = {
    offsets: Int32Array.of(0, 1, 2),
    content: Float32Array.of(25, 30),
  };
  // event 0: 20 > 25 false; event 1: 35 > 30 true
  const result = compare(sliced, ">", other) as Jagged<Uint8Array>;
  deepStrictEqual([...result.content.subarray(1, 3)], [0, 1]);
});

Deno.test("mismatched shapes are refused", () => {
  throws(() => compare(pt, ">", Float32Array.of(1, 2)), /jagged and the other flat/);
  throws(() => logicalAnd(Uint8Array.of(1), Uint8Array.of(1, 0)), /1 and 2 values/);
});

/**
 * Fill throughput against a hand-written TypedArray loop: `deno bench core/hist/fill_bench.ts`.
 * Target: Hist.fill within 1.5x of the hand-written loop.
 * @module
 */
import { Hist, regular, strCategory } from "./mod.ts";

const N = 10_000_000;
let state = 42;
const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
const x = new Float64Array(N).map(() => random() * 240 - 20);
const weight = new Float64Array(N).map(() => 0.5 + random());
const categoryIndex = new Int32Array(N).map(() => (random() * 4) | 0);

// The reference: the loop one would write by hand (flow bins, no NaN care).
function handWritten(bins: number, offset: number, sumW: Float64Array, sumW2: Float64Array) {
  const scale = bins / 200;
  for (let i = 0; i < N; i++) {
    const t = x[i] * scale;
    const b = t < 0 ? 0 : t >= bins ? bins + 1 : (t | 0) + 1;
    const w = weight[i];
    sumW[offset + b] += w;
    sumW2[offset + b] += w * w;
  }
}

const sumW = new Float64Array(4 * 5 * 52);
const sumW2 = new Float64Array(4 * 5 * 52);
const h1 = new Hist([regular("x", { bins: 100, start: 0, stop: 200 })]);
const h3 = new Hist([
  strCategory("category", ["ee", "mumu", "emu", "ll"]),
  strCategory("variation", ["nominal", "JES_up", "JES_down", "JER_up", "JER_down"]),
  regular("x", { bins: 50, start: 0, stop: 200 }),
]);

Deno.bench("hand-written, 100 bins", { group: "1d", baseline: true }, () => {
  handWritten(100, 0, sumW, sumW2);
});
Deno.bench("Hist.fill, 100 bins", { group: "1d" }, () => {
  h1.fill({ x }, { weight });
});
Deno.bench("hand-written, 50 bins at an offset", { group: "3d", baseline: true }, () => {
  handWritten(50, 13 * 52, sumW, sumW2);
});
Deno.bench("Hist.fill, category x variation x 50 bins", { group: "3d" }, () => {
  h3.fill({ category: "emu", variation: "JER_up", x }, { weight });
});
Deno.bench("Hist.fill, per-entry category indices", { group: "3d" }, () => {
  h3.fill({ category: categoryIndex, variation: "nominal", x }, { weight });
});

import { deepEqual, ok, throws } from "node:assert/strict";
import { blindedBins, foldFlow, rebinBins, rebinPlan, uncertaintyBand } from "./band.ts";

const closeAll = (actual: ArrayLike<number>, expected: number[], what: string) => {
  for (let i = 0; i < expected.length; i++) {
    ok(
      Math.abs(actual[i] - expected[i]) < 1e-12,
      `${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`,
    );
  }
};

Deno.test("band: stat + variations in quadrature, asymmetric and one-sided, by hand", () => {
  const nominal = [10, 20, 30];
  const stat = [1, 4, 9];
  const band = uncertaintyBand(nominal, stat, {
    // Asymmetric pair: shifts +2/-1, -2/+3 (down goes up), +3/-1.
    aUp: [12, 18, 33],
    aDown: [9, 23, 29],
    // Both shifts upward in bin 0: one-sided, only the larger (1) counts, upward.
    bUp: [11, 20, 30],
    bDown: [10.5, 20, 30],
    // No partner: its shift (-4 in bin 1) goes to its own side only.
    cUp: [10, 16, 30],
  });
  // up^2 = stat + 2^2 + 1^2 | 4 + 3^2 | 9 + 3^2 ; down^2 = 1 + 1 | 4 + 2^2 + 4^2 | 9 + 1
  closeAll(band.up, [Math.sqrt(6), Math.sqrt(13), Math.sqrt(18)], "up");
  closeAll(band.down, [Math.sqrt(2), Math.sqrt(24), Math.sqrt(10)], "down");
  deepEqual(band.sources, ["a", "b", "c"]);
});

Deno.test("band: statistics only when there are no variations", () => {
  const band = uncertaintyBand([5, 0], [4, 0], {});
  closeAll(band.up, [2, 0], "up");
  closeAll(band.down, [2, 0], "down");
});

Deno.test("flow folding adds underflow and overflow into the edge bins", () => {
  const bins = {
    values: Float64Array.from([1, 10, 20, 30, 2]),
    variances: Float64Array.from([1, 10, 20, 30, 4]),
  };
  const folded = foldFlow(bins, { underflow: true, overflow: true, fold: true });
  deepEqual([...folded.values], [11, 20, 32]);
  deepEqual([...folded.variances], [11, 20, 34]);
  const dropped = foldFlow(bins, { underflow: true, overflow: true, fold: false });
  deepEqual([...dropped.values], [10, 20, 30]);
  const noUnder = foldFlow(
    { values: Float64Array.from([10, 20, 5]), variances: Float64Array.from([1, 2, 3]) },
    { underflow: false, overflow: true, fold: true },
  );
  deepEqual([...noUnder.values], [10, 25]);
});

Deno.test("rebinning by a factor and by edges", () => {
  const edges = [0, 1, 2, 3, 4, 5, 6];
  const bins = {
    values: Float64Array.from([1, 2, 3, 4, 5, 6]),
    variances: Float64Array.from([1, 1, 1, 1, 1, 1]),
  };
  const byTwo = rebinPlan(edges, 2);
  deepEqual(byTwo.edges, [0, 2, 4, 6]);
  deepEqual([...rebinBins(bins, byTwo.groups).values], [3, 7, 11]);
  deepEqual([...rebinBins(bins, byTwo.groups).variances], [2, 2, 2]);
  const custom = rebinPlan(edges, [0, 1, 4, 6]);
  deepEqual([...rebinBins(bins, custom.groups).values], [1, 9, 11]);
  throws(() => rebinPlan(edges, 4), /must divide/);
  throws(() => rebinPlan(edges, [0, 2.5, 6]), /not an edge/);
});

Deno.test("blinding windows select the overlapping bins", () => {
  deepEqual(blindedBins([0, 10, 20, 30, 40], [[15, 25]]), [false, true, true, false]);
  deepEqual(blindedBins([0, 10, 20, 30, 40], [[10, 20]]), [false, true, false, false]);
  deepEqual(blindedBins([0, 10, 20], []), [false, false]);
});

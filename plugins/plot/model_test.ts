import { deepEqual, equal, ok } from "node:assert/strict";
import { Hist, regular, strCategory } from "@ristretto/core/hist";
import { buildFigures, type Figure, type Layer, lumiText, type RunOutput } from "./model.ts";
import { DEFAULT_STYLE, parseStyle } from "./style.ts";
import { garwoodInterval } from "./garwood.ts";
import { syntheticOutput } from "./_test_fixture.ts";

/** One [cat, variation, x] histogram with the given bins (flow included) per variation. */
function hist(
  sample: string,
  dataset: string,
  options: { isMC: boolean; year?: string; bins: Record<string, number[]> },
): Hist {
  const variations = Object.keys(options.bins);
  const h = new Hist([
    strCategory("cat", ["A"]),
    strCategory("variation", variations),
    regular("x", { bins: 4, start: 0, stop: 40, label: "x [GeV]" }),
  ]);
  const values = h.storageArray("values");
  const variances = h.storageArray("variances");
  variations.forEach((v, k) => {
    options.bins[v].forEach((value, b) => {
      values[k * 6 + b] = value;
      variances[k * 6 + b] = value / 4; // weights of 0.25: variance = value / 4
    });
  });
  h.metadata = { sample, dataset, year: options.year ?? "2018", isMC: options.isMC, scale: 1 };
  return h;
}

function output(): RunOutput {
  // Bins are [underflow, 4 bins, overflow].
  const entries = {
    "bkg/bkg_2018": hist("bkg", "bkg_2018", {
      isMC: true,
      bins: {
        nominal: [1, 10, 20, 30, 40, 2],
        sysUp: [1, 12, 20, 33, 40, 2],
        sysDown: [1, 9, 20, 30, 42, 2],
      },
    }),
    "other/other_2018": hist("other", "other_2018", {
      isMC: true,
      bins: { nominal: [0, 4, 4, 4, 4, 0] }, // no variations: contributes its nominal to them
    }),
    "sig/sig_2018": hist("sig", "sig_2018", {
      isMC: true,
      bins: { nominal: [0, 0, 5, 0, 0, 0] },
    }),
    "data/data_2018": hist("data", "data_2018", {
      isMC: false,
      bins: { nominal: [0, 15, 26, 40, 50, 0] },
    }),
  };
  return {
    dir: "",
    histograms: new Map([["x", entries]]),
    cutflow: {},
    metadata: {
      datasets: [
        { name: "bkg_2018", sample: "bkg", year: "2018", isMC: true },
        { name: "other_2018", sample: "other", year: "2018", isMC: true },
        { name: "sig_2018", sample: "sig", year: "2018", isMC: true },
        { name: "data_2018", sample: "data", year: "2018", isMC: false },
      ],
    },
  };
}

const layer = <T extends Layer["type"]>(figure: Figure, type: T, ratio = false) =>
  (ratio ? figure.ratio! : figure.main).layers.find((l) => l.type === type) as Extract<
    Layer,
    { type: T }
  >;
const close = (actual: number[], expected: number[], what: string) =>
  expected.forEach((e, i) =>
    ok(
      Number.isNaN(e) ? Number.isNaN(actual[i]) : Math.abs(actual[i] - e) < 1e-9,
      `${what}[${i}]: got ${actual[i]}, expected ${e}`,
    )
  );

Deno.test("stack figure: groups, flow folding, band, data intervals and ratio", () => {
  const style = parseStyle({
    groups: {
      main: { samples: ["bkg"], label: "Background", color: "#123456" },
      signal: { samples: ["sig"], label: "Signal" },
    },
    signals: ["signal"],
    years: { "2018": { lumi: 59.7 } },
  });
  const figures = buildFigures(output(), style, { kinds: ["stack"] });
  equal(figures.length, 1);
  const figure = figures[0];
  equal(figure.id, "stack/x__A__2018");
  equal(figure.lumiText, "59.7 fb^{-1} (13 TeV)");
  equal(figure.cmsLabel, "Preliminary");
  equal(figure.main.yLabel, "Events / 10 GeV");
  const stack = layer(figure, "stack");
  deepEqual(stack.entries.map((e) => e.label), ["Background", "other"]);
  // Flow folded: underflow 1 into bin 0, overflow 2 into bin 3.
  deepEqual(stack.entries[0].values, [11, 20, 30, 42]);
  equal(stack.entries[0].color, "#123456");
  const signal = layer(figure, "line");
  equal(signal.label, "Signal");
  deepEqual(signal.values, [0, 5, 0, 0]);
  // Total (signal excluded) = [15, 24, 34, 46]; stat variance = total / 4 (folded too).
  // sys: up shifts [+2, 0, +3, 0] (bins 0, 2), down shifts [-1, 0, 0, +2] -> bin 3 one-sided up.
  const total = [15, 24, 34, 46];
  const stat = total.map((t) => t / 4);
  const up = [
    Math.sqrt(stat[0] + 4),
    Math.sqrt(stat[1]),
    Math.sqrt(stat[2] + 9),
    Math.sqrt(stat[3] + 4),
  ];
  const down = [Math.sqrt(stat[0] + 1), Math.sqrt(stat[1]), Math.sqrt(stat[2]), Math.sqrt(stat[3])];
  const band = layer(figure, "band");
  close(band.upper, total.map((t, i) => t + up[i]), "band upper");
  close(band.lower, total.map((t, i) => t - down[i]), "band lower");
  const data = layer(figure, "points");
  deepEqual(data.values, [15, 26, 40, 50]);
  close(data.lower, [15, 26, 40, 50].map((n) => garwoodInterval(n)[0]), "data lower");
  close(data.upper, [15, 26, 40, 50].map((n) => garwoodInterval(n)[1]), "data upper");
  const ratio = layer(figure, "points", true);
  close(ratio.values, [15 / 15, 26 / 24, 40 / 34, 50 / 46], "ratio");
  close(layer(figure, "band", true).upper, total.map((t, i) => (t + up[i]) / t), "ratio band");
});

Deno.test("blinding hides data in the window, in the main and the ratio panel", () => {
  const style = parseStyle({ blind: { x: [[10, 30]] } });
  const [figure] = buildFigures(output(), style, { kinds: ["stack"] });
  const data = layer(figure, "points");
  close(data.values, [15, NaN, NaN, 50], "data");
  close(data.upper, [garwoodInterval(15)[1], NaN, NaN, garwoodInterval(50)[1]], "data upper");
  close(layer(figure, "points", true).values, [1, NaN, NaN, 50 / 46], "ratio");
  // The prediction is still drawn there.
  deepEqual(layer(figure, "stack").entries[0].values, [11, 20, 30, 42]);
});

Deno.test("rebinning and no folding", () => {
  const style = parseStyle({ rebin: { x: 2 }, foldFlow: false });
  const [figure] = buildFigures(output(), style, { kinds: ["stack"] });
  deepEqual(figure.edges, [0, 20, 40]);
  equal(figure.main.yLabel, "Events / 20 GeV");
  // bkg + other + sig (no signal in this style) without flow.
  deepEqual(layer(figure, "stack").entries.map((e) => e.values), [[30, 70], [8, 8], [5, 0]]);
  deepEqual(layer(figure, "points").values, [41, 90]);
});

Deno.test("shape, systematic and cutflow figures; one per histogram x category x year + combined", () => {
  const figures = buildFigures(
    syntheticOutput({ histograms: 2, categories: 2, years: ["2017", "2018"] }),
    {
      ...DEFAULT_STYLE,
      years: { "2017": { lumi: 41.5 }, "2018": { lumi: 59.8 } },
    },
  );
  const ids = figures.map((f) => f.id);
  equal(new Set(ids).size, ids.length, "unique ids");
  // 2 histograms x 2 categories x 3 years (2017, 2018, combined) x (stack + shape + 2 systematics)
  // + 3 cutflows.
  equal(figures.length, 2 * 2 * 3 * 4 + 3);
  ok(ids.includes("stack/var0__cat1__combined"));
  ok(ids.includes("systematic/var1__cat0__2018__JES"));
  ok(ids.includes("cutflow/cutflow__all__combined"));
  const combined = figures.find((f) => f.id === "stack/var0__cat0__combined")!;
  equal(combined.lumiText, "101.3 fb^{-1} (13 TeV)");
  const y17 = figures.find((f) => f.id === "stack/var0__cat0__2017")!;
  const y18 = figures.find((f) => f.id === "stack/var0__cat0__2018")!;
  const sumOf = (f: Figure) => layer(f, "points").values.reduce((a, b) => a + b, 0);
  equal(sumOf(combined), sumOf(y17) + sumOf(y18));
  const shape = figures.find((f) => f.id === "shape/var0__cat0__2018")!;
  for (const line of shape.main.layers) {
    if (line.type !== "line") continue;
    ok(Math.abs(line.values.reduce((a, b) => a + b, 0) - 1) < 1e-12, `${line.label} normalised`);
  }
  const syst = figures.find((f) => f.id === "systematic/var0__cat0__2018__wt")!;
  const ratios = syst.ratio!.layers.filter((l) => l.type === "line");
  deepEqual(ratios.map((l) => l.label), ["wt up", "wt down"]);
  close(ratios[0].values.slice(0, 3), [1.05, 1.05, 1.05], "wt up / nominal");
  const cutflow = figures.find((f) => f.id === "cutflow/cutflow__all__2018")!;
  deepEqual(cutflow.xTickLabels, ["initial", "skim", "presel", "cat0", "cat1"]);
  ok(cutflow.main.logY);
});

Deno.test("lumi text: fb^-1, pb^-1 below 1 fb^-1, energy alone when unknown", () => {
  const style = parseStyle({
    years: { a: { lumi: 59.7 }, b: { lumi: 0.0121 }, c: { energy: 13.6 } },
  });
  equal(lumiText(style, ["a"]), "59.7 fb^{-1} (13 TeV)");
  equal(lumiText(style, ["b"]), "12.1 pb^{-1} (13 TeV)");
  equal(lumiText(style, ["c"]), "(13.6 TeV)");
});

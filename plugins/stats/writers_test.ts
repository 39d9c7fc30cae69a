/**
 * The stats config, the templates of an analysis output, and both writers: datacards parsed
 * back by a small parser, the workspace validated against the HistFactory schema.
 * @module
 */
import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { fromUHI, Hist, parseUHI, regular, strCategory } from "@ristretto/core/hist";
import { ConfigError } from "@ristretto/core/config";
import { openFile } from "jsroot";
import { parseDatacard, schemaPresent, workspaceValidator } from "./_test_helpers.ts";
import {
  buildDatacard,
  buildTemplates,
  buildWorkspace,
  compileModel,
  fit,
  statsConfigFromText,
  writeDatacards,
} from "./mod.ts";

const CONFIG = `name: toy
poi: {name: mu, bounds: [0, 10]}
lumi: {uncertainty: 0.02}
channels:
  - {category: sr, histogram: x}
  - {name: cr_coarse, category: cr, histogram: x, rebin: 2}
processes:
  sig: {samples: [S], signal: true}
  bkg: {samples: [B1, B2]}
systematics:
  - {name: bkg_xs, type: lnN, processes: {bkg: 1.1}}
  - {name: sig_xs, type: lnN, processes: {sig: [0.9, 1.05]}, channels: [sr]}
  - {name: sys, type: shape}
data: {samples: [DATA]}
`;

/** A toy analysis output: cat x variation x 4 bins of x, for samples S, B1, B2 and DATA. */
function toyHistograms(): Record<string, Hist> {
  const make = (sample: string, isMC: boolean, scale: number) => {
    const variations = isMC ? ["nominal", "sysUp", "sysDown"] : ["nominal"];
    const h = new Hist([
      strCategory("cat", ["sr", "cr"]),
      strCategory("variation", variations),
      regular("x", { bins: 4, start: 0, stop: 4 }),
    ], { metadata: { sample, isMC } });
    for (const cat of ["sr", "cr"]) {
      for (const variation of variations) {
        const shift = variation === "sysUp" ? 1.1 : variation === "sysDown" ? 0.92 : 1;
        const xs = new Float64Array([0.5, 1.5, 1.5, 2.5, 2.5, 2.5, 3.5, 5]);
        h.fill({ cat, variation, x: xs }, { weight: scale * shift * (cat === "sr" ? 1 : 2) });
      }
    }
    return h;
  };
  return {
    "S/S_2018": make("S", true, 3),
    "B1/B1_2018": make("B1", true, 10),
    "B2/B2_2018": make("B2", true, 5),
    "DATA/DATA_2018": make("DATA", false, 20),
  };
}

const source = () => Promise.resolve(toyHistograms());

Deno.test("stats config: defaults, and errors at file:line:column", () => {
  const config = statsConfigFromText("s.yaml", CONFIG);
  equal(config.channels.length, 2);
  equal(config.mcStats.enabled, true);
  const error = (text: string) => {
    try {
      statsConfigFromText("s.yaml", text);
    } catch (e) {
      ok(e instanceof ConfigError);
      return (e as Error).message;
    }
    throw new Error("no error");
  };
  const misspelt = error(CONFIG.replace("histogram: x}", "histogam: x}"));
  ok(/^s\.yaml:5:\d+: .*unknown key "histogam".*did you mean "histogram"/.test(misspelt), misspelt);
  const badProcess = error(CONFIG.replace("processes: {bkg: 1.1}", "processes: {bgk: 1.1}"));
  ok(/^s\.yaml:11:\d+: .*unknown process "bgk".*did you mean "bkg"/.test(badProcess), badProcess);
  const noSignal = error(CONFIG.replace("signal: true", "signal: false"));
  ok(/^s\.yaml:8:\d+: .*signal: true/.test(noSignal), noSignal);
  const badType = error(CONFIG.replace("type: shape", "type: shapes"));
  ok(/^s\.yaml:13:\d+:/.test(badType), badType);
  throws(() => statsConfigFromText("s.yaml", "channels: [\n"), ConfigError);
});

Deno.test("templates: sums samples, rebins, reads variations and data", async () => {
  const config = statsConfigFromText("s.yaml", CONFIG);
  const [sr, cr] = await buildTemplates(config, source);
  deepEqual([...sr.edges], [0, 1, 2, 3, 4]);
  deepEqual([...cr.edges], [0, 2, 4]);
  const bkg = sr.processes.find((p) => p.name === "bkg")!;
  // B1 weight 10 + B2 weight 5 = 15 per entry: bins hold 1, 2, 3, 1 entries (5 overflows).
  deepEqual([...bkg.nominal], [15, 30, 45, 15]);
  deepEqual([...bkg.variances], [125, 250, 375, 125]);
  deepEqual([...bkg.variations.get("sys")!.up].map((v) => +v.toFixed(9)), [16.5, 33, 49.5, 16.5]);
  deepEqual([...sr.data], [20, 40, 60, 20]);
  deepEqual([...cr.data], [40 * 3, 40 * 4]);
  await rejects(
    buildTemplates(statsConfigFromText("s.yaml", CONFIG.replace("[B1, B2]", "[B1, B3]")), source),
    /sample "B3".*did you mean "B1"/,
  );
  await rejects(
    buildTemplates(statsConfigFromText("s.yaml", CONFIG.replace("rebin: 2", "rebin: 3")), source),
    /rebin 3 does not divide/,
  );
  const ranged = CONFIG.replace("rebin: 2", "range: [1, 3], flow: true");
  const [, folded] = await buildTemplates(statsConfigFromText("s.yaml", ranged), source);
  deepEqual([...folded.edges], [1, 2, 3]);
  // Everything below 1 and above 3 (overflow included) folds into the end bins.
  deepEqual([...folded.data], [40 * 3, 40 * 5]);
});

Deno.test("datacards: parse back; rates are the template integrals", async () => {
  const config = statsConfigFromText("s.yaml", CONFIG);
  const templates = await buildTemplates(config, source);
  for (const channel of templates) {
    const card = parseDatacard(buildDatacard(config, channel).text);
    equal(card.imax, 1);
    equal(card.jmax, channel.processes.length - 1);
    equal(card.kmax, card.systematics.length);
    deepEqual(card.bins, [channel.name]);
    deepEqual(card.processBins, channel.processes.map(() => channel.name));
    deepEqual(card.processes, ["sig", "bkg"]);
    deepEqual(card.indices, [0, 1]);
    const integral = (values: Float64Array) => values.reduce((a, b) => a + b, 0);
    card.rates.forEach((rate, i) => {
      const expected = integral(channel.processes[i].nominal);
      ok(Math.abs(rate - expected) <= 1e-10 * expected, `rate ${rate} vs ${expected}`);
    });
    equal(card.observation, integral(channel.data));
    deepEqual(card.shapes.slice(0, 3), ["shapes", "*", channel.name]);
    const names = card.systematics.map((s) => s.name);
    deepEqual(
      names,
      channel.name === "sr" ? ["lumi", "bkg_xs", "sig_xs", "sys"] : ["lumi", "bkg_xs", "sys"],
    );
    for (const row of card.systematics) equal(row.values.length, channel.processes.length);
    const sigXs = card.systematics.find((s) => s.name === "sig_xs");
    if (sigXs) deepEqual(sigXs.values, ["0.9/1.05", "-"]);
    deepEqual(card.systematics.find((s) => s.name === "sys")!.values, ["1", "1"]);
    deepEqual(card.autoMCStats, [channel.name, "autoMCStats", "0"]);
  }
  // Written files: the shapes hold every histogram the card's shapes line names.
  const dir = await Deno.makeTempDir({ prefix: "ristretto_cards_" });
  try {
    const written = await writeDatacards(config, templates, { dir });
    equal(written.length, 6);
    // The ROOT shapes, read back by an independent reader (jsroot): TH1Ds named as the card says.
    // deno-lint-ignore no-explicit-any
    const file: any = await openFile(`${dir}/sr_shapes.root`);
    for (
      const [name, values] of [
        ["bkg", templates[0].processes[1].nominal],
        ["sig_sysUp", templates[0].processes[0].variations.get("sys")!.up],
        ["data_obs", templates[0].data],
      ] as const
    ) {
      // deno-lint-ignore no-explicit-any
      const th1: any = await file.readObject(name);
      equal(th1._typename, "TH1D");
      deepEqual(Array.from(th1.fArray as ArrayLike<number>).slice(1, -1), [...values]);
    }
    const shapes = fromUHI(parseUHI(await Deno.readTextFile(`${dir}/sr_shapes.json`)));
    deepEqual(Object.keys(shapes).sort(), [
      "bkg",
      "bkg_sysDown",
      "bkg_sysUp",
      "data_obs",
      "sig",
      "sig_sysDown",
      "sig_sysUp",
    ]);
    deepEqual([...shapes.bkg.values()], [...templates[0].processes[1].nominal]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "workspace: validates against the HistFactory schema and fits",
  ignore: !schemaPresent,
  fn: async () => {
    const validate = workspaceValidator();
    const config = statsConfigFromText("s.yaml", CONFIG);
    const templates = await buildTemplates(config, source);
    const workspace = buildWorkspace(config, templates);
    equal(validate(workspace), undefined);
    // The validator does reject a broken workspace.
    ok(validate({ ...workspace, version: "2.0.0" }) !== undefined);
    const types = workspace.channels[0].samples[1].modifiers.map((m) => m.type);
    deepEqual(types, ["lumi", "normsys", "histosys", "staterror"]);
    const model = compileModel(workspace);
    const best = fit(model, model.observed);
    ok(best.converged);
    ok(best.values[model.poi] > 0);
  },
});

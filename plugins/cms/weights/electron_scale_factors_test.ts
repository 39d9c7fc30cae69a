import { deepStrictEqual, throws } from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { eventsFromBranches } from "@ristretto/core/events";
import { electronScaleFactors } from "./electron_scale_factors.ts";

// A small EGM-like payload: (year, ValType, WorkingPoint, eta, pt); eta bins [-2.5, 0, 2.5]
// with flow "error", pt bins [10, 50, 500] with flow "error" (so clamping matters).
const PAYLOAD = {
  schema_version: 2,
  corrections: [{
    name: "Ele-ID-SF",
    version: 1,
    inputs: [
      { name: "year", type: "string" },
      { name: "ValType", type: "string" },
      { name: "WorkingPoint", type: "string" },
      { name: "eta", type: "real" },
      { name: "pt", type: "real" },
    ],
    output: { name: "weight", type: "real" },
    data: {
      nodetype: "category",
      input: "ValType",
      content: [["sf", 0], ["sfup", 0.02], ["sfdown", -0.02]].map(([key, shift]) => ({
        key,
        value: {
          nodetype: "category",
          input: "WorkingPoint",
          content: [{
            key: "Tight",
            value: {
              nodetype: "binning",
              input: "eta",
              edges: [-2.5, 0, 2.5],
              flow: "error",
              content: [0.9, 1.1].map((etaValue) => ({
                nodetype: "binning",
                input: "pt",
                edges: [10, 50, 500],
                flow: "error",
                content: [0, 0.05].map((ptShift) => etaValue + ptShift + (shift as number)),
              })),
            },
          }],
        },
      })),
    },
  }],
};

Deno.test("electron SFs: product over electrons, clamped into the domain, up/down", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/egm.json`, JSON.stringify(PAYLOAD));
    // Event 0: (eta -1, pt 30) -> 0.9 and (eta 1, pt 600 -> last bin) -> 1.15;
    // event 1: none; event 2: (eta 2.6 -> last eta bin, pt 5 -> first pt bin) -> 1.1.
    const offsets = Int32Array.of(0, 2, 2, 3);
    const events = eventsFromBranches(
      new Map<string, Column>([
        ["nElectron", Uint32Array.of(2, 0, 1)],
        ["Electron_pt", { offsets, content: Float32Array.of(30, 600, 5) }],
        ["Electron_eta", { offsets, content: Float32Array.of(-1, 1, 2.6) }],
      ]),
    );
    const selected = events.withCollection("GoodElectron", events.collection("Electron"));
    const settings = {
      file: `${dir}/egm.json`,
      correction: "Ele-ID-SF",
      collection: "GoodElectron",
      inputs: {
        year: { value: "2018" },
        ValType: "$variation",
        WorkingPoint: { value: "Tight" },
        eta: "eta",
        pt: "pt",
      },
    };
    const context = {
      dataset: { name: "tt", sample: "tt", year: "2018", isMC: true },
      parameters: { corrections: { "2018": { sf_ele_id: settings } } },
    };
    const values = electronScaleFactors().compute("sf_ele_id", selected, context);
    const close = (got: Float64Array, expected: number[]) =>
      deepStrictEqual([...got].map((v) => Math.round(v * 1e12) / 1e12), expected);
    close(values.nominal, [0.9 * 1.15, 1, 1.1]);
    close(values.up!, [0.92 * 1.17, 1, 1.12]);
    close(values.down!, [0.88 * 1.13, 1, 1.08]);

    // Without clamping the out-of-domain electron is an error of the payload.
    const strict = {
      ...context,
      parameters: { corrections: { "2018": { sf_ele_id: { ...settings, clamp: false } } } },
    };
    throws(() => electronScaleFactors().compute("sf_ele_id", selected, strict));
    // A wrong input name in the settings: did you mean.
    const typo = {
      ...context,
      parameters: {
        corrections: {
          "2018": { sf_ele_id: { ...settings, inputs: { ...settings.inputs, ptt: "pt" } } },
        },
      },
    };
    throws(
      () => electronScaleFactors().compute("sf_ele_id", selected, typo),
      (error: Error) => error.message.includes('did you mean "pt"'),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

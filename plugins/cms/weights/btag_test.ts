import { ok, strictEqual } from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { eventsFromBranches } from "@ristretto/core/events";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { btagShapeScaleFactors } from "./btag_shape.ts";
import { btagFixedWpScaleFactors } from "./btag_fixed_wp.ts";

// Jets: event 0 = (b, disc 0.9), (light, disc 0.2), (c, disc 0.1); event 1 = none;
// event 2 = (light, disc 0.5).
const offsets = Int32Array.of(0, 3, 3, 4);
const events = eventsFromBranches(
  new Map<string, Column>([
    ["nJet", Uint32Array.of(3, 0, 1)],
    ["Jet_pt", { offsets, content: Float32Array.of(60, 40, 35, 80) }],
    ["Jet_eta", { offsets, content: Float32Array.of(0.5, -1.2, 2.0, 0.1) }],
    ["Jet_hadronFlavour", { offsets, content: Int32Array.of(5, 0, 4, 0) }],
    ["Jet_btagDeepFlavB", { offsets, content: Float32Array.of(0.9, 0.2, 0.1, 0.5) }],
  ]),
);
const jets = events.withCollection("GoodJet", events.collection("Jet"));

const close = (got: number, expected: number, what: string) =>
  ok(Math.abs(got - expected) < 1e-12, `${what}: ${got} vs ${expected}`);

/** category(flavour) -> binning(discriminant [0, 0.5, 1], clamp) -> the two values. */
function byFlavour(values: Record<number, [number, number]>) {
  return {
    nodetype: "category",
    input: "flavor",
    content: Object.entries(values).map(([flavour, [low, high]]) => ({
      key: Number(flavour),
      value: {
        nodetype: "binning",
        input: "discriminant",
        edges: [0, 0.5, 1],
        flow: "clamp",
        content: [low, high],
      },
    })),
  };
}

// The shape payload: like BTV's, b/light systematics have no charm category and the charm
// ones have only charm.
const SHAPE = {
  schema_version: 2,
  corrections: [{
    name: "deepJet_shape",
    version: 1,
    inputs: [
      { name: "systematic", type: "string" },
      { name: "flavor", type: "int" },
      { name: "abseta", type: "real" },
      { name: "pt", type: "real" },
      { name: "discriminant", type: "real" },
    ],
    output: { name: "weight", type: "real" },
    data: {
      nodetype: "category",
      input: "systematic",
      content: [
        { key: "central", value: byFlavour({ 0: [1.05, 0.9], 4: [1, 1], 5: [1.1, 0.8] }) },
        { key: "up_hf", value: byFlavour({ 0: [1.06, 0.95], 5: [1.2, 0.85] }) },
        { key: "down_hf", value: byFlavour({ 0: [1.04, 0.85], 5: [1.0, 0.75] }) },
        { key: "up_cferr1", value: byFlavour({ 4: [1.1, 1.2] }) },
        { key: "down_cferr1", value: byFlavour({ 4: [0.9, 0.8] }) },
      ],
    },
  }],
};

const shapeSettings = (file: string) => ({
  file,
  correction: "deepJet_shape",
  collection: "GoodJet",
  inputs: {
    systematic: "$variation",
    flavor: "hadronFlavour",
    abseta: "abs(eta)",
    pt: "pt",
    discriminant: "btagDeepFlavB",
  },
});

Deno.test("b-tag shape: central product, and per-source ratios routed by flavour", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/shape.json`, JSON.stringify(SHAPE));
    const context = {
      dataset: { name: "tt", sample: "tt", year: "2022_preEE", isMC: true },
      parameters: {
        corrections: { "2022_preEE": { sf_btag: shapeSettings(`${dir}/shape.json`) } },
      },
    };
    const provider = btagShapeScaleFactors({ sources: ["hf", "cferr1"] });
    strictEqual(provider.weights.join(), "sf_btag,sf_btag_hf,sf_btag_cferr1");
    const central = provider.compute("sf_btag", jets, context).nominal;
    // b (disc 0.9) 0.8, light (0.2) 1.05, c 1; event 2: light (0.5, upper bin) 0.9.
    close(central[0], 0.8 * 1.05 * 1, "central 0");
    strictEqual(central[1], 1);
    close(central[2], 0.9, "central 2");
    const hf = provider.compute("sf_btag_hf", jets, context);
    strictEqual([...hf.nominal].join(), "1,1,1");
    close(hf.up![0], (0.85 * 1.06 * 1) / 0.84, "hf up 0");
    close(hf.down![0], (0.75 * 1.04 * 1) / 0.84, "hf down 0");
    close(hf.up![2], 0.95 / 0.9, "hf up 2");
    const cferr = provider.compute("sf_btag_cferr1", jets, context);
    close(cferr.up![0], (0.8 * 1.05 * 1.1) / 0.84, "cferr1 up 0");
    close(cferr.down![0], (0.8 * 1.05 * 0.9) / 0.84, "cferr1 down 0");
    close(cferr.up![2], 1, "cferr1 leaves light jets");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function constantByFlavour(
  input: string,
  values: Record<number, number>,
): Record<string, unknown> {
  return {
    nodetype: "category",
    input,
    content: Object.entries(values).map(([key, value]) => ({ key: Number(key), value })),
  };
}

const SF_INPUTS = [
  { name: "systematic", type: "string" },
  { name: "working_point", type: "string" },
  { name: "flavor", type: "int" },
  { name: "abseta", type: "real" },
  { name: "pt", type: "real" },
];
const bySystematic = (values: Record<string, Record<number, number>>) => ({
  nodetype: "category",
  input: "systematic",
  content: Object.entries(values).map(([key, byFlav]) => ({
    key,
    value: {
      nodetype: "category",
      input: "working_point",
      content: [{ key: "M", value: constantByFlavour("flavor", byFlav) }],
    },
  })),
});
const FIXED = {
  schema_version: 2,
  corrections: [
    {
      name: "deepJet_comb",
      version: 1,
      inputs: SF_INPUTS,
      output: { name: "weight", type: "real" },
      data: bySystematic({
        central: { 4: 0.9, 5: 0.95 },
        up: { 4: 0.95, 5: 1.0 },
        down: { 4: 0.85, 5: 0.9 },
      }),
    },
    {
      name: "deepJet_light",
      version: 1,
      inputs: SF_INPUTS,
      output: { name: "weight", type: "real" },
      data: bySystematic({ central: { 0: 1.1 }, up: { 0: 1.2 }, down: { 0: 1.0 } }),
    },
    {
      name: "efficiency_M",
      version: 1,
      inputs: [
        { name: "flavor", type: "int" },
        { name: "abseta", type: "real" },
        { name: "pt", type: "real" },
      ],
      output: { name: "efficiency", type: "real" },
      data: constantByFlavour("flavor", { 0: 0.1, 4: 0.3, 5: 0.7 }),
    },
    {
      name: "deepJet_wp_values",
      version: 1,
      inputs: [{ name: "working_point", type: "string" }],
      output: { name: "wp", type: "real" },
      data: { nodetype: "category", input: "working_point", content: [{ key: "M", value: 0.3 }] },
    },
  ],
};

const fixedSettings = (file: string) => ({
  file,
  correction: "deepJet_comb",
  lightCorrection: "deepJet_light",
  collection: "GoodJet",
  discriminant: "btagDeepFlavB",
  workingPoint: { correction: "deepJet_wp_values", key: "M" },
  inputs: {
    systematic: "$variation",
    working_point: { value: "M" },
    flavor: "hadronFlavour",
    abseta: "abs(eta)",
    pt: "pt",
  },
  efficiency: {
    correction: "efficiency_M",
    inputs: { flavor: "hadronFlavour", abseta: "abs(eta)", pt: "pt" },
  },
});

Deno.test("b-tag fixed WP (method 1a): tagged SF, untagged (1 - SF eff)/(1 - eff)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/btv.json`, JSON.stringify(FIXED));
    const context = {
      dataset: { name: "tt", sample: "tt", year: "2022_preEE", isMC: true },
      parameters: {
        corrections: { "2022_preEE": { sf_btag_fixed: fixedSettings(`${dir}/btv.json`) } },
      },
    };
    const values = btagFixedWpScaleFactors().compute("sf_btag_fixed", jets, context);
    // Event 0: b tagged (0.9 > 0.3) -> SF_b; light untagged; c untagged. Event 2: light tagged.
    const expected = (b: number, c: number, light: number) => [
      b * ((1 - light * 0.1) / 0.9) * ((1 - c * 0.3) / 0.7),
      1,
      light,
    ];
    for (
      const [shift, [b, c, light]] of [
        ["nominal", [0.95, 0.9, 1.1]],
        ["up", [1.0, 0.95, 1.2]],
        ["down", [0.9, 0.85, 1.0]],
      ] as const
    ) {
      expected(b, c, light).forEach((value, e) => close(values[shift]![e], value, `${shift} ${e}`));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "b-tag fixed WP: the working point read from the shared 2022 BTV excerpt",
  ignore: !hasSharedData("corrections/BTV_2022_Summer22_btagging.json"),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/btv.json`, JSON.stringify(FIXED));
      const settings = {
        ...fixedSettings(`${dir}/btv.json`),
        // deepJet M of Run3Summer22 is 0.3086: a light jet at 0.305 is untagged, at 0.31 tagged.
        workingPoint: {
          file: "BTV_2022_Summer22_btagging.json",
          correction: "deepJet_wp_values",
          key: "M",
        },
      };
      const context = {
        dataset: { name: "tt", sample: "tt", year: "2022_preEE", isMC: true },
        parameters: {
          correctionsDir: sharedDataPath("corrections"),
          corrections: { "2022_preEE": { sf_btag_fixed: settings } },
        },
      };
      const lightOffsets = Int32Array.of(0, 1, 2);
      const light = eventsFromBranches(
        new Map<string, Column>([
          ["nJet", Uint32Array.of(1, 1)],
          ["Jet_pt", { offsets: lightOffsets, content: Float32Array.of(50, 50) }],
          ["Jet_eta", { offsets: lightOffsets, content: Float32Array.of(0, 0) }],
          ["Jet_hadronFlavour", { offsets: lightOffsets, content: Int32Array.of(0, 0) }],
          ["Jet_btagDeepFlavB", { offsets: lightOffsets, content: Float32Array.of(0.305, 0.31) }],
        ]),
      );
      const selected = light.withCollection("GoodJet", light.collection("Jet"));
      const values = btagFixedWpScaleFactors().compute("sf_btag_fixed", selected, context);
      close(values.nominal[0], (1 - 1.1 * 0.1) / 0.9, "untagged");
      close(values.nominal[1], 1.1, "tagged");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

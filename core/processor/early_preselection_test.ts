import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { Column, Jagged } from "../columns/types.ts";
import { offsetsFromCounts } from "../columns/jagged.ts";
import { configFromText } from "../config/load_config.ts";
import type { Events } from "../events/events.ts";
import { API_VERSION, type BranchInfo, type Calibrator } from "../plugin/mod.ts";
import type { PlannedCut } from "./plan.ts";
import { compilePlan } from "./plan.ts";
import { datasetOutputToJSON } from "./chunk_output.ts";
import { processChunk } from "./process_chunk.ts";

// Four events (as in process_chunk_test.ts):
//   e0: muons 50 (eta 0, phi 0) and 15; jets 40 at (0, 0.1) - cleaned by the 50 GeV muon - and
//       60 at (1, 2); MET 10; genWeight 2
//   e1: muons 25 and 22; no jets; MET 20; genWeight -1
//   e2: one muon of 5 GeV: fails the skim; genWeight 3
//   e3: one muon of 12 GeV (not a good muon); a jet of 100; MET 40; genWeight 1
const muonOffsets = offsetsFromCounts([2, 2, 1, 1]);
const jetOffsets = offsetsFromCounts([2, 0, 0, 1]);
const columns = new Map<string, Column>([
  ["nMuon", Uint32Array.of(2, 2, 1, 1)],
  ["Muon_pt", { offsets: muonOffsets, content: Float32Array.of(50, 15, 25, 22, 5, 12) }],
  ["Muon_eta", { offsets: muonOffsets, content: Float32Array.of(0, 1.5, -1, 1, 0, 0) }],
  ["Muon_phi", { offsets: muonOffsets, content: Float32Array.of(0, 1, 0, 3, 0, 0) }],
  ["nJet", Uint32Array.of(2, 0, 0, 1)],
  ["Jet_pt", { offsets: jetOffsets, content: Float32Array.of(40, 60, 100) }],
  ["Jet_eta", { offsets: jetOffsets, content: Float32Array.of(0, 1, 0) }],
  ["Jet_phi", { offsets: jetOffsets, content: Float32Array.of(0.1, 2, 1) }],
  ["MET_pt", Float32Array.of(10, 20, 30, 40)],
  ["genWeight", Float32Array.of(2, -1, 3, 1)],
]);
const branches: BranchInfo[] = [
  { name: "nMuon", type: "uint32" },
  { name: "Muon_pt", type: "float32", counter: "nMuon" },
  { name: "Muon_eta", type: "float32", counter: "nMuon" },
  { name: "Muon_phi", type: "float32", counter: "nMuon" },
  { name: "nJet", type: "uint32" },
  { name: "Jet_pt", type: "float32", counter: "nJet" },
  { name: "Jet_eta", type: "float32", counter: "nJet" },
  { name: "Jet_phi", type: "float32", counter: "nJet" },
  { name: "MET_pt", type: "float32" },
  { name: "genWeight", type: "float32" },
];
const dataset = {
  name: "toy_2018",
  sample: "toy",
  year: "2018",
  isMC: true,
  xsec: 1,
  files: [],
  metadata: {},
};

const config = `
name: unit
datasets: {jsons: []}
calibrators: [jet-scale]
skim:
  - count(Muon.pt > 10) >= 1
objects:
  GoodMuon: {from: Muon, where: pt > 20}
  GoodJet:
    from: Jet
    where: pt > 50
    cleanAgainst: [{objects: GoodMuon, deltaR: 0.4}]
preselection:
  - count(GoodMuon) >= 1 && count(GoodJet) >= 1
  - MET.pt > 5
categories:
  all: count(GoodMuon) >= 0
weights:
  common: {inclusive: [genWeight]}
variations:
  shape:
    common: {inclusive: [JS]}
histograms:
  jet_pt:
    axes: [{expr: GoodJet.pt, bins: 8, start: 0, stop: 200}]
`;

/** Scales jet pt by 1.5 (Up) or 0.5 (Down), recording how many events it was given. */
function jetScale(inputs: string[], seen: number[]): Calibrator {
  return {
    kind: "calibrator",
    name: "jet-scale",
    version: "1.0.0",
    apiVersion: API_VERSION,
    variations: ["JS"],
    inputs,
    calibrate(events: Events, context): Events {
      seen.push(events.length);
      if (context.variation === undefined) return events;
      const factor = context.variation === "JSUp" ? 1.5 : 0.5;
      const jets = events.collection("Jet");
      const pt = jets.get("pt");
      const content = Float32Array.from(pt.content as Float32Array, (value) => value * factor);
      const scaled: Jagged = { offsets: pt.offsets, content };
      return events.withCollection("Jet", jets.withField("pt", scaled));
    },
  };
}

const sources = (cuts: readonly PlannedCut[] | undefined) =>
  (cuts ?? []).map((cut) => cut.kind === "expr" ? cut.expr.source : cut.name);

Deno.test("early preselection: conjuncts no calibrator changes are split off", () => {
  const plan = compilePlan(configFromText("unit.yaml", config), branches, {
    calibrators: [jetScale(["Jet_pt"], [])],
  });
  const early = plan.earlyPreselection!;
  deepStrictEqual(sources(early.cuts), ["count(GoodMuon) >= 1", "MET.pt > 5"]);
  deepStrictEqual(early.objects.map((object) => object.name), ["GoodMuon"]);
  // GoodJet reads Jet.pt, which the calibrator declares.
  deepStrictEqual(sources(early.rest), ["count(GoodJet) >= 1"]);

  // A calibrator that also reads MET may change it: the MET cut runs in every variation.
  const withMET = compilePlan(configFromText("unit.yaml", config), branches, {
    calibrators: [jetScale(["Jet_pt", "MET_pt"], [])],
  });
  deepStrictEqual(sources(withMET.earlyPreselection!.cuts), ["count(GoodMuon) >= 1"]);
  deepStrictEqual(sources(withMET.earlyPreselection!.rest), [
    "count(GoodJet) >= 1",
    "MET.pt > 5",
  ]);

  // Without calibrators there is nothing to share.
  const plain = config.replace("calibrators: [jet-scale]\n", "").replace(
    /variations:\n {2}shape:\n {4}common: \{inclusive: \[JS\]\}\n/,
    "",
  );
  strictEqual(
    compilePlan(configFromText("unit.yaml", plain), branches).earlyPreselection,
    undefined,
  );
});

Deno.test("early preselection: same results per variation, on fewer calibrated events", () => {
  const seen: number[] = [];
  const plan = compilePlan(configFromText("unit.yaml", config), branches, {
    calibrators: [jetScale(["Jet_pt"], seen)],
  });
  const masks: number[][] = [];
  const output = processChunk(plan, columns, {
    dataset,
    entries: 4,
    onSelection: (step, mask) => step === "preselection" && masks.push([...mask]),
  });
  // Skim keeps e0, e1, e3; the lepton and MET conjuncts drop e3 (its muon is 12 GeV) before
  // any calibration: the calibrator sees 2 events in each of nominal, JSUp and JSDown.
  deepStrictEqual(seen, [2, 2, 2]);
  // The preselection masks (nominal, JSUp, JSDown) are reported over the skimmed events e0,
  // e1, e3: e0 passes in nominal and JSUp (its jets then reach 50 GeV), in JSDown nothing does.
  deepStrictEqual(masks, [[1, 0, 0], [1, 0, 0], [0, 0, 0]]);

  const cutflow = output.samples.toy.cutflow;
  // nominal: e0 keeps its 60 GeV jet; e1 has no jet
  deepStrictEqual(cutflow.nominal.presel, { events: 1, sumw: 2 });
  // x1.5: e0's jets are 60 (cleaned) and 90; x0.5: 20 and 30, below 50
  deepStrictEqual(cutflow.JSUp.presel, { events: 1, sumw: 2 });
  deepStrictEqual(cutflow.JSDown.presel, { events: 0, sumw: 0 });
  const jetPt = output.samples.toy.histograms.jet_pt;
  const values = (variation: string) => [
    ...jetPt.select({ cat: "all", variation }).values(),
  ];
  deepStrictEqual(values("nominal"), [0, 0, 2, 0, 0, 0, 0, 0]); // 60 in [50, 75)
  deepStrictEqual(values("JSUp"), [0, 0, 0, 2, 0, 0, 0, 0]); // 90 in [75, 100)
  deepStrictEqual(values("JSDown"), [0, 0, 0, 0, 0, 0, 0, 0]);

  // The same chunk with the whole preselection in every variation gives the same output.
  const unsplitSeen: number[] = [];
  const unsplitPlan = compilePlan(configFromText("unit.yaml", config), branches, {
    calibrators: [jetScale(["Jet_pt"], unsplitSeen)],
  });
  const unsplitMasks: number[][] = [];
  const unsplit = processChunk({ ...unsplitPlan, earlyPreselection: undefined }, columns, {
    dataset,
    entries: 4,
    onSelection: (step, mask) => step === "preselection" && unsplitMasks.push([...mask]),
  });
  deepStrictEqual(unsplitSeen, [3, 3, 3]);
  deepStrictEqual(unsplitMasks, masks);
  deepStrictEqual(datasetOutputToJSON(output), datasetOutputToJSON(unsplit));
});

Deno.test("early preselection: a module variable or an afterObjects hook keeps the cut per variation", () => {
  const text = config.replace("MET.pt > 5", "metTwice > 10");
  const seen: number[] = [];
  const module = {
    variables: {
      metTwice: {
        compute: (events: Events) =>
          Float64Array.from(events.column("MET.pt") as Float32Array, (v) => 2 * v),
      },
    },
  };
  const plan = compilePlan(configFromText("unit.yaml", text), branches, {
    calibrators: [jetScale(["Jet_pt"], seen)],
    module,
  });
  deepStrictEqual(sources(plan.earlyPreselection!.cuts), ["count(GoodMuon) >= 1"]);
  deepStrictEqual(sources(plan.earlyPreselection!.rest), ["count(GoodJet) >= 1", "metTwice > 10"]);

  const hooked = compilePlan(configFromText("unit.yaml", config), branches, {
    calibrators: [jetScale(["Jet_pt"], seen)],
    module: { hooks: { afterObjects: (events: Events) => events } },
  });
  processChunk(hooked, columns, { dataset, entries: 4 });
  // The hook may look at every event, so nothing is dropped before the variations.
  deepStrictEqual(seen, [3, 3, 3]);
});

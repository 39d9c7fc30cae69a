import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import type { Column } from "../columns/types.ts";
import { offsetsFromCounts } from "../columns/jagged.ts";
import { configFromText } from "../config/load_config.ts";
import { ConfigError } from "../config/config_error.ts";
import type { BranchInfo } from "../plugin/types.ts";
import type { StrCategoryAxis } from "../hist/axes.ts";
import { compilePlan } from "./plan.ts";
import type { AnalysisModule } from "./analysis_module.ts";
import { processChunk } from "./process_chunk.ts";

// Four hand-made events. Muon and jet positions are chosen so each cut's outcome is obvious:
//   e0: muons 50 (eta 0, phi 0) and 15; jets 40 at (0, 0.1) - within 0.4 of the 50 GeV muon,
//       so cleaned away - and 60 at (1, 2); genWeight 2
//   e1: muons 25 and 22; no jets; genWeight -1
//   e2: one muon of 5 GeV: fails the skim (no muon above 10); genWeight 3
//   e3: one muon of 12 GeV: passes the skim, fails the preselection (no muon above 20); a jet of 100
const muonCounts = [2, 2, 1, 1];
const jetCounts = [2, 0, 0, 1];
const muonOffsets = offsetsFromCounts(muonCounts);
const jetOffsets = offsetsFromCounts(jetCounts);
const columns = new Map<string, Column>([
  ["nMuon", Uint32Array.from(muonCounts)],
  ["Muon_pt", { offsets: muonOffsets, content: Float32Array.of(50, 15, 25, 22, 5, 12) }],
  ["Muon_eta", { offsets: muonOffsets, content: Float32Array.of(0, 1.5, -1, 1, 0, 0) }],
  ["Muon_phi", { offsets: muonOffsets, content: Float32Array.of(0, 1, 0, 3, 0, 0) }],
  ["nJet", Uint32Array.from(jetCounts)],
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
  { name: "Muon_tightId", type: "bool", counter: "nMuon" },
  { name: "nJet", type: "uint32" },
  { name: "Jet_pt", type: "float32", counter: "nJet" },
  { name: "Jet_eta", type: "float32", counter: "nJet" },
  { name: "Jet_phi", type: "float32", counter: "nJet" },
  { name: "Jet_btag", type: "float32", counter: "nJet" },
  { name: "MET_pt", type: "float32" },
  { name: "MET_phi", type: "float32" },
  { name: "genWeight", type: "float32" },
];

const config = `
name: unit
datasets: {jsons: []}
skim:
  - count(Muon.pt > 10) >= 1
objects:
  GoodMuon: {from: Muon, where: pt > 20}
  GoodJet:
    from: Jet
    where: pt > 30
    cleanAgainst: [{objects: GoodMuon, deltaR: 0.4}]
preselection:
  - count(GoodMuon) >= 1
categories:
  one: count(GoodMuon) == 1
  two: count(GoodMuon) == 2
weightDefinitions:
  sf:
    expr: where(count(GoodJet) > 0, 0.9, 1.0)
    up: where(count(GoodJet) > 0, 0.95, 1.0)
    down: where(count(GoodJet) > 0, 0.85, 1.0)
weights:
  common: {inclusive: [genWeight, sf]}
variations:
  weights:
    common: {inclusive: [sf]}
histograms:
  lead_pt:
    axes: [{expr: "GoodMuon[0].pt", bins: 4, start: 0, stop: 100}]
  jet_pt:
    axes: [{expr: GoodJet.pt, bins: 2, start: 0, stop: 200}]
columns:
  - name: leading
    fields: {pt: "GoodMuon[0].pt", met: MET.pt}
`;
const dataset = {
  name: "toy_2018",
  sample: "toy",
  year: "2018",
  isMC: true,
  xsec: 1,
  files: [],
  metadata: {},
};

Deno.test("processChunk: cutflow, weights, variations and histograms of hand-made events", () => {
  const plan = compilePlan(configFromText("unit.yaml", config), branches);
  // Only what the expressions use is read: no tightId, btag or MET_phi.
  deepStrictEqual(
    [...plan.branches].sort(),
    [
      "Jet_eta",
      "Jet_phi",
      "Jet_pt",
      "MET_pt",
      "Muon_eta",
      "Muon_phi",
      "Muon_pt",
      "genWeight",
      "nJet",
      "nMuon",
    ],
  );
  const output = processChunk(plan, columns, { dataset, entries: 4 });
  strictEqual(output.events, 4);
  strictEqual(output.sumGenWeight, 5); // 2 - 1 + 3 + 1
  const sample = output.samples.toy;
  const steps = sample.cutflow.nominal;
  deepStrictEqual(steps.initial, { events: 4, sumw: 5 });
  deepStrictEqual(steps.skim, { events: 3, sumw: 2 }); // e0, e1, e3: 2 - 1 + 1
  deepStrictEqual(steps.presel, { events: 2, sumw: 1 }); // e0, e1 (genWeight only)
  // one: e0 with weight 2 * 0.9 (it keeps the 60 GeV jet); two: e1 with -1 * 1.0
  strictEqual(steps.one.events, 1);
  ok(Math.abs(steps.one.sumw - 1.8) < 1e-12);
  deepStrictEqual(steps.two, { events: 1, sumw: -1 });

  const lead = sample.histograms.lead_pt;
  const at = (cat: string, variation: string) =>
    [...lead.select({ cat, variation }).values()].map((v) => Math.round(v * 1e9) / 1e9);
  deepStrictEqual(at("one", "nominal"), [0, 0, 1.8, 0]); // 50 GeV in [50, 75)
  deepStrictEqual(at("one", "sfUp"), [0, 0, 1.9, 0]);
  deepStrictEqual(at("one", "sfDown"), [0, 0, 1.7, 0]);
  deepStrictEqual(at("two", "nominal"), [0, -1, 0, 0]); // 25 GeV in [25, 50)
  deepStrictEqual(at("two", "sfUp"), [0, -1, 0, 0]); // no jet: sf is 1 up and down
  // Variances are sums of squared weights.
  ok(Math.abs(lead.select({ cat: "one", variation: "nominal" }).variances()[2] - 3.24) < 1e-12);

  // Jets: only the 60 GeV jet of e0 survives selection and cleaning.
  const jets = sample.histograms.jet_pt.select({ cat: "one", variation: "nominal" });
  deepStrictEqual([...jets.values()].map((v) => Math.round(v * 1e9) / 1e9), [1.8, 0]);
  strictEqual(sample.histograms.jet_pt.select({ cat: "two", variation: "nominal" }).sum().value, 0);

  // Columns: one row per selected event.
  deepStrictEqual([...sample.columns.leading.one.pt as Float64Array], [50]);
  deepStrictEqual([...sample.columns.leading.two.met as Float64Array], [20]);
  deepStrictEqual([...sample.columns.leading.two.weight as Float64Array], [-1]);
});

Deno.test("processChunk: data gets no weights and only the nominal variation", () => {
  const plan = compilePlan(configFromText("unit.yaml", config), branches);
  const output = processChunk(plan, columns, {
    dataset: { ...dataset, isMC: false, name: "data_2018", sample: "data" },
    entries: 4,
  });
  strictEqual(output.sumGenWeight, 4); // data: one per event
  const lead = output.samples.data.histograms.lead_pt;
  deepStrictEqual((lead.axis("variation") as StrCategoryAxis).categories, ["nominal"]);
  deepStrictEqual([...lead.select({ cat: "one", variation: "nominal" }).values()], [0, 0, 1, 0]);
});

Deno.test("compilePlan: an unknown field in an expression points into the config", () => {
  const broken = config.replace(
    "GoodMuon: {from: Muon, where: pt > 20}",
    "GoodMuon: {from: Muon, where: ptt > 20}",
  );
  throws(
    () => compilePlan(configFromText("unit.yaml", broken), branches),
    (error: unknown) => {
      ok(error instanceof ConfigError, String(error));
      // line 7 of the config text (which starts with a newline), column 33 is where "ptt" starts
      strictEqual(error.position?.line, 7, error.message);
      strictEqual(error.position?.column, 33);
      ok(error.message.includes('did you mean "pt"'), error.message);
      return true;
    },
  );
});

Deno.test("an analysis module adds variables, cuts, weights and hooks that the YAML names", () => {
  let hookCalls = 0;
  const module: AnalysisModule = {
    variables: {
      // twice the leading good muon pt: e0 -> 100, e1 -> 50
      twiceLeadingPt: {
        compute: (events) => {
          const pt = events.collection("GoodMuon").get("pt");
          const out = new Float64Array(events.length);
          for (let i = 0; i < events.length; i++) {
            out[i] = pt.offsets[i + 1] > pt.offsets[i]
              ? 2 * Number(pt.content[pt.offsets[i]])
              : NaN;
          }
          return out;
        },
      },
      // per jet: |eta| < 0.5 (the 60 GeV jet of e0 is at eta 1: not central)
      isCentral: {
        collection: "GoodJet",
        type: "bool",
        compute: (events) => {
          const eta = events.collection("GoodJet").get("eta");
          const content = new Uint8Array(eta.content.length);
          for (let j = 0; j < content.length; j++) {
            content[j] = Math.abs(Number(eta.content[j])) < 0.5 ? 1 : 0;
          }
          return { offsets: eta.offsets, content };
        },
      },
    },
    // keeps events with at least one jet in the file: drops e1 at preselection
    cuts: {
      anyJet: (events, params) => {
        const counts = events.column("nJet") as Uint32Array;
        return Uint8Array.from(counts, (n) => n >= Number(params.min) ? 1 : 0);
      },
    },
    weights: {
      flat: (events) => ({
        nominal: new Float64Array(events.length).fill(2),
        up: new Float64Array(events.length).fill(3),
        down: new Float64Array(events.length).fill(1),
      }),
    },
    hooks: {
      afterPreselection: (events) => {
        hookCalls++;
        return events;
      },
    },
  };
  const text = config
    .replace(
      "  - count(GoodMuon) >= 1\n",
      "  - count(GoodMuon) >= 1\n  - {use: anyJet, params: {min: 1}}\n",
    )
    .replace("inclusive: [genWeight, sf]", "inclusive: [genWeight, flat]")
    .replace("inclusive: [sf]", "inclusive: [flat]")
    .replace(
      "histograms:\n",
      "histograms:\n  twice:\n    axes: [{expr: twiceLeadingPt, bins: 4, start: 0, stop: 200}]\n" +
        "  central:\n    axes: [{expr: count(GoodJet.isCentral), bins: 3, start: 0, stop: 3, integer: true}]\n",
    );
  const plan = compilePlan(configFromText("unit.yaml", text), branches, { module });
  const output = processChunk(plan, columns, { dataset, entries: 4 });
  const sample = output.samples.toy;
  strictEqual(hookCalls, 1); // one shape variation (nominal): one call
  deepStrictEqual(sample.cutflow.nominal.presel, { events: 1, sumw: 2 }); // e1 dropped
  const twice = sample.histograms.twice;
  // e0: 100 GeV in bin [100, 150); weight genWeight 2 x flat 2 = 4 (up 6, down 2)
  deepStrictEqual([...twice.select({ cat: "one", variation: "nominal" }).values()], [0, 0, 4, 0]);
  deepStrictEqual([...twice.select({ cat: "one", variation: "flatUp" }).values()], [0, 0, 6, 0]);
  deepStrictEqual([...twice.select({ cat: "one", variation: "flatDown" }).values()], [0, 0, 2, 0]);
  deepStrictEqual([...twice.select({ cat: "two", variation: "nominal" }).values()], [0, 0, 0, 0]);
  // no central jet in e0
  deepStrictEqual([
    ...sample.histograms.central.select({ cat: "one", variation: "nominal" }).values(),
  ], [4, 0, 0]);

  throws(
    () =>
      compilePlan(
        configFromText("unit.yaml", text.replace("use: anyJet", "use: anyJets")),
        branches,
        { module },
      ),
    (error: unknown) =>
      error instanceof ConfigError && error.message.includes('did you mean "anyJet"'),
  );
});

Deno.test("subsamples split a sample and cartesian categories join their names", () => {
  const text = config
    .replace(
      "categories:\n  one: count(GoodMuon) == 1\n  two: count(GoodMuon) == 2\n",
      "categories:\n  cartesian:\n    - name: muons\n      cuts: {one: count(GoodMuon) == 1, two: count(GoodMuon) == 2}\n" +
        "    - name: met\n      cuts: {lowMET: MET.pt < 15, highMET: MET.pt >= 15}\n" +
        "subsamples:\n  toy:\n    withJets: count(GoodJet) >= 1\n    noJets: count(GoodJet) == 0\n",
    );
  const plan = compilePlan(configFromText("unit.yaml", text), branches);
  deepStrictEqual(plan.categories.map((category) => category.name), [
    "one_lowMET",
    "one_highMET",
    "two_lowMET",
    "two_highMET",
  ]);
  const output = processChunk(plan, columns, { dataset, entries: 4 });
  deepStrictEqual(Object.keys(output.samples).sort(), ["toy__noJets", "toy__withJets"]);
  // e0 (MET 10, one good muon, one good jet) is the only event with jets.
  const withJets = output.samples.toy__withJets.cutflow.nominal;
  strictEqual(withJets.presel.events, 1);
  strictEqual(withJets.one_lowMET.events, 1);
  strictEqual(withJets.two_highMET.events, 0);
  // e1 (MET 20, two good muons, no jet)
  const noJets = output.samples.toy__noJets.cutflow.nominal;
  deepStrictEqual(noJets.two_highMET, { events: 1, sumw: -1 });
  strictEqual(noJets.one_lowMET.events, 0);
});

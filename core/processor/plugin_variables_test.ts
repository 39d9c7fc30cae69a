import { deepEqual, equal, ok, throws } from "node:assert/strict";
import type { Column, Jagged } from "../columns/types.ts";
import { offsetsFromCounts } from "../columns/jagged.ts";
import { configFromText } from "../config/load_config.ts";
import type { Events } from "../events/events.ts";
import type { BranchInfo, VariableProvider } from "../plugin/types.ts";
import { compilePlan } from "./plan.ts";
import { processChunk } from "./process_chunk.ts";

// Three events: jets (pt) e0: 50, 20; e1: 35; e2: none. MET 10, 60, 30.
const jetCounts = [2, 1, 0];
const jetOffsets = offsetsFromCounts(jetCounts);
const columns = new Map<string, Column>([
  ["nJet", Uint32Array.from(jetCounts)],
  ["Jet_pt", { offsets: jetOffsets, content: Float32Array.of(50, 20, 35) }],
  ["Jet_eta", { offsets: jetOffsets, content: Float32Array.of(0, 1, 2) }],
  ["MET_pt", Float32Array.of(10, 60, 30)],
  ["MET_phi", Float32Array.of(0, 0, 0)],
]);
const branches: BranchInfo[] = [
  { name: "nJet", type: "uint32" },
  { name: "Jet_pt", type: "float32", counter: "nJet" },
  { name: "Jet_eta", type: "float32", counter: "nJet" },
  { name: "MET_pt", type: "float32" },
  { name: "MET_phi", type: "float32" },
];

/** Records what it computed, on how many events. */
function provider(calls: string[]): VariableProvider {
  return {
    kind: "variable",
    name: "toy-variables",
    version: "1.0.0",
    apiVersion: 1,
    inputs: ["MET_phi"],
    variables: {
      isHard: { collection: "Jet", type: "bool" },
      doubleMet: {},
      tripleMet: {},
      unused: {},
      goodJetPtSquared: { collection: "GoodJet" },
    },
    compute(name: string, events: Events): Column {
      calls.push(`${name}@${events.length}`);
      if (name === "isHard") {
        const pt = events.collection("Jet").get("pt") as Jagged<Float32Array>;
        return { offsets: pt.offsets, content: Uint8Array.from(pt.content, (v) => v > 30 ? 1 : 0) };
      }
      if (name === "goodJetPtSquared") {
        const pt = events.collection("GoodJet").get("pt") as Jagged<Float32Array>;
        return { offsets: pt.offsets, content: Float64Array.from(pt.content, (v) => v * v) };
      }
      const met = events.column("MET.pt") as Float32Array;
      return Float64Array.from(met, (v) => v * (name === "tripleMet" ? 3 : 2));
    },
  };
}

const config = `
name: unit
datasets: {jsons: []}
objects:
  GoodJet: {from: Jet, where: isHard}
preselection:
  - doubleMet > 30
histograms:
  n_good:
    axes: [{expr: count(GoodJet), start: 0, stop: 3, integer: true}]
  triple:
    axes: [{expr: tripleMet, bins: 4, start: 0, stop: 400}]
  squared:
    axes: [{expr: GoodJet.goodJetPtSquared, bins: 4, start: 0, stop: 4000}]
`;
const dataset = {
  name: "d",
  sample: "s",
  year: "2018",
  isMC: false,
  xsec: 1,
  files: [],
  metadata: {},
} as unknown as Parameters<typeof processChunk>[2]["dataset"];

Deno.test("plugin variables: each is computed once, at the step its first use needs", () => {
  const calls: string[] = [];
  const loaded = configFromText("unit.yaml", config);
  const plan = compilePlan(loaded, branches, { variableProviders: [provider(calls)] });
  deepEqual(
    plan.pluginVariables.map((v) =>
      `${v.collection ? `${v.collection}.` : ""}${v.name}:${v.stage}`
    ),
    [
      "Jet.isHard:objects", // an object `where` reads it
      "doubleMet:preselection",
      "tripleMet:after",
      "GoodJet.goodJetPtSquared:after",
    ],
    "the unused variable is not planned",
  );
  ok(plan.branches.has("MET_phi"), "the provider's inputs are read");

  const output = processChunk(plan, columns, { dataset, entries: 3 });
  // Objects see all 3 events; preselection (2 MET > 30: e1, e2) leaves 2 for the late ones.
  deepEqual(calls, ["isHard@3", "doubleMet@3", "tripleMet@2", "goodJetPtSquared@2"]);
  const histograms = output.samples.s.histograms;
  // After the preselection: e1 (one jet of 35 > 30) and e2 (no jet).
  deepEqual([...histograms.n_good.values()], [1, 1, 0]);
  // tripleMet: 180 and 90 in bins of 100.
  deepEqual([...histograms.triple.values()], [1, 1, 0, 0]);
  // 35^2 = 1225 -> bin 1 of 1000-wide bins.
  deepEqual([...histograms.squared.values()], [0, 1, 0, 0]);
});

Deno.test("plugin variables: a misspelt name gets a suggestion; bad shapes name the plugin", () => {
  const loaded = configFromText("unit.yaml", config.replace("expr: tripleMet", "expr: tripleMett"));
  throws(
    () => compilePlan(loaded, branches, { variableProviders: [provider([])] }),
    /unit\.yaml:\d+:\d+: .*tripleMett.*did you mean "tripleMet"/s,
  );
  const stray: VariableProvider = {
    ...provider([]),
    variables: { x: { collection: "FatJet" } },
  };
  throws(
    () =>
      compilePlan(configFromText("unit.yaml", config), branches, { variableProviders: [stray] }),
    /Cannot use variable "FatJet\.x" of plugin "toy-variables": the files have no collection "FatJet"/,
  );
  const clash: VariableProvider = { ...provider([]), variables: { pt: { collection: "Jet" } } };
  throws(
    () =>
      compilePlan(configFromText("unit.yaml", config), branches, { variableProviders: [clash] }),
    /Cannot use variable "Jet\.pt" of plugin "toy-variables": that name is already a branch/,
  );
  const short: VariableProvider = {
    ...provider([]),
    compute: (name, events) =>
      name === "isHard"
        ? provider([]).compute(name, events, { dataset, parameters: {} })
        : new Float64Array(1),
  };
  const plan = compilePlan(configFromText("unit.yaml", config), branches, {
    variableProviders: [short],
  });
  throws(
    () => processChunk(plan, columns, { dataset, entries: 3 }),
    /Cannot add variable "doubleMet" of plugin "toy-variables": compute\(\) must return one value per event \(3\)/,
  );
  equal(plan.pluginVariables.length, 4);
});

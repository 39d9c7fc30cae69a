import assert from "node:assert/strict";
import type { Column } from "../columns/types.ts";
import { eventsFromBranches } from "../events/mod.ts";
import { compileExpression, eventsEnv, eventsSchema } from "./mod.ts";

// NanoAOD-style branches, as a reader returns them. Per event:
//   Jet_pt [50, 20] | [] | [35];  Muon_pt [30, 25] | [40] | [];  Muon_eta [0, 0] | [1] | []
//   Muon_phi [0, pi] | [0] | [];  MET_pt 40 | 10 | 60;  HLT_IsoMu24 1 | 0 | 1
const jetOffsets = Int32Array.of(0, 2, 2, 3);
const muonOffsets = Int32Array.of(0, 2, 3, 3);
const events = eventsFromBranches(
  new Map<string, Column>([
    ["nJet", Int32Array.of(2, 0, 1)],
    ["Jet_pt", { offsets: jetOffsets, content: Float32Array.of(50, 20, 35) }],
    ["Muon_pt", { offsets: muonOffsets, content: Float32Array.of(30, 25, 40) }],
    ["Muon_eta", { offsets: muonOffsets, content: Float32Array.of(0, 0, 1) }],
    ["Muon_phi", { offsets: muonOffsets, content: Float64Array.of(0, Math.PI, 0) }],
    ["MET_pt", Float32Array.of(40, 10, 60)],
    ["HLT_IsoMu24", Uint8Array.of(1, 0, 1)],
  ]),
);
const schema = eventsSchema(events, { bools: ["HLT.IsoMu24"] });
const env = eventsEnv(events);

function flat(source: string): number[] {
  return [...(compileExpression(source, schema).evaluate(env) as Float64Array)];
}

Deno.test("expressions run on core/events Events", () => {
  assert.deepEqual(flat("count(Jet.pt > 30)"), [1, 0, 1]);
  assert.deepEqual(flat("nJet"), [2, 0, 1]);
  assert.deepEqual(flat("HLT.IsoMu24 && MET.pt > 20"), [1, 0, 1]);
  // back-to-back massless muons at eta 0: m = 2 sqrt(pt1 pt2) = 2 sqrt(750)
  const mass = flat("mass(Muon[0], Muon[1])");
  assert.ok(Math.abs(mass[0] - 2 * Math.sqrt(750)) < 1e-9);
  assert.ok(Number.isNaN(mass[1]) && Number.isNaN(mass[2]));
  const selection = compileExpression("pt > 28", schema, { collection: "Muon" }).evaluate(env);
  assert.deepEqual([...(selection as { content: Uint8Array }).content], [1, 0, 1]);
});

Deno.test("the Events schema knows shapes from names", () => {
  assert.deepEqual(schema.kindOf("Jet.pt"), { jagged: true, collection: "Jet", type: "number" });
  assert.deepEqual(schema.kindOf("MET.pt"), { jagged: false, type: "number" });
  assert.deepEqual(schema.kindOf("HLT.IsoMu24"), { jagged: false, type: "bool" });
  assert.equal(schema.kindOf("Jet"), undefined);
  assert.equal(schema.kindOf("Jet.ptt"), undefined);
  assert.ok(schema.isCollection("Muon"));
  assert.ok(!schema.isCollection("MET"));
});

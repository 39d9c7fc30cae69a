import assert from "node:assert/strict";
import type { Column, Jagged } from "../columns/types.ts";
import { fixtureEnv, fixtureSchema, mapEnv } from "./_fixture.ts";
import { schemaOf } from "./env.ts";
import { compileExpression } from "./mod.ts";

// The fixture (see _fixture.ts), per event:
//   Jet.pt  [50, 20, 35] | []   | [25]      Jet.eta [0.5, -3, 2.5] | [] | [1]
//   Jet.phi [0, 1, 2]    | []   | [3]
//   Muon.pt [30, 20]     | [10] | []        Muon.eta [0, 0] | [1] | []
//   Muon.phi [0, pi/2]   | [0]  | []        Muon.tightId [0, 1] | [0] | []
//   MET.pt 40 | 10 | 60    MET.phi 0 | 0 | -3    genWeight 2 | -1 | 0.5    HLT.IsoMu24 1 | 0 | 1

function run(source: string, collection?: string): Column {
  return compileExpression(source, fixtureSchema, { collection }).evaluate(fixtureEnv);
}

function flat(source: string, collection?: string): number[] {
  const column = run(source, collection);
  assert.ok(ArrayBuffer.isView(column), `${source} should be flat`);
  return [...(column as Float64Array)];
}

function content(source: string, collection?: string): number[] {
  const column = run(source, collection) as Jagged;
  assert.ok(column.offsets !== undefined, `${source} should be jagged`);
  return [...(column.content as Float64Array)];
}

function close(actual: number[], expected: number[], message: string): void {
  assert.equal(actual.length, expected.length, message);
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(expected[i])) assert.ok(Number.isNaN(actual[i]), `${message} [${i}]`);
    else assert.ok(Math.abs(actual[i] - expected[i]) < 1e-9, `${message} [${i}]: ${actual[i]}`);
  }
}

Deno.test("counts with cuts", () => {
  // jets above 30: 50, 35 | none | none
  assert.deepEqual(flat("count(Jet.pt > 30)"), [2, 0, 0]);
  // 35 has |eta| 2.5, so only the 50 GeV jet is central
  assert.deepEqual(flat("count(Jet.pt > 30 && abs(Jet.eta) < 2.4)"), [1, 0, 0]);
  assert.deepEqual(flat("count(Jet)"), [3, 0, 1]);
  // nJet is count(Jet) when there is no nJet column
  assert.deepEqual(flat("nJet"), [3, 0, 1]);
  assert.deepEqual(flat("count(Jet.pt > 30) >= 2"), [1, 0, 0]);
});

Deno.test("reductions", () => {
  assert.deepEqual(flat("sum(Jet.pt)"), [105, 0, 25]); // 50+20+35 | empty | 25
  close(flat("max(Jet.pt)"), [50, NaN, 25], "max");
  close(flat("min(Jet.pt)"), [20, NaN, 25], "min");
  assert.deepEqual(flat("any(Jet.pt > 40)"), [1, 0, 0]);
  // 20 < 22 fails event 0; an empty event passes "all"
  assert.deepEqual(flat("all(Jet.pt > 22)"), [0, 1, 1]);
  assert.deepEqual(flat("any(Muon.tightId)"), [1, 0, 0]);
  // sum of a per-object expression: 2*50+2*20+2*35 = 210
  assert.deepEqual(flat("sum(2 * Jet.pt)"), [210, 0, 50]);
});

Deno.test("indexing, with missing objects as NaN and failing cuts", () => {
  close(flat("Jet[0].pt"), [50, NaN, 25], "leading");
  close(flat("Jet[1].pt"), [20, NaN, NaN], "subleading");
  close(flat("Jet[-1].pt"), [35, NaN, 25], "last");
  close(flat("Jet.pt[0]"), [50, NaN, 25], "index after the field");
  close(flat("(Jet.pt * 2)[1]"), [40, NaN, NaN], "index of an expression");
  assert.deepEqual(flat("Jet[0].pt > 30"), [1, 0, 0]);
  // a missing jet makes every comparison false, != included
  assert.deepEqual(flat("Jet[0].pt != 30"), [1, 0, 1]);
  assert.deepEqual(flat("Jet[1].pt < 1000"), [1, 0, 0]);
  assert.deepEqual(flat("!(Jet[0].pt > 30)"), [0, 1, 1]);
  // a missing boolean is false
  assert.deepEqual(flat("Muon[1].tightId"), [1, 0, 0]);
  close(flat("min(Jet[0].pt, MET.pt)"), [40, NaN, 25], "min of two");
});

Deno.test("broadcasting per-event values to objects", () => {
  // MET 40: 50>40, 20, 35 no | no jets | 25 > 60 no
  const cut = run("Jet.pt > MET.pt") as Jagged;
  assert.equal(cut.offsets, fixtureEnv.collectionOffsets("Jet"));
  assert.ok(cut.content instanceof Uint8Array);
  assert.deepEqual([...cut.content], [1, 0, 0, 0]);
  assert.deepEqual(content("Jet.pt * 2 + 1"), [101, 41, 71, 51]);
  assert.deepEqual(content("Jet.pt - MET.pt"), [10, -20, -5, -35]);
  assert.deepEqual(content("genWeight * Jet.pt"), [100, 40, 70, 12.5]);
  // count of jets above MET
  assert.deepEqual(flat("count(Jet.pt > MET.pt)"), [1, 0, 0]);
});

Deno.test("where, per event and per object", () => {
  assert.deepEqual(flat("where(MET.pt > 30, genWeight, 0)"), [2, 0, 0.5]);
  assert.deepEqual(content("where(Jet.pt > 30, Jet.pt, 0)"), [50, 0, 35, 0]);
  // per-event branches broadcast: MET 40 for event 0's jets, 60 for event 2's
  assert.deepEqual(content("where(abs(Jet.eta) < 2.4, Jet.pt, MET.pt)"), [50, 40, 40, 25]);
});

Deno.test("arithmetic, functions and constants", () => {
  assert.deepEqual(flat("-2 ** 2"), [-4, -4, -4]);
  assert.deepEqual(flat("2 ** 3 ** 2"), [512, 512, 512]);
  assert.deepEqual(flat("(2 + 3) * 4 - 10 % 3"), [19, 19, 19]);
  assert.deepEqual(flat("1e3 * .5"), [500, 500, 500]);
  assert.deepEqual(flat("genWeight * 2"), [4, -2, 1]);
  assert.deepEqual(flat("MET.pt / 10 - 1"), [3, 0, 5]);
  assert.deepEqual(flat("100 - MET.pt"), [60, 90, 40]);
  assert.deepEqual(flat("pow(MET.pt, 2)"), [1600, 100, 3600]);
  assert.deepEqual(flat("MET.pt ** 2"), [1600, 100, 3600]);
  close(flat("sqrt(MET.pt * 10)"), [20, 10, Math.sqrt(600)], "sqrt");
  close(flat("log(exp(genWeight))"), [2, -1, 0.5], "log exp");
  close(
    flat("atan2(genWeight, 1)"),
    [Math.atan2(2, 1), Math.atan2(-1, 1), Math.atan2(0.5, 1)],
    "atan2",
  );
  close(flat("cos(0) + sin(0) + tan(0) + MET.pt * 0"), [1, 1, 1], "trig");
  assert.deepEqual(content("abs(Jet.eta)"), [0.5, 3, 2.5, 1]);
  assert.deepEqual(content("max(Jet.pt, 30)"), [50, 30, 35, 30]);
  assert.deepEqual(content("-Jet.pt"), [-50, -20, -35, -25]);
});

Deno.test("logic, with keywords and flags", () => {
  assert.deepEqual(flat("HLT.IsoMu24 && MET.pt > 20"), [1, 0, 1]);
  assert.deepEqual(flat("MET.pt > 20 and not HLT.IsoMu24"), [0, 0, 0]);
  assert.deepEqual(flat("MET.pt > 50 or genWeight < 0"), [0, 1, 1]);
  assert.deepEqual(flat("HLT.IsoMu24 == true"), [1, 0, 1]);
  assert.deepEqual(flat("HLT.IsoMu24 != (MET.pt > 50)"), [1, 0, 0]);
  // numbers as conditions: non-zero is true (genWeight 0.5 too)
  assert.deepEqual(flat("genWeight && true"), [1, 1, 1]);
  assert.deepEqual(flat("!genWeight"), [0, 0, 0]);
  assert.deepEqual(flat("true || MET.pt > 1000"), [1, 1, 1]);
});

Deno.test("pair functions: mass, deltaR, deltaPhi, pt", () => {
  // event 0: massless muons, pt 30 and 20, eta 0 and 0, dphi pi/2:
  // m^2 = 2*30*20*(cosh 0 - cos pi/2) = 1200; the others have fewer than two muons
  close(flat("mass(Muon[0], Muon[1])"), [Math.sqrt(1200), NaN, NaN], "mass");
  // deltaR = sqrt(0^2 + (pi/2)^2)
  close(flat("deltaR(Muon[0], Muon[1])"), [Math.PI / 2, NaN, NaN], "deltaR");
  close(flat("deltaPhi(Muon[0], Muon[1])"), [-Math.PI / 2, NaN, NaN], "deltaPhi");
  // |pt1 + pt2| with the muons at right angles: sqrt(30^2 + 20^2) = sqrt(1300)
  close(flat("pt(Muon[0], Muon[1])"), [Math.sqrt(1300), NaN, NaN], "pair pt");
  // deltaR of a jet and a muon: event 0: jet (0.5, 0), muon (0, 0) -> 0.5
  close(flat("deltaR(Jet[0], Muon[0])"), [0.5, NaN, NaN], "jet-muon");
  // deltaPhi of angles wraps: event 2: jet phi 3, MET phi -3 -> 6 - 2 pi
  close(flat("deltaPhi(Jet[0].phi, MET.phi)"), [0, NaN, 6 - 2 * Math.PI], "wrapped");
  // Jet has no mass field: massless; event 0 leading jets (50, 0.5, 0) and (20, -3, 1):
  // m^2 = 2*50*20*(cosh(3.5) - cos(1))
  close(
    flat("mass(Jet[0], Jet[1])"),
    [Math.sqrt(2000 * (Math.cosh(3.5) - Math.cos(1))), NaN, NaN],
    "massless jets",
  );
  assert.deepEqual(flat("mass(Muon[0], Muon[1]) > 30"), [1, 0, 0]);
});

Deno.test("pair functions of every object of a collection with one picked object", () => {
  // Muon[0] of event 0 is at (eta 0, phi 0); jets at (0.5, 0), (-3, 1), (2.5, 2):
  // deltaR 0.5, sqrt(9 + 1), sqrt(6.25 + 4); event 2 has a jet but no muon: NaN
  const expected = [0.5, Math.sqrt(10), Math.sqrt(10.25), NaN];
  close(content("deltaR(Jet, Muon[0])"), expected, "deltaR per jet");
  close(content("deltaR(Muon[0], Jet)"), expected, "either order");
  close(content("deltaPhi(Muon[0], Jet)"), [0, -1, -2, NaN], "deltaPhi per jet");
  // jet cleaning inside the Jet selection: pt > 30 and away from the leading muon
  assert.deepEqual(content("pt > 30 && deltaR(Jet, Muon[0]) > 0.4", "Jet"), [1, 0, 1, 0]);
  assert.deepEqual(flat("count(Jet.pt > 30 && deltaR(Jet, Muon[0]) > 0.6)"), [1, 0, 0]);
  const compiled = compileExpression("deltaR(Jet, Muon[0])", fixtureSchema);
  assert.deepEqual(compiled.type, { kind: "number", shape: "object", collection: "Jet" });
  assert.deepEqual(compiled.fields, new Set(["Jet.eta", "Jet.phi", "Muon.eta", "Muon.phi"]));
});

Deno.test("object selections: bare names are the collection's fields", () => {
  // Muon pt 30, 20 | 10; tightId 0, 1 | 0
  const selection = compileExpression("pt > 25 || tightId", fixtureSchema, { collection: "Muon" });
  assert.deepEqual(selection.type, { kind: "bool", shape: "object", collection: "Muon" });
  const mask = selection.evaluate(fixtureEnv) as Jagged;
  assert.equal(mask.offsets, fixtureEnv.collectionOffsets("Muon"));
  assert.deepEqual([...mask.content], [1, 1, 0]);
  assert.deepEqual(selection.fields, new Set(["Muon.pt", "Muon.tightId"]));
  // explicit names and per-event values still work inside a selection
  assert.deepEqual(content("Muon.pt > 25 && abs(eta) < 2.4", "Muon"), [1, 0, 0]);
  // MET/4 is 10 | 2.5: 30 > 10, 20 > 10 | 10 > 2.5
  assert.deepEqual(content("pt > MET.pt / 4", "Muon"), [1, 1, 1]);
  assert.deepEqual(content("pt > MET.pt / 2", "Muon"), [1, 0, 1]);
  assert.deepEqual(content("pt > 15 && genWeight > 0", "Muon"), [1, 1, 0]);
});

Deno.test("types of checked expressions", () => {
  const type = (source: string) => compileExpression(source, fixtureSchema).type;
  assert.deepEqual(type("Jet.pt"), { kind: "number", shape: "object", collection: "Jet" });
  assert.deepEqual(type("Jet.pt > 30"), { kind: "bool", shape: "object", collection: "Jet" });
  assert.deepEqual(type("count(Jet.pt > 30)"), { kind: "number", shape: "event" });
  assert.deepEqual(type("Jet[0].pt > 30"), { kind: "bool", shape: "event" });
  assert.deepEqual(type("MET.pt"), { kind: "number", shape: "event" });
  assert.deepEqual(type("HLT.IsoMu24"), { kind: "bool", shape: "event" });
  assert.deepEqual(type("2 * 3"), { kind: "number", shape: "scalar" });
  assert.deepEqual(type("Jet.pt > MET.pt"), { kind: "bool", shape: "object", collection: "Jet" });
});

Deno.test("fields are exactly the branches the expression reads", () => {
  const fields = (source: string, collection?: string) =>
    compileExpression(source, fixtureSchema, { collection }).fields;
  assert.deepEqual(
    fields("count(Jet.pt > 30 && abs(Jet.eta) < 2.4) >= 2 && MET.pt > 20"),
    new Set(["Jet.pt", "Jet.eta", "MET.pt"]),
  );
  assert.deepEqual(
    fields("mass(Muon[0], Muon[1])"),
    new Set(["Muon.pt", "Muon.eta", "Muon.phi", "Muon.mass"]),
  );
  assert.deepEqual(
    fields("deltaR(Muon[0], Jet[0])"),
    new Set(["Muon.eta", "Muon.phi", "Jet.eta", "Jet.phi"]),
  );
  assert.deepEqual(fields("deltaPhi(Muon[0], Jet[0])"), new Set(["Muon.phi", "Jet.phi"]));
  // Jet has no mass branch: mass() of jets reads only pt, eta, phi
  assert.deepEqual(fields("mass(Jet[0], Jet[1])"), new Set(["Jet.pt", "Jet.eta", "Jet.phi"]));
  assert.deepEqual(
    fields("where(HLT.IsoMu24, genWeight, 0)"),
    new Set(["HLT.IsoMu24", "genWeight"]),
  );
  assert.deepEqual(fields("pt > 25 && abs(eta) < 2.4", "Muon"), new Set(["Muon.pt", "Muon.eta"]));
  // counting objects needs only the offsets
  const counting = compileExpression("count(Jet) >= 2", fixtureSchema);
  assert.deepEqual(counting.fields, new Set());
  assert.deepEqual(counting.collections, new Set(["Jet"]));
  assert.deepEqual(fields("2 * 3"), new Set());
});

Deno.test("results are fresh arrays of the documented types", () => {
  const number = run("MET.pt * 1");
  assert.ok(number instanceof Float64Array);
  const bool = run("MET.pt > 20");
  assert.ok(bool instanceof Uint8Array);
  // an Float64 column read as is must not be handed back (the caller may write into results)
  const weights = run("genWeight");
  assert.ok(weights instanceof Float64Array);
  assert.notEqual(weights, fixtureEnv.column("genWeight"));
  assert.deepEqual([...(weights as Float64Array)], [2, -1, 0.5]);
});

Deno.test("evaluating on an environment that does not match the schema is an ExprError", () => {
  const compiled = compileExpression("MET.pt > 3", fixtureSchema);
  const empty = {
    length: 3,
    has: () => false,
    column: () => new Float64Array(3),
    collectionOffsets: () => new Int32Array(4),
    names: () => [],
  };
  assert.throws(() => compiled.evaluate(empty), { code: "EXPR_ENVIRONMENT" });
});

Deno.test("mass uses the objects' masses", () => {
  const offsets = Int32Array.of(0, 2);
  const env = mapEnv(
    new Map<string, Column>([
      ["Lepton.pt", { offsets, content: Float64Array.of(3, 4) }],
      ["Lepton.eta", { offsets, content: Float64Array.of(0, 0) }],
      ["Lepton.phi", { offsets, content: Float64Array.of(0, Math.PI / 2) }],
      ["Lepton.mass", { offsets, content: Float64Array.of(1, 2) }],
    ]),
  );
  // p1 = (3, 0, 0), E1 = sqrt(9 + 1); p2 = (0, 4, 0), E2 = sqrt(16 + 4)
  // m^2 = (E1 + E2)^2 - |p1 + p2|^2 = 10 + 20 + 2 sqrt(200) - 25 = 5 + 2 sqrt(200)
  const mass = compileExpression("mass(Lepton[0], Lepton[1])", schemaOf(env)).evaluate(env);
  close([...(mass as Float64Array)], [Math.sqrt(5 + 2 * Math.sqrt(200))], "massive pair");
});

Deno.test("missingAsNaN: a boolean field of a missing object is NaN for values, false for cuts", () => {
  // event 0: two muons (tight, not tight); event 1: one tight muon
  const env = mapEnv(
    new Map<string, Column>([
      ["Muon.tightId", { offsets: Int32Array.of(0, 2, 3), content: Uint8Array.of(1, 0, 1) }],
    ]),
  );
  const schema = schemaOf(env, { bools: ["Muon.tightId"] });
  const asCut = compileExpression("Muon[1].tightId", schema).evaluate(env) as Uint8Array;
  assert.deepStrictEqual([...asCut], [0, 0]);
  const asValue = compileExpression("Muon[1].tightId", schema, { missingAsNaN: true })
    .evaluate(env) as Float64Array;
  assert.strictEqual(asValue[0], 0);
  assert.ok(Number.isNaN(asValue[1]));
});

import { deepStrictEqual, notStrictEqual, strictEqual, throws } from "node:assert/strict";
import type { Column, Jagged } from "../columns/types.ts";
import { InputError } from "../errors/mod.ts";
import { eventsFromBranches } from "./events.ts";
import { plain, toLists } from "../columns/_testing.ts";

// A NanoAOD-like chunk of 3 events: jets [2, 0, 1], muons [1, 2, 0].
function nanoBranches(): Map<string, Column> {
  const jetOffsets = Int32Array.of(0, 2, 2, 3);
  const muonOffsets = Int32Array.of(0, 1, 3, 3);
  return new Map<string, Column>([
    ["run", Uint32Array.of(1, 1, 1)],
    ["luminosityBlock", Uint32Array.of(10, 10, 11)],
    ["event", BigUint64Array.of(100n, 101n, 102n)],
    ["genWeight", Float32Array.of(1, -1, 1)],
    ["nJet", Int32Array.of(2, 0, 1)],
    ["Jet_pt", { offsets: jetOffsets, content: Float32Array.of(50, 30, 40) }],
    ["Jet_eta", { offsets: jetOffsets, content: Float32Array.of(0.5, -1.5, 2.0) }],
    ["Jet_muonIdx1", { offsets: jetOffsets, content: Int16Array.of(0, -1, -1) }],
    ["nMuon", Uint8Array.of(1, 2, 0)],
    ["Muon_pt", { offsets: muonOffsets, content: Float32Array.of(25, 40, 20) }],
    ["Muon_pfRelIso04_all", { offsets: muonOffsets, content: Float32Array.of(0.1, 0.3, 0.05) }],
    ["MET_pt", Float32Array.of(12, 80, 33)],
    ["MET_phi", Float32Array.of(0.1, -3, 2)],
    ["PV_npvs", Uint8Array.of(20, 31, 18)],
    ["HLT_IsoMu24", Uint8Array.of(1, 0, 1)],
    ["HLT_Mu17_TrkIsoVVL", Uint8Array.of(0, 0, 1)],
    ["Flag_goodVertices", Uint8Array.of(1, 1, 0)],
  ]);
}

Deno.test("eventsFromBranches: NanoAOD grouping and every path form", () => {
  const branches = nanoBranches();
  const events = eventsFromBranches(branches);
  strictEqual(events.length, 3);
  const jetPt = events.column("Jet.pt") as Jagged;
  strictEqual(jetPt.content, (branches.get("Jet_pt") as Jagged).content);
  strictEqual(events.column("Jet_pt"), jetPt); // raw name, same object
  strictEqual(events.collection("Jet").get("pt"), jetPt);
  strictEqual(events.column("MET.pt"), branches.get("MET_pt"));
  strictEqual(events.column("MET_pt"), branches.get("MET_pt"));
  strictEqual(events.column("PV.npvs"), branches.get("PV_npvs"));
  strictEqual(events.column("HLT.IsoMu24"), branches.get("HLT_IsoMu24"));
  // the rest of the name after the first "_" is the field, underscores included
  strictEqual(events.column("HLT.Mu17_TrkIsoVVL"), branches.get("HLT_Mu17_TrkIsoVVL"));
  strictEqual(
    (events.column("Muon.pfRelIso04_all") as Jagged).content,
    (branches.get("Muon_pfRelIso04_all") as Jagged).content,
  );
  strictEqual(events.column("Flag.goodVertices"), branches.get("Flag_goodVertices"));
  strictEqual(events.column("genWeight"), branches.get("genWeight"));
  strictEqual(events.column("nJet"), branches.get("nJet"));
  strictEqual(events.column("event"), branches.get("event"));
  deepStrictEqual(events.collection("Jet").fields(), ["pt", "eta", "muonIdx1"]);
  deepStrictEqual(events.collectionNames(), ["Jet", "Muon"]);
  deepStrictEqual(plain(events.record("MET").phi as Float32Array), [Math.fround(0.1), -3, 2]);
  for (const name of ["Jet", "MET", "Jet.pt", "Jet_pt", "nMuon", "HLT.IsoMu24", "run"]) {
    strictEqual(events.has(name), true, name);
  }
  for (const name of ["Jets", "Jet.ptt", "MET.eta", "nElectron"]) {
    strictEqual(events.has(name), false, name);
  }
  deepStrictEqual(events.names(), [
    "Flag.goodVertices",
    "HLT.IsoMu24",
    "HLT.Mu17_TrkIsoVVL",
    "Jet.eta",
    "Jet.muonIdx1",
    "Jet.pt",
    "MET.phi",
    "MET.pt",
    "Muon.pfRelIso04_all",
    "Muon.pt",
    "PV.npvs",
    "event",
    "genWeight",
    "luminosityBlock",
    "nJet",
    "nMuon",
    "run",
  ]);
});

function unknownField(fn: () => unknown, pattern: RegExp): void {
  throws(fn, (error: unknown) => {
    strictEqual(error instanceof InputError, true);
    strictEqual((error as InputError).code, "EVENTS_UNKNOWN_FIELD");
    strictEqual(pattern.test((error as Error).message), true, (error as Error).message);
    return true;
  });
}

Deno.test("unknown names: InputError EVENTS_UNKNOWN_FIELD with did-you-mean", () => {
  const events = eventsFromBranches(nanoBranches());
  unknownField(
    () => events.column("Jet.pT"),
    /^Cannot read column "Jet.pT": .*did you mean "Jet.pt"/,
  );
  unknownField(() => events.column("Jet_ptt"), /did you mean "Jet.pt"/);
  unknownField(() => events.column("genweight"), /did you mean "genWeight"/);
  unknownField(() => events.column("HLT.IsoMu42"), /did you mean "HLT.IsoMu24"/);
  unknownField(() => events.collection("Jets"), /collection "Jets".*did you mean "Jet"/);
  unknownField(() => events.record("MTE"), /did you mean "MET"/);
  unknownField(() => events.column("Jet"), /group of columns; name a field, e.g. "Jet.pt"/);
  unknownField(() => events.collection("Jet").get("etaa"), /did you mean "eta"/);
  unknownField(() => events.column("completelyDifferent"), /no such column"?$/);
});

Deno.test("withCollection: derived GoodMuon shares columns, original unchanged", () => {
  const events = eventsFromBranches(nanoBranches());
  const muons = events.collection("Muon");
  const isolated = events.column("Muon.pfRelIso04_all") as Jagged<Float32Array>;
  const mask = {
    offsets: isolated.offsets,
    content: Uint8Array.from(isolated.content, (v) => v < 0.15 ? 1 : 0),
  };
  const withGood = events.withCollection("GoodMuon", muons.filter(mask));
  // iso [0.1] [0.3, 0.05] [] -> keep [25] [20] []
  deepStrictEqual(toLists(withGood.column("GoodMuon.pt") as Jagged), [[25], [20], []]);
  strictEqual(withGood.collection("GoodMuon").name, "GoodMuon");
  strictEqual(withGood.column("MET.pt"), events.column("MET.pt"));
  strictEqual(withGood.column("Muon.pt"), events.column("Muon.pt"));
  strictEqual(events.has("GoodMuon"), false);
  strictEqual(withGood.names().includes("GoodMuon.pfRelIso04_all"), true);
  // replacing a collection (e.g. calibrated jets)
  const jets = events.collection("Jet");
  const scaled = jets.withField("pt", Float32Array.of(55, 33, 44));
  const replaced = events.withCollection("Jet", scaled);
  deepStrictEqual(toLists(replaced.column("Jet_pt") as Jagged), [[55, 33], [], [44]]);
  deepStrictEqual(toLists(events.column("Jet_pt") as Jagged), [[50, 30], [], [40]]);
  throws(
    () => events.withCollection("X", jets.selectEvents(Uint8Array.of(1, 0, 0))),
    /has 1 events but the events have 3/,
  );
  const weighted = events.withColumn("weight", Float64Array.of(0.5, 1, 2));
  deepStrictEqual(plain(weighted.column("weight") as Float64Array), [0.5, 1, 2]);
  throws(() => events.withColumn("weight", Float64Array.of(1)), RangeError);
});

Deno.test("selectEvents: flat, record and collection columns follow one event mask", () => {
  const events = eventsFromBranches(nanoBranches());
  const selected = events.selectEvents(Uint8Array.of(1, 0, 1));
  strictEqual(selected.length, 2);
  deepStrictEqual(plain(selected.column("MET.pt") as Float32Array), [12, 33]);
  deepStrictEqual(plain(selected.column("genWeight") as Float32Array), [1, 1]);
  deepStrictEqual(toLists(selected.column("Jet.pt") as Jagged), [[50, 30], [40]]);
  deepStrictEqual(toLists(selected.column("Muon.pt") as Jagged), [[25], []]);
  strictEqual(
    (selected.column("Jet.pt") as Jagged).offsets,
    (selected.column("Jet.eta") as Jagged).offsets,
  );
  throws(() => events.selectEvents(Uint8Array.of(1)), RangeError);
  // An empty skim (every event kept) changes nothing: the same Events.
  strictEqual(events.selectEvents(Uint8Array.of(1, 1, 1)), events);
});

Deno.test("eventsFromBranches: inconsistent inputs are refused with InputErrors", () => {
  const tooShort = nanoBranches();
  tooShort.set("genWeight", Float32Array.of(1, 1));
  throws(
    () => eventsFromBranches(tooShort),
    (e: unknown) => (e as InputError).code === "EVENTS_LENGTH_MISMATCH",
  );
  throws(
    () => eventsFromBranches(nanoBranches(), { length: 4 }),
    /has 3 events but the events have 4/,
  );
  const badCounter = nanoBranches();
  badCounter.set("nJet", Int32Array.of(2, 1, 0));
  throws(
    () => eventsFromBranches(badCounter),
    (e: unknown) =>
      (e as InputError).code === "EVENTS_INCONSISTENT_COLLECTION" &&
      /nJet is 1 in event 1 but the branches have 0/.test((e as Error).message),
  );
  const badField = nanoBranches();
  badField.set("Jet_phi", { offsets: Int32Array.of(0, 1, 2, 3), content: new Float32Array(3) });
  throws(
    () => eventsFromBranches(badField),
    (e: unknown) => (e as InputError).code === "EVENTS_INCONSISTENT_COLLECTION",
  );
});

Deno.test("eventsFromBranches: equal offsets that are not shared are unified", () => {
  const branches = new Map<string, Column>([
    ["Tau_pt", { offsets: Int32Array.of(0, 1, 3), content: Float32Array.of(1, 2, 3) }],
    // same counts, separate buffer starting at 2 (a slice)
    ["Tau_eta", { offsets: Int32Array.of(2, 3, 5), content: Float32Array.of(9, 9, 4, 5, 6) }],
  ]);
  const tau = eventsFromBranches(branches).collection("Tau");
  strictEqual(tau.get("pt").offsets, tau.get("eta").offsets);
  deepStrictEqual(toLists(tau.get("eta")), [[4], [5, 6]]);
});

Deno.test("eventsFromBranches: edge cases (no branches, flat branch beside a collection)", () => {
  strictEqual(eventsFromBranches(new Map()).length, 0);
  strictEqual(eventsFromBranches(new Map(), { length: 7 }).length, 7);
  const events = eventsFromBranches(
    new Map<string, Column>([
      ["Jet_pt", { offsets: Int32Array.of(0, 1), content: Float32Array.of(1) }],
      ["Jet_flatThing", Float32Array.of(4)], // not per object: kept under its raw name
      ["fixedGridRhoFastjetAll", Float32Array.of(20)],
    ]),
  );
  deepStrictEqual(plain(events.column("Jet_flatThing") as Float32Array), [4]);
  deepStrictEqual(events.collection("Jet").fields(), ["pt"]);
  notStrictEqual(events.column("fixedGridRhoFastjetAll"), undefined);
});

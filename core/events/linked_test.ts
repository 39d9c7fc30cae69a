import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import type { Column } from "../columns/types.ts";
import { eventsFromBranches } from "./events.ts";
import { linked } from "./linked.ts";
import { fromLists, seededRandom, toLists } from "../columns/_testing.ts";

Deno.test("linked: Jet_muonIdx1 -> Muon, -1 and out of range read NaN", () => {
  const jet = Int32Array.of(0, 3, 3, 5);
  const muon = Int32Array.of(0, 2, 3, 4);
  const events = eventsFromBranches(
    new Map<string, Column>([
      // event0: jets point at muon 1, none, muon 0; event1: no jets; event2: muon 0, muon 5 (bad)
      ["Jet_muonIdx1", { offsets: jet, content: Int16Array.of(1, -1, 0, 0, 5) }],
      ["Jet_pt", { offsets: jet, content: Float32Array.of(60, 50, 40, 30, 20) }],
      ["Muon_pt", { offsets: muon, content: Float32Array.of(41, 42, 43, 44) }],
      ["Muon_charge", { offsets: muon, content: Int32Array.of(1, -1, 1, -1) }],
    ]),
  );
  const jetMuon = linked(events, { from: "Jet", indexField: "muonIdx1", to: "Muon" });
  strictEqual(jetMuon.name, "Jet_muonIdx1");
  strictEqual(jetMuon.offsets, events.collection("Jet").offsets);
  deepStrictEqual(jetMuon.fields(), ["pt", "charge"]);
  deepStrictEqual(toLists(jetMuon.get("pt")), [[42, NaN, 41], [], [44, NaN]]);
  deepStrictEqual(toLists(jetMuon.get("charge")), [[-1, NaN, 1], [], [-1, NaN]]);
  // usable as a derived collection
  const withLink = events.withCollection("JetMuon", jetMuon);
  deepStrictEqual(toLists(withLink.column("JetMuon.pt") as never), [[42, NaN, 41], [], [44, NaN]]);
  throws(() => linked(events, { from: "Jet", indexField: "muonIdx9", to: "Muon" }), /muonIdx1/);
});

Deno.test("linked: GenPart mother link within the same collection", () => {
  // event0: Z(23, no mother), mu-(13, mother 0), mu+(-13, mother 0);
  // event1: W(24), mu(13, mother 0), nu(-14, mother 0), mu(13, mother 1: the muon itself radiated)
  const offsets = Int32Array.of(0, 3, 7);
  const events = eventsFromBranches(
    new Map<string, Column>([
      ["GenPart_pdgId", { offsets, content: Int32Array.of(23, 13, -13, 24, 13, -14, 13) }],
      [
        "GenPart_genPartIdxMother",
        { offsets, content: Int16Array.of(-1, 0, 0, -1, 0, 0, 1) },
      ],
    ]),
  );
  const mother = linked(events, {
    from: "GenPart",
    indexField: "genPartIdxMother",
    to: "GenPart",
    name: "GenPartMother",
  });
  strictEqual(mother.name, "GenPartMother");
  deepStrictEqual(toLists(mother.get("pdgId")), [[NaN, 23, 23], [NaN, 24, 24, 13]]);
  // the grandmother: follow the link twice
  const grandmother = linked(events, {
    from: mother,
    indexField: "genPartIdxMother",
    to: "GenPart",
  });
  deepStrictEqual(toLists(grandmother.get("pdgId")), [[NaN, NaN, NaN], [NaN, NaN, NaN, 24]]);
});

Deno.test("linked agrees with naive per-event lookups on random data", () => {
  const random = seededRandom(808);
  for (let trial = 0; trial < 15; trial++) {
    const events = 30;
    const muonLists = Array.from(
      { length: events },
      () => Array.from({ length: Math.floor(random() * 4) }, () => random() * 100),
    );
    const indexLists = muonLists.map((m) =>
      Array.from(
        { length: Math.floor(random() * 5) },
        () => Math.floor(random() * (m.length + 2)) - 1,
      )
    );
    const muonPt = fromLists(muonLists, { lead: trial % 2 });
    const idx = fromLists(indexLists, { lead: trial % 3 });
    const ev = eventsFromBranches(
      new Map<string, Column>([
        ["Muon_pt", muonPt],
        ["Jet_muonIdx1", { offsets: idx.offsets, content: Int32Array.from(idx.content) }],
      ]),
    );
    const got = linked(ev, { from: "Jet", indexField: "muonIdx1", to: "Muon" });
    deepStrictEqual(
      toLists(got.get("pt")),
      indexLists.map((ix, i) =>
        ix.map((k) => k >= 0 && k < muonLists[i].length ? muonLists[i][k] : NaN)
      ),
    );
  }
});

import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { type Column, isJagged, type Jagged } from "@ristretto/core/columns";
import { emptyStats, openRootUrl } from "./mod.ts";

const NANO = "nanoaod/NanoAODv5_sample.root";
const BIG = "bench/big_zlib1.root";
const HZZ = "nanoaod/uproot-HZZ-zlib.root";

/** Event i..j of a column as plain arrays, for comparisons independent of offsets' origin. */
function events(column: Column, from = 0, to?: number): unknown[] {
  if (!isJagged(column)) return Array.from(column.slice(from, to) as ArrayLike<unknown>);
  const n = column.offsets.length - 1;
  const out: unknown[] = [];
  for (let i = from; i < (to ?? n); i++) {
    out.push(
      Array.from(
        column.content.slice(column.offsets[i], column.offsets[i + 1]) as ArrayLike<unknown>,
      ),
    );
  }
  return out;
}

async function checkRanges(
  relative: string,
  tree: string,
  branches: string[],
  ranges: [number, number][],
) {
  const file = await openRootUrl(sharedDataPath(relative));
  try {
    const full = await file.read(tree, branches);
    for (const [start, stop] of ranges) {
      const part = await file.read(tree, branches, { start, stop });
      for (const name of branches) {
        assert.deepEqual(
          events(part.get(name)!),
          events(full.get(name)!, start, stop),
          `${name} [${start}, ${stop})`,
        );
      }
    }
  } finally {
    await file.close();
  }
}

Deno.test({
  name: "range: [7, 23) and edges equal the slice of a full read (NanoAOD)",
  ignore: !hasSharedData(NANO),
  fn: () =>
    checkRanges(NANO, "Events", ["nJet", "Jet_pt", "Jet_jetId", "run", "event", "HLT_IsoMu24"], [
      [7, 23],
      [0, 0],
      [0, 1],
      [999, 1000],
      [500, 500],
      [0, 1000],
      [123, 877],
    ]),
});

Deno.test({
  name: "range: reads across basket boundaries equal the slice (bench file, 25000-entry baskets)",
  ignore: !hasSharedData(BIG),
  fn: () =>
    checkRanges(BIG, "Events", ["nMuon", "Muon_pt", "Muon_charge", "MET_pt", "event"], [
      [24990, 25010],
      [49999, 75001],
      [224990, 225000],
    ]),
});

Deno.test({
  name: "range: HZZ jagged branches in every codec agree with zlib",
  ignore: !hasSharedData(HZZ),
  async fn() {
    const names = ["NJet", "Jet_Px", "Muon_Px", "NMuon", "MET_px", "Muon_Charge"];
    const zlib = await openRootUrl(sharedDataPath(HZZ));
    const expected = await zlib.read("events", names, { start: 100, stop: 1300 });
    await zlib.close();
    for (const codec of ["lzma", "lz4", "zstd"]) {
      const file = await openRootUrl(sharedDataPath(`nanoaod/uproot-HZZ-${codec}.root`));
      const got = await file.read("events", names, { start: 100, stop: 1300 });
      for (const name of names) {
        assert.deepEqual(events(got.get(name)!), events(expected.get(name)!), `${codec} ${name}`);
      }
      await file.close();
    }
  },
});

Deno.test({
  name: "range: jagged branches of one counter share one offsets array",
  ignore: !hasSharedData(NANO),
  async fn() {
    const file = await openRootUrl(sharedDataPath(NANO));
    const cols = await file.read("Events", ["Jet_pt", "Jet_eta", "Muon_pt"], {
      start: 10,
      stop: 20,
    });
    const pt = cols.get("Jet_pt") as Jagged;
    const eta = cols.get("Jet_eta") as Jagged;
    const mu = cols.get("Muon_pt") as Jagged;
    assert.equal(pt.offsets, eta.offsets);
    assert.notEqual(pt.offsets, mu.offsets);
    assert.equal(pt.offsets.length, 11);
    assert.equal(pt.offsets[0], 0);
    assert.equal(pt.content.length, pt.offsets[10]);
    await file.close();
  },
});

Deno.test({
  name: "range: nJet equals the counts of Jet_pt and types follow the leaves",
  ignore: !hasSharedData(NANO),
  async fn() {
    const file = await openRootUrl(sharedDataPath(NANO));
    const cols = await file.read("Events", [
      "nJet",
      "Jet_pt",
      "event",
      "HLT_IsoMu24",
      "Jet_jetId",
      "run",
    ]);
    const n = cols.get("nJet") as Uint32Array;
    const pt = cols.get("Jet_pt") as Jagged;
    for (let i = 0; i < n.length; i++) assert.equal(pt.offsets[i + 1] - pt.offsets[i], n[i]);
    assert.ok(n instanceof Uint32Array);
    assert.ok(pt.content instanceof Float32Array);
    assert.ok(cols.get("event") instanceof BigUint64Array);
    assert.ok(cols.get("HLT_IsoMu24") instanceof Uint8Array);
    assert.ok((cols.get("Jet_jetId") as Jagged).content instanceof Int32Array);
    const info = new Map(file.branches("Events").map((b) => [b.name, b]));
    assert.equal(info.get("Jet_pt")?.counter, "nJet");
    assert.equal(info.get("Jet_pt")?.type, "float32");
    assert.equal(info.get("HLT_IsoMu24")?.type, "bool");
    assert.equal(info.get("nJet")?.counter, undefined);
    await file.close();
  },
});

Deno.test({
  name: "range: only the overlapping baskets are read",
  ignore: !hasSharedData(BIG),
  async fn() {
    const file = await openRootUrl(sharedDataPath(BIG));
    const tree = file.tree("Events");
    const stats = emptyStats();
    await tree.read(["MET_pt"], { start: 30000, stop: 40000 }, { stats });
    assert.equal(stats.baskets, 1);
    const stats2 = emptyStats();
    await tree.read(["Jet_pt"], { start: 24999, stop: 25001 }, { stats: stats2 });
    assert.equal(stats2.baskets, 4); // two of Jet_pt, two of its counter nJet
    assert.equal(tree.baskets("MET_pt").length, 9);
    await file.close();
  },
});

Deno.test({
  name: "range: reading the same branch twice in one call returns it once",
  ignore: !hasSharedData(HZZ),
  async fn() {
    const file = await openRootUrl(sharedDataPath(HZZ));
    const cols = await file.read("events", ["Jet_Px", "Jet_Px", "NJet"]);
    assert.equal(cols.size, 2);
    await file.close();
  },
});

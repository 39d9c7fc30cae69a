/**
 * The writer's files read by an independent reader: jsroot (npm), which parses the streamer
 * records we write and interprets TTree/TBranch/TLeaf and TH1D/TH2D through them.
 * @module
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { openFile } from "jsroot";
import { treeProcess, TSelector } from "jsroot/tree";
import { Hist, regular, strCategory, variable } from "@ristretto/core/hist";
import type { Codec } from "./_decompress.ts";
import { createRootFile, treeOptionsFrom } from "./writer.ts";
import { openRootUrl } from "./reader.ts";
import { type Column, isJagged, type NumericArray } from "@ristretto/core/columns";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { combineShapes, writeHistogramFile } from "./hist_writer.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function withDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_jsroot_" });
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (
  const [codec, largeFrom] of [["ZLIB"], ["ZSTD"], ["LZ4"], ["LZMA"], ["ZSTD", 1000]] as [
    Codec,
    number?,
  ][]
) {
  const layout = largeFrom ? ", 64-bit seek pointers" : "";
  Deno.test(`jsroot reads a written TTree (${codec}${layout}): keys, branches, entries`, async () => {
    await withDir(async (dir) => {
      const path = `${dir}/tree.root`;
      const n = 40;
      const offsets = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + (i % 4);
      const m = offsets[n];
      const pt = Float32Array.from({ length: m }, (_, i) => 10 + i * 0.5);
      const file = await createRootFile(path, { codec, level: 3, largeFrom });
      const tree = file.tree("Events", { clusterEntries: 16, types: { flag: "bool" } });
      const cols = {
        run: Uint32Array.from({ length: n }, (_, i) => 1000 + i),
        event: BigUint64Array.from({ length: n }, (_, i) => BigInt(i) * 3n),
        flag: Uint8Array.from({ length: n }, (_, i) => i % 3 === 0 ? 1 : 0),
        s: Int16Array.from({ length: n }, (_, i) => -i),
        c: Int8Array.from({ length: n }, (_, i) => i - 20),
        MET_pt: Float64Array.from({ length: n }, (_, i) => i * 1.25),
        Jet_pt: { offsets, content: pt },
      };
      await tree.fill(cols);
      await file.close();
      const f: Any = await openFile(path);
      deepStrictEqual(
        f.fKeys.map((k: Any) => `${k.fName}:${k.fClassName}`).filter((k: string) =>
          !k.startsWith("StreamerInfo")
        ),
        ["Events:TTree"],
      );
      const t: Any = await f.readObject("Events");
      equal(t.fEntries, n);
      deepStrictEqual(t.fBranches.arr.map((b: Any) => b.fName), [
        "run",
        "event",
        "flag",
        "s",
        "c",
        "MET_pt",
        "nJet",
        "Jet_pt",
      ]);
      const sel: Any = new TSelector();
      for (const b of ["run", "event", "flag", "s", "c", "MET_pt", "nJet", "Jet_pt"]) {
        sel.addBranch(b);
      }
      const rows: Any[] = [];
      sel.Process = function () {
        const o = this.tgtobj;
        rows.push({
          run: o.run,
          event: Number(o.event),
          flag: o.flag,
          s: o.s,
          c: o.c,
          MET_pt: o.MET_pt,
          nJet: o.nJet,
          Jet_pt: Array.from(o.Jet_pt as ArrayLike<number>),
        });
      };
      await treeProcess(t, sel);
      equal(rows.length, n);
      for (let i = 0; i < n; i++) {
        deepStrictEqual(rows[i], {
          run: 1000 + i,
          event: i * 3,
          flag: i % 3 === 0,
          s: 0 - i,
          c: i - 20,
          MET_pt: i * 1.25,
          nJet: i % 4,
          Jet_pt: Array.from(pt.subarray(offsets[i], offsets[i + 1])),
        });
      }
    });
  });
}

Deno.test("jsroot reads TH1D/TH2D contents, errors, binning and directories", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/hists.root`;
    const h1 = new Hist([variable("x", [0, 1, 2, 4, 8])], { storage: "weighted" });
    h1.fill({ x: [-1, 0.5, 0.5, 3, 100] }, { weight: [1, 2, 3, 4, 5] });
    const h2 = new Hist([
      regular("x", { bins: 2, start: 0, stop: 2 }),
      regular("y", { bins: 3, start: 0, stop: 30 }),
    ], { storage: "weighted" });
    h2.fill({ x: [0.5, 1.5, 1.5], y: [5, 25, 35] }, { weight: [2, 3, 4] });
    await writeHistogramFile(path, [
      { path: "Zmumu/DY", hist: h1 },
      { path: "Zmumu/sub/two", hist: h2 },
      {
        path: "raw",
        hist: { edges: [[0, 1, 2]], values: [0, 1, 2, 3], variances: [0, 1, 4, 9], entries: 7 },
      },
    ]);
    const f: Any = await openFile(path);
    const names = f.fKeys.map((k: Any) => `${k.fName}:${k.fClassName}`);
    ok(names.includes("Zmumu:TDirectory") && names.includes("raw:TH1D"), names.join());
    const d: Any = await f.readDirectory("Zmumu");
    deepStrictEqual(d.fKeys.map((k: Any) => `${k.fName}:${k.fClassName}`), [
      "DY:TH1D",
      "sub:TDirectory",
    ]);
    const dy: Any = await f.readObject("Zmumu/DY");
    equal(dy._typename, "TH1D");
    deepStrictEqual(Array.from(dy.fArray), [1, 5, 0, 4, 0, 5]);
    deepStrictEqual(Array.from(dy.fSumw2), [1, 13, 0, 16, 0, 25]);
    deepStrictEqual(Array.from(dy.fXaxis.fXbins), [0, 1, 2, 4, 8]);
    equal(dy.fXaxis.fNbins, 4);
    equal(dy.fTsumw, 9);
    equal(dy.fTsumw2, 29);
    const two: Any = await f.readObject("Zmumu/sub/two");
    equal(two._typename, "TH2D");
    equal(two.fXaxis.fNbins, 2);
    equal(two.fYaxis.fNbins, 3);
    equal(two.fYaxis.fXmax, 30);
    equal(two.fXaxis.fXbins.length, 0); // fixed binning
    // ROOT's bin (ix, iy) is at ix + (nx + 2) * iy: x = 0.5, y = 5 -> (1, 1); x = 1.5, y = 25 ->
    // (2, 3); y = 35 -> y overflow (2, 4).
    const content = Array.from(two.fArray as ArrayLike<number>);
    equal(content[1 + 4 * 1], 2);
    equal(content[2 + 4 * 3], 3);
    equal(content[2 + 4 * 4], 4);
    equal(content.reduce((a, b) => a + b, 0), 9);
    equal(Array.from(two.fSumw2 as ArrayLike<number>)[2 + 4 * 4], 16);
    const raw: Any = await f.readObject("raw");
    equal(raw.fEntries, 7);
    deepStrictEqual(Array.from(raw.fSumw2), [0, 1, 4, 9]);
  });
});

Deno.test("combineShapes: Combine's names per category, summed samples, data_obs", async () => {
  await withDir(async (dir) => {
    const make = (w: number) => {
      const h = new Hist([
        strCategory("cat", ["A", "B"]),
        strCategory("variation", ["nominal", "puUp", "puDown"]),
        regular("m", { bins: 2, start: 0, stop: 2 }),
      ], { storage: "weighted" });
      for (const cat of ["A", "B"]) {
        for (const [variation, f] of [["nominal", 1], ["puUp", 1.1], ["puDown", 0.9]] as const) {
          h.fill({ cat, variation, m: [0.5] }, { weight: w * f });
        }
      }
      return h;
    };
    const data = new Hist([
      strCategory("cat", ["A", "B"]),
      strCategory("variation", ["nominal"]),
      regular("m", { bins: 2, start: 0, stop: 2 }),
    ], { storage: "weighted" });
    data.fill({ cat: "A", variation: "nominal", m: [0.5, 1.5] });
    const entries = await combineShapes({
      "DY/DY_2018": make(2),
      "TT/TT_a": make(1),
      "TT2/TT_b": make(3),
      "DATA/DATA_A": data,
    }, { processes: { DY: ["DY"], ttbar: ["TT", "TT2"] }, data: ["DATA"] });
    deepStrictEqual(entries.map((e) => e.path), [
      "A/DY",
      "A/DY_puUp",
      "A/DY_puDown",
      "A/ttbar",
      "A/ttbar_puUp",
      "A/ttbar_puDown",
      "A/data_obs",
      "B/DY",
      "B/DY_puUp",
      "B/DY_puDown",
      "B/ttbar",
      "B/ttbar_puUp",
      "B/ttbar_puDown",
      "B/data_obs",
    ]);
    const path = `${dir}/shapes.root`;
    await writeHistogramFile(path, entries);
    const f: Any = await openFile(path);
    const tt: Any = await f.readObject("A/ttbar_puUp");
    ok(Math.abs(tt.fArray[1] - 4.4) < 1e-12);
    const obs: Any = await f.readObject("A/data_obs");
    deepStrictEqual(Array.from(obs.fArray), [0, 1, 1, 0]);
  });
});

Deno.test({
  name: "jsroot reads a NanoAOD copy: every branch, counters, cluster ranges, an event loop",
  ignore: !hasSharedData(),
  fn: async () => {
    await withDir(async (dir) => {
      const input = await openRootUrl(sharedDataPath("nanoaod/nano_dy.root"));
      const path = `${dir}/copy.root`;
      const stop = input.entries("Events");
      const branches = input.branches("Events");
      const names = branches.map((b) => b.name);
      let original;
      try {
        original = await input.read("Events", names, { start: 0, stop });
      } finally {
        await input.close();
      }
      const file = await createRootFile(path, { codec: "ZLIB", level: 4 });
      const tree = file.tree("Events", { ...treeOptionsFrom(branches), clusterEntries: 16 });
      // Clusters of 10, 16 and 14 entries: one cluster range (10), then fAutoFlush 16.
      const part = (a: number, z: number) =>
        new Map([...original].map(([k, v]) => [k, sliceColumn(v, a, z)]));
      await tree.fill(part(0, 10));
      await tree.flush();
      await tree.fill(part(10, stop));
      await file.close();
      const f: Any = await openFile(path);
      const t: Any = await f.readObject("Events");
      equal(t.fEntries, stop);
      deepStrictEqual(t.fBranches.arr.map((b: Any) => b.fName).sort(), [...names].sort());
      equal(stop, 40);
      equal(t.fNClusterRange, 1);
      deepStrictEqual(Array.from(t.fClusterRangeEnd), [9]);
      deepStrictEqual(Array.from(t.fClusterSize), [10]);
      equal(t.fAutoFlush, 16);
      const counters = new Map<string, string>();
      for (const b of t.fBranches.arr) {
        const count = b.fLeaves.arr[0].fLeafCount;
        if (count) counters.set(b.fName, count.fName);
      }
      for (const b of branches) equal(counters.get(b.name), b.counter, b.name);
      const sel: Any = new TSelector();
      for (const b of ["nMuon", "Muon_pt", "HLT_IsoMu24", "event"]) sel.addBranch(b);
      const seen: Any[] = [];
      sel.Process = function () {
        const o = this.tgtobj;
        seen.push([
          o.nMuon,
          Array.from(o.Muon_pt as ArrayLike<number>),
          o.HLT_IsoMu24,
          Number(o.event),
        ]);
      };
      await treeProcess(t, sel);
      equal(seen.length, stop);
      const pt = original.get("Muon_pt") as { offsets: Int32Array; content: Float32Array };
      const hlt = original.get("HLT_IsoMu24") as Uint8Array;
      const event = original.get("event") as ArrayLike<bigint | number>;
      for (let i = 0; i < stop; i++) {
        const muons = Array.from(pt.content.subarray(pt.offsets[i], pt.offsets[i + 1]));
        deepStrictEqual(seen[i], [muons.length, muons, hlt[i] === 1, Number(event[i])]);
      }
    });
  },
});

function sliceColumn(col: Column, a: number, z: number): Column {
  if (!isJagged(col)) return (col as NumericArray).subarray(a, z) as NumericArray;
  const offsets = new Int32Array(z - a + 1);
  for (let i = a; i <= z; i++) offsets[i - a] = col.offsets[i] - col.offsets[a];
  return { offsets, content: col.content.subarray(col.offsets[a], col.offsets[z]) as NumericArray };
}

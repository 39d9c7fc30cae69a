/**
 * The pipeline on real NanoAOD (../shared/data/nanoaod): a small config of its own - dimuon mass,
 * jet counts and jet pt - on nano_dimuon.root (data, no genWeight) and NanoAODv5_sample.root
 * (simulation), checked against plain loops over the same raw branches.
 * @module
 */
import { ok, strictEqual } from "node:assert/strict";
import { configFromText } from "@ristretto/core/config";
import type { Jagged, NumberArray } from "@ristretto/core/columns";
import { openDataFile, runAnalysis } from "@ristretto/core/processor";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { inProcessExecutor } from "@ristretto/executor-local";
import { builtinRegistry } from "../cli/builtins.ts";

const DIMUON = "nanoaod/nano_dimuon.root";
const V5 = "nanoaod/NanoAODv5_sample.root";
const present = hasSharedData(DIMUON) && hasSharedData(V5);

const config = () => `
name: real_nanoaod
datasets:
  inline:
    DoubleMuon_2018:
      metadata: {sample: DoubleMuon, year: "2018", isMC: false, primaryDataset: DoubleMuon}
      files: [${sharedDataPath(DIMUON)}]
    Sample_2018:
      metadata: {sample: Sample, year: "2018", isMC: true, xsec: 2.5}
      files: [${sharedDataPath(V5)}]
parameters:
  - {lumi: {picobarn: {"2018": 1000}}}
objects:
  GoodMuon: {from: Muon, where: "pt > 5 && abs(eta) < 2.4"}
  GoodJet: {from: Jet, where: "pt > 25 && abs(eta) < 2.5 && jetId >= 2"}
categories:
  all: "true"
  dimuon: count(GoodMuon) >= 2
weights:
  common: {inclusive: [genWeight, lumi, XS]}
histograms:
  mmumu:
    axes: [{expr: "mass(GoodMuon[0], GoodMuon[1])", bins: 30, start: 0, stop: 150}]
  njet:
    axes: [{expr: count(GoodJet), start: 0, stop: 8, integer: true}]
  jetpt:
    axes: [{expr: GoodJet.pt, bins: 20, start: 0, stop: 200}]
`;

type Raw = Map<string, NumberArray | Jagged>;

/** Plain-loop reference: per-event lists, explicit four-vector sums, bins by hand. */
function reference(raw: Raw, isMC: boolean, scale: number) {
  const get = (name: string) => raw.get(name) as Jagged;
  const mpt = get("Muon_pt"), meta = get("Muon_eta"), mphi = get("Muon_phi"), mm = get("Muon_mass");
  const jpt = get("Jet_pt"), jeta = get("Jet_eta"), jid = get("Jet_jetId");
  const genWeight = raw.get("genWeight") as NumberArray | undefined;
  const events = mpt.offsets.length - 1;
  const hists = {
    mmumu: { all: new Float64Array(32), dimuon: new Float64Array(32) },
    njet: { all: new Float64Array(10), dimuon: new Float64Array(10) },
    jetpt: { all: new Float64Array(22), dimuon: new Float64Array(22) },
  };
  const regularBin = (x: number, bins: number, start: number, stop: number) =>
    x < start ? 0 : x >= stop ? bins + 1 : 1 + Math.floor(((x - start) * bins) / (stop - start));
  let dimuonEvents = 0;
  for (let e = 0; e < events; e++) {
    const w = (isMC ? Number(genWeight![e]) : 1) * scale;
    const muons: number[] = [];
    for (let j = mpt.offsets[e]; j < mpt.offsets[e + 1]; j++) {
      if (Number(mpt.content[j]) > 5 && Math.abs(Number(meta.content[j])) < 2.4) muons.push(j);
    }
    const jets: number[] = [];
    for (let j = jpt.offsets[e]; j < jpt.offsets[e + 1]; j++) {
      if (
        Number(jpt.content[j]) > 25 && Math.abs(Number(jeta.content[j])) < 2.5 &&
        Number(jid.content[j]) >= 2
      ) jets.push(j);
    }
    const categories = muons.length >= 2 ? ["all", "dimuon"] as const : ["all"] as const;
    if (muons.length >= 2) dimuonEvents++;
    for (const category of categories) {
      if (muons.length >= 2) {
        let E = 0, px = 0, py = 0, pz = 0;
        for (const j of muons.slice(0, 2)) {
          const pt = Number(mpt.content[j]), eta = Number(meta.content[j]);
          const phi = Number(mphi.content[j]), m = Number(mm.content[j]);
          const x = pt * Math.cos(phi), y = pt * Math.sin(phi), z = pt * Math.sinh(eta);
          px += x, py += y, pz += z;
          E += Math.sqrt(x * x + y * y + z * z + m * m);
        }
        const mass = Math.sqrt(Math.max(0, E * E - px * px - py * py - pz * pz));
        hists.mmumu[category][regularBin(mass, 30, 0, 150)] += w;
      }
      hists.njet[category][Math.min(jets.length, 8) + 1] += w;
      for (const j of jets) {
        hists.jetpt[category][regularBin(Number(jpt.content[j]), 20, 0, 200)] += w;
      }
    }
  }
  return { hists, dimuonEvents };
}

Deno.test({
  name: "real NanoAOD: histograms and cutflow match plain loops over the same branches",
  ignore: !present,
}, async () => {
  const registry = builtinRegistry();
  const executor = inProcessExecutor();
  const loaded = configFromText("real.yaml", config());
  const result = await runAnalysis(loaded, { registry, executor, chunkSize: 300 });
  strictEqual(result.items.length, 1 + 4); // 40 events in one chunk; 1000 in four of 250

  const branches = [
    "Muon_pt",
    "Muon_eta",
    "Muon_phi",
    "Muon_mass",
    "Jet_pt",
    "Jet_eta",
    "Jet_jetId",
  ];
  for (
    const [dataset, file, isMC] of [["DoubleMuon_2018", DIMUON, false], [
      "Sample_2018",
      V5,
      true,
    ]] as const
  ) {
    const opened = await openDataFile(registry, sharedDataPath(file));
    const raw = await opened.read("Events", isMC ? [...branches, "genWeight"] : branches) as Raw;
    await opened.close();
    const output = result.outputs.get(dataset)!;
    let sumGenWeight = 0;
    const genWeight = raw.get("genWeight") as NumberArray | undefined;
    const events = (raw.get("Muon_pt") as Jagged).offsets.length - 1;
    for (let e = 0; e < events; e++) sumGenWeight += isMC ? Number(genWeight![e]) : 1;
    ok(Math.abs(output.sumGenWeight - sumGenWeight) <= 1e-9 * Math.abs(sumGenWeight));
    const scale = isMC ? 2.5 * 1000 / sumGenWeight : 1;
    strictEqual(result.scales.get(dataset), isMC ? scale : 1);
    const expected = reference(raw, isMC, scale);
    const sample = output.samples[isMC ? "Sample" : "DoubleMuon"];
    strictEqual(sample.cutflow.nominal.dimuon.events, expected.dimuonEvents);
    for (const name of ["mmumu", "njet", "jetpt"] as const) {
      for (const category of ["all", "dimuon"] as const) {
        const got = sample.histograms[name].select({ cat: category, variation: "nominal" })
          .values({ flow: true });
        const want = expected.hists[name][category];
        strictEqual(got.length, want.length, `${dataset} ${name} ${category} bins`);
        for (let bin = 0; bin < want.length; bin++) {
          const scaled = got[bin] * (result.scales.get(dataset) ?? 1);
          ok(
            Math.abs(scaled - want[bin]) <= 1e-9 * Math.max(1, Math.abs(want[bin])),
            `${dataset} ${name} ${category} bin ${bin}: ${scaled} vs ${want[bin]}`,
          );
        }
      }
    }
    ok(expected.dimuonEvents > 0, `${dataset} has dimuon events to compare`);
  }
});

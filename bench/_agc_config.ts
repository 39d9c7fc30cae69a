/**
 * The AGC-like analysis shared by the benchmarks (agc_bench.ts, executors_bench.ts): everything
 * but the datasets, which each benchmark lays out for itself.
 * @module
 */
import { fileURLToPath } from "node:url";

/** The analysis YAML with `datasetsYaml` (indented entries under `datasets: inline:`). */
export function agcConfig(datasetsYaml: string): string {
  return `
name: agc_like
module: ${fileURLToPath(new URL("./_agc_module.ts", import.meta.url))}
datasets:
  inline:
${datasetsYaml}
calibrators: [jet-energy-scale-flat]
objects:
  GoodMuon: {from: Muon, where: "pt > 30 && abs(eta) < 2.1 && tightId"}
  GoodElectron: {from: Electron, where: "pt > 30 && abs(eta) < 2.1"}
  GoodJet: {from: Jet, where: "pt > 25 && abs(eta) < 2.4 && jetId >= 2"}
  BJet: {from: GoodJet, where: "btagDeepFlavB > 0.5"}
preselection:
  - count(GoodMuon) + count(GoodElectron) == 1 && count(GoodJet) >= 4
categories:
  4j1b: count(BJet) == 1
  4j2b: count(BJet) >= 2
weightDefinitions:
  btag0: {expr: "1 + 0 * count(BJet)", up: "1 + 0.05 * count(BJet)", down: "1 - 0.05 * count(BJet)"}
  btag1: {expr: "1 + 0 * nJet", up: "1.02 + 0 * nJet", down: "0.98 + 0 * nJet"}
  leptonSF: {expr: "0.97 + 0 * nJet", up: "0.99 + 0 * nJet", down: "0.95 + 0 * nJet"}
  pileupToy: {expr: "1 + 0.01 * (PV.npvs - 30) / 30", up: "1 + 0.02 * (PV.npvs - 30) / 30", down: "1 + 0 * PV.npvs"}
weights:
  common: {inclusive: [genWeight, lumi, XS, btag0, btag1, leptonSF, pileupToy]}
variations:
  weights:
    common: {inclusive: [btag0, btag1, leptonSF, pileupToy]}
  shape:
    common: {inclusive: [JES_flat]}
histograms:
  ht:
    axes: [{expr: sum(GoodJet.pt), bins: 25, start: 50, stop: 550}]
  trijet_mass:
    axes: [{expr: trijetMass, bins: 25, start: 50, stop: 550}]
`;
}

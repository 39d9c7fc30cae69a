/**
 * The CMS corrections on real NanoAOD (../shared/data/nanoaod/nano_dy.root, simulation with
 * generator-level jets): JER smearing (nominal and JER variation), JES sources, pileup and muon
 * scale factors through runAnalysis; reproducible run to run.
 * @module
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { configFromText } from "@ristretto/core/config";
import { runAnalysis } from "@ristretto/core/processor";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { inProcessExecutor } from "@ristretto/executor-local";
import { parse as parseYaml } from "yaml";
import { builtinRegistry } from "../cli/builtins.ts";

const DY = "nanoaod/nano_dy.root";
const present = hasSharedData(DY) && hasSharedData("corrections/JME_2018_UL_jet_jerc.json.gz") &&
  hasSharedData("corrections/MUO_2018_UL_muon_Z.json.gz") &&
  hasSharedData("corrections/LUM_2018_UL_puWeights.json.gz");
const DEFAULTS = fileURLToPath(new URL("../configs/params/defaults.yaml", import.meta.url));

const config = () => `
name: real_nanoaod_corrections
datasets:
  inline:
    DY_2018:
      metadata: {sample: DY, year: "2018", isMC: true, xsec: 1}
      files: [${sharedDataPath(DY)}]
calibrators: [jet-energy-resolution, jet-energy-scale]
objects:
  GoodMuon: {from: Muon, where: "pt > 10 && abs(eta) < 2.4"}
  GoodJet: {from: Jet, where: "pt > 20 && abs(eta) < 2.5"}
categories:
  all: "true"
weights:
  common: {inclusive: [genWeight, pileup, sf_mu_id]}
variations:
  weights: {common: {inclusive: [pileup, sf_mu_id]}}
  shape: {common: {inclusive: [JER, JES_Total]}}
histograms:
  jetpt:
    axes: [{expr: GoodJet.pt, bins: 40, start: 0, stop: 200}]
  met:
    axes: [{expr: MET.pt, bins: 40, start: 0, stop: 200}]
`;

async function run() {
  const defaults = parseYaml(await Deno.readTextFile(DEFAULTS)) as Record<string, unknown>;
  const loaded = configFromText("real_corrections.yaml", config(), {
    parameters: { ...defaults, correctionsDir: sharedDataPath("corrections") },
  });
  const registry = builtinRegistry();
  const executor = inProcessExecutor();
  registry.add(executor);
  const result = await runAnalysis(loaded, { registry, executor });
  deepStrictEqual(result.failed, []);
  return result.outputs.get("DY_2018")!.samples.DY.histograms;
}

Deno.test({
  name: "real NanoAOD: JER, JES, pileup and muon SFs run and are reproducible",
  ignore: !present,
  async fn() {
    const first = await run();
    const second = await run();
    const values = (
      name: string,
      variation: string,
      histograms = first,
    ) => [...histograms[name].select({ cat: "all", variation }).values()];
    for (
      const variation of [
        "nominal",
        "pileupUp",
        "sf_mu_idDown",
        "JERUp",
        "JERDown",
        "JES_TotalUp",
        "JES_TotalDown",
      ]
    ) {
      deepStrictEqual(values("jetpt", variation, second), values("jetpt", variation), variation);
      ok(values("jetpt", variation).some((v) => v !== 0), `${variation} is filled`);
    }
    const differs = (a: number[], b: number[]) => a.some((v, i) => v !== b[i]);
    ok(differs(values("jetpt", "JERUp"), values("jetpt", "JERDown")), "JER up/down differ");
    ok(differs(values("jetpt", "JES_TotalUp"), values("jetpt", "nominal")), "JES moves jets");
    ok(differs(values("met", "JERUp"), values("met", "JERDown")), "MET follows the jets");
  },
});

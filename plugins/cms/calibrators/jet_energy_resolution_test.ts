import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { eventsFromBranches } from "@ristretto/core/events";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { loadCorrectionSetSync } from "@ristretto/correctionlib";
import { context2018 } from "../_test_parameters.ts";
import { jetEnergyResolution } from "./jet_energy_resolution.ts";

const FILE = "corrections/JME_2018_UL_jet_jerc.json.gz";
const ignore = !hasSharedData(FILE);

/** n events of one jet each (pt 50, eta 0.5, rho 20), matched to gen jets when `genPt` is given. */
function oneJetEvents(n: number, options: { genPt?: number; firstEvent?: number } = {}) {
  const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i);
  const jagged = (values: ArrayLike<number>, type: "f" | "i" = "f") => ({
    offsets,
    content: type === "f" ? Float32Array.from(values) : Int32Array.from(values),
  });
  const fill = (value: number) => new Array<number>(n).fill(value);
  const matched = options.genPt !== undefined;
  return eventsFromBranches(
    new Map<string, Column>([
      ["run", new Uint32Array(n).fill(315252)],
      ["luminosityBlock", new Uint32Array(n).fill(7)],
      [
        "event",
        BigUint64Array.from({ length: n }, (_, i) => BigInt((options.firstEvent ?? 1) + i)),
      ],
      ["fixedGridRhoFastjetAll", new Float32Array(n).fill(20)],
      ["nJet", new Uint32Array(n).fill(1)],
      ["Jet_pt", jagged(fill(50))],
      ["Jet_eta", jagged(fill(0.5))],
      ["Jet_phi", jagged(fill(0.2))],
      ["Jet_mass", jagged(fill(8))],
      ["Jet_genJetIdx", jagged(fill(matched ? 0 : -1), "i")],
      ["nGenJet", new Uint32Array(n).fill(1)],
      ["GenJet_pt", jagged(fill(options.genPt ?? 20))],
      ["GenJet_eta", jagged(fill(0.52))],
      ["GenJet_phi", jagged(fill(0.23))],
      ["MET_pt", new Float32Array(n).fill(30)],
      ["MET_phi", new Float32Array(n).fill(0)],
    ]),
  );
}

function evaluators() {
  const set = loadCorrectionSetSync(sharedDataPath(FILE));
  return {
    sigma: set.get("Summer19UL18_JRV2_MC_PtResolution_AK4PFchs").evaluate(0.5, 50, 20),
    sf: (systematic: string) =>
      set.get("Summer19UL18_JRV2_MC_ScaleFactor_AK4PFchs").evaluate(0.5, systematic),
  };
}

Deno.test({
  name: "JER: a matched jet is scaled by 1 + (s - 1)(pt - pt_gen)/pt, MET follows",
  ignore,
  fn() {
    const events = oneJetEvents(1, { genPt: 46 });
    const { sigma, sf } = evaluators();
    ok(Math.abs(50 - 46) < 3 * sigma * 50, "the gen jet is within 3 sigma");
    for (const [variation, key] of [[undefined, "nom"], ["JERUp", "up"], ["JERDown", "down"]]) {
      const smeared = jetEnergyResolution().calibrate(events, { ...context2018(), variation });
      const factor = 1 + (sf(key!) - 1) * (50 - 46) / 50;
      strictEqual(smeared.collection("Jet").get("pt").content[0], Math.fround(50 * factor));
      strictEqual(smeared.collection("Jet").get("mass").content[0], Math.fround(8 * factor));
      // MET = (30, 0) - 50 (factor - 1) (cos 0.2, sin 0.2)
      const px = 30 - 50 * (factor - 1) * Math.cos(Math.fround(0.2));
      const py = -50 * (factor - 1) * Math.sin(Math.fround(0.2));
      const metPt = (smeared.column("MET.pt") as Float32Array)[0];
      ok(Math.abs(metPt - Math.hypot(px, py)) < 1e-5, `MET pt ${metPt}`);
    }
  },
});

Deno.test({
  name: "JER: deterministic - same input, same output; other events, other numbers",
  ignore,
  fn() {
    const calibrator = jetEnergyResolution();
    // gen pt 20 is far outside 3 sigma: the stochastic case.
    const a = calibrator.calibrate(oneJetEvents(50), context2018());
    const b = calibrator.calibrate(oneJetEvents(50), context2018());
    const ptA = [...a.collection("Jet").get("pt").content];
    deepStrictEqual([...b.collection("Jet").get("pt").content], ptA);
    // Different events draw different numbers.
    ok(new Set(ptA).size > 45, "events differ");
    const c = calibrator.calibrate(oneJetEvents(50, { firstEvent: 1000 }), context2018());
    notDeepStrictEqual([...c.collection("Jet").get("pt").content], ptA);
    // Data is never smeared.
    const events = oneJetEvents(3);
    const data = { ...context2018(), dataset: { ...context2018().dataset, isMC: false } };
    strictEqual(calibrator.calibrate(events, data), events);
  },
});

Deno.test({
  name: "JER: the stochastic smearing has spread sigma sqrt(s^2 - 1) on many jets",
  ignore,
  fn() {
    const n = 20_000;
    const smeared = jetEnergyResolution().calibrate(oneJetEvents(n), context2018());
    const pt = smeared.collection("Jet").get("pt").content as Float32Array;
    let sum = 0, sum2 = 0;
    for (let i = 0; i < n; i++) {
      const factor = pt[i] / 50;
      sum += factor;
      sum2 += factor * factor;
    }
    const mean = sum / n;
    const spread = Math.sqrt(sum2 / n - mean * mean);
    const { sigma, sf } = evaluators();
    const expected = sigma * Math.sqrt(sf("nom") ** 2 - 1);
    ok(Math.abs(mean - 1) < 5 * expected / Math.sqrt(n), `mean ${mean}`);
    ok(Math.abs(spread / expected - 1) < 0.05, `spread ${spread} vs ${expected}`);
  },
});

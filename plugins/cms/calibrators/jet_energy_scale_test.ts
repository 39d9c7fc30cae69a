import { ok, strictEqual, throws } from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { eventsFromBranches } from "@ristretto/core/events";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { loadCorrectionSetSync } from "@ristretto/correctionlib";
import { context2018 } from "../_test_parameters.ts";
import { jetEnergyScale } from "./jet_energy_scale.ts";

const FILE = "corrections/JME_2018_UL_jet_jerc.json.gz";

// Event 0: a 100 GeV jet along x, a 40 GeV jet along y, a 10 GeV jet (below the 15 GeV MET
// threshold) along -x; MET 50 GeV along y. Event 1: no jets.
const offsets = Int32Array.of(0, 3, 3);
const pt = Float32Array.of(100, 40, 10);
const eta = Float32Array.of(0.4, -2.1, 1.0);
const branches = new Map<string, Column>([
  ["nJet", Uint32Array.of(3, 0)],
  ["Jet_pt", { offsets, content: pt }],
  ["Jet_eta", { offsets, content: eta }],
  ["Jet_phi", { offsets, content: Float32Array.of(0, Math.PI / 2, Math.PI) }],
  ["Jet_mass", { offsets, content: Float32Array.of(10, 5, 2) }],
  ["MET_pt", Float32Array.of(50, 20)],
  ["MET_phi", Float32Array.of(Math.PI / 2, 1)],
]);

for (const source of ["Total", "AbsoluteStat", "FlavorQCD"]) {
  Deno.test({
    name: `JES ${source}: pt and mass scaled by exactly 1 +- u, MET propagated`,
    ignore: !hasSharedData(FILE),
    fn() {
      const events = eventsFromBranches(branches);
      const calibrator = jetEnergyScale();
      ok(calibrator.variations.includes(`JES_${source}`));
      const correction = loadCorrectionSetSync(sharedDataPath(FILE)).get(
        `Summer19UL18_V5_MC_${source}_AK4PFchs`,
      );
      const u = [0, 1, 2].map((j) => correction.evaluate(eta[j], pt[j]));
      ok(u.every((value) => value > 0 && value < 0.2), String(u));
      for (const [direction, sign] of [["Up", 1], ["Down", -1]] as const) {
        const varied = calibrator.calibrate(events, {
          ...context2018(),
          variation: `JES_${source}${direction}`,
        });
        const jets = varied.collection("Jet");
        for (let j = 0; j < 3; j++) {
          strictEqual(jets.get("pt").content[j], Math.fround(pt[j] * (1 + sign * u[j])));
        }
        strictEqual(
          jets.get("mass").content[0],
          Math.fround(10 * (1 + sign * u[0])),
        );
        // Jets above 15 GeV changed by (100 s u0, 0) and (0, 40 s u1): MET = (0, 50) minus that.
        const px = -100 * sign * u[0];
        const py = 50 - 40 * sign * u[1];
        const metPt = (varied.column("MET.pt") as Float32Array)[0];
        const metPhi = (varied.column("MET.phi") as Float32Array)[0];
        // (float32 storage; the jets' phi are float32 too, so cos(pi/2) is not exactly 0)
        ok(Math.abs(metPt - Math.hypot(px, py)) < 1e-5, `MET pt ${metPt}`);
        ok(Math.abs(metPhi - Math.atan2(py, px)) < 1e-6, `MET phi ${metPhi}`);
        // No jets: MET unchanged (up to float32 storage).
        strictEqual((varied.column("MET.pt") as Float32Array)[1], 20);
      }
      // Nominal is the identity; the input is untouched.
      strictEqual(calibrator.calibrate(events, context2018()), events);
      strictEqual(events.collection("Jet").get("pt").content[0], 100);
    },
  });
}

Deno.test("JES: an unknown variation is an error", () => {
  const events = eventsFromBranches(branches);
  throws(
    () => jetEnergyScale().calibrate(events, { ...context2018(), variation: "JES_NopeUp" }),
    (error: Error) => error.message.includes("JES_NopeUp"),
  );
});

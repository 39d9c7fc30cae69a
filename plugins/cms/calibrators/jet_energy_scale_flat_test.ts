import { ok, strictEqual } from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { eventsFromBranches } from "@ristretto/core/events";
import { jetEnergyScaleFlat } from "./jet_energy_scale_flat.ts";

// One event: a 100 GeV jet along x (phi 0), a 40 GeV jet along y (phi pi/2),
// and MET of 50 GeV along y.
const offsets = Int32Array.of(0, 2);
const branches = new Map<string, Column>([
  ["nJet", Uint32Array.of(2)],
  ["Jet_pt", { offsets, content: Float32Array.of(100, 40) }],
  ["Jet_phi", { offsets, content: Float32Array.of(0, Math.PI / 2) }],
  ["Jet_mass", { offsets, content: Float32Array.of(10, 5) }],
  ["MET_pt", Float32Array.of(50)],
  ["MET_phi", Float32Array.of(Math.PI / 2)],
]);
const context = {
  dataset: { name: "tt", sample: "tt", year: "2018", isMC: true },
  parameters: { jets: { jesFlatUncertainty: 0.05 } },
};

Deno.test("flat JES: jets scale by 1 +- u and MET absorbs the change", () => {
  const calibrator = jetEnergyScaleFlat();
  const events = eventsFromBranches(branches);
  const up = calibrator.calibrate(events, { ...context, variation: "JES_flatUp" });
  const jetPt = up.collection("Jet").get("pt").content as Float32Array;
  ok(Math.abs(jetPt[0] - 105) < 1e-4 && Math.abs(jetPt[1] - 42) < 1e-4);
  ok(Math.abs((up.collection("Jet").get("mass").content as Float32Array)[0] - 10.5) < 1e-4);
  // Jets gained (5, 2) GeV in (x, y): MET = (0, 50) - (5, 2) = (-5, 48).
  const metPt = (up.column("MET.pt") as Float32Array)[0];
  ok(Math.abs(metPt - Math.hypot(5, 48)) < 1e-4, String(metPt));
  const metPhi = (up.column("MET.phi") as Float32Array)[0];
  ok(Math.abs(metPhi - Math.atan2(48, -5)) < 1e-5);
  // Down: jets lose (5, 2): MET = (5, 52).
  const down = calibrator.calibrate(events, { ...context, variation: "JES_flatDown" });
  ok(Math.abs((down.column("MET.pt") as Float32Array)[0] - Math.hypot(5, 52)) < 1e-4);
  // The input is untouched, and nominal is the identity.
  strictEqual(events.collection("Jet").get("pt").content[0], 100);
  strictEqual(calibrator.calibrate(events, context), events);
});

Deno.test("flat JES: the default uncertainty applies without a parameter", () => {
  const events = eventsFromBranches(branches);
  const up = jetEnergyScaleFlat().calibrate(events, {
    ...context,
    parameters: {},
    variation: "JES_flatUp",
  });
  ok(Math.abs((up.collection("Jet").get("pt").content as Float32Array)[0] - 103) < 1e-4);
});

import { ok, strictEqual } from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { eventsFromBranches } from "@ristretto/core/events";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { loadCorrectionSetSync } from "@ristretto/correctionlib";
import { context2018 } from "../_test_parameters.ts";
import { muonScaleFactors } from "./muon_scale_factors.ts";

const FILE = "corrections/MUO_2018_UL_muon_Z.json.gz";

// Four events: two muons; none; one muon outside the payload's domain (pt 10 < 15 GeV,
// |eta| 2.45 >= 2.4); three muons, one of 250 GeV.
const offsets = Int32Array.of(0, 2, 2, 3, 6);
const pt = Float32Array.of(45.5, 31.2, 10, 80, 27.5, 250);
const eta = Float32Array.of(0.3, -1.7, 2.45, -0.95, 2.1, -0.2);
const events = eventsFromBranches(
  new Map<string, Column>([
    ["nMuon", Uint32Array.of(2, 0, 1, 3)],
    ["Muon_pt", { offsets, content: pt }],
    ["Muon_eta", { offsets, content: eta }],
  ]),
);
// The analysis's selected muons: here all of them.
const selected = events.withCollection("GoodMuon", events.collection("Muon"));

/** The clamping CMS analyses apply, written independently: |eta| < 2.4, pt >= low edge. */
function clamped(abseta: number, ptValue: number, ptLow: number): [number, number] {
  return [Math.min(abseta, 2.3999), Math.max(ptValue, ptLow)];
}

for (
  const [weight, correctionName, ptLow] of [
    ["sf_mu_id", "NUM_TightID_DEN_TrackerMuons", 15],
    ["sf_mu_iso", "NUM_TightRelIso_DEN_TightIDandIPCut", 15],
  ] as const
) {
  Deno.test({
    name: `${weight}: per-event product over the muons of the MUO scale factors, up and down`,
    ignore: !hasSharedData(FILE),
    fn() {
      const values = muonScaleFactors().compute(weight, selected, context2018());
      const correction = loadCorrectionSetSync(sharedDataPath(FILE)).get(correctionName);
      for (
        const [shift, key] of [["nominal", "sf"], ["up", "systup"], ["down", "systdown"]] as const
      ) {
        const expected: number[] = [];
        for (let e = 0; e < 4; e++) {
          let product = 1;
          for (let j = offsets[e]; j < offsets[e + 1]; j++) {
            const [a, p] = clamped(Math.abs(eta[j]), pt[j], ptLow);
            product *= correction.evaluate("2018_UL", a, p, key);
          }
          expected.push(product);
        }
        const got = values[shift]!;
        for (let e = 0; e < 4; e++) {
          ok(Math.abs(got[e] - expected[e]) <= 1e-15 * Math.abs(expected[e]), `${shift} ${e}`);
        }
        strictEqual(got[1], 1, "an event without muons has weight 1");
      }
      ok(values.up![0] > values.nominal[0] && values.down![0] < values.nominal[0]);
    },
  });
}

Deno.test({
  name: "sf_mu_trigger: the leading muon only (maxObjects: 1)",
  ignore: !hasSharedData(FILE),
  fn() {
    const values = muonScaleFactors().compute("sf_mu_trigger", selected, context2018());
    const correction = loadCorrectionSetSync(sharedDataPath(FILE)).get(
      "NUM_IsoMu24_DEN_CutBasedIdTight_and_PFIsoTight",
    );
    const leading = [0, -1, 2, 3];
    leading.forEach((j, e) => {
      const expected = j < 0 ? 1 : correction.evaluate(
        "2018_UL",
        ...clamped(Math.abs(eta[j]), pt[j], 26),
        "sf",
      );
      ok(Math.abs(values.nominal[e] - expected) <= 1e-15, `event ${e}`);
    });
  },
});

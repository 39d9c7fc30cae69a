/**
 * Muon identification, isolation and trigger scale factors from the MUO POG's correctionlib
 * files: per event, the product over the selected muons.
 * @module
 */
import type { WeightProvider } from "@ristretto/core/plugin";
import { correctionWeightProvider } from "./_correction_weight.ts";

/** Options of {@link muonScaleFactors}. */
export interface MuonScaleFactorsOptions {
  /** The weight names the analysis lists; each reads `corrections.<year>.<name>`. */
  weights?: readonly string[];
  /** NanoAOD branches read (the selected collection derives from Muon). */
  inputs?: readonly string[];
}

/** Defaults of {@link muonScaleFactors}. */
export const defaults: Required<MuonScaleFactorsOptions> = {
  weights: ["sf_mu_id", "sf_mu_iso", "sf_mu_trigger"],
  inputs: ["Muon_pt", "Muon_eta"],
};

/**
 * Plugin `muon-scale-factors`: weights `sf_mu_id`, `sf_mu_iso`, `sf_mu_trigger`, each with
 * up/down (the POG's total stat+syst uncertainty, `systup`/`systdown`). The weight of an event
 * is the product of the scale factors of the muons of the configured collection (1 without
 * muons). pt and |eta| are clamped into the correction's domain (e.g. pt 10 GeV takes the
 * 15 GeV bin, |eta| 2.45 the last bin below 2.4) as CMS analyses do, instead of failing.
 *
 * Settings per weight and period, in `corrections.<year>.<weight>` (2018 UL shipped):
 *
 * ```yaml
 * sf_mu_id:
 *   file: MUO_2018_UL_muon_Z.json.gz
 *   correction: NUM_TightID_DEN_TrackerMuons
 *   collection: GoodMuon
 *   inputs: { year: {value: 2018_UL}, abseta: abs(eta), pt: pt, ValType: $variation }
 *   variations: { nominal: sf, up: systup, down: systdown }
 * ```
 */
export function muonScaleFactors(options: MuonScaleFactorsOptions = {}): WeightProvider {
  const settings = { ...defaults, ...options };
  return correctionWeightProvider({
    name: "muon-scale-factors",
    weights: settings.weights,
    inputs: settings.inputs,
    variations: { nominal: "sf", up: "systup", down: "systdown" },
  });
}

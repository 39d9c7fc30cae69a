/**
 * Electron reconstruction and identification scale factors from the EGM POG's correctionlib
 * files: per event, the product over the selected electrons.
 * @module
 */
import type { WeightProvider } from "@ristretto/core/plugin";
import { correctionWeightProvider } from "./_correction_weight.ts";

/** Options of {@link electronScaleFactors}. */
export interface ElectronScaleFactorsOptions {
  /** The weight names the analysis lists; each reads `corrections.<year>.<name>`. */
  weights?: readonly string[];
  /** NanoAOD branches read (the selected collection derives from Electron). */
  inputs?: readonly string[];
}

/** Defaults of {@link electronScaleFactors}. */
export const defaults: Required<ElectronScaleFactorsOptions> = {
  weights: ["sf_ele_reco", "sf_ele_id"],
  inputs: ["Electron_pt", "Electron_eta", "Electron_deltaEtaSC"],
};

/**
 * Plugin `electron-scale-factors`: weights `sf_ele_reco` and `sf_ele_id`, each with up/down
 * (`sfup`/`sfdown` in the EGM files). Per event, the product over the electrons of the
 * configured collection (1 without electrons); real inputs are clamped into the correction's
 * domain. EGM files take (year, ValType, WorkingPoint, eta, pt), e.g.:
 *
 * ```yaml
 * sf_ele_id:
 *   file: /path/to/EGM_2018_UL_electron.json.gz
 *   correction: UL-Electron-ID-SF
 *   collection: GoodElectron
 *   inputs:
 *     year: {value: "2018"}
 *     ValType: $variation
 *     WorkingPoint: {value: Tight}
 *     eta: eta
 *     pt: pt
 *   variations: { nominal: sf, up: sfup, down: sfdown }
 * ```
 *
 * The EGM payloads are not among the shared ones, so no period ships these settings.
 */
export function electronScaleFactors(options: ElectronScaleFactorsOptions = {}): WeightProvider {
  const settings = { ...defaults, ...options };
  return correctionWeightProvider({
    name: "electron-scale-factors",
    weights: settings.weights,
    inputs: settings.inputs,
    variations: { nominal: "sf", up: "sfup", down: "sfdown" },
  });
}

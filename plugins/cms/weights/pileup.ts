/**
 * The pileup weight: the ratio of the data pileup profile to the simulated one, as a function
 * of the true number of interactions, from the LUM POG's correctionlib file.
 * @module
 */
import type { WeightProvider } from "@ristretto/core/plugin";
import { correctionWeightProvider } from "./_correction_weight.ts";

/** Options of {@link pileupWeight}. */
export interface PileupWeightOptions {
  /** The weight name the analysis lists (default `pileup`). */
  weight?: string;
  /** NanoAOD branches read (default `Pileup_nTrueInt`). */
  inputs?: readonly string[];
}

/** Defaults of {@link pileupWeight}. */
export const defaults: Required<PileupWeightOptions> = {
  weight: "pileup",
  inputs: ["Pileup_nTrueInt"],
};

/**
 * Plugin `pileup-weight`: weight `pileup` with up/down (minimum-bias cross section +-4.6%).
 *
 * Settings, per period, in the parameters `corrections.<year>.pileup` (shipped for 2018 in
 * configs/params/defaults.yaml):
 *
 * ```yaml
 * pileup:
 *   file: LUM_2018_UL_puWeights.json.gz        # under correctionsDir, or absolute
 *   correction: Collisions18_UltraLegacy_goldenJSON
 *   inputs: { NumTrueInteractions: Pileup.nTrueInt, weights: $variation }
 *   variations: { nominal: nominal, up: up, down: down }
 * ```
 */
export function pileupWeight(options: PileupWeightOptions = {}): WeightProvider {
  const settings = { ...defaults, ...options };
  return correctionWeightProvider({
    name: "pileup-weight",
    weights: [settings.weight],
    inputs: settings.inputs,
    variations: { nominal: "nominal", up: "up", down: "down" },
  });
}

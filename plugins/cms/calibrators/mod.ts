/**
 * Calibrators: shape variations of objects (jet energy scale and resolution, ...).
 * @module
 */
export {
  defaults as jetEnergyScaleFlatDefaults,
  jetEnergyScaleFlat,
  type JetEnergyScaleFlatOptions,
  scaleJets,
} from "./jet_energy_scale_flat.ts";
export {
  defaults as jetEnergyScaleDefaults,
  JES_SOURCES_2018_UL,
  jetEnergyScale,
  type JetEnergyScaleOptions,
} from "./jet_energy_scale.ts";
export {
  defaults as jetEnergyResolutionDefaults,
  JER_RANDOM_CORRECTION,
  jerRandomNumbers,
  jetEnergyResolution,
  type JetEnergyResolutionOptions,
} from "./jet_energy_resolution.ts";

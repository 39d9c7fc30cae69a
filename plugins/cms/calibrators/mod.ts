/**
 * Calibrators: shape variations of objects (jet energy scale, ...).
 * @module
 */
export {
  defaults as jetEnergyScaleFlatDefaults,
  jetEnergyScaleFlat,
  type JetEnergyScaleFlatOptions,
  scaleJets,
} from "./jet_energy_scale_flat.ts";

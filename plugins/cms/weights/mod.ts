/**
 * Standard CMS event weights from correctionlib payloads (pileup, lepton and b-tagging scale
 * factors), configured per data-taking period by the parameters `corrections.<year>.<weight>`.
 * @module
 */
export {
  defaults as pileupWeightDefaults,
  pileupWeight,
  type PileupWeightOptions,
} from "./pileup.ts";
export {
  defaults as muonScaleFactorsDefaults,
  muonScaleFactors,
  type MuonScaleFactorsOptions,
} from "./muon_scale_factors.ts";
export {
  defaults as electronScaleFactorsDefaults,
  electronScaleFactors,
  type ElectronScaleFactorsOptions,
} from "./electron_scale_factors.ts";
export {
  BTAG_SHAPE_SOURCES,
  type BtagShapeOptions,
  btagShapeScaleFactors,
  defaults as btagShapeDefaults,
} from "./btag_shape.ts";
export {
  type BtagFixedWpOptions,
  btagFixedWpScaleFactors,
  defaults as btagFixedWpDefaults,
} from "./btag_fixed_wp.ts";
export {
  type CorrectionWeightOptions,
  correctionWeightProvider,
  type InputSource,
  VARIATION_INPUT,
  type VariationKeys,
} from "./_correction_weight.ts";

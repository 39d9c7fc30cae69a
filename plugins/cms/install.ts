import type { PluginFactory } from "@ristretto/core/plugin";
import { jetEnergyResolution, jetEnergyScale, jetEnergyScaleFlat } from "./calibrators/mod.ts";
import {
  btagFixedWpScaleFactors,
  btagShapeScaleFactors,
  electronScaleFactors,
  muonScaleFactors,
  pileupWeight,
} from "./weights/mod.ts";
import { lumiMaskCut } from "./cuts/mod.ts";

/**
 * The package's plugin factory (its mod.ts default export): the jet calibrators, the standard
 * weights and the lumimask cut. Their settings come from the layered parameters, so the
 * factory takes no options.
 */
export const cmsPlugins: PluginFactory<Record<string, never>> = () => (registry) => {
  registry.add(jetEnergyScaleFlat());
  registry.add(jetEnergyResolution());
  registry.add(jetEnergyScale());
  registry.add(pileupWeight());
  registry.add(muonScaleFactors());
  registry.add(electronScaleFactors());
  registry.add(btagShapeScaleFactors());
  registry.add(btagFixedWpScaleFactors());
  registry.add(lumiMaskCut());
};

/**
 * CMS specifics for Ristretto: certified luminosity (golden JSON lumi masks, brilcalc
 * integrated luminosity, the `lumimask` cut), the standard weights (pileup, lepton and
 * b-tagging scale factors) and shape variations (jet energy scale and resolution) from
 * correctionlib payloads, and the toy NanoAOD generator the default example runs on.
 * @module
 */
export * from "./lumi/mod.ts";
export * from "./toy_nanoaod/mod.ts";
export * from "./calibrators/mod.ts";
export * from "./weights/mod.ts";
export * from "./cuts/mod.ts";
export { correctionsDir } from "./_payloads.ts";

// The package as a plugin package: `export default` is its PluginFactory.
export { cmsPlugins, cmsPlugins as default } from "./install.ts";

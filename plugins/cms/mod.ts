/**
 * CMS specifics for Ristretto: certified luminosity (golden JSON lumi masks, brilcalc
 * integrated luminosity) and the toy NanoAOD generator the default example runs on.
 * @module
 */
export * from "./lumi/mod.ts";
export * from "./toy_nanoaod/mod.ts";
export * from "./calibrators/mod.ts";

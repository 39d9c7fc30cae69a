/**
 * Certified luminosity: golden JSON lumi masks and brilcalc integrated luminosity.
 * @module
 */
export { loadLumiMask, LumiMask, type RunLumiColumn } from "./lumi_mask.ts";
export {
  type BrilcalcParseOptions,
  type BrilcalcTable,
  convertLuminosity,
  integratedLuminosity,
  type IntegratedLuminosityOptions,
  type LumiUnit,
  parseBrilcalcCsv,
} from "./brilcalc.ts";

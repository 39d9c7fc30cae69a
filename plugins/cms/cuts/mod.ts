/**
 * Cuts an analysis names with `use:` in its skim or preselection.
 * @module
 */
export {
  defaults as lumiMaskCutDefaults,
  lumiMaskCut,
  type LumiMaskCutOptions,
} from "./lumi_mask_cut.ts";

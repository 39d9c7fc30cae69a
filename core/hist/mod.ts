/**
 * Histograms in the style of Python's `hist`/boost-histogram: axes, weighted storage, vectorised
 * fill, add/scale/project/select, and UHI JSON (de)serialisation readable by Python's `hist`.
 * @module
 */
export * from "./axes.ts";
export {
  type FillOptions,
  type FillValue,
  type FlowOptions,
  Hist,
  type HistOptions,
  mergeHists,
  STORAGE_FIELDS,
  type StorageType,
  type WeightedSum,
} from "./hist.ts";
export {
  fromUHI,
  histFromUHI,
  histToUHI,
  parseUHI,
  stringifyUHI,
  toUHI,
  type UHIDocument,
  type UHIHistogram,
  type UHIJson,
  validateUHI,
} from "./uhi.ts";

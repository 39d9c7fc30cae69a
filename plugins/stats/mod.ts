/**
 * Statistics for Ristretto: a statistical model declared in YAML over an analysis output,
 * Combine datacards, HistFactory (pyhf) JSON workspaces, and a built-in binned likelihood fit
 * (best fit, profile-likelihood scan and interval, discovery significance).
 * @module
 */
export {
  channelName,
  type LoadedStatsConfig,
  loadStatsConfig,
  type StatsChannel,
  type StatsConfig,
  statsConfigFromText,
  StatsConfigSchema,
  type StatsSystematic,
} from "./config.ts";
export {
  buildTemplates,
  type ChannelTemplates,
  type HistogramSource,
  outputHistograms,
  type ProcessTemplate,
  type ShapeVariation,
} from "./templates.ts";
export { buildWorkspace, lnNFactors, staterrorName, type WorkspaceOptions } from "./workspace.ts";
export {
  buildDatacard,
  type Datacard,
  writeDatacards,
  type WriteDatacardsOptions,
} from "./datacard.ts";
export type {
  PyhfChannel,
  PyhfMeasurement,
  PyhfModifier,
  PyhfObservation,
  PyhfParameterConfig,
  PyhfSample,
  PyhfWorkspace,
} from "./workspace_types.ts";
export {
  type FitReport,
  fitReport,
  type FitReportOptions,
  formatFitReport,
  type ParameterReport,
  parseScan,
  type PreparedModel,
  prepareModel,
  scanSvg,
  type ScanSvgOptions,
} from "./report.ts";
export * from "./fit/mod.ts";

/**
 * The processor: compile a configuration into a plan, run it per work item, merge, normalise
 * and write the outputs.
 * @module
 */
export {
  addModuleVariables,
  type AnalysisModule,
  loadAnalysisModule,
  type ModuleContext,
  type ModuleCut,
  type ModuleHook,
  type ModuleVariable,
  type ModuleWeight,
} from "./analysis_module.ts";
export { BranchSchema } from "./branch_schema.ts";
export {
  type CutflowEntry,
  type DatasetOutput,
  datasetOutputFromJSON,
  datasetOutputToJSON,
  mergeDatasetOutput,
  type SampleCutflow,
  type SampleOutput,
} from "./chunk_output.ts";
export {
  compilePlan,
  type Plan,
  type PlannedAxis,
  type PlannedCategory,
  type PlannedCut,
  type PlannedHistogram,
  type PlannedObject,
  type PlannedWeight,
} from "./plan.ts";
export { axisOf, type ChunkContext, processChunk, SUBSAMPLE_SEPARATOR } from "./process_chunk.ts";
export {
  type AnalysisResult,
  type FailedItem,
  runAnalysis,
  type RunOptions,
  type StageKeys,
} from "./run_analysis.ts";
export {
  buildDatasets,
  configFromSnapshot,
  configHash,
  type ConfigSnapshot,
  configSnapshot,
  datasetIdentity,
  type DatasetIdentityJSON,
  type FileIdentity,
  fileIdentity,
  isConfigSnapshot,
  openDataFile,
  type PlannedItem,
  type PlanOptions,
  planRun,
  pluginFingerprint,
  type RunPlan,
  type SkippedFile,
  STORE_FORMAT,
} from "./run_plan.ts";
export {
  isWorkFile,
  openWorkSession,
  readWorkFile,
  type WorkFile,
  workFileSubset,
  type WorkSession,
  type WorkSessionOptions,
} from "./work.ts";
export { type MergeOptions, mergeStoredResults } from "./merge_stream.ts";
export { outcomeFromStore } from "./executor_support.ts";
export { compareWorkItems, splitEntries, type WorkItem, workItemKey } from "./work_item.ts";
export { cutflowTable, type OutputInfo, TOOL_VERSION, writeOutputs } from "./write_outputs.ts";
export {
  isSkimDataset,
  RUNS_TREE,
  type SkimRecord,
  type SkimSettings,
  skimSettingsOf,
} from "./skim_output.ts";

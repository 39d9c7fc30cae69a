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
  openDataFile,
  runAnalysis,
  type RunOptions,
} from "./run_analysis.ts";
export { compareWorkItems, splitEntries, type WorkItem, workItemKey } from "./work_item.ts";
export { cutflowTable, type OutputInfo, TOOL_VERSION, writeOutputs } from "./write_outputs.ts";

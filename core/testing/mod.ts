/**
 * Helpers for tests: where the shared data lives, and (later) the contract conformance suites.
 * @module
 */
export {
  hasSharedData,
  hasSharedSpec,
  sharedDataDir,
  sharedDataPath,
  sharedSpecPath,
} from "./shared_data.ts";
export {
  assertSameMerged,
  checkExecutorConformance,
  type ConformanceOptions,
  type ConformanceReport,
  mergedBytes,
  referenceExecutor,
} from "./executor_conformance.ts";

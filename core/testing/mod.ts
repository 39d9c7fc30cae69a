/**
 * Helpers for tests: where the shared data lives, and the contract conformance suites - one
 * per plugin kind, run by the built-ins' tests, by `plugins check`, and by a plugin package's
 * own tests (see docs/plugins.md).
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
export { assertConformance, type ContractCheck, type ContractReport } from "./_contract_checks.ts";
export {
  checkCalibratorConformance,
  checkCutConformance,
  checkVariableConformance,
  checkWeightConformance,
  DEFAULT_CONTEXT,
  type EventsFixture,
} from "./event_plugin_conformance.ts";
export {
  checkColumnsWriterConformance,
  checkReaderConformance,
  type ColumnsWriterFixture,
  defaultColumnsTable,
  LEAF_ARRAYS,
  type ReaderFixture,
} from "./file_plugin_conformance.ts";
export {
  type ByteSourceFixture,
  checkByteSourceConformance,
  checkDatasetSourceConformance,
  checkPlotterConformance,
  type DatasetSourceFixture,
  type PlotterFixture,
} from "./source_plugin_conformance.ts";
export {
  checkPluginConformance,
  type ConformanceFixtures,
  fixtureKeyOf,
} from "./plugin_conformance.ts";

/**
 * Batch systems behind one small interface ({@link BatchSystem}): Slurm job arrays, HTCondor
 * clusters and Dask tasks (through a Python bridge). Executors submit `work` commands with it,
 * poll until they end and read the results from the store.
 * @module
 */
export {
  type BatchSystem,
  isFinal,
  type JobHandle,
  type JobSpec,
  type JobState,
  type JobTransfer,
  type SubmitOptions,
} from "./types.ts";
export { slurmBatchSystem, type SlurmOptions } from "./slurm.ts";
export {
  type CondorJobEvents,
  htcondorBatchSystem,
  type HTCondorOptions,
  parseEventLog,
} from "./htcondor.ts";
export { daskBatchSystem, type DaskGateway, type DaskOptions } from "./dask.ts";
export { waitForJobs, type WaitOptions } from "./wait.ts";
export { serviceDownReason, serviceEnv, servicesDir } from "./services.ts";
export { shellQuote } from "./_job_files.ts";
export {
  type Bundle,
  type BundleOptions,
  commandInBundle,
  projectRoot,
  stageBundle,
} from "./bundle.ts";
export {
  type BatchExecutorOptions,
  daskExecutor,
  type DaskExecutorOptions,
  htcondorExecutor,
  type HTCondorExecutorOptions,
  slurmExecutor,
  type SlurmExecutorOptions,
} from "./executors.ts";

/**
 * Local executors: in-process (the reference) and a pool of worker subprocesses.
 * @module
 */
export { defaults, inProcessExecutor, type InProcessOptions } from "./in_process.ts";
export {
  defaultWorkCommand,
  localWorkersDefaults,
  type LocalWorkersExecutor,
  localWorkersExecutor,
  type LocalWorkersOptions,
  startWorkersEarly,
  WORK_PERMISSIONS,
} from "./local_workers.ts";

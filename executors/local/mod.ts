/**
 * Local executors: in-process (the reference), and later a pool of workers.
 * @module
 */
export { defaults, inProcessExecutor, type InProcessOptions } from "./in_process.ts";

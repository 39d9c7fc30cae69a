/**
 * Run options from a file (`run --run-options FILE.yaml`), like PocketCoffea's custom run
 * options: how and where an analysis runs, kept apart from what it computes, so one analysis
 * goes from a laptop to a cluster by changing this file or a flag. Top-level keys apply to every
 * executor; a section named after an executor (`slurm:`, `htcondor:`, ...) applies when that
 * executor runs. Flags given on the command line win over the file.
 *
 * ```yaml
 * executor: slurm
 * retries: 3
 * chunksize: 100000
 * slurm: { partition: short, memory: 2000, walltime: 3600, eventsPerJob: 500000 }
 * htcondor: { memory: 2000, fileTransfer: true }
 * local-workers: { workers: 4 }
 * ```
 * @module
 */
import { resolve } from "node:path";
import { z } from "zod";
import { parseLocatedYaml, readConfigText, validateDocument } from "@ristretto/core/config";
import type { RunFlags } from "./run.ts";

const positive = z.number().int().positive();

/** What a run-options file may set for the executors (each also a `run` flag). */
const ExecutorOptionsSchema = z.strictObject({
  workers: positive.optional(),
  partition: z.string().min(1).optional(),
  memory: positive.optional(),
  walltime: positive.optional(),
  maxJobs: positive.optional(),
  itemsPerJob: positive.optional(),
  eventsPerJob: positive.optional(),
  setup: z.string().optional(),
  fileTransfer: z.boolean().optional(),
  daskScheduler: z.string().min(1).optional(),
  retries: z.number().int().nonnegative().optional(),
  chunksize: positive.optional(),
  skipBadFiles: z.boolean().optional(),
});

/** The executors a section may be named after (as `--executor` spells them). */
export const EXECUTOR_NAMES = ["local", "local-workers", "slurm", "htcondor", "dask"] as const;

/** A run-options file: executor options, the executor, and per-executor sections. */
export const RunOptionsSchema = ExecutorOptionsSchema.extend({
  executor: z.enum(EXECUTOR_NAMES).optional(),
  ...Object.fromEntries(EXECUTOR_NAMES.map((name) => [name, ExecutorOptionsSchema.optional()])),
});

type ExecutorOptions = z.output<typeof ExecutorOptionsSchema>;

/** Reads and checks a run-options file; problems name the file, line and column. */
export async function readRunOptions(path: string): Promise<Record<string, unknown>> {
  const file = resolve(path);
  const text = await readConfigText(file, { what: "run options" });
  return validateDocument(parseLocatedYaml(file, text), RunOptionsSchema) ?? {};
}

/**
 * The flags of a run: those given on the command line (`given(name)` true), else the chosen
 * executor's section of the run options, else their top level, else the flags' defaults.
 */
export function mergeRunOptions(
  flags: RunFlags,
  options: Record<string, unknown>,
  given: (flag: keyof RunFlags) => boolean,
): RunFlags {
  const executor = given("executor") ? flags.executor : (options.executor as string | undefined) ??
    flags.executor;
  const section = (options[executor] ?? {}) as ExecutorOptions;
  const merged: Record<string, unknown> = { ...flags, executor };
  for (const key of Object.keys(ExecutorOptionsSchema.shape) as (keyof ExecutorOptions)[]) {
    if (given(key)) continue;
    const value = section[key] ?? (options as ExecutorOptions)[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged as unknown as RunFlags;
}

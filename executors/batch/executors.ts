/**
 * Executors on batch systems: `slurm`, `htcondor` and `dask`. Each splits the items into jobs,
 * writes one items file per job inside the store, submits `work --config --items --store` jobs
 * in one submission, waits for them (bounded), and takes every item's outcome from the store:
 * the store decides success, not the job's state. Failed items are resubmitted while attempts
 * remain.
 * @module
 */
import { join } from "node:path";
import {
  API_VERSION,
  type Executor,
  type ExecutorContext,
  type ExecutorItem,
  type ExecutorOutcome,
} from "@ristretto/core/plugin";
import { outcomeFromStore } from "@ristretto/core/processor";
import { ResultStore } from "@ristretto/core/store";
import { defaultWorkCommand } from "@ristretto/executor-local";
import type { BatchSystem, JobHandle, JobSpec, JobState, SubmitOptions } from "./types.ts";
import { waitForJobs } from "./wait.ts";
import { slurmBatchSystem } from "./slurm.ts";
import { htcondorBatchSystem } from "./htcondor.ts";
import { daskBatchSystem } from "./dask.ts";
import { serviceEnv } from "./services.ts";

/** Options shared by every batch executor. */
export interface BatchExecutorOptions {
  /** Items per job; default `ceil(items / maxJobs)`. */
  readonly itemsPerJob?: number;
  /** Jobs per submission at most when `itemsPerJob` is not given; default 50. */
  readonly maxJobs?: number;
  /** Slurm partition. */
  readonly partition?: string;
  /** Memory per job, MiB. */
  readonly memoryMb?: number;
  /** Wall-time limit per job, seconds. */
  readonly walltimeSeconds?: number;
  /** Jobs of a submission running at once at most. */
  readonly maxParallel?: number;
  /** A shell line run before `work` in each job (e.g. `source setup.sh`). */
  readonly setup?: string;
  /** Deadline of the wait for one submission, ms; default 12 h. Jobs still open are cancelled. */
  readonly timeoutMs?: number;
  /** Time between polls, ms; default 1000. */
  readonly pollIntervalMs?: number;
  /** Extra environment variables of the jobs. */
  readonly env?: Readonly<Record<string, string>>;
  /** The command that starts `work`, before its flags (default: this checkout's, as local-workers). */
  readonly command?: readonly string[];
}

/** Options of {@link slurmExecutor}. */
export interface SlurmExecutorOptions extends BatchExecutorOptions {
  /** Environment of the Slurm client commands (default: the project's service env, e.g. SLURM_CONF). */
  readonly clientEnv?: Readonly<Record<string, string>>;
  /** Extra `sbatch` arguments. */
  readonly sbatchArgs?: readonly string[];
}

/** Options of {@link htcondorExecutor}. */
export interface HTCondorExecutorOptions extends BatchExecutorOptions {
  /** Where the HTCondor tools are (default: the project's service `CONDOR_BIN`, else PATH). */
  readonly binDir?: string;
  /** Paths the execute nodes share (default: the service's `CONDOR_SHARED_DIRS`). */
  readonly sharedDirs?: readonly string[];
  /** `DENO_DIR` of the jobs (default: the service's `CONDOR_DENO_DIR`). */
  readonly denoDir?: string;
}

/** Options of {@link daskExecutor}. */
export interface DaskExecutorOptions extends BatchExecutorOptions {
  /**
   * Scheduler address (default: the service's `DASK_SCHEDULER_ADDRESS`, else
   * `DASK_SCHEDULER_ADDRESS` of this process, else tcp://127.0.0.1:8786).
   */
  readonly scheduler?: string;
}

/** What a batch executor needs from its system for one run. */
interface Backend {
  readonly system: BatchSystem;
  readonly jobEnv?: Readonly<Record<string, string>>;
  readonly submitOptions?: SubmitOptions;
}

/** An executor submitting `work` jobs to Slurm. */
export function slurmExecutor(options: SlurmExecutorOptions = {}): Executor {
  return batchExecutor("slurm", options, async (context) => ({
    system: slurmBatchSystem({
      workDir: join(context.store, "batch"),
      env: options.clientEnv ?? (await serviceEnv("slurm")),
      sbatchArgs: options.sbatchArgs,
    }),
  }));
}

/** An executor submitting `work` jobs to HTCondor (the store must be on a shared path). */
export function htcondorExecutor(options: HTCondorExecutorOptions = {}): Executor {
  return batchExecutor("htcondor", options, async (context) => {
    const env = (await serviceEnv("htcondor")) ?? {};
    const denoDir = options.denoDir ?? env.CONDOR_DENO_DIR;
    return {
      system: htcondorBatchSystem({
        workDir: join(context.store, "batch"),
        binDir: options.binDir ?? env.CONDOR_BIN,
        sharedDirs: options.sharedDirs ?? env.CONDOR_SHARED_DIRS?.split(":"),
      }),
      jobEnv: denoDir ? { DENO_DIR: denoDir } : undefined,
      // the jobs run as another user: they write into the store
      submitOptions: { writableDirs: [context.store] },
    };
  });
}

/** An executor running `work` jobs as Dask tasks. */
export function daskExecutor(options: DaskExecutorOptions = {}): Executor {
  return batchExecutor("dask", options, async () => ({
    system: daskBatchSystem({
      scheduler: options.scheduler ??
        (await serviceEnv("dask"))?.DASK_SCHEDULER_ADDRESS ??
        Deno.env.get("DASK_SCHEDULER_ADDRESS") ?? "tcp://127.0.0.1:8786",
    }),
  }));
}

/** Splits items into groups of `size`. */
function split<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

function batchExecutor(
  name: string,
  options: BatchExecutorOptions,
  backend: (context: ExecutorContext) => Promise<Backend>,
): Executor {
  return {
    kind: "executor",
    name,
    version: "0.1.0",
    apiVersion: API_VERSION,
    async *run(items, context): AsyncIterable<ExecutorOutcome> {
      if (items.length === 0) return;
      const { system, jobEnv, submitOptions } = await backend(context);
      const store = new ResultStore(context.store);
      const total = items.length;
      let done = 0;
      let failed = 0;
      const runId = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}`;
      const [command, ...baseArgs] = options.command ?? defaultWorkCommand();
      try {
        let pending: readonly ExecutorItem[] = items;
        for (let attempt = 1; pending.length > 0; attempt++) {
          if (context.signal?.aborted) return;
          if (attempt > 1) {
            const aborted = await sleep(context.retryDelay(attempt), context.signal);
            if (aborted) return;
          }
          const size = options.itemsPerJob ??
            Math.ceil(pending.length / Math.max(1, options.maxJobs ?? 50));
          const groups = split(pending, Math.max(1, size));
          const tag = `${name}-${runId}-a${attempt}`;
          const jobsDir = join(context.store, "jobs");
          await Deno.mkdir(jobsDir, { recursive: true });
          const specs: JobSpec[] = [];
          for (const [index, group] of groups.entries()) {
            const itemsFile = join(jobsDir, `${tag}-${index}.json`);
            await Deno.writeTextFile(itemsFile, context.itemsText(group));
            specs.push({
              name: `${tag}-${index}`,
              command: [
                command,
                ...baseArgs,
                "--config",
                context.config,
                "--items",
                itemsFile,
                "--store",
                context.store,
                "--quiet",
              ],
              env: { ...jobEnv, ...options.env },
              cwd: context.store,
              stdout: join(context.store, "logs", `${tag}-${index}.out`),
              stderr: join(context.store, "logs", `${tag}-${index}.err`),
            });
          }
          let states: JobState[];
          let handles: JobHandle[] = [];
          const report = (running: number) =>
            context.onProgress?.({ done, failed, running, total });
          try {
            handles = await system.submit(specs, {
              partition: options.partition,
              memoryMb: options.memoryMb,
              walltimeSeconds: options.walltimeSeconds,
              maxParallel: options.maxParallel,
              setup: options.setup,
              batchName: tag,
              ...submitOptions,
              writableDirs: [...(submitOptions?.writableDirs ?? []), join(context.store, "logs")],
            });
            report(0);
            states = await waitForJobs(system, handles, {
              timeoutMs: options.timeoutMs ?? 12 * 3600_000,
              intervalMs: options.pollIntervalMs ?? 1000,
              signal: context.signal,
              onPoll: (polled) =>
                report(
                  polled.reduce(
                    (n, state, j) => n + (state.state === "running" ? groups[j].length : 0),
                    0,
                  ),
                ),
            });
          } catch (error) {
            // Timed out, aborted, or the system refused: cancel what may still run.
            await system.cancel(handles).catch(() => {});
            if (context.signal?.aborted) return;
            const reason = (error as Error).message;
            states = groups.map(() => ({ state: "failed", reason }));
          }
          const next: ExecutorItem[] = [];
          for (const [index, group] of groups.entries()) {
            const state = states[index];
            const jobError = state.state === "failed" || state.state === "held"
              ? `Cannot run "${specs[index].name}" on ${name}: ${state.reason}` +
                ` (logs in ${specs[index].stderr})`
              : undefined;
            for (const item of group) {
              const outcome = await outcomeFromStore(store, item, { attempts: attempt, jobError });
              if (outcome.ok) {
                done++;
                yield outcome;
              } else if (attempt <= context.retries) {
                next.push(item);
              } else {
                failed++;
                yield outcome;
              }
            }
          }
          report(0);
          pending = next;
        }
      } finally {
        await system.close();
      }
    },
  };
}

/** Waits `ms`; resolves true when the signal aborted first. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(false);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

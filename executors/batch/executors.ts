/**
 * Executors on batch systems: `slurm`, `htcondor` and `dask`. Each splits the items into jobs
 * (by items or by events), writes one items file per job inside the store, submits
 * `work --config --items --store` jobs in one submission, waits for them (bounded), and takes
 * every item's outcome from the store: the store decides success, not the job's state. Failed
 * items are resubmitted while attempts remain. Slurm and HTCondor submissions are recorded in
 * the store until their jobs end, so a run restarted after the submitting process died waits
 * for the jobs still running instead of submitting their items again; an interrupted run
 * (context.signal) cancels its jobs.
 * @module
 */
import { basename, join } from "node:path";
import {
  API_VERSION,
  denoCacheDir,
  type Executor,
  type ExecutorContext,
  type ExecutorItem,
  type ExecutorOutcome,
} from "@ristretto/core/plugin";
import { outcomeFromStore } from "@ristretto/core/processor";
import { ResultStore } from "@ristretto/core/store";
import { defaultWorkCommand } from "@ristretto/executor-local";
import {
  type BatchSystem,
  isFinal,
  type JobHandle,
  type JobSpec,
  type JobState,
  type SubmitOptions,
} from "./types.ts";
import { groupItems } from "./_grouping.ts";
import { forgetSubmission, readSubmissions, recordSubmission } from "./_ledger.ts";
import { waitForJobs } from "./wait.ts";
import { slurmBatchSystem } from "./slurm.ts";
import { htcondorBatchSystem } from "./htcondor.ts";
import { daskBatchSystem, type DaskGateway } from "./dask.ts";
import { serviceEnv } from "./services.ts";
import { type Bundle, commandInBundle, stageBundle } from "./bundle.ts";

/** Options shared by every batch executor. */
export interface BatchExecutorOptions {
  /** Items per job; default `ceil(items / maxJobs)` (unless `eventsPerJob` is given). */
  readonly itemsPerJob?: number;
  /**
   * Events per job at most: consecutive items are grouped by their `events` (an item larger
   * than this is a job of its own); with `itemsPerJob` too, both bounds hold.
   */
  readonly eventsPerJob?: number;
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
  /**
   * Workers without a shared filesystem: each job gets, by HTCondor file transfer, a staged
   * bundle (the project as checked out, its lock file, a pre-filled DENO_DIR, optionally the
   * Deno binary; see bundle.ts) and its config and items files, runs in its scratch directory,
   * and sends its results back. `true` for the defaults: bundles kept in the store's
   * `batch/bundles`, `deno` from the worker's PATH (or the `setup` line).
   */
  readonly fileTransfer?: boolean | {
    readonly stagingDir?: string;
    readonly includeDeno?: boolean;
  };
}

/** Options of {@link daskExecutor}. */
export interface DaskExecutorOptions extends BatchExecutorOptions {
  /**
   * Scheduler address (default: the service's `DASK_SCHEDULER_ADDRESS`, else
   * `DASK_SCHEDULER_ADDRESS` of this process, else tcp://127.0.0.1:8786).
   */
  readonly scheduler?: string;
  /**
   * A dask-gateway server instead of a scheduler: the bridge connects to `cluster` or starts a
   * new one that adapts between `workers.minimum` and `workers.maximum`. Tested against a
   * stand-in of the dask_gateway client API (the package is not installable here).
   */
  readonly gateway?: DaskGateway;
}

/** What a batch executor needs from its system for one run. */
interface Backend {
  readonly system: BatchSystem;
  readonly jobEnv?: Readonly<Record<string, string>>;
  readonly submitOptions?: SubmitOptions;
  /**
   * Jobs outlive the submitting process and can be polled by handle from another one (Slurm,
   * HTCondor): submissions are recorded in the store and a new run re-attaches to them. Not
   * Dask: its tasks end with the client that submitted them.
   */
  readonly reattach?: boolean;
  /** Workers without a shared filesystem: the staged bundle the jobs get by file transfer. */
  readonly bundle?: Bundle;
}

/** An executor submitting `work` jobs to Slurm. */
export function slurmExecutor(options: SlurmExecutorOptions = {}): Executor {
  return batchExecutor("slurm", options, async (context) => ({
    system: slurmBatchSystem({
      workDir: join(context.store, "batch"),
      env: options.clientEnv ?? (await serviceEnv("slurm")),
      sbatchArgs: options.sbatchArgs,
    }),
    reattach: true,
  }));
}

/**
 * An executor submitting `work` jobs to HTCondor: on a shared filesystem (the store, the
 * project and DENO_DIR at the same paths on the workers), or with `fileTransfer`, from a staged
 * bundle sent with each job, results coming back by file transfer.
 */
export function htcondorExecutor(options: HTCondorExecutorOptions = {}): Executor {
  return batchExecutor("htcondor", options, async (context) => {
    const env = (await serviceEnv("htcondor")) ?? {};
    const denoDir = options.denoDir ?? env.CONDOR_DENO_DIR;
    const transfer = options.fileTransfer === true ? {} : options.fileTransfer || undefined;
    const bundle = transfer
      ? await stageBundle({
        stagingDir: transfer.stagingDir ?? join(context.store, "batch", "bundles"),
        includeDeno: transfer.includeDeno,
      })
      : undefined;
    return {
      bundle,
      system: htcondorBatchSystem({
        workDir: join(context.store, "batch"),
        binDir: options.binDir ?? env.CONDOR_BIN,
        sharedDirs: options.sharedDirs ?? env.CONDOR_SHARED_DIRS?.split(":"),
      }),
      // with file transfer the job's DENO_DIR is the bundle's (set by its set-up)
      jobEnv: denoDir && !bundle ? { DENO_DIR: denoDir } : undefined,
      // the jobs run as another user: they write into the store
      submitOptions: { writableDirs: [context.store] },
      reattach: true,
    };
  });
}

/** An executor running `work` jobs as Dask tasks. */
export function daskExecutor(options: DaskExecutorOptions = {}): Executor {
  return batchExecutor("dask", options, async () => ({
    system: daskBatchSystem({
      gateway: options.gateway,
      scheduler: options.gateway ? undefined : options.scheduler ??
        (await serviceEnv("dask"))?.DASK_SCHEDULER_ADDRESS ??
        Deno.env.get("DASK_SCHEDULER_ADDRESS") ?? "tcp://127.0.0.1:8786",
    }),
  }));
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
      const { system, jobEnv, submitOptions, reattach, bundle } = await backend(context);
      const store = new ResultStore(context.store);
      const total = items.length;
      let done = 0;
      let failed = 0;
      const runId = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}`;
      const [command, ...baseArgs] = bundle
        ? commandInBundle(options.command ?? defaultWorkCommand(), {
          deno: bundle.deno,
          denoDir: denoCacheDir(),
        })
        : options.command ?? defaultWorkCommand();
      // With file transfer: unpack the bundle in the scratch directory, use its DENO_DIR.
      const setup = bundle
        ? [
          `tar -xzf ${basename(bundle.path)} && rm -f ${basename(bundle.path)}`,
          'export DENO_DIR="$PWD/deno_dir" && mkdir -p store',
          ...(options.setup ? [options.setup] : []),
        ].join("\n")
        : options.setup;
      try {
        // Jobs an earlier run on this store submitted and that still run: waited for, not
        // submitted again (the earlier `run` may have died, its jobs did not).
        const attached = reattach
          ? await attachRunning(system, name, context.store, items)
          : emptyAttachment();
        let pending: readonly ExecutorItem[] = items.filter((item) =>
          !attached.claimed.has(item.hash)
        );
        for (
          let attempt = 1;
          pending.length > 0 || (attempt === 1 && attached.handles.length > 0);
          attempt++
        ) {
          if (context.signal?.aborted) return;
          if (attempt > 1) {
            const aborted = await sleep(context.retryDelay(attempt), context.signal);
            if (aborted) return;
          }
          const groups = groupItems(pending, options);
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
                bundle ? `in/${basename(context.config)}` : context.config,
                "--items",
                bundle ? `in/${basename(itemsFile)}` : itemsFile,
                "--store",
                bundle ? "store" : context.store,
                "--quiet",
              ],
              ...(bundle
                ? {
                  transfer: {
                    shared: [bundle.path],
                    inputs: [context.config, itemsFile],
                    outputs: ["store"],
                    returnDir: returnDirOf(context.store, `${tag}-${index}`),
                  },
                }
                : {}),
              // Plain stderr: its tail becomes the error message of failed items.
              env: { NO_COLOR: "1", ...jobEnv, ...options.env },
              cwd: context.store,
              stdout: join(context.store, "logs", `${tag}-${index}.out`),
              stderr: join(context.store, "logs", `${tag}-${index}.err`),
            });
          }
          // This attempt's jobs, after the re-attached ones on the first attempt.
          const first = attempt === 1;
          const jobs = {
            handles: first ? [...attached.handles] : [],
            groups: first ? [...attached.groups] : [],
            names: first ? [...attached.names] : [],
            stderr: first ? [...attached.stderr] : [],
            records: first ? [...attached.records] : [],
          };
          let states: JobState[];
          const report = (running: number) =>
            context.onProgress?.({ done, failed, running, total });
          try {
            if (specs.length > 0) {
              const handles = await system.submit(specs, {
                partition: options.partition,
                memoryMb: options.memoryMb,
                walltimeSeconds: options.walltimeSeconds,
                maxParallel: options.maxParallel,
                setup,
                batchName: tag,
                ...submitOptions,
                writableDirs: [
                  ...(submitOptions?.writableDirs ?? []),
                  join(context.store, "logs"),
                ],
              });
              jobs.handles.push(...handles);
              jobs.groups.push(...groups);
              jobs.names.push(...specs.map((spec) => spec.name));
              jobs.stderr.push(...specs.map((spec) => spec.stderr));
              if (reattach) {
                jobs.records.push(
                  await recordSubmission(context.store, {
                    format: "ristretto-submission",
                    version: 1,
                    executor: name,
                    tag,
                    handles,
                    items: groups.map((group) => group.map((item) => item.hash)),
                    stderr: specs.map((spec) => spec.stderr),
                    submittedAt: new Date().toISOString(),
                  }),
                );
              }
            }
            report(0);
            states = await waitForJobs(system, jobs.handles, {
              timeoutMs: options.timeoutMs ?? 12 * 3600_000,
              intervalMs: options.pollIntervalMs ?? 1000,
              signal: context.signal,
              onPoll: (polled) =>
                report(
                  polled.reduce(
                    (n, state, j) => n + (state.state === "running" ? jobs.groups[j].length : 0),
                    0,
                  ),
                ),
            });
          } catch (error) {
            // Timed out, aborted, or the system refused: cancel what may still run.
            const cancelled = await system.cancel(jobs.handles).then(() => true, () => false);
            if (cancelled) { for (const record of jobs.records) await forgetSubmission(record); }
            if (context.signal?.aborted) return;
            const reason = (error as Error).message;
            states = jobs.groups.map(() => ({ state: "failed", reason }));
          }
          for (const record of jobs.records) await forgetSubmission(record);
          if (bundle) {
            // The jobs' own stores came back by file transfer: their results join ours.
            for (const job of jobs.names) {
              await absorbStore(join(returnDirOf(context.store, job), "store"), context.store);
            }
          }
          const next: ExecutorItem[] = [];
          for (const [index, group] of jobs.groups.entries()) {
            const state = states[index];
            const jobError = state.state === "failed" || state.state === "held"
              ? `Cannot run "${jobs.names[index]}" on ${name}: ${state.reason}` +
                ` (logs in ${jobs.stderr[index]})`
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

/** Where the outputs of a transferring job come back. */
function returnDirOf(store: string, job: string): string {
  return join(store, "batch", "returned", job);
}

/**
 * Copies the results and failure records of a job's returned store into the run's store
 * (atomically: a copy under a temporary name, then renamed); a result already there is kept.
 */
async function absorbStore(from: string, into: string): Promise<void> {
  const store = new ResultStore(into);
  const walk = async (relativeDir: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(join(from, relativeDir))];
    } catch {
      return; // the job ended before storing anything
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue; // a write the job did not finish
      const path = join(relativeDir, entry.name);
      if (entry.isDirectory) {
        await walk(path);
        continue;
      }
      const target = join(into, path);
      const isResult = relativeDir.startsWith("results");
      if (isResult && (await Deno.stat(target).then(() => true, () => false))) continue;
      await Deno.mkdir(join(into, relativeDir), { recursive: true });
      const partial = join(into, relativeDir, `.${entry.name}.${crypto.randomUUID()}.tmp`);
      await Deno.copyFile(join(from, path), partial);
      await Deno.rename(partial, target);
      // a result supersedes the failure an earlier attempt recorded
      if (isResult) await store.remove("failures", entry.name.replace(/\.[^.]+$/, ""));
    }
  };
  for (const kind of ["results", "failures"]) await walk(kind);
}

/** Jobs of earlier submissions re-attached to, with the items each one processes. */
interface Attachment {
  readonly handles: JobHandle[];
  readonly groups: ExecutorItem[][];
  readonly names: string[];
  readonly stderr: string[];
  /** The records of the submissions they belong to (forgotten once they have ended). */
  readonly records: string[];
  /** Hashes of the items they process. */
  readonly claimed: Set<string>;
}

function emptyAttachment(): Attachment {
  return { handles: [], groups: [], names: [], stderr: [], records: [], claimed: new Set() };
}

/**
 * Polls the jobs of the submissions recorded in the store and keeps those still pending or
 * running that process some of `items`; forgets the records whose jobs have all ended.
 */
async function attachRunning(
  system: BatchSystem,
  executor: string,
  storeDir: string,
  items: readonly ExecutorItem[],
): Promise<Attachment> {
  const attachment = emptyAttachment();
  const wanted = new Map(items.map((item) => [item.hash, item]));
  for (const { path, record } of await readSubmissions(storeDir, executor)) {
    let states: JobState[];
    try {
      states = await system.poll(record.handles);
    } catch {
      continue; // cannot tell now: its items are submitted again; a later run retries the record
    }
    let attachedHere = false;
    for (const [index, state] of states.entries()) {
      if (isFinal(state)) continue;
      const group = (record.items[index] ?? [])
        .filter((hash) => wanted.has(hash) && !attachment.claimed.has(hash))
        .map((hash) => wanted.get(hash)!);
      if (group.length === 0) continue;
      attachedHere = true;
      for (const item of group) attachment.claimed.add(item.hash);
      attachment.handles.push(record.handles[index]);
      attachment.groups.push(group);
      attachment.names.push(record.handles[index].name);
      attachment.stderr.push(record.stderr[index] ?? "");
    }
    if (attachedHere) attachment.records.push(path);
    else if (states.every(isFinal)) await forgetSubmission(path);
  }
  return attachment;
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

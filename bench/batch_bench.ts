/**
 * Batch executors (`slurm`, `htcondor`, `dask`) against the project's services
 * (.ci/services/up.sh): the per-item overhead. Items of one event of the default example's
 * generated data: all in one job (6 then 30 items: the per-item cost inside a job and the
 * fixed cost of a submission: scheduling, starting Deno, loading the config), and one job per
 * item (6 jobs: a submission's latency when jobs run side by side). A system whose service is
 * down is reported as skipped.
 * @module
 */
import type { Executor } from "../core/plugin/mod.ts";
import { runAnalysis } from "../core/processor/mod.ts";
import {
  type BatchExecutorOptions,
  daskExecutor,
  htcondorExecutor,
  serviceDownReason,
  slurmExecutor,
} from "../executors/batch/mod.ts";
import { ResultStore } from "../core/store/mod.ts";
import { builtinRegistry } from "../cli/builtins.ts";
import { loadAsRun, setUpExample } from "../tests/_example_setup.ts";
import { round } from "./_timing.ts";

const SYSTEMS: { name: string; make: (options: BatchExecutorOptions) => Executor }[] = [
  { name: "slurm", make: slurmExecutor },
  { name: "htcondor", make: htcondorExecutor },
  { name: "dask", make: daskExecutor },
];

/**
 * A run on a fresh store, best of `runs` (batch scheduling is noisy): its wall time (ms) and the
 * time between consecutive items inside the job, from the `at` stamps the job wrote into the
 * results (ms; the wall time alone mixes it with the polling interval).
 */
async function timeRun(
  run: (store: string) => Promise<unknown>,
  runs = 2,
): Promise<{ ms: number; itemGapMs: number }> {
  let best = { ms: Infinity, itemGapMs: NaN };
  for (let i = 0; i < runs; i++) {
    const folder = await Deno.makeTempDir({ prefix: "ristretto_batch_bench_" });
    try {
      const start = performance.now();
      await run(folder);
      const ms = performance.now() - start;
      if (ms < best.ms) best = { ms, itemGapMs: await meanItemGap(new ResultStore(folder)) };
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  }
  return best;
}

/** Mean time between the stored items' `at` stamps (ms; the items of one job run in a row). */
async function meanItemGap(store: ResultStore): Promise<number> {
  const stamps: number[] = [];
  for (const entry of await store.list("results")) {
    const header = await store.getResultHeader("results", entry.hash);
    stamps.push(Date.parse(String(header.at)));
  }
  if (stamps.length < 2) return NaN;
  return (Math.max(...stamps) - Math.min(...stamps)) / (stamps.length - 1);
}

/** Runs the benchmark and returns its figures. */
export async function benchBatch(): Promise<object[]> {
  const figures: object[] = [];
  const registry = builtinRegistry();
  const example = await setUpExample({ scale: 0.01, files: 1 });
  // the HTCondor pool's jobs run as another user: they read the data and the config
  await new Deno.Command("chmod", { args: ["-R", "a+rwX", example.dir] }).output();
  try {
    const loaded = await loadAsRun(example.configPath);
    const perDataset = 5;
    const run = (executor: Executor, limitChunks: number) => (store: string) =>
      runAnalysis(loaded, { registry, executor, chunkSize: 1, limitChunks, store });
    for (const { name, make } of SYSTEMS) {
      const skip = await serviceDownReason(name);
      if (skip) {
        figures.push({ case: `batch per-item overhead: ${name}`, skipped: skip });
        continue;
      }
      const options: BatchExecutorOptions = { pollIntervalMs: 200, timeoutMs: 120_000 };
      try {
        const few = await timeRun(run(make({ ...options, maxJobs: 1 }), 1)); // 6 items, 1 job
        const many = await timeRun(run(make({ ...options, maxJobs: 1 }), perDataset)); // 30, 1 job
        const jobs = await timeRun(run(make({ ...options, itemsPerJob: 1 }), 1)); // 6 jobs
        const perItem = many.itemGapMs;
        figures.push({
          case: `batch per-item overhead of a one-event item: ${name}`,
          perItemInJobMs: round(perItem),
          submissionMs: round(few.ms - 6 * perItem),
          sixItemsOneJobMs: round(few.ms),
          thirtyItemsOneJobMs: round(many.ms),
          sixItemsSixJobsMs: round(jobs.ms),
          note: "perItemInJobMs: between consecutive items of one job, from their stored time " +
            "stamps; submissionMs: submit, schedule, start Deno + load config, poll, read the store",
        });
      } catch (error) {
        figures.push({
          case: `batch per-item overhead: ${name}`,
          failed: (error as Error).message,
        });
      }
    }
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
  return figures;
}

if (import.meta.main) {
  for (const figure of await benchBatch()) console.log(JSON.stringify(figure));
}

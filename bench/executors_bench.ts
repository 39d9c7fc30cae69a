/**
 * Executors: the AGC-like benchmark (bench/agc_bench.ts's analysis, big_zlib1.root x 4, then
 * x 16) on local-workers with 2 workers vs 1 (speedup; target >= 1.7 on 2 cores), and the per-item
 * overhead of each executor: the submit-to-result time of an item of one event (open, read,
 * process, store, report) on the default example's generated data, with one worker so items
 * run one after another, and the start-up cost of the worker pool.
 * @module
 */
import { fileURLToPath } from "node:url";
import { configFromText, type LoadedConfig } from "../core/config/mod.ts";
import type { Executor, Registry } from "../core/plugin/mod.ts";
import { runAnalysis } from "../core/processor/mod.ts";
import { hasSharedData, sharedDataPath } from "../core/testing/mod.ts";
import {
  inProcessExecutor,
  localWorkersExecutor,
  startWorkersEarly,
} from "../executors/local/mod.ts";
import { builtinRegistry } from "../cli/builtins.ts";
import { loadAsRun, setUpExample } from "../tests/_example_setup.ts";
import { agcConfig as sharedAgcConfig } from "./_agc_config.ts";
import { round } from "./_timing.ts";

const BENCH_FILE = "bench/big_zlib1.root";

/**
 * The file as `copies` datasets of the same sample (distinct datasets, so distinct items). 4
 * copies (900k events) is the figure of record; 16 (3.6M events) shows the speedup once the
 * fixed costs of a run (planning, starting each worker, its JIT warm-up, the final merge) are
 * a small part of it.
 */
const COPIES = 4;
const LONG_COPIES = 16;
const datasets = (file: string, copies: number) =>
  Array.from({ length: copies }, (_, i) =>
    `    TTbar_2018_${i}:
      metadata: {sample: TTbar, year: "2018", isMC: true, xsec: 833.9}
      files: [${file}]`).join("\n");
const AGC_PARAMETERS = {
  lumi: { picobarn: { "2018": 59830 } },
  jets: { jesFlatUncertainty: 0.03 },
};

/** Wall times of `runs` runs on fresh stores (ms), in order. */
async function timeRuns(
  run: (store: string) => Promise<unknown>,
  runs: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const store = await Deno.makeTempDir({ prefix: "ristretto_exec_bench_" });
    try {
      const start = performance.now();
      await run(store);
      times.push(performance.now() - start);
    } finally {
      await Deno.remove(store, { recursive: true });
    }
  }
  return times;
}

/** Wall time of a run on a fresh store (ms), best of `runs`. */
async function timeRun(
  run: (store: string) => Promise<unknown>,
  runs: number,
): Promise<number> {
  return Math.min(...await timeRuns(run, runs));
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * How many cores this process can get right now: a CPU-bound loop in one subprocess, then in
 * two at once (2 = two idle cores; 1 = the machine is busy with something else). The speedup
 * below means little unless this is near 2.
 */
async function parallelCapacity(): Promise<number> {
  const spin = () =>
    new Deno.Command(Deno.execPath(), {
      args: ["eval", "let x = 0; for (let i = 0; i < 4e8; i++) x += i; if (x < 0) console.log(x);"],
      stdout: "null",
      stderr: "null",
    }).output();
  let start = performance.now();
  await spin();
  const one = performance.now() - start;
  start = performance.now();
  await Promise.all([spin(), spin()]);
  const two = performance.now() - start;
  return (2 * one) / two;
}

/**
 * CPU seconds of this process and of its reaped children (Linux /proc; 0 elsewhere). Deno
 * grants /proc/<own pid> only with --allow-all, so `cat` reads it (the bench may run programs).
 */
function cpuSeconds(): { self: number; children: number } {
  try {
    const output = new Deno.Command("cat", { args: [`/proc/${Deno.pid}/stat`] }).outputSync();
    const fields = new TextDecoder().decode(output.stdout).split(") ")[1].split(" ");
    // Fields 14-17 of stat (utime stime cutime cstime), counted from "state" as field 3.
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return { self: (utime + stime) / 100, children: (cutime + cstime) / 100 };
  } catch {
    return { self: 0, children: 0 };
  }
}

/** Wall time (ms) of one in-process run in a subprocess of its own, `copies` at once. */
async function inProcessRunsAtOnce(copies: number): Promise<number> {
  const once = () =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--allow-all",
        fileURLToPath(new URL("./_agc_in_process_once.ts", import.meta.url)),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output().then((result) => Number(new TextDecoder().decode(result.stdout).trim()));
  const times = await Promise.all(Array.from({ length: copies }, once));
  return Math.max(...times);
}

/**
 * How far the AGC-like workload itself scales on this machine: two in-process runs at once vs
 * one alone (2 = perfectly; a single run already keeps part of a second core busy with V8's
 * garbage-collector and compiler threads). No executor can beat this ceiling.
 */
async function workloadCapacity(): Promise<number> {
  const alone = await inProcessRunsAtOnce(1);
  const together = await inProcessRunsAtOnce(2);
  return (2 * alone) / together;
}

/** The AGC-like config of this benchmark (`copies` datasets of the bench file, default 4). */
export function executorsBenchConfig(copies = COPIES): LoadedConfig {
  const datasetsYaml = datasets(sharedDataPath(BENCH_FILE), copies).replace(/\n$/, "");
  return configFromText("agc_like.yaml", sharedAgcConfig(datasetsYaml), {
    parameters: AGC_PARAMETERS,
  });
}

/** 72 items of 12 500 events: both workers stay busy to the end. */
export const EXECUTORS_BENCH_CHUNK_SIZE = 12_500;

/**
 * Wall time of the AGC-like analysis on local-workers with 1 and 2 workers, `runs` runs each
 * alternately (the machine's load drifts): medians, the speedup, and CPU seconds per run of
 * this process (planning, merge) and of the workers; also one in-process run for reference.
 */
async function workersSpeedup(
  loaded: LoadedConfig,
  options: { registry: Registry; runs: number },
): Promise<Record<string, unknown>> {
  const { registry, runs } = options;
  const chunkSize = EXECUTORS_BENCH_CHUNK_SIZE;
  // As `run` does: local-workers start their workers before planning.
  const run = (make: () => Executor) => async (store: string) => {
    const executor = make();
    const stopIdle = startWorkersEarly(executor);
    await runAnalysis(loaded, { registry, executor, chunkSize, store }).finally(stopIdle);
  };
  const local = await timeRun(run(() => inProcessExecutor()), 1);
  const cpu = { one: { parent: 0, workers: 0 }, two: { parent: 0, workers: 0 } };
  const times = { one: [] as number[], two: [] as number[] };
  for (let i = 0; i < runs; i++) {
    for (const [key, workers] of [["one", 1], ["two", 2]] as const) {
      const before = cpuSeconds();
      times[key].push(...await timeRuns(run(() => localWorkersExecutor({ workers })), 1));
      const after = cpuSeconds();
      cpu[key].parent += (after.self - before.self) / runs;
      cpu[key].workers += (after.children - before.children) / runs;
    }
  }
  const one = { ms: median(times.one), ...cpu.one };
  const two = { ms: median(times.two), ...cpu.two };
  const pairwise = times.one.map((ms, i) => ms / times.two[i]).sort((a, b) => a - b);
  return {
    localMs: round(local),
    oneWorkerMs: round(one.ms),
    twoWorkersMs: round(two.ms),
    speedup: round(one.ms / two.ms),
    oneWorkerRunsMs: times.one.map((ms) => round(ms)),
    twoWorkersRunsMs: times.two.map((ms) => round(ms)),
    pairwiseSpeedupRange: [round(pairwise[0]), round(pairwise[pairwise.length - 1])],
    speedupVsInProcess: round(local / two.ms),
    cpuSecondsOneWorker: { parent: round(one.parent, 2), workers: round(one.workers, 2) },
    cpuSecondsTwoWorkers: { parent: round(two.parent, 2), workers: round(two.workers, 2) },
    // On two idle cores a run takes about its parent CPU plus its workers' CPU divided by the
    // workers (the items are balanced): the speedup the CPU figures imply.
    projectedSpeedupOnIdleCores: round(
      (one.parent + one.workers) / (two.parent + two.workers / 2),
    ),
  };
}

/** Runs the benchmark and returns its figures. */
export async function benchExecutors(): Promise<object[]> {
  const figures: object[] = [];
  const registry = builtinRegistry();

  // 1. AGC-like on local-workers, 2 workers vs 1 (and in-process for reference).
  if (!hasSharedData(BENCH_FILE)) {
    figures.push({ case: "AGC-like on local-workers", skipped: `${BENCH_FILE} is absent` });
  } else {
    const capacity = await parallelCapacity();
    const ceiling = await workloadCapacity();
    const short = await workersSpeedup(executorsBenchConfig(COPIES), { registry, runs: 5 });
    figures.push({
      case: "AGC-like ttbar (4 x 225k events, 72 items) on local-workers: 2 workers vs 1",
      ...short,
      cores: navigator.hardwareConcurrency,
      parallelCapacity: round(capacity, 2),
      capacityAfter: round(await parallelCapacity(), 2),
      workloadCapacity: round(ceiling, 2),
      workloadCapacityNote:
        "two in-process runs at once vs one: the ceiling of any 2-worker speedup",
      target: "speedup >= 1.7 on 2 cores",
    });
    const long = await workersSpeedup(executorsBenchConfig(LONG_COPIES), { registry, runs: 3 });
    figures.push({
      case: "AGC-like ttbar (16 x 225k events, 288 items) on local-workers: 2 workers vs 1",
      ...long,
      parallelCapacityAfter: round(await parallelCapacity(), 2),
      target: "speedup >= 1.7 on 2 cores",
    });
  }

  // 2. Per-item overhead: items of one event each, one at a time.
  const example = await setUpExample({ scale: 0.01, files: 1 });
  try {
    const loaded = await loadAsRun(example.configPath);
    const perDataset = 5;
    const items = perDataset * 6;
    const run = (executor: () => Executor, limitChunks: number) => (store: string) =>
      runAnalysis(loaded, { registry, executor: executor(), chunkSize: 1, limitChunks, store });
    for (
      const [name, executor] of [
        ["local", () => inProcessExecutor()],
        ["local-workers (1 worker)", () => localWorkersExecutor({ workers: 1 })],
      ] as const
    ) {
      const few = await timeRun(run(executor, 1), 2); // 6 items
      const many = await timeRun(run(executor, perDataset), 2);
      const perItem = (many - few) / (items - 6);
      figures.push({
        case: `submit-to-result latency of a one-event item: ${name}`,
        perItemMs: round(perItem),
        fixedMs: round(few - 6 * perItem),
        note: "fixedMs: planning, merge and (local-workers) starting the worker process",
      });
    }
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
  return figures;
}

if (import.meta.main) {
  for (const figure of await benchExecutors()) console.log(JSON.stringify(figure));
}

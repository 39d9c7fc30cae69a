/**
 * `deno task bench [name...]`: runs the benchmarks and prints one JSON line per figure.
 * Each benchmark module exports an async function returning JSON-able figure objects.
 * @module
 */

type Benchmark = { name: string; load: () => Promise<() => Promise<object[]>> };

const benchmarks: Benchmark[] = [
  { name: "core", load: async () => (await import("./core_bench.ts")).benchCore },
  {
    name: "root-read",
    load: () => Promise.resolve(() => import("./root_read.ts").then((m) => m.benchRootRead())),
  },
  {
    name: "parquet-read",
    load: () =>
      Promise.resolve(() => import("./parquet_read.ts").then((m) => m.benchParquetRead())),
  },
  { name: "agc", load: async () => (await import("./agc_bench.ts")).benchAgc },
  {
    name: "corrections",
    load: async () => (await import("./correctionlib_eval.ts")).benchCorrections,
  },
  { name: "plot", load: async () => (await import("./plot_bench.ts")).benchPlots },
  { name: "fit", load: async () => (await import("./fit_bench.ts")).benchFit },
  { name: "xrootd", load: async () => (await import("./xrootd_bench.ts")).benchXrootd },
  { name: "root-write", load: async () => (await import("./root_write.ts")).benchRootWrite },
  { name: "merge", load: async () => (await import("./merge_bench.ts")).benchMerge },
  { name: "executors", load: async () => (await import("./executors_bench.ts")).benchExecutors },
  { name: "batch", load: async () => (await import("./batch_bench.ts")).benchBatch },
];

/** Runs the selected benchmarks (all when no names are given). */
export async function runBenchmarks(names: string[]): Promise<void> {
  const selected = names.length === 0
    ? benchmarks
    : benchmarks.filter((benchmark) => names.includes(benchmark.name));
  if (selected.length === 0) {
    const known = benchmarks.map((benchmark) => benchmark.name).join(", ");
    console.error(`Cannot run benchmarks "${names.join(", ")}": known benchmarks are ${known}`);
    Deno.exit(2);
  }
  for (const benchmark of selected) {
    const run = await benchmark.load();
    for (const figure of await run()) {
      console.log(JSON.stringify({ benchmark: benchmark.name, ...figure }));
    }
  }
}

if (import.meta.main) {
  await runBenchmarks(Deno.args);
}

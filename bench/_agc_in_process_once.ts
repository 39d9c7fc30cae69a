/**
 * One in-process run of the executors benchmark's AGC-like analysis, in its own process:
 * prints its wall time in ms. executors_bench.ts runs one alone and two at once to measure how
 * far this workload (with V8's own GC and compiler threads) can scale on this machine's cores.
 * @module
 */
import { runAnalysis } from "../core/processor/mod.ts";
import { inProcessExecutor } from "../executors/local/mod.ts";
import { builtinRegistry } from "../cli/builtins.ts";
import { EXECUTORS_BENCH_CHUNK_SIZE, executorsBenchConfig } from "./executors_bench.ts";

const store = await Deno.makeTempDir({ prefix: "ristretto_exec_bench_" });
try {
  const start = performance.now();
  await runAnalysis(executorsBenchConfig(), {
    registry: builtinRegistry(),
    executor: inProcessExecutor(),
    chunkSize: EXECUTORS_BENCH_CHUNK_SIZE,
    store,
  });
  console.log(Math.round(performance.now() - start));
} finally {
  await Deno.remove(store, { recursive: true });
}

/**
 * An AGC-like semileptonic ttbar analysis on ../shared/data/bench/big_zlib1.root (225k events):
 * exactly one lepton, >= 4 jets, two regions (1 and >= 2 b-tags), HT and trijet-mass histograms,
 * 10 variations (4 weight variations up/down and a jet-energy-scale shape variation up/down).
 * Prints events/s on one core and the ratio of the whole run to reading the same branches
 * over the same work items alone (target <= 2.0): the median of 5 interleaved pairs, and the
 * range.
 * @module
 */
import { configFromText } from "@ristretto/core/config";
import { openDataFile, runAnalysis } from "@ristretto/core/processor";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { inProcessExecutor } from "@ristretto/executor-local";
import { builtinRegistry } from "../cli/builtins.ts";
import { round } from "./_timing.ts";
import { agcConfig } from "./_agc_config.ts";

const BENCH_FILE = "bench/big_zlib1.root";

const DATASET_LINES = `    TTbar_2018:
      metadata: {sample: TTbar, year: "2018", isMC: true, xsec: 833.9}
      files: [FILE]`;

/** Timed (read alone, whole run) pairs after one warm-up of each. */
const PAIRS = 5;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const config = (file: string) => agcConfig(DATASET_LINES.replace("FILE", file));

/** Runs the benchmark and returns its figures. */
export async function benchAgc(): Promise<object[]> {
  if (!hasSharedData(BENCH_FILE)) return [{ skipped: `${BENCH_FILE} is absent` }];
  const file = sharedDataPath(BENCH_FILE);
  const loaded = configFromText("agc_like.yaml", config(file), {
    parameters: { lumi: { picobarn: { "2018": 59830 } }, jets: { jesFlatUncertainty: 0.03 } },
  });
  const registry = builtinRegistry();
  const executor = inProcessExecutor();
  const run = () => runAnalysis(loaded, { registry, executor, chunkSize: 25_000 });

  const first = await run(); // warm-up, and the plan and items the read-only pass uses
  const branches = [...first.plan.branches];
  const readOnly = async () => {
    for (const item of first.items) {
      const opened = await openDataFile(registry, item.file);
      const available = new Set(opened.branches(item.tree).map((branch) => branch.name));
      await opened.read(item.tree, branches.filter((b) => available.has(b)), item);
      await opened.close();
    }
  };
  await readOnly();
  // Interleaved pairs: a busy machine slows both halves of a pair alike, so the ratio of each
  // pair is steadier than either time; the median pair is reported with the range.
  const runs: number[] = [], reads: number[] = [], ratios: number[] = [];
  let events = 0;
  for (let i = 0; i < PAIRS; i++) {
    let start = performance.now();
    await readOnly();
    reads.push(performance.now() - start);
    start = performance.now();
    events = (await run()).events;
    runs.push(performance.now() - start);
    ratios.push(runs[i] / reads[i]);
  }
  const runMs = median(runs);
  const sample = first.outputs.get("TTbar_2018")!.samples.TTbar;
  return [{
    case: "AGC-like ttbar, 1 lepton + >= 4 jets, 2 regions, 2 histograms, 10 variations",
    events,
    branches: branches.length,
    selected4j1b: sample.cutflow.nominal["4j1b"].events,
    selected4j2b: sample.cutflow.nominal["4j2b"].events,
    variations:
      (sample.histograms.ht.axis("variation") as unknown as { categories: string[] }).categories
        .length - 1,
    pairs: PAIRS,
    runMs: round(runMs),
    readOnlyMs: round(median(reads)),
    eventsPerSecond: Math.round(events / (runMs / 1000)),
    ratioToRead: round(median(ratios)),
    ratioRange: [round(Math.min(...ratios)), round(Math.max(...ratios))],
    target: "ratio <= 2.0",
  }];
}

if (import.meta.main) {
  for (const figure of await benchAgc()) console.log(JSON.stringify(figure));
}

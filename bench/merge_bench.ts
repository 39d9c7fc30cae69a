/**
 * The streaming merge on 10,000 small item results (one dataset, the worst case): each result
 * holds 8 weighted histograms of 3 categories x 7 variations x 52 bins, mostly zeros, and a
 * cutflow. Prints items/s of the merge, the peak RSS during it (and before it, for scale),
 * the bytes held by one decoded result and by all of them (what a load-everything merge would
 * hold), and the stored size per item.
 * @module
 */
import { Hist, regular, strCategory } from "../core/hist/mod.ts";
import type { DatasetOutput } from "../core/processor/chunk_output.ts";
import { mergeStoredResults } from "../core/processor/merge_stream.ts";
import { ResultStore } from "../core/store/result_store.ts";
import { round } from "./_timing.ts";

const VARIATIONS = ["nominal", "aUp", "aDown", "bUp", "bDown", "cUp", "cDown"];

function itemResult(i: number): DatasetOutput {
  const histograms: Record<string, Hist> = {};
  for (let h = 0; h < 8; h++) {
    const hist = new Hist([
      strCategory("cat", ["c1", "c2", "c3"]),
      strCategory("variation", VARIATIONS),
      regular("x", { bins: 50, start: 0, stop: 100 }),
    ]);
    // A few dozen entries per item: most bins stay zero.
    const x = new Float64Array(20).map((_, k) => (i * 7 + k * 13 + h) % 120);
    hist.fill({ cat: "c1", variation: "nominal", x }, { weight: 1 + (i % 5) * 0.01 });
    histograms[`h${h}`] = hist;
  }
  return {
    dataset: "d",
    events: 1000,
    sumGenWeight: 1000 + i * 1e-3,
    samples: {
      s: {
        cutflow: {
          nominal: { initial: { events: 1000, sumw: 1000 }, presel: { events: 20, sumw: 20 } },
        },
        histograms,
        columns: {},
      },
    },
  };
}

/** Runs the benchmark and returns its figures. */
export async function benchMerge(options: { items?: number } = {}): Promise<object[]> {
  const count = options.items ?? 10_000;
  const folder = await Deno.makeTempDir({ prefix: "ristretto_merge_bench_" });
  try {
    const store = await new ResultStore(folder).init();
    const hashes: string[] = [];
    let writeMs = performance.now();
    for (let i = 0; i < count; i++) {
      const hash = i.toString(16).padStart(16, "0").repeat(4);
      await store.putResult("results", hash, itemResult(i));
      hashes.push(hash);
    }
    writeMs = performance.now() - writeMs;
    const storedBytes = (await store.list("results")).reduce((sum, e) => sum + e.bytes, 0);
    const decodedBytes = 8 * 3 * 7 * 52 * 2 * 8;
    const figures: object[] = [];
    for (const window of [1, 8, 32]) {
      (globalThis as { gc?: () => void }).gc?.();
      const before = Deno.memoryUsage().rss;
      let peak = before;
      const start = performance.now();
      const merged = await mergeStoredResults(store, hashes, {
        window,
        onMerged: (n) => {
          if (n % 50 === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
        },
      });
      const ms = performance.now() - start;
      peak = Math.max(peak, Deno.memoryUsage().rss);
      figures.push({
        case: `streaming tree merge of ${count} stored item results, read-ahead window ${window}`,
        items: count,
        events: merged!.events,
        mergeMs: round(ms),
        itemsPerSecond: Math.round(count / (ms / 1000)),
        rssBeforeMiB: round(before / 2 ** 20, 1),
        peakRssMiB: round(peak / 2 ** 20, 1),
        allResultsDecodedMiB: round((decodedBytes * count) / 2 ** 20, 1),
        storedBytesPerItem: Math.round(storedBytes / count),
        decodedBytesPerItem: decodedBytes,
        writeItemsPerSecond: Math.round(count / (writeMs / 1000)),
      });
    }
    return figures;
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

if (import.meta.main) {
  for (const figure of await benchMerge()) console.log(JSON.stringify(figure));
}

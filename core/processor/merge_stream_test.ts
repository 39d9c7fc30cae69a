import { deepEqual, equal } from "node:assert/strict";
import { Hist, regular } from "../hist/mod.ts";
import { ResultStore } from "../store/result_store.ts";
import type { DatasetOutput } from "./chunk_output.ts";
import { mergeStoredResults } from "./merge_stream.ts";

function output(i: number): DatasetOutput {
  const hist = new Hist([regular("x", { bins: 3, start: 0, stop: 3 })]);
  hist.fill({ x: new Float64Array([i % 3]) }, { weight: 0.1 * (i + 1) });
  return {
    dataset: "d",
    events: 1,
    sumGenWeight: 0.1 * (i + 1),
    samples: {
      s: {
        cutflow: { nominal: { initial: { events: 1, sumw: 1 } } },
        histograms: { h: hist },
        columns: { e: { c: { v: new Float32Array([i]) } } },
      },
    },
  };
}

Deno.test("streaming merge: sums, key-order concatenation, same bits for any window", async () => {
  const folder = await Deno.makeTempDir({ prefix: "ristretto_merge_test_" });
  try {
    const store = await new ResultStore(folder).init();
    const hashes: string[] = [];
    for (let i = 0; i < 13; i++) {
      const hash = i.toString(16).padStart(2, "0").repeat(32);
      await store.putResult("results", hash, output(i));
      hashes.push(hash);
    }
    let peak = 0;
    const merged = (await mergeStoredResults(store, hashes, {
      window: 3,
      onMerged: (n) => (peak = Math.max(peak, n)),
    }))!;
    equal(peak, 13);
    equal(merged.events, 13);
    deepEqual(
      merged.samples.s.columns.e.c.v,
      new Float32Array(Array.from({ length: 13 }, (_, i) => i)),
    );
    equal(merged.samples.s.cutflow.nominal.initial.events, 13);
    const again = (await mergeStoredResults(store, hashes, { window: 1 }))!;
    deepEqual(
      again.samples.s.histograms.h.values({ flow: true }),
      merged.samples.s.histograms.h.values({ flow: true }),
    );
    equal(again.sumGenWeight, merged.sumGenWeight);
    equal(await mergeStoredResults(store, []), undefined);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

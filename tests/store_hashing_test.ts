/**
 * What enters a work item's hash, on the default example: where results go, which executor
 * runs them, comments and key order, limits and filters change nothing; a new histogram or a
 * changed parameter changes every item; a dataset's metadata changes only its own items.
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { planRun, type RunPlan } from "@ristretto/core/processor";
import { ResultStore } from "@ristretto/core/store";
import { inProcessExecutor } from "@ristretto/executor-local";
import { builtinRegistry } from "../cli/builtins.ts";
import { loadAsRun, setUpExample } from "./_example_setup.ts";

Deno.test("work-item hashes change exactly when results can", async () => {
  const example = await setUpExample({ scale: 0.01, files: 1 });
  try {
    const plan = async (
      text: string,
      options: { store?: string; limitChunks?: number; filterSamples?: string[] } = {},
      registry = builtinRegistry(),
    ): Promise<RunPlan> => {
      const path = `${example.dir}/variant.yaml`;
      await Deno.writeTextFile(path, text);
      const loaded = await loadAsRun(path);
      return await planRun(loaded, {
        registry,
        store: new ResultStore(options.store ?? `${example.dir}/store`),
        chunkSize: 500,
        limitChunks: options.limitChunks,
        filterSamples: options.filterSamples,
      });
    };
    const hashes = (p: RunPlan) => p.items.map((item) => item.hash);
    const base = await plan(example.configText);
    ok(base.items.length > 6);
    equal(new Set(hashes(base)).size, base.items.length, "hashes are unique");

    // Where, how, and how much: no change.
    deepEqual(
      hashes(await plan(example.configText, { store: `${example.dir}/other` })),
      hashes(base),
    );
    deepEqual(
      hashes(await plan(example.configText, {}, builtinRegistry().add(inProcessExecutor()))),
      hashes(base),
      "the executor is not in the hash",
    );
    deepEqual(
      hashes(await plan(`# a comment\n${example.configText}\n# another\n`)),
      hashes(base),
      "comments do not count",
    );
    const limited = hashes(await plan(example.configText, { limitChunks: 1 }));
    ok(limited.every((hash) => hashes(base).includes(hash)), "limits select items");
    const filtered = await plan(example.configText, { filterSamples: ["DYJetsToLL"] });
    ok(filtered.items.every((item) => hashes(base).includes(item.hash)), "filters select items");

    // What is computed: every item changes.
    const withHistogram = example.configText.replace(
      "histograms:\n",
      'histograms:\n  extra_pt:\n    axes:\n      - { expr: "GoodMuon[0].pt", bins: 5, start: 0, stop: 100 }\n',
    );
    ok(withHistogram !== example.configText);
    const added = hashes(await plan(withHistogram));
    ok(added.every((hash) => !hashes(base).includes(hash)), "a new histogram changes all");
    const layered = example.configText.replace(
      /^parameters: \[(.*)\]$/m,
      "parameters: [$1, {jets: {jesFlatUncertainty: 0.05}}]",
    );
    ok(layered !== example.configText);
    const changed = hashes(await plan(layered));
    ok(changed.every((hash) => !hashes(base).includes(hash)), "a parameter changes all");

    // A dataset's metadata: only its items.
    const datasets = JSON.parse(await Deno.readTextFile(example.datasetsJson));
    const name = Object.keys(datasets).find((key) => key.startsWith("TTToSemi"))!;
    datasets[name].metadata.xsec = "1.0";
    await Deno.writeTextFile(example.datasetsJson, JSON.stringify(datasets));
    const xsec = await plan(example.configText);
    for (const [index, item] of xsec.items.entries()) {
      equal(
        item.hash === base.items[index].hash,
        item.dataset !== name,
        `${item.dataset}: changed only for ${name}`,
      );
    }
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
});

/**
 * Fault tests on the default example with small generated data: an item failing twice then
 * succeeding is retried and merged; one failing always is reported, the rest merged, the
 * output marked partial, and a rerun completes it; a worker killed with SIGKILL loses only its
 * item, which a rerun (or a retry) computes once; a truncated input with skipBadFiles is
 * recorded as skipped. Failures come from the test hooks of core/processor/work.ts.
 * @module
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { readdir, readFile, truncate } from "node:fs/promises";
import { join } from "node:path";
import { type LoadedConfig } from "@ristretto/core/config";
import {
  type AnalysisResult,
  runAnalysis,
  workItemKey,
  writeOutputs,
} from "@ristretto/core/processor";
import { API_VERSION, type Executor, type WeightProvider } from "@ristretto/core/plugin";
import { type FailureRecord, ResultStore } from "@ristretto/core/store";
import { assertSameMerged, mergedBytes, referenceExecutor } from "@ristretto/core/testing";
import { inProcessExecutor, localWorkersExecutor } from "@ristretto/executor-local";
import { builtinRegistry } from "../cli/builtins.ts";
import { main } from "../cli/main.ts";
import { cliCommand, loadAsRun, setUpExample } from "./_example_setup.ts";

const CHUNK = 700;

Deno.test("executor faults: retries, permanent failures, killed workers, bad files", async (t) => {
  const example = await setUpExample({ scale: 0.02 });
  const registry = builtinRegistry();
  try {
    const loaded = await loadAsRun(example.configPath);
    const run = (executor: Executor, store: string, retries = 0) =>
      runAnalysis(loaded, { registry, executor, chunkSize: CHUNK, store, retries, backoffMs: 5 });
    const reference = await run(referenceExecutor(), join(example.dir, "reference"));
    // A simulated item in the middle of the list, and its key for the hooks.
    const victim = reference.items.find((item) => item.dataset.startsWith("TTToSemi"))!;
    const key = workItemKey(victim);
    let n = 0;
    const fresh = () => join(example.dir, `store-${n++}`);

    await t.step("an item failing twice then succeeding is retried and merged", async () => {
      for (
        const executor of [
          localWorkersExecutor({ workers: 2, env: { RISTRETTO_TEST_FAIL: `${key}:2` } }),
          withEnv(inProcessExecutor(), { RISTRETTO_TEST_FAIL: `${key}:2` }),
        ]
      ) {
        const store = fresh();
        const result = await run(executor, store, 2);
        deepEqual(result.failed, [], executor.name);
        assertSameMerged(result, reference, executor.name);
        const hooks = await readdir(join(store, ".test_hooks"));
        equal(hooks.length, 1);
        equal(await readFile(join(store, ".test_hooks", hooks[0]), "utf8"), "2", "failed twice");
        equal((await new ResultStore(store).list("failures")).length, 0, "failure cleared");
      }
    });

    await t.step(
      "an item failing always is reported; the rest merge; a rerun completes",
      async () => {
        const store = fresh();
        const executor = localWorkersExecutor({
          workers: 2,
          env: { RISTRETTO_TEST_FAIL: `${key}:always` },
        });
        const partial = await run(executor, store, 1);
        equal(partial.failed.length, 1);
        deepEqual(partial.failed[0].item, victim);
        equal(partial.failed[0].attempts, 2);
        match(partial.failed[0].error, /RISTRETTO_TEST_FAIL/);
        equal(partial.events, reference.events - (victim.stop - victim.start));
        assertOtherDatasetsSame(partial, reference, victim.dataset);
        const records = await new ResultStore(store).list("failures");
        equal(records.length, 1);
        const record = JSON.parse(await readFile(records[0].path, "utf8")) as FailureRecord;
        equal(record.key, key);
        equal(record.attempts, 2);
        const out = join(example.dir, "out-partial");
        await writeOutputs(out, partial, { registry, info: info(loaded) });
        const metadata = JSON.parse(await readFile(join(out, "metadata.json"), "utf8"));
        equal(metadata.partial, true);
        deepEqual(metadata.failed.map((f: { item: unknown }) => f.item), [victim]);

        const completed = await run(localWorkersExecutor({ workers: 2 }), store);
        equal(completed.computed, 1, "only the failed item is computed");
        deepEqual(completed.failed, []);
        assertSameMerged(completed, reference, "resubmitted");
      },
    );

    await t.step("a worker killed with SIGKILL: the rerun computes its item once", async () => {
      const store = fresh();
      const killed = await run(
        localWorkersExecutor({ workers: 2, env: { RISTRETTO_TEST_KILL: key } }),
        store,
      );
      // Only the victim fails: the item already sent behind it (workers get their next item
      // ahead) never started, so it goes back to the queue without spending its one attempt.
      equal(killed.failed.length, 1);
      deepEqual(killed.failed[0].item, victim);
      match(killed.failed[0].error, /SIGKILL/);
      equal(killed.computed, reference.items.length - 1);
      const rerun = await run(localWorkersExecutor({ workers: 2 }), store);
      equal(rerun.computed, 1);
      equal(rerun.reused, reference.items.length - 1);
      equal(rerun.events, reference.events, "no event counted twice");
      assertSameMerged(rerun, reference, "after kill -9 and rerun");

      // With a retry the same run replaces the worker and completes.
      const retried = await run(
        localWorkersExecutor({ workers: 2, env: { RISTRETTO_TEST_KILL: key } }),
        fresh(),
        1,
      );
      deepEqual(retried.failed, []);
      assertSameMerged(retried, reference, "killed, retried");
    });

    await t.step("a whole run killed with SIGKILL, then rerun: the same result", async () => {
      const store = fresh();
      const child = cliCommand([
        "run",
        ...["-c", example.configPath, "--store", store, "--chunksize", String(CHUNK)],
        ...["-o", join(store, "..", "out-killed"), "-q", "--no-plot"],
        ...["--executor", "local-workers", "--workers", "2"],
      ], { env: { RISTRETTO_TEST_DELAY_MS: "150" }, stdout: "null", stderr: "null" }).spawn();
      const results = new ResultStore(store);
      while ((await results.list("results")).length < 4) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill("SIGKILL");
      equal((await child.status).signal, "SIGKILL");
      // The orphaned workers see their stdin close and exit after their current item.
      await waitForNoProcessUsing(store);
      const stored = (await results.list("results")).length;
      ok(stored >= 4 && stored < reference.items.length, `${stored} items were stored`);
      const rerun = await run(inProcessExecutor(), store);
      equal(rerun.computed, reference.items.length - stored, "only the missing items computed");
      equal(rerun.events, reference.events, "no event counted twice");
      assertSameMerged(rerun, reference, "after the run was killed");
    });

    await t.step(
      "workers with other plugins refuse to start; every item fails at once",
      async () => {
        // A weight provider providing nothing: in the fingerprint, changing no result.
        const provider: WeightProvider = {
          kind: "weight",
          name: "only-in-the-parent",
          version: "1.0.0",
          apiVersion: API_VERSION,
          weights: [],
          inputs: [],
          compute: () => {
            throw new Error("never called");
          },
        };
        const extra = builtinRegistry().add(provider);
        await rejects(
          runAnalysis(loaded, {
            registry: extra,
            executor: localWorkersExecutor({ workers: 2 }),
            chunkSize: CHUNK,
            store: fresh(),
            retries: 3,
          }),
          /every work item failed.*the plugins differ.*only-in-the-parent/s,
        );
      },
    );

    await t.step("status, cache ls and cache gc through the CLI", async () => {
      const store = fresh();
      const flags = ["-c", example.configPath, "--store", store, "--chunksize", String(CHUNK)];
      equal(
        await main(["run", ...flags, "-o", join(store, "..", "out-cli"), "-q", "--no-plot"]),
        0,
      );
      const results = new ResultStore(store);
      const stray = "ab".repeat(32);
      await results.putResult("results", stray, { stray: true });
      equal(await main(["status", ...flags, "--json"]), 0);
      equal(await main(["cache", "ls", "--store", store]), 0);
      equal(await main(["cache", "gc", ...flags]), 0);
      equal(results.has("results", stray), false, "gc removed the unreferenced result");
      equal((await results.list("results")).length, reference.items.length, "gc kept the rest");
    });

    await t.step("a truncated input file: an error, or a recorded skip", async () => {
      const datasets = JSON.parse(await readFile(example.datasetsJson, "utf8"));
      const bad = datasets[victim.dataset].files[1] as string;
      await truncate(bad, 1000);
      await rejects(run(inProcessExecutor(), fresh()), /Cannot read/);
      const store = fresh();
      const result = await runAnalysis(loaded, {
        registry,
        executor: inProcessExecutor(),
        chunkSize: CHUNK,
        store,
        skipBadFiles: true,
      });
      equal(result.skipped.length, 1);
      equal(result.skipped[0].dataset, victim.dataset);
      equal(result.skipped[0].file, bad);
      deepEqual(result.failed, []);
      ok(result.items.every((item) => item.file !== bad));
      const out = join(example.dir, "out-skipped");
      await writeOutputs(out, result, { registry, info: info(loaded) });
      const metadata = JSON.parse(await readFile(join(out, "metadata.json"), "utf8"));
      deepEqual(metadata.skipped.map((s: { file: string }) => s.file), [bad]);
    });
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
});

/** Waits until no process has `path` on its command line (Linux /proc), at most 20 s. */
async function waitForNoProcessUsing(path: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    let found = false;
    for await (const entry of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
      if (cmdline.includes(path)) found = true;
    }
    if (!found) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`processes using ${path} did not exit`);
}

/** An executor whose items run with extra environment variables set (in this process). */
function withEnv(executor: Executor, env: Record<string, string>): Executor {
  return {
    ...executor,
    async *run(items, context) {
      for (const [name, value] of Object.entries(env)) Deno.env.set(name, value);
      try {
        yield* executor.run(items, context);
      } finally {
        for (const name of Object.keys(env)) Deno.env.delete(name);
      }
    },
  };
}

function assertOtherDatasetsSame(actual: AnalysisResult, expected: AnalysisResult, but: string) {
  const a = mergedBytes(actual);
  for (const [name, bytes] of mergedBytes(expected)) {
    if (name === but) continue;
    deepEqual(a.get(name), bytes, `${name} merged the same`);
  }
}

function info(loaded: LoadedConfig) {
  const at = new Date(0);
  return { configName: loaded.config.name, configHash: "-", startedAt: at, finishedAt: at };
}

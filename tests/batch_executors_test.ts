/**
 * The batch executors (`slurm`, `htcondor`, `dask`) through the shared executor conformance
 * suite against the project's real services (.ci/services/up.sh), on the default example with
 * small generated data: byte-identical merged outputs vs the in-process reference, nothing
 * recomputed on a rerun, exactly the missing items computed on a resume. Plus one fault per
 * system: an item failing always is reported after its retry, the rest merged. Each system
 * skips, saying why, when its service is down. And an abort on Slurm: jobs cancelled, run returns.
 * @module
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { runAnalysis, workItemKey } from "@ristretto/core/processor";
import type { Executor } from "@ristretto/core/plugin";
import { checkExecutorConformance, mergedBytes, referenceExecutor } from "@ristretto/core/testing";
import {
  type BatchExecutorOptions,
  daskExecutor,
  htcondorExecutor,
  serviceDownReason,
  serviceEnv,
  slurmExecutor,
} from "@ristretto/executor-batch";
import { builtinRegistry } from "../cli/builtins.ts";
import { loadAsRun, setUpExample } from "./_example_setup.ts";

/** Few jobs per submission (each starts Deno), quick polls, bounded waits. */
const OPTIONS: BatchExecutorOptions = { maxJobs: 3, pollIntervalMs: 300, timeoutMs: 240_000 };

const systems: { name: string; make: (options: BatchExecutorOptions) => Executor }[] = [
  { name: "slurm", make: (options) => slurmExecutor(options) },
  { name: "htcondor", make: (options) => htcondorExecutor(options) },
  { name: "dask", make: (options) => daskExecutor(options) },
];

for (const { name, make } of systems) {
  const skip = await serviceDownReason(name);
  if (skip) console.log(`${name} executor tests skipped: ${skip}`);
  Deno.test({
    name: `batch executor ${name}: conformance and a permanent failure${
      skip ? ` (skipped: ${skip})` : ""
    }`,
    ignore: skip !== undefined,
    async fn(t) {
      // /tmp is shared with the HTCondor pool; its jobs run as another user: open the tree.
      const example = await setUpExample({ scale: 0.02 });
      await new Deno.Command("chmod", { args: ["-R", "a+rwX", example.dir] }).output();
      const registry = builtinRegistry();
      try {
        const loaded = await loadAsRun(example.configPath);
        await t.step("conformance: same merged bytes, rerun, resume", async () => {
          const report = await checkExecutorConformance(() => make(OPTIONS), {
            loaded,
            registry,
            dir: join(example.dir, "conformance"),
          });
          ok(report.items > 6, `several items (${report.items})`);
        });
        await t.step("an item failing always is reported; the rest merge", async () => {
          const run = (executor: Executor, store: string) =>
            runAnalysis(loaded, {
              registry,
              executor,
              chunkSize: 700,
              store,
              retries: 1,
              backoffMs: 5,
            });
          const reference = await run(referenceExecutor(), join(example.dir, "fault-reference"));
          const victim = reference.items.find((item) => item.dataset.startsWith("TTToSemi"))!;
          const key = workItemKey(victim);
          const partial = await run(
            make({ ...OPTIONS, env: { RISTRETTO_TEST_FAIL: `${key}:always` } }),
            join(example.dir, "fault-store"),
          );
          equal(partial.failed.length, 1);
          deepEqual(partial.failed[0].item, victim);
          equal(partial.failed[0].attempts, 2);
          match(partial.failed[0].error, /RISTRETTO_TEST_FAIL/);
          equal(partial.events, reference.events - (victim.stop - victim.start));
          const got = mergedBytes(partial);
          for (const [dataset, bytes] of mergedBytes(reference)) {
            if (dataset === victim.dataset) continue;
            deepEqual(got.get(dataset), bytes, `${dataset} merged as the reference`);
          }
        });
      } finally {
        await Deno.remove(example.dir, { recursive: true }).catch(async () => {
          // files the HTCondor job user wrote are removable by root anyway; retry once
          await Deno.remove(example.dir, { recursive: true });
        });
      }
    },
  });
}

const slurmSkip = await serviceDownReason("slurm");
Deno.test({
  name: `batch executor slurm: an abort cancels the jobs and the run returns${
    slurmSkip ? ` (skipped: ${slurmSkip})` : ""
  }`,
  ignore: slurmSkip !== undefined,
  async fn() {
    const store = await Deno.makeTempDir({ prefix: "ristretto-batch-abort-" });
    const controller = new AbortController();
    const item = { hash: "ab".repeat(32), key: "abort|test|Events|0-1", events: 1 };
    try {
      // the setup line keeps the job running until it is cancelled
      const executor = slurmExecutor({
        setup: "sleep 120",
        pollIntervalMs: 200,
        timeoutMs: 60_000,
      });
      const timer = setTimeout(() => controller.abort(new Error("interrupted")), 2000);
      const started = Date.now();
      const outcomes = [];
      try {
        for await (
          const outcome of executor.run([item], {
            config: join(store, "config.json"),
            itemsFile: join(store, "items.json"),
            store,
            itemsText: () => "[]",
            processHere: () => Promise.reject(new Error("not here")),
            retries: 0,
            retryDelay: () => 0,
            signal: controller.signal,
          })
        ) outcomes.push(outcome);
      } finally {
        clearTimeout(timer);
      }
      deepEqual(outcomes, [], "no outcome after an abort");
      ok(Date.now() - started < 30_000, "the run returned promptly");
      // scancel is asynchronous: the job leaves the queue within a bounded time
      const slurmEnv = (await serviceEnv("slurm")) ?? {};
      let queued = true;
      for (const deadline = Date.now() + 20_000; queued && Date.now() < deadline;) {
        const squeue = await new Deno.Command("squeue", {
          args: ["-h", "-o", "%o"], // the command: the submission's script, inside the store
          env: slurmEnv,
        }).output();
        const commands = new TextDecoder().decode(squeue.stdout).split("\n");
        queued = commands.some((command) => command.startsWith(store));
        if (queued) await new Promise((resolve) => setTimeout(resolve, 300));
      }
      equal(queued, false, "the job was cancelled");
    } finally {
      await Deno.remove(store, { recursive: true });
    }
  },
});

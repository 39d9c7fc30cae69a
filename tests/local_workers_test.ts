/**
 * local-workers started early (as `run` does: the workers load while the run plans): the
 * merged results are the in-process reference's, and workers no run took are stopped.
 * @module
 */
import { deepEqual, equal } from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { runAnalysis } from "@ristretto/core/processor";
import { mergedBytes, referenceExecutor } from "@ristretto/core/testing";
import { localWorkersExecutor, startWorkersEarly } from "@ristretto/executor-local";
import { builtinRegistry } from "../cli/builtins.ts";
import { loadAsRun, setUpExample } from "./_example_setup.ts";

/**
 * This test's own workers: child processes of this one (Linux /proc) whose environment carries
 * `MARK` (other test files run in this process too and start workers of their own).
 */
const MARK = `RISTRETTO_LOCAL_WORKERS_TEST=${crypto.randomUUID()}`;
async function children(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (parent !== Deno.pid) continue;
    const environ = await readFile(`/proc/${entry}/environ`, "utf8").catch(() => "");
    if (environ.split("\0").includes(MARK)) pids.push(Number(entry));
  }
  return pids;
}
const env = Object.fromEntries([MARK.split("=")]);

Deno.test({
  name: "local-workers started before planning: same merged bytes; idle ones stopped",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const example = await setUpExample({ scale: 0.02 });
    const registry = builtinRegistry();
    try {
      const loaded = await loadAsRun(example.configPath);
      const run = (executor: ReturnType<typeof localWorkersExecutor>, store: string) => {
        const stopIdle = startWorkersEarly(executor);
        return runAnalysis(loaded, { registry, executor, chunkSize: 700, store })
          .finally(stopIdle);
      };
      const reference = await runAnalysis(loaded, {
        registry,
        executor: referenceExecutor(),
        chunkSize: 700,
        store: join(example.dir, "reference"),
      });
      const store = join(example.dir, "store");
      const early = await run(localWorkersExecutor({ workers: 2, env }), store);
      deepEqual(early.failed, []);
      equal(early.computed, reference.items.length);
      deepEqual(mergedBytes(early), mergedBytes(reference));
      deepEqual(await children(), [], "no worker left after the run");

      // Everything stored: the run never calls the executor; its early workers are stopped.
      const executor = localWorkersExecutor({ workers: 2, env });
      const stopIdle = startWorkersEarly(executor);
      equal((await children()).length, 2, "two workers started early");
      const rerun = await runAnalysis(loaded, { registry, executor, chunkSize: 700, store });
      equal(rerun.computed, 0);
      await stopIdle();
      deepEqual(await children(), [], "idle workers stopped");
    } finally {
      await Deno.remove(example.dir, { recursive: true });
    }
  },
});

/**
 * Every local executor through the shared conformance suite, on the default example with
 * small generated data: byte-identical merged outputs and written files, one outcome per item,
 * nothing recomputed on a rerun, exactly the missing items computed on a resume.
 * @module
 */
import { ok } from "node:assert/strict";
import { join } from "node:path";
import { API_VERSION, type Executor } from "@ristretto/core/plugin";
import { outcomeFromStore } from "@ristretto/core/processor";
import { ResultStore } from "@ristretto/core/store";
import { checkExecutorConformance } from "@ristretto/core/testing";
import {
  defaultWorkCommand,
  inProcessExecutor,
  localWorkersExecutor,
} from "@ristretto/executor-local";
import { builtinRegistry } from "../cli/builtins.ts";
import { loadAsRun, setUpExample } from "./_example_setup.ts";

Deno.test("executor conformance: local and local-workers", async (t) => {
  const example = await setUpExample({ scale: 0.02 });
  try {
    const loaded = await loadAsRun(example.configPath);
    const cases = [
      { name: "local", factory: () => inProcessExecutor() },
      { name: "local (4 concurrent)", factory: () => inProcessExecutor({ concurrency: 4 }) },
      { name: "local-workers (2)", factory: () => localWorkersExecutor({ workers: 2 }) },
      { name: "batch-like: 3 jobs of `work`", factory: () => jobsExecutor(3) },
    ];
    for (const [index, { name, factory }] of cases.entries()) {
      await t.step(name, async () => {
        const report = await checkExecutorConformance(factory, {
          loaded,
          registry: builtinRegistry(),
          dir: `${example.dir}/conformance-${index}`,
        });
        ok(report.items > 6, `several items per dataset (${report.items})`);
      });
    }
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
});

/**
 * What a batch executor does, without a batch system: split the items into `jobs` items files
 * (context.itemsText), run one `work` process per job (all at once), and read each item's
 * outcome from the store afterwards - a result, or a failure record.
 */
function jobsExecutor(jobs: number): Executor {
  return {
    kind: "executor",
    name: "test-jobs",
    version: "0.0.0",
    apiVersion: API_VERSION,
    async *run(items, context) {
      const store = new ResultStore(context.store);
      const groups = Array.from({ length: jobs }, (_, j) => items.filter((_, i) => i % jobs === j))
        .filter((group) => group.length > 0);
      let done = 0;
      let failed = 0;
      let running = items.length;
      const report = () => context.onProgress?.({ done, failed, running, total: items.length });
      report();
      await Promise.all(groups.map(async (group, j) => {
        const itemsFile = join(context.store, "jobs", `test-job-${j}.json`);
        await Deno.writeTextFile(itemsFile, context.itemsText(group));
        const [command, ...args] = defaultWorkCommand();
        await new Deno.Command(command, {
          args: [
            ...args,
            "--config",
            context.config,
            "--items",
            itemsFile,
            "--store",
            context.store,
          ],
          stdout: "null",
          stderr: "null",
        }).output();
      }));
      for (const item of items) {
        const outcome = await outcomeFromStore(store, item, { attempts: 1 });
        running--;
        if (outcome.ok) done++;
        else failed++;
        report();
        yield outcome;
      }
    },
  };
}

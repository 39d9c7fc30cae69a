/**
 * `run --run-options FILE`: executor options from a YAML file (top level, then the chosen
 * executor's section), command-line flags winning; bad files name file:line:column.
 */
import { equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { mergeRunOptions, readRunOptions } from "../cli/commands/_run_options.ts";
import type { RunFlags } from "../cli/commands/run.ts";
import { cliCommand, setUpExample } from "./_example_setup.ts";

const DEFAULTS: RunFlags = { config: "a.yaml", chunksize: 100_000, executor: "local", retries: 2 };
const OPTIONS = {
  executor: "slurm",
  retries: 3,
  memory: 1000,
  slurm: { memory: 2000, partition: "short" },
  htcondor: { memory: 4000, fileTransfer: true },
};

Deno.test("mergeRunOptions: the executor's section, then the top level, then the defaults", () => {
  const merged = mergeRunOptions(DEFAULTS, OPTIONS, () => false);
  equal(merged.executor, "slurm");
  equal(merged.memory, 2000, "the slurm section over the top level");
  equal(merged.partition, "short");
  equal(merged.retries, 3, "the top level over the default");
  equal(merged.chunksize, 100_000, "the default where the file says nothing");
  equal(merged.fileTransfer, undefined, "another executor's section does not apply");
});

Deno.test("mergeRunOptions: flags given on the command line win, --executor picks the section", () => {
  const given = new Set<keyof RunFlags>(["executor", "retries"]);
  const merged = mergeRunOptions(
    { ...DEFAULTS, executor: "htcondor", retries: 0 },
    OPTIONS,
    (flag) => given.has(flag),
  );
  equal(merged.executor, "htcondor");
  equal(merged.memory, 4000);
  equal(merged.fileTransfer, true);
  equal(merged.partition, undefined);
  equal(merged.retries, 0, "--retries 0 given: not the file's 3");
});

Deno.test("readRunOptions: a misspelt key is reported at its line and column with a suggestion", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_run_options_" });
  try {
    const file = join(dir, "run_options.yaml");
    await Deno.writeTextFile(
      file,
      "executor: slurm\nslurm:\n  partition: short\n  memmory: 2000\n",
    );
    await rejects(readRunOptions(file), (error: Error) => {
      match(error.message, new RegExp(`^${file}:4:3: `));
      match(error.message, /unknown key "memmory"/);
      match(error.message, /did you mean "memory"/);
      return true;
    });
    await Deno.writeTextFile(file, "executor: lsf\n");
    await rejects(readRunOptions(file), new RegExp(`${file}:1:11: .*local-workers`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await cliCommand(["run", "--no-plot", ...args]).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: result.code, stdout: text(result.stdout), stderr: text(result.stderr) };
}

Deno.test("run --run-options: the file's executor and chunk size are used (sandboxed run re-reads it)", async () => {
  const example = await setUpExample({ scale: 0.01, files: 1 });
  try {
    const options = join(example.dir, "run_options.yaml");
    await Deno.writeTextFile(
      options,
      "executor: local-workers\nchunksize: 100000\nlocal-workers: { workers: 2, chunksize: 400 }\n",
    );
    const output = join(example.dir, "out");
    const run = await runCli(["-c", example.configPath, "-o", output, "--run-options", options]);
    equal(run.code, 0, run.stderr);
    // One file per dataset of at most 1,100 events (scale 0.01): items of 400 events make
    // more items than datasets, where the default chunk size would make one each.
    const datasets = JSON.parse(await Deno.readTextFile(example.datasetsJson));
    let expectedItems = 0;
    for (const dataset of Object.values(datasets) as { metadata: { nevents?: string } }[]) {
      expectedItems += Math.ceil(Number(dataset.metadata.nevents) / 400);
    }
    const computed = Number(/(\d+) work item\(s\) computed/.exec(run.stdout)?.[1]);
    ok(expectedItems > Object.keys(datasets).length, "the test splits datasets");
    equal(computed, expectedItems, run.stdout);

    // A bad file stops the run with one line naming it, exit 2, no stack trace.
    await Deno.writeTextFile(options, "executor: local\nworkers: -1\n");
    const bad = await runCli(["-c", example.configPath, "-o", output, "--run-options", options]);
    equal(bad.code, 2);
    match(bad.stderr, new RegExp(`${options}:2:10: `));
    equal(/^\s+at /m.test(bad.stderr), false, bad.stderr);
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
});

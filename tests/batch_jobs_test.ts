/**
 * Batch jobs sized by events, and re-attaching to running jobs, against the project's Slurm
 * (.ci/services/up.sh; skipped, saying why, when it is down), on the default example with small
 * generated data:
 * - `eventsPerJob`: merged outputs byte-identical to the in-process reference, and as many
 *   jobs (Slurm array tasks) as consecutive items fit under the bound;
 * - a `run` killed with SIGKILL after submitting: the rerun submits nothing (no second sbatch),
 *   waits for the jobs still running, and writes the reference's outputs.
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { runAnalysis } from "@ristretto/core/processor";
import { mergedBytes, referenceExecutor } from "@ristretto/core/testing";
import {
  htcondorExecutor,
  projectRoot,
  serviceDownReason,
  slurmExecutor,
} from "@ristretto/executor-batch";
import { defaultWorkCommand } from "@ristretto/executor-local";
import { runPermissions } from "../cli/commands/_sandbox.ts";
import { builtinRegistry } from "../cli/builtins.ts";
import { cliCommand, loadAsRun, setUpExample } from "./_example_setup.ts";

const CHUNK = 700;
const skip = await serviceDownReason("slurm");
if (skip) console.log(`slurm job tests skipped: ${skip}`);

/** The Slurm submissions (one sbatch each) under a store, and their array tasks. */
async function submissions(store: string): Promise<{ dir: string; tasks: number }[]> {
  const batch = join(store, "batch");
  const dirs = (await readdir(batch).catch(() => [])).filter((name) => name.startsWith("slurm-"));
  const found = [];
  for (const dir of dirs.sort()) {
    const files = await readdir(join(batch, dir));
    found.push({ dir, tasks: files.filter((name) => /^task_\d+\.sh$/.test(name)).length });
  }
  return found;
}

Deno.test({
  name: `batch jobs on slurm: sized by events; re-attached after the submitter died${
    skip ? ` (skipped: ${skip})` : ""
  }`,
  ignore: skip !== undefined,
  async fn(t) {
    const example = await setUpExample({ scale: 0.02 });
    const registry = builtinRegistry();
    try {
      const loaded = await loadAsRun(example.configPath);
      const reference = await runAnalysis(loaded, {
        registry,
        executor: referenceExecutor(),
        chunkSize: CHUNK,
        store: join(example.dir, "reference"),
      });

      await t.step("eventsPerJob: same merged bytes, jobs as the events allow", async () => {
        const eventsPerJob = 3 * CHUNK;
        // Consecutive items (in key order) while their events fit: the rule, by hand.
        let expectedJobs = 0;
        let events = Infinity;
        for (const item of reference.items) {
          const n = item.stop - item.start;
          if (events + n > eventsPerJob) {
            expectedJobs++;
            events = 0;
          }
          events += n;
        }
        ok(expectedJobs >= 3 && expectedJobs < reference.items.length, `${expectedJobs} jobs`);
        const store = join(example.dir, "events-store");
        const result = await runAnalysis(loaded, {
          registry,
          executor: slurmExecutor({ eventsPerJob, pollIntervalMs: 300, timeoutMs: 240_000 }),
          chunkSize: CHUNK,
          store,
        });
        deepEqual(result.failed, []);
        deepEqual(mergedBytes(result), mergedBytes(reference));
        const submitted = await submissions(store);
        equal(submitted.length, 1, "one sbatch");
        equal(submitted[0].tasks, expectedJobs, "array tasks");
      });

      await t.step("SIGKILL after sbatch: the rerun re-attaches, no second sbatch", async () => {
        const output = join(example.dir, "reattach");
        const store = join(output, ".store");
        const args = [
          "run",
          ...["-c", example.configPath, "-o", output, "--chunksize", String(CHUNK), "--no-plot"],
          ...["--executor", "slurm", "--events-per-job", String(4 * CHUNK), "--retries", "0"],
        ];
        // Each item waits 1.5 s in its job: the jobs outlive the submitter.
        const first = cliCommand(args, {
          env: { RISTRETTO_TEST_DELAY_MS: "1500" },
          stdout: "null",
          stderr: "null",
        }).spawn();
        const ledger = join(store, "batch", "submissions");
        let record: { handles: { id: string }[] } | undefined;
        for (const deadline = Date.now() + 120_000; !record;) {
          ok(Date.now() < deadline, "no submission recorded within 120 s");
          const names = (await readdir(ledger).catch(() => [])).filter((n) => n.endsWith(".json"));
          if (names.length > 0) {
            record = JSON.parse(await readFile(join(ledger, names[0]), "utf8"));
          } else await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // The submitting process dies (and a sandboxing parent with it); the jobs run on.
        for (const pid of await runProcesses(output)) Deno.kill(pid, "SIGKILL");
        await first.status;
        ok((await runProcesses(output)).length === 0, "no run process left");
        const storedBefore = (await readdir(join(store, "results")).catch(() => [])).length;
        ok(storedBefore < reference.items.length, "jobs still running when the rerun starts");

        const rerun = await cliCommand(args, { stdout: "null" }).output();
        equal(rerun.code, 0, new TextDecoder().decode(rerun.stderr));
        const submitted = await submissions(store);
        equal(submitted.length, 1, "no second sbatch");
        equal(
          (await readFile(join(store, "batch", submitted[0].dir, "array_id"), "utf8")).trim(),
          record!.handles[0].id.split("_")[0],
          "the recorded job is the one submitted",
        );
        deepEqual(await readdir(ledger), [], "the record is forgotten once its jobs ended");
        // The outputs are those of the reference analysis.
        const cutflow = JSON.parse(await readFile(join(output, "cutflow.json"), "utf8"));
        ok(cutflow, "cutflow written");
        const again = await runAnalysis(loaded, {
          registry,
          executor: referenceExecutor(),
          chunkSize: CHUNK,
          store,
        });
        equal(again.computed, 0, "every item was stored by the re-attached jobs");
        deepEqual(mergedBytes(again), mergedBytes(reference));
      });
    } finally {
      await Deno.remove(example.dir, { recursive: true });
    }
  },
});

/** Pids of `run` processes writing into `output` (the CLI and its sandboxed child). */
async function runProcesses(output: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const args = cmdline.split("\0");
    if (args.includes("run") && args.includes(output) && !args.includes("work")) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

const condorSkip = await serviceDownReason("htcondor");
if (condorSkip) console.log(`htcondor file-transfer test skipped: ${condorSkip}`);

Deno.test({
  name: `batch jobs on htcondor without a shared filesystem: a transferred bundle${
    condorSkip ? ` (skipped: ${condorSkip})` : ""
  }`,
  ignore: condorSkip !== undefined,
  async fn() {
    // /tmp is shared with the pool only for the input data here; the jobs run as another user.
    const example = await setUpExample({ scale: 0.02 });
    await new Deno.Command("chmod", { args: ["-R", "a+rwX", example.dir] }).output();
    const registry = builtinRegistry();
    try {
      const loaded = await loadAsRun(example.configPath);
      const reference = await runAnalysis(loaded, {
        registry,
        executor: referenceExecutor(),
        chunkSize: CHUNK,
        store: join(example.dir, "reference"),
      });
      const store = join(example.dir, "transfer-store");
      const result = await runAnalysis(loaded, {
        registry,
        executor: htcondorExecutor({
          fileTransfer: { stagingDir: join(example.dir, "bundles") },
          maxJobs: 2,
          pollIntervalMs: 300,
          timeoutMs: 600_000,
          // what the job sees, in its own log
          setup: 'echo "job cwd=$PWD"; echo "job DENO_DIR=$DENO_DIR"',
        }),
        chunkSize: CHUNK,
        store,
      });
      deepEqual(result.failed, []);
      deepEqual(mergedBytes(result), mergedBytes(reference), "merged bytes as the reference");

      const root = projectRoot();
      const returned = join(store, "batch", "returned");
      const jobs = (await readdir(returned)).sort();
      equal(jobs.length, 2, "two jobs");
      for (const job of jobs) {
        const log = await readFile(join(store, "logs", `${job}.out`), "utf8");
        const cwd = log.match(/^job cwd=(.*)$/m)?.[1] ?? "";
        const denoDir = log.match(/^job DENO_DIR=(.*)$/m)?.[1] ?? "";
        // The scratch directory HTCondor made for the job: not the project, not the store.
        ok(cwd.includes("/execute/"), `cwd ${cwd} is an HTCondor scratch directory`);
        ok(!cwd.startsWith(root) && !cwd.startsWith(store), `cwd ${cwd}`);
        equal(denoDir, `${cwd}/deno_dir`, "DENO_DIR from the bundle");
        // What the job ran names nothing of the project on the submit side.
        const script = await readFile(join(returned, job, "in", "task.sh"), "utf8");
        ok(!script.includes(root), `the job script does not use ${root}:\n${script}`);
        ok(/ project\/cli\/main\.ts work /.test(script), script);
      }

      // As a sandboxed `run --file-transfer` submits: the jobs get the run's derived
      // permissions, whose paths (project, Deno's cache, store) must point into the bundle.
      const sandboxedStore = join(example.dir, "sandboxed-store");
      const permissions = await runPermissions(loaded, {
        executor: "htcondor",
        fileTransfer: true,
        output: join(example.dir, "sandboxed-out"),
        store: sandboxedStore,
      });
      const sandboxed = await runAnalysis(loaded, {
        registry,
        executor: htcondorExecutor({
          fileTransfer: { stagingDir: join(example.dir, "bundles") },
          command: defaultWorkCommand({ permissions }),
          maxJobs: 2,
          pollIntervalMs: 300,
          timeoutMs: 600_000,
        }),
        chunkSize: CHUNK,
        store: sandboxedStore,
        retries: 0,
      });
      deepEqual(sandboxed.failed, []);
      deepEqual(mergedBytes(sandboxed), mergedBytes(reference), "sandboxed jobs: same bytes");
    } finally {
      await Deno.remove(example.dir, { recursive: true });
    }
  },
});

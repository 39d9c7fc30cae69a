import assert from "node:assert/strict";
import { join } from "node:path";
import { batchConformance } from "./conformance.ts";
import { serviceDownReason, serviceEnv, slurmBatchSystem, waitForJobs } from "./mod.ts";
import { parseRecord, taskInRange } from "./slurm.ts";

// Runs against the project's own Slurm (.ci/services/slurm.sh start; CI starts it).
const skip = await serviceDownReason("slurm");
if (skip) console.log(`slurm batch tests skipped: ${skip}`);
const env = await serviceEnv("slurm");
const make = (dir: string) => slurmBatchSystem({ workDir: join(dir, "work"), env });

batchConformance("slurm", make, { skip });

Deno.test("slurm: scontrol -o records parse, values with spaces included", () => {
  const record = parseRecord(
    "JobId=7 ArrayJobId=5 ArrayTaskId=2-19%4 JobName=a b JobState=PENDING Reason=JobHeldUser ExitCode=3:0",
  );
  assert.equal(record.ArrayTaskId, "2-19%4");
  assert.equal(record.JobName, "a b");
  assert.equal(record.ExitCode, "3:0");
  assert.ok(taskInRange("2-19%4", 19));
  assert.ok(taskInRange("1,3,5-7", 6));
  assert.ok(!taskInRange("1,3,5-7", 4));
});

Deno.test({
  name: "slurm: max parallel, memory, wall time and the per-task scheduler logs",
  ignore: skip !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ristretto-slurm-" });
    const system = make(dir);
    try {
      const jobs = [0, 1, 2].map((i) => ({
        name: `opt-${i}`,
        command: ["/bin/sh", "-c", "echo $SLURM_ARRAY_TASK_ID"],
        cwd: dir,
        stdout: join(dir, `opt-${i}.out`),
        stderr: join(dir, `opt-${i}.err`),
      }));
      const handles = await system.submit(jobs, {
        maxParallel: 1,
        memoryMb: 100,
        walltimeSeconds: 90,
      });
      const arrayId = handles[0].id.split("_")[0];
      const shown = await new Deno.Command("scontrol", {
        args: ["-o", "show", "job", arrayId],
        env,
        stdout: "piped",
        stderr: "null",
      }).output();
      const text = new TextDecoder().decode(shown.stdout);
      assert.match(text, /TimeLimit=00:02:00/); // Slurm rounds up to whole minutes
      assert.match(text, /MinMemoryNode=100M/);
      const states = await waitForJobs(system, handles, { timeoutMs: 60_000, intervalMs: 300 });
      assert.deepEqual(
        states.map((s) => s.state),
        ["done", "done", "done"],
        JSON.stringify(states),
      );
      for (const [i, handle] of handles.entries()) {
        assert.equal((await Deno.readTextFile(jobs[i].stdout)).trim(), String(i));
        await Deno.stat(join(handle.submission, `slurm-${arrayId}_${i}.out`));
      }
    } finally {
      await system.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "slurm: a held array task is reported held, and cancel ends it",
  ignore: skip !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ristretto-slurm-" });
    const system = slurmBatchSystem({ workDir: join(dir, "work"), env, sbatchArgs: ["--hold"] });
    try {
      const handles = await system.submit([{
        name: "held",
        command: ["/bin/true"],
        cwd: dir,
        stdout: join(dir, "held.out"),
        stderr: join(dir, "held.err"),
      }]);
      const [state] = await waitForJobs(system, handles, { timeoutMs: 30_000, intervalMs: 300 });
      assert.equal(state.state, "held", JSON.stringify(state));
      await system.cancel(handles);
      const [after] = await system.poll(handles);
      assert.equal(after.state, "failed", JSON.stringify(after));
      assert.match(after.state === "failed" ? after.reason : "", /cancelled/);
    } finally {
      await system.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

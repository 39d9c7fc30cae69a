import assert from "node:assert/strict";
import { join } from "node:path";
import { batchConformance } from "./conformance.ts";
import {
  htcondorBatchSystem,
  parseEventLog,
  serviceDownReason,
  serviceEnv,
  waitForJobs,
} from "./mod.ts";

// Runs against the project's personal HTCondor pool (.ci/services/htcondor.sh start; CI starts it).
const skip = await serviceDownReason("htcondor");
if (skip) console.log(`htcondor batch tests skipped: ${skip}`);
const env = (await serviceEnv("htcondor")) ?? {};
const make = (dir: string) =>
  htcondorBatchSystem({
    workDir: join(dir, "work"),
    binDir: env.CONDOR_BIN,
    sharedDirs: env.CONDOR_SHARED_DIRS?.split(":"),
  });

batchConformance("htcondor", make, {
  skip,
  // jobs run inside the pool's chroot as uid 2000: they read the host's Deno cache, mounted there
  denoProbe: { env: env.CONDOR_DENO_DIR ? { DENO_DIR: env.CONDOR_DENO_DIR } : {} },
});

Deno.test("htcondor: the event log parses into per-job states", () => {
  const log = [
    "000 (012.000.000) 2026-11-29 03:50:01 Job submitted from host: <127.0.0.1:9618>",
    "...",
    "000 (012.001.000) 2026-11-29 03:50:01 Job submitted from host: <127.0.0.1:9618>",
    "...",
    "001 (012.000.000) 2026-11-29 03:50:02 Job executing on host: <127.0.0.1:9618>",
    "\tSlotName: slot1_1@host",
    "...",
    "005 (012.000.000) 2026-11-29 03:50:03 Job terminated.",
    "\t(1) Normal termination (return value 3)",
    "\t\tUsr 0 00:00:00, Sys 0 00:00:00  -  Run Remote Usage",
    "...",
    "012 (012.001.000) 2026-11-29 03:50:03 Job was held.",
    "\tFailed to open '/nope/x.out' as standard output",
    "\tCode 12 Subcode 2",
    "...",
    "009 (012.001.000) 2026-11-29 03:50:04 Job was aborted.",
    "...",
  ].join("\n");
  const jobs = parseEventLog(log);
  assert.equal(jobs.get("12.0")?.exitCode, 3);
  assert.match(jobs.get("12.1")?.held ?? "", /Failed to open/);
  assert.equal(jobs.get("12.1")?.removed, true);
});

Deno.test({
  name: "htcondor: a held job fails with the hold reason and leaves the queue",
  ignore: skip !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ristretto-condor-" });
    const system = make(dir);
    try {
      // the job user cannot create its output here: the starter puts the job on hold
      const closed = join(dir, "closed");
      await Deno.mkdir(closed, { mode: 0o700 });
      await Deno.chmod(dir, 0o777);
      const handles = await system.submit([{
        name: "held",
        command: ["/bin/true"],
        cwd: dir,
        stdout: join(closed, "held.out"),
        stderr: join(closed, "held.err"),
      }]);
      const [state] = await waitForJobs(system, handles, { timeoutMs: 90_000, intervalMs: 500 });
      assert.equal(state.state, "failed", JSON.stringify(state));
      assert.match(state.state === "failed" ? state.reason : "", /^held: /);
      // condor_rm'ed: gone from the queue within a bounded time
      const deadline = Date.now() + 30_000;
      while (true) {
        const q = await new Deno.Command(join(env.CONDOR_BIN, "condor_q"), {
          args: [handles[0].id, "-af", "ClusterId"],
          stdout: "piped",
          stderr: "null",
        }).output();
        if (new TextDecoder().decode(q.stdout).trim() === "") break;
        assert.ok(Date.now() < deadline, "the held job is still queued");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      await system.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "htcondor: a path outside the shared directories is refused before submitting",
  async fn() {
    const system = htcondorBatchSystem({ workDir: "/tmp/x", sharedDirs: ["/tmp"] });
    await assert.rejects(
      system.submit([{
        name: "far",
        command: ["true"],
        cwd: "/srv/elsewhere",
        stdout: "/tmp/a",
        stderr: "/tmp/b",
      }]),
      /Cannot submit "far" to htcondor: "\/srv\/elsewhere" is not under a directory the pool shares/,
    );
  },
});

Deno.test({
  name: "htcondor: memory, wall time and max parallel reach the job ads",
  ignore: skip !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ristretto-condor-" });
    const system = make(dir);
    try {
      const jobs = [0, 1, 2].map((i) => ({
        name: `opt-${i}`,
        command: ["/bin/sh", "-c", `echo ${i}`],
        cwd: dir,
        stdout: join(dir, `opt-${i}.out`),
        stderr: join(dir, `opt-${i}.err`),
      }));
      const handles = await system.submit(jobs, {
        memoryMb: 100,
        walltimeSeconds: 90,
        maxParallel: 1,
        writableDirs: [dir],
      });
      const states = await waitForJobs(system, handles, { timeoutMs: 90_000, intervalMs: 500 });
      assert.deepEqual(
        states.map((s) => s.state),
        ["done", "done", "done"],
        JSON.stringify(states),
      );
      for (const [i, job] of jobs.entries()) {
        assert.equal((await Deno.readTextFile(job.stdout)).trim(), String(i));
      }
      const history = await new Deno.Command(join(env.CONDOR_BIN, "condor_history"), {
        args: [handles[0].id, "-af", "RequestMemory", "AllowedExecuteDuration"],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(new TextDecoder().decode(history.stdout).trim(), "100 90");
      const submit = await Deno.readTextFile(join(handles[0].submission, "jobs.sub"));
      assert.match(submit, /^max_materialize = 1$/m);
    } finally {
      await system.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

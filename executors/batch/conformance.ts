/**
 * The conformance suite of the {@link BatchSystem} interface: every adapter, run against a real
 * service, must pass it. `batchConformance` registers the cases as Deno tests.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { BatchSystem, JobSpec, SubmitOptions } from "./types.ts";
import { waitForJobs } from "./wait.ts";

/** Options of {@link batchConformance}. */
export interface ConformanceOptions {
  /** Why the suite cannot run (service down): the tests are registered as ignored and say so. */
  readonly skip?: string;
  /** Where test directories go (must be shared with the workers); default the system temp dir. */
  readonly tempRoot?: string;
  /** Submit options added to every submission (partition, setup, ...). */
  readonly submitOptions?: SubmitOptions;
  /** Deadline of each case's wait, ms; default 120 s. */
  readonly timeoutMs?: number;
  /** Jobs run on this machine: check that a cancelled job's process is gone. Default true. */
  readonly sameHost?: boolean;
  /** Environment for the Deno probe job (e.g. DENO_DIR); skipped when `false`. */
  readonly denoProbe?: false | { readonly env?: Record<string, string>; readonly setup?: string };
}

const PROBE = new URL("./testdata/deno_probe.ts", import.meta.url).pathname;

/**
 * Registers the conformance cases for the adapter `make` returns: a fresh one per case, given
 * the case's temporary directory (put the adapter's work directory inside it).
 */
export function batchConformance(
  name: string,
  make: (dir: string) => BatchSystem | Promise<BatchSystem>,
  options: ConformanceOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const define = (title: string, body: (system: BatchSystem, dir: string) => Promise<void>) => {
    Deno.test({
      name: `${name} conformance: ${title}${options.skip ? ` (skipped: ${options.skip})` : ""}`,
      ignore: options.skip !== undefined,
      async fn() {
        const dir = await Deno.makeTempDir({ dir: options.tempRoot, prefix: "ristretto-batch-" });
        const system = await make(dir);
        try {
          await body(system, dir);
        } finally {
          await system.close();
          await Deno.remove(dir, { recursive: true });
        }
      },
    });
  };
  const submitOptions = (dir: string, extra: SubmitOptions = {}): SubmitOptions => ({
    ...options.submitOptions,
    ...extra,
    writableDirs: [dir],
  });
  const job = (
    dir: string,
    name: string,
    script: string,
    env?: Record<string, string>,
  ): JobSpec => ({
    name,
    command: ["/bin/bash", "-c", script],
    env,
    cwd: dir,
    stdout: join(dir, "logs", `${name}.out`),
    stderr: join(dir, "logs", `${name}.err`),
  });
  const label = (system: string) => `batch conformance ${system}`;

  define(
    "a job that writes a file and exits 0 is done; logs land where asked",
    async (system, dir) => {
      const spec: JobSpec = {
        ...job(
          dir,
          "writer",
          'echo "$RISTRETTO_VALUE" > result.txt; echo to-stdout; echo to-stderr >&2',
        ),
        env: { RISTRETTO_VALUE: "it's a value with spaces" },
        stdout: join(dir, "deep", "nested", "writer.out"),
        stderr: join(dir, "deep", "other", "writer.err"),
      };
      const handles = await system.submit([spec], submitOptions(dir));
      assert.equal(handles.length, 1);
      assert.equal(handles[0].system, system.name);
      const [state] = await waitForJobs(system, handles, { timeoutMs, intervalMs: 300 });
      assert.deepEqual(state, { state: "done", exitCode: 0 }, label(system.name));
      assert.equal(await Deno.readTextFile(join(dir, "result.txt")), "it's a value with spaces\n");
      assert.equal((await Deno.readTextFile(spec.stdout)).trim(), "to-stdout");
      assert.equal((await Deno.readTextFile(spec.stderr)).trim(), "to-stderr");
    },
  );

  define("a job that exits 3 fails with exit code 3", async (system, dir) => {
    const handles = await system.submit(
      [job(dir, "three", "echo about to fail >&2; exit 3")],
      submitOptions(dir),
    );
    const [state] = await waitForJobs(system, handles, { timeoutMs, intervalMs: 300 });
    assert.equal(state.state, "failed", JSON.stringify(state));
    assert.ok(state.state === "failed" && state.exitCode === 3, JSON.stringify(state));
    assert.match(state.reason, /exit code 3/);
    assert.match(state.reason, /about to fail/, "the reason carries the stderr tail");
  });

  define("a cancelled long job ends and its process is gone", async (system, dir) => {
    const pidFile = join(dir, "sleeper.pid");
    const handles = await system.submit(
      [job(
        dir,
        "sleeper",
        `echo $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}; exec sleep 600`,
      )],
      submitOptions(dir),
    );
    // wait until it really runs (its pid file is there), bounded
    const deadline = Date.now() + timeoutMs;
    while (!(await exists(pidFile))) {
      assert.ok(Date.now() < deadline, "the sleeper never started");
      await delay(200);
    }
    await system.cancel(handles);
    const [state] = await waitForJobs(system, handles, { timeoutMs: 60_000, intervalMs: 300 });
    assert.equal(state.state, "failed", JSON.stringify(state));
    if (options.sameHost ?? true) {
      const pid = Number((await Deno.readTextFile(pidFile)).trim());
      const gone = Date.now() + 30_000;
      while (processAlive(pid)) {
        assert.ok(Date.now() < gone, `process ${pid} of the cancelled job still runs`);
        await delay(200);
      }
    }
    // cancelling again (a finished job) is not an error
    await system.cancel(handles);
  });

  define(
    "20 jobs in one submission all finish, each with its own environment",
    async (system, dir) => {
      const jobs = Array.from(
        { length: 20 },
        (_, i) =>
          job(dir, `many-${i}`, 'echo "$RISTRETTO_INDEX" > "out-$RISTRETTO_INDEX.txt"', {
            RISTRETTO_INDEX: String(i),
          }),
      );
      const handles = await system.submit(
        jobs,
        submitOptions(dir, { batchName: "conformance-many" }),
      );
      assert.equal(handles.length, 20);
      assert.equal(new Set(handles.map((h) => h.id)).size, 20);
      const states = await waitForJobs(system, handles, { timeoutMs, intervalMs: 500 });
      assert.deepEqual(states.map((s) => s.state), Array(20).fill("done"));
      for (let i = 0; i < 20; i++) {
        assert.equal((await Deno.readTextFile(join(dir, `out-${i}.txt`))).trim(), String(i));
      }
    },
  );

  define(
    "the setup line runs before the command, in cwd; a failing one fails the job",
    async (system, dir) => {
      const handles = await system.submit(
        [job(dir, "setup-ok", 'echo "$FROM_SETUP $(cat marker)" > setup.txt')],
        submitOptions(dir, { setup: "export FROM_SETUP=set-up; echo here > marker" }),
      );
      const broken = await system.submit(
        [job(dir, "setup-bad", "echo never > never.txt")],
        submitOptions(dir, { setup: "false" }),
      );
      const states = await waitForJobs(system, [...handles, ...broken], {
        timeoutMs,
        intervalMs: 300,
      });
      assert.deepEqual(states[0], { state: "done", exitCode: 0 });
      assert.equal((await Deno.readTextFile(join(dir, "setup.txt"))).trim(), "set-up here");
      assert.equal(states[1].state, "failed", JSON.stringify(states[1]));
      assert.equal(await exists(join(dir, "never.txt")), false);
    },
  );

  if (options.denoProbe !== false) {
    const probe = options.denoProbe ?? {};
    define("a job finds Deno, the project and its npm dependencies", async (system, dir) => {
      const out = join(dir, "probe.json");
      const handles = await system.submit(
        [{
          name: "deno-probe",
          // the submitting Deno's own path, as executors put it in `work` commands
          command: [
            Deno.execPath(),
            "run",
            "--no-prompt",
            "--allow-read",
            "--allow-write",
            "--allow-env",
            PROBE,
            out,
          ],
          env: probe.env,
          cwd: dir,
          stdout: join(dir, "logs", "probe.out"),
          stderr: join(dir, "logs", "probe.err"),
        }],
        submitOptions(dir, probe.setup ? { setup: probe.setup } : {}),
      );
      const [state] = await waitForJobs(system, handles, { timeoutMs, intervalMs: 300 });
      assert.deepEqual(state, { state: "done", exitCode: 0 }, JSON.stringify(state));
      const seen = JSON.parse(await Deno.readTextFile(out));
      assert.equal(seen.deno, Deno.version.deno);
      assert.equal(seen.sum, 6);
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function processAlive(pid: number): boolean {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

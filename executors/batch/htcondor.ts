/**
 * HTCondor: one cluster per submission from a submit description file (`queue ... from` a list
 * of per-job stdout/stderr/cwd), each job running the bash script written for it, state from
 * the job event log the submission writes (no condor_q round trips per poll), `condor_rm` to
 * cancel and to remove held jobs (a held job never ends by itself: it counts as failed, with the
 * hold reason).
 *
 * Shared filesystem: `should_transfer_files = NO`, jobs read and write the caller's paths
 * directly. With the project's personal pool (.ci/services/htcondor.sh) jobs run inside a
 * Debian 13 chroot as uid 2000 and see the host's /tmp, the project and
 * RISTRETTO_CONDOR_SHARED through bind mounts at the same paths; `sharedDirs` makes a path
 * outside them an immediate error instead of a held job, and `writableDirs` of
 * {@link SubmitOptions} opens the store to the job user.
 *
 * Without a shared filesystem (`JobSpec.transfer`, all jobs of a submission or none):
 * `should_transfer_files = YES`, a per-job `initialdir` (the job's `returnDir`, holding `in/`:
 * its script and inputs), the shared files (a staged bundle) listed once; the job runs in its
 * scratch directory and its outputs come back into `returnDir`.
 * @module
 */
import { basename, join, resolve } from "node:path";
import { InputError, RistrettoError } from "@ristretto/core/errors";
import { runChecked, runCommand } from "./_process.ts";
import {
  makeLogDirs,
  makeSubmissionDir,
  taskScript,
  validateJobs,
  withStderrTail,
} from "./_job_files.ts";
import type {
  BatchSystem,
  JobHandle,
  JobSpec,
  JobState,
  JobTransfer,
  SubmitOptions,
} from "./types.ts";

/** Options of {@link htcondorBatchSystem}. */
export interface HTCondorOptions {
  /** Where submission directories go (submit file, scripts, event log); shared with the pool. */
  readonly workDir: string;
  /** Directory of condor_submit / condor_rm (the personal pool's wrappers); default: PATH. */
  readonly binDir?: string;
  /** Directories the execute nodes see at the same path; checked when given. */
  readonly sharedDirs?: readonly string[];
  /** `fail` (default): a held job is removed and reported failed; `report`: left held. */
  readonly onHold?: "fail" | "report";
  /** Extra submit-description lines, e.g. `{"+JobFlavour": '"espresso"'}`. */
  readonly submitLines?: Readonly<Record<string, string>>;
  /** Deadline of each client command in ms (default 60 s). */
  readonly commandTimeoutMs?: number;
}

/** What the event log says about one job. */
export interface CondorJobEvents {
  submitted: boolean;
  running: boolean;
  /** Return value of a normal termination. */
  exitCode?: number;
  /** Signal of an abnormal termination. */
  signal?: number;
  held?: string;
  removed: boolean;
}

/** An HTCondor adapter; see the module documentation. */
export function htcondorBatchSystem(options: HTCondorOptions): BatchSystem {
  const tool = (name: string) => (options.binDir ? join(options.binDir, name) : name);
  const onHold = options.onHold ?? "fail";
  const removedHeld = new Set<string>(); // held jobs we already condor_rm'ed

  function checkShared(job: JobSpec, paths: readonly string[]): void {
    if (!options.sharedDirs) return;
    for (const path of paths) {
      const full = resolve(path);
      if (
        !options.sharedDirs.some((dir) =>
          full === dir || full.startsWith(`${dir.replace(/\/$/, "")}/`)
        )
      ) {
        throw new InputError(
          "BATCH_NOT_SHARED",
          `Cannot submit "${job.name}" to htcondor: "${full}" is not under a directory the pool ` +
            `shares (${options.sharedDirs.join(", ")}); set RISTRETTO_CONDOR_SHARED and restart it`,
        );
      }
    }
  }

  async function submit(
    jobs: readonly JobSpec[],
    submitOptions: SubmitOptions = {},
  ): Promise<JobHandle[]> {
    validateJobs("htcondor", jobs, { allowTransfer: true });
    // File transfer: for all jobs of the submission or none (one submit description).
    const transfer = jobs[0].transfer !== undefined;
    if (jobs.some((job) => (job.transfer !== undefined) !== transfer)) {
      throw new InputError(
        "BATCH_BAD_JOB",
        `Cannot submit "${jobs[0].name}" to htcondor: some jobs use file transfer, others not`,
      );
    }
    if (transfer && submitOptions.maxParallel) {
      throw new InputError(
        "BATCH_BAD_OPTION",
        `Cannot submit "${jobs[0].name}" to htcondor: maxParallel (max_materialize) and file ` +
          "transfer cannot be combined (late materialization misreads the per-job initialdir)",
      );
    }
    for (const job of jobs) {
      // with file transfer only the submit side (schedd, shadow) uses these paths
      checkShared(
        job,
        transfer
          ? [job.stdout, job.stderr, job.transfer!.returnDir, options.workDir]
          : [job.cwd, job.stdout, job.stderr, options.workDir],
      );
      // the submit file's `queue ... from` list splits on commas and white space
      const listed = transfer ? [job.transfer!.returnDir, ...job.transfer!.shared] : [job.cwd];
      for (const path of [...listed, job.stdout, job.stderr]) {
        if (/[\s,"']/.test(path)) {
          throw new InputError(
            "BATCH_BAD_JOB",
            `Cannot submit "${job.name}" to htcondor: "${path}" contains white space, a comma or a quote`,
          );
        }
      }
    }
    // jobs (and the schedd writing their event log) may run as another user: open the dirs
    await makeLogDirs(jobs, 0o777);
    for (const dir of submitOptions.writableDirs ?? []) await openTree(dir);
    const dir = await makeSubmissionDir(options.workDir, "htcondor", 0o777);
    for (const [index, job] of jobs.entries()) {
      const script = taskScript(job, {
        setup: submitOptions.setup,
        redirect: false,
        enterCwd: !transfer,
      });
      await Deno.writeTextFile(join(dir, `task_${index}.sh`), script);
      if (transfer) await stageInputs(job.transfer!, join(dir, `task_${index}.sh`));
    }
    const lines = [
      "universe = vanilla",
      "executable = /bin/bash",
      ...(transfer
        ? [
          // in the job's scratch directory: in/ holds its script and inputs
          "arguments = in/task.sh",
          "transfer_executable = false",
          "should_transfer_files = YES",
          "when_to_transfer_output = ON_EXIT",
          // per job: `in` is read from and the outputs come back into the job's returnDir
          "initialdir = $(job_dir)",
          `transfer_input_files = ${[...jobs[0].transfer!.shared, "in"].join(", ")}`,
          `transfer_output_files = ${jobs[0].transfer!.outputs.join(", ")}`,
        ]
        : [
          `arguments = ${dir}/task_$(ProcId).sh`,
          "transfer_executable = false",
          "should_transfer_files = NO",
        ]),
      "getenv = false",
      `log = ${dir}/events.log`,
      "output = $(job_stdout)",
      "error = $(job_stderr)",
      "request_cpus = 1",
      `request_memory = ${submitOptions.memoryMb ?? 1024}`,
      `batch_name = ${(submitOptions.batchName ?? jobs[0].name).replace(/\s/g, "_")}`,
      // the executor retries failed items itself
      "max_retries = 0",
      ...(submitOptions.walltimeSeconds
        ? [`allowed_execute_duration = ${Math.ceil(submitOptions.walltimeSeconds)}`]
        : []),
      ...(submitOptions.maxParallel ? [`max_materialize = ${submitOptions.maxParallel}`] : []),
      ...Object.entries(options.submitLines ?? {}).map(([key, value]) => `${key} = ${value}`),
      // no initialdir from the list without file transfer: late materialization
      // (max_materialize) takes it as relative to the submit directory; the job script enters
      // cwd itself
      ...(transfer
        ? [
          "queue job_stdout, job_stderr, job_dir from (",
          ...jobs.map((job) => `  ${job.stdout}, ${job.stderr}, ${job.transfer!.returnDir}`),
        ]
        : [
          "queue job_stdout, job_stderr from (",
          ...jobs.map((job) => `  ${job.stdout}, ${job.stderr}`),
        ]),
      ")",
      "",
    ];
    const submitFile = join(dir, "jobs.sub");
    await Deno.writeTextFile(submitFile, lines.join("\n"));
    const result = await runChecked([tool("condor_submit"), "-terse", submitFile], {
      cwd: dir,
      timeoutMs: options.commandTimeoutMs,
    });
    const match = result.stdout.match(/^\s*(\d+)\.(\d+)\s*-\s*(\d+)\.(\d+)/m);
    if (!match) {
      throw new RistrettoError(
        "BATCH_SUBMIT",
        `Cannot submit "${submitFile}" to htcondor: condor_submit printed "${result.stdout.trim()}"`,
      );
    }
    const cluster = match[1];
    return jobs.map((job, index) => ({
      system: "htcondor",
      id: `${cluster}.${index}`,
      name: job.name,
      submission: dir,
      index,
    }));
  }

  async function poll(handles: readonly JobHandle[]): Promise<JobState[]> {
    const logs = new Map<string, Map<string, CondorJobEvents>>();
    for (const handle of handles) {
      if (logs.has(handle.submission)) continue;
      let text = "";
      try {
        text = await Deno.readTextFile(join(handle.submission, "events.log"));
      } catch (error) {
        // the schedd creates the log on the first event: not there yet means pending
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      logs.set(handle.submission, parseEventLog(text));
    }
    const states: JobState[] = [];
    const toRemove: JobHandle[] = [];
    for (const handle of handles) {
      const events = logs.get(handle.submission)!.get(handle.id);
      // the stderr file is looked up only for failures (polls of thousands of jobs stay cheap)
      const stderr = () => stderrOf(handle);
      if (!events) {
        states.push({ state: "pending" });
      } else if (events.exitCode !== undefined) {
        states.push(
          events.exitCode === 0 ? { state: "done", exitCode: 0 } : {
            state: "failed",
            reason: await withStderrTail(`exit code ${events.exitCode}`, await stderr()),
            exitCode: events.exitCode,
          },
        );
      } else if (events.signal !== undefined) {
        states.push({
          state: "failed",
          reason: await withStderrTail(`killed by signal ${events.signal}`, await stderr()),
        });
      } else if (events.held !== undefined) {
        if (onHold === "report" && !events.removed) {
          states.push({ state: "held", reason: events.held });
        } else {
          if (!events.removed && !removedHeld.has(handle.id)) toRemove.push(handle);
          states.push({ state: "failed", reason: `held: ${events.held}` });
        }
      } else if (events.removed) {
        states.push({ state: "failed", reason: "removed (condor_rm)" });
      } else {
        states.push({ state: events.running ? "running" : "pending" });
      }
    }
    if (toRemove.length > 0) {
      await cancel(toRemove);
      for (const handle of toRemove) removedHeld.add(handle.id);
    }
    return states;
  }

  async function cancel(handles: readonly JobHandle[]): Promise<void> {
    for (let start = 0; start < handles.length; start += 500) {
      const ids = handles.slice(start, start + 500).map((handle) => handle.id);
      const result = await runCommand([tool("condor_rm"), ...ids], {
        timeoutMs: options.commandTimeoutMs,
      });
      // jobs that already left the queue make condor_rm complain; that is fine
      if (
        result.code !== 0 && !/not found|couldn't find|no jobs/i.test(result.stdout + result.stderr)
      ) {
        throw new RistrettoError(
          "BATCH_CANCEL",
          `Cannot cancel "${ids[0]}" in htcondor: ${(result.stderr || result.stdout).trim()}`,
        );
      }
    }
  }

  return {
    name: "htcondor",
    submit,
    poll,
    cancel,
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

/**
 * Parses a classic-format job event log into per-job (`cluster.proc`) summaries. Events are a
 * header line `NNN (cluster.proc.subproc) date time text`, body lines, and a `...` line.
 */
export function parseEventLog(text: string): Map<string, CondorJobEvents> {
  const jobs = new Map<string, CondorJobEvents>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i].match(/^(\d{3}) \((\d+)\.(\d+)\.\d+\) /);
    if (!header) continue;
    const body: string[] = [];
    while (i + 1 < lines.length && lines[i + 1] !== "..." && !/^\d{3} \(/.test(lines[i + 1])) {
      body.push(lines[++i]);
    }
    const id = `${Number(header[2])}.${Number(header[3])}`;
    let job = jobs.get(id);
    if (!job) {
      job = { submitted: false, running: false, removed: false };
      jobs.set(id, job);
    }
    const text = body.join("\n");
    switch (header[1]) {
      case "000": // submitted
        job.submitted = true;
        break;
      case "001": // executing
      case "011": // unsuspended
        job.running = true;
        break;
      case "004": // evicted
      case "007": // shadow exception (the job goes back to idle)
      case "013": // released
        job.running = false;
        job.held = undefined;
        break;
      case "005": { // terminated
        const normal = text.match(/Normal termination \(return value (-?\d+)\)/);
        const abnormal = text.match(/Abnormal termination \(signal (\d+)\)/);
        if (normal) job.exitCode = Number(normal[1]);
        else if (abnormal) job.signal = Number(abnormal[1]);
        else job.signal = -1;
        job.running = false;
        break;
      }
      case "009": // aborted (condor_rm)
        job.removed = true;
        job.running = false;
        break;
      case "012": // held: the first body line is the reason
        job.held = body.map((line) => line.trim()).filter(Boolean).join("; ") || "held";
        job.running = false;
        break;
    }
  }
  return jobs;
}

/**
 * A transferring job's returnDir with `in/` holding its script (`task.sh`) and its inputs, open
 * to the job user (outputs are written back there as that user).
 */
async function stageInputs(transfer: JobTransfer, script: string): Promise<void> {
  const inputs = join(transfer.returnDir, "in");
  await Deno.mkdir(inputs, { recursive: true });
  await Deno.chmod(transfer.returnDir, 0o777);
  await Deno.chmod(inputs, 0o777);
  await Deno.copyFile(script, join(inputs, "task.sh"));
  for (const file of transfer.inputs) await Deno.copyFile(file, join(inputs, basename(file)));
}

/** Makes `dir` and every directory below it writable for everyone (the job user is another uid). */
async function openTree(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const walk = async (path: string): Promise<void> => {
    await Deno.chmod(path, 0o777);
    for await (const entry of Deno.readDir(path)) {
      if (entry.isDirectory) await walk(join(path, entry.name));
    }
  };
  await walk(dir);
}

async function stderrOf(handle: JobHandle): Promise<string> {
  try {
    const submit = await Deno.readTextFile(join(handle.submission, "jobs.sub"));
    const list = submit.slice(submit.indexOf("from (") + 6).split("\n").filter((l) =>
      l.trim() && l.trim() !== ")"
    );
    return list[handle.index]?.split(",")[1]?.trim() ?? "";
  } catch {
    return "";
  }
}

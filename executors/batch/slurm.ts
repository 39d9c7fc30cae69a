/**
 * Slurm: one job array per submission (`sbatch --array=0-N-1%P`), each task running the bash
 * script written for its job; state from `scontrol -o show job` (no accounting database
 * needed), with the exit-code file the script leaves as the fallback once the controller has
 * forgotten the job (after MinJobAge); `scancel` to cancel.
 * @module
 */
import { join } from "node:path";
import { InputError, RistrettoError } from "@ristretto/core/errors";
import { runChecked, runCommand } from "./_process.ts";
import {
  makeLogDirs,
  makeSubmissionDir,
  shellQuote,
  taskScript,
  validateJobs,
  withStderrTail,
} from "./_job_files.ts";
import type { BatchSystem, JobHandle, JobSpec, JobState, SubmitOptions } from "./types.ts";

/** Options of {@link slurmBatchSystem}. */
export interface SlurmOptions {
  /** Where submission directories go; must be on a filesystem the compute nodes see. */
  readonly workDir: string;
  /** Environment of the client commands (e.g. `SLURM_CONF`), added to this process's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra `sbatch` arguments (`--account=...`, `--qos=...`). */
  readonly sbatchArgs?: readonly string[];
  /** Deadline of each client command in ms (default 60 s). */
  readonly commandTimeoutMs?: number;
}

/** A Slurm adapter; see the module documentation. */
export function slurmBatchSystem(options: SlurmOptions): BatchSystem {
  const commandOptions = () => ({
    env: options.env,
    timeoutMs: options.commandTimeoutMs,
  });

  async function submit(
    jobs: readonly JobSpec[],
    submitOptions: SubmitOptions = {},
  ): Promise<JobHandle[]> {
    validateJobs("slurm", jobs);
    await makeLogDirs(jobs);
    const dir = await makeSubmissionDir(options.workDir, "slurm");
    for (const [index, job] of jobs.entries()) {
      const script = taskScript(job, {
        setup: submitOptions.setup,
        redirect: true,
        exitFile: join(dir, `task_${index}.exit`),
      });
      await Deno.writeTextFile(join(dir, `task_${index}.sh`), script);
    }
    // the array script only dispatches: the task id picks the job's own script
    const arrayScript = join(dir, "array.sh");
    await Deno.writeTextFile(
      arrayScript,
      `#!/bin/bash\nexec /bin/bash ${shellQuote(dir)}/task_"$SLURM_ARRAY_TASK_ID".sh\n`,
    );
    const argv = [
      "sbatch",
      "--parsable",
      `--array=0-${jobs.length - 1}${
        submitOptions.maxParallel ? `%${positive("maxParallel", submitOptions.maxParallel)}` : ""
      }`,
      `--job-name=${submitOptions.batchName ?? jobs[0].name}`,
      // scheduler-level log per task (the job's own output goes to its stdout/stderr files)
      `--output=${join(dir, "slurm-%A_%a.out")}`,
      `--chdir=${dir}`,
      // the executor retries failed items itself: a requeued task would run twice
      "--no-requeue",
      ...(submitOptions.partition ? [`--partition=${submitOptions.partition}`] : []),
      ...(submitOptions.memoryMb ? [`--mem=${positive("memoryMb", submitOptions.memoryMb)}M`] : []),
      ...(submitOptions.walltimeSeconds
        ? [`--time=${slurmTime(submitOptions.walltimeSeconds)}`]
        : []),
      ...(options.sbatchArgs ?? []),
      arrayScript,
    ];
    const result = await runChecked(argv, commandOptions());
    const arrayId = result.stdout.trim().split(";")[0];
    if (!/^\d+$/.test(arrayId)) {
      throw new RistrettoError(
        "BATCH_SUBMIT",
        `Cannot submit "${arrayScript}" to slurm: sbatch printed "${result.stdout.trim()}"`,
      );
    }
    await Deno.writeTextFile(join(dir, "array_id"), `${arrayId}\n`);
    return jobs.map((job, index) => ({
      system: "slurm",
      id: `${arrayId}_${index}`,
      name: job.name,
      submission: dir,
      index,
    }));
  }

  async function poll(handles: readonly JobHandle[]): Promise<JobState[]> {
    const byArray = new Map<string, Record<string, string>[] | null>();
    for (const handle of handles) {
      const arrayId = handle.id.split("_")[0];
      if (byArray.has(arrayId)) continue;
      const result = await runCommand(["scontrol", "-o", "show", "job", arrayId], commandOptions());
      if (result.code === 0) {
        byArray.set(arrayId, result.stdout.split("\n").filter((l) => l.trim()).map(parseRecord));
      } else if (/invalid job id/i.test(result.stderr)) {
        byArray.set(arrayId, null); // forgotten by the controller: the exit files tell
      } else {
        throw new RistrettoError(
          "BATCH_POLL",
          `Cannot poll "${arrayId}" in slurm: ${
            result.stderr.trim() || `exit code ${result.code}`
          }`,
        );
      }
    }
    const states: JobState[] = [];
    for (const handle of handles) {
      const [arrayId, task] = handle.id.split("_");
      const records = byArray.get(arrayId) ?? [];
      const record = records.find((r) => r.ArrayTaskId === task) ??
        records.find((r) => taskInRange(r.ArrayTaskId ?? "", Number(task)));
      states.push(
        record ? await stateOf(record, handle) : await fromExitFile(handle),
      );
    }
    return states;
  }

  async function cancel(handles: readonly JobHandle[]): Promise<void> {
    for (let start = 0; start < handles.length; start += 500) {
      const ids = handles.slice(start, start + 500).map((handle) => handle.id);
      const result = await runCommand(["scancel", ...ids], commandOptions());
      // finished jobs make scancel complain; anything else is a real problem
      if (
        result.code !== 0 && !/invalid job id|already completing or completed/i.test(result.stderr)
      ) {
        throw new RistrettoError(
          "BATCH_CANCEL",
          `Cannot cancel "${ids[0]}" in slurm: ${result.stderr.trim()}`,
        );
      }
    }
  }

  return {
    name: "slurm",
    submit,
    poll,
    cancel,
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

function positive(what: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new InputError(
      "BATCH_BAD_OPTION",
      `Cannot use ${what} ${value}: expected a positive integer`,
    );
  }
  return value;
}

/** Seconds as Slurm's `D-HH:MM:SS`. */
function slurmTime(seconds: number): string {
  const s = Math.ceil(positive("walltimeSeconds", Math.ceil(seconds)));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(s / 86400)}-${pad(Math.floor(s / 3600) % 24)}:${
    pad(Math.floor(s / 60) % 60)
  }:${pad(s % 60)}`;
}

/**
 * One `scontrol -o` line as key -> value. Values may contain spaces (`Reason=...`), so a value
 * runs until the next ` Key=`.
 */
export function parseRecord(line: string): Record<string, string> {
  const record: Record<string, string> = {};
  const pattern = /(?:^|\s)([A-Za-z][A-Za-z0-9/:_]*)=(.*?)(?=\s[A-Za-z][A-Za-z0-9/:_]*=|\s*$)/g;
  for (const match of line.matchAll(pattern)) record[match[1]] = match[2];
  return record;
}

/** Whether task `task` is in a pending array record's `ArrayTaskId` (`2-19%4`, `1,3,5-7`). */
export function taskInRange(spec: string, task: number): boolean {
  for (const part of spec.replace(/%\d+$/, "").split(",")) {
    const [low, high] = part.split("-").map(Number);
    if (task === low || (high !== undefined && task >= low && task <= high)) return true;
  }
  return false;
}

const RUNNING = new Set([
  "RUNNING",
  "COMPLETING",
  "SUSPENDED",
  "STOPPED",
  "SIGNALING",
  "STAGE_OUT",
  "RESV_DEL_HOLD",
]);

async function stateOf(record: Record<string, string>, handle: JobHandle): Promise<JobState> {
  const state = (record.JobState ?? "").split("+")[0];
  const [code, signal] = (record.ExitCode ?? "0:0").split(":").map(Number);
  if (state === "PENDING" || state === "CONFIGURING" || state === "REQUEUED") {
    if (/held/i.test(record.Reason ?? "")) return { state: "held", reason: record.Reason };
    return { state: "pending" };
  }
  if (RUNNING.has(state)) return { state: "running" };
  if (state === "COMPLETED" && code === 0) return { state: "done", exitCode: 0 };
  if (state === "FAILED" || state === "COMPLETED") {
    const reason = signal ? `killed by signal ${signal}` : `exit code ${code}`;
    const stderr = await stderrOf(handle); // only for failures: polls stay cheap
    return { state: "failed", reason: await withStderrTail(reason, stderr), exitCode: code };
  }
  const why: Record<string, string> = {
    CANCELLED: "cancelled",
    TIMEOUT: "wall-time limit reached",
    OUT_OF_MEMORY: "out of memory",
    NODE_FAIL: "node failure",
    BOOT_FAIL: "node boot failure",
    DEADLINE: "deadline reached",
    PREEMPTED: "preempted",
  };
  return {
    state: "failed",
    reason: `${why[state] ?? state.toLowerCase()} (slurm ${state}, reason ${
      record.Reason ?? "none"
    })`,
  };
}

async function stderrOf(handle: JobHandle): Promise<string> {
  // the task script names the stderr file; read it back instead of keeping specs around
  try {
    const script = await Deno.readTextFile(join(handle.submission, `task_${handle.index}.sh`));
    const match = script.match(/^exec >.* 2>(.*)$/m);
    return match ? match[1].replace(/^'(.*)'$/, "$1").replaceAll(`'\\''`, "'") : "";
  } catch {
    return "";
  }
}

async function fromExitFile(handle: JobHandle): Promise<JobState> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(handle.submission, `task_${handle.index}.exit`));
  } catch {
    return {
      state: "failed",
      reason: `job ${handle.id} left slurm without an exit status (cancelled or lost)`,
    };
  }
  const code = Number(text.trim());
  if (code === 0) return { state: "done", exitCode: 0 };
  return {
    state: "failed",
    reason: await withStderrTail(`exit code ${code}`, await stderrOf(handle)),
    exitCode: code,
  };
}

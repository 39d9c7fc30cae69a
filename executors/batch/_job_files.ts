/**
 * What the file-based adapters (Slurm, HTCondor) write for a submission: one bash script per job
 * that sets the environment, enters the working directory, runs the setup line and the command.
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import { InputError } from "@ristretto/core/errors";
import type { JobSpec } from "./types.ts";

/** Quotes one word for bash (single quotes; a quote inside becomes '\''). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Options of {@link taskScript}. */
export interface TaskScriptOptions {
  readonly setup?: string;
  /** Redirect stdout/stderr to the spec's files (Slurm); HTCondor opens them itself. */
  readonly redirect: boolean;
  /** Where the script records the command's exit code (read when the scheduler forgot the job). */
  readonly exitFile?: string;
  /** Enter the spec's `cwd` (default true; a job with file transfer stays in its scratch dir). */
  readonly enterCwd?: boolean;
}

/** The bash script that runs one job. */
export function taskScript(spec: JobSpec, options: TaskScriptOptions): string {
  const lines = [
    "#!/bin/bash",
    `# job ${JSON.stringify(spec.name)}, written by @ristretto/executor-batch`,
    // HTCondor starts jobs with an almost empty environment
    'export PATH="${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}"',
  ];
  for (const [key, value] of Object.entries(spec.env ?? {})) {
    lines.push(`export ${key}=${shellQuote(value)}`);
  }
  if (options.redirect) {
    lines.push(`exec >${shellQuote(spec.stdout)} 2>${shellQuote(spec.stderr)}`);
  }
  if (options.enterCwd !== false) lines.push(`cd ${shellQuote(spec.cwd)} || exit 1`);
  if (options.setup?.trim()) {
    lines.push(
      "{",
      options.setup,
      "} || {",
      "  rc=$?",
      `  echo ${shellQuote(`Cannot run job "${spec.name}": the setup line exited `)}"$rc" >&2`,
      "  exit $rc",
      "}",
    );
  }
  lines.push(spec.command.map(shellQuote).join(" "), "rc=$?");
  if (options.exitFile) {
    const file = shellQuote(options.exitFile);
    const tmp = shellQuote(`${options.exitFile}.tmp`);
    lines.push(`printf '%s\\n' "$rc" >${tmp} && mv -f ${tmp} ${file}`);
  }
  lines.push("exit $rc", "");
  return lines.join("\n");
}

/** Checks the specs of one submission; throws `BATCH_BAD_JOB` naming the first bad one. */
export function validateJobs(
  system: string,
  jobs: readonly JobSpec[],
  options: { allowTransfer?: boolean } = {},
): void {
  if (jobs.length === 0) {
    throw new InputError("BATCH_BAD_JOB", `Cannot submit to "${system}": no jobs given`);
  }
  for (const job of jobs) {
    const bad = (reason: string): never => {
      throw new InputError("BATCH_BAD_JOB", `Cannot submit "${job.name}" to ${system}: ${reason}`);
    };
    if (job.command.length === 0) bad("the command is empty");
    if (job.transfer && !options.allowTransfer) {
      bad("file transfer (workers without a shared filesystem) is supported on htcondor only");
    }
    if (job.transfer && !isAbsolute(job.transfer.returnDir)) {
      bad(`transfer.returnDir "${job.transfer.returnDir}" is not an absolute path`);
    }
    for (const key of ["cwd", "stdout", "stderr"] as const) {
      if (!isAbsolute(job[key])) bad(`${key} "${job[key]}" is not an absolute path`);
    }
    for (const key of Object.keys(job.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
        bad(`"${key}" is not an environment variable name`);
      }
    }
  }
}

/**
 * Creates the missing parent directories of every job's log files, with `mode` when given (only
 * directories created here: an existing /tmp must keep its sticky bit).
 */
export async function makeLogDirs(jobs: readonly JobSpec[], mode?: number): Promise<void> {
  const dirs = new Set(jobs.flatMap((job) => [dirname(job.stdout), dirname(job.stderr)]));
  for (const dir of dirs) await makeDirs(dir, mode);
}

async function makeDirs(dir: string, mode?: number): Promise<void> {
  try {
    await Deno.stat(dir);
    return;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await makeDirs(dirname(dir), mode);
  try {
    await Deno.mkdir(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  if (mode !== undefined) await Deno.chmod(dir, mode);
}

/** A fresh, uniquely named submission directory under `workDir`. */
export async function makeSubmissionDir(
  workDir: string,
  system: string,
  mode?: number,
): Promise<string> {
  await Deno.mkdir(workDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  const random = crypto.getRandomValues(new Uint32Array(1))[0].toString(16).padStart(8, "0");
  const dir = join(workDir, `${system}-${stamp}-${random}`);
  await Deno.mkdir(dir);
  if (mode !== undefined) await Deno.chmod(dir, mode);
  return dir;
}

/** The last `bytes` of a log file, trimmed; "" when it cannot be read. */
export async function fileTail(path: string, bytes = 2000): Promise<string> {
  try {
    using file = await Deno.open(path);
    const size = (await file.stat()).size;
    const start = Math.max(0, size - bytes);
    await file.seek(start, Deno.SeekMode.Start);
    const buffer = new Uint8Array(size - start);
    let read = 0;
    while (read < buffer.length) {
      const n = await file.read(buffer.subarray(read));
      if (n === null) break;
      read += n;
    }
    return new TextDecoder().decode(buffer.subarray(0, read)).trim();
  } catch {
    return "";
  }
}

/** `reason` plus the tail of the job's stderr, so a failure says why without opening logs. */
export async function withStderrTail(reason: string, stderr: string): Promise<string> {
  const tail = await fileTail(stderr, 1000);
  return tail ? `${reason}; stderr ends with: ${tail}` : reason;
}

/**
 * The contract every batch-system adapter implements: submit shell-free jobs (an argv, an
 * environment, a working directory, two log files), poll their states, cancel them.
 * Executors run `work` through it; nothing here knows about work items or the store.
 * @module
 */

/** One job: a command run in `cwd` with `env` added to the worker's environment. */
export interface JobSpec {
  /** Readable name (logs, queue listings); letters, digits, `._-` are safest. */
  readonly name: string;
  /** The program and its arguments (no shell: each element is one argument). */
  readonly command: readonly string[];
  /** Variables added to the job's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Absolute working directory of the job, on a filesystem the workers see. */
  readonly cwd: string;
  /** Absolute path of the job's standard output (parent directories are created). */
  readonly stdout: string;
  /** Absolute path of the job's standard error (parent directories are created). */
  readonly stderr: string;
  /**
   * Without a shared filesystem (HTCondor file transfer; the other systems refuse it): the job
   * runs in its own scratch directory instead of `cwd`, with the files of `shared` (the same
   * for every job of a submission) and `inputs` copied into it (`inputs` under `in/`), and its
   * `outputs` (names relative to the scratch directory) are brought back into `returnDir`.
   */
  readonly transfer?: JobTransfer;
}

/** The files a job without a shared filesystem gets and gives back (see {@link JobSpec}). */
export interface JobTransfer {
  /** Absolute paths on the submitting machine, copied into the scratch directory. */
  readonly shared: readonly string[];
  /** Absolute paths of this job's own files, copied into `in/` of the scratch directory. */
  readonly inputs: readonly string[];
  /** Files or directories the job leaves in its scratch directory, brought back. */
  readonly outputs: readonly string[];
  /** Absolute directory the outputs come back into (created; one per job). */
  readonly returnDir: string;
}

/** Options of one submission; a system ignores what it cannot express (documented per adapter). */
export interface SubmitOptions {
  /** Slurm partition (HTCondor, Dask: ignored). */
  readonly partition?: string;
  /** Memory per job in MiB (Slurm `--mem`, HTCondor `request_memory`; Dask: ignored). */
  readonly memoryMb?: number;
  /** Wall-time limit per job in seconds (Slurm `--time`, HTCondor `allowed_execute_duration`). */
  readonly walltimeSeconds?: number;
  /** At most this many jobs of the submission run at once (Slurm `%N`, HTCondor `max_materialize`). */
  readonly maxParallel?: number;
  /**
   * A shell line run (in bash, in `cwd`) before the command, e.g.
   * `source /cvmfs/.../setup.sh` or `export DENO_DIR=/shared/deno`. A failing line fails the job.
   */
  readonly setup?: string;
  /**
   * Directories the jobs write into (the store, output folders). Adapters whose jobs run as
   * another user than the caller (the HTCondor personal pool: uid 2000) make them and their
   * subdirectories writable for everyone; the others ignore it.
   */
  readonly writableDirs?: readonly string[];
  /** A name for the whole submission (Slurm job name, HTCondor batch name). */
  readonly batchName?: string;
}

/**
 * A submitted job, plain JSON (an executor may persist it to cancel or poll after a restart).
 * `id` is the system's own id (`123_4` for Slurm array task 4, `123.4` for HTCondor, a Dask key).
 */
export interface JobHandle {
  readonly system: string;
  readonly id: string;
  readonly name: string;
  /** The submission: its directory for Slurm/HTCondor (scripts, event log, scheduler logs), a key prefix for Dask. */
  readonly submission: string;
  /** Position of the job in its submission. */
  readonly index: number;
}

/** The state of a job. `done` means exit code 0; any other end is `failed`. */
export type JobState =
  | { readonly state: "pending" }
  | { readonly state: "running" }
  | { readonly state: "done"; readonly exitCode: 0 }
  | { readonly state: "failed"; readonly reason: string; readonly exitCode?: number }
  | { readonly state: "held"; readonly reason: string };

/** One batch system. Close it (or `await using`) to release clients and bridge processes. */
export interface BatchSystem extends AsyncDisposable {
  /** `slurm`, `htcondor`, `dask`. */
  readonly name: string;
  /** Submits the jobs as one submission (one array / cluster); handles in the order of `jobs`. */
  submit(jobs: readonly JobSpec[], options?: SubmitOptions): Promise<JobHandle[]>;
  /** The current state of each handle, in the same order. */
  poll(handles: readonly JobHandle[]): Promise<JobState[]>;
  /** Cancels the jobs (killing running ones); finished or unknown jobs are ignored. */
  cancel(handles: readonly JobHandle[]): Promise<void>;
  /** Releases what the adapter holds (the Dask bridge process). Idempotent. */
  close(): Promise<void>;
}

/** True for the states a job never leaves by itself (`held` waits for a human: final too). */
export function isFinal(state: JobState): boolean {
  return state.state === "done" || state.state === "failed" || state.state === "held";
}

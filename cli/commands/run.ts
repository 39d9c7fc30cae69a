/**
 * `run`: process an analysis configuration end to end and write its outputs.
 * Flags follow pocket-coffea's runner where they mean the same thing.
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { loadAnalysisConfig } from "@ristretto/core/config";
import { RistrettoError } from "@ristretto/core/errors";
import { cutflowTable, runAnalysis, writeOutputs } from "@ristretto/core/processor";
import { type Executor, permissionErrorFrom } from "@ristretto/core/plugin";
import {
  defaultWorkCommand,
  inProcessExecutor,
  localWorkersExecutor,
  startWorkersEarly,
} from "@ristretto/executor-local";
import { daskExecutor, htcondorExecutor, slurmExecutor } from "@ristretto/executor-batch";
import { registryFor } from "../builtins.ts";
import {
  exitWithParent,
  isSandboxed,
  runPermissions,
  runSandboxed,
  sandboxPermissions,
  throwOnDenial,
  wantsSandbox,
} from "./_sandbox.ts";
import { progressBar } from "../progress.ts";
import { mergeRunOptions, readRunOptions } from "./_run_options.ts";
import { plotAfterRun } from "./plot.ts";
import { DEFAULT_CONFIG, DEFAULT_PARAMETERS } from "./_defaults.ts";

/** Options of {@link runCommandAction} (the parsed flags). */
export interface RunFlags {
  config: string;
  output?: string;
  test?: boolean;
  limitFiles?: number;
  limitChunks?: number;
  chunksize: number;
  filterSamples?: string[];
  filterYears?: string[];
  executor: string;
  /** Worker processes of local-workers (default one per core). */
  workers?: number;
  /** Batch executors (slurm, htcondor, dask): partition, MiB, seconds, jobs, setup line. */
  partition?: string;
  memory?: number;
  walltime?: number;
  maxJobs?: number;
  itemsPerJob?: number;
  /** Batch executors: events per job at most (items grouped by their events). */
  eventsPerJob?: number;
  /** htcondor: no shared filesystem, jobs get a staged bundle by file transfer. */
  fileTransfer?: boolean;
  setup?: string;
  /** Dask scheduler address (default: the project's dask service, else DASK_SCHEDULER_ADDRESS). */
  daskScheduler?: string;
  /** Attempts per item beyond the first. */
  retries: number;
  /** The result store (default <output>/.store). */
  store?: string;
  /** Same as a plain rerun: only missing and failed items are computed. */
  resubmit?: boolean;
  /** Record unreadable files as skipped instead of stopping. */
  skipBadFiles?: boolean;
  quiet?: boolean;
  /** False with --no-plot: no figures and no report at the end. */
  plot?: boolean;
  /** With --unsandboxed: processing keeps this process's permissions (see README "Permissions"). */
  unsandboxed?: boolean;
  /** A YAML of executor options (see _run_options.ts); flags given on the command line win. */
  runOptions?: string;
  /** Not a flag: the command workers and batch jobs start `work` with (a sandboxed run's). */
  workCommand?: readonly string[];
}

/** The executor a `--executor` name stands for. */
export function executorFor(
  name: string,
  flags: Partial<Omit<RunFlags, "executor">> = {},
): Executor {
  const batch = {
    partition: flags.partition,
    memoryMb: flags.memory,
    walltimeSeconds: flags.walltime,
    maxJobs: flags.maxJobs,
    itemsPerJob: flags.itemsPerJob,
    eventsPerJob: flags.eventsPerJob,
    setup: flags.setup,
    command: flags.workCommand,
  };
  switch (name) {
    case "local":
      return inProcessExecutor();
    case "local-workers":
      return localWorkersExecutor({ workers: flags.workers, command: flags.workCommand });
    case "slurm":
      return slurmExecutor(batch);
    case "htcondor":
      return htcondorExecutor({ ...batch, fileTransfer: flags.fileTransfer });
    case "dask":
      return daskExecutor({ ...batch, scheduler: flags.daskScheduler });
    default:
      throw new Error(`unknown executor "${name}"`);
  }
}

/** Runs an analysis with the given flags; returns the output folder. */
export async function runCommandAction(flags: RunFlags): Promise<string> {
  const startedAt = new Date();
  const configPath = resolve(flags.config);
  if (configPath === DEFAULT_CONFIG) await ensureExampleData(flags.quiet);
  const loaded = await loadAnalysisConfig(configPath, {
    defaultParameterFiles: [DEFAULT_PARAMETERS],
  });
  const output = resolve(flags.output ?? `out/${loaded.config.name}`);
  const registry = await registryFor(loaded);
  // The sandboxed run hands its permissions on to the workers and batch jobs it starts.
  const sandboxed = sandboxPermissions();
  const workCommand = flags.workCommand ??
    (sandboxed ? defaultWorkCommand({ permissions: sandboxed }) : undefined);
  const executor = executorFor(flags.executor, { ...flags, workCommand });
  registry.add(executor);
  // local-workers: the workers load while the run plans.
  const stopIdleWorkers = startWorkersEarly(executor);
  const store = resolve(flags.store ?? join(output, ".store"));
  const progress = flags.quiet ? undefined : progressBar("processing");
  // Ctrl-C stops the workers / cancels the jobs; what is stored is kept for the rerun.
  const interrupt = interruptOnSigint();
  const result = await runAnalysis(loaded, {
    registry,
    executor,
    chunkSize: flags.chunksize,
    limitFiles: flags.limitFiles ?? (flags.test ? 1 : undefined),
    limitChunks: flags.limitChunks ?? (flags.test ? 2 : undefined),
    filterSamples: flags.filterSamples,
    filterYears: flags.filterYears,
    store,
    output,
    retries: flags.retries,
    skipBadFiles: flags.skipBadFiles,
    onProgress: progress?.update,
    signal: interrupt.signal,
  }).finally(async () => {
    interrupt.dispose();
    await stopIdleWorkers();
  }).catch((error) => interrupt.exitIfInterrupted(error, progress !== undefined));
  progress?.finish();
  throwOnDenial(result.failed);
  const previous = await readFile(join(output, "metadata.json"), "utf8")
    .then((text) => JSON.parse(text) as { stages?: { postprocess?: string } })
    .catch(() => undefined);
  const upToDate = previous?.stages?.postprocess === result.stageKeys.postprocess;
  if (!upToDate) {
    await writeOutputs(output, result, {
      registry,
      info: {
        configName: loaded.config.name,
        // The same hash the work items are keyed by (canonical config + parameters).
        configHash: result.stageKeys.config,
        startedAt,
        finishedAt: new Date(),
      },
    });
  }
  if (flags.plot !== false) await plotAfterRun(output, { config: configPath, quiet: flags.quiet });
  if (!flags.quiet) {
    console.log(cutflowTable(result));
    console.log(
      `\n${result.computed} work item(s) computed, ${result.reused} reused from ${store}`,
    );
    for (const skip of result.skipped) {
      console.log(`  skipped unreadable file ${skip.file} (${skip.dataset}): ${skip.error}`);
    }
    if (result.failed.length > 0) {
      console.log(`\n${result.failed.length} work item(s) failed; the output is partial:`);
      for (const failure of result.failed) {
        console.log(
          `  ${failure.item.file} [${failure.item.start}, ${failure.item.stop}): ${failure.error}`,
        );
      }
    }
    console.log(
      upToDate ? `\nOutputs in ${output} are up to date` : `\nOutputs written to ${output}`,
    );
    if (result.skimDatasets) console.log(`Skimmed datasets: ${result.skimDatasets}`);
  }
  return output;
}

/**
 * Loads the config, derives the permissions its processing needs and runs `run` again with only
 * those (README "Permissions"); returns the child's exit code.
 */
async function runInSandbox(flags: RunFlags): Promise<number> {
  const configPath = resolve(flags.config);
  // Generating the example writes outside the output: done here, before the sandbox.
  if (configPath === DEFAULT_CONFIG) await ensureExampleData(flags.quiet);
  const loaded = await loadAnalysisConfig(configPath, {
    defaultParameterFiles: [DEFAULT_PARAMETERS],
  });
  const output = resolve(flags.output ?? `out/${loaded.config.name}`);
  const store = resolve(flags.store ?? join(output, ".store"));
  return await runSandboxed(Deno.args, await runPermissions(loaded, { ...flags, output, store }));
}

/**
 * An abort signal raised by SIGINT (Ctrl-C) while the items run. A second Ctrl-C exits at once;
 * `exitIfInterrupted` ends the process with 130 and one line when the run was interrupted.
 */
function interruptOnSigint(): {
  signal: AbortSignal;
  exitIfInterrupted(error: unknown, afterProgressBar: boolean): never;
  dispose(): void;
} {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) Deno.exit(130);
    controller.abort(new RistrettoError("RUN_INTERRUPTED", "interrupted"));
  };
  Deno.addSignalListener("SIGINT", onSigint);
  return {
    signal: controller.signal,
    exitIfInterrupted(error, afterProgressBar) {
      if (!controller.signal.aborted) throw error;
      console.error(
        `${afterProgressBar ? "\n" : ""}ristretto run: interrupted; workers and jobs stopped, ` +
          "nothing written - rerun the same command to resume from the stored results",
      );
      Deno.exit(130);
    },
    dispose: () => Deno.removeSignalListener("SIGINT", onSigint),
  };
}

/** Writes the default example's generated data when it is missing. */
async function ensureExampleData(quiet = false): Promise<void> {
  const { EXAMPLE_CORRECTIONS_PARAMS, EXAMPLE_DATASETS, generateExampleData } = await import(
    "../../configs/generate.ts"
  );
  // Data generated before the toy payloads existed lacks them (and the gen jets): regenerate.
  if (existsSync(EXAMPLE_DATASETS) && existsSync(EXAMPLE_CORRECTIONS_PARAMS)) return;
  if (!quiet) console.log("Generating the example's toy NanoAOD (first run only)...");
  await generateExampleData({});
}

const integer = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new Error(`--${name} takes a positive integer, got "${value}"`);
  }
  return parsed;
};
const nonNegative = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`--${name} takes a non-negative integer, got "${value}"`);
  }
  return parsed;
};
const list = (value: string) => value.split(",").map((item) => item.trim()).filter(Boolean);

/** The commander definition of `run`. */
export function runCommand(): Command {
  return new Command("run")
    .description("Process an analysis: datasets -> histograms, cutflow, columns")
    .option("-c, --config <file>", "analysis configuration (YAML)", DEFAULT_CONFIG)
    .option("-o, --output <dir>", "output folder (default out/<analysis name>)")
    .option("-t, --test", "quick test: 1 file and 2 chunks per dataset")
    .option("--limit-files <n>", "files per dataset at most", integer("limit-files"))
    .option("--limit-chunks <n>", "chunks per dataset at most", integer("limit-chunks"))
    .option("--chunksize <n>", "events per chunk", integer("chunksize"), 100_000)
    .option("--filter-samples <list>", "comma-separated samples to keep", list)
    .option("--filter-years <list>", "comma-separated years to keep", list)
    .option(
      "--run-options <file>",
      "YAML of executor options (top level, and per executor: slurm:, htcondor:, ...); " +
        "flags given here win",
    )
    .addOption(
      new Option("--executor <name>", "where to run").choices([
        "local",
        "local-workers",
        "slurm",
        "htcondor",
        "dask",
      ])
        .default("local"),
    )
    .option(
      "--workers <n>",
      "worker processes of local-workers (default: one per core)",
      integer("workers"),
    )
    .option("--partition <name>", "slurm: partition of the jobs")
    .option("--memory <MiB>", "slurm, htcondor: memory per job in MiB", integer("memory"))
    .option(
      "--walltime <s>",
      "slurm, htcondor: wall-time limit per job in seconds",
      integer("walltime"),
    )
    .option(
      "--max-jobs <n>",
      "batch executors: jobs per submission at most (default 50)",
      integer("max-jobs"),
    )
    .option(
      "--items-per-job <n>",
      "batch executors: work items per job (default: items / max-jobs)",
      integer("items-per-job"),
    )
    .option(
      "--events-per-job <n>",
      "batch executors: events per job at most, items grouped by their events",
      integer("events-per-job"),
    )
    .option("--setup <line>", "batch executors: shell line run before `work` in each job")
    .option(
      "--file-transfer",
      "htcondor: no shared filesystem; jobs get the project, lock file and a filled DENO_DIR " +
        "as a bundle by file transfer and send their results back",
    )
    .option(
      "--dask-scheduler <address>",
      "dask: scheduler address (default: the dask service, else DASK_SCHEDULER_ADDRESS)",
    )
    .option("--retries <n>", "attempts per work item beyond the first", nonNegative("retries"), 2)
    .option("--store <dir>", "result store (default <output>/.store); share it between outputs")
    .option(
      "--resubmit",
      "compute the missing and failed items of an earlier run (as a plain rerun does)",
    )
    .option("--skip-bad-files", "record unreadable input files as skipped instead of stopping")
    .option("-q, --quiet", "no progress bar and no table")
    .option("--no-plot", "do not draw the figures and report.html at the end")
    .option(
      "--unsandboxed",
      "keep this process's permissions instead of those derived from the config",
    )
    .action(async (given: RunFlags, command: Command) => {
      try {
        const flags = given.runOptions
          ? mergeRunOptions(
            given,
            await readRunOptions(given.runOptions),
            (flag) => command.getOptionValueSource(flag) === "cli",
          )
          : given;
        if (wantsSandbox(flags)) Deno.exit(await runInSandbox(flags));
        if (isSandboxed()) exitWithParent();
        await runCommandAction(flags);
      } catch (error) {
        throw permissionErrorFrom(error, { name: "ristretto run" }) ?? error;
      }
    });
}

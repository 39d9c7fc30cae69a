/**
 * `run`: process an analysis configuration end to end and write its outputs.
 * Flags follow pocket-coffea's runner where they mean the same thing.
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { loadAnalysisConfig } from "@ristretto/core/config";
import { cutflowTable, runAnalysis, writeOutputs } from "@ristretto/core/processor";
import type { Executor } from "@ristretto/core/plugin";
import { inProcessExecutor, localWorkersExecutor } from "@ristretto/executor-local";
import { daskExecutor, htcondorExecutor, slurmExecutor } from "@ristretto/executor-batch";
import { builtinRegistry } from "../builtins.ts";
import { progressBar } from "../progress.ts";
import { plotAfterRun } from "./plot.ts";

/** The default example analysis, relative to the repository. */
export const DEFAULT_CONFIG = fileURLToPath(
  new URL("../../configs/example/analysis.yaml", import.meta.url),
);
/** The shipped per-period parameters, layered under every analysis's own. */
export const DEFAULT_PARAMETERS = fileURLToPath(
  new URL("../../configs/params/defaults.yaml", import.meta.url),
);

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
    setup: flags.setup,
  };
  switch (name) {
    case "local":
      return inProcessExecutor();
    case "local-workers":
      return localWorkersExecutor({ workers: flags.workers });
    case "slurm":
      return slurmExecutor(batch);
    case "htcondor":
      return htcondorExecutor(batch);
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
  const registry = builtinRegistry();
  const executor = executorFor(flags.executor, flags);
  registry.add(executor);
  const store = resolve(flags.store ?? join(output, ".store"));
  const progress = flags.quiet ? undefined : progressBar("processing");
  const result = await runAnalysis(loaded, {
    registry,
    executor,
    chunkSize: flags.chunksize,
    limitFiles: flags.limitFiles ?? (flags.test ? 1 : undefined),
    limitChunks: flags.limitChunks ?? (flags.test ? 2 : undefined),
    filterSamples: flags.filterSamples,
    filterYears: flags.filterYears,
    store,
    retries: flags.retries,
    skipBadFiles: flags.skipBadFiles,
    onProgress: progress?.update,
  });
  progress?.finish();
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
  }
  return output;
}

/** Writes the default example's generated data when it is missing. */
async function ensureExampleData(quiet = false): Promise<void> {
  const { EXAMPLE_DATASETS, generateExampleData } = await import("../../configs/generate.ts");
  if (existsSync(EXAMPLE_DATASETS)) return;
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
    .option("--setup <line>", "batch executors: shell line run before `work` in each job")
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
    .action(async (flags: RunFlags) => {
      await runCommandAction(flags);
    });
}

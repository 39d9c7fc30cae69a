/**
 * `status`: for the current config, how many work items each dataset has done (in the store),
 * missing and failed (a failure record and no result), and which files were skipped.
 * @module
 */
import { join, resolve } from "node:path";
import { Command } from "commander";
import { loadAnalysisConfig, type LoadedConfig } from "@ristretto/core/config";
import { planRun, type RunPlan } from "@ristretto/core/processor";
import type { Registry } from "@ristretto/core/plugin";
import { type FailureRecord, ResultStore } from "@ristretto/core/store";
import { registryFor } from "../builtins.ts";
import { DEFAULT_CONFIG, DEFAULT_PARAMETERS } from "./_defaults.ts";

/** The flags that select a run's items (shared by status and cache gc). */
export interface SelectionFlags {
  config: string;
  output?: string;
  store?: string;
  test?: boolean;
  limitFiles?: number;
  limitChunks?: number;
  chunksize: number;
  filterSamples?: string[];
  filterYears?: string[];
  skipBadFiles?: boolean;
}

/** Adds the selection flags (as `run` spells them) to a command. */
export function withSelectionFlags(command: Command): Command {
  const integer = (name: string) => (value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new Error(`--${name} takes a positive integer, got "${value}"`);
    }
    return parsed;
  };
  const list = (value: string) => value.split(",").map((item) => item.trim()).filter(Boolean);
  return command
    .option("-c, --config <file>", "analysis configuration (YAML)", DEFAULT_CONFIG)
    .option("-o, --output <dir>", "output folder (default out/<analysis name>)")
    .option("--store <dir>", "result store (default <output>/.store)")
    .option("-t, --test", "quick test: 1 file and 2 chunks per dataset")
    .option("--limit-files <n>", "files per dataset at most", integer("limit-files"))
    .option("--limit-chunks <n>", "chunks per dataset at most", integer("limit-chunks"))
    .option("--chunksize <n>", "events per chunk", integer("chunksize"), 100_000)
    .option("--filter-samples <list>", "comma-separated samples to keep", list)
    .option("--filter-years <list>", "comma-separated years to keep", list)
    .option("--skip-bad-files", "count unreadable input files as skipped");
}

/** Plans the run the flags describe against its store (preprocess records are reused). */
export async function planFromFlags(flags: SelectionFlags): Promise<{
  loaded: LoadedConfig;
  planned: RunPlan;
  store: ResultStore;
  registry: Registry;
}> {
  const loaded = await loadAnalysisConfig(resolve(flags.config), {
    defaultParameterFiles: [DEFAULT_PARAMETERS],
  });
  const output = resolve(flags.output ?? `out/${loaded.config.name}`);
  const store = await new ResultStore(resolve(flags.store ?? join(output, ".store"))).init();
  const registry = await registryFor(loaded);
  const planned = await planRun(loaded, {
    registry,
    store,
    chunkSize: flags.chunksize,
    limitFiles: flags.limitFiles ?? (flags.test ? 1 : undefined),
    limitChunks: flags.limitChunks ?? (flags.test ? 2 : undefined),
    filterSamples: flags.filterSamples,
    filterYears: flags.filterYears,
    skipBadFiles: flags.skipBadFiles,
  });
  return { loaded, planned, store, registry };
}

/** Per-dataset counts of a planned run against its store. */
export interface DatasetStatus {
  dataset: string;
  items: number;
  done: number;
  missing: number;
  failed: number;
  /** Failure records of the failed items. */
  failures: FailureRecord[];
}

/** Counts done / missing / failed items per dataset. */
export async function storeStatus(planned: RunPlan, store: ResultStore): Promise<DatasetStatus[]> {
  const rows = new Map<string, DatasetStatus>();
  for (const dataset of planned.datasets) {
    rows.set(dataset.name, {
      dataset: dataset.name,
      items: 0,
      done: 0,
      missing: 0,
      failed: 0,
      failures: [],
    });
  }
  for (const item of planned.items) {
    const row = rows.get(item.dataset)!;
    row.items++;
    if (store.has("results", item.hash)) {
      row.done++;
      continue;
    }
    const failure = await store.getJSON<FailureRecord>("failures", item.hash);
    if (failure) {
      row.failed++;
      row.failures.push(failure);
    } else {
      row.missing++;
    }
  }
  return [...rows.values()];
}

/** The commander definition of `status`. */
export function statusCommand(): Command {
  return withSelectionFlags(
    new Command("status").description(
      "Work items done / missing / failed per dataset, for the current config and store",
    ),
  )
    .option("--json", "print JSON")
    .action(async (flags: SelectionFlags & { json?: boolean }) => {
      const { planned, store } = await planFromFlags(flags);
      const rows = await storeStatus(planned, store);
      if (flags.json) {
        console.log(
          JSON.stringify(
            { store: store.folder, datasets: rows, skipped: planned.skipped },
            null,
            1,
          ),
        );
        return;
      }
      const header = ["dataset", "items", "done", "missing", "failed"];
      const body = rows.map((row) =>
        [row.dataset, row.items, row.done, row.missing, row.failed].map(String)
      );
      const total = [
        "total",
        ...[1, 2, 3, 4].map((i) => String(body.reduce((sum, row) => sum + Number(row[i]), 0))),
      ];
      const widths = header.map((title, i) =>
        Math.max(title.length, total[i].length, ...body.map((row) => row[i].length))
      );
      const line = (cells: string[]) =>
        cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
          .join("  ");
      console.log(`store ${store.folder}`);
      console.log([line(header), ...body.map(line), line(total)].join("\n"));
      for (const row of rows) {
        for (const failure of row.failures) {
          console.log(`  failed ${failure.key} (${failure.attempts} attempt(s)): ${failure.error}`);
        }
      }
      for (const skip of planned.skipped) {
        console.log(`  skipped ${skip.file} (${skip.dataset}): ${skip.error}`);
      }
    });
}

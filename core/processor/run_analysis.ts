/**
 * The whole run on one machine's view, as stages keyed like the work items:
 * plan (datasets -> preprocess, cached by file identity -> hashed work items) -> process (the
 * executor runs the items the store lacks) -> merge (per dataset, from the store, keyed by the
 * hashes it merges) -> postprocess (normalisation; its key tells `run` whether the written
 * outputs are current). A rerun redoes only what is stale; a run killed at any point loses at
 * most the items in flight.
 * @module
 */
import { resolve } from "node:path";
import type { LoadedConfig } from "../config/load_config.ts";
import { parameterAt } from "../config/parameters.ts";
import type { BuiltDataset } from "../datasets/built_dataset.ts";
import { InputError, RistrettoError } from "../errors/ristretto_error.ts";
import type {
  Executor,
  ExecutorContext,
  ExecutorItem,
  ExecutorOutcome,
  ExecutorProgress,
} from "../plugin/types.ts";
import { hashValue } from "../store/hash.ts";
import { type FailureRecord, ResultStore } from "../store/result_store.ts";
import type { DatasetOutput } from "./chunk_output.ts";
import { mergeStoredResults } from "./merge_stream.ts";
import type { Plan } from "./plan.ts";
import {
  configSnapshot,
  datasetIdentity,
  type PlannedItem,
  type PlanOptions,
  planRun,
  type SkippedFile,
  STORE_FORMAT,
} from "./run_plan.ts";
import { forgetItemsWithoutSkims, skimSettingsOf, writeSkimDatasets } from "./skim_output.ts";
import { openWorkSession, type WorkFile, workFileSubset, type WorkSession } from "./work.ts";
import { type WorkItem, workItemKey } from "./work_item.ts";

export { openDataFile } from "./run_plan.ts";

/** Options of runAnalysis (the `run` command's flags). */
export interface RunOptions extends Omit<PlanOptions, "store"> {
  readonly executor: Executor;
  /** The store folder; default a temporary folder, removed at the end. */
  readonly store?: string;
  /** Attempts per item beyond the first (default 0). */
  readonly retries?: number;
  /** First delay between attempts in ms, doubled at each retry up to 30 s (default 500). */
  readonly backoffMs?: number;
  /** Results the merge reads ahead (default 8). */
  readonly mergeWindow?: number;
  readonly onProgress?: (progress: ExecutorProgress & { events: number }) => void;
  /** Interrupts the run: executors stop what they started. */
  readonly signal?: AbortSignal;
  /** The run's output folder: a relative `skimOutput.folder` is inside it. */
  readonly output?: string;
}

/** A failed work item, reported instead of merged. */
export interface FailedItem {
  readonly item: WorkItem;
  readonly error: string;
  /** Attempts made in this run. */
  readonly attempts?: number;
}

/** The keys of the stages: equal keys mean equal results. */
export interface StageKeys {
  /** Hash of the config parts that change results (see run_plan.ts). */
  readonly config: string;
  /** Per dataset: hash of the item hashes merged. */
  readonly merge: Readonly<Record<string, string>>;
  /** Hash of the merge keys, scales and plugins: what the written outputs depend on. */
  readonly postprocess: string;
}

/** The merged, normalised results of a run. */
export interface AnalysisResult {
  readonly datasets: readonly BuiltDataset[];
  /** Merged outputs per dataset, unscaled. */
  readonly outputs: ReadonlyMap<string, DatasetOutput>;
  /** Normalisation factor per dataset (xsec * lumi / sum genWeight; 1 for data). */
  readonly scales: ReadonlyMap<string, number>;
  readonly plan: Plan;
  /** Every work item of the run, sorted by key. */
  readonly items: readonly WorkItem[];
  readonly failed: readonly FailedItem[];
  /** Files left out by `skipBadFiles`. */
  readonly skipped: readonly SkippedFile[];
  /** Events in the merged items (before any cut). */
  readonly events: number;
  /** Items computed by this run, and items whose stored result was reused. */
  readonly computed: number;
  readonly reused: number;
  readonly stageKeys: StageKeys;
  /** The plugin fingerprints (name@version#cacheKey, payload digests included) of the run. */
  readonly plugins: readonly string[];
  /** The built-dataset JSON of the skims written (config `skimOutput`), when any. */
  readonly skimDatasets?: string;
}

/** Runs the analysis and returns merged, normalised results. */
export async function runAnalysis(
  loaded: LoadedConfig,
  options: RunOptions,
): Promise<AnalysisResult> {
  const temporary = options.store === undefined
    ? await Deno.makeTempDir({ prefix: "ristretto_store_" })
    : undefined;
  try {
    const store = new ResultStore(resolve(options.store ?? temporary!));
    return await runStages(loaded, store, options);
  } finally {
    if (temporary) await Deno.remove(temporary, { recursive: true });
  }
}

async function runStages(
  loaded: LoadedConfig,
  store: ResultStore,
  options: RunOptions,
): Promise<AnalysisResult> {
  const { registry } = options;
  // Planning writes nothing until it has succeeded: a config error leaves no folder behind.
  const planned = await planRun(loaded, { ...options, store });
  const skim = skimSettingsOf(loaded, { registry, schema: planned.schema, output: options.output });
  await store.init();
  if (skim) await forgetItemsWithoutSkims(store, { settings: skim, items: planned.items });

  // Process: only the items without a stored result.
  const missing = planned.items.filter((item) => !store.has("results", item.hash));
  const reused = planned.items.length - missing.length;
  const failed: FailedItem[] = [];
  let computed = 0;
  if (missing.length > 0) {
    const snapshot = configSnapshot(loaded);
    const configPath = await store.putJSON("configs", hashValue(snapshot), snapshot);
    const work: WorkFile = {
      format: "ristretto-work",
      version: 1,
      configHash: planned.configHash,
      plugins: planned.plugins,
      schema: planned.schema,
      datasets: Object.fromEntries(
        planned.datasets.map((dataset) => [dataset.name, datasetIdentity(dataset)]),
      ),
      items: missing,
      ...(skim ? { skim } : {}),
    };
    const itemsFile = await store.putJSON("jobs", hashValue(work), work);
    const byHash = new Map(missing.map((item) => [item.hash, item]));
    let session: Promise<WorkSession> | undefined;
    const backoff = options.backoffMs ?? 500;
    let events = 0;
    const context: ExecutorContext = {
      config: configPath,
      itemsFile,
      store: store.folder,
      itemsText: (subset) => JSON.stringify(workFileSubset(work, subset)) + "\n",
      processHere: async (item) => {
        // Files stay open between items, as in a worker: the next item of a file then reuses
        // its parsed trees and the basket the previous item ended in.
        session ??= openWorkSession(loaded, work, {
          registry,
          store,
          plan: planned.plan,
          keepFilesOpen: 4,
        });
        await (await session).process(item.hash);
      },
      retries: options.retries ?? 0,
      retryDelay: (attempt) => Math.min(30_000, backoff * 2 ** Math.max(0, attempt - 2)),
      onProgress: (progress) =>
        options.onProgress?.({
          ...progress,
          done: progress.done + reused,
          total: progress.total + reused,
          events,
        }),
      signal: options.signal,
    };
    const executorItems: ExecutorItem[] = missing.map((item) => ({
      hash: item.hash,
      key: workItemKey(item),
      events: item.stop - item.start,
    }));
    const seen = new Set<string>();
    try {
      for await (const outcome of options.executor.run(executorItems, context)) {
        // Interrupted: leave the loop (the executor stops what it started), record and merge nothing.
        options.signal?.throwIfAborted();
        const item = byHash.get(outcome.item.hash);
        if (!item || seen.has(outcome.item.hash)) {
          throw new RistrettoError(
            "EXECUTOR_CONTRACT",
            `Executor "${options.executor.name}" reported ${
              item ? "a second outcome" : "an outcome"
            } for item ${outcome.item.key}`,
          );
        }
        seen.add(item.hash);
        const error = await checkOutcome(store, outcome);
        if (error === undefined) {
          computed++;
          events += item.stop - item.start;
        } else {
          failed.push({ item: plainItem(item), error, attempts: outcome.attempts });
        }
      }
    } finally {
      // The in-process executor's session (files kept open); none for other executors.
      await (await session?.catch(() => undefined))?.close();
    }
    options.signal?.throwIfAborted();
    for (const item of missing) {
      if (!seen.has(item.hash)) {
        failed.push({
          item: plainItem(item),
          error: `executor "${options.executor.name}" reported no outcome`,
          attempts: 0,
        });
      }
    }
  }
  const done = planned.items.filter((item) => store.has("results", item.hash));
  if (done.length === 0 && failed.length > 0) {
    const first = failed[0];
    throw new RistrettoError(
      "RUN_ALL_FAILED",
      `Cannot run "${loaded.config.name}": every work item failed; the first: ${first.item.file} [${first.item.start}, ${first.item.stop}): ${first.error}`,
    );
  }

  // Merge, per dataset, in key order; a merge already stored for the same items is reused.
  const outputs = new Map<string, DatasetOutput>();
  const mergeKeys: Record<string, string> = {};
  for (const dataset of planned.datasets) {
    const hashes = done.filter((item) => item.dataset === dataset.name).map((item) => item.hash);
    if (hashes.length === 0) continue;
    const key = hashValue({ format: STORE_FORMAT, stage: "merge", items: hashes });
    mergeKeys[dataset.name] = key;
    let output: DatasetOutput | undefined;
    if (store.has("merged", key)) {
      output = await store.getResult("merged", key) as DatasetOutput;
    } else {
      output = await mergeStoredResults(store, hashes, { window: options.mergeWindow });
      await store.putResult("merged", key, output, { dataset: dataset.name, items: hashes.length });
    }
    outputs.set(dataset.name, output!);
  }

  // Postprocess: normalisation.
  const scales = new Map<string, number>();
  for (const dataset of planned.datasets) {
    const output = outputs.get(dataset.name);
    if (output) scales.set(dataset.name, normalisation(loaded, dataset, output));
  }
  const skimDatasets = skim
    ? await writeSkimDatasets(skim, { datasets: planned.datasets, items: done, outputs, store })
    : undefined;
  const postprocess = hashValue({
    format: STORE_FORMAT,
    stage: "postprocess",
    config: planned.configHash,
    plugins: planned.plugins,
    merge: mergeKeys,
    scales: Object.fromEntries(scales),
    datasets: planned.datasets.map(datasetIdentity),
    failed: failed.map((failure) => workItemKey(failure.item)),
    skipped: planned.skipped,
  });
  return {
    datasets: planned.datasets,
    outputs,
    scales,
    plan: planned.plan,
    items: planned.items.map(plainItem),
    failed,
    skipped: planned.skipped,
    events: done.reduce((sum, item) => sum + item.stop - item.start, 0),
    computed,
    reused,
    stageKeys: { config: planned.configHash, merge: mergeKeys, postprocess },
    plugins: planned.plugins,
    skimDatasets,
  };
}

/** The error of an outcome (undefined when its result is in the store), recorded if new. */
async function checkOutcome(
  store: ResultStore,
  outcome: ExecutorOutcome,
): Promise<string | undefined> {
  const { item } = outcome;
  if (outcome.ok) {
    if (store.has("results", item.hash)) return undefined;
    const error = "the executor reported success, but the store has no result";
    await store.recordFailure(item.hash, item.key, error);
    return error;
  }
  // `work` records the failures of items it ran; crashes (a killed worker) are recorded here.
  const record = await store.getJSON<FailureRecord>("failures", item.hash);
  if (record?.error !== outcome.error) {
    await store.recordFailure(item.hash, item.key, outcome.error);
  }
  return outcome.error;
}

function plainItem(item: PlannedItem): WorkItem {
  return {
    dataset: item.dataset,
    file: item.file,
    tree: item.tree,
    start: item.start,
    stop: item.stop,
  };
}

/**
 * xsec * lumi / sum(genWeight) for MC - each factor only when its weight (XS, lumi, genWeight)
 * is in the dataset's inclusive weights; 1 for data.
 */
function normalisation(loaded: LoadedConfig, dataset: BuiltDataset, output: DatasetOutput): number {
  if (!dataset.isMC) return 1;
  const lists = loaded.config.weights;
  const active = new Set([
    ...lists.common.inclusive,
    ...(lists.bysample[dataset.sample]?.inclusive ?? []),
  ]);
  let scale = 1;
  if (active.has("XS")) {
    scale *= dataset.xsec ?? 1;
    scale /= active.has("genWeight") ? output.sumGenWeight : output.events;
  }
  if (active.has("lumi")) {
    const lumi = Number(parameterAt(loaded.parameters, `lumi.picobarn.${dataset.year}`));
    if (!Number.isFinite(lumi)) {
      throw new InputError(
        "RUN_NO_LUMI",
        `Cannot normalise "${dataset.name}": no parameter lumi.picobarn.${dataset.year} (inverse picobarn for year ${dataset.year})`,
      );
    }
    scale *= lumi;
  }
  return scale;
}

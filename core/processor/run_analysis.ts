/**
 * The whole run on one machine's view: datasets -> preprocess (entries per file) -> work items
 * -> executor -> deterministic merge -> postprocess (normalisation).
 * @module
 */
import type { LoadedConfig } from "../config/load_config.ts";
import { resolveFrom } from "../config/load_config.ts";
import { parameterAt } from "../config/parameters.ts";
import {
  type BuiltDataset,
  filterDatasets,
  normaliseDataset,
  readBuiltDatasets,
} from "../datasets/built_dataset.ts";
import { InputError, RistrettoError } from "../errors/ristretto_error.ts";
import { openLocalFile } from "../io/local_file.ts";
import type { Registry } from "../plugin/registry.ts";
import type {
  BranchInfo,
  ByteSource,
  Calibrator,
  Executor,
  ExecutorProgress,
  OpenedFile,
  WeightProvider,
} from "../plugin/types.ts";
import { type DatasetOutput, mergeDatasetOutput } from "./chunk_output.ts";
import { compilePlan, type Plan } from "./plan.ts";
import { loadAnalysisModule } from "./analysis_module.ts";
import { processChunk } from "./process_chunk.ts";
import { compareWorkItems, splitEntries, type WorkItem, workItemKey } from "./work_item.ts";

/** Options of runAnalysis (the `run` command's flags). */
export interface RunOptions {
  readonly registry: Registry;
  readonly executor: Executor;
  /** Events per work item (default 100 000). */
  readonly chunkSize?: number;
  /** Files per dataset at most. */
  readonly limitFiles?: number;
  /** Work items per dataset at most. */
  readonly limitChunks?: number;
  /** Keep only these samples / years (on top of the config's filter). */
  readonly filterSamples?: readonly string[];
  readonly filterYears?: readonly string[];
  /** Tree name (default "Events"). */
  readonly tree?: string;
  readonly retries?: number;
  readonly onProgress?: (progress: ExecutorProgress & { events: number }) => void;
}

/** A failed work item, reported instead of merged. */
export interface FailedItem {
  readonly item: WorkItem;
  readonly error: string;
}

/** The merged, normalised results of a run. */
export interface AnalysisResult {
  readonly datasets: readonly BuiltDataset[];
  /** Merged outputs per dataset, unscaled. */
  readonly outputs: ReadonlyMap<string, DatasetOutput>;
  /** Normalisation factor per dataset (xsec * lumi / sum genWeight; 1 for data). */
  readonly scales: ReadonlyMap<string, number>;
  readonly plan: Plan;
  readonly items: readonly WorkItem[];
  readonly failed: readonly FailedItem[];
  /** Events processed (before any cut). */
  readonly events: number;
}

/** Opens a file through the registry's byte sources (local paths by default) and readers. */
export async function openDataFile(registry: Registry, url: string): Promise<OpenedFile> {
  const provider = registry.byteSourceFor(url);
  const source: ByteSource = provider ? await provider.open(url) : await openLocalFile(url);
  try {
    const head = await source.read(0, Math.min(4, await source.size()));
    return await registry.readerFor(url, head).open(source);
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** Runs the analysis and returns merged, normalised results. */
export async function runAnalysis(
  loaded: LoadedConfig,
  options: RunOptions,
): Promise<AnalysisResult> {
  const { registry } = options;
  const tree = options.tree ?? "Events";
  const datasets = await buildDatasets(loaded, options);
  if (datasets.length === 0) {
    throw new InputError(
      "RUN_NO_DATASETS",
      `Cannot run "${loaded.config.name}": no dataset is left after the sample/year filters`,
    );
  }

  // Preprocess: entries per file, and the branch list the plan is compiled against.
  const items: WorkItem[] = [];
  // The union over datasets of their first file's branches: data lacks genWeight and the
  // generator-level branches that simulation has.
  const branches = new Map<string, BranchInfo>();
  for (const dataset of datasets) {
    const files = dataset.files.slice(0, options.limitFiles ?? dataset.files.length);
    const datasetItems: WorkItem[] = [];
    for (const [index, file] of files.entries()) {
      const opened = await openDataFile(registry, file);
      try {
        if (!opened.trees().includes(tree)) {
          throw new InputError(
            "RUN_NO_TREE",
            `Cannot read "${file}": it has no tree "${tree}" (trees: ${opened.trees().join(", ")})`,
          );
        }
        if (index === 0) {
          for (const branch of opened.branches(tree)) {
            if (!branches.has(branch.name)) branches.set(branch.name, branch);
          }
        }
        for (const range of splitEntries(opened.entries(tree), options.chunkSize ?? 100_000)) {
          datasetItems.push({ dataset: dataset.name, file, tree, ...range });
        }
      } finally {
        await opened.close();
      }
    }
    items.push(...datasetItems.slice(0, options.limitChunks ?? datasetItems.length));
  }
  const module = loaded.config.module
    ? await loadAnalysisModule(resolveFrom(loaded.baseDir, loaded.config.module))
    : undefined;
  const plan = compilePlan(loaded, [...branches.values()], {
    calibrators: registry.all<Calibrator>("calibrator"),
    weightProviders: registry.all<WeightProvider>("weight"),
    module,
  });
  const byName = new Map(datasets.map((dataset) => [dataset.name, dataset]));
  const branchList = [...plan.branches];

  let events = 0;
  const task = async (item: WorkItem): Promise<DatasetOutput> => {
    const opened = await openDataFile(registry, item.file);
    try {
      // A branch the analysis can use but this file lacks (genWeight in data) is not read;
      // an expression that needs it fails with the file named below.
      const available = new Set(opened.branches(item.tree).map((branch) => branch.name));
      const columns = await opened.read(
        item.tree,
        branchList.filter((branch) => available.has(branch)),
        { start: item.start, stop: item.stop },
      );
      try {
        return processChunk(plan, columns, {
          dataset: byName.get(item.dataset)!,
          entries: item.stop - item.start,
          file: item.file,
          parameters: loaded.parameters,
        });
      } catch (error) {
        if (!(error instanceof RistrettoError)) throw error;
        throw new RistrettoError(
          error.code,
          `Cannot process "${item.file}" entries [${item.start}, ${item.stop}): ${error.message}`,
          { cause: error },
        );
      }
    } finally {
      await opened.close();
    }
  };

  const results = new Map<string, { item: WorkItem; output: DatasetOutput }>();
  const failed: FailedItem[] = [];
  for await (
    const outcome of options.executor.run(items, task, {
      retries: options.retries,
      onProgress: (progress) => options.onProgress?.({ ...progress, events }),
    })
  ) {
    if (outcome.error === undefined) {
      events += outcome.item.stop - outcome.item.start;
      results.set(workItemKey(outcome.item), { item: outcome.item, output: outcome.result! });
    } else {
      failed.push({ item: outcome.item, error: describeError(outcome.error) });
    }
  }
  if (failed.length > 0 && results.size === 0) {
    throw new RistrettoError(
      "RUN_ALL_FAILED",
      `Cannot run "${loaded.config.name}": every work item failed; the first: ${
        failed[0].item.file
      } [${failed[0].item.start}, ${failed[0].item.stop}): ${failed[0].error}`,
    );
  }

  // Merge in key order, so the result is the same whatever order items finished in.
  const outputs = new Map<string, DatasetOutput>();
  for (const { output } of [...results.values()].sort((a, b) => compareWorkItems(a.item, b.item))) {
    const existing = outputs.get(output.dataset);
    outputs.set(output.dataset, existing ? mergeDatasetOutput(existing, output) : output);
  }
  const scales = new Map<string, number>();
  for (const dataset of datasets) {
    const output = outputs.get(dataset.name);
    if (output) scales.set(dataset.name, normalisation(loaded, dataset, output));
  }
  return {
    datasets,
    outputs,
    scales,
    plan,
    items: [...items].sort(compareWorkItems),
    failed,
    events,
  };
}

async function buildDatasets(loaded: LoadedConfig, options: RunOptions): Promise<BuiltDataset[]> {
  const { config, baseDir } = loaded;
  const all: BuiltDataset[] = [];
  for (const file of config.datasets.jsons) {
    all.push(...await readBuiltDatasets(resolveFrom(baseDir, file)));
  }
  for (const [name, entry] of Object.entries(config.datasets.inline)) {
    all.push(normaliseDataset(name, entry, {
      file: loaded.document.file,
      baseDir,
      locate: (path) => loaded.document.locate(["datasets", "inline", ...path]),
    }));
  }
  const filtered = filterDatasets(all, config.datasets.filter);
  return filterDatasets(filtered, {
    samples: options.filterSamples,
    years: options.filterYears,
  });
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

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

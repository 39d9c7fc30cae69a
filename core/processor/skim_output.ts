/**
 * Skimmed NanoAOD (the config's `skimOutput`, PocketCoffea's save_skimmed_files): each work item
 * writes the events passing its skim (or skim and the preselection of any shape variation) -
 * every branch of its input, or the configured subset, with the input's leaf types and counters
 * - to one file, with a `Runs` tree holding the count and sum of genWeight of the item's events
 * BEFORE the skim (as NanoAOD's Runs tree does). After the run, `<folder>/datasets.json` lists
 * the skims as built datasets (`isSkim: true`), so a later run reads them; such a run takes its
 * normalisation from the Runs trees instead of the skimmed events, and gives the same histograms.
 *
 * The writing goes through a `tree-writer` plugin: core imports no plugin.
 * @module
 */
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { filterEvents } from "../columns/filter.ts";
import { isJagged } from "../columns/jagged.ts";
import type { Column } from "../columns/types.ts";
import { ConfigError } from "../config/config_error.ts";
import type { LoadedConfig } from "../config/load_config.ts";
import type { BuiltDataset } from "../datasets/built_dataset.ts";
import { didYouMean } from "../errors/did_you_mean.ts";
import { InputError } from "../errors/ristretto_error.ts";
import type { Registry } from "../plugin/registry.ts";
import type { BranchInfo, OpenedFile, TreeWriter } from "../plugin/types.ts";
import { writeFileAtomic } from "../store/atomic_write.ts";
import type { ResultStore } from "../store/result_store.ts";
import type { DatasetOutput } from "./chunk_output.ts";
import type { WorkItem } from "./work_item.ts";

/** What a worker needs to write skims (carried by the items file, so batch jobs have it). */
export interface SkimSettings {
  /** Absolute folder of the skims and their datasets.json. */
  readonly folder: string;
  readonly after: "skim" | "preselection";
  /** Branch names or glob patterns; every branch when absent. */
  readonly branches?: readonly string[];
  /** Name of the tree-writer plugin, and its file extension. */
  readonly writer: string;
  readonly extension: string;
  readonly codec?: string;
  readonly level?: number;
}

/** What a work item records about its skim file (in its stored result's header). */
export interface SkimRecord {
  /** The file, absolute. */
  readonly file: string;
  /** Events written. */
  readonly events: number;
  /** Events and sum of genWeight of the item before the skim (its Runs tree). */
  readonly eventsBefore: number;
  readonly sumGenWeightBefore: number;
}

/** The masks processChunk reports: the skim's over the chunk, the preselection's after it. */
export type SelectionStep = "skim" | "preselection";

/** The name of the tree NanoAOD keeps per-run generator sums in. */
export const RUNS_TREE = "Runs";

/**
 * The skim settings of a config, or undefined when it writes no skims. Relative folders are
 * inside `output` (the run's output folder).
 *
 * @throws {ConfigError} at the config's `skimOutput` when no tree writer is registered, the codec
 * is unknown, a branch pattern matches no branch of `schema`, or the folder is relative and the
 * run has no output folder.
 */
export function skimSettingsOf(
  loaded: LoadedConfig,
  options: { registry: Registry; schema: readonly BranchInfo[]; output?: string },
): SkimSettings | undefined {
  const spec = loaded.config.skimOutput;
  if (!spec?.enabled) return undefined;
  const fail = (path: (string | number)[], reason: string): never => {
    throw new ConfigError(
      "CONFIG_SKIM_OUTPUT",
      `Cannot save skimmed files of "${loaded.config.name}": ${reason}`,
      { position: loaded.document.locate(["skimOutput", ...path]) },
    );
  };
  const writers = options.registry.all<TreeWriter>("tree-writer");
  if (writers.length === 0) fail([], "no tree-writer plugin is registered");
  const writer = writers[0];
  const codec = spec.compression?.codec;
  if (codec !== undefined && !writer.codecs.includes(codec.toUpperCase())) {
    fail(
      ["compression", "codec"],
      `the "${writer.name}" writer has no codec "${codec}"${
        didYouMean(codec.toUpperCase(), writer.codecs)
      }; codecs: ${writer.codecs.join(", ")}`,
    );
  }
  const names = options.schema.map((branch) => branch.name);
  spec.branches?.forEach((pattern, index) => {
    if (!names.some((name) => globMatcher(pattern).test(name))) {
      fail(
        ["branches", index],
        `branch pattern "${pattern}" matches no branch of the input${didYouMean(pattern, names)}`,
      );
    }
  });
  if (!isAbsolute(spec.folder) && options.output === undefined) {
    fail(["folder"], `folder "${spec.folder}" is relative, and the run has no output folder`);
  }
  return {
    folder: isAbsolute(spec.folder) ? spec.folder : resolve(options.output!, spec.folder),
    after: spec.after,
    branches: spec.branches,
    writer: writer.name,
    extension: writer.extension,
    codec: codec?.toUpperCase(),
    level: spec.compression?.level,
  };
}

/** The skim file of a work item: `<folder>/<dataset>/<input stem>_<start>-<stop>_<hash>.<ext>`. */
export function skimFilePath(settings: SkimSettings, item: WorkItem & { hash: string }): string {
  const stem = basename(
    item.file.replace(/[?#].*$/, ""),
    extname(item.file.replace(/[?#].*$/, "")),
  );
  return join(
    settings.folder,
    item.dataset,
    `${stem}_${item.start}-${item.stop}_${item.hash.slice(0, 12)}.${settings.extension}`,
  );
}

/**
 * Removes the stored results of items whose skim file is missing (deleted, or written to
 * another folder), so the run computes them again; returns how many.
 */
export async function forgetItemsWithoutSkims(
  store: ResultStore,
  options: { settings: SkimSettings; items: readonly (WorkItem & { hash: string })[] },
): Promise<number> {
  let forgotten = 0;
  for (const item of options.items) {
    if (!store.has("results", item.hash)) continue;
    if (existsSync(skimFilePath(options.settings, item))) continue;
    await store.remove("results", item.hash);
    forgotten++;
  }
  return forgotten;
}

/** True for a dataset whose files are skims (metadata `isSkim: true` or `"True"`). */
export function isSkimDataset(dataset: Pick<BuiltDataset, "metadata">): boolean {
  const flag = dataset.metadata?.isSkim;
  return flag === true || (typeof flag === "string" && flag.toLowerCase() === "true");
}

/**
 * The entry ranges of a file of a skimmed dataset: an empty skim still carries its Runs sums,
 * so it gets one empty item instead of none.
 */
export function withEmptySkimFiles<R extends { start: number; stop: number }>(
  dataset: Pick<BuiltDataset, "metadata">,
  ranges: R[],
): (R | { start: number; stop: number })[] {
  return ranges.length === 0 && isSkimDataset(dataset) ? [{ start: 0, stop: 0 }] : ranges;
}

/**
 * For an item of a skimmed dataset: the events and sum of genWeight before the skim, from the
 * file's Runs tree, replace those of the skimmed events (in `events`, `sumGenWeight` and every
 * cutflow's `initial` step). The whole file's sums go to its item starting at entry 0, none to
 * the others, so they add up once per file however the file is split.
 */
export async function useRecordedSums(
  output: DatasetOutput,
  source: { opened: OpenedFile; item: WorkItem; dataset: BuiltDataset },
): Promise<void> {
  if (!isSkimDataset(source.dataset)) return;
  const { opened, item } = source;
  let events = 0;
  let sumw = 0;
  if (item.start === 0) {
    const branches = opened.trees().includes(RUNS_TREE)
      ? new Set(opened.branches(RUNS_TREE).map((branch) => branch.name))
      : new Set<string>();
    if (!branches.has("genEventCount") || !branches.has("genEventSumw")) {
      throw new InputError(
        "SKIM_NO_RUNS",
        `Cannot normalise the skim "${item.file}": dataset "${item.dataset}" is marked isSkim, but the file has no ${RUNS_TREE} tree with genEventCount and genEventSumw (the sums before the skim)`,
      );
    }
    const runs = await opened.read(RUNS_TREE, ["genEventCount", "genEventSumw"]);
    const counts = runs.get("genEventCount") as ArrayLike<number | bigint>;
    const sums = runs.get("genEventSumw") as ArrayLike<number>;
    for (let i = 0; i < counts.length; i++) {
      events += Number(counts[i]);
      sumw += Number(sums[i]);
    }
  }
  output.events = events;
  output.sumGenWeight = sumw;
  for (const sample of Object.values(output.samples)) {
    for (const steps of Object.values(sample.cutflow)) {
      if (steps.initial) steps.initial = { events, sumw };
    }
  }
}

/** Collects the masks processChunk reports for one chunk. */
export class SkimSelection {
  #skim: Uint8Array | undefined;
  #preselection: Uint8Array | undefined;

  /**
   * What processChunk calls (its `onSelection`): the skim mask, then the preselection mask of
   * every shape variation. An event passing the preselection in any variation is kept: a JES
   * shift can move an event into the preselection, and the skims must still give the varied
   * histograms when they are processed again.
   */
  readonly record = (step: SelectionStep, mask: Uint8Array): void => {
    if (step === "skim") {
      this.#skim = Uint8Array.from(mask);
      return;
    }
    const union = this.#preselection;
    if (!union) this.#preselection = Uint8Array.from(mask);
    else for (let i = 0; i < union.length; i++) union[i] |= mask[i];
  };

  /** The events of the chunk to write: skim, and a preselection of any variation if `after` says so. */
  mask(after: SkimSettings["after"], entries: number): Uint8Array {
    const skim = this.#skim;
    if (!skim || skim.length !== entries) {
      throw new RangeError(`Cannot write a skim: the chunk reported no skim mask of ${entries}`);
    }
    if (after === "skim") return skim;
    const preselection = this.#preselection;
    if (!preselection) throw new RangeError("Cannot write a skim: no preselection mask reported");
    const mask = new Uint8Array(entries);
    for (let i = 0, j = 0; i < entries; i++) {
      if (skim[i]) mask[i] = preselection[j++] ? 1 : 0;
    }
    return mask;
  }
}

/** Writes the skims of one work session's items with the registry's tree writer. */
export class SkimWriter {
  readonly settings: SkimSettings;
  readonly #writer: TreeWriter;

  constructor(settings: SkimSettings, registry: Registry) {
    this.settings = settings;
    this.#writer = registry.get<TreeWriter>("tree-writer", settings.writer);
  }

  /**
   * The branches an item reads: the analysis's, every branch of the file the patterns select
   * (with the counters of jagged ones), and `run` and `genWeight` for the Runs tree.
   */
  branchesToRead(analysis: readonly string[], file: readonly BranchInfo[]): string[] {
    const names = new Set(analysis);
    for (const branch of this.#written(file)) names.add(branch.name);
    for (const extra of ["run", "genWeight"]) {
      if (file.some((branch) => branch.name === extra)) names.add(extra);
    }
    return [...names];
  }

  /**
   * Writes the item's skim file: the selected events of every written branch to `Events`, the
   * sums before the skim per run to `Runs`. The file appears whole or not at all.
   */
  async write(
    item: WorkItem & { hash: string },
    chunk: {
      columns: ReadonlyMap<string, Column>;
      branches: readonly BranchInfo[];
      selection: SkimSelection;
      isMC: boolean;
    },
  ): Promise<SkimRecord> {
    const entries = item.stop - item.start;
    const mask = chunk.selection.mask(this.settings.after, entries);
    const written = this.#written(chunk.branches);
    const events = new Map<string, Column>();
    for (const branch of written) {
      const column = chunk.columns.get(branch.name);
      // A counter read as its own branch is written from the offsets of its collection.
      if (column === undefined) continue;
      events.set(branch.name, filterEvents(column, mask));
    }
    const runs = runSums(chunk.columns, { entries, isMC: chunk.isMC });
    const path = skimFilePath(this.settings, item);
    const file = await this.#writer.open(path, {
      codec: this.settings.codec,
      level: this.settings.level,
    });
    try {
      await file.tree("Events", { branches: written }).fill(events);
      await file.tree(RUNS_TREE, { branches: RUNS_BRANCHES }).fill(runs.columns);
    } catch (error) {
      await file.abort();
      throw new InputError(
        "SKIM_WRITE",
        `Cannot write the skim "${path}" of "${item.file}": ${(error as Error).message}`,
        { cause: error },
      );
    }
    await file.close();
    let passing = 0;
    for (let i = 0; i < mask.length; i++) passing += mask[i] ? 1 : 0;
    return { file: path, events: passing, eventsBefore: entries, sumGenWeightBefore: runs.sumw };
  }

  /** The file's branches the patterns select, with the counters of the jagged ones. */
  #written(file: readonly BranchInfo[]): BranchInfo[] {
    const patterns = this.settings.branches?.map(globMatcher);
    const selected = new Set<string>();
    for (const branch of file) {
      if (patterns && !patterns.some((pattern) => pattern.test(branch.name))) continue;
      selected.add(branch.name);
      if (branch.counter) selected.add(branch.counter);
    }
    return file.filter((branch) => selected.has(branch.name));
  }
}

const RUNS_BRANCHES: readonly BranchInfo[] = [
  { name: "run", type: "uint32" },
  { name: "genEventCount", type: "int64" },
  { name: "genEventSumw", type: "float64" },
  { name: "genEventSumw2", type: "float64" },
];

/**
 * One Runs entry per run of the chunk's events (all of them, before the skim), as NanoAOD's:
 * event count, sum of genWeight and of its square (1 per event for data, as the cutflow).
 */
function runSums(
  columns: ReadonlyMap<string, Column>,
  options: { entries: number; isMC: boolean },
): { columns: Map<string, Column>; sumw: number } {
  const { entries } = options;
  const runColumn = columns.get("run");
  const run = runColumn && !isJagged(runColumn) ? runColumn as ArrayLike<number> : undefined;
  const weightColumn = options.isMC ? columns.get("genWeight") : undefined;
  const weight = weightColumn && !isJagged(weightColumn)
    ? weightColumn as ArrayLike<number>
    : undefined;
  const byRun = new Map<number, { count: number; sumw: number; sumw2: number }>();
  let current = { count: 0, sumw: 0, sumw2: 0 };
  let currentRun = NaN;
  for (let i = 0; i < entries; i++) {
    // Without a run branch: run 1, NanoAOD's run number of simulation.
    const r = run ? Number(run[i]) : 1;
    if (r !== currentRun) {
      currentRun = r;
      current = byRun.get(r) ?? { count: 0, sumw: 0, sumw2: 0 };
      byRun.set(r, current);
    }
    const w = weight ? Number(weight[i]) : 1;
    current.count++;
    current.sumw += w;
    current.sumw2 += w * w;
  }
  const ordered = [...byRun].sort(([a], [b]) => a - b);
  const out = new Map<string, Column>([
    ["run", Uint32Array.from(ordered, ([r]) => r)],
    ["genEventCount", BigInt64Array.from(ordered, ([, s]) => BigInt(s.count))],
    ["genEventSumw", Float64Array.from(ordered, ([, s]) => s.sumw)],
    ["genEventSumw2", Float64Array.from(ordered, ([, s]) => s.sumw2)],
  ]);
  let sumw = 0;
  for (const [, sums] of ordered) sumw += sums.sumw;
  return { columns: out, sumw };
}

/**
 * Writes `<folder>/datasets.json`: each dataset with finished items as a built dataset of its
 * skims (paths relative to the JSON), its metadata plus `isSkim: true`, `sum_genweights` and
 * `nevents_before_skim` (before the skim, over the items skimmed), `nevents` and `size` (of the
 * skims).
 * Returns the path, or undefined when no item finished.
 */
export async function writeSkimDatasets(
  settings: SkimSettings,
  run: {
    datasets: readonly BuiltDataset[];
    /** The finished items (their results are in the store). */
    items: readonly (WorkItem & { hash: string })[];
    outputs: ReadonlyMap<string, DatasetOutput>;
    store: ResultStore;
  },
): Promise<string | undefined> {
  const path = join(settings.folder, "datasets.json");
  const built: Record<string, unknown> = {};
  for (const dataset of run.datasets) {
    const items = run.items.filter((item) => item.dataset === dataset.name);
    const output = run.outputs.get(dataset.name);
    if (items.length === 0 || !output) continue;
    let written = 0;
    let bytes = 0;
    for (const item of items) {
      const header = await run.store.getResultHeader("results", item.hash);
      written += (header.skim as SkimRecord | undefined)?.events ?? 0;
      bytes += (await stat(skimFilePath(settings, item))).size;
    }
    built[dataset.name] = {
      metadata: {
        ...dataset.metadata,
        isSkim: true,
        skimmedAfter: settings.after,
        sum_genweights: output.sumGenWeight,
        nevents_before_skim: output.events,
        // Strings, as PocketCoffea's built datasets write these two.
        nevents: String(written),
        size: String(bytes),
      },
      files: items.map((item) => relative(dirname(path), skimFilePath(settings, item))),
    };
  }
  if (Object.keys(built).length === 0) return undefined;
  await writeFileAtomic(path, JSON.stringify(built, null, 2) + "\n");
  return path;
}

/** A branch name pattern: `*` any characters, `?` one; the whole name must match. */
function globMatcher(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(
    /\?/g,
    ".",
  );
  return new RegExp(`^${source}$`);
}

/** The columns of `names` only: what the analysis reads of the wider set a skim reads. */
export function onlyBranches(
  columns: ReadonlyMap<string, Column>,
  names: readonly string[],
): Map<string, Column> {
  const out = new Map<string, Column>();
  for (const name of names) {
    const column = columns.get(name);
    if (column !== undefined) out.set(name, column);
  }
  return out;
}

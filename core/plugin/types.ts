/**
 * The whole plugin contract, in one file (as rollup keeps its own): every kind of plugin
 * Ristretto knows, what it must provide and what it may. Built-in plugins implement these
 * exactly as a third-party package would.
 * @module
 */
import type { Column } from "../columns/types.ts";
import type { Events } from "../events/events.ts";

/** The plugin API version this build of Ristretto speaks. A loader refuses other majors. */
export const API_VERSION = 1;

/** What every plugin has: a kebab-case name, its own version, and the API it was written for. */
export interface PluginBase {
  /** kebab-case, unique within its kind, e.g. `root-reader`. */
  readonly name: string;
  /** The plugin's own semver version; it enters the work-item hash. */
  readonly version: string;
  /** The plugin API version it implements (compare with API_VERSION). */
  readonly apiVersion: number;
  /**
   * Extra data that changes results (e.g. a correction file digest); enters the work-item hash.
   * Gets the run's merged parameters (when planning a run), for plugins whose files are named
   * there (e.g. the CMS payloads under `correctionsDir`).
   */
  cacheKey?(parameters?: Readonly<Record<string, unknown>>): string;
}

// ---------------------------------------------------------------------------------------------
// Plugin packages: how a package hands its plugins to Ristretto (lume style: options in,
// installer out). A package's entry module default-exports a PluginFactory and exports its
// `Options` type and `defaults`; the config lists it under `plugins:`.

/** Every plugin kind, by its `kind` tag (third-party kinds are checked by the loader). */
export type AnyPlugin = PluginBase & { readonly kind: string };

/** What an installer registers plugins into (the Registry, or a loader's collector). */
export interface PluginRegistrar {
  add(plugin: AnyPlugin): unknown;
}

/** Registers a package's plugins, configured by the options its factory was given. */
export type PluginInstaller = (registry: PluginRegistrar) => void;

/** A plugin package's default export: options (merged over its `defaults`) in, installer out. */
export type PluginFactory<O = Record<string, unknown>> = (options?: Partial<O>) => PluginInstaller;

/** Every `kind` a plugin may declare. */
export const PLUGIN_KINDS: readonly string[] = [
  "byte-source",
  "reader",
  "executor",
  "columns-writer",
  "calibrator",
  "weight",
  "cut",
  "variable",
  "plotter",
  "dataset-source",
  "tree-writer",
];

// ---------------------------------------------------------------------------------------------
// Byte sources: where the bytes of a file come from (local disk, HTTP, XRootD, ...).

/** A byte range to read: `length` bytes starting at `offset`. */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * Random access to the bytes of one file. Readers never load a whole file: they ask for the
 * header, the metadata and the baskets they need.
 */
export interface ByteSource {
  /** Where the bytes come from, for error messages. */
  readonly url: string;
  /** Total size in bytes. */
  size(): Promise<number>;
  /** Exactly `length` bytes at `offset`, or a RistrettoError (code `IO_SHORT_READ`) if the file ends first. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Several ranges at once (a vector read where the protocol has one). */
  readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]>;
  /** Releases the file handle or connection. */
  close(): Promise<void>;
}

/** Opens byte sources for the URL schemes it understands (`file:`, `https:`, `root:`). */
export interface ByteSourceProvider extends PluginBase {
  readonly kind: "byte-source";
  /** URL schemes handled, without the colon: e.g. `["http", "https"]`. */
  readonly schemes: readonly string[];
  open(url: string): Promise<ByteSource>;
}

// ---------------------------------------------------------------------------------------------
// Readers: file formats (ROOT, Parquet) -> columns.

/** The element type of a branch as Ristretto stores it. */
export type LeafType =
  | "bool"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";

/** What a reader knows about one branch (ROOT) or column (Parquet). */
export interface BranchInfo {
  /** The branch name, e.g. `Jet_pt`. */
  readonly name: string;
  /** Element type of the values. */
  readonly type: LeafType;
  /** For jagged branches, the counter branch name (e.g. `nJet` for `Jet_pt`). */
  readonly counter?: string;
  /** ROOT title or Parquet description, when there is one. */
  readonly title?: string;
}

/** An entry range [start, stop) of a tree. */
export interface EntryRange {
  readonly start: number;
  readonly stop: number;
}

/** One open data file: trees (Parquet has one, called `Events`) and their branches. */
export interface OpenedFile {
  readonly url: string;
  /** Names of the trees in the file. */
  trees(): string[];
  /** Number of entries (events) of a tree. */
  entries(tree: string): number;
  /** The readable branches of a tree. */
  branches(tree: string): BranchInfo[];
  /**
   * Reads branches over an entry range into columns: flat branches as TypedArrays, jagged ones
   * as Jagged (branches with the same counter share one offsets array).
   */
  read(
    tree: string,
    branches: readonly string[],
    range?: EntryRange,
  ): Promise<Map<string, Column>>;
  close(): Promise<void>;
}

/** A file format. */
export interface Reader extends PluginBase {
  readonly kind: "reader";
  /** True when this reader handles the file (by extension or magic bytes). */
  canRead(url: string, firstBytes?: Uint8Array): boolean;
  /** Opens a file through a byte source. */
  open(source: ByteSource): Promise<OpenedFile>;
}

// ---------------------------------------------------------------------------------------------
// Executors: where work items run.

/** Progress of a run, reported by executors. */
export interface ExecutorProgress {
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  readonly total: number;
}

/**
 * One work item as an executor sees it. Executors never look inside an item: they pass its
 * hash to `work` (which finds the item in the items file) and read the outcome from the store.
 */
export interface ExecutorItem {
  /** Content hash of the item: its result is `<store>/results/<hash[0..2]>/<hash>.rres`. */
  readonly hash: string;
  /** Readable key (`dataset|file|tree|start-stop`), for logs, progress and test hooks. */
  readonly key: string;
  /** Entries (events) of the item, so executors can size jobs in events. */
  readonly events: number;
}

/**
 * What an executor gets besides the items. Everything a remote job needs is a path: the repo
 * (where `work` lives), `config`, `itemsFile` and `store`. The command a job runs is
 *
 * ```
 * deno run <permissions> cli/main.ts work --config <config> --items <items file> --store <store>
 * ```
 *
 * which processes every item of the items file that has no result yet, writes each result to
 * the store atomically (and a failure record for each failing item), and exits non-zero when
 * any item failed. `--serve` instead prints `@ristretto {"ready":true}` once the config and
 * plugins are loaded, then reads item hashes on stdin, one per line, and answers each with one
 * `@ristretto {"hash", "ok", "error"?}` line on stdout (the local worker pool).
 */
export interface ExecutorContext {
  /** The config snapshot `work --config` loads (inside the store). */
  readonly config: string;
  /** An items file holding every item of this run (`work --items`). */
  readonly itemsFile: string;
  /** The store folder (`work --store`). */
  readonly store: string;
  /**
   * The text of an items file holding only `subset`, for executors that split the items into
   * jobs (write it where the job can read it).
   */
  itemsText(subset: readonly ExecutorItem[]): string;
  /**
   * Processes one item in this process and stores its result, exactly as `work` does; rejects
   * when the item fails (after recording the failure in the store). For executors that run
   * items in the calling process.
   */
  processHere(item: ExecutorItem): Promise<void>;
  /** Attempts per item beyond the first (default 0). */
  readonly retries: number;
  /** Delay before attempt `attempt` (2, 3, ...) of an item, in ms: exponential backoff. */
  retryDelay(attempt: number): number;
  readonly onProgress?: (progress: ExecutorProgress) => void;
  /** Aborted when the run is interrupted: stop, kill or cancel what runs, and return. */
  readonly signal?: AbortSignal;
}

/**
 * The outcome of one item once the executor is done with it: `ok` means its result is in the
 * store (the caller reads it from there); otherwise the error of its last attempt. `attempts`
 * counts the attempts of this run.
 */
export type ExecutorOutcome =
  | { readonly item: ExecutorItem; readonly ok: true; readonly attempts: number }
  | {
    readonly item: ExecutorItem;
    readonly ok: false;
    readonly error: string;
    readonly attempts: number;
  };

/**
 * Where work items run. `run` yields exactly one outcome per item, in any order, retrying a
 * failing item `retries` times with `retryDelay` between attempts. Every executor passes the
 * shared conformance suite (core/testing/executor_conformance.ts): the same items give
 * byte-identical merged outputs. Executors are not part of the result hashes.
 *
 * A batch executor (Slurm, HTCondor, Dask) typically: groups the items into jobs (by count or
 * by `events`), writes each job's items file with `context.itemsText(group)` where the job can
 * read it, submits `work --config <config> --items <file> --store <store>` (see
 * `defaultWorkCommand()` in executors/local for the Deno command line and permissions), waits
 * for the jobs, takes each item's outcome from the store (`outcomeFromStore` in
 * core/processor: a result, else the failure `work` recorded, else the job's own error), and
 * resubmits failed items after `retryDelay` while attempts remain.
 */
export interface Executor extends PluginBase {
  readonly kind: "executor";
  run(items: readonly ExecutorItem[], context: ExecutorContext): AsyncIterable<ExecutorOutcome>;
}

// ---------------------------------------------------------------------------------------------
// Columns writers: where exported columns go (Parquet by default).

/** Writes a table of equally long flat columns to a file. */
export interface ColumnsWriter extends PluginBase {
  readonly kind: "columns-writer";
  /** File extension without the dot, e.g. `parquet`. */
  readonly extension: string;
  write(path: string, columns: ReadonlyMap<string, Column>): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Calibrators: shape variations (JES, JER, lepton scale) - a varied copy of the events.

/** What a calibrator knows about the chunk it calibrates. */
export interface CalibrationContext {
  readonly dataset: {
    readonly name: string;
    readonly sample: string;
    readonly year: string;
    readonly isMC: boolean;
  };
  /** The merged parameters of the run (period defaults, then the analysis's layers). */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/**
 * Changes objects (e.g. scales jet momenta) for the nominal calibration and for each of its
 * shape variations; the pipeline runs objects -> preselection -> categories -> histograms
 * once per variation on the calibrated events.
 */
export interface Calibrator extends PluginBase {
  readonly kind: "calibrator";
  /** Base names of the variations it provides; each gives `<name>Up` and `<name>Down`. */
  readonly variations: readonly string[];
  /**
   * NanoAOD branches it reads, so the run loads them. It may change only the collections and
   * records these belong to (`Jet_pt` -> Jet): preselection cuts on anything else run once,
   * before the variations.
   */
  readonly inputs: readonly string[];
  /**
   * The calibrated events: nominal when `variation` is undefined, else one of
   * `<name>Up` / `<name>Down` of its variations. Must not modify its input, and must treat
   * each event on its own (the events given may be a subset of the chunk).
   */
  calibrate(events: Events, context: CalibrationContext & { readonly variation?: string }): Events;
}

// ---------------------------------------------------------------------------------------------
// Weight providers: per-event weights with optional up/down variations (pileup, scale factors).

/** The values of one weight for the events given: nominal, and up/down when it has them. */
export interface WeightValues {
  readonly nominal: Float64Array;
  readonly up?: Float64Array;
  readonly down?: Float64Array;
}

/**
 * Provides weights an analysis lists by name in its `weights` section (e.g. `pileup`,
 * `sf_mu_id`). Settings (correction file, correction name, keys, which object collection)
 * come from the layered parameters of the data-taking period, not from code.
 */
export interface WeightProvider extends PluginBase {
  readonly kind: "weight";
  /** The weight names it provides. */
  readonly weights: readonly string[];
  /** NanoAOD branches it reads, so the run loads them. */
  readonly inputs: readonly string[];
  /** Values for the events after preselection (objects defined by the analysis are there). */
  compute(name: string, events: Events, context: CalibrationContext): WeightValues;
}

// ---------------------------------------------------------------------------------------------
// Variable providers: new columns, per event or per object, that expressions then name.

/** How one provided variable looks to expressions. */
export interface VariableSpec {
  /** Per-object variables name their collection (`Jet`, or an analysis object like `GoodJet`). */
  readonly collection?: string;
  /** "bool" for conditions; numbers by default. */
  readonly type?: "number" | "bool";
}

/**
 * Provides variables an analysis names in its expressions, exactly like the analysis module's:
 * a per-event one (`ttbarRecoHadTopMass`) is one value per event; a per-object one of
 * `collection` (`Jet.isTopCandidate`) is a jagged array aligned with it, usable in an object
 * `where`, categories, histograms and columns. Only the variables an analysis uses are computed:
 * those of a NanoAOD collection before the objects are built (after the calibrators), the others
 * after the objects (before the preselection when it uses them, else after it).
 */
export interface VariableProvider extends PluginBase {
  readonly kind: "variable";
  /** The variables it provides, by name. */
  readonly variables: Readonly<Record<string, VariableSpec>>;
  /** NanoAOD branches it reads, so the run loads them. */
  readonly inputs: readonly string[];
  /** One value per event (flat), or a jagged array aligned with the variable's collection. */
  compute(name: string, events: Events, context: CalibrationContext): Column;
}

// ---------------------------------------------------------------------------------------------
// Cut providers: event selections an analysis names in skim/preselection (`{use: lumimask}`).

/**
 * Provides cuts an analysis names with `use:` in its skim or preselection (e.g. `lumimask`).
 * Settings come from the layered parameters and the cut's own `params` in the config.
 */
export interface CutProvider extends PluginBase {
  readonly kind: "cut";
  /** The cut names it provides. */
  readonly cuts: readonly string[];
  /** NanoAOD branches it reads, so the run loads them. */
  readonly inputs: readonly string[];
  /** One 0/1 byte per event: 1 where the event passes. */
  mask(
    name: string,
    events: Events,
    context: CalibrationContext & { readonly params: Readonly<Record<string, unknown>> },
  ): Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Plotters: figures and reports from a run's output folder.

/** Options every plotter accepts. */
export interface PlotOptions {
  /** A style file (YAML); the plotter's defaults when absent. */
  readonly style?: string;
  /** Static formats to write, e.g. `["png", "pdf"]`. */
  readonly formats?: readonly string[];
  /** Also write the interactive report (default true). */
  readonly report?: boolean;
}

/** Draws the histograms and cutflow of an output folder (as `run` writes it). */
export interface Plotter extends PluginBase {
  readonly kind: "plotter";
  /** Writes the figures under `outputDir`; returns the files written, relative to it. */
  plot(outputDir: string, options?: PlotOptions): Promise<string[]>;
}

// ---------------------------------------------------------------------------------------------
// Dataset sources: one entry of a dataset definition -> its files (DAS, Rucio, disk, HTTP).

/** Which grid sites a replica may come from (Rucio): RSE names, e.g. `T2_IT_Pisa`. */
export interface SiteFilter {
  /** Only these sites; their order is the preference when a file has several replicas. */
  readonly allow?: readonly string[];
  /** Never these sites. */
  readonly block?: readonly string[];
  /** Only sites whose name matches this regular expression. */
  readonly regex?: string;
}

/** What `datasets build` passes to a source besides the definition entry. */
export interface DatasetSourceOptions {
  /** Folder of the definition file: relative paths and globs start there. */
  readonly baseDir: string;
  /** XRootD redirector prefix for logical file names (`root://cms-xrd-global.cern.ch/`). */
  readonly redirector?: string;
  readonly sites?: SiteFilter;
}

/** The files of one definition entry, with the totals the source knows. */
export interface DatasetSourceResult {
  /** URLs or absolute paths, in a deterministic order. */
  readonly files: readonly string[];
  /** Events in those files, when the source knows (DAS does). */
  readonly nevents?: number;
  /** Bytes of those files, when the source knows. */
  readonly size?: number;
}

/**
 * Turns one `files` entry of a dataset definition (PocketCoffea layout: `{das_names, metadata,
 * dbs_instance}`, or our own `{local_files}` / `{http_index}`) into files.
 */
export interface DatasetSource extends PluginBase {
  readonly kind: "dataset-source";
  /** True when this source can build the entry (e.g. it has `das_names`). */
  accepts(entry: Readonly<Record<string, unknown>>): boolean;
  build(
    entry: Readonly<Record<string, unknown>>,
    options: DatasetSourceOptions,
  ): Promise<DatasetSourceResult>;
}

// ---------------------------------------------------------------------------------------------
// Tree writers: events written back as files readers understand (skims), ROOT by default.

/** How a tree writer compresses a file. */
export interface TreeWriterOptions {
  /** One of the writer's `codecs`, e.g. `ZSTD`; the writer's default when absent. */
  readonly codec?: string;
  /** 0 (uncompressed) to 9; the writer's default when absent. */
  readonly level?: number;
}

/** One tree of a file being written. */
export interface TreeWriterTree {
  /**
   * Appends entries: every column of the first fill, each as long as the others (flat
   * TypedArrays, or jagged columns whose counter branch is written from their offsets).
   */
  fill(columns: ReadonlyMap<string, Column>): Promise<void>;
}

/** A file being written: it appears at its path, whole, only on `close`. */
export interface TreeWriterFile {
  /**
   * The tree called `name`, created on first use. `branches` (as a reader describes them) fixes
   * the leaf types and counters, so a skim keeps its input's types (`uint8` stays `uint8`).
   */
  tree(name: string, options?: { readonly branches?: readonly BranchInfo[] }): TreeWriterTree;
  /** Writes the file's metadata and moves it into place (atomically). */
  close(): Promise<void>;
  /** Drops the file: nothing appears at its path. */
  abort(): Promise<void>;
}

/** Writes trees of columns to files a reader plugin reads back (skimmed NanoAOD). */
export interface TreeWriter extends PluginBase {
  readonly kind: "tree-writer";
  /** File extension without the dot, e.g. `root`. */
  readonly extension: string;
  /** The codec names `TreeWriterOptions.codec` accepts. */
  readonly codecs: readonly string[];
  open(path: string, options?: TreeWriterOptions): Promise<TreeWriterFile>;
}

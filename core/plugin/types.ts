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
  /** Extra data that changes results (e.g. a correction file digest); enters the work-item hash. */
  cacheKey?(): string;
}

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

/** The outcome of one item: its result, or the error of its last attempt. */
export type ItemOutcome<I, R> =
  | { readonly item: I; readonly result: R; readonly error?: undefined }
  | { readonly item: I; readonly error: unknown; readonly result?: undefined };

/** Options every executor accepts. */
export interface ExecutorRunOptions {
  /** Attempts per item beyond the first (default 0). */
  readonly retries?: number;
  readonly onProgress?: (progress: ExecutorProgress) => void;
}

/** Runs a task over items, yielding outcomes as they finish (in any order). */
export interface Executor extends PluginBase {
  readonly kind: "executor";
  run<I, R>(
    items: readonly I[],
    task: (item: I) => Promise<R>,
    options?: ExecutorRunOptions,
  ): AsyncIterable<ItemOutcome<I, R>>;
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
  /** NanoAOD branches it reads, so the run loads them. */
  readonly inputs: readonly string[];
  /**
   * The calibrated events: nominal when `variation` is undefined, else one of
   * `<name>Up` / `<name>Down` of its variations. Must not modify its input.
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

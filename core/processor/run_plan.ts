/**
 * Planning a run against a store: build the datasets, preprocess their files (entries and
 * branches, cached in the store by file identity), compile the plan, and name every work item
 * by its content hash. `run`, `status` and `cache gc` all plan the same way, so they agree on
 * which results a configuration needs.
 *
 * The hash of a work item covers exactly what can change its result:
 * - the canonical config: the validated config as canonical JSON, without `name`,
 *   `description`, `datasets` (which items exist, not what one computes), `parameters` (the
 *   list of layers) and `module` (a path), plus the merged parameters and the SHA-256 of the
 *   analysis module's source;
 * - the plugin fingerprints (names, versions, cache keys), executors excepted: where an item
 *   runs does not change what it computes;
 * - the tool version and the store format version;
 * - the branches read from the item's file (the plan's branches that the file has): not the
 *   union of all datasets' branches the plan is compiled against, so that filtering datasets
 *   keeps the hashes of those left;
 * - the item's dataset (name and metadata, not its file list);
 * - the file identity (absolute path + size + mtime for local files; URL + size otherwise)
 *   and the tree and entry range.
 * Output folder, executor, worker counts, limits and filters are not in it.
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { LoadedConfig } from "../config/load_config.ts";
import { resolveFrom } from "../config/load_config.ts";
import { AnalysisConfigSchema } from "../config/schema.ts";
import { validateDocument } from "../config/validate_config.ts";
import { parseLocatedYaml } from "../config/yaml_document.ts";
import {
  type BuiltDataset,
  filterDatasets,
  normaliseDataset,
  readBuiltDatasets,
} from "../datasets/built_dataset.ts";
import { InputError } from "../errors/ristretto_error.ts";
import { openLocalFile } from "../io/local_file.ts";
import type { Registry } from "../plugin/registry.ts";
import type {
  BranchInfo,
  ByteSource,
  Calibrator,
  CutProvider,
  OpenedFile,
  VariableProvider,
  WeightProvider,
} from "../plugin/types.ts";
import { hashValue, sha256Hex } from "../store/hash.ts";
import type { ResultStore } from "../store/result_store.ts";
import { loadAnalysisModule } from "./analysis_module.ts";
import { compilePlan, type Plan } from "./plan.ts";
import { compareWorkItems, splitEntries, type WorkItem } from "./work_item.ts";
import { withEmptySkimFiles } from "./skim_output.ts";
import { TOOL_VERSION } from "./write_outputs.ts";

/** Version of the store's hashing and record formats: bump it to invalidate every result. */
export const STORE_FORMAT = 1;

/** A work item with its content hash. */
export interface PlannedItem extends WorkItem {
  readonly hash: string;
}

/** A file left out by `--skip-bad-files`, and why. */
export interface SkippedFile {
  readonly dataset: string;
  readonly file: string;
  readonly error: string;
}

/** What planning needs besides the config (the `run` flags that select work). */
export interface PlanOptions {
  readonly registry: Registry;
  readonly store: ResultStore;
  /** Events per work item (default 100 000). */
  readonly chunkSize?: number;
  readonly limitFiles?: number;
  readonly limitChunks?: number;
  readonly filterSamples?: readonly string[];
  readonly filterYears?: readonly string[];
  /** Tree name (default "Events"). */
  readonly tree?: string;
  /** Record unreadable files as skipped instead of failing the run. */
  readonly skipBadFiles?: boolean;
}

/** A planned run: every item it needs, named by hash. */
export interface RunPlan {
  readonly datasets: readonly BuiltDataset[];
  /** Every item, sorted by key. */
  readonly items: readonly PlannedItem[];
  /** The branches the plan is compiled against (workers compile the same plan from it). */
  readonly schema: readonly BranchInfo[];
  readonly plan: Plan;
  readonly configHash: string;
  /** Plugin fingerprints entering the hashes. */
  readonly plugins: readonly string[];
  readonly skipped: readonly SkippedFile[];
  /** Hashes of the preprocess records and schemas used (kept by `cache gc`). */
  readonly preprocessHashes: readonly string[];
  readonly schemaHashes: readonly string[];
}

/** What `work` needs to rebuild a LoadedConfig anywhere: the text and the merged parameters. */
export interface ConfigSnapshot {
  readonly format: "ristretto-config";
  readonly version: 1;
  readonly file: string;
  readonly baseDir: string;
  readonly text: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** The snapshot of a loaded config. */
export function configSnapshot(loaded: LoadedConfig): ConfigSnapshot {
  return {
    format: "ristretto-config",
    version: 1,
    file: loaded.document.file,
    baseDir: loaded.baseDir,
    text: loaded.text,
    parameters: loaded.parameters,
  };
}

/** True when a parsed JSON value is a config snapshot. */
export function isConfigSnapshot(value: unknown): value is ConfigSnapshot {
  return typeof value === "object" && value !== null &&
    (value as { format?: unknown }).format === "ristretto-config";
}

/** A LoadedConfig from its snapshot (parameter layers are already merged into it). */
export function configFromSnapshot(snapshot: ConfigSnapshot): LoadedConfig {
  const document = parseLocatedYaml(snapshot.file, snapshot.text);
  const config = validateDocument(document, AnalysisConfigSchema);
  return {
    config,
    document,
    baseDir: snapshot.baseDir,
    parameters: snapshot.parameters as LoadedConfig["parameters"],
    text: snapshot.text,
  };
}

/** The hash of what in a config changes a work item's result (see the module notes). */
export async function configHash(loaded: LoadedConfig): Promise<string> {
  const {
    name: _name,
    description: _description,
    datasets: _datasets,
    parameters: _layers,
    permissions: _permissions, // what a run may touch does not change its results
    module,
    ...rest
  } = loaded.config;
  const moduleDigest = module
    ? sha256Hex(await readFile(resolveFrom(loaded.baseDir, module)))
    : undefined;
  return hashValue({ config: rest, parameters: loaded.parameters, module: moduleDigest });
}

/** The plugin fingerprints that enter the hashes: every plugin but executors. */
export function pluginFingerprint(
  registry: Registry,
  parameters?: Readonly<Record<string, unknown>>,
): string[] {
  return registry.fingerprint(parameters).filter((entry) => !entry.startsWith("executor:"));
}

/** What identifies a file's content without reading it. */
export type FileIdentity =
  | { readonly path: string; readonly size: number; readonly mtime: number }
  | { readonly url: string; readonly size: number };

/** Absolute path + size + mtime for local files; URL + size for remote ones. */
export async function fileIdentity(registry: Registry, url: string): Promise<FileIdentity> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === "file") {
    const path = resolve(scheme === "file" ? new URL(url).pathname : url);
    const info = await stat(path);
    return { path, size: info.size, mtime: info.mtimeMs };
  }
  const source = await openByteSource(registry, url);
  try {
    return { url, size: await source.size() };
  } finally {
    await source.close();
  }
}

/** Opens a file through the registry's byte sources (local paths by default) and readers. */
export async function openDataFile(registry: Registry, url: string): Promise<OpenedFile> {
  const source = await openByteSource(registry, url);
  try {
    const head = await source.read(0, Math.min(4, await source.size()));
    return await registry.readerFor(url, head).open(source);
  } catch (error) {
    await source.close();
    throw error;
  }
}

async function openByteSource(registry: Registry, url: string): Promise<ByteSource> {
  const provider = registry.byteSourceFor(url);
  return provider ? await provider.open(url) : await openLocalFile(url);
}

/** The preprocess record of one file and tree. */
interface PreprocessRecord {
  readonly identity: FileIdentity;
  readonly tree: string;
  readonly entries: number;
  /** Hash of the tree's branch list in `schemas/`. */
  readonly schema: string;
}

/** The datasets of a config, after the config's and the flags' filters. */
export async function buildDatasets(
  loaded: LoadedConfig,
  options: { filterSamples?: readonly string[]; filterYears?: readonly string[] } = {},
): Promise<BuiltDataset[]> {
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
  return filterDatasets(filtered, { samples: options.filterSamples, years: options.filterYears });
}

/** A dataset without its file list: what items files carry and item hashes cover. */
export type DatasetIdentityJSON = Omit<BuiltDataset, "files">;

/** What of a dataset enters its items' hashes: everything but the file list. */
export function datasetIdentity(dataset: BuiltDataset): DatasetIdentityJSON {
  const { files: _files, ...identity } = dataset;
  return identity;
}

/** Plans a run: datasets, preprocess (cached), plan, hashed items. */
export async function planRun(loaded: LoadedConfig, options: PlanOptions): Promise<RunPlan> {
  const { registry, store } = options;
  const tree = options.tree ?? "Events";
  const datasets = await buildDatasets(loaded, options);
  if (datasets.length === 0) {
    throw new InputError(
      "RUN_NO_DATASETS",
      `Cannot run "${loaded.config.name}": no dataset is left after the sample/year filters`,
    );
  }
  const skipped: SkippedFile[] = [];
  // Preprocess records are written once the plan compiled: a config error writes nothing.
  const writes = new Map<
    string,
    { kind: "preprocess" | "schemas"; hash: string; value: unknown }
  >();
  const preprocessHashes: string[] = [];
  const schemaHashes = new Set<string>();
  // The union over datasets of their first file's branches: data lacks genWeight and the
  // generator-level branches that simulation has.
  const branches = new Map<string, BranchInfo>();
  const ranges: {
    dataset: BuiltDataset;
    identity: FileIdentity;
    schema: string;
    item: WorkItem;
  }[] = [];
  for (const dataset of datasets) {
    const files = dataset.files.slice(0, options.limitFiles ?? dataset.files.length);
    const datasetItems: typeof ranges = [];
    let first = true;
    for (const file of files) {
      let record: PreprocessRecord;
      let recordHash: string;
      try {
        [record, recordHash] = await preprocessFile(registry, store, file, tree, writes);
      } catch (error) {
        if (!options.skipBadFiles) throw error;
        skipped.push({ dataset: dataset.name, file, error: (error as Error).message ?? error });
        continue;
      }
      preprocessHashes.push(recordHash);
      schemaHashes.add(record.schema);
      if (first) {
        first = false;
        const schema = (writes.get(`schemas/${record.schema}`)?.value as BranchInfo[]) ??
          await store.getJSON<BranchInfo[]>("schemas", record.schema) ?? [];
        for (const branch of schema) {
          if (!branches.has(branch.name)) branches.set(branch.name, branch);
        }
      }
      const chunks = splitEntries(record.entries, options.chunkSize ?? 100_000);
      for (const range of withEmptySkimFiles(dataset, chunks)) {
        datasetItems.push({
          dataset,
          identity: record.identity,
          schema: record.schema,
          item: { dataset: dataset.name, file, tree, ...range },
        });
      }
    }
    ranges.push(...datasetItems.slice(0, options.limitChunks ?? datasetItems.length));
  }
  const schema = [...branches.values()];
  const module = loaded.config.module
    ? await loadAnalysisModule(resolveFrom(loaded.baseDir, loaded.config.module))
    : undefined;
  const plan = compilePlan(loaded, schema, {
    calibrators: registry.all<Calibrator>("calibrator"),
    weightProviders: registry.all<WeightProvider>("weight"),
    cutProviders: registry.all<CutProvider>("cut"),
    variableProviders: registry.all<VariableProvider>("variable"),
    module,
  });
  const config = await configHash(loaded);
  const plugins = pluginFingerprint(registry, loaded.parameters);
  if (writes.size > 0) {
    await store.init();
    for (const { kind, hash, value } of writes.values()) await store.putJSON(kind, hash, value);
  }
  const common = { format: STORE_FORMAT, tool: TOOL_VERSION, config, plugins };
  // The plan's branches each distinct file schema has: what a worker reads from such a file.
  const reads = new Map<string, string[]>();
  for (const { schema: hash } of ranges) {
    if (reads.has(hash)) continue;
    const branchesOfFile = (writes.get(`schemas/${hash}`)?.value as BranchInfo[]) ??
      await store.getJSON<BranchInfo[]>("schemas", hash) ?? [];
    const names = new Set(branchesOfFile.map((branch) => branch.name));
    reads.set(hash, [...plan.branches].filter((branch) => names.has(branch)).sort());
  }
  const items = ranges.map(({ dataset, identity, schema: fileSchema, item }): PlannedItem => ({
    ...item,
    hash: hashValue({
      ...common,
      reads: reads.get(fileSchema),
      dataset: datasetIdentity(dataset),
      file: identity,
      tree: item.tree,
      start: item.start,
      stop: item.stop,
    }),
  })).sort(compareWorkItems);
  return {
    datasets,
    items,
    schema,
    plan,
    configHash: config,
    plugins,
    skipped,
    preprocessHashes,
    schemaHashes: [...schemaHashes],
  };
}

/** Entries and schema of one file's tree, from the store when its identity is unchanged. */
async function preprocessFile(
  registry: Registry,
  store: ResultStore,
  file: string,
  tree: string,
  writes: Map<string, { kind: "preprocess" | "schemas"; hash: string; value: unknown }>,
): Promise<[PreprocessRecord, string]> {
  let identity: FileIdentity;
  try {
    identity = await fileIdentity(registry, file);
  } catch (cause) {
    throw new InputError("RUN_BAD_FILE", `Cannot read "${file}": ${(cause as Error).message}`, {
      cause,
    });
  }
  const hash = hashValue({ format: STORE_FORMAT, identity, tree });
  // The same file in several datasets (or twice in one) is read once per planning.
  const pending = writes.get(`preprocess/${hash}`)?.value as PreprocessRecord | undefined;
  if (pending) return [pending, hash];
  const cached = await store.getJSON<PreprocessRecord>("preprocess", hash);
  if (cached && store.has("schemas", cached.schema)) return [cached, hash];
  let opened: OpenedFile;
  try {
    opened = await openDataFile(registry, file);
  } catch (cause) {
    throw new InputError("RUN_BAD_FILE", `Cannot read "${file}": ${(cause as Error).message}`, {
      cause,
    });
  }
  try {
    if (!opened.trees().includes(tree)) {
      throw new InputError(
        "RUN_NO_TREE",
        `Cannot read "${file}": it has no tree "${tree}" (trees: ${opened.trees().join(", ")})`,
      );
    }
    const branches = opened.branches(tree);
    const schema = hashValue(branches);
    if (!store.has("schemas", schema)) {
      writes.set(`schemas/${schema}`, { kind: "schemas", hash: schema, value: branches });
    }
    const record: PreprocessRecord = { identity, tree, entries: opened.entries(tree), schema };
    writes.set(`preprocess/${hash}`, { kind: "preprocess", hash, value: record });
    return [record, hash];
  } finally {
    await opened.close();
  }
}

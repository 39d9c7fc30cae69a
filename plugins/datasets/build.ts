import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { InputError, RistrettoError } from "@ristretto/core/errors";
import type {
  DatasetSource,
  DatasetSourceOptions,
  DatasetSourceResult,
  SiteFilter,
} from "@ristretto/core/plugin";
import { datasetKey, type DefinitionFile, type DefinitionFiles } from "./definition.ts";

/** One built dataset in PocketCoffea's output layout. */
export interface BuiltEntry {
  /** `{das_names, sample, year, isMC, xsec | era, primaryDataset, ..., nevents, size}`. */
  readonly metadata: Record<string, unknown>;
  readonly files: string[];
}

/** key -> built dataset, as written to a built-dataset JSON. */
export type BuiltLayout = Record<string, BuiltEntry>;

/** Options of buildDatasets. */
export interface BuildOptions {
  /** The dataset sources to choose from (by name or by what an entry holds). */
  readonly sources: readonly DatasetSource[];
  /** Only these samples / years. */
  readonly filterSamples?: readonly string[];
  readonly filterYears?: readonly string[];
  /** Redirector for DAS datasets: its URLs instead of Rucio's site URLs. */
  readonly redirector?: string;
  readonly sites?: SiteFilter;
  /** Counts events of a file when the source does not know them (local, http). */
  readonly countEvents?: (url: string) => Promise<number>;
  readonly onProgress?: (message: string) => void;
}

/** What buildDatasets produced: every dataset, and the datasets of each output file. */
export interface BuildResult {
  readonly datasets: BuiltLayout;
  /** Output path (resolved) -> its datasets. */
  readonly outputs: Map<string, BuiltLayout>;
}

function _source(sources: readonly DatasetSource[], name: string): DatasetSource | undefined {
  return sources.find((source) => source.name === name);
}

/** Builds one `files` item: picks its source(s) and fills events when the source cannot. */
async function _buildItem(
  item: DefinitionFiles,
  context: DatasetSourceOptions,
  options: BuildOptions,
): Promise<DatasetSourceResult & { redirectorFiles?: readonly string[] }> {
  const raw = item.raw;
  const named = typeof raw.source === "string" ? raw.source : undefined;
  let result: DatasetSourceResult & { redirectorFiles?: readonly string[] };
  if (named !== undefined) {
    const source = _source(options.sources, named);
    if (!source) {
      throw new InputError(
        "DATASETS_UNKNOWN_SOURCE",
        `Cannot build "${named}" files: no dataset source of that name (known: ${
          options.sources.map((s) => s.name).join(", ")
        })`,
      );
    }
    result = await source.build(raw, context);
  } else if (Array.isArray(raw.das_names)) {
    // DAS knows files, events and sizes; Rucio knows where replicas are. With a redirector
    // (or without a rucio source) the files are the redirector's URLs of DAS's names.
    const das = _source(options.sources, "das");
    const rucio = _source(options.sources, "rucio");
    if (!das) {
      throw new InputError("DATASETS_UNKNOWN_SOURCE", "Cannot build DAS datasets: no das source");
    }
    const fromDas = await das.build(raw, context);
    // Site URLs keep the redirector URLs beside them (PocketCoffea's `_redirector.json`).
    result = options.redirector !== undefined || !rucio ? fromDas : {
      ...fromDas,
      files: (await rucio.build(raw, context)).files,
      redirectorFiles: fromDas.files,
    };
    if (result.files.length !== fromDas.files.length) {
      throw new RistrettoError(
        "DATASETS_MISMATCH",
        `Cannot build ${
          JSON.stringify(raw.das_names)
        }: DAS lists ${fromDas.files.length} files, Rucio ${result.files.length}`,
      );
    }
  } else {
    const source = options.sources.find((candidate) => candidate.accepts(raw));
    if (!source) {
      throw new InputError(
        "DATASETS_UNKNOWN_SOURCE",
        `Cannot build files ${JSON.stringify(raw)}: no dataset source accepts them`,
      );
    }
    result = await source.build(raw, context);
  }
  if (result.nevents === undefined && options.countEvents) {
    let nevents = 0;
    for (const file of result.files) nevents += await options.countEvents(file);
    result = { ...result, nevents };
  }
  return result;
}

/** PocketCoffea writes every metadata value as a string (Python's str: True/False). */
function _metadataValue(value: unknown): unknown {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  return value;
}

/**
 * Builds the datasets of a definition file: one key per `files` item (PocketCoffea's naming),
 * metadata `{das_names, sample, ...metadata, dbs_instance, nevents, size}`, files from the
 * sources. Filters by sample and year. DAS datasets resolved to Rucio site URLs also get
 * `<json_output>_redirector.json` with the redirector URLs, as PocketCoffea writes it.
 */
export async function buildDatasets(
  definition: DefinitionFile,
  options: BuildOptions,
): Promise<BuildResult> {
  const datasets: BuiltLayout = {};
  const outputs = new Map<string, BuiltLayout>();
  const context: DatasetSourceOptions = {
    baseDir: definition.baseDir,
    redirector: options.redirector,
    sites: options.sites,
  };
  for (const dataset of definition.datasets) {
    if (options.filterSamples && !options.filterSamples.includes(dataset.sample)) continue;
    const output = resolve(definition.baseDir, dataset.jsonOutput ?? `${dataset.label}.json`);
    for (const item of dataset.files) {
      if (options.filterYears && !options.filterYears.includes(item.year)) continue;
      const key = datasetKey(dataset.label, item.metadata);
      if (datasets[key]) {
        throw new InputError(
          "DATASETS_DUPLICATE",
          `Cannot build "${definition.file}": two entries make the dataset key "${key}"`,
        );
      }
      options.onProgress?.(`building ${key}`);
      const result = await _buildItem(item, context, options);
      const metadata: Record<string, unknown> = {};
      if (Array.isArray(item.raw.das_names)) metadata.das_names = item.raw.das_names;
      metadata.sample = dataset.sample;
      for (const [name, value] of Object.entries(item.metadata)) {
        metadata[name] = _metadataValue(value);
      }
      if (typeof item.raw.dbs_instance === "string") {
        metadata.dbs_instance = item.raw.dbs_instance;
      }
      metadata.nevents = String(result.nevents ?? 0);
      metadata.size = String(result.size ?? 0);
      const entry = { metadata, files: [...result.files] };
      datasets[key] = entry;
      const layout = outputs.get(output) ?? {};
      layout[key] = entry;
      outputs.set(output, layout);
      if (result.redirectorFiles) {
        const path = output.replace(/(\.json)?$/, "_redirector.json");
        const redirected = outputs.get(path) ?? {};
        redirected[key] = { metadata, files: [...result.redirectorFiles] };
        outputs.set(path, redirected);
      }
    }
  }
  return { datasets, outputs };
}

/**
 * Writes each output of a build as JSON (4-space indent, as PocketCoffea). With `outputDir`,
 * every file goes there under its own base name. Returns the paths written.
 */
export async function writeBuiltDatasets(
  result: BuildResult,
  options: { outputDir?: string } = {},
): Promise<string[]> {
  const written: string[] = [];
  for (const [path, layout] of result.outputs) {
    const target = options.outputDir === undefined
      ? path
      : isAbsolute(options.outputDir)
      ? join(options.outputDir, basename(path))
      : resolve(options.outputDir, basename(path));
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${Deno.pid}`;
    await writeFile(temporary, JSON.stringify(layout, null, 4) + "\n");
    await Deno.rename(temporary, target);
    written.push(target);
  }
  return written;
}

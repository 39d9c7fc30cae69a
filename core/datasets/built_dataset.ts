import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError } from "../config/config_error.ts";
import { resolveFrom } from "../config/load_config.ts";
import { parseLocatedYaml } from "../config/yaml_document.ts";

/**
 * One dataset ready to process: PocketCoffea's built layout
 * (`key -> {metadata: {sample, year, isMC, xsec | era, ...}, files}`), normalised.
 */
export interface BuiltDataset {
  /** The dataset key, e.g. `DYJetsToLL_M-50_2018` or `DATA_SingleMuon_2018_EraA`. */
  readonly name: string;
  readonly sample: string;
  readonly year: string;
  readonly isMC: boolean;
  /** Cross-section in pb (MC only). */
  readonly xsec?: number;
  readonly era?: string;
  readonly primaryDataset?: string;
  /** File URLs or absolute paths. */
  readonly files: readonly string[];
  /** Every metadata field as written (strings stay strings). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Which datasets to keep (PocketCoffea's filter: samples, samples_exclude, year). */
export interface DatasetFilter {
  samples?: readonly string[];
  samplesExclude?: readonly string[];
  years?: readonly string[];
}

/** Parses PocketCoffea's "True"/"False" strings as well as real booleans. */
function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) {
    return value.toLowerCase() === "true";
  }
  return undefined;
}

/**
 * Normalises one entry of a built-dataset file. `where` names the file and key for errors;
 * relative file paths are resolved against `baseDir`.
 */
export function normaliseDataset(
  name: string,
  entry: unknown,
  options: {
    file: string;
    baseDir: string;
    locate?: (path: (string | number)[]) => { line: number; column: number };
  },
): BuiltDataset {
  const fail = (path: (string | number)[], reason: string): never => {
    const at = options.locate?.([name, ...path]);
    throw new ConfigError(
      "DATASET_INVALID",
      `Cannot load dataset "${name}" from "${options.file}": ${reason}`,
      { position: at ? { file: options.file, ...at } : undefined },
    );
  };
  if (typeof entry !== "object" || entry === null) fail([], "expected {metadata, files}");
  const { metadata, files } = entry as { metadata?: Record<string, unknown>; files?: unknown };
  if (typeof metadata !== "object" || metadata === null) fail([], "missing metadata");
  const meta = metadata as Record<string, unknown>;
  if (typeof meta.sample !== "string") fail(["metadata"], "metadata.sample must be a string");
  if (meta.year === undefined) fail(["metadata"], "metadata.year is missing");
  const isMC = parseBoolean(meta.isMC);
  if (isMC === undefined) {
    fail(["metadata", "isMC"], 'metadata.isMC must be true/false or "True"/"False"');
  }
  let xsec: number | undefined;
  if (meta.xsec !== undefined) {
    xsec = Number(meta.xsec);
    if (!Number.isFinite(xsec)) {
      fail(["metadata", "xsec"], `metadata.xsec "${meta.xsec}" is not a number`);
    }
  } else if (isMC) {
    fail(["metadata"], "metadata.xsec is required for MC");
  }
  if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== "string")) {
    fail(["files"], "files must be a non-empty list of paths or URLs");
  }
  return {
    name,
    sample: meta.sample as string,
    year: String(meta.year),
    isMC: isMC as boolean,
    xsec,
    era: meta.era === undefined ? undefined : String(meta.era),
    primaryDataset: meta.primaryDataset === undefined ? undefined : String(meta.primaryDataset),
    files: (files as string[]).map((file) =>
      /^[a-z][a-z0-9+.-]*:\/\//i.test(file) ? file : resolveFrom(options.baseDir, file)
    ),
    metadata: meta,
  };
}

/** Reads a built-dataset JSON (or YAML) file in PocketCoffea's layout. */
export async function readBuiltDatasets(file: string): Promise<BuiltDataset[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new ConfigError(
      "DATASET_READ",
      `Cannot read dataset file "${file}": ${(cause as Error).message}`,
      { cause },
    );
  }
  const document = parseLocatedYaml(file, text);
  if (
    typeof document.value !== "object" || document.value === null || Array.isArray(document.value)
  ) {
    throw new ConfigError(
      "DATASET_INVALID",
      `Cannot load dataset file "${file}": expected a mapping of dataset name -> {metadata, files}`,
      { position: { file, line: 1, column: 1 } },
    );
  }
  return Object.entries(document.value as Record<string, unknown>).map(([name, entry]) =>
    normaliseDataset(name, entry, {
      file,
      baseDir: dirname(file),
      locate: (path) => document.locate(path),
    })
  );
}

/** Keeps the datasets that pass the filter, in a deterministic order (by name). */
export function filterDatasets(
  datasets: readonly BuiltDataset[],
  filter: DatasetFilter = {},
): BuiltDataset[] {
  return datasets
    .filter((dataset) =>
      (!filter.samples || filter.samples.includes(dataset.sample)) &&
      !(filter.samplesExclude ?? []).includes(dataset.sample) &&
      (!filter.years || filter.years.includes(dataset.year))
    )
    .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

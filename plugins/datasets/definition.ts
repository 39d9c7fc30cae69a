import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { InputError } from "@ristretto/core/errors";

/** One item of a definition's `files` list: PocketCoffea's fields and our own sources'. */
export interface DefinitionFiles {
  /** The raw item (`das_names`, `dbs_instance`, `local_files`, `http_index`, `source`, ...). */
  readonly raw: Readonly<Record<string, unknown>>;
  /** `{year, isMC, xsec, part}` for MC, `{year, isMC, era, primaryDataset}` for data. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly isMC: boolean;
  readonly year: string;
}

/** One labelled dataset of a definition file. */
export interface DatasetDefinition {
  readonly label: string;
  readonly sample: string;
  /** Where the built JSON goes (relative to the definition file unless absolute). */
  readonly jsonOutput?: string;
  readonly files: readonly DefinitionFiles[];
}

/** A parsed definition file. */
export interface DefinitionFile {
  readonly file: string;
  readonly baseDir: string;
  readonly datasets: readonly DatasetDefinition[];
}

function _bool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) {
    return value.toLowerCase() === "true";
  }
  return undefined;
}

/**
 * The key of a built dataset, as PocketCoffea's build-datasets names it: `label_part_year` (or
 * `label_year` without a part), and `_Era<era>` appended for data.
 */
export function datasetKey(label: string, metadata: Readonly<Record<string, unknown>>): string {
  let key = metadata.part !== undefined && metadata.part !== ""
    ? `${label}_${metadata.part}_${metadata.year}`
    : `${label}_${metadata.year}`;
  if (_bool(metadata.isMC) === false) key += `_Era${metadata.era}`;
  return key;
}

/** Validates a parsed definition document (label -> {sample, json_output, files}). */
export function parseDefinition(value: unknown, file: string): DefinitionFile {
  const fail = (where: string, reason: string): never => {
    throw new InputError(
      "DATASETS_DEFINITION",
      `Cannot load dataset definition "${file}"${where ? ` at ${where}` : ""}: ${reason}`,
    );
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("", "expected a mapping of label -> {sample, json_output, files}");
  }
  const datasets: DatasetDefinition[] = [];
  for (const [label, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== "object" || entry === null) fail(label, "expected {sample, files}");
    const { sample, json_output, files } = entry as Record<string, unknown>;
    if (typeof sample !== "string") fail(label, "sample must be a string");
    if (json_output !== undefined && typeof json_output !== "string") {
      fail(label, "json_output must be a path");
    }
    if (!Array.isArray(files) || files.length === 0) fail(label, "files must be a non-empty list");
    const items = (files as unknown[]).map((item, i): DefinitionFiles => {
      const where = `${label}.files[${i}]`;
      if (typeof item !== "object" || item === null) fail(where, "expected {das_names, metadata}");
      const raw = item as Record<string, unknown>;
      const metadata = raw.metadata as Record<string, unknown> | undefined;
      if (typeof metadata !== "object" || metadata === null) fail(where, "metadata is missing");
      const meta = metadata as Record<string, unknown>;
      if (meta.year === undefined) fail(`${where}.metadata`, "year is missing");
      const isMC = _bool(meta.isMC);
      if (isMC === undefined) fail(`${where}.metadata`, "isMC must be true or false");
      if (isMC && meta.xsec === undefined) fail(`${where}.metadata`, "xsec is required for MC");
      if (!isMC && meta.era === undefined) fail(`${where}.metadata`, "era is required for data");
      if (
        !["das_names", "local_files", "http_index"].some((k) => raw[k] !== undefined) &&
        typeof raw.source !== "string"
      ) {
        fail(where, "give das_names, local_files or http_index");
      }
      if (raw.das_names !== undefined && !Array.isArray(raw.das_names)) {
        fail(where, "das_names must be a list of dataset names");
      }
      return { raw, metadata: meta, isMC: isMC!, year: String(meta.year) };
    });
    datasets.push({
      label,
      sample: sample as string,
      jsonOutput: json_output as string | undefined,
      files: items,
    });
  }
  return { file, baseDir: dirname(resolve(file)), datasets };
}

/** Reads a dataset definition file (JSON or YAML) in PocketCoffea's layout. */
export async function readDefinition(file: string): Promise<DefinitionFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new InputError(
      "DATASETS_DEFINITION",
      `Cannot read dataset definition "${file}": ${(cause as Error).message}`,
      { cause },
    );
  }
  let value: unknown;
  try {
    value = parseYaml(text); // YAML is a superset of JSON: one parser for both
  } catch (cause) {
    throw new InputError(
      "DATASETS_DEFINITION",
      `Cannot parse dataset definition "${file}": ${(cause as Error).message}`,
      { cause },
    );
  }
  return parseDefinition(value, file);
}

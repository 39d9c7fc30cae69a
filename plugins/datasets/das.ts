import { RistrettoError } from "@ristretto/core/errors";
import {
  API_VERSION,
  type DatasetSource,
  type DatasetSourceOptions,
  type DatasetSourceResult,
} from "@ristretto/core/plugin";
import { runTool } from "./_exec.ts";

/** Options of dasSource. */
export interface DasOptions {
  /** The dasgoclient executable (default `dasgoclient` on PATH). */
  readonly executable?: string;
  /** Redirector put before logical file names when the build gives none. */
  readonly redirector?: string;
  readonly timeoutMs?: number;
}

/** One file of a DAS answer. */
export interface DasFile {
  /** Logical file name, `/store/...`. */
  readonly name: string;
  readonly nevents: number;
  readonly size: number;
}

/** The global CMS redirector, PocketCoffea's default prefix too. */
export const DEFAULT_REDIRECTOR = "root://cms-xrd-global.cern.ch/";

/**
 * Parses `dasgoclient -json -query="file dataset=..."`: a JSON array of records
 * `{das: {...}, file: [{name, nevents, size, ...}], qhash}`. A file can appear in several
 * records (one per DAS service): the first one with a name wins.
 */
export function parseDasFiles(text: string, dataset: string): DasFile[] {
  let records: unknown;
  try {
    records = JSON.parse(text);
  } catch (cause) {
    throw new RistrettoError(
      "DATASETS_DAS_OUTPUT",
      `Cannot read the DAS answer for "${dataset}": not JSON (${(cause as Error).message})`,
      { cause },
    );
  }
  if (!Array.isArray(records)) {
    throw new RistrettoError(
      "DATASETS_DAS_OUTPUT",
      `Cannot read the DAS answer for "${dataset}": expected a JSON array of records`,
    );
  }
  const files = new Map<string, DasFile>();
  for (const record of records) {
    const list = (record as { file?: unknown })?.file;
    if (!Array.isArray(list)) continue;
    for (const file of list as Record<string, unknown>[]) {
      if (typeof file?.name !== "string" || files.has(file.name)) continue;
      // DBS marks invalidated files; PocketCoffea drops them too.
      if (file.is_file_valid === 0 || file.is_file_valid === false) continue;
      files.set(file.name, {
        name: file.name,
        nevents: Number(file.nevents ?? 0),
        size: Number(file.size ?? 0),
      });
    }
  }
  return [...files.values()];
}

/** Joins a redirector and a logical file name with exactly one `//` before `/store`. */
export function withRedirector(redirector: string, lfn: string): string {
  return `${redirector.replace(/\/+$/, "")}//${lfn.replace(/^\/+/, "")}`;
}

/** Asks DAS for the files of one dataset (with `instance=` for a non-global DBS). */
export async function queryDas(
  dataset: string,
  options: DasOptions & { instance?: string } = {},
): Promise<DasFile[]> {
  const query = `file dataset=${dataset}${options.instance ? ` instance=${options.instance}` : ""}`;
  const text = await runTool(options.executable ?? "dasgoclient", [`-query=${query}`, "-json"], {
    action: `query DAS for "${dataset}"`,
    timeoutMs: options.timeoutMs,
  });
  const files = parseDasFiles(text, dataset);
  if (files.length === 0) {
    throw new RistrettoError(
      "DATASETS_EMPTY",
      `Cannot build dataset "${dataset}": DAS lists no valid files for it`,
    );
  }
  return files;
}

/**
 * The `das` dataset source: files, events and bytes of each `das_names` dataset through the
 * dasgoclient command line; files as redirector URLs of the logical file names.
 */
export function dasSource(options: DasOptions = {}): DatasetSource & {
  /** The logical files of an entry, with events and sizes (the rucio source maps them). */
  files(entry: Readonly<Record<string, unknown>>): Promise<DasFile[]>;
} {
  const files = async (entry: Readonly<Record<string, unknown>>) => {
    const names = entry.das_names as string[];
    const all: DasFile[] = [];
    for (const name of names) {
      all.push(
        ...await queryDas(name, {
          ...options,
          instance: typeof entry.dbs_instance === "string" ? entry.dbs_instance : undefined,
        }),
      );
    }
    return all;
  };
  return {
    kind: "dataset-source",
    name: "das",
    version: "0.1.0",
    apiVersion: API_VERSION,
    accepts: (entry) => Array.isArray(entry.das_names) && entry.das_names.length > 0,
    files,
    async build(entry, buildOptions: DatasetSourceOptions): Promise<DatasetSourceResult> {
      const list = await files(entry);
      const redirector = buildOptions.redirector ?? options.redirector ?? DEFAULT_REDIRECTOR;
      return {
        files: list.map((file) => withRedirector(redirector, file.name)),
        nevents: list.reduce((sum, file) => sum + file.nevents, 0),
        size: list.reduce((sum, file) => sum + file.size, 0),
      };
    },
  };
}

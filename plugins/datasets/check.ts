import { readBuiltDatasets } from "@ristretto/core/datasets";
import type { OpenedFile } from "@ristretto/core/plugin";

/** The check of one file. */
export interface FileCheck {
  readonly url: string;
  readonly ok: boolean;
  /** Entries of the tree, when the file opened. */
  readonly entries?: number;
  readonly error?: string;
}

/** The check of one dataset. */
export interface DatasetCheck {
  readonly name: string;
  readonly files: readonly FileCheck[];
  /** Files that opened. */
  readonly reachable: number;
  /** Sum of the entries of the files that opened. */
  readonly entries: number;
  /** `metadata.nevents` of the built file, when present. */
  readonly expected?: number;
}

/** Options of checkBuiltDatasets. */
export interface CheckOptions {
  /** Opens a file through the byte sources and readers (e.g. the registry's). */
  readonly open: (url: string) => Promise<OpenedFile>;
  /** The tree whose entries are counted (default `Events`). */
  readonly tree?: string;
  /** Files opened at once (default 4). */
  readonly concurrency?: number;
}

/**
 * Opens every file of a built-dataset JSON through the readers and counts its entries; a file
 * that cannot be opened is reported with its error, not thrown.
 */
export async function checkBuiltDatasets(
  file: string,
  options: CheckOptions,
): Promise<DatasetCheck[]> {
  const tree = options.tree ?? "Events";
  const datasets = await readBuiltDatasets(file);
  const reports: DatasetCheck[] = [];
  for (const dataset of datasets) {
    const checks: FileCheck[] = new Array(dataset.files.length);
    let next = 0;
    const worker = async () => {
      while (next < dataset.files.length) {
        const i = next++;
        const url = dataset.files[i];
        try {
          const opened = await options.open(url);
          try {
            checks[i] = { url, ok: true, entries: opened.entries(tree) };
          } finally {
            await opened.close();
          }
        } catch (error) {
          checks[i] = { url, ok: false, error: (error as Error).message };
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency ?? 4, dataset.files.length) }, worker),
    );
    const nevents = Number(dataset.metadata.nevents);
    reports.push({
      name: dataset.name,
      files: checks,
      reachable: checks.filter((c) => c.ok).length,
      entries: checks.reduce((sum, c) => sum + (c.entries ?? 0), 0),
      expected: dataset.metadata.nevents !== undefined && Number.isFinite(nevents)
        ? nevents
        : undefined,
    });
  }
  return reports;
}

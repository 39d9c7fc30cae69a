/**
 * Writing generated events to disk, as Parquet (NanoAOD-as-Parquet layout).
 * @module
 */
import type { Column } from "@ristretto/core/columns";
import { writeParquet, type WriteParquetOptions } from "@ristretto/parquet";
import { dirname } from "node:path";

/**
 * Writes one generated sample file: the columns go through the project's Parquet writer (flat
 * branches as primitives, jagged ones as LIST<item>, like awkward/coffea NanoAOD Parquet).
 * Creates the folder if needed; the file appears whole or not at all.
 */
export async function writeSample(
  path: string,
  columns: ReadonlyMap<string, Column>,
  options: WriteParquetOptions = {},
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await writeParquet(path, columns, options);
}

/**
 * Writing generated events to disk, as Parquet (NanoAOD-as-Parquet layout) or as a ROOT file
 * with an `Events` TTree (NanoAOD's own layout: `nJet` + `Jet_pt[nJet]`).
 * @module
 */
import type { Column } from "@ristretto/core/columns";
import { isJagged } from "@ristretto/core/columns";
import type { LeafType } from "@ristretto/core/plugin";
import { writeParquet, type WriteParquetOptions } from "@ristretto/parquet";
import { type RootWriteOptions, writeRootTree } from "@ristretto/root";
import { dirname } from "node:path";

/** Options of writeSample. */
export interface WriteSampleOptions extends WriteParquetOptions {
  /** Output format (default: "root" for a path ending in .root, else "parquet"). */
  readonly format?: "root" | "parquet";
  /** ROOT compression (default ZSTD level 5). */
  readonly root?: RootWriteOptions;
}

/**
 * Writes one generated sample file: as Parquet (flat branches as primitives, jagged ones as
 * LIST<item>, like awkward/coffea NanoAOD Parquet) or as ROOT (an `Events` tree). Uint8Array
 * columns are booleans (Bool_t) unless `types` says `uint8`, in both formats. Creates the
 * folder if needed; the file appears whole or not at all.
 */
export async function writeSample(
  path: string,
  columns: ReadonlyMap<string, Column>,
  options: WriteSampleOptions = {},
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const format = options.format ?? (path.endsWith(".root") ? "root" : "parquet");
  if (format === "parquet") {
    await writeParquet(path, columns, options);
    return;
  }
  const types: Record<string, LeafType> = {};
  for (const [name, col] of columns) {
    const values = isJagged(col) ? col.content : col;
    if (values instanceof Uint8Array) types[name] = options.types?.[name] ?? "bool";
  }
  await writeRootTree(path, columns, { ...options.root, tree: "Events", types });
}

/**
 * Parquet read throughput: Ristretto's reader (pages decoded straight into TypedArrays) against
 * hyparquet's own reader (plain JS arrays), on a NanoAOD-like file generated in a temp dir.
 *
 * Run: deno run -A bench/parquet_read.ts [rows]
 * @module
 */
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { openLocalFile } from "@ristretto/core/io";
import { offsetsFromCounts } from "@ristretto/core/columns";
import type { Column } from "@ristretto/core/columns";
import { parquetReader, writeParquet } from "../plugins/parquet/mod.ts";

/** A deterministic pseudo-random stream (xorshift32), so every run writes the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** NanoAOD-like columns: 4 Jet lists, 2 Muon lists, 3 flat columns. */
function makeColumns(rows: number): Map<string, Column> {
  const next = random(12345);
  const nJet = new Uint32Array(rows).map(() => Math.floor(next() * 9));
  const nMuon = new Uint32Array(rows).map(() => Math.floor(next() * 3));
  const jets = offsetsFromCounts(nJet);
  const muons = offsetsFromCounts(nMuon);
  const floats = (n: number, scale: number) =>
    new Float32Array(n).map(() => Math.round(next() * scale * 64) / 64);
  return new Map<string, Column>([
    ["event", new BigUint64Array(rows).map((_, i) => BigInt(i + 1000))],
    ["MET_pt", floats(rows, 200)],
    ["HLT_IsoMu24", new Uint8Array(rows).map(() => (next() < 0.2 ? 1 : 0))],
    ["nJet", nJet],
    ["Jet_pt", { offsets: jets, content: floats(jets[rows], 300) }],
    ["Jet_eta", { offsets: jets, content: floats(jets[rows], 5) }],
    ["Jet_phi", { offsets: jets, content: floats(jets[rows], 6.3) }],
    ["Jet_jetId", { offsets: jets, content: new Int32Array(jets[rows]).map(() => next() * 7) }],
    ["nMuon", nMuon],
    ["Muon_pt", { offsets: muons, content: floats(muons[rows], 100) }],
    ["Muon_charge", {
      offsets: muons,
      content: new Int32Array(muons[rows]).map(() => next() < 0.5 ? -1 : 1),
    }],
  ]);
}

function countValues(columns: Map<string, Column>): number {
  let total = 0;
  for (const column of columns.values()) {
    total += "offsets" in column ? column.content.length : column.length;
  }
  return total;
}

async function best<T>(repeats: number, fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  let ms = Infinity;
  let result: T | undefined;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    result = await fn();
    ms = Math.min(ms, performance.now() - start);
  }
  return { ms, result: result! };
}

/**
 * Writes a generated file (default 1,000,000 rows) and times full reads of it. Returns
 * JSON-able figures, values/s among them; the temp dir is removed afterwards.
 */
export async function benchParquetRead(
  options: { rows?: number; repeats?: number } = {},
): Promise<object[]> {
  const rows = options.rows ?? 1_000_000;
  const repeats = options.repeats ?? 5;
  const dir = await Deno.makeTempDir({ prefix: "ristretto_bench_parquet_" });
  const figures: object[] = [];
  try {
    const columns = makeColumns(rows);
    const values = countValues(columns);
    const names = [...columns.keys()];
    for (const compression of ["zstd", "snappy", "uncompressed"] as const) {
      const path = join(dir, `bench_${compression}.parquet`);
      const writeStart = performance.now();
      await writeParquet(path, columns, { compression, rowGroupSize: 100_000 });
      const writeMs = performance.now() - writeStart;
      const bytes = (await Deno.stat(path)).size;
      figures.push({
        what: "write (ristretto writeParquet)",
        compression,
        rows,
        values,
        bytes,
        ms: Math.round(writeMs),
        valuesPerSecond: Math.round(values / (writeMs / 1000)),
      });
      const ours = await best(repeats, async () => {
        const file = await parquetReader().open(await openLocalFile(path));
        try {
          return countValues(await file.read("Events", names));
        } finally {
          await file.close();
        }
      });
      figures.push({
        what: "read (ristretto parquet-reader)",
        compression,
        rows,
        values: ours.result,
        ms: Math.round(ours.ms),
        valuesPerSecond: Math.round(ours.result / (ours.ms / 1000)),
      });
      if (compression === "zstd") {
        // hyparquet builds JS objects and arrays: time it on the first 100k rows only.
        const rowEnd = Math.min(rows, 100_000);
        const theirs = await best(1, async () => {
          const buffer = (await Deno.readFile(path)).buffer;
          const objects = await parquetReadObjects({
            file: buffer,
            columns: names,
            compressors,
            rowEnd,
          });
          let count = 0;
          for (const object of objects) {
            for (const value of Object.values(object)) {
              count += Array.isArray(value) ? value.length : 1;
            }
          }
          return count;
        });
        figures.push({
          what: "read (hyparquet parquetReadObjects, JS arrays)",
          compression,
          rows: rowEnd,
          values: theirs.result,
          ms: Math.round(theirs.ms),
          valuesPerSecond: Math.round(theirs.result / (theirs.ms / 1000)),
        });
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return figures;
}

if (import.meta.main) {
  const rows = Deno.args[0] ? Number(Deno.args[0]) : undefined;
  for (const figure of await benchParquetRead({ rows })) console.log(JSON.stringify(figure));
}

/**
 * Benchmark of the ROOT writer: MB/s of uncompressed values written to an `Events` tree per
 * codec (the 24 valid branches of bench/big_zlib1.root, or toy NanoAOD events when the shared
 * data is absent), against the codec's raw compression speed on the same bytes in the same
 * run (each column compressed in 1 MiB pieces, about the writer's basket sizes). The gap is the
 * writer's own cost: byte swapping, framing, checksums, file writes, and the per-entry offset
 * tables of jagged baskets (4 bytes per entry and branch, which ROOT writes too: they are in
 * the file size but not in the MB of values the rates count).
 *
 * Run: deno run -A bench/root_write.ts
 * @module
 */
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import type { Column, NumericArray } from "@ristretto/core/columns";
import { isJagged } from "@ristretto/core/columns";
import type { LeafType } from "@ristretto/core/plugin";
import {
  type Codec,
  compressRecord,
  initCompression,
  openRootUrl,
  writeRootTree,
} from "@ristretto/root";
import { generateEvents } from "@ristretto/cms/toy_nanoaod";
import { BENCH_BRANCHES } from "./root_read.ts";
import { bestTime } from "./_timing.ts";

const _LEVELS: Record<Codec, number> = { ZLIB: 1, ZSTD: 5, LZ4: 4, LZMA: 9 };
const _PIECE = 1 << 20;

async function _input(events: number): Promise<{
  columns: Map<string, Column>;
  types: Record<string, LeafType>;
  source: string;
}> {
  if (hasSharedData()) {
    const path = sharedDataPath("bench/big_zlib1.root");
    const file = await openRootUrl(path);
    try {
      const stop = Math.min(events, file.entries("Events"));
      const columns = await file.read("Events", BENCH_BRANCHES, { start: 0, stop });
      const types: Record<string, LeafType> = {};
      for (const b of file.branches("Events")) types[b.name] = b.type;
      return { columns, types, source: "bench/big_zlib1.root" };
    } finally {
      await file.close();
    }
  }
  const columns = generateEvents("ttbar_semilep", { events, seed: 1, year: "2018" });
  return { columns, types: {}, source: "toy ttbar_semilep" };
}

/** Native-endian bytes of each column's values (what is compressed, give or take the swap). */
function _bytes(columns: Map<string, Column>): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const c of columns.values()) {
    const v: NumericArray = isJagged(c) ? c.content : c;
    parts.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return parts;
}

/** Write MB/s per codec next to the raw compression MB/s of the same codec. */
export async function benchRootWrite(
  options: { events?: number; codecs?: readonly Codec[] } = {},
): Promise<object[]> {
  await initCompression();
  const { columns, types, source } = await _input(options.events ?? 100_000);
  const raw = _bytes(columns);
  const mb = raw.reduce((sum, p) => sum + p.length, 0) / 1e6;
  const dir = await Deno.makeTempDir({ prefix: "ristretto_bench_write_" });
  const figures: object[] = [];
  try {
    for (const codec of options.codecs ?? ["ZLIB", "ZSTD", "LZ4", "LZMA"] as Codec[]) {
      const level = _LEVELS[codec];
      const runs = codec === "LZMA" ? 1 : 3;
      let compressed = 0;
      const rawMs = await bestTime(async () => {
        compressed = 0;
        for (const part of raw) {
          for (let at = 0; at < part.length; at += _PIECE) {
            compressed +=
              (await compressRecord(part.subarray(at, at + _PIECE), { codec, level })).length;
          }
        }
      }, { runs, warmup: codec === "LZMA" ? 0 : 1 });
      const path = `${dir}/out_${codec}.root`;
      const writeMs = await bestTime(
        () => writeRootTree(path, columns, { codec, level, types }),
        { runs, warmup: codec === "LZMA" ? 0 : 1 },
      );
      const size = (await Deno.stat(path)).size;
      figures.push({
        figure: "write_mb_per_s",
        codec,
        level,
        source,
        uncompressedMB: Number(mb.toFixed(1)),
        fileMB: Number((size / 1e6).toFixed(2)),
        writeMBps: Number((mb / (writeMs / 1000)).toFixed(1)),
        rawCompressMBps: Number((mb / (rawMs / 1000)).toFixed(1)),
        rawCompressedMB: Number((compressed / 1e6).toFixed(2)),
        writeOverRaw: Number((rawMs / writeMs).toFixed(2)),
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return figures;
}

if (import.meta.main) {
  for (const f of await benchRootWrite()) console.log(JSON.stringify(f));
}

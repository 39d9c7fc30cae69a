import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { openLocalFile } from "@ristretto/core/io";
import { isJagged } from "@ristretto/core/columns";
import type { Jagged, NumericArray } from "@ristretto/core/columns";
import { join } from "node:path";
import type { Column } from "@ristretto/core/columns";
import { type ParquetError, parquetReader, writeParquet } from "./mod.ts";
import { bigEndianBytes, recordingSource, sha256Hex } from "./_test_util.ts";

const NANO = "nanoaod/nano_dy.parquet";
const REFERENCE = "reference/branches/nano_dy.root.json";
const haveData = hasSharedData(NANO) && hasSharedData(REFERENCE);

interface ReferenceBranch {
  dtype: string;
  jagged: boolean;
  counter: string | null;
  values: number;
  /** "nan" when a NaN is among the values; then sum_nonnan and nan_count say more. */
  sum: number | string;
  sum_nonnan?: number;
  nan_count?: number;
  /** null when every value is NaN. */
  min: number | null;
  max: number | null;
  sha256: string;
  counts_sum?: number;
  counts_sha256_be_int32?: string;
}

/** ROOT dtype of the reference -> the LeafType the same branch must have here. */
const DTYPE_TO_TYPE: Record<string, string> = {
  "|b1": "bool",
  "|u1": "uint8",
  "|i1": "int8",
  ">i2": "int16",
  ">u2": "uint16",
  ">i4": "int32",
  ">u4": "uint32",
  ">i8": "int64",
  ">u8": "uint64",
  ">f4": "float32",
  ">f8": "float64",
};

async function openNano() {
  return await parquetReader().open(await openLocalFile(sharedDataPath(NANO)));
}

Deno.test({
  name: "nano_dy.parquet: 40 events, one Events tree, Jet_pt sums to 5737.7109375",
  ignore: !haveData,
  async fn() {
    const file = await openNano();
    try {
      assert.deepEqual(file.trees(), ["Events"]);
      assert.equal(file.entries("Events"), 40);
      const columns = await file.read("Events", ["Jet_pt"]);
      const jetPt = columns.get("Jet_pt") as Jagged<Float32Array>;
      assert.ok(isJagged(jetPt));
      assert.ok(jetPt.content instanceof Float32Array);
      assert.equal(jetPt.offsets.length, 41);
      let sum = 0;
      for (const value of jetPt.content) sum += value;
      assert.equal(sum, 5737.7109375);
    } finally {
      await file.close();
    }
  },
});

Deno.test({
  name: "nano_dy.parquet: every column equals the ROOT reference (count, sum, min, max, sha256)",
  ignore: !haveData,
  async fn() {
    const reference = JSON.parse(await Deno.readTextFile(sharedDataPath(REFERENCE))) as {
      branches: Record<string, ReferenceBranch>;
    };
    const file = await openNano();
    try {
      const infos = new Map(file.branches("Events").map((info) => [info.name, info]));
      const common = Object.keys(reference.branches).filter((name) => infos.has(name));
      assert.equal(common.length, 1499, "all 1499 ROOT branches exist as Parquet columns");
      const columns = await file.read("Events", common);
      const problems: string[] = [];
      for (const name of common) {
        const ref = reference.branches[name];
        const info = infos.get(name)!;
        const column = columns.get(name)!;
        if (info.type !== DTYPE_TO_TYPE[ref.dtype]) {
          problems.push(`${name}: type ${info.type}, ROOT ${ref.dtype}`);
        }
        if ((info.counter ?? null) !== ref.counter) {
          problems.push(`${name}: counter ${info.counter}, ROOT ${ref.counter}`);
        }
        let values: NumericArray;
        if (isJagged(column)) {
          values = column.content;
          const counts = new Int32Array(column.offsets.length - 1);
          for (let i = 0; i < counts.length; i++) {
            counts[i] = column.offsets[i + 1] - column.offsets[i];
          }
          if (await sha256Hex(bigEndianBytes(counts)) !== ref.counts_sha256_be_int32) {
            problems.push(`${name}: counts differ`);
          }
        } else {
          values = column;
        }
        if (values.length !== ref.values) {
          problems.push(`${name}: ${values.length} values, ROOT ${ref.values}`);
        }
        // NaNs are counted apart and left out of sum/min/max, as the reference does.
        let sum = 0;
        let nans = 0;
        let min: number | null = null;
        let max: number | null = null;
        for (let i = 0; i < values.length; i++) {
          const value = Number(values[i]);
          if (Number.isNaN(value)) {
            nans++;
            continue;
          }
          sum += value;
          if (min === null || value < min) min = value;
          if (max === null || value > max) max = value;
        }
        if (values.length > 0 && (min !== ref.min || max !== ref.max)) {
          problems.push(`${name}: min/max ${min}/${max}, ROOT ${ref.min}/${ref.max}`);
        }
        if (nans !== (ref.nan_count ?? 0)) {
          problems.push(`${name}: ${nans} NaNs, ROOT ${ref.nan_count}`);
        }
        const refSum = typeof ref.sum === "number" ? ref.sum : ref.sum_nonnan!;
        if (Math.abs(sum - refSum) > 1e-9 * Math.max(1, Math.abs(refSum))) {
          problems.push(`${name}: sum ${sum}, ROOT ${refSum}`);
        }
        if (await sha256Hex(bigEndianBytes(values)) !== ref.sha256) {
          problems.push(`${name}: sha256 of the values differs`);
        }
      }
      assert.deepEqual(problems, []);
    } finally {
      await file.close();
    }
  },
});

Deno.test({
  name: "nano_dy.parquet: jagged columns of one collection share one offsets object",
  ignore: !haveData,
  async fn() {
    const file = await openNano();
    try {
      for (const range of [undefined, { start: 3, stop: 17 }]) {
        const columns = await file.read(
          "Events",
          ["Jet_pt", "Jet_eta", "Muon_pt", "Jet_jetId"],
          range,
        );
        const pt = columns.get("Jet_pt") as Jagged;
        assert.equal(pt.offsets, (columns.get("Jet_eta") as Jagged).offsets);
        assert.equal(pt.offsets, (columns.get("Jet_jetId") as Jagged).offsets);
        assert.notEqual(pt.offsets, (columns.get("Muon_pt") as Jagged).offsets);
      }
      const info = file.branches("Events").find((b) => b.name === "Jet_pt");
      assert.deepEqual(info, { name: "Jet_pt", type: "float32", counter: "nJet" });
    } finally {
      await file.close();
    }
  },
});

Deno.test({
  name: "nano_dy.parquet: row-range reads equal slices of the full read",
  ignore: !haveData,
  async fn() {
    const file = await openNano();
    try {
      const names = ["Jet_pt", "nJet", "event", "HLT_IsoMu24", "Muon_charge"];
      const full = await file.read("Events", names);
      for (const [start, stop] of [[0, 40], [0, 1], [5, 23], [39, 40], [12, 12]]) {
        const part = await file.read("Events", names, { start, stop });
        for (const name of names) {
          const whole = full.get(name)!;
          const piece = part.get(name)!;
          if (isJagged(whole)) {
            assert.ok(isJagged(piece));
            const lo = whole.offsets[start];
            const hi = whole.offsets[stop];
            assert.deepEqual(
              piece.content,
              whole.content.slice(lo, hi),
              `${name} [${start},${stop})`,
            );
            assert.deepEqual(
              [...piece.offsets].map((o) => o - piece.offsets[0]),
              [...whole.offsets.slice(start, stop + 1)].map((o) => o - lo),
            );
          } else {
            assert.deepEqual(piece, whole.slice(start, stop), `${name} [${start},${stop})`);
          }
        }
      }
    } finally {
      await file.close();
    }
  },
});

Deno.test({
  name: "nano_dy.parquet: projection reads only the footer and the asked column chunks",
  ignore: !haveData,
  async fn() {
    const inner = await openLocalFile(sharedDataPath(NANO));
    const source = recordingSource(inner);
    const file = await parquetReader().open(source);
    try {
      const size = await source.size();
      const footerReads = source.ranges.length;
      const columns = await file.read("Events", ["Jet_pt", "MET_pt"]);
      assert.deepEqual([...columns.keys()], ["Jet_pt", "MET_pt"]);
      const chunkReads = source.ranges.slice(footerReads);
      assert.equal(chunkReads.length, 2);
      const read = chunkReads.reduce((total, range) => total + range.length, 0);
      assert.ok(read < 2000, `read ${read} bytes of ${size} for two columns`);
      // The footer reads all lie in the last part of the file, never the whole of it.
      for (const range of source.ranges.slice(0, footerReads)) {
        assert.ok(range.offset > 0 || range.length <= 4, JSON.stringify(range));
      }
    } finally {
      await file.close();
    }
  },
});

Deno.test({
  name: "nano_dy.parquet: all 1499 columns survive writeParquet and read back bit for bit",
  ignore: !haveData,
  async fn() {
    const file = await openNano();
    const dir = await Deno.makeTempDir({ prefix: "ristretto_parquet_nano_" });
    try {
      const infos = file.branches("Events");
      const names = infos.map((info) => info.name);
      const original = await file.read("Events", names);
      const types = Object.fromEntries(infos.map((info) => [info.name, info.type]));
      const path = join(dir, "nano_copy.parquet");
      // Without the types, the uint8 branches would be taken for masks and refused.
      await assert.rejects(
        writeParquet(path, original),
        (error: ParquetError) => error.code === "PARQUET_WRITE" && /uint8/.test(error.message),
      );
      await writeParquet(path, original, { types, rowGroupSize: 16 });
      const copy = await parquetReader().open(await openLocalFile(path));
      try {
        assert.deepEqual(copy.branches("Events"), infos);
        const back = await copy.read("Events", names);
        for (const name of names) {
          const a = original.get(name) as Column;
          const b = back.get(name) as Column;
          if (isJagged(a)) {
            assert.ok(isJagged(b), name);
            assert.deepEqual(b.offsets, a.offsets, name);
            assert.deepEqual(bigEndianBytes(b.content), bigEndianBytes(a.content), name);
          } else {
            assert.deepEqual(bigEndianBytes(b as NumericArray), bigEndianBytes(a), name);
          }
        }
      } finally {
        await copy.close();
      }
    } finally {
      await file.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

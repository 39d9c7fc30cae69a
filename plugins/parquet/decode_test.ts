import assert from "node:assert/strict";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { openLocalFile } from "@ristretto/core/io";
import type { Jagged } from "@ristretto/core/columns";
import { parquetReader } from "./mod.ts";
import { decodeHybrid } from "./_rle.ts";

/**
 * Reference encoder: one bit-packed run of `values` (a multiple of 8 of them: only the last run
 * of a stream may be padded), then an RLE run of `repeat` x `value`.
 */
function encode(values: number[], bitWidth: number, repeat: number, value: number): Uint8Array {
  const out: number[] = [];
  const varint = (n: number) => {
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
  };
  const groups = Math.ceil(values.length / 8);
  varint(groups * 2 + 1);
  const bits: number[] = [];
  for (let i = 0; i < groups * 8; i++) {
    const v = values[i] ?? 0;
    for (let b = 0; b < bitWidth; b++) bits.push(Math.floor(v / 2 ** b) % 2);
  }
  for (let i = 0; i < bits.length; i += 8) {
    let byte = 0;
    for (let j = 0; j < 8; j++) byte |= (bits[i + j] ?? 0) << j;
    out.push(byte);
  }
  varint(repeat * 2);
  for (let i = 0; i < Math.ceil(bitWidth / 8); i++) out.push(Math.floor(value / 256 ** i) % 256);
  return Uint8Array.from(out);
}

Deno.test("RLE/bit-packed hybrid: widths 1 to 31, bit-packed then RLE runs", () => {
  for (const bitWidth of [1, 2, 3, 7, 8, 12, 17, 24, 25, 31]) {
    const max = 2 ** bitWidth - 1;
    const values = Array.from({ length: 24 }, (_, i) => (i * 2654435761) % (max + 1));
    values[3] = max;
    const bytes = encode(values, bitWidth, 300, max);
    const out = new Int32Array(324);
    const end = decodeHybrid({ bytes, start: 0, end: bytes.length, bitWidth }, {
      out,
      at: 0,
      count: 324,
    });
    assert.equal(end, bytes.length, `width ${bitWidth}`);
    assert.deepEqual([...out.subarray(0, 24)], values.map((v) => v | 0), `width ${bitWidth}`);
    assert.ok(out.subarray(24).every((v) => v === (max | 0)), `width ${bitWidth}`);
    // A run cut short is reported, not read past.
    const short = decodeHybrid({ bytes, start: 0, end: 3, bitWidth }, { out, at: 0, count: 324 });
    assert.equal(short, -1);
  }
});

Deno.test("reader: reads hyparquet-writer output (v2 pages, dictionary, RLE booleans)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_parquet_decode_" });
  try {
    const rows = 3000;
    const lists = Array.from(
      { length: rows },
      (_, i) => Array.from({ length: i % 4 }, (_, j) => (i + j) % 5),
    );
    const flags = Array.from({ length: rows }, (_, i) => i % 7 === 0);
    const small = Array.from({ length: rows }, (_, i) => (i % 3) * 0.5);
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "Jet_id", data: lists },
        { name: "flag", data: flags },
        { name: "MET_pt", data: small },
      ],
      schema: [
        { name: "schema", num_children: 3 },
        { name: "Jet_id", repetition_type: "REQUIRED", num_children: 1, converted_type: "LIST" },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "item", repetition_type: "REQUIRED", type: "INT32" },
        { name: "flag", repetition_type: "REQUIRED", type: "BOOLEAN" },
        { name: "MET_pt", repetition_type: "REQUIRED", type: "DOUBLE" },
      ],
      rowGroupSize: 1000,
    });
    const path = join(dir, "hyparquet.parquet");
    await Deno.writeFile(path, new Uint8Array(buffer));
    const file = await parquetReader().open(await openLocalFile(path));
    try {
      const columns = await file.read("Events", ["Jet_id", "flag", "MET_pt", "nJet"], {
        start: 500,
        stop: 2500,
      });
      const jet = columns.get("Jet_id") as Jagged<Int32Array>;
      const expected = lists.slice(500, 2500);
      assert.deepEqual([...jet.content], expected.flat());
      assert.deepEqual([...(columns.get("nJet") as Uint32Array)], expected.map((l) => l.length));
      assert.deepEqual(
        [...(columns.get("flag") as Uint8Array)],
        flags.slice(500, 2500).map(Number),
      );
      assert.deepEqual([...(columns.get("MET_pt") as Float64Array)], small.slice(500, 2500));
    } finally {
      await file.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

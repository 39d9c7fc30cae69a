/**
 * Interoperability with pyarrow (what pandas, awkward and polars-via-arrow read with), when a
 * python3 with pyarrow is on the machine; skipped otherwise, since CI need not have it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openLocalFile } from "@ristretto/core/io";
import type { Column, Jagged } from "@ristretto/core/columns";
import { parquetReader, writeParquet } from "./mod.ts";

function hasPyarrow(): boolean {
  try {
    const { success } = new Deno.Command("python3", {
      args: ["-c", "import pyarrow"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    if (!success) console.warn("skipping: python3 with pyarrow is not available");
    return success;
  } catch {
    console.warn("skipping: python3 is not available");
    return false;
  }
}

const havePyarrow = hasPyarrow();

async function python(script: string, ...args: string[]): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command("python3", {
    args: ["-c", script, ...args],
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.ok(success, new TextDecoder().decode(stderr));
  return text;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_parquet_pyarrow_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "pyarrow reads what writeParquet writes: types, lists, values",
  ignore: !havePyarrow,
  async fn() {
    await withTempDir(async (dir) => {
      const path = join(dir, "ours.parquet");
      const offsets = Int32Array.of(0, 2, 2, 5);
      await writeParquet(
        path,
        new Map<string, Column>([
          ["flag", Uint8Array.of(1, 0, 1)],
          ["i8", Int8Array.of(-128, 127, 0)],
          ["u16", Uint16Array.of(0, 65535, 1)],
          ["u32", Uint32Array.of(0, 4294967295, 7)],
          ["u64", BigUint64Array.of(0n, 2n ** 64n - 1n, 3749778n)],
          ["i64", BigInt64Array.of(-(2n ** 63n), 1n, -1n)],
          ["f64", Float64Array.of(0.5, -1e300, 3)],
          ["Jet_pt", { offsets, content: Float32Array.of(50.5, 30, 40, 41, 42) }],
          ["Jet_flag", { offsets, content: Uint8Array.of(1, 0, 0, 1, 1) }],
        ]),
        { rowGroupSize: 2 },
      );
      const out = await python(
        `import sys, json, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
print(json.dumps({"types": [str(x) for x in t.schema.types], "data": t.to_pydict(),
  "groups": pq.ParquetFile(sys.argv[1]).metadata.num_row_groups}))`,
        path,
      );
      const parsed = JSON.parse(out);
      assert.deepEqual(parsed.types, [
        "bool",
        "int8",
        "uint16",
        "uint32",
        "uint64",
        "int64",
        "double",
        "list<item: float not null>",
        "list<item: bool not null>",
      ]);
      assert.equal(parsed.groups, 2);
      assert.deepEqual(parsed.data.Jet_pt, [[50.5, 30], [], [40, 41, 42]]);
      assert.deepEqual(parsed.data.Jet_flag, [[true, false], [], [false, true, true]]);
      assert.deepEqual(parsed.data.u32, [0, 4294967295, 7]);
      assert.deepEqual(parsed.data.i8, [-128, 127, 0]);
    });
  },
});

Deno.test({
  name: "the reader reads what pyarrow writes: v1/v2 pages, dictionary, delta, snappy, gzip",
  ignore: !havePyarrow,
  async fn() {
    await withTempDir(async (dir) => {
      await python(
        `import sys, pyarrow as pa, pyarrow.parquet as pq
n = 10000
t = pa.table({
  "Jet_pt": pa.array([[1.5, 2.5], [], [3.0], [4, 5, 6]] * (n // 4), pa.list_(pa.float32())),
  "Jet_eta": pa.array([[0.5, 0.25], [], [1.0], [2, 3, 4]] * (n // 4), pa.list_(pa.float64())),
  "nMuon": pa.array([1, 2, 3, 4] * (n // 4), pa.uint32()),
  "event": pa.array(range(n), pa.uint64()),
  "i8": pa.array([-1, 2, -3, 4] * (n // 4), pa.int8()),
  "flag": pa.array([True, False, True, True] * (n // 4)),
  "d": pa.array([i * 0.5 for i in range(n)], pa.float64()),
})
d = sys.argv[1]
pq.write_table(t, d + "/v1.parquet")
pq.write_table(t, d + "/v2.parquet", data_page_version="2.0")
pq.write_table(t, d + "/snappy.parquet", compression="snappy", data_page_size=1000, row_group_size=3000)
pq.write_table(t, d + "/gzip.parquet", compression="gzip", use_dictionary=False)
pq.write_table(t, d + "/delta.parquet", use_dictionary=False, column_encoding={
  "nMuon": "DELTA_BINARY_PACKED", "event": "DELTA_BINARY_PACKED", "d": "BYTE_STREAM_SPLIT",
  "Jet_pt": "BYTE_STREAM_SPLIT"})`,
        dir,
      );
      for (const name of ["v1", "v2", "snappy", "gzip", "delta"]) {
        const file = await parquetReader().open(await openLocalFile(join(dir, `${name}.parquet`)));
        try {
          assert.equal(file.entries("Events"), 10000);
          const names = ["Jet_pt", "Jet_eta", "nMuon", "event", "i8", "flag", "d", "nJet"];
          const columns = await file.read("Events", names);
          const pt = columns.get("Jet_pt") as Jagged<Float32Array>;
          assert.equal(pt.offsets, (columns.get("Jet_eta") as Jagged).offsets, name);
          assert.equal(pt.content.reduce((a, b) => a + b, 0), 55000, name);
          assert.deepEqual(pt.offsets.subarray(0, 5), Int32Array.of(0, 2, 2, 3, 6), name);
          assert.deepEqual(
            (columns.get("nJet") as Uint32Array).subarray(0, 4),
            Uint32Array.of(2, 0, 1, 3),
          );
          assert.equal((columns.get("event") as BigUint64Array)[9999], 9999n, name);
          assert.equal((columns.get("d") as Float64Array)[9999], 4999.5, name);
          assert.deepEqual(
            (columns.get("i8") as Int8Array).subarray(0, 4),
            Int8Array.of(-1, 2, -3, 4),
          );
          assert.deepEqual(
            (columns.get("flag") as Uint8Array).subarray(0, 4),
            Uint8Array.of(1, 0, 1, 1),
          );
          assert.deepEqual(
            (columns.get("nMuon") as Uint32Array).subarray(0, 5),
            Uint32Array.of(1, 2, 3, 4, 1),
          );
          const part = await file.read("Events", ["Jet_pt"], { start: 2999, stop: 3002 });
          assert.deepEqual((part.get("Jet_pt") as Jagged).offsets, Int32Array.of(0, 3, 5, 5), name);
        } finally {
          await file.close();
        }
      }
    });
  },
});

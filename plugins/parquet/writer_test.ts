import assert from "node:assert/strict";
import { join } from "node:path";
import { openLocalFile } from "@ristretto/core/io";
import { isJagged } from "@ristretto/core/columns";
import type { Column, Jagged } from "@ristretto/core/columns";
import { ParquetError, parquetReader, writeParquet } from "./mod.ts";
import type { ParquetCompression } from "./mod.ts";
import { recordingSource } from "./_test_util.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_parquet_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function readAll(path: string, names?: string[]) {
  const file = await parquetReader().open(await openLocalFile(path));
  try {
    const branches = file.branches("Events");
    const columns = await file.read("Events", names ?? branches.map((b) => b.name));
    return { branches, columns, entries: file.entries("Events") };
  } finally {
    await file.close();
  }
}

/** Every element type, flat and jagged, with extreme values. */
function everyType(): Map<string, Column> {
  const offsets = Int32Array.of(0, 2, 2, 5, 5);
  return new Map<string, Column>([
    ["flag", Uint8Array.of(1, 0, 1, 1)],
    ["i8", Int8Array.of(-128, 127, 0, -1)],
    ["i16", Int16Array.of(-32768, 32767, 0, -1)],
    ["u16", Uint16Array.of(0, 65535, 1, 2)],
    ["i32", Int32Array.of(-2147483648, 2147483647, 0, -1)],
    ["u32", Uint32Array.of(0, 4294967295, 2147483648, 1)],
    ["i64", BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n)],
    ["u64", BigUint64Array.of(0n, 2n ** 64n - 1n, 2n ** 63n, 3749778n)],
    ["f32", Float32Array.of(1.5, -0, Infinity, NaN)],
    ["f64", Float64Array.of(Math.PI, -1e300, 5e-324, NaN)],
    ["nJet", Uint32Array.of(2, 0, 3, 0)],
    ["Jet_pt", { offsets, content: Float32Array.of(50.5, 30, 40, 41, 42) }],
    ["Jet_eta", { offsets, content: Float64Array.of(-2.5, 0, 1, 2, 2.4) }],
    ["Jet_id", { offsets, content: Int32Array.of(1, -2, 3, 4, 5) }],
    ["Jet_flag", { offsets, content: Uint8Array.of(1, 0, 0, 1, 1) }],
    ["Jet_i8", { offsets, content: Int8Array.of(-1, 2, -3, 4, 5) }],
    ["Jet_u64", { offsets, content: BigUint64Array.of(1n, 2n ** 64n - 1n, 3n, 4n, 5n) }],
    ["Jet_i64", { offsets, content: BigInt64Array.of(-1n, 2n, -(2n ** 63n), 4n, 5n) }],
  ]);
}

Deno.test("writer: every type round-trips through the reader, flat and jagged", async () => {
  await withTempDir(async (dir) => {
    const columns = everyType();
    for (const compression of ["zstd", "snappy", "gzip", "uncompressed"] as ParquetCompression[]) {
      const path = join(dir, `all_${compression}.parquet`);
      await writeParquet(path, columns, { compression });
      const back = await readAll(path);
      assert.equal(back.entries, 4);
      const types = Object.fromEntries(back.branches.map((b) => [b.name, b.type]));
      assert.deepEqual(types, {
        flag: "bool",
        i8: "int8",
        i16: "int16",
        u16: "uint16",
        i32: "int32",
        u32: "uint32",
        i64: "int64",
        u64: "uint64",
        f32: "float32",
        f64: "float64",
        nJet: "uint32",
        Jet_pt: "float32",
        Jet_eta: "float64",
        Jet_id: "int32",
        Jet_flag: "bool",
        Jet_i8: "int8",
        Jet_u64: "uint64",
        Jet_i64: "int64",
      });
      for (const [name, column] of columns) {
        const read = back.columns.get(name)!;
        if (isJagged(column)) {
          assert.ok(isJagged(read), name);
          assert.deepEqual(read.offsets, column.offsets, name);
          assert.deepEqual(read.content, column.content, name);
        } else {
          assert.deepEqual(read, column, name);
        }
      }
      const pt = back.columns.get("Jet_pt") as Jagged;
      assert.equal(pt.offsets, (back.columns.get("Jet_u64") as Jagged).offsets);
      assert.equal(back.branches.find((b) => b.name === "Jet_pt")!.counter, "nJet");
    }
  });
});

Deno.test("writer: many row groups, empty events, row ranges across groups", async () => {
  await withTempDir(async (dir) => {
    const rows = 1000;
    const counts = new Int32Array(rows);
    for (let i = 0; i < rows; i++) counts[i] = (i * 7) % 5 === 0 ? 0 : (i % 4);
    const offsets = new Int32Array(rows + 1);
    for (let i = 0; i < rows; i++) offsets[i + 1] = offsets[i] + counts[i];
    const content = new Float32Array(offsets[rows]).map((_, i) => i * 0.25);
    const index = new Int32Array(rows).map((_, i) => i);
    const path = join(dir, "groups.parquet");
    await writeParquet(
      path,
      new Map<string, Column>([["Muon_pt", { offsets, content }], ["index", index]]),
      {
        rowGroupSize: 128,
      },
    );
    const full = await readAll(path, ["Muon_pt", "index", "nMuon"]);
    assert.deepEqual((full.columns.get("Muon_pt") as Jagged).offsets, offsets);
    assert.deepEqual((full.columns.get("Muon_pt") as Jagged).content, content);
    assert.deepEqual(full.columns.get("nMuon"), Uint32Array.from(counts));
    assert.deepEqual(full.branches.find((b) => b.name === "nMuon"), {
      name: "nMuon",
      type: "uint32",
    });
    // Only the row groups overlapping the range are fetched: [127, 129) touches groups 0 and 1.
    const source = recordingSource(await openLocalFile(path));
    const file = await parquetReader().open(source);
    try {
      const footerReads = source.ranges.length;
      await file.read("Events", ["Muon_pt", "index", "nMuon"], { start: 127, stop: 129 });
      assert.equal(source.ranges.length - footerReads, 4, "2 row groups x 2 stored columns");
      for (
        const [start, stop] of [[0, 1000], [100, 300], [127, 129], [999, 1000], [0, 0], [500, 500]]
      ) {
        const part = await file.read("Events", ["Muon_pt", "index", "nMuon"], { start, stop });
        assert.deepEqual(part.get("index"), index.slice(start, stop));
        assert.deepEqual(part.get("nMuon"), Uint32Array.from(counts.slice(start, stop)));
        const muon = part.get("Muon_pt") as Jagged;
        assert.equal(muon.offsets.length, stop - start + 1);
        assert.deepEqual(muon.content, content.slice(offsets[start], offsets[stop]));
        for (let i = start; i < stop; i++) {
          assert.equal(muon.offsets[i - start + 1] - muon.offsets[i - start], counts[i]);
        }
      }
    } finally {
      await file.close();
    }
  });
});

Deno.test("writer: all-empty lists and zero rows", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "zero_rows.parquet");
    await writeParquet(
      path,
      new Map<string, Column>([
        ["MET_pt", new Float32Array(0)],
        ["Jet_pt", { offsets: new Int32Array(1), content: new Float32Array(0) }],
      ]),
    );
    const back = await readAll(path);
    assert.equal(back.entries, 0);
    assert.deepEqual(back.columns.get("MET_pt"), new Float32Array(0));
    assert.deepEqual((back.columns.get("Jet_pt") as Jagged).offsets, new Int32Array(1));
    assert.deepEqual(back.columns.get("nJet"), new Uint32Array(0));
  });
  await withTempDir(async (dir) => {
    const path = join(dir, "empty_lists.parquet");
    const offsets = new Int32Array(4);
    await writeParquet(
      path,
      new Map<string, Column>([["Tau_pt", { offsets, content: new Float32Array(0) }]]),
    );
    const back = await readAll(path);
    assert.deepEqual((back.columns.get("Tau_pt") as Jagged).offsets, offsets);
    assert.equal((back.columns.get("Tau_pt") as Jagged).content.length, 0);
    assert.deepEqual(back.columns.get("nTau"), new Uint32Array(3));
  });
});

Deno.test("writer: is atomic and checks its input", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "x.parquet");
    await assert.rejects(
      writeParquet(
        path,
        new Map<string, Column>([["a", Float32Array.of(1, 2)], ["b", Float32Array.of(1)]]),
      ),
      (error: ParquetError) =>
        error.code === "PARQUET_WRITE" && /"b" has 1 rows/.test(error.message),
    );
    await assert.rejects(writeParquet(path, new Map()), ParquetError);
    await writeParquet(path, new Map<string, Column>([["a", Float32Array.of(1, 2)]]));
    // Only the final file remains: no temporary left behind.
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names, ["x.parquet"]);
  });
});

Deno.test("reader: a made-up counter comes from a list already asked for, not an extra read", async () => {
  await withTempDir(async (dir) => {
    const offsets = Int32Array.of(0, 1, 1, 3);
    const path = join(dir, "counter.parquet");
    await writeParquet(
      path,
      new Map<string, Column>([
        ["Muon_pt", { offsets, content: Float32Array.of(1, 2, 3) }],
        ["Muon_eta", { offsets, content: Float32Array.of(0.1, 0.2, 0.3) }],
      ]),
    );
    const source = recordingSource(await openLocalFile(path));
    const file = await parquetReader().open(source);
    try {
      const footerReads = source.ranges.length;
      const columns = await file.read("Events", ["nMuon", "Muon_eta"]);
      assert.equal(source.ranges.length - footerReads, 1, "only Muon_eta is fetched");
      assert.deepEqual(columns.get("nMuon"), Uint32Array.of(1, 0, 2));
      assert.deepEqual([...columns.keys()], ["nMuon", "Muon_eta"]);
    } finally {
      await file.close();
    }
  });
});

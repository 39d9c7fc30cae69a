import assert from "node:assert/strict";
import { join } from "node:path";
import { openLocalFile } from "@ristretto/core/io";
import { RistrettoError } from "@ristretto/core/errors";
import type { Column } from "@ristretto/core/columns";
import { parquetWriteBuffer } from "hyparquet-writer";
import { ParquetError, parquetReader, writeParquet } from "./mod.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_parquet_errors_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Opens and closes `path`; a failing open closes the source itself (it owns it). */
async function openAndClose(path: string): Promise<void> {
  const file = await parquetReader().open(await openLocalFile(path));
  await file.close();
}

function expectCode(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ParquetError, String(error));
    assert.ok(error instanceof RistrettoError);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

async function writeSample(dir: string): Promise<string> {
  const path = join(dir, "sample.parquet");
  const offsets = Int32Array.of(0, 1, 3);
  await writeParquet(
    path,
    new Map<string, Column>([
      ["MET_pt", Float32Array.of(10, 20)],
      ["Jet_pt", { offsets, content: Float32Array.of(1, 2, 3) }],
    ]),
  );
  return path;
}

Deno.test("errors: garbage and empty files are PARQUET_NOT_PARQUET, naming the file", async () => {
  await withTempDir(async (dir) => {
    const garbage = join(dir, "garbage.parquet");
    await Deno.writeFile(garbage, new TextEncoder().encode("this is not a parquet file at all"));
    await assert.rejects(
      openAndClose(garbage),
      expectCode("PARQUET_NOT_PARQUET", /garbage\.parquet/),
    );
    const empty = join(dir, "empty.parquet");
    await Deno.writeFile(empty, new Uint8Array(0));
    await assert.rejects(openAndClose(empty), expectCode("PARQUET_NOT_PARQUET", /empty\.parquet/));
  });
});

Deno.test("errors: truncated files are PARQUET_TRUNCATED", async () => {
  await withTempDir(async (dir) => {
    const bytes = await Deno.readFile(await writeSample(dir));
    for (const keep of [4, 11, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const path = join(dir, `cut_${keep}.parquet`);
      await Deno.writeFile(path, bytes.subarray(0, keep));
      await assert.rejects(openAndClose(path), expectCode("PARQUET_TRUNCATED", /cut_\d+\.parquet/));
    }
    // Footer intact but its length field larger than the file: truncated too.
    const path = join(dir, "long_footer.parquet");
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint32(copy.length - 8, copy.length * 2, true);
    await Deno.writeFile(path, copy);
    await assert.rejects(openAndClose(path), expectCode("PARQUET_TRUNCATED"));
  });
});

Deno.test("errors: corrupt column data is PARQUET_CORRUPT naming file and column", async () => {
  await withTempDir(async (dir) => {
    const bytes = await Deno.readFile(await writeSample(dir));
    // Overwrite the column data (between the leading magic and the footer) with junk.
    const footer = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
    const copy = bytes.slice();
    copy.fill(0xff, 4, copy.length - 8 - footer);
    const path = join(dir, "corrupt.parquet");
    await Deno.writeFile(path, copy);
    const file = await parquetReader().open(await openLocalFile(path));
    try {
      await assert.rejects(
        file.read("Events", ["Jet_pt"]),
        expectCode("PARQUET_CORRUPT", /"Jet_pt" of ".*corrupt\.parquet"/),
      );
    } finally {
      await file.close();
    }
  });
});

Deno.test("errors: unknown column with did-you-mean, unknown tree, bad range", async () => {
  await withTempDir(async (dir) => {
    const file = await parquetReader().open(await openLocalFile(await writeSample(dir)));
    try {
      await assert.rejects(
        file.read("Events", ["Jet_pT"]),
        expectCode(
          "PARQUET_UNKNOWN_COLUMN",
          /"Jet_pT" of ".*sample\.parquet".*did you mean "Jet_pt"/,
        ),
      );
      await assert.rejects(file.read("Runs", ["MET_pt"]), expectCode("PARQUET_UNKNOWN_TREE"));
      assert.throws(() => file.branches("Runs"), expectCode("PARQUET_UNKNOWN_TREE"));
      await assert.rejects(
        file.read("Events", ["MET_pt"], { start: 1, stop: 3 }),
        expectCode("PARQUET_BAD_RANGE"),
      );
    } finally {
      await file.close();
    }
  });
});

Deno.test("reader: canRead by magic bytes or extension; plugin identity", () => {
  const reader = parquetReader();
  assert.equal(reader.name, "parquet-reader");
  assert.equal(reader.kind, "reader");
  assert.ok(reader.canRead("x.bin", new TextEncoder().encode("PAR1....")));
  assert.ok(!reader.canRead("x.parquet", new TextEncoder().encode("root")));
  assert.ok(reader.canRead("https://host/data/nano.parquet?token=1"));
  assert.ok(!reader.canRead("nano.root"));
});

Deno.test("errors: strings, structs and nulls are PARQUET_UNSUPPORTED_TYPE", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "strings.parquet");
    // Written with hyparquet-writer directly: Ristretto's own writer only writes numbers.
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "label", data: ["a", "b"], type: "STRING" },
        { name: "maybe", data: [1.5, null], type: "DOUBLE" },
        { name: "fine", data: [1, 2], type: "INT32" },
      ],
    });
    await Deno.writeFile(path, new Uint8Array(buffer));
    const file = await parquetReader().open(await openLocalFile(path));
    try {
      assert.deepEqual(file.branches("Events").map((b) => b.name), ["maybe", "fine"]);
      await assert.rejects(
        file.read("Events", ["label"]),
        expectCode("PARQUET_UNSUPPORTED_TYPE", /"label" of ".*strings\.parquet".*BYTE_ARRAY/),
      );
      await assert.rejects(
        file.read("Events", ["maybe"]),
        expectCode("PARQUET_UNSUPPORTED_TYPE", /"maybe".*null values/),
      );
      assert.deepEqual((await file.read("Events", ["fine"])).get("fine"), Int32Array.of(1, 2));
    } finally {
      await file.close();
    }
  });
});

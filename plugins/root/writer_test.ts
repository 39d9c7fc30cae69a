import { deepStrictEqual, equal, ok as assert, rejects } from "node:assert/strict";
import type { Column, Jagged, NumericArray } from "@ristretto/core/columns";
import { isJagged } from "@ristretto/core/columns";
import type { LeafType } from "@ristretto/core/plugin";
import { openRootUrl } from "./reader.ts";
import { createRootFile, treeOptionsFrom, writeRootTree } from "./writer.ts";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import type { Codec } from "./_decompress.ts";
import { lz4CompressBlock } from "./_compress.ts";
import { decompressLz4Raw } from "hyparquet-compressors";

const CODECS: Codec[] = ["ZLIB", "ZSTD", "LZ4", "LZMA"];

function tmp(): Promise<string> {
  return Deno.makeTempDir({ prefix: "ristretto_rw_" });
}

/** Deterministic pseudo-random numbers (so failures reproduce). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One column of every leaf type, flat, plus jagged ones with empty events. */
function sample(
  n: number,
  seed: number,
): { columns: Map<string, Column>; types: Record<string, LeafType> } {
  const r = rng(seed);
  const columns = new Map<string, Column>();
  const flat = (ctor: { new (n: number): NumericArray }, f: () => number | bigint) => {
    const a = new ctor(n);
    // deno-lint-ignore no-explicit-any
    for (let i = 0; i < n; i++) (a as any)[i] = f();
    return a;
  };
  columns.set("flag", flat(Uint8Array, () => (r() < 0.5 ? 1 : 0)));
  columns.set("i8", flat(Int8Array, () => Math.floor(r() * 256) - 128));
  columns.set("u8", flat(Uint8Array, () => Math.floor(r() * 256)));
  columns.set("i16", flat(Int16Array, () => Math.floor(r() * 65536) - 32768));
  columns.set("u16", flat(Uint16Array, () => Math.floor(r() * 65536)));
  columns.set("i32", flat(Int32Array, () => Math.floor(r() * 2 ** 32) - 2 ** 31));
  columns.set("u32", flat(Uint32Array, () => Math.floor(r() * 2 ** 32)));
  columns.set(
    "i64",
    flat(BigInt64Array, () => BigInt(Math.floor(r() * 2 ** 53)) * (r() < 0.5 ? -1n : 1n)),
  );
  columns.set("u64", flat(BigUint64Array, () => BigInt(Math.floor(r() * 2 ** 53)) << 10n));
  columns.set("f32", flat(Float32Array, () => (r() - 0.5) * 1e3));
  columns.set("f64", flat(Float64Array, () => (r() - 0.5) * 1e9));
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + (r() < 0.3 ? 0 : Math.floor(r() * 6));
  const m = offsets[n];
  const jag = (content: NumericArray): Jagged => ({ offsets, content });
  const pt = new Float32Array(m);
  for (let i = 0; i < m; i++) pt[i] = r() * 100;
  columns.set("Jet_pt", jag(pt));
  const ids = new Int32Array(m);
  for (let i = 0; i < m; i++) ids[i] = Math.floor(r() * 40) - 20;
  columns.set("Jet_id", jag(ids));
  const good = new Uint8Array(m);
  for (let i = 0; i < m; i++) good[i] = r() < 0.5 ? 1 : 0;
  columns.set("Jet_good", jag(good));
  const e = new Float64Array(m);
  for (let i = 0; i < m; i++) e[i] = r() * 1e4;
  columns.set("Jet_e", jag(e));
  const muOffsets = new Int32Array(n + 1); // all-empty collection
  columns.set("Muon_pt", { offsets: muOffsets, content: new Float32Array(0) });
  return { columns, types: { flag: "bool", Jet_good: "bool" } };
}

function list(a: unknown): unknown[] {
  return Array.from(a as ArrayLike<unknown>);
}

function slice(col: Column, a: number, z: number): Column {
  if (!isJagged(col)) return (col as NumericArray).subarray(a, z) as NumericArray;
  const offsets = new Int32Array(z - a + 1);
  for (let i = a; i <= z; i++) offsets[i - a] = col.offsets[i] - col.offsets[a];
  return {
    offsets,
    content: col.content.subarray(col.offsets[a], col.offsets[z]) as NumericArray,
  };
}

function assertColumn(name: string, got: Column | undefined, want: Column): void {
  if (got === undefined) throw new Error(`missing ${name}`);
  if (isJagged(want)) {
    if (!isJagged(got)) throw new Error(`${name} should be jagged`);
    const base = want.offsets[0];
    const g0 = got.offsets[0];
    deepStrictEqual(
      Array.from(got.offsets, (x) => x - g0),
      Array.from(want.offsets, (x) => x - base),
      `${name} offsets`,
    );
    equal(got.content.constructor, want.content.constructor, `${name} content type`);
    deepStrictEqual(list(got.content), list(want.content), `${name} values`);
  } else {
    assert(!isJagged(got), `${name} should be flat`);
    equal(got.constructor, want.constructor, `${name} type`);
    deepStrictEqual(list(got), list(want), `${name} values`);
  }
}

for (const codec of CODECS) {
  Deno.test(`writer: round trip of every leaf type, flat and jagged, ${codec}, several fills and baskets`, async () => {
    const dir = await tmp();
    try {
      const n = 1000;
      const { columns, types } = sample(n, 7);
      const path = `${dir}/out.root`;
      const file = await createRootFile(path, { codec, level: 4 });
      const tree = file.tree("Events", { types, clusterEntries: 150 });
      for (const [a, z] of [[0, 10], [10, 400], [400, 401], [401, 1000]]) {
        await tree.fill(new Map([...columns].map(([k, v]) => [k, slice(v, a, z)])));
      }
      await file.close();
      const r = await openRootUrl(path);
      try {
        equal(r.entries("Events"), n);
        const infos = r.branches("Events");
        const byName = new Map(infos.map((b) => [b.name, b]));
        equal(byName.get("flag")!.type, "bool");
        equal(byName.get("Jet_good")!.type, "bool");
        equal(byName.get("nJet")!.type, "uint32");
        equal(byName.get("Jet_pt")!.counter, "nJet");
        equal(byName.get("Muon_pt")!.counter, "nMuon");
        const names = [...columns.keys()];
        const all = await r.read("Events", [...names, "nJet"]);
        for (const name of names) assertColumn(name, all.get(name), columns.get(name)!);
        // Entry ranges across basket boundaries (baskets hold 150 entries).
        const tree = r.file;
        assert(r.tree("Events").baskets("Jet_pt").length >= 7);
        assert(tree.header.compress > 0);
        for (const [a, z] of [[149, 151], [0, 1], [299, 777], [999, 1000], [500, 500]]) {
          const part = await r.read("Events", names, { start: a, stop: z });
          for (const name of names) {
            assertColumn(name, part.get(name), slice(columns.get(name)!, a, z));
          }
        }
      } finally {
        await r.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("writer: baskets above 16 MiB are split into several compression blocks", async () => {
  const dir = await tmp();
  try {
    const n = 5_000_000; // 20 MB of float32 in one basket
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (i % 1000) * 0.5;
    const path = `${dir}/big.root`;
    await writeRootTree(path, { x }, { codec: "ZSTD", level: 1, flushBytes: 64 << 20 });
    const r = await openRootUrl(path);
    try {
      const stats = {
        baskets: 0,
        reads: 0,
        compressedBytes: 0,
        uncompressedBytes: 0,
        blocks: {},
        uncompressedBaskets: 0,
        embeddedBaskets: 0,
        reusedBaskets: 0,
      };
      const cols = await r.tree("Events").read(["x"], undefined, { stats });
      equal(stats.baskets, 1);
      equal((stats.blocks as Record<string, number>).ZSTD, 2);
      const got = cols.get("x") as Float32Array;
      equal(got.length, n);
      for (let i = 0; i < n; i += 9973) equal(got[i], x[i]);
      equal(got[n - 1], x[n - 1]);
    } finally {
      await r.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writer: uncompressed files, all-empty trees and explicit counters", async () => {
  const dir = await tmp();
  try {
    const path = `${dir}/plain.root`;
    const offsets = new Int32Array([0, 0, 0, 0]);
    await writeRootTree(path, {
      nJet: new Int32Array([0, 0, 0]),
      Jet_pt: { offsets, content: new Float32Array(0) },
    }, { level: 0 });
    const r = await openRootUrl(path);
    try {
      equal(r.file.header.compress, 0);
      equal(r.branches("Events").find((b) => b.name === "nJet")!.type, "int32");
      const cols = await r.read("Events", ["Jet_pt"]);
      assertColumn("Jet_pt", cols.get("Jet_pt"), { offsets, content: new Float32Array(0) });
    } finally {
      await r.close();
    }
    // Several trees in one file; a tree that was never filled has zero entries.
    const two = `${dir}/two.root`;
    const f = await createRootFile(two);
    await f.tree("Events").fill({ a: new Float64Array([1, 2]) });
    await f.tree("Runs").fill({ run: new Uint32Array([1]), genEventSumw: new Float64Array([3.5]) });
    await f.close();
    const r2 = await openRootUrl(two);
    try {
      deepStrictEqual(r2.trees().sort(), ["Events", "Runs"]);
      deepStrictEqual(
        Array.from((await r2.read("Runs", ["genEventSumw"])).get("genEventSumw") as Float64Array),
        [3.5],
      );
    } finally {
      await r2.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writer: inconsistent input is refused and leaves no file", async () => {
  const dir = await tmp();
  try {
    const path = `${dir}/bad.root`;
    await rejects(
      writeRootTree(path, { a: new Float32Array(3), b: new Float32Array(2) }),
      /has 2 entries/,
    );
    await rejects(
      writeRootTree(path, {
        nJet: new Int32Array([1, 1]),
        Jet_pt: { offsets: new Int32Array([0, 2, 3]), content: new Float32Array(3) },
      }),
      /counter "nJet" is 1 at entry 0/,
    );
    deepStrictEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writer: the LZ4 block compressor round-trips through an independent decoder", () => {
  const r = rng(3);
  const inputs = [
    new Uint8Array(13),
    new Uint8Array(5000).fill(7),
    Uint8Array.from({ length: 70000 }, () => Math.floor(r() * 256)),
    Uint8Array.from({ length: 300000 }, (_, i) => (i * 7) % 251 < 40 ? 0 : i % 13),
  ];
  for (const input of inputs) {
    const c = lz4CompressBlock(input);
    deepStrictEqual(decompressLz4Raw(c, input.length), input);
  }
});

Deno.test("writer: the 64-bit layout (header, keys, directories) beyond the switch offset", async () => {
  const dir = await tmp();
  try {
    const n = 500;
    const { columns, types } = sample(n, 11);
    const path = `${dir}/large.root`;
    const file = await createRootFile(path, { codec: "ZLIB", level: 1, largeFrom: 4000 });
    const tree = file.tree("Events", { types, clusterEntries: 100 });
    await tree.fill(columns);
    await file.close();
    const r = await openRootUrl(path);
    try {
      assert(r.file.header.large);
      assert(r.file.keys.some((k) => k.version > 1000));
      const all = await r.read("Events", [...columns.keys()]);
      for (const [name, col] of columns) assertColumn(name, all.get(name), col);
    } finally {
      await r.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "writer: a real NanoAOD file copied branch by branch reads back identical (skim-like)",
  ignore: !hasSharedData(),
  fn: async () => {
    const dir = await tmp();
    try {
      const input = await openRootUrl(sharedDataPath("nanoaod/nano_dy.root"));
      const path = `${dir}/copy.root`;
      let names: string[];
      let original: Map<string, Column>;
      let branches;
      try {
        branches = input.branches("Events");
        names = branches.map((b) => b.name);
        original = await input.read("Events", names);
        const file = await createRootFile(path, { codec: "LZ4" });
        const tree = file.tree("Events", { ...treeOptionsFrom(branches), flushBytes: 1 << 20 });
        // Two chunks, as a skim writes them.
        const n = input.entries("Events");
        const half = Math.floor(n / 2);
        for (const [a, z] of [[0, half], [half, n]]) {
          await tree.fill(new Map([...original].map(([k, v]) => [k, slice(v, a, z)])));
        }
        await file.close();
      } finally {
        await input.close();
      }
      const copy = await openRootUrl(path);
      try {
        deepStrictEqual(
          copy.branches("Events").map(({ name, type, counter }) => ({ name, type, counter })).sort((
            x,
            y,
          ) => x.name < y.name ? -1 : 1),
          branches.map(({ name, type, counter }) => ({ name, type, counter })).sort((x, y) =>
            x.name < y.name ? -1 : 1
          ),
        );
        const back = await copy.read("Events", names);
        for (const name of names) assertColumn(name, back.get(name), original.get(name)!);
      } finally {
        await copy.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

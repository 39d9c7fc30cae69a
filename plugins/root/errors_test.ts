import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { compressSync as xzCompress } from "@napi-rs/lzma/xz";
import xxhash from "xxhash-wasm";
import { RistrettoError } from "@ristretto/core/errors";
import { API_VERSION } from "@ristretto/core/plugin";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { decompressRecord, openRootUrl, RootFormatError, rootReader } from "./mod.ts";
import { initChecksums } from "./_decompress.ts";

const HZZ = "nanoaod/uproot-HZZ-zlib.root";
const NANO = "nanoaod/nano_dy.root";
const ctx = { file: "test.root", tree: "Events", branch: "Jet_pt", basket: 3 };

function block(magic: string, payload: Uint8Array, uSize: number): Uint8Array {
  const out = new Uint8Array(9 + payload.length);
  out[0] = magic.charCodeAt(0);
  out[1] = magic.charCodeAt(1);
  out[2] = 8;
  const c = payload.length;
  out.set([
    c & 0xff,
    (c >> 8) & 0xff,
    (c >> 16) & 0xff,
    uSize & 0xff,
    (uSize >> 8) & 0xff,
    (uSize >> 16) & 0xff,
  ], 3);
  out.set(payload, 9);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const DATA = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 251);

function expectCode(fn: () => unknown, code: string, ...parts: string[]) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof RootFormatError, String(error));
    assert.equal(error.code, code);
    for (const p of parts) assert.ok(error.message.includes(p), `${error.message} lacks ${p}`);
    return true;
  });
}

async function expectReject(promise: Promise<unknown>, code: string, ...parts: string[]) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RistrettoError, String(error));
    assert.equal(error.code, code);
    for (const p of parts) assert.ok(error.message.includes(p), `${error.message} lacks ${p}`);
    return true;
  });
}

Deno.test("decompress: zlib, multi-block zlib, zstd, xz and lz4 blocks", async () => {
  await initChecksums();
  const a = DATA.subarray(0, 1000), b = DATA.subarray(1000);
  const z = concat(block("ZL", zlib.deflateSync(a), 1000), block("ZL", zlib.deflateSync(b), 2000));
  assert.deepEqual(decompressRecord(z, 3000, { context: ctx }), DATA);
  assert.deepEqual(
    decompressRecord(block("ZS", zlib.zstdCompressSync(DATA), 3000), 3000, { context: ctx }),
    DATA,
  );
  assert.deepEqual(
    decompressRecord(block("XZ", xzCompress(DATA), 3000), 3000, { context: ctx }),
    DATA,
  );
  // A literal-only LZ4 block: token 0xF0, length 15 + extension bytes, then the literals.
  const n = 3000;
  const lz = [0xf0];
  let rest = n - 15;
  while (rest >= 255) {
    lz.push(255);
    rest -= 255;
  }
  lz.push(rest);
  const raw = concat(Uint8Array.from(lz), DATA);
  const h = (await xxhash()).h64Raw(raw, 0n);
  const sum = new Uint8Array(8);
  new DataView(sum.buffer).setBigUint64(0, h);
  assert.deepEqual(decompressRecord(block("L4", concat(sum, raw), n), n, { context: ctx }), DATA);
  sum[7] ^= 1;
  expectCode(
    () => decompressRecord(block("L4", concat(sum, raw), n), n, { context: ctx }),
    "ROOT_BAD_BASKET",
    "checksum",
  );
});

Deno.test("decompress: bad headers, sizes and streams raise typed errors naming the basket", () => {
  const good = block("ZL", zlib.deflateSync(DATA), 3000);
  const bad = good.slice();
  bad[0] = 0x41;
  expectCode(
    () => decompressRecord(bad, 3000, { context: ctx }),
    "ROOT_BAD_COMPRESSION_HEADER",
    "test.root",
    "Jet_pt",
    "basket 3",
  );
  expectCode(() => decompressRecord(good, 2999, { context: ctx }), "ROOT_BAD_COMPRESSION_HEADER");
  expectCode(() => decompressRecord(good, 3001, { context: ctx }), "ROOT_BAD_COMPRESSION_HEADER");
  expectCode(
    () => decompressRecord(good.subarray(0, 100), 3000, { context: ctx }),
    "ROOT_BAD_COMPRESSION_HEADER",
  );
  const lying = block("ZL", zlib.deflateSync(DATA), 2000);
  expectCode(() => decompressRecord(lying, 2000, { context: ctx }), "ROOT_BAD_BASKET");
  const flipped = good.slice();
  flipped[200] ^= 0x10;
  expectCode(() => decompressRecord(flipped, 3000, { context: ctx }), "ROOT_BAD_BASKET", "ZLIB");
  expectCode(
    () => decompressRecord(block("XZ", DATA.subarray(0, 50), 3000), 3000, { context: ctx }),
    "ROOT_BAD_BASKET",
  );
  expectCode(
    () => decompressRecord(block("ZS", DATA.subarray(0, 50), 3000), 3000, { context: ctx }),
    "ROOT_BAD_BASKET",
  );
  expectCode(
    () => decompressRecord(block("L4", DATA.subarray(0, 5), 3000), 3000, { context: ctx }),
    "ROOT_BAD_BASKET",
  );
});

Deno.test("reader: plugin metadata and canRead by extension or magic", () => {
  const reader = rootReader();
  assert.equal(reader.name, "root-reader");
  assert.equal(reader.kind, "reader");
  assert.equal(reader.apiVersion, API_VERSION);
  assert.match(reader.version, /^\d+\.\d+\.\d+$/);
  assert.ok(reader.canRead("a/b/nano.root"));
  assert.ok(reader.canRead("https://x.org/nano.ROOT"));
  assert.ok(!reader.canRead("nano.parquet"));
  assert.ok(reader.canRead("blob", new TextEncoder().encode("root\0\0")));
  assert.ok(!reader.canRead("x.root", new TextEncoder().encode("PAR1")));
});

Deno.test("errors: a file that is not ROOT, or empty, is ROOT_NOT_ROOT", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/text.root`, "this is not a ROOT file at all");
    await expectReject(openRootUrl(`${dir}/text.root`), "ROOT_NOT_ROOT", "text.root");
    await Deno.writeFile(`${dir}/empty.root`, new Uint8Array(0));
    await expectReject(openRootUrl(`${dir}/empty.root`), "ROOT_NOT_ROOT");
    await expectReject(openRootUrl(`${dir}/missing.root`), "IO_OPEN");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "errors: unknown tree and branch suggest the close name",
  ignore: !hasSharedData(NANO),
  async fn() {
    const file = await openRootUrl(sharedDataPath(NANO));
    try {
      expectCode(
        () => file.entries("Event"),
        "ROOT_UNKNOWN_TREE",
        'did you mean "Events"',
        "nano_dy.root",
      );
      await expectReject(
        file.read("Events", ["Jet_pT"]),
        "ROOT_UNKNOWN_BRANCH",
        'did you mean "Jet_pt"',
        'tree "Events"',
      );
      await expectReject(file.read("Events", ["nonsense_branch_name_xyz"]), "ROOT_UNKNOWN_BRANCH");
    } finally {
      await file.close();
    }
  },
});

Deno.test({
  name: "errors: entry ranges outside the tree are ROOT_BAD_RANGE",
  ignore: !hasSharedData(HZZ),
  async fn() {
    const file = await openRootUrl(sharedDataPath(HZZ));
    try {
      for (const [start, stop] of [[5, 3], [0, 2422], [-1, 4], [1.5, 3]]) {
        await expectReject(
          file.read("events", ["NJet"], { start, stop }),
          "ROOT_BAD_RANGE",
          "events",
        );
      }
    } finally {
      await file.close();
    }
  },
});

Deno.test({
  name: "errors: truncated copies fail with ROOT_TRUNCATED or a clear error",
  ignore: !hasSharedData(HZZ),
  async fn() {
    const bytes = await Deno.readFile(sharedDataPath(HZZ));
    const dir = await Deno.makeTempDir();
    try {
      for (const size of [3, 40, 200, 1000, bytes.length - 5000, bytes.length - 1]) {
        const path = `${dir}/cut_${size}.root`;
        await Deno.writeFile(path, bytes.subarray(0, size));
        await assert.rejects(
          (async () => {
            const file = await openRootUrl(path);
            try {
              const tree = file.tree("events");
              await tree.read(tree.branches().map((b) => b.name));
            } finally {
              await file.close();
            }
          })(),
          (error: unknown) =>
            error instanceof RistrettoError && error.message.includes(`cut_${size}.root`),
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "reader: lists trees, keys with cycles and branches with counters",
  ignore: !hasSharedData(NANO),
  async fn() {
    const file = await openRootUrl(sharedDataPath(NANO));
    try {
      assert.deepEqual(file.trees(), ["Events", "Runs"]);
      assert.deepEqual(file.file.keys.map((k) => `${k.name};${k.cycle}`), ["Events;1", "Runs;1"]);
      assert.equal(file.entries("Events"), 40);
      const branches = file.branches("Events");
      assert.equal(branches.length, 1499);
      assert.equal(branches.find((b) => b.name === "Muon_pt")?.counter, "nMuon");
      assert.ok(!file.file.header.large);
    } finally {
      await file.close();
    }
  },
});

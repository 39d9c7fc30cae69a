import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import type { Jagged } from "@ristretto/core/columns";
import * as zlib from "node:zlib";
import type { ByteRange, ByteSource } from "@ristretto/core/plugin";
import { emptyStats, openRootTrees, openRootUrl } from "./mod.ts";
import { ExactSum } from "./_test_helpers.ts";

/** A ByteSource over bytes in memory. */
function memorySource(bytes: Uint8Array): ByteSource {
  const read = (offset: number, length: number) =>
    Promise.resolve(bytes.slice(offset, offset + length));
  return {
    url: "memory.root",
    size: () => Promise.resolve(bytes.length),
    read,
    readMany: (ranges: readonly ByteRange[]) =>
      Promise.all(ranges.map((r) => read(r.offset, r.length))),
    close: () => Promise.resolve(),
  };
}

/** A ROOT compression block: 9-byte header then the compressed bytes. */
function compressionBlock(magic: string, payload: Uint8Array, uSize: number): Uint8Array {
  const out = new Uint8Array(9 + payload.length);
  out.set([magic.charCodeAt(0), magic.charCodeAt(1), 1]);
  const c = payload.length;
  out.set([c & 0xff, (c >> 8) & 0xff, c >> 16, uSize & 0xff, (uSize >> 8) & 0xff, uSize >> 16], 3);
  out.set(payload, 9);
  return out;
}

function jetPtSum(column: unknown): number {
  const sum = new ExactSum();
  for (const x of (column as Jagged<Float32Array>).content) sum.add(x);
  return sum.value();
}

for (
  const [name, expected] of [["nano_dy.root", 5737.7109375], [
    "NanoAODv5_sample.root",
    468089.6171875,
  ]] as const
) {
  Deno.test({
    name: `features: the sum of Jet_pt in ${name} is ${expected}`,
    ignore: !hasSharedData(`nanoaod/${name}`),
    async fn() {
      const file = await openRootUrl(sharedDataPath(`nanoaod/${name}`));
      const cols = await file.read("Events", ["Jet_pt"]);
      assert.equal(jetPtSum(cols.get("Jet_pt")), expected);
      await file.close();
    },
  });
}

Deno.test({
  name: "features: uncompressed baskets (nano_dy) are read as stored",
  ignore: !hasSharedData("nanoaod/nano_dy.root"),
  async fn() {
    const file = await openRootUrl(sharedDataPath("nanoaod/nano_dy.root"));
    const stats = emptyStats();
    const cols = await file.tree("Events").read(
      ["Generator_x1", "LHE_Njets", "Generator_scalePDF"],
      undefined,
      { stats },
    );
    assert.equal(stats.uncompressedBaskets, 3);
    assert.equal((cols.get("Generator_x1") as Float32Array).length, 40);
    await file.close();
  },
});

Deno.test({
  name: "features: baskets embedded in the TTree (scouting) read fully and by range",
  ignore: !hasSharedData("nanoaod/scouting_nano.root"),
  async fn() {
    const file = await openRootUrl(sharedDataPath("nanoaod/scouting_nano.root"));
    const tree = file.tree("Events");
    const names = ["nGenPart", "GenPart_genPartIdxMother", "GenPart_statusFlags", "run"];
    const stats = emptyStats();
    const full = await tree.read(names, undefined, { stats });
    assert.equal(stats.embeddedBaskets, 4);
    assert.equal(stats.reads, 0);
    const part = await tree.read(names, { start: 7, stop: 23 });
    const fm = full.get("GenPart_genPartIdxMother") as Jagged<Int16Array>;
    const pm = part.get("GenPart_genPartIdxMother") as Jagged<Int16Array>;
    assert.ok(pm.content instanceof Int16Array);
    assert.ok((part.get("GenPart_statusFlags") as Jagged).content instanceof Uint16Array);
    assert.deepEqual(
      Array.from(pm.content),
      Array.from(fm.content.subarray(fm.offsets[7], fm.offsets[23])),
    );
    assert.equal(pm.offsets.length, 17);
    await file.close();
  },
});

Deno.test({
  name: "features: the second tree of a file (Runs) reads too",
  ignore: !hasSharedData("nanoaod/nano_dy.root"),
  async fn() {
    const file = await openRootUrl(sharedDataPath("nanoaod/nano_dy.root"));
    const runs = file.branches("Runs");
    assert.ok(runs.some((b) => b.name === "run"));
    const cols = await file.read("Runs", ["run", "genEventCount_"]);
    assert.equal((cols.get("run") as Uint32Array).length, file.entries("Runs"));
    await file.close();
  },
});

Deno.test({
  name: "features: a basket re-written as several compression blocks (zlib + zstd) decodes",
  ignore: !hasSharedData("nanoaod/uproot-HZZ-zlib.root"),
  async fn() {
    // The test files hold no multi-block basket: make one. MET_px's only basket is
    // decompressed, split in three, re-compressed as ZL, ZS, ZL blocks and appended.
    const path = sharedDataPath("nanoaod/uproot-HZZ-zlib.root");
    const original = await openRootUrl(path);
    const expected = (await original.read("events", ["MET_px"])).get("MET_px") as Float32Array;
    const basket = original.tree("events").baskets("MET_px")[0];
    await original.close();
    const bytes = await Deno.readFile(path);
    const view = new DataView(bytes.buffer);
    const keylen = view.getInt16(basket.seek + 14);
    const objlen = view.getInt32(basket.seek + 6);
    const data = zlib.inflateSync(
      bytes.subarray(basket.seek + keylen + 9, basket.seek + basket.bytes),
    );
    assert.equal(data.length, objlen);
    const cuts = [0, 3000, 6500, objlen];
    const blocks = cuts.slice(1).map((end, k) => {
      const piece = data.subarray(cuts[k], end);
      const z = k === 1 ? zlib.zstdCompressSync(piece) : zlib.deflateSync(piece);
      return compressionBlock(k === 1 ? "ZS" : "ZL", z, piece.length);
    });
    const header = bytes.slice(basket.seek, basket.seek + keylen);
    const newSeek = bytes.length;
    const payloadLength = blocks.reduce((n, b) => n + b.length, 0);
    const hv = new DataView(header.buffer);
    hv.setInt32(0, keylen + payloadLength);
    if (hv.getInt16(4) > 1000) hv.setBigInt64(18, BigInt(newSeek)); // 64-bit key
    else hv.setInt32(18, newSeek);
    const out = new Uint8Array(bytes.length + keylen + payloadLength);
    out.set(bytes);
    out.set(header, newSeek);
    let at = newSeek + keylen;
    for (const b of blocks) {
      out.set(b, at);
      at += b.length;
    }
    new DataView(out.buffer).setInt32(12, out.length); // fEND
    const file = await openRootTrees(memorySource(out));
    const tree = file.tree("events");
    const record = tree.branch("MET_px").record;
    record.basketSeek[0] = newSeek;
    record.basketBytes[0] = keylen + payloadLength;
    const stats = emptyStats();
    const got = (await tree.read(["MET_px"], undefined, { stats })).get("MET_px");
    assert.deepEqual(got, expected);
    assert.deepEqual(stats.blocks, { ZLIB: 2, ZSTD: 1 });
    assert.equal(stats.baskets, 1);
    await file.close();
  },
});

Deno.test({
  name: "features: each read returns fresh arrays (changing one does not change the next read)",
  ignore: !hasSharedData("nanoaod/uproot-HZZ-lz4.root"),
  async fn() {
    const file = await openRootUrl(sharedDataPath("nanoaod/uproot-HZZ-lz4.root"));
    const a = (await file.read("events", ["MET_px"])).get("MET_px") as Float32Array;
    const before = a[0];
    a[0] = 12345;
    const b = (await file.read("events", ["MET_px"])).get("MET_px") as Float32Array;
    assert.equal(b[0], before);
    await file.close();
  },
});

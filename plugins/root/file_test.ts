import assert from "node:assert/strict";
import type { ByteRange, ByteSource } from "@ristretto/core/plugin";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { openRootFile, openRootTrees, openRootUrl, RootFormatError } from "./mod.ts";

const HZZ = "nanoaod/uproot-HZZ-zlib.root";

/** A ByteSource over bytes in memory. */
function memorySource(bytes: Uint8Array, url = "memory.root"): ByteSource {
  const read = (offset: number, length: number) => {
    if (offset < 0 || offset + length > bytes.length) {
      return Promise.reject(new Error("out of range"));
    }
    return Promise.resolve(bytes.slice(offset, offset + length));
  };
  return {
    url,
    size: () => Promise.resolve(bytes.length),
    read,
    readMany: (ranges: readonly ByteRange[]) =>
      Promise.all(ranges.map((r) => read(r.offset, r.length))),
    close: () => Promise.resolve(),
  };
}

class Writer {
  bytes: number[] = [];
  u8(x: number) {
    this.bytes.push(x & 0xff);
  }
  i16(x: number) {
    this.u8(x >> 8);
    this.u8(x);
  }
  i32(x: number) {
    for (let s = 24; s >= 0; s -= 8) this.u8(x >>> s);
  }
  i64(x: number) {
    this.i32(Math.floor(x / 4294967296));
    this.i32(x >>> 0);
  }
  str(s: string) {
    this.u8(s.length);
    for (const c of s) this.u8(c.charCodeAt(0));
  }
  /** A 64-bit TKey header (version 1004). */
  key(
    nbytes: number,
    objlen: number,
    keylen: number,
    cycle: number,
    seek: number,
    cls: string,
    name: string,
  ) {
    this.i32(nbytes);
    this.i16(1004);
    this.i32(objlen);
    this.i32(0);
    this.i16(keylen);
    this.i16(cycle);
    this.i64(seek);
    this.i64(100);
    this.str(cls);
    this.str(name);
    this.str("");
  }
  at(pos: number) {
    while (this.bytes.length < pos) this.u8(0);
  }
}

Deno.test("file: a large-format header (fVersion >= 1000000) uses 64-bit seeks", async () => {
  const keylen = 4 + 2 + 4 + 4 + 2 + 2 + 8 + 8 + 1 + 1 + 1; // with empty strings
  const w = new Writer();
  w.u8(0x72), w.u8(0x6f), w.u8(0x6f), w.u8(0x74);
  w.i32(1061800); // fVersion: large file
  w.i32(100); // fBEGIN
  const endPos = w.bytes.length;
  w.i64(0); // fEND, patched below
  w.i64(0); // fSeekFree
  w.i32(0), w.i32(0); // fNbytesFree, nfree
  w.i32(keylen + 2); // fNbytesName (key + two empty strings)
  w.u8(8); // fUnits
  w.i32(505); // fCompress
  w.i64(0), w.i32(0); // fSeekInfo, fNbytesInfo
  w.at(100);
  w.key(0, 0, keylen, 1, 100, "", ""); // the TFile key
  w.str(""), w.str("");
  // The directory: version > 1000 means 64-bit seeks.
  w.i16(1005), w.i32(0), w.i32(0);
  const keyListKeylen = keylen + "TDirectory".length;
  const noteKeylen = keylen + "TObjString".length + "note".length;
  const nbytesKeys = keyListKeylen + 4 + 2 * noteKeylen;
  w.i32(nbytesKeys), w.i32(keylen + 2);
  w.i64(100), w.i64(0);
  const seekKeys = 400;
  w.i64(seekKeys);
  w.at(seekKeys);
  w.key(nbytesKeys, nbytesKeys - keyListKeylen, keyListKeylen, 1, seekKeys, "TDirectory", "");
  w.i32(2);
  w.key(noteKeylen + 30, 30, noteKeylen, 1, 1000, "TObjString", "note");
  w.key(noteKeylen + 30, 30, noteKeylen, 3, 2000, "TObjString", "note");
  w.at(2100);
  const bytes = Uint8Array.from(w.bytes);
  new DataView(bytes.buffer).setBigInt64(endPos, BigInt(bytes.length));
  const file = await openRootFile(memorySource(bytes));
  assert.ok(file.header.large);
  assert.equal(file.header.compress, 505);
  assert.deepEqual(file.keys.map((k) => [k.name, k.cycle, k.seekKey]), [["note", 1, 1000], [
    "note",
    3,
    2000,
  ]]);
  assert.deepEqual(file.cycles("note").map((k) => k.cycle), [3, 1]);
  const trees = await openRootTrees(memorySource(bytes));
  assert.deepEqual(trees.trees(), []);
});

Deno.test({
  name: "file: an unreadable newest cycle falls back to the older one",
  ignore: !hasSharedData(HZZ),
  async fn() {
    const bytes = await Deno.readFile(sharedDataPath(HZZ));
    const view = new DataView(bytes.buffer);
    const begin = view.getInt32(8);
    const nbytesName = view.getInt32(28);
    const dir = begin + nbytesName;
    const nbytesKeys = view.getInt32(dir + 10);
    const seekKeys = view.getInt32(dir + 26);
    const listKeylen = view.getInt16(seekKeys + 14);
    const nkeys = view.getInt32(seekKeys + listKeylen);
    const firstKey = seekKeys + listKeylen + 4;
    const keyLen = view.getInt16(firstKey + 14);
    const treeSeek = view.getInt32(firstKey + 18);
    const treeBytes = view.getInt32(firstKey);
    // A damaged copy of the TTree record, appended as cycle 2.
    const damaged = bytes.slice(treeSeek, treeSeek + treeBytes);
    for (let i = keyLen + 20; i < damaged.length; i += 13) damaged[i] ^= 0x5a;
    const newKey = bytes.slice(firstKey, firstKey + keyLen);
    const nk = new DataView(newKey.buffer);
    nk.setInt16(16, 2);
    nk.setInt32(18, bytes.length);
    const list = new Uint8Array(nbytesKeys + keyLen);
    list.set(bytes.subarray(seekKeys, seekKeys + nbytesKeys));
    list.set(newKey, nbytesKeys);
    const lv = new DataView(list.buffer);
    lv.setInt32(0, list.length);
    lv.setInt32(6, list.length - listKeylen);
    lv.setInt32(listKeylen, nkeys + 1);
    const out = new Uint8Array(bytes.length + damaged.length + list.length);
    out.set(bytes);
    out.set(damaged, bytes.length);
    out.set(list, bytes.length + damaged.length);
    const ov = new DataView(out.buffer);
    ov.setInt32(12, out.length); // fEND
    ov.setInt32(dir + 10, list.length);
    ov.setInt32(dir + 26, bytes.length + damaged.length);
    const file = await openRootTrees(memorySource(out, "two_cycles.root"));
    assert.deepEqual(file.file.cycles("events").map((k) => k.cycle), [2, 1]);
    assert.equal(file.entries("events"), 2421);
    const cols = await file.read("events", ["NJet"]);
    assert.equal((cols.get("NJet") as Int32Array).reduce((a, b) => a + b, 0), 2773);
    await file.close();
    // With the only good cycle removed, the error names the file and the tree.
    ov.setInt32(bytes.length + damaged.length + listKeylen, 1);
    lv.setInt32(listKeylen, 1);
    out.set(list, bytes.length + damaged.length);
    out.set(newKey, bytes.length + damaged.length + listKeylen + 4);
    const broken = await openRootTrees(memorySource(out, "broken.root"));
    assert.throws(
      () => broken.entries("events"),
      (e: unknown) =>
        e instanceof RootFormatError && e.message.includes("broken.root") &&
        e.message.includes("events"),
    );
  },
});

Deno.test({
  name: "file: keys, header and compression setting of the four codec files",
  ignore: !hasSharedData(HZZ),
  async fn() {
    for (
      const [codec, compress] of [["zlib", 104], ["lzma", 204], ["lz4", 404], [
        "zstd",
        505,
      ]] as const
    ) {
      const file = await openRootUrl(sharedDataPath(`nanoaod/uproot-HZZ-${codec}.root`));
      assert.equal(file.file.header.compress, compress);
      assert.deepEqual(file.trees(), ["events"]);
      assert.equal(file.branches("events").length, 51);
      await file.close();
    }
  },
});

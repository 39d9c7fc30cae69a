/**
 * Compression of ROOT records: the payload is cut into blocks of at most 16 MiB - 1 (the
 * block header stores sizes in 3 bytes), each with a 9-byte header ("ZL"/"ZS"/"L4"/"XZ",
 * method, compressed size, uncompressed size, little-endian) and a zlib stream, zstd frame,
 * xxhash64 + raw LZ4 block, or XZ stream.
 * @module
 */
import * as zlib from "node:zlib";
import { Compressor as XzCompressor, compressSync as xzCompressSync } from "@napi-rs/lzma/xz";
import xxhash from "xxhash-wasm";
import type { Codec } from "./_decompress.ts";

/** ROOT's algorithm number per codec (fCompress = algorithm * 100 + level). */
export const ALGORITHM: Readonly<Record<Codec, number>> = { ZLIB: 1, LZMA: 2, LZ4: 4, ZSTD: 5 };

/** Largest block: ROOT stores block sizes in 3 bytes. */
export const MAX_BLOCK = 0xffffff;
const _HEADER = 9;

type _Hasher = (input: Uint8Array, seed?: bigint) => bigint;
let _h64: _Hasher | undefined;

/** Loads xxhash64 (WebAssembly) used to checksum LZ4 blocks; call before compressing LZ4. */
export async function initCompression(): Promise<void> {
  if (_h64 === undefined) _h64 = (await xxhash()).h64Raw;
}

/** Codec and level of a compression call. */
export interface CompressOptions {
  readonly codec: Codec;
  /** Level (ZLIB 1-9, ZSTD 1-22, LZMA: XZ preset 1-3, or 6 for 4-9; LZ4 has one speed). */
  readonly level: number;
}

/** The compressed bytes of one block's body (no ROOT block header). */
export async function compressBlock(
  input: Uint8Array,
  options: CompressOptions,
): Promise<Uint8Array> {
  const { codec, level } = options;
  switch (codec) {
    case "ZLIB":
      return zlib.deflateSync(input, { level: Math.min(9, Math.max(1, level)) });
    case "ZSTD":
      return zlib.zstdCompressSync(input, {
        params: { [zlib.constants.ZSTD_c_compressionLevel]: level },
      });
    case "LZMA": {
      // compressSync is XZ preset 6 and takes no preset. Presets 6-9 differ only in dictionary
      // size (8-64 MiB), which a block of at most 16 MiB hardly uses, so levels 4-9 get it:
      // the streaming compressor that takes a preset costs 25-200 ms per block here (it sets
      // up the whole dictionary), too much for NanoAOD's thousands of small baskets. Levels
      // 1-3 keep their fast presets through it (~3 ms).
      if (level >= 4) return xzCompressSync(input);
      const xz = new XzCompressor({ preset: Math.max(0, level) });
      const head = new Uint8Array(xz.update(input));
      const tail = await xz.finish();
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return out;
    }
    case "LZ4": {
      if (_h64 === undefined) throw new Error("initCompression() must run before LZ4 output");
      const body = lz4CompressBlock(input);
      const out = new Uint8Array(8 + body.length);
      const sum = _h64(body, 0n);
      new DataView(out.buffer).setBigUint64(0, sum); // big-endian, as ROOT stores it
      out.set(body, 8);
      return out;
    }
  }
}

/**
 * Compresses a record into ROOT compression blocks. Returns the input itself when
 * compression does not make it smaller (ROOT then stores the object raw: readers tell the two
 * apart by comparing the key's sizes), or when level is 0.
 */
export async function compressRecord(
  input: Uint8Array,
  options: CompressOptions,
): Promise<Uint8Array> {
  const { codec, level } = options;
  if (level <= 0 || input.length === 0) return input;
  const parts: Uint8Array[] = [];
  let total = 0;
  const magic = _MAGIC[codec];
  for (let at = 0; at < input.length; at += MAX_BLOCK) {
    const chunk = input.subarray(at, Math.min(input.length, at + MAX_BLOCK));
    const body = await compressBlock(chunk, options);
    if (body.length > MAX_BLOCK) return input;
    const header = new Uint8Array(_HEADER);
    header[0] = magic[0];
    header[1] = magic[1];
    header[2] = magic[2];
    header[3] = body.length & 0xff;
    header[4] = (body.length >> 8) & 0xff;
    header[5] = (body.length >> 16) & 0xff;
    header[6] = chunk.length & 0xff;
    header[7] = (chunk.length >> 8) & 0xff;
    header[8] = (chunk.length >> 16) & 0xff;
    parts.push(header, body);
    total += _HEADER + body.length;
    if (total >= input.length) return input;
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

// Third byte: the method ROOT writes (zlib 8 = deflate; the others as ROOT's own writers put).
const _MAGIC: Readonly<Record<Codec, readonly [number, number, number]>> = {
  ZLIB: [0x5a, 0x4c, 8], // "ZL"
  LZMA: [0x58, 0x5a, 0], // "XZ"
  LZ4: [0x4c, 0x34, 1], // "L4" (LZ4 version byte)
  ZSTD: [0x5a, 0x53, 1], // "ZS"
};

const _MIN_MATCH = 4;
const _HASH_LOG = 16;
// The LZ4 block format: the last 5 bytes are always literals and a match cannot start
// within the last 12 bytes.
const _LAST_LITERALS = 5;
const _MF_LIMIT = 12;
const _MAX_DISTANCE = 65535;

/**
 * Greedy LZ4 block compressor (raw block, no frame): a 64k-entry hash table of 4-byte
 * sequences finds matches; sequences are token, literal length, literals, 2-byte offset,
 * match length, as the block format specifies.
 */
export function lz4CompressBlock(input: Uint8Array): Uint8Array {
  const n = input.length;
  // Worst case: incompressible input grows by 1 byte per 255 plus the token.
  const out = new Uint8Array(n + Math.ceil(n / 255) + 16);
  let op = 0;
  const table = new Int32Array(1 << _HASH_LOG).fill(-1);
  let anchor = 0;
  let ip = 0;
  const limit = n - _MF_LIMIT;
  const dv = new DataView(input.buffer, input.byteOffset, input.byteLength);
  while (ip < limit) {
    const seq = dv.getUint32(ip, true);
    const h = Math.imul(seq, 2654435761) >>> (32 - _HASH_LOG);
    const ref = table[h];
    table[h] = ip;
    if (ref < 0 || ip - ref > _MAX_DISTANCE || dv.getUint32(ref, true) !== seq) {
      ip++;
      continue;
    }
    // Extend the match forward (stopping before the tail that must stay literal).
    let len = _MIN_MATCH;
    const maxLen = n - _LAST_LITERALS - ip;
    while (len < maxLen && input[ref + len] === input[ip + len]) len++;
    op = _sequence(out, op, input, anchor, ip - anchor, ip - ref, len);
    ip += len;
    anchor = ip;
  }
  // Last literals.
  const litLen = n - anchor;
  out[op++] = (litLen >= 15 ? 15 : litLen) << 4;
  if (litLen >= 15) {
    let rest = litLen - 15;
    while (rest >= 255) {
      out[op++] = 255;
      rest -= 255;
    }
    out[op++] = rest;
  }
  out.set(input.subarray(anchor, n), op);
  op += litLen;
  return out.subarray(0, op);
}

function _sequence(
  out: Uint8Array,
  op: number,
  input: Uint8Array,
  litStart: number,
  litLen: number,
  offset: number,
  matchLen: number,
): number {
  const ml = matchLen - _MIN_MATCH;
  out[op++] = ((litLen >= 15 ? 15 : litLen) << 4) | (ml >= 15 ? 15 : ml);
  if (litLen >= 15) {
    let rest = litLen - 15;
    while (rest >= 255) {
      out[op++] = 255;
      rest -= 255;
    }
    out[op++] = rest;
  }
  out.set(input.subarray(litStart, litStart + litLen), op);
  op += litLen;
  out[op++] = offset & 0xff;
  out[op++] = offset >> 8;
  if (ml >= 15) {
    let rest = ml - 15;
    while (rest >= 255) {
      out[op++] = 255;
      rest -= 255;
    }
    out[op++] = rest;
  }
  return op;
}

import * as zlib from "node:zlib";
import { decompressSync as xzDecompress } from "@napi-rs/lzma/xz";
import { decompressLz4Raw } from "hyparquet-compressors";
import xxhash from "xxhash-wasm";
import { rootError } from "./_fail.ts";
import type { RootContext } from "./errors.ts";

type _Hasher = (input: Uint8Array, seed?: bigint) => bigint;
let _h64: _Hasher | undefined;

/**
 * Loads the xxhash64 used to verify LZ4 blocks (a small WebAssembly module). Called once when
 * a file is opened, so block decompression itself stays synchronous.
 */
export async function initChecksums(): Promise<void> {
  if (_h64 === undefined) _h64 = (await xxhash()).h64Raw;
}

/** ROOT's compression algorithms, by the two magic letters of a block header. */
export type Codec = "ZLIB" | "LZMA" | "LZ4" | "ZSTD";

const _HEADER = 9;
const _LZ4_CHECKSUM = 8;

/** Per-codec count of compression blocks seen; filled when a caller passes one. */
export type BlockCounts = Partial<Record<Codec, number>>;

/** Options of decompressRecord. */
export interface DecompressOptions {
  /** Where the record comes from, for error messages. */
  readonly context: RootContext;
  /** Incremented per codec for every block decompressed. */
  readonly counts?: BlockCounts;
}

/**
 * Decompresses one ROOT record (object or basket payload) made of one or more compression
 * blocks into exactly `objlen` bytes. Each block's declared sizes are checked against the
 * payload and the output, and each decompressed block must be exactly as long as declared.
 */
export function decompressRecord(
  payload: Uint8Array,
  objlen: number,
  options: DecompressOptions,
): Uint8Array {
  const { context, counts } = options;
  _checkBlocks(payload, objlen, context);
  let out: Uint8Array | undefined;
  let inPos = 0;
  let outPos = 0;
  while (outPos < objlen) {
    if (inPos + _HEADER > payload.length) {
      throw rootError(
        "ROOT_BAD_COMPRESSION_HEADER",
        "decompress",
        context,
        `payload ends at byte ${payload.length} after ${outPos} of ${objlen} bytes were produced`,
      );
    }
    const a = payload[inPos], b = payload[inPos + 1];
    const cSize = payload[inPos + 3] | (payload[inPos + 4] << 8) | (payload[inPos + 5] << 16);
    const uSize = payload[inPos + 6] | (payload[inPos + 7] << 8) | (payload[inPos + 8] << 16);
    const codec = _codec(a, b);
    if (codec === undefined) {
      throw rootError(
        "ROOT_BAD_COMPRESSION_HEADER",
        "decompress",
        context,
        `unknown compression block header "${String.fromCharCode(a, b)}" (bytes ${a}, ${b}) at ` +
          `payload offset ${inPos}`,
      );
    }
    const start = inPos + _HEADER;
    if (cSize <= 0 || uSize <= 0 || start + cSize > payload.length || outPos + uSize > objlen) {
      throw rootError(
        "ROOT_BAD_COMPRESSION_HEADER",
        "decompress",
        context,
        `${codec} block at payload offset ${inPos} declares ${cSize} -> ${uSize} bytes, which ` +
          `does not fit a ${payload.length}-byte payload / ${objlen}-byte object (at ${outPos})`,
      );
    }
    const block = payload.subarray(start, start + cSize);
    let chunk: Uint8Array;
    try {
      const raw = _decompressBlock(codec, block, uSize);
      // A plain Uint8Array view (node returns Buffers), so callers see one type.
      chunk = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
    } catch (cause) {
      throw rootError(
        "ROOT_BAD_BASKET",
        "decompress",
        context,
        `${codec} block at payload offset ${inPos} is corrupt: ${(cause as Error).message}`,
        cause,
      );
    }
    if (chunk.length !== uSize) {
      throw rootError(
        "ROOT_BAD_BASKET",
        "decompress",
        context,
        `${codec} block at payload offset ${inPos} gave ${chunk.length} bytes, header says ${uSize}`,
      );
    }
    if (counts) counts[codec] = (counts[codec] ?? 0) + 1;
    if (outPos === 0 && uSize === objlen) {
      out = chunk; // the common single-block case: no copy
    } else {
      out ??= new Uint8Array(objlen);
      out.set(chunk, outPos);
    }
    outPos += uSize;
    inPos = start + cSize;
  }
  return out ?? new Uint8Array(0);
}

/**
 * Walks the block headers before any decompression: their sizes must tile the payload exactly
 * and add up to the object length, so a corrupt size never drives a huge allocation.
 */
function _checkBlocks(payload: Uint8Array, objlen: number, context: RootContext): void {
  let inPos = 0;
  let total = 0;
  for (let blocks = 0; inPos < payload.length && blocks < 1 << 20; blocks++) {
    if (inPos + _HEADER > payload.length) break;
    const cSize = payload[inPos + 3] | (payload[inPos + 4] << 8) | (payload[inPos + 5] << 16);
    const uSize = payload[inPos + 6] | (payload[inPos + 7] << 8) | (payload[inPos + 8] << 16);
    if (cSize === 0) break;
    total += uSize;
    inPos += _HEADER + cSize;
  }
  if (inPos !== payload.length || total !== objlen) {
    throw rootError(
      "ROOT_BAD_COMPRESSION_HEADER",
      "decompress",
      context,
      `the compression block headers describe ${inPos} bytes -> ${total} bytes, but the ` +
        `record has ${payload.length} compressed bytes -> ${objlen}`,
    );
  }
}

function _codec(a: number, b: number): Codec | undefined {
  if (a === 0x5a && b === 0x4c) return "ZLIB"; // "ZL"
  if (a === 0x58 && b === 0x5a) return "LZMA"; // "XZ"
  if (a === 0x4c && b === 0x34) return "LZ4"; // "L4"
  if (a === 0x5a && b === 0x53) return "ZSTD"; // "ZS"
  return undefined;
}

function _decompressBlock(codec: Codec, block: Uint8Array, uSize: number): Uint8Array {
  switch (codec) {
    case "ZLIB":
      // maxOutputLength bounds memory on a corrupt stream that would inflate without end.
      // chunkSize = the expected size: one output chunk, no concatenation copy.
      return zlib.inflateSync(block, {
        maxOutputLength: uSize + 1,
        chunkSize: Math.max(64, uSize),
      });
    case "ZSTD":
      return zlib.zstdDecompressSync(block, {
        maxOutputLength: uSize + 1,
        chunkSize: Math.max(64, uSize),
      });
    case "LZMA":
      return xzDecompress(block);
    case "LZ4": {
      if (block.length <= _LZ4_CHECKSUM) throw new Error("LZ4 block shorter than its checksum");
      // ROOT stores xxhash64 (seed 0, big-endian) of the compressed bytes: verifying it is
      // what turns a flipped bit into an error instead of silently wrong values.
      const body = block.subarray(_LZ4_CHECKSUM);
      if (_h64 !== undefined) {
        let stored = 0n;
        for (let i = 0; i < _LZ4_CHECKSUM; i++) stored = (stored << 8n) | BigInt(block[i]);
        if (_h64(body, 0n) !== stored) throw new Error("xxhash64 checksum mismatch");
      }
      return decompressLz4Raw(body, uSize);
    }
  }
}

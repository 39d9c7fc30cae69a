import * as zlib from "node:zlib";
import { snappyCompress } from "hyparquet-writer/src/snappy.js";
import type { NumericArray } from "@ristretto/core/columns";
import { serializeStruct, T, type ThriftStruct, type ThriftValue } from "./_thrift.ts";

/** Parquet enum values (parquet.thrift). */
export const PHYSICAL = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5 } as const;
/** Compression codec ids (parquet.thrift CompressionCodec). */
export const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, ZSTD: 6 } as const;
const ENCODING_PLAIN = 0;
const ENCODING_RLE = 3;
const PAGE_DATA = 0;

/** One column to write: its leaf type, values and (for lists) offsets. */
export interface ColumnSpec {
  readonly name: string;
  readonly physical: keyof typeof PHYSICAL;
  /** ConvertedType id (INT_8 = 15 ...), for narrow and unsigned integers. */
  readonly converted?: number;
  /** INTEGER logical type, for the same. */
  readonly integer?: { readonly bitWidth: number; readonly isSigned: boolean };
  readonly values: NumericArray;
  readonly offsets?: Int32Array;
}

/** Which rows to encode, how, and where the chunk will start in the file. */
export interface EncodeOptions {
  readonly rowStart: number;
  readonly rowStop: number;
  readonly codec: keyof typeof CODEC;
  /** File position of the chunk's first byte (the footer points there). */
  readonly fileOffset: number;
  /** Target values per data page. */
  readonly pageValues: number;
}

/** A column chunk ready to be written at `offset`, and its footer entry. */
export interface EncodedChunk {
  readonly parts: Uint8Array[];
  readonly size: number;
  readonly meta: ThriftValue;
  readonly uncompressedSize: number;
}

function compress(codec: keyof typeof CODEC, bytes: Uint8Array): Uint8Array {
  switch (codec) {
    case "ZSTD":
      return zlib.zstdCompressSync(bytes);
    case "GZIP":
      return zlib.gzipSync(bytes);
    case "SNAPPY":
      return snappyCompress(bytes);
    default:
      return bytes;
  }
}

/**
 * Levels of width 1 as one bit-packed run of the RLE/bit-packed hybrid, with the 4-byte
 * length prefix of a v1 data page. One run keeps the encoder trivial; the page codec squeezes
 * the long runs of 1s anyway.
 */
function packLevels(levels: Uint8Array, count: number): Uint8Array {
  const groups = Math.ceil(count / 8);
  let header = groups * 2 + 1;
  const headerBytes: number[] = [];
  while (header >= 0x80) {
    headerBytes.push((header & 0x7f) | 0x80);
    header = Math.floor(header / 128);
  }
  headerBytes.push(header);
  const length = headerBytes.length + groups;
  const out = new Uint8Array(4 + length);
  new DataView(out.buffer).setUint32(0, length, true);
  out.set(headerBytes, 4);
  packBits(levels, count, out, 4 + headerBytes.length);
  return out;
}

/** LSB-first bit packing of 0/non-0 bytes (booleans, width-1 levels). */
function packBits(bits: Uint8Array, count: number, out: Uint8Array, at: number): void {
  for (let i = 0; i < count; i += 8) {
    let byte = 0;
    const end = Math.min(8, count - i);
    for (let j = 0; j < end; j++) if (bits[i + j] !== 0) byte |= 1 << j;
    out[at + (i >> 3)] = byte;
  }
}

/** PLAIN bytes of values [from, to): a copy of the little-endian memory, bits for booleans. */
function plainBytes(spec: ColumnSpec, from: number, to: number): Uint8Array {
  const values = spec.values;
  if (spec.physical === "BOOLEAN") {
    const out = new Uint8Array(Math.ceil((to - from) / 8));
    packBits((values as Uint8Array).subarray(from, to), to - from, out, 0);
    return out;
  }
  if (values.BYTES_PER_ELEMENT < 4) {
    // int8/int16/uint16 are stored as INT32.
    const wide = new Int32Array(to - from);
    wide.set(values.subarray(from, to) as Int16Array);
    return new Uint8Array(wide.buffer);
  }
  const width = values.BYTES_PER_ELEMENT;
  return new Uint8Array(values.buffer, values.byteOffset + from * width, (to - from) * width);
}

/** Statistics of values [from, to): null_count 0, min/max as PLAIN bytes (NaN skipped). */
function statistics(spec: ColumnSpec, from: number, to: number): ThriftValue {
  const values = spec.values;
  let min: number | bigint | undefined;
  let max: number | bigint | undefined;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (min === undefined || v < min) min = v;
      if (max === undefined || v > max) max = v;
    }
  } else {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo <= hi) {
      // The spec wants -0 as a minimum zero and +0 as a maximum zero.
      min = lo === 0 ? -0 : lo;
      max = hi === 0 ? 0 : hi;
    }
  }
  const stats: { [id: number]: ThriftValue } = { 3: T.i64(0) };
  if (min !== undefined && max !== undefined) {
    stats[5] = T.binary(scalarBytes(spec, max));
    stats[6] = T.binary(scalarBytes(spec, min));
  }
  return T.struct(stats);
}

function scalarBytes(spec: ColumnSpec, value: number | bigint): Uint8Array {
  const view = new DataView(new ArrayBuffer(8));
  switch (spec.physical) {
    case "BOOLEAN":
      return Uint8Array.of(Number(value) ? 1 : 0);
    case "INT32":
      view.setInt32(0, Number(value) | 0, true);
      return new Uint8Array(view.buffer, 0, 4);
    case "INT64":
      view.setBigUint64(0, BigInt.asUintN(64, value as bigint), true);
      return new Uint8Array(view.buffer, 0, 8);
    case "FLOAT":
      view.setFloat32(0, Number(value), true);
      return new Uint8Array(view.buffer, 0, 4);
    default:
      view.setFloat64(0, Number(value), true);
      return new Uint8Array(view.buffer, 0, 8);
  }
}

/**
 * Encodes rows [rowStart, rowStop) of a column as one column chunk of v1 data pages (PLAIN
 * values, RLE levels), pages cut at row boundaries every ~`pageValues` values.
 */
export function encodeChunk(spec: ColumnSpec, options: EncodeOptions): EncodedChunk {
  const { rowStart, rowStop, codec, fileOffset, pageValues } = options;
  const parts: Uint8Array[] = [];
  let size = 0;
  let uncompressedSize = 0;
  let levelCount = 0;
  const offsets = spec.offsets;
  let row = rowStart;
  while (row < rowStop) {
    let pageStop = row;
    if (offsets === undefined) pageStop = Math.min(rowStop, row + pageValues);
    else {
      const limit = offsets[row] + pageValues;
      pageStop = row + 1;
      while (pageStop < rowStop && offsets[pageStop + 1] <= limit) pageStop++;
      pageStop = Math.min(pageStop, rowStop);
    }
    const from = offsets === undefined ? row : offsets[row];
    const to = offsets === undefined ? pageStop : offsets[pageStop];
    const pieces: Uint8Array[] = [];
    let levels = pageStop - row;
    if (offsets !== undefined) {
      // One level per value, plus one (def 0) per empty list; rep 0 opens each row.
      levels = 0;
      for (let r = row; r < pageStop; r++) levels += Math.max(1, offsets[r + 1] - offsets[r]);
      const rep = new Uint8Array(levels);
      const def = new Uint8Array(levels);
      let at = 0;
      for (let r = row; r < pageStop; r++) {
        const count = offsets[r + 1] - offsets[r];
        if (count === 0) {
          at++; // rep 0, def 0: an empty list
          continue;
        }
        def.fill(1, at, at + count);
        rep.fill(1, at + 1, at + count);
        at += count;
      }
      pieces.push(packLevels(rep, levels), packLevels(def, levels));
    }
    pieces.push(plainBytes(spec, from, to));
    const bodySize = pieces.reduce((sum, piece) => sum + piece.length, 0);
    const body = new Uint8Array(bodySize);
    let at = 0;
    for (const piece of pieces) {
      body.set(piece, at);
      at += piece.length;
    }
    const stored = compress(codec, body);
    const header = serializeStruct({
      1: T.i32(PAGE_DATA),
      2: T.i32(bodySize),
      3: T.i32(stored.length),
      5: T.struct({
        1: T.i32(levels),
        2: T.i32(ENCODING_PLAIN),
        3: T.i32(ENCODING_RLE),
        4: T.i32(ENCODING_RLE),
      }),
    });
    parts.push(header, stored);
    size += header.length + stored.length;
    uncompressedSize += header.length + bodySize;
    levelCount += levels;
    row = pageStop;
  }
  const valueFrom = offsets === undefined ? rowStart : offsets[rowStart];
  const valueTo = offsets === undefined ? rowStop : offsets[rowStop];
  const meta: ThriftStruct = {
    1: T.i32(PHYSICAL[spec.physical]),
    2: T.list("i32", [T.i32(ENCODING_PLAIN), T.i32(ENCODING_RLE)]),
    3: T.list(
      "binary",
      (offsets === undefined ? [spec.name] : [spec.name, "list", "item"]).map(T.string),
    ),
    4: T.i32(CODEC[codec]),
    5: T.i64(levelCount),
    6: T.i64(uncompressedSize),
    7: T.i64(size),
    9: T.i64(fileOffset),
    12: statistics(spec, valueFrom, valueTo),
  };
  return {
    parts,
    size,
    uncompressedSize,
    meta: T.struct({ 2: T.i64(fileOffset), 3: T.struct(meta) }),
  };
}

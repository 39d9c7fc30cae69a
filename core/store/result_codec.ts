/**
 * The stored form of a work item's result: a small uncompressed JSON header (what `cache ls`
 * shows without decoding), then a compressed body holding a JSON skeleton and the raw bytes of
 * every typed array and histogram storage. Raw bytes keep results bit-exact (NaN, -0, float32
 * columns stay what they were), and histograms of mostly zeros compress to almost nothing.
 *
 * ```
 * "RRES" version:u8 codec:u8 0:u16 | headerLength:u32 header(JSON) | body (codec-compressed):
 *   skeletonLength:u32 skeleton(JSON) pad-to-8 | blobs, each aligned to 8 bytes
 * ```
 * @module
 */
import { constants, gunzipSync, gzipSync, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { Hist, STORAGE_FIELDS, type StorageType } from "../hist/hist.ts";
import { histFromUHI, histToUHI } from "../hist/uhi.ts";
import type { Metadata, WriterInfo } from "../hist/axes.ts";

const MAGIC = [0x52, 0x52, 0x45, 0x53]; // "RRES"
const VERSION = 1;
/** Skeleton tags: a key no config or dataset name contains. */
const TAG = "\u0000r";

/** Compression of the body. `zstd` is the default: as small as gzip, several times faster. */
export type ResultCodec = "none" | "gzip" | "zstd";
const CODECS: readonly ResultCodec[] = ["none", "gzip", "zstd"];

type TypedArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;
const ARRAY_TYPES: Record<string, new (buffer: ArrayBuffer) => TypedArray> = {
  Float64Array,
  Float32Array,
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
};

/**
 * Encodes a value made of plain objects, arrays, numbers, strings, booleans, typed arrays and
 * histograms. `header` is stored uncompressed and read back by {@link readResultHeader}.
 *
 * @example
 * ```ts
 * import { decodeResult, encodeResult } from "./result_codec.ts";
 * const bytes = encodeResult({ x: new Float32Array([1.5, NaN]), n: -0 }, { key: "a" });
 * const back = decodeResult(bytes) as { x: Float32Array; n: number };
 * if (!(back.x instanceof Float32Array) || !Number.isNaN(back.x[1]) || !Object.is(back.n, -0)) {
 *   throw new Error();
 * }
 * ```
 */
export function encodeResult(
  value: unknown,
  header: Record<string, unknown> = {},
  options: { codec?: ResultCodec } = {},
): Uint8Array {
  const codec = options.codec ?? "zstd";
  const blobs: Uint8Array[] = [];
  let blobBytes = 0;
  const addBlob = (array: TypedArray): [number, number] => {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    const offset = blobBytes;
    blobs.push(bytes);
    blobBytes += align8(bytes.byteLength);
    return [offset, array.length];
  };
  const skeleton = (node: unknown): unknown => {
    if (typeof node === "number") {
      if (Number.isFinite(node) && !Object.is(node, -0)) return node;
      return { [TAG]: "n", v: Object.is(node, -0) ? "-0" : String(node) };
    }
    if (node === null || typeof node === "string" || typeof node === "boolean") return node;
    if (node === undefined) return undefined;
    if (Array.isArray(node)) return node.map((x) => skeleton(x) ?? null);
    if (ArrayBuffer.isView(node)) {
      const array = node as TypedArray;
      const type = array.constructor.name;
      if (!(type in ARRAY_TYPES)) throw new TypeError(`Cannot encode a ${type}`);
      return { [TAG]: "a", t: type, b: addBlob(array) };
    }
    if (node instanceof Hist) {
      const empty = new Hist(node.axes, {
        storage: node.storage,
        metadata: node.metadata,
        writerInfo: node.writerInfo,
      });
      const arrays: Record<string, [number, number]> = {};
      for (const field of STORAGE_FIELDS[node.storage]) {
        arrays[field] = addBlob(node.storageArray(field));
      }
      return {
        [TAG]: "h",
        u: skeleton(histToUHI(empty, { layout: "empty" })),
        l: node.uhiLayout,
        f: arrays,
      };
    }
    if (typeof node === "object") {
      const proto = Object.getPrototypeOf(node);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`Cannot encode an instance of ${proto?.constructor?.name}`);
      }
      const out: Record<string, unknown> = {};
      for (const [key, member] of Object.entries(node)) {
        const encoded = skeleton(member);
        if (encoded !== undefined) out[key] = encoded;
      }
      return out;
    }
    throw new TypeError(`Cannot encode a ${typeof node}`);
  };
  const skeletonBytes = new TextEncoder().encode(JSON.stringify(skeleton(value)));
  const skeletonEnd = align8(4 + skeletonBytes.byteLength);
  const body = new Uint8Array(skeletonEnd + blobBytes);
  new DataView(body.buffer).setUint32(0, skeletonBytes.byteLength, true);
  body.set(skeletonBytes, 4);
  let offset = skeletonEnd;
  for (const blob of blobs) {
    body.set(blob, offset);
    offset += align8(blob.byteLength);
  }
  const compressed = codec === "gzip"
    ? gzipSync(body, { level: 6 })
    : codec === "zstd"
    ? zstdCompressSync(body, { params: { [constants.ZSTD_c_compressionLevel]: 3 } })
    : body;
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + headerBytes.byteLength + compressed.byteLength);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  out[5] = CODECS.indexOf(codec);
  new DataView(out.buffer).setUint32(8, headerBytes.byteLength, true);
  out.set(headerBytes, 12);
  out.set(compressed, 12 + headerBytes.byteLength);
  return out;
}

/** The uncompressed header of an encoded result (cheap: the body is not touched). */
export function readResultHeader(bytes: Uint8Array): Record<string, unknown> {
  const length = checkContainer(bytes);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
}

/** Inverse of {@link encodeResult}: typed arrays come back with their own buffers. */
export function decodeResult(bytes: Uint8Array): unknown {
  const headerLength = checkContainer(bytes);
  const codec = CODECS[bytes[5]];
  const compressed = bytes.subarray(12 + headerLength);
  const body: Uint8Array = codec === "gzip"
    ? gunzipSync(compressed)
    : codec === "zstd"
    ? zstdDecompressSync(compressed)
    : compressed;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const skeletonLength = view.getUint32(0, true);
  const skeleton = JSON.parse(new TextDecoder().decode(body.subarray(4, 4 + skeletonLength)));
  const blobStart = align8(4 + skeletonLength);
  const blob = (type: string, [offset, length]: [number, number]): TypedArray => {
    const Type = ARRAY_TYPES[type];
    if (!Type) throw new RangeError(`Cannot decode a stored result: unknown array type ${type}`);
    const bytesPer = (Type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    const start = body.byteOffset + blobStart + offset;
    return new Type(body.buffer.slice(start, start + length * bytesPer) as ArrayBuffer);
  };
  const revive = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(revive);
    if (node === null || typeof node !== "object") return node;
    const object = node as Record<string, unknown>;
    switch (object[TAG]) {
      case "n":
        return object.v === "-0" ? -0 : Number(object.v);
      case "a":
        return blob(object.t as string, object.b as [number, number]);
      case "h": {
        const empty = histFromUHI(revive(object.u));
        const arrays: Record<string, Float64Array> = {};
        for (const [field, ref] of Object.entries(object.f as Record<string, [number, number]>)) {
          arrays[field] = blob("Float64Array", ref) as Float64Array;
        }
        const hist = Hist.fromArrays(empty.axes, {
          storage: empty.storage as StorageType,
          metadata: empty.metadata as Metadata | undefined,
          writerInfo: empty.writerInfo as WriterInfo | undefined,
          arrays,
        });
        hist.uhiLayout = object.l as Hist["uhiLayout"];
        return hist;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(object)) out[key] = revive(member);
    return out;
  };
  return revive(skeleton);
}

function checkContainer(bytes: Uint8Array): number {
  if (bytes.byteLength < 12 || MAGIC.some((b, i) => bytes[i] !== b) || bytes[4] !== VERSION) {
    throw new RangeError("Cannot decode a stored result: not a Ristretto result (RRES v1)");
  }
  if (CODECS[bytes[5]] === undefined) {
    throw new RangeError(`Cannot decode a stored result: unknown codec ${bytes[5]}`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

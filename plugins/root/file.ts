import type { ByteSource } from "@ristretto/core/plugin";
import { RistrettoError } from "@ristretto/core/errors";
import { Cursor } from "./_cursor.ts";
import { type BlockCounts, decompressRecord, initChecksums } from "./_decompress.ts";
import { type KeyHeader, readKeyHeader } from "./_keys.ts";
import { rootError } from "./_fail.ts";
import type { RootContext } from "./errors.ts";

/** The TFile header fields that locate everything else. */
export interface FileHeader {
  /** fVersion; >= 1000000 means 64-bit seek pointers. */
  readonly version: number;
  /** fBEGIN: offset of the first record (the TFile key). */
  readonly begin: number;
  /** fEND: the file size the header promises. */
  readonly end: number;
  /** Offset of the TStreamerInfo list record. */
  readonly seekInfo: number;
  /** Size of the TStreamerInfo list record. */
  readonly nbytesInfo: number;
  /** fCompress: algorithm * 100 + level. */
  readonly compress: number;
  /** True for 64-bit seek pointers. */
  readonly large: boolean;
}

/** A key of the top directory: an object's name, cycle, class and location. */
export interface RootKey extends KeyHeader {}

/** An object read through its key: the uncompressed bytes and the key length (ROOT's buffer origin). */
export interface RootRecord {
  /** The key header in front of the object. */
  readonly key: KeyHeader;
  /** The object's bytes, uncompressed. */
  readonly data: Uint8Array;
  /** Bytes of key header before the object: object references count from the key start. */
  readonly origin: number;
}

/** Largest object (TTree metadata, basket) this reader accepts, to fail fast on corrupt sizes. */
const _MAX_RECORD = 1 << 30;

/**
 * An open ROOT file: header, top-directory keys, and object reads with decompression. The
 * layer under trees; it knows nothing of branches.
 */
export class RootFile {
  /** Path or URL of the file. */
  readonly url: string;
  /** Where the bytes come from. */
  readonly source: ByteSource;
  /** File size in bytes. */
  readonly size: number;
  /** The TFile header. */
  readonly header: FileHeader;
  /** Keys of the top directory, in file order. */
  readonly keys: readonly RootKey[];

  /** Use openRootFile rather than this constructor. */
  constructor(source: ByteSource, size: number, header: FileHeader, keys: RootKey[]) {
    this.url = source.url;
    this.source = source;
    this.size = size;
    this.header = header;
    this.keys = keys;
  }

  /** Keys called `name`, newest cycle first (older cycles are fallbacks). */
  cycles(name: string): RootKey[] {
    return this.keys.filter((k) => k.name === name).sort((a, b) => b.cycle - a.cycle);
  }

  /** Fails unless [offset, offset + length) lies inside the file. */
  checkRange(offset: number, length: number, context: RootContext): void {
    if (
      !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 ||
      length < 0 || offset + length > this.size
    ) {
      throw rootError(
        "ROOT_TRUNCATED",
        "read",
        context,
        `bytes [${offset}, ${offset + length}) lie outside the ${this.size}-byte file`,
      );
    }
  }

  /** Reads bytes, turning I/O short reads into ROOT_TRUNCATED with context. */
  async readBytes(offset: number, length: number, context: RootContext): Promise<Uint8Array> {
    this.checkRange(offset, length, context);
    try {
      return await this.source.read(offset, length);
    } catch (cause) {
      if (cause instanceof RistrettoError) {
        throw rootError("ROOT_TRUNCATED", "read", context, cause.message, cause);
      }
      throw cause;
    }
  }

  /** Reads and decompresses the object a key points to. */
  async readRecord(
    key: KeyHeader,
    context: RootContext,
    options: { readonly counts?: BlockCounts } = {},
  ): Promise<RootRecord> {
    if (key.nbytes > _MAX_RECORD || key.objlen > _MAX_RECORD) {
      throw rootError(
        "ROOT_BAD_OBJECT",
        "read",
        context,
        `implausible key sizes ${key.nbytes}/${key.objlen}`,
      );
    }
    const bytes = await this.readBytes(key.seekKey, key.nbytes, context);
    return parseRecord(bytes, context, options);
  }
}

/** Splits a key + payload into the header and the decompressed object. */
export function parseRecord(
  bytes: Uint8Array,
  context: RootContext,
  options: { readonly counts?: BlockCounts } = {},
): RootRecord {
  const counts = options.counts;
  const cursor = new Cursor(bytes, context);
  const key = readKeyHeader(cursor);
  if (key.nbytes !== bytes.length) {
    throw rootError(
      "ROOT_BAD_OBJECT",
      "read",
      context,
      `the key says ${key.nbytes} bytes but the directory or branch says ${bytes.length}`,
    );
  }
  if (key.objlen > _MAX_RECORD) {
    throw rootError("ROOT_BAD_OBJECT", "read", context, `implausible object length ${key.objlen}`);
  }
  const payload = bytes.subarray(key.keylen);
  const data = payload.length === key.objlen
    ? payload
    : decompressRecord(payload, key.objlen, { context, counts });
  return { key, data, origin: key.keylen };
}

/** Options of openRootFile. */
export interface OpenRootFileOptions {
  /** Bytes read at once for the header (default 512). */
  readonly headerBytes?: number;
}

/**
 * Opens a ROOT file on a byte source: reads the header, the top directory and its keys.
 *
 * @example
 * ```ts ignore
 * const file = await openRootFile(await openLocalFile("nano_dy.root"));
 * file.keys.map((k) => `${k.name};${k.cycle}`); // ["Events;1", "Runs;1"]
 * ```
 */
export async function openRootFile(
  source: ByteSource,
  options: OpenRootFileOptions = {},
): Promise<RootFile> {
  await initChecksums();
  const context: RootContext = { file: source.url, object: "file header" };
  const size = await source.size();
  const first = await source.read(0, Math.min(size, options.headerBytes ?? 512));
  if (
    first.length < 4 || first[0] !== 0x72 || first[1] !== 0x6f || first[2] !== 0x6f ||
    first[3] !== 0x74
  ) {
    throw rootError("ROOT_NOT_ROOT", "open", context, `it does not start with the "root" magic`);
  }
  const c = new Cursor(first, context, 4);
  const version = c.i32();
  const begin = c.i32();
  const large = version >= 1000000;
  const end = large ? c.i64() : c.i32();
  large ? c.i64() : c.i32(); // fSeekFree
  c.skip(4 + 4); // fNbytesFree, nfree
  const nbytesName = c.i32();
  c.skip(1); // fUnits
  const compress = c.i32();
  const seekInfo = large ? c.i64() : c.i32();
  const nbytesInfo = c.i32();
  const header: FileHeader = { version, begin, end, seekInfo, nbytesInfo, compress, large };
  if (begin <= 0 || begin > size || nbytesName <= 0 || nbytesName > 1 << 20) {
    throw rootError(
      "ROOT_NOT_ROOT",
      "open",
      context,
      `implausible header (fBEGIN ${begin}, fNbytesName ${nbytesName})`,
    );
  }
  if (end > size) {
    // A copy cut short (interrupted transfer): say so up front rather than at some basket.
    throw rootError(
      "ROOT_TRUNCATED",
      "open",
      context,
      `the file has ${size} bytes but its header says it ends at ${end}; it is truncated`,
    );
  }
  const file = new RootFile(source, size, header, []);
  // The top directory record follows the TFile key and its name/title at fBEGIN + fNbytesName.
  const dirContext = { file: source.url, object: "top directory" };
  const dirStart = begin + nbytesName;
  const dirBytes = await file.readBytes(dirStart, Math.min(size - dirStart, 64), dirContext);
  const d = new Cursor(dirBytes, dirContext);
  const dirVersion = d.i16();
  d.skip(8); // fDatimeC, fDatimeM
  const nbytesKeys = d.i32();
  d.skip(4); // fNbytesName
  const dirLarge = dirVersion > 1000;
  dirLarge ? d.i64() : d.i32(); // fSeekDir
  dirLarge ? d.i64() : d.i32(); // fSeekParent
  const seekKeys = dirLarge ? d.i64() : d.i32();
  const keysContext = { file: source.url, object: "key list" };
  const keyBytes = await file.readBytes(seekKeys, nbytesKeys, keysContext);
  const k = new Cursor(keyBytes, keysContext);
  readKeyHeader(k);
  const nkeys = k.i32();
  if (nkeys < 0 || nkeys > keyBytes.length / 30) {
    throw rootError("ROOT_BAD_OBJECT", "read", keysContext, `implausible number of keys ${nkeys}`);
  }
  const keys: RootKey[] = [];
  for (let i = 0; i < nkeys; i++) keys.push(readKeyHeader(k));
  return new RootFile(source, size, header, keys);
}

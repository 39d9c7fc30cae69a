/**
 * The file layer of the writer: header, TFile key and top directory at fBEGIN, records
 * appended as they come (never the whole file in memory), and at close the streamer list,
 * key lists, the free-segment list and the rewritten header. Written to a temporary file
 * renamed over the target on close, so a reader never sees half a file.
 * @module
 */
import { basename, dirname } from "node:path";
import type { Codec } from "./_decompress.ts";
import { ALGORITHM, compressRecord, initCompression } from "./_compress.ts";
import { writeStreamerList } from "./_streamers.ts";
import { WBuffer } from "./_wbuffer.ts";

const _BEGIN = 100;
/** ROOT switches a key to 64-bit seeks beyond this offset (kStartBigFile). */
const _BIG = 2000000000;
/** ROOT version recorded in the header (6.30/00). */
const _ROOT_VERSION = 63000;
/** Room kept for a directory record: the 64-bit layout (a 32-bit one is padded to it). */
const _DIR_RECORD = 2 + 4 + 4 + 4 + 4 + 8 + 8 + 8 + 18;

/** A key as listed in its directory. */
export interface KeyInfo {
  readonly className: string;
  readonly name: string;
  readonly title: string;
  readonly cycle: number;
  readonly seek: number;
  readonly nbytes: number;
  readonly objlen: number;
  readonly keylen: number;
  readonly seekPdir: number;
}

/** A directory: the top one (seek fBEGIN) or a subdirectory with a reserved record. */
export interface DirState {
  readonly name: string;
  readonly seek: number;
  readonly parentSeek: number;
  readonly keys: KeyInfo[];
  readonly children: Map<string, DirState>;
  /** For subdirectories: the key header reserved at `seek` (rewritten on close). */
  keylen: number;
}

/** A TDatime word (years since 1995, month, day, hour, minute, second bit fields) of now. */
export function datime(d = new Date()): number {
  return (((d.getUTCFullYear() - 1995) << 26) | ((d.getUTCMonth() + 1) << 22) |
    (d.getUTCDate() << 17) | (d.getUTCHours() << 12) | (d.getUTCMinutes() << 6) |
    d.getUTCSeconds()) >>> 0;
}

/** Bytes of a TKey header with these strings. */
export function keyHeaderLength(className: string, name: string, title: string, big: boolean) {
  const s = (x: string) => {
    const n = new TextEncoder().encode(x).length;
    return n < 255 ? 1 + n : 5 + n;
  };
  return 18 + (big ? 16 : 8) + s(className) + s(name) + s(title);
}

/** Writes a TKey header. */
export function writeKeyHeader(b: WBuffer, k: KeyInfo, date: number, large = _BIG): void {
  const big = k.seek > large || k.seekPdir > large;
  b.i32(k.nbytes);
  b.i16(big ? 1004 : 4);
  b.i32(k.objlen);
  b.u32(date);
  b.i16(k.keylen);
  b.i16(k.cycle);
  if (big) {
    b.i64(k.seek);
    b.i64(k.seekPdir);
  } else {
    b.i32(k.seek);
    b.i32(k.seekPdir);
  }
  b.string(k.className);
  b.string(k.name);
  b.string(k.title);
}

/** Options of FileSink. */
export interface SinkOptions {
  readonly codec: Codec;
  readonly level: number;
  /** Offset from which 64-bit seeks are used (default ROOT's 2e9; lowered by tests). */
  readonly largeFrom?: number;
}

/** The output file: appends records, keeps directories, finishes the layout on close. */
export class FileSink {
  readonly path: string;
  readonly codec: Codec;
  readonly level: number;
  readonly top: DirState;
  readonly date = datime();
  readonly #tmp: string;
  readonly #file: Deno.FsFile;
  #end: number;
  #closed = false;
  readonly #large: number;
  #topList = { seek: 0, nbytes: 0 };
  readonly #fileName: string;

  private constructor(path: string, tmp: string, file: Deno.FsFile, options: SinkOptions) {
    this.path = path;
    this.#tmp = tmp;
    this.#file = file;
    this.codec = options.codec;
    this.level = options.level;
    this.#large = options.largeFrom ?? _BIG;
    this.#fileName = basename(path);
    const keylen = keyHeaderLength("TFile", this.#fileName, "", false);
    this.top = {
      name: this.#fileName,
      seek: _BEGIN,
      parentSeek: 0,
      keys: [],
      children: new Map(),
      keylen,
    };
    // TFile key + its name/title + the directory record come first; written on close.
    this.#end = _BEGIN + this.#nbytesName() + _DIR_RECORD;
  }

  /** Opens a temporary file next to `path` (renamed to it on close). */
  static async create(path: string, options: SinkOptions): Promise<FileSink> {
    await initCompression();
    await Deno.mkdir(dirname(path) || ".", { recursive: true });
    const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
    const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    return new FileSink(path, tmp, file, options);
  }

  /** fCompress: algorithm * 100 + level. */
  get compress(): number {
    return this.level <= 0 ? 0 : ALGORITHM[this.codec] * 100 + this.level;
  }

  /** Current end of the file: where the next record goes. */
  get end(): number {
    return this.#end;
  }

  #nbytesName(): number {
    return this.top.keylen + 2 * 1 + new TextEncoder().encode(this.#fileName).length;
  }

  async #writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    await this.#file.seek(offset, Deno.SeekMode.Start);
    let done = 0;
    while (done < bytes.length) done += await this.#file.write(bytes.subarray(done));
  }

  /**
   * Appends a keyed record: key header, `extra` header bytes that belong to the key (a
   * TBasket's), then the payload compressed with the file's codec when that makes it smaller.
   * `build` may serialise the object knowing its key length (object references count from it).
   */
  async append(
    head: { className: string; name: string; title: string; dir: DirState; list?: boolean },
    build: (keylen: number) => Uint8Array,
    extra?: (keylen: number, objlen: number, nbytes: number) => Uint8Array,
  ): Promise<KeyInfo> {
    const seek = this.#end;
    const big = seek > this.#large || head.dir.seek > this.#large;
    const base = keyHeaderLength(head.className, head.name, head.title, big);
    // The extra header has a fixed length: a dry run gives it before the sizes are known.
    const extraLength = extra ? extra(0, 0, 0).length : 0;
    const keylen = base + extraLength;
    const object = build(keylen);
    const payload = await compressRecord(object, { codec: this.codec, level: this.level });
    const cycle = head.list === false
      ? 1
      : 1 + head.dir.keys.filter((k) => k.name === head.name).length;
    const key: KeyInfo = {
      className: head.className,
      name: head.name,
      title: head.title,
      cycle,
      seek,
      nbytes: keylen + payload.length,
      objlen: object.length,
      keylen,
      seekPdir: head.dir.seek,
    };
    const b = new WBuffer(keylen);
    writeKeyHeader(b, key, this.date, this.#large);
    if (extra) b.raw(extra(keylen, object.length, key.nbytes));
    await this.#writeAt(seek, b.result());
    await this.#writeAt(seek + keylen, payload);
    this.#end = seek + key.nbytes;
    if (head.list !== false) head.dir.keys.push(key);
    return key;
  }

  /** A subdirectory of `parent` (created on first use; its record is reserved now). */
  mkdir(parent: DirState, name: string): DirState {
    const existing = parent.children.get(name);
    if (existing) return existing;
    const seek = this.#end;
    const keylen = keyHeaderLength("TDirectory", name, name, seek > this.#large);
    const dir: DirState = {
      name,
      seek,
      parentSeek: parent.seek,
      keys: [],
      children: new Map(),
      keylen,
    };
    this.#end += keylen + _DIR_RECORD;
    parent.children.set(name, dir);
    parent.keys.push({
      className: "TDirectory",
      name,
      title: name,
      cycle: 1,
      seek,
      nbytes: keylen + _DIR_RECORD,
      objlen: _DIR_RECORD,
      keylen,
      seekPdir: parent.seek,
    });
    return dir;
  }

  /** The directory at a slash-separated path under the top one. */
  dirAt(path: readonly string[]): DirState {
    let dir = this.top;
    for (const part of path) dir = this.mkdir(dir, part);
    return dir;
  }

  #dirRecord(dir: DirState, nbytesKeys: number, seekKeys: number, nbytesName: number) {
    const big = dir.seek > this.#large || dir.parentSeek > this.#large || seekKeys > this.#large;
    const b = new WBuffer(_DIR_RECORD);
    b.i16(big ? 1005 : 5);
    b.u32(this.date);
    b.u32(this.date);
    b.i32(nbytesKeys);
    b.i32(nbytesName);
    const seek = (v: number) => big ? b.i64(v) : b.i32(v);
    seek(dir.seek);
    seek(dir.parentSeek);
    seek(seekKeys);
    b.u16(1); // TUUID version
    b.raw(_uuid(dir.seek));
    while (b.pos < _DIR_RECORD) b.u8(0);
    return b.result();
  }

  /** Writes a directory's key list, then its record; children first. */
  async #finishDir(dir: DirState, isTop: boolean): Promise<void> {
    for (const child of dir.children.values()) await this.#finishDir(child, false);
    const seekKeys = this.#end;
    const className = isTop ? "TFile" : "TDirectory";
    const title = isTop ? "" : dir.name;
    const keylen = keyHeaderLength(className, dir.name, title, seekKeys > this.#large);
    const body = new WBuffer(1024);
    body.i32(dir.keys.length);
    for (const k of dir.keys) writeKeyHeader(body, k, this.date, this.#large);
    const listKey: KeyInfo = {
      className,
      name: dir.name,
      title,
      cycle: 1,
      seek: seekKeys,
      nbytes: keylen + body.pos,
      objlen: body.pos,
      keylen,
      seekPdir: dir.seek,
    };
    const b = new WBuffer(listKey.nbytes);
    writeKeyHeader(b, listKey, this.date, this.#large);
    b.raw(body.result());
    await this.#writeAt(seekKeys, b.result());
    this.#end += listKey.nbytes;
    if (isTop) {
      // The top directory's record is written with the header.
      this.#topList = { seek: seekKeys, nbytes: listKey.nbytes };
      return;
    }
    const head = new WBuffer(dir.keylen + _DIR_RECORD);
    writeKeyHeader(
      head,
      {
        className: "TDirectory",
        name: dir.name,
        title: dir.name,
        cycle: 1,
        seek: dir.seek,
        nbytes: dir.keylen + _DIR_RECORD,
        objlen: _DIR_RECORD,
        keylen: dir.keylen,
        seekPdir: dir.parentSeek,
      },
      this.date,
      this.#large,
    );
    head.raw(this.#dirRecord(dir, listKey.nbytes, seekKeys, dir.keylen));
    await this.#writeAt(dir.seek, head.result());
  }

  /** Writes streamer records, directories, the free list and the header; renames into place. */
  async close(classes: readonly string[]): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      const info = await this.append(
        {
          className: "TList",
          name: "StreamerInfo",
          title: "Doubly linked list",
          dir: this.top,
          list: false,
        },
        (keylen) => {
          const b = new WBuffer(8192, keylen);
          writeStreamerList(b, classes);
          return b.result().slice();
        },
      );
      await this.#finishDir(this.top, true);
      const { seek: seekKeys, nbytes: nbytesKeys } = this.#topList;
      // Free segments: one record, then everything past the end is free.
      const seekFree = this.#end;
      const bigFree = seekFree > this.#large;
      const freeKeylen = keyHeaderLength("TFile", this.#fileName, "", bigFree);
      const freeObj = bigFree ? 2 + 16 : 2 + 8;
      const end = seekFree + freeKeylen + freeObj;
      const big = end > this.#large;
      const fb = new WBuffer(freeKeylen + freeObj);
      writeKeyHeader(
        fb,
        {
          className: "TFile",
          name: this.#fileName,
          title: "",
          cycle: 1,
          seek: seekFree,
          nbytes: freeKeylen + freeObj,
          objlen: freeObj,
          keylen: freeKeylen,
          seekPdir: _BEGIN,
        },
        this.date,
        this.#large,
      );
      if (bigFree) {
        fb.i16(1001);
        fb.i64(end);
        fb.i64(2 ** 62);
      } else {
        fb.i16(1);
        fb.i32(end);
        fb.i32(_BIG);
      }
      await this.#writeAt(seekFree, fb.result());
      this.#end = end;
      // Header.
      const h = new WBuffer(_BEGIN);
      h.raw(new TextEncoder().encode("root"));
      h.i32(big ? _ROOT_VERSION + 1000000 : _ROOT_VERSION);
      h.i32(_BEGIN);
      const seek = (v: number) => big ? h.i64(v) : h.i32(v);
      seek(end);
      seek(seekFree);
      h.i32(freeKeylen + freeObj);
      h.i32(1); // nfree
      h.i32(this.#nbytesName());
      h.u8(big ? 8 : 4);
      h.i32(this.compress);
      seek(info.seek);
      h.i32(info.nbytes);
      h.u16(1);
      h.raw(_uuid(0));
      while (h.pos < _BEGIN) h.u8(0);
      await this.#writeAt(0, h.result());
      // TFile key, name, title, top directory record.
      const nbytesName = this.#nbytesName();
      const t = new WBuffer(nbytesName + _DIR_RECORD);
      writeKeyHeader(
        t,
        {
          className: "TFile",
          name: this.#fileName,
          title: "",
          cycle: 1,
          seek: _BEGIN,
          nbytes: nbytesName + _DIR_RECORD,
          objlen: nbytesName - this.top.keylen + _DIR_RECORD,
          keylen: this.top.keylen,
          seekPdir: 0,
        },
        this.date,
        this.#large,
      );
      t.string(this.#fileName);
      t.string("");
      t.raw(this.#dirRecord(this.top, nbytesKeys, seekKeys, nbytesName));
      await this.#writeAt(_BEGIN, t.result());
      await this.#file.truncate(end);
      await this.#file.sync();
      this.#file.close();
      await Deno.rename(this.#tmp, this.path);
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Removes the temporary file without producing output. */
  async abort(): Promise<void> {
    this.#closed = true;
    try {
      this.#file.close();
    } catch { /* already closed */ }
    await Deno.remove(this.#tmp).catch(() => undefined);
  }
}

function _uuid(seed: number): Uint8Array {
  const out = crypto.getRandomValues(new Uint8Array(16));
  out[0] ^= seed & 0xff;
  return out;
}

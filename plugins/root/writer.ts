/**
 * ROOT file writer: TTrees of flat and jagged numeric branches in NanoAOD's layout (counter
 * branch `nJet`, leaves `Jet_pt[nJet]` with fLeafCount), baskets compressed with ZLIB, ZSTD,
 * LZ4 or LZMA, written cluster by cluster as `fill` calls come, plus histograms (see
 * hist_writer.ts). The file appears at its path only on `close`.
 * @module
 */
import type { BranchInfo, LeafType } from "@ristretto/core/plugin";
import type { Column, NumericArray } from "@ristretto/core/columns";
import { isJagged, LEAF_ARRAYS } from "@ristretto/core/columns";
import type { Codec } from "./_decompress.ts";
import { FileSink, type KeyInfo } from "./_file_writer.ts";
import { HIST_FILE_CLASSES, TREE_FILE_CLASSES } from "./_streamers.ts";
import { WBuffer } from "./_wbuffer.ts";
import { fromBigEndian, ITEM_SIZE } from "./_swap.ts";

/** Options of createRootFile. */
export interface RootWriteOptions {
  /** Compression algorithm of every record (default ZSTD). */
  readonly codec?: Codec;
  /** Compression level, 0 = uncompressed (default 5; LZMA: XZ preset 1-3, or 6 for 4-9). */
  readonly level?: number;
  /**
   * Offset beyond which records use 64-bit seek pointers (default 2e9, ROOT's switch point;
   * files ending past it get a 64-bit header). Lower it only to test the large-file layout.
   */
  readonly largeFrom?: number;
}

/** Defaults of RootWriteOptions: ZSTD level 5, what recent CMS NanoAOD productions use. */
export const writeDefaults: Required<Omit<RootWriteOptions, "largeFrom">> = {
  codec: "ZSTD",
  level: 5,
};

/** Options of RootFileWriter.tree. */
export interface TreeOptions {
  /** Tree title (default ""). */
  readonly title?: string;
  /** Leaf types overriding those inferred from the arrays (e.g. `bool` for Uint8Array flags). */
  readonly types?: Readonly<Record<string, LeafType>>;
  /**
   * Counter branch of a jagged branch; default NanoAOD's: `Jet_pt` -> `nJet`, and for a name
   * without "_" `LHEPdfWeight` -> `nLHEPdfWeight`.
   */
  readonly counters?: Readonly<Record<string, string>>;
  /** Type of counter branches made from offsets (default uint32, as NanoAOD's `nJet/i`). */
  readonly counterType?: LeafType;
  /** Uncompressed bytes buffered over all branches before a cluster is written (default 8 MiB). */
  readonly flushBytes?: number;
  /** At most this many entries per cluster (default unbounded). */
  readonly clusterEntries?: number;
}

const _LEAF: Record<LeafType, [string, string, boolean]> = {
  bool: ["TLeafO", "O", false],
  int8: ["TLeafB", "B", false],
  uint8: ["TLeafB", "b", true],
  int16: ["TLeafS", "S", false],
  uint16: ["TLeafS", "s", true],
  int32: ["TLeafI", "I", false],
  uint32: ["TLeafI", "i", true],
  int64: ["TLeafL", "L", false],
  uint64: ["TLeafL", "l", true],
  float32: ["TLeafF", "F", false],
  float64: ["TLeafD", "D", false],
};

function _typeOf(a: NumericArray): LeafType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int8Array) return "int8";
  if (a instanceof Uint8Array) return "uint8";
  if (a instanceof Int16Array) return "int16";
  if (a instanceof Uint16Array) return "uint16";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint32Array) return "uint32";
  if (a instanceof BigInt64Array) return "int64";
  return "uint64";
}

/** Big-endian bytes of a TypedArray (bool normalised to 0/1), in a fresh buffer. */
function _bigEndian(a: NumericArray, type: LeafType): Uint8Array {
  const out = new Uint8Array(a.byteLength);
  out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  if (type === "bool") {
    for (let i = 0; i < out.length; i++) out[i] = out[i] !== 0 ? 1 : 0;
  } else if (ITEM_SIZE[type] > 1) {
    // A byte swap is its own inverse: the reader's in-place word swap turns native order
    // into big-endian as well as back (~8x faster than byte loops).
    fromBigEndian(out, type);
  }
  return out;
}

interface _Branch {
  readonly name: string;
  readonly type: LeafType;
  /** Counter branch name for jagged branches. */
  readonly counter?: string;
  /** True for a counter made by the writer from offsets. */
  readonly synthetic: boolean;
  pending: Uint8Array[];
  pendingBytes: number;
  /** Per pending entry: bytes (jagged only). */
  pendingSizes: Int32Array[];
  basketBytes: number[];
  basketEntry: number[];
  basketSeek: number[];
  totBytes: number;
  zipBytes: number;
  /** Largest count seen (counter branches: ROOT sizes jagged buffers by it). */
  maximum: number;
  /** Identity of the leaf object, for fLeafCount references. */
  readonly leaf: object;
}

/**
 * A TTree being written: `fill` appends entries (all columns, same length each call);
 * clusters are compressed and written when `flushBytes` of values are buffered.
 */
export class RootTreeWriter {
  /** Tree name. */
  readonly name: string;
  readonly #sink: FileSink;
  readonly #options: TreeOptions;
  #branches: _Branch[] | undefined;
  #entries = 0;
  #pendingEntries = 0;
  #clusters: number[] = [];
  #closed = false;

  /** Use RootFileWriter.tree. */
  constructor(sink: FileSink, name: string, options: TreeOptions) {
    this.#sink = sink;
    this.name = name;
    this.#options = options;
  }

  /** Entries filled so far. */
  get entries(): number {
    return this.#entries;
  }

  /** The branch list, fixed by the first fill: counters before the branches they count. */
  #schema(columns: ReadonlyMap<string, Column>): _Branch[] {
    const types = this.#options.types ?? {};
    const out: _Branch[] = [];
    const byName = new Map<string, _Branch>();
    const make = (
      name: string,
      type: LeafType,
      counter: string | undefined,
      synthetic: boolean,
    ) => {
      const b: _Branch = {
        name,
        type,
        counter,
        synthetic,
        pending: [],
        pendingBytes: 0,
        pendingSizes: [],
        basketBytes: [],
        basketEntry: [],
        basketSeek: [],
        totBytes: 0,
        zipBytes: 0,
        maximum: 0,
        leaf: {},
      };
      out.push(b);
      byName.set(name, b);
      return b;
    };
    const counterOf = (name: string) => {
      const given = this.#options.counters?.[name];
      if (given) return given;
      const cut = name.indexOf("_");
      return cut > 0 ? `n${name.slice(0, cut)}` : `n${name}`;
    };
    for (const [name, col] of columns) {
      if (byName.has(name)) continue;
      if (isJagged(col)) {
        const counter = counterOf(name);
        if (!byName.has(counter)) {
          const given = columns.get(counter);
          if (given !== undefined && isJagged(given)) {
            throw new Error(`counter "${counter}" of "${name}" must be a flat integer column`);
          }
          const type = types[counter] ??
            (given ? _typeOf(given as NumericArray) : this.#options.counterType ?? "uint32");
          if (type === "float32" || type === "float64" || type === "bool") {
            throw new Error(`counter "${counter}" must be an integer branch, not ${type}`);
          }
          make(counter, type, undefined, given === undefined);
        }
        make(name, types[name] ?? _typeOf(col.content), counter, false);
      } else {
        make(name, types[name] ?? _typeOf(col), undefined, false);
      }
    }
    return out;
  }

  /**
   * Appends entries. Every branch of the first call must be present with the same number of
   * entries; jagged branches sharing a counter must agree on their counts.
   */
  async fill(columns: ReadonlyMap<string, Column> | Readonly<Record<string, Column>>) {
    if (this.#closed) throw new Error(`tree "${this.name}" is closed`);
    const map: ReadonlyMap<string, Column> = columns instanceof Map
      ? columns
      : new Map(Object.entries(columns));
    this.#branches ??= this.#schema(map);
    const n = _entriesOf(map);
    if (n === 0) return;
    // Cut a big chunk so clusters stay near flushBytes / clusterEntries.
    const flushBytes = this.#options.flushBytes ?? 8 * 1024 * 1024;
    const maxEntries = this.#options.clusterEntries ?? Infinity;
    let bytes = 0;
    for (const col of map.values()) {
      bytes += isJagged(col) ? col.content.byteLength : (col as NumericArray).byteLength;
    }
    const perEntry = Math.max(1e-9, bytes / n);
    let start = 0;
    while (start < n) {
      const roomEntries = maxEntries - this.#pendingEntries;
      const roomBytes = flushBytes - this.#pendingBytes();
      const take = Math.max(
        1,
        Math.min(n - start, roomEntries, Math.ceil(Math.max(roomBytes, 1) / perEntry)),
      );
      this.#append(map, start, start + take);
      start += take;
      if (this.#pendingEntries >= maxEntries || this.#pendingBytes() >= flushBytes) {
        await this.#flush();
      }
    }
  }

  #pendingBytes(): number {
    let s = 0;
    for (const b of this.#branches ?? []) s += b.pendingBytes;
    return s;
  }

  #append(map: ReadonlyMap<string, Column>, a: number, z: number): void {
    const counts = new Map<string, Int32Array>();
    for (const b of this.#branches!) {
      if (b.counter === undefined) continue;
      const col = map.get(b.name);
      if (col === undefined || !isJagged(col)) {
        throw new Error(`fill of tree "${this.name}" lacks jagged column "${b.name}"`);
      }
      const c = new Int32Array(z - a);
      for (let i = a; i < z; i++) c[i - a] = col.offsets[i + 1] - col.offsets[i];
      const prev = counts.get(b.counter);
      if (prev) {
        for (let i = 0; i < c.length; i++) {
          if (prev[i] !== c[i]) {
            throw new Error(
              `"${b.name}" has ${c[i]} values at entry ${a + i}, its counter "${b.counter}" ${
                prev[i]
              }`,
            );
          }
        }
      } else counts.set(b.counter, c);
      const content = col.content.subarray(col.offsets[a], col.offsets[z]) as NumericArray;
      const size = ITEM_SIZE[b.type];
      const bytes = _bigEndian(_cast(content, b.type), b.type);
      b.pending.push(bytes);
      b.pendingBytes += bytes.length;
      const sizes = new Int32Array(c.length);
      for (let i = 0; i < c.length; i++) sizes[i] = c[i] * size;
      b.pendingSizes.push(sizes);
    }
    for (const b of this.#branches!) {
      if (b.counter !== undefined) continue;
      let flat: NumericArray;
      const col = map.get(b.name);
      if (col === undefined) {
        const c = counts.get(b.name);
        if (!b.synthetic || c === undefined) {
          throw new Error(`fill of tree "${this.name}" lacks column "${b.name}"`);
        }
        flat = _cast(c, b.type);
      } else {
        if (isJagged(col)) throw new Error(`column "${b.name}" was flat, now jagged`);
        flat = _cast((col as NumericArray).subarray(a, z) as NumericArray, b.type);
        const c = counts.get(b.name);
        if (c) {
          for (let i = 0; i < c.length; i++) {
            if (Number(flat[i]) !== c[i]) {
              throw new Error(`counter "${b.name}" is ${flat[i]} at entry ${a + i}, not ${c[i]}`);
            }
          }
        }
      }
      if (counts.has(b.name)) {
        for (let i = 0; i < flat.length; i++) {
          const v = Number(flat[i]);
          if (v > b.maximum) b.maximum = v;
        }
      }
      const bytes = _bigEndian(flat, b.type);
      b.pending.push(bytes);
      b.pendingBytes += bytes.length;
    }
    this.#pendingEntries += z - a;
  }

  /**
   * Writes the buffered entries now as one cluster (one basket per branch), e.g. to make
   * clusters follow input chunks. `fill` flushes by itself when `flushBytes` are buffered.
   */
  async flush(): Promise<void> {
    if (this.#closed) throw new Error(`tree "${this.name}" is closed`);
    await this.#flush();
  }

  /** Writes one basket per branch for the buffered entries (one cluster). */
  async #flush(): Promise<void> {
    const n = this.#pendingEntries;
    if (n === 0 || this.#branches === undefined) return;
    for (const b of this.#branches) {
      const data = _concat(b.pending, b.pendingBytes);
      const jagged = b.counter !== undefined;
      let object = data;
      let nevBufSize = ITEM_SIZE[b.type];
      const dir = this.#sink.top;
      const key = await this.#sink.append(
        { className: "TBasket", name: b.name, title: this.name, dir, list: false },
        (keylen) => {
          if (!jagged) return data;
          // After the values: the entry offsets (from the key start), as ROOT appends them.
          const w = new WBuffer(data.length + 4 * (n + 2), keylen);
          w.raw(data);
          w.i32(n + 1);
          let at = keylen;
          for (const sizes of b.pendingSizes) {
            for (let i = 0; i < sizes.length; i++) {
              w.i32(at);
              at += sizes[i];
            }
          }
          w.i32(at);
          object = w.result();
          // fNevBufSize is the offset table's capacity; keep it off fLast's arithmetic so a
          // reader guessing "fixed size" from fNevBufSize * fNevBuf never matches.
          nevBufSize = n + 1;
          if (nevBufSize * n + keylen === keylen + data.length) nevBufSize++;
          return object;
        },
        (keylen, objlen) => {
          const h = new WBuffer(19);
          h.i16(3); // TBasket version
          h.i32(keylen + objlen); // fBufferSize
          h.i32(nevBufSize);
          h.i32(n); // fNevBuf
          h.i32(keylen + data.length); // fLast
          h.u8(0); // flag: header only, the values follow as the key's object
          return h.result();
        },
      );
      b.basketBytes.push(key.nbytes);
      b.basketEntry.push(this.#entries);
      b.basketSeek.push(key.seek);
      b.totBytes += key.objlen + key.keylen;
      b.zipBytes += key.nbytes;
      b.pending = [];
      b.pendingSizes = [];
      b.pendingBytes = 0;
    }
    this.#entries += n;
    this.#clusters.push(n);
    this.#pendingEntries = 0;
  }

  /** Flushes the last cluster and writes the TTree record. Called by RootFileWriter.close. */
  async close(): Promise<KeyInfo | undefined> {
    if (this.#closed) return;
    await this.#flush();
    this.#closed = true;
    const branches = this.#branches ?? [];
    return await this.#sink.append(
      {
        className: "TTree",
        name: this.name,
        title: this.#options.title ?? "",
        dir: this.#sink.top,
      },
      (keylen) => {
        const w = new WBuffer(4096 + branches.length * 512, keylen);
        this.#streamTree(w, branches);
        return w.result().slice();
      },
    );
  }

  #streamTree(w: WBuffer, branches: _Branch[]): void {
    let tot = 0, zip = 0;
    for (const b of branches) {
      tot += b.totBytes;
      zip += b.zipBytes;
    }
    const at = w.startVersion(20);
    w.tNamed(this.name, this.#options.title ?? "");
    w.tAttLine();
    w.tAttFill();
    w.tAttMarker();
    w.i64(this.#entries);
    w.i64(tot);
    w.i64(zip);
    w.i64(zip); // fSavedBytes
    w.i64(zip); // fFlushedBytes
    w.f64(1); // fWeight
    w.i32(0); // fTimerInterval
    w.i32(25); // fScanField
    w.i32(0); // fUpdate
    w.i32(1000); // fDefaultEntryOffsetLen
    // Cluster ranges: runs of equal cluster sizes; the last run is fAutoFlush (a short final
    // cluster belongs to it, as ROOT's own last cluster does).
    const runs: [number, number][] = []; // [last entry, size]
    let entry = 0;
    for (let i = 0; i < this.#clusters.length; i++) {
      const size = this.#clusters[i];
      entry += size;
      const last = runs[runs.length - 1];
      const isTail = i === this.#clusters.length - 1 && last && size <= last[1];
      if (last && (last[1] === size || isTail)) last[0] = entry - 1;
      else runs.push([entry - 1, size]);
    }
    const autoFlush = runs.length ? runs[runs.length - 1][1] : 0;
    const ranges = runs.slice(0, -1);
    w.i32(ranges.length); // fNClusterRange
    w.i64(1000000000000); // fMaxEntries
    w.i64(1000000000000); // fMaxEntryLoop
    w.i64(0); // fMaxVirtualSize
    w.i64(-300000000); // fAutoSave
    w.i64(autoFlush);
    w.i64(1000000); // fEstimate
    w.u8(ranges.length ? 1 : 0);
    for (const r of ranges) w.i64(r[0]);
    w.u8(ranges.length ? 1 : 0);
    for (const r of ranges) w.i64(r[1]);
    const a = w.startVersion(1); // ROOT::TIOFeatures
    w.u8(0);
    w.endVersion(a);
    const byName = new Map(branches.map((b) => [b.name, b]));
    w.objArray(branches.map((b) => () => this.#streamBranch(w, b, byName)));
    w.objArray(branches.map((b) => () => this.#streamLeaf(w, b, byName)));
    w.u32(0); // fAliases
    w.i32(0); // fIndexValues (TArrayD)
    w.i32(0); // fIndex (TArrayI)
    w.u32(0); // fTreeIndex
    w.u32(0); // fFriends
    w.u32(0); // fUserInfo
    w.u32(0); // fBranchRef
    w.endVersion(at);
  }

  #title(b: _Branch): string {
    return b.counter === undefined ? b.name : `${b.name}[${b.counter}]`;
  }

  #streamBranch(w: WBuffer, b: _Branch, byName: Map<string, _Branch>): void {
    w.object("TBranch", {}, () => {
      const at = w.startVersion(13);
      w.tNamed(b.name, `${this.#title(b)}/${_LEAF[b.type][1]}`);
      w.tAttFill();
      const nb = b.basketSeek.length;
      const maxBaskets = Math.max(10, nb + 1);
      w.i32(this.#sink.compress);
      w.i32(32000); // fBasketSize
      w.i32(b.counter === undefined ? 0 : 1000); // fEntryOffsetLen
      w.i32(nb); // fWriteBasket
      w.i64(this.#entries); // fEntryNumber
      const f = w.startVersion(1); // fIOFeatures
      w.u8(0);
      w.endVersion(f);
      w.i32(0); // fOffset
      w.i32(maxBaskets);
      w.i32(0); // fSplitLevel
      w.i64(this.#entries);
      w.i64(0); // fFirstEntry
      w.i64(b.totBytes);
      w.i64(b.zipBytes);
      w.objArray([]); // fBranches
      w.objArray([() => this.#streamLeaf(w, b, byName)]);
      w.objArray([]); // fBaskets: all written to their own keys
      w.u8(1);
      for (let i = 0; i < maxBaskets; i++) w.i32(i < nb ? b.basketBytes[i] : 0);
      w.u8(1);
      for (let i = 0; i < maxBaskets; i++) {
        w.i64(i < nb ? b.basketEntry[i] : i === nb ? this.#entries : 0);
      }
      w.u8(1);
      for (let i = 0; i < maxBaskets; i++) w.i64(i < nb ? b.basketSeek[i] : 0);
      w.string(""); // fFileName
      w.endVersion(at);
    });
  }

  #streamLeaf(w: WBuffer, b: _Branch, byName: Map<string, _Branch>): void {
    const [cls, , unsigned] = _LEAF[b.type];
    w.object(cls, b.leaf, () => {
      const outer = w.startVersion(1);
      const inner = w.startVersion(2); // TLeaf
      w.tNamed(b.name, this.#title(b));
      w.i32(1); // fLen
      w.i32(ITEM_SIZE[b.type]); // fLenType
      w.i32(0); // fOffset
      w.u8(0); // fIsRange
      w.u8(unsigned ? 1 : 0);
      if (b.counter === undefined) w.u32(0);
      else {
        const counter = byName.get(b.counter)!;
        this.#streamLeaf(w, counter, byName);
      }
      w.endVersion(inner);
      const max = b.maximum;
      switch (b.type) {
        case "bool":
        case "int8":
        case "uint8":
          w.u8(0);
          w.u8(Math.min(255, max));
          break;
        case "int16":
        case "uint16":
          w.i16(0);
          w.i16(Math.min(32767, max));
          break;
        case "int32":
        case "uint32":
          w.i32(0);
          w.i32(Math.min(2147483647, max));
          break;
        case "int64":
        case "uint64":
          w.i64(0);
          w.i64(max);
          break;
        case "float32":
          w.f32(0);
          w.f32(0);
          break;
        case "float64":
          w.f64(0);
          w.f64(0);
      }
      w.endVersion(outer);
    });
  }
}

function _entriesOf(map: ReadonlyMap<string, Column>): number {
  let n: number | undefined;
  for (const [name, col] of map) {
    const m = isJagged(col) ? col.offsets.length - 1 : (col as NumericArray).length;
    if (n !== undefined && m !== n) {
      throw new Error(`column "${name}" has ${m} entries, others ${n}`);
    }
    n = m;
  }
  return n ?? 0;
}

/** The values as the TypedArray of a leaf type (a copy only when the type differs). */
function _cast(a: NumericArray | Int32Array, type: LeafType): NumericArray {
  const want = LEAF_ARRAYS[type];
  if (a instanceof want) return a;
  if (type === "bool" && a instanceof Uint8Array) return a;
  const big = type === "int64" || type === "uint64";
  const fromBig = a instanceof BigInt64Array || a instanceof BigUint64Array;
  const out = new want(a.length);
  for (let i = 0; i < a.length; i++) {
    // deno-lint-ignore no-explicit-any
    (out as any)[i] = big ? (fromBig ? a[i] : BigInt(a[i] as number)) : Number(a[i]);
  }
  return out;
}

function _concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * An open output ROOT file: trees (`tree(name)`) and histograms (`writeHistogram`), finished
 * and renamed into place by `close()`.
 */
export class RootFileWriter {
  /** Final path of the file. */
  readonly path: string;
  readonly #sink: FileSink;
  readonly #trees = new Map<string, RootTreeWriter>();
  #hasHists = false;

  /** Use createRootFile. */
  constructor(sink: FileSink) {
    this.#sink = sink;
    this.path = sink.path;
  }

  /** The writer of a tree, created on first use. */
  tree(name: string, options: TreeOptions = {}): RootTreeWriter {
    let t = this.#trees.get(name);
    if (!t) {
      t = new RootTreeWriter(this.#sink, name, options);
      this.#trees.set(name, t);
    }
    return t;
  }

  /**
   * @internal Appends a keyed object (a histogram) in the directory `dir` (path parts);
   * `build` serialises it given its key length.
   */
  async appendObject(
    dir: readonly string[],
    head: { className: string; name: string; title: string },
    build: (keylen: number) => Uint8Array,
  ): Promise<void> {
    this.#hasHists = true;
    await this.#sink.append({ ...head, dir: this.#sink.dirAt(dir) }, build);
  }

  /** Writes every tree and the file's metadata, then moves the file into place. */
  async close(): Promise<void> {
    try {
      for (const t of this.#trees.values()) await t.close();
    } catch (error) {
      await this.#sink.abort();
      throw error;
    }
    const classes = [...TREE_FILE_CLASSES];
    const leaves = ["TLeafO", "TLeafB", "TLeafS", "TLeafI", "TLeafL", "TLeafF", "TLeafD"];
    classes.splice(classes.indexOf("TBranch"), 0, ...leaves);
    if (this.#hasHists) {
      for (const c of HIST_FILE_CLASSES) if (!classes.includes(c)) classes.push(c);
    }
    await this.#sink.close(classes);
  }

  /** Drops the output (the temporary file is removed). */
  abort(): Promise<void> {
    return this.#sink.abort();
  }
}

/**
 * Creates a ROOT file for writing (in a temporary file until `close`).
 *
 * @example
 * ```ts ignore
 * const file = await createRootFile("skim.root", { codec: "ZSTD", level: 5 });
 * const events = file.tree("Events");
 * await events.fill({ Jet_pt: { offsets, content }, MET_pt: met }); // nJet is added
 * await file.close();
 * ```
 */
export async function createRootFile(
  path: string,
  options: RootWriteOptions = {},
): Promise<RootFileWriter> {
  const sink = await FileSink.create(path, {
    codec: options.codec ?? writeDefaults.codec,
    level: options.level ?? writeDefaults.level,
    largeFrom: options.largeFrom,
  });
  return new RootFileWriter(sink);
}

/** Writes one tree from columns in one call (a file with one `Events`-like tree). */
export async function writeRootTree(
  path: string,
  columns: ReadonlyMap<string, Column> | Readonly<Record<string, Column>>,
  options: RootWriteOptions & TreeOptions & { readonly tree?: string } = {},
): Promise<void> {
  const file = await createRootFile(path, options);
  try {
    await file.tree(options.tree ?? "Events", options).fill(columns);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.close();
}

/**
 * Tree options that keep the types and counters of branches as a reader describes them (e.g.
 * `RootTreeFile.branches("Events")`): what a skim passes to write its input's branches again.
 */
export function treeOptionsFrom(branches: readonly BranchInfo[]): TreeOptions {
  const types: Record<string, LeafType> = {};
  const counters: Record<string, string> = {};
  for (const b of branches) {
    types[b.name] = b.type;
    if (b.counter !== undefined) counters[b.name] = b.counter;
  }
  return { types, counters };
}

import type { BranchInfo, EntryRange, LeafType } from "@ristretto/core/plugin";
import type { Column, NumericArray } from "@ristretto/core/columns";
import { didYouMean } from "@ristretto/core/errors";
import { Cursor } from "./_cursor.ts";
import type { BlockCounts } from "./_decompress.ts";
import { readKeyHeader } from "./_keys.ts";
import type { BranchRecord, EmbeddedBasket, LeafRecord, TreeRecord } from "./_objects.ts";
import { concatBigEndian, concatBigEndianRange, ITEM_SIZE } from "./_swap.ts";
import { rootError } from "./_fail.ts";
import type { RootContext } from "./errors.ts";
import { parseRecord, type RootFile } from "./file.ts";

/** One basket of a branch: its entry range and where its bytes are. */
export interface BasketRef {
  /** Index in the branch's basket arrays. */
  readonly index: number;
  /** First entry. */
  readonly start: number;
  /** One past the last entry. */
  readonly stop: number;
  /** Offset of the basket key in the file (0 when embedded). */
  readonly seek: number;
  /** Size of key + payload on disk (0 when embedded). */
  readonly bytes: number;
  /** The basket itself, when stored inside the TTree record. */
  readonly embedded?: EmbeddedBasket;
}

/** A branch with what reading it needs: type, counter, baskets. */
export interface RootBranch extends BranchInfo {
  /** The branch as streamed. */
  readonly record: BranchRecord;
  /** Leaf class, e.g. `TLeafF`. */
  readonly leafClass: string;
  /** Values per entry (flat) or per counter unit (jagged): the leaf's fLen. */
  readonly multiplicity: number;
  /** Why the branch cannot be read, when it cannot. */
  readonly unsupported?: string;
  /** uproot-like description, e.g. `AsJagged(AsDtype('>f4'))`. */
  readonly interpretation: string;
}

/** Options of RootTree.read. */
export interface ReadOptions {
  /** Bytes between two baskets below which one read covers both (default 256 KiB). */
  readonly coalesceGap?: number;
  /** Largest single coalesced read, and the size of a read-ahead window (default 8 MiB). */
  readonly maxReadBytes?: number;
  /** Filled with read statistics when given. */
  readonly stats?: ReadStats;
}

/** What a read did: baskets, bytes and compression blocks, for benchmarks and inspect. */
export interface ReadStats {
  /** Baskets decoded. */
  baskets: number;
  /** Coalesced read requests issued. */
  reads: number;
  /** Bytes of on-disk baskets (key + payload). */
  compressedBytes: number;
  /** Bytes after decompression. */
  uncompressedBytes: number;
  /** Compression blocks per codec. */
  blocks: BlockCounts;
  /** Baskets stored without compression (embedded ones included). */
  uncompressedBaskets: number;
  /** Baskets taken from the TTree record. */
  embeddedBaskets: number;
  /** Baskets not read again: the previous read ended inside them (counted in `baskets`). */
  reusedBaskets: number;
}

/** A fresh ReadStats to pass to RootTree.read. */
export function emptyStats(): ReadStats {
  return {
    baskets: 0,
    reads: 0,
    compressedBytes: 0,
    uncompressedBytes: 0,
    blocks: {},
    uncompressedBaskets: 0,
    embeddedBaskets: 0,
    reusedBaskets: 0,
  };
}

const _LEAF_TYPES: Record<string, [LeafType, LeafType]> = {
  TLeafO: ["bool", "bool"],
  TLeafB: ["int8", "uint8"],
  TLeafS: ["int16", "uint16"],
  TLeafI: ["int32", "uint32"],
  TLeafL: ["int64", "uint64"],
  TLeafF: ["float32", "float32"],
  TLeafD: ["float64", "float64"],
};

const _DTYPE: Record<LeafType, string> = {
  bool: "bool",
  int8: "int8",
  uint8: "uint8",
  int16: ">i2",
  uint16: ">u2",
  int32: ">i4",
  uint32: ">u4",
  int64: ">i8",
  uint64: ">u8",
  float32: ">f4",
  float64: ">f8",
};

/** A TTree: its branches and columnar reads of entry ranges. */
export class RootTree {
  /** The file this tree lives in. */
  readonly file: RootFile;
  /** Tree name. */
  readonly name: string;
  /** Tree title. */
  readonly title: string;
  /** Number of entries. */
  readonly entries: number;
  /** Every branch, readable or not, in tree order (sub-branches after their parent). */
  readonly allBranches: readonly RootBranch[];
  readonly #byName = new Map<string, RootBranch>();
  readonly #baskets = new Map<string, BasketRef[]>();
  /**
   * Per branch, the last basket of the previous read when that read ended inside it, decoded:
   * the next read of the following entries (a file's next work item) starts there, and
   * reading and decompressing it again cost up to half the time when items are smaller than
   * baskets. One basket per branch at most.
   */
  readonly #carried = new Map<string, { basket: BasketRef; content: Uint8Array }>();

  /** Builds the branch model of a parsed TTree. */
  constructor(file: RootFile, record: TreeRecord) {
    this.file = file;
    this.name = record.name;
    this.title = record.title;
    this.entries = record.entries;
    const records: BranchRecord[] = [];
    const walk = (list: BranchRecord[], depth: number) => {
      if (depth > 64) return;
      for (const b of list) {
        records.push(b);
        walk(b.branches, depth + 1);
      }
    };
    walk(record.branches, 0);
    const leafOwner = new Map<LeafRecord, BranchRecord>();
    for (const b of records) for (const l of b.leaves) leafOwner.set(l, b);
    const all: RootBranch[] = [];
    for (const b of records) {
      const branch = _describe(b, leafOwner);
      if (!this.#byName.has(branch.name)) this.#byName.set(branch.name, branch);
      all.push(branch);
    }
    this.allBranches = all;
  }

  /** The readable branches. */
  branches(): BranchInfo[] {
    return this.allBranches.filter((b) => b.unsupported === undefined).map((b) => ({
      name: b.name,
      type: b.type,
      ...(b.counter === undefined ? {} : { counter: b.counter }),
      ...(b.title ? { title: b.title } : {}),
    }));
  }

  /** A branch by name, or ROOT_UNKNOWN_BRANCH with a suggestion. */
  branch(name: string): RootBranch {
    const branch = this.#byName.get(name);
    if (branch === undefined) {
      throw rootError(
        "ROOT_UNKNOWN_BRANCH",
        "find a branch in",
        { file: this.file.url, tree: this.name },
        `there is no branch "${name}"${didYouMean(name, this.#byName.keys())}`,
      );
    }
    return branch;
  }

  /** The baskets of a branch with their entry ranges, validated against the tree. */
  baskets(name: string): BasketRef[] {
    const cached = this.#baskets.get(name);
    if (cached) return cached;
    const branch = this.branch(name);
    const r = branch.record;
    const ctx = this.#ctx(name);
    const fail = (reason: string): never => {
      throw rootError("ROOT_BAD_BASKET", "locate baskets of", ctx, reason);
    };
    if (r.entries !== this.entries) {
      fail(`the branch has ${r.entries} entries but the tree has ${this.entries}`);
    }
    // Baskets 0..fWriteBasket-1 were written (to their own keys, or kept in the tree's fBaskets
    // when the tree was saved with them in memory); basket fWriteBasket is the unwritten one,
    // present only as an embedded basket.
    const n = r.writeBasket;
    const tail = r.embedded.get(n);
    const count = tail && tail.nevBuf > 0 ? n + 1 : n;
    const out: BasketRef[] = [];
    for (let i = 0; i < count; i++) {
      const start = r.basketEntry[i];
      const stop = i + 1 < count ? r.basketEntry[i + 1] : r.entries;
      const embedded = r.embedded.get(i);
      if (embedded) {
        if (embedded.nevBuf !== stop - start) {
          fail(
            `embedded basket ${i} holds ${embedded.nevBuf} entries, the branch says ${
              stop - start
            }`,
          );
        }
        out.push({ index: i, start, stop, seek: 0, bytes: 0, embedded });
        continue;
      }
      const seek = r.basketSeek[i];
      const bytes = r.basketBytes[i];
      if (seek <= 0 || bytes <= 0 || seek + bytes > this.file.size) {
        fail(
          `basket ${i} at [${seek}, ${seek + bytes}) lies outside the ${this.file.size}-byte file`,
        );
      }
      out.push({ index: i, start, stop, seek, bytes });
    }
    let expected = 0;
    for (const b of out) {
      if (b.start !== expected || b.stop < b.start) {
        fail(
          `basket ${b.index} covers entries [${b.start}, ${b.stop}), expected to start at ${expected}`,
        );
      }
      expected = b.stop;
    }
    if (expected !== r.entries) {
      fail(`the baskets cover ${expected} entries, the branch has ${r.entries}`);
    }
    this.#baskets.set(name, out);
    return out;
  }

  #ctx(branch?: string, basket?: number): RootContext {
    return { file: this.file.url, tree: this.name, branch, basket };
  }

  /**
   * Reads branches over an entry range: flat branches as TypedArrays, jagged ones as
   * `{offsets, content}` with one offsets array shared by all branches of a counter. Only the
   * baskets overlapping the range are read.
   */
  async read(
    names: readonly string[],
    range?: EntryRange,
    options: ReadOptions = {},
  ): Promise<Map<string, Column>> {
    const start = range?.start ?? 0;
    const stop = range?.stop ?? this.entries;
    if (
      !Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop < start ||
      stop > this.entries
    ) {
      throw rootError(
        "ROOT_BAD_RANGE",
        "read",
        this.#ctx(),
        `entry range [${start}, ${stop}) is not inside [0, ${this.entries})`,
      );
    }
    const wanted = names.map((n) => this.branch(n));
    for (const b of wanted) {
      if (b.unsupported !== undefined) {
        throw rootError("ROOT_UNSUPPORTED_TYPE", "read", this.#ctx(b.name), b.unsupported);
      }
    }
    // Entry windows to decode per branch: requested range widened to basket boundaries;
    // a counter must cover every window of its jagged branches.
    const windows = new Map<string, [number, number]>();
    const widen = (name: string, a: number, b: number) => {
      const w = windows.get(name);
      windows.set(name, w ? [Math.min(w[0], a), Math.max(w[1], b)] : [a, b]);
    };
    for (const b of wanted) {
      const [a, z] = _basketSpan(this.baskets(b.name), start, stop);
      widen(b.name, a, z);
      if (b.counter !== undefined) {
        const counter = this.branch(b.counter);
        if (counter.unsupported !== undefined || counter.counter !== undefined) {
          throw rootError(
            "ROOT_UNSUPPORTED_TYPE",
            "read",
            this.#ctx(b.name),
            `its counter "${b.counter}" is not a flat integer branch`,
          );
        }
        widen(b.counter, a, z);
        widen(b.counter, start, stop);
      }
    }
    for (const [name, [a, z]] of windows) {
      const [a2, z2] = _basketSpan(this.baskets(name), a, z);
      windows.set(name, [a2, z2]);
    }
    // Fetch every needed basket in as few reads as possible.
    const fetches: { name: string; basket: BasketRef }[] = [];
    for (const [name, [a, z]] of windows) {
      if (a === z) continue;
      for (const basket of this.baskets(name)) {
        if (basket.stop > a && basket.start < z) fetches.push({ name, basket });
      }
    }
    const carried = (f: { name: string; basket: BasketRef }) =>
      this.#carried.get(f.name)?.basket === f.basket;
    const contents = await this.#fetch(fetches.filter((f) => !carried(f)), options);
    for (const f of fetches) {
      if (!carried(f)) continue;
      const content = this.#carried.get(f.name)!.content;
      contents.set(f.basket, content);
      if (options.stats) {
        options.stats.baskets++;
        options.stats.reusedBaskets++;
        options.stats.uncompressedBytes += content.length;
      }
    }
    const byBranch = new Map<string, typeof fetches>();
    for (const f of fetches) {
      const list = byBranch.get(f.name);
      if (list) list.push(f);
      else byBranch.set(f.name, [f]);
    }
    // Check each branch's baskets, and keep their bytes in entry order from entry `first`.
    const raw = new Map<string, { chunks: Uint8Array[]; first: number }>();
    for (const [name, [a]] of windows) {
      const branch = this.branch(name);
      const parts = byBranch.get(name) ?? [];
      for (const p of parts) {
        const content = contents.get(p.basket)!;
        if (branch.counter === undefined) {
          const expect = (p.basket.stop - p.basket.start) * branch.multiplicity *
            ITEM_SIZE[branch.type];
          if (content.length !== expect) {
            throw rootError(
              "ROOT_BAD_BASKET",
              "read",
              this.#ctx(name, p.basket.index),
              `the basket holds ${content.length} bytes of values, ${expect} expected for entries ` +
                `[${p.basket.start}, ${p.basket.stop})`,
            );
          }
        } else if (content.length % ITEM_SIZE[branch.type] !== 0) {
          throw rootError(
            "ROOT_BAD_BASKET",
            "read",
            this.#ctx(name, p.basket.index),
            `the basket holds ${content.length} bytes, not a whole number of values`,
          );
        }
      }
      raw.set(name, { chunks: parts.map((p) => contents.get(p.basket)!), first: a });
    }
    // Counters are decoded over their whole window (their prefix sums check every basket of
    // their jagged branches); every other branch only over the requested entries.
    const decodedCounters = new Map<string, { values: NumericArray; first: number }>();
    const counter = (name: string) => {
      let decoded = decodedCounters.get(name);
      if (decoded === undefined) {
        const { chunks, first } = raw.get(name)!;
        decoded = { values: concatBigEndian(chunks, this.branch(name).type), first };
        decodedCounters.set(name, decoded);
      }
      return decoded;
    };
    const counterNames = new Set(wanted.flatMap((b) => b.counter === undefined ? [] : [b.counter]));
    // Assemble columns.
    const out = new Map<string, Column>();
    // Per counter: cumulative counts over its decoded window (validated once), from which
    // every basket's value count and every range's offsets follow in O(1) per basket.
    const cumulative = new Map<string, { cum: Float64Array; first: number }>();
    const sharedOffsets = new Map<string, Int32Array>();
    for (const b of wanted) {
      const m = b.multiplicity;
      if (b.counter === undefined) {
        const { chunks, first } = raw.get(b.name)!;
        const from = (start - first) * m, to = (stop - first) * m;
        const flat = counterNames.has(b.name)
          ? counter(b.name).values.subarray(from, to)
          : concatBigEndianRange(chunks, b.type, from, to);
        out.set(
          b.name,
          m === 1 ? flat : { offsets: _regularOffsets(stop - start, m), content: flat },
        );
        continue;
      }
      let cumulated = cumulative.get(b.counter);
      if (cumulated === undefined) {
        const counts = counter(b.counter);
        cumulated = {
          cum: this.#cumulate(b.counter, counts.values, counts.first),
          first: counts.first,
        };
        cumulative.set(b.counter, cumulated);
      }
      const { cum, first } = cumulated;
      const key = `${b.counter}\u0000${m}`;
      let offsets = sharedOffsets.get(key);
      if (offsets === undefined) {
        offsets = entryOffsets(cum, { from: start - first, to: stop - first, multiplicity: m });
        sharedOffsets.set(key, offsets);
      }
      // Each basket must hold exactly the values its entries' counts announce.
      const parts = byBranch.get(b.name) ?? [];
      const size = ITEM_SIZE[b.type];
      let valuePos = 0;
      for (const p of parts) {
        const expected = (cum[p.basket.stop - first] - cum[p.basket.start - first]) * m;
        const got = contents.get(p.basket)!.length / size;
        if (got !== expected) {
          throw rootError(
            "ROOT_BAD_BASKET",
            "read",
            this.#ctx(b.name, p.basket.index),
            `the basket holds ${got} values but counter "${b.counter}" says ${expected} for ` +
              `entries [${p.basket.start}, ${p.basket.stop})`,
          );
        }
        valuePos += got;
      }
      const skip = parts.length > 0
        ? (cum[start - first] - cum[parts[0].basket.start - first]) * m
        : 0;
      const take = offsets[offsets.length - 1];
      if (skip + take > valuePos) {
        throw rootError(
          "ROOT_BAD_BASKET",
          "read",
          this.#ctx(b.name),
          `values end before the requested entries`,
        );
      }
      out.set(b.name, {
        offsets,
        content: concatBigEndianRange(raw.get(b.name)!.chunks, b.type, skip, skip + take),
      });
    }
    // Carry each branch's basket that reaches past this range to the next read.
    for (const name of windows.keys()) {
      const parts = byBranch.get(name);
      const last = parts?.[parts.length - 1].basket;
      if (last && last.stop > stop && last.embedded === undefined) {
        // An uncompressed basket is a view into this read's whole window: keep only its bytes.
        // A decompressed one is a view of its record less the entry offsets: keep it as it is.
        const content = contents.get(last)!;
        const own = content.buffer.byteLength > 2 * content.byteLength ? content.slice() : content;
        this.#carried.set(name, { basket: last, content: own });
      } else this.#carried.delete(name);
    }
    return out;
  }

  /** Prefix sums of a counter's values; a negative or fractional count is a corrupt basket. */
  #cumulate(name: string, counts: NumericArray, first: number): Float64Array {
    const cum = new Float64Array(counts.length + 1);
    let sum = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = Number(counts[i]);
      if (!(c >= 0) || c !== Math.floor(c)) {
        throw rootError(
          "ROOT_BAD_BASKET",
          "read",
          this.#ctx(name),
          `invalid count ${c} at entry ${first + i}`,
        );
      }
      sum += c;
      cum[i + 1] = sum;
    }
    if (sum > 2147483647) {
      throw rootError(
        "ROOT_BAD_BASKET",
        "read",
        this.#ctx(name),
        `counts add up to ${sum}, beyond 32-bit offsets`,
      );
    }
    return cum;
  }

  async #fetch(
    fetches: { name: string; basket: BasketRef }[],
    options: ReadOptions,
  ): Promise<Map<BasketRef, Uint8Array>> {
    const gap = options.coalesceGap ?? 256 * 1024;
    const maxBytes = options.maxReadBytes ?? 8 * 1024 * 1024;
    const stats = options.stats;
    const result = new Map<BasketRef, Uint8Array>();
    const onDisk = fetches.filter((f) => f.basket.embedded === undefined);
    for (const f of fetches) {
      if (f.basket.embedded) {
        result.set(f.basket, f.basket.embedded.content);
        if (stats) {
          stats.baskets++;
          stats.embeddedBaskets++;
          stats.uncompressedBaskets++;
          stats.uncompressedBytes += f.basket.embedded.content.length;
        }
      }
    }
    const sorted = [...onDisk].sort((x, y) => x.basket.seek - y.basket.seek);
    const groups: { offset: number; end: number; members: typeof sorted }[] = [];
    for (const f of sorted) {
      const last = groups[groups.length - 1];
      const end = f.basket.seek + f.basket.bytes;
      if (
        last && f.basket.seek - last.end <= gap && Math.max(end, last.end) - last.offset <= maxBytes
      ) {
        last.end = Math.max(last.end, end);
        last.members.push(f);
      } else {
        groups.push({ offset: f.basket.seek, end, members: [f] });
      }
    }
    // Windows of a few groups: the next window is requested before the current one is
    // decompressed, so I/O overlaps decompression and at most two windows of compressed
    // bytes are held at once.
    const windows: (typeof groups)[] = [];
    let windowBytes = Infinity;
    for (const g of groups) {
      if (windowBytes + (g.end - g.offset) > maxBytes && windowBytes > 0) {
        windows.push([]);
        windowBytes = 0;
      }
      windows[windows.length - 1].push(g);
      windowBytes += g.end - g.offset;
    }
    const readWindow = async (w: number): Promise<Uint8Array[]> => {
      try {
        return await this.file.source.readMany(
          windows[w].map((g) => ({ offset: g.offset, length: g.end - g.offset })),
        );
      } catch (cause) {
        throw rootError(
          "ROOT_TRUNCATED",
          "read baskets of",
          this.#ctx(),
          (cause as Error).message,
          cause,
        );
      }
    };
    let pending: Promise<Uint8Array[]> | undefined = windows.length > 0 ? readWindow(0) : undefined;
    try {
      for (let w = 0; w < windows.length; w++) {
        const chunks: Uint8Array[] = await pending!;
        pending = w + 1 < windows.length ? readWindow(w + 1) : undefined;
        if (stats) stats.reads += windows[w].length;
        for (let g = 0; g < windows[w].length; g++) {
          const group = windows[w][g];
          const chunk = chunks[g];
          if (chunk.length !== group.end - group.offset) {
            throw rootError(
              "ROOT_TRUNCATED",
              "read baskets of",
              this.#ctx(),
              `short read at ${group.offset}`,
            );
          }
          for (const f of group.members) {
            const at = f.basket.seek - group.offset;
            const bytes = chunk.subarray(at, at + f.basket.bytes);
            result.set(
              f.basket,
              _parseBasket(bytes, f.basket, this.#ctx(f.name, f.basket.index), stats),
            );
          }
        }
      }
    } catch (error) {
      // Settle the read in flight before failing, so no operation outlives this call.
      await pending?.catch(() => undefined);
      throw error;
    }
    return result;
  }
}

/** Decodes one on-disk basket into the bytes of its values. */
function _parseBasket(
  bytes: Uint8Array,
  basket: BasketRef,
  context: RootContext,
  stats?: ReadStats,
): Uint8Array {
  const c = new Cursor(bytes, context);
  const key = readKeyHeader(c);
  c.skip(2 + 4 + 4); // TBasket fVersion, fBufferSize, fNevBufSize
  const nevBuf = c.i32();
  const last = c.i32();
  const fail = (reason: string): never => {
    throw rootError("ROOT_BAD_BASKET", "read", context, reason);
  };
  if (key.seekKey !== basket.seek) {
    fail(`its key says it lives at ${key.seekKey}, not ${basket.seek}`);
  }
  if (key.keylen < c.pos + 1) fail(`its key length ${key.keylen} is shorter than its header`);
  if (nevBuf !== basket.stop - basket.start) {
    fail(`it holds ${nevBuf} entries, the branch says ${basket.stop - basket.start}`);
  }
  if (last < key.keylen || last - key.keylen > key.objlen) {
    fail(`its fLast ${last} does not fit fKeylen ${key.keylen} / fObjlen ${key.objlen}`);
  }
  const record = parseRecord(bytes, context, { counts: stats?.blocks });
  if (stats) {
    stats.baskets++;
    stats.compressedBytes += bytes.length;
    stats.uncompressedBytes += record.data.length;
    if (record.data.length === bytes.length - key.keylen) stats.uncompressedBaskets++;
  }
  return record.data.subarray(0, last - key.keylen);
}

/** [first basket start, last basket stop) of the baskets overlapping [start, stop). */
function _basketSpan(baskets: BasketRef[], start: number, stop: number): [number, number] {
  if (start === stop) return [start, stop];
  let a = start, z = stop;
  for (const b of baskets) {
    if (b.stop > start && b.start < stop) {
      a = Math.min(a, b.start);
      z = Math.max(z, b.stop);
    }
  }
  return [a, z];
}

function _regularOffsets(n: number, m: number): Int32Array {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) offsets[i] = i * m;
  return offsets;
}

function _describe(b: BranchRecord, leafOwner: Map<LeafRecord, BranchRecord>): RootBranch {
  const base = { record: b, name: b.name, title: b.title };
  if (b.leaves.length !== 1) {
    return {
      ...base,
      type: "uint8",
      leafClass: b.leaves.map((l) => l.className).join(",") || "none",
      multiplicity: 1,
      unsupported:
        `branch "${b.name}" has ${b.leaves.length} leaves; only one-leaf branches are read`,
      interpretation: "unsupported",
    };
  }
  const leaf = b.leaves[0];
  const types = _LEAF_TYPES[leaf.className];
  let counter: string | undefined;
  if (leaf.leafCount) counter = leafOwner.get(leaf.leafCount)?.name ?? leaf.leafCount.name;
  if (types === undefined || b.className !== "TBranch") {
    return {
      ...base,
      type: "uint8",
      ...(counter === undefined ? {} : { counter }),
      leafClass: leaf.className,
      multiplicity: 1,
      unsupported: `leaf class ${leaf.className} of ${b.className} "${b.name}" is not supported`,
      interpretation: "unsupported",
    };
  }
  const type = types[leaf.isUnsigned ? 1 : 0];
  const multiplicity = Math.max(1, leaf.len);
  const dtype = _DTYPE[type];
  const inner = multiplicity > 1
    ? `AsDtype("('${dtype}', (${multiplicity},))")`
    : `AsDtype('${dtype}')`;
  return {
    ...base,
    type,
    ...(counter === undefined ? {} : { counter }),
    leafClass: leaf.className,
    multiplicity,
    interpretation: counter === undefined ? inner : `AsJagged(${inner})`,
  };
}

/** Parsing entry point used by the reader: builds a RootTree from a TTree record. */
export function makeTree(file: RootFile, record: TreeRecord): RootTree {
  return new RootTree(file, record);
}

/**
 * Offsets into the values of entries [from, to) of a cumulated counter (entry positions
 * relative to the counter's first entry), `multiplicity` values per counted object. A helper of
 * its own: inline, the loop made V8 compile all of `read` on the stack (~0.1 s a process).
 */
function entryOffsets(
  cum: Float64Array,
  range: { from: number; to: number; multiplicity: number },
): Int32Array {
  const { from, to, multiplicity } = range;
  const offsets = new Int32Array(to - from + 1);
  const base = cum[from];
  for (let i = from; i < to; i++) offsets[i - from + 1] = (cum[i + 1] - base) * multiplicity;
  return offsets;
}

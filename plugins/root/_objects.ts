/**
 * Streamed objects of a TTree record: TTree, TBranch, TLeaf*, TObjArray and embedded TBasket,
 * parsed by their class versions (the layouts the files' TStreamerInfo declare for TTree
 * v19-20, TBranch v12-13, TLeaf v2). Every object is bounded by its byte count, so fields we
 * do not need are skipped and an unknown class is skipped whole.
 * @module
 */
import { Cursor } from "./_cursor.ts";
import { rootError } from "./_fail.ts";
import type { RootContext } from "./errors.ts";

const _BYTECOUNT = 0x40000000;
const _CLASS_MASK = 0x80000000;
const _NEW_CLASS = 0xffffffff;
const _MAP_OFFSET = 2;
const _IS_REFERENCED = 1 << 4;

/** A leaf: the type and shape of a branch's values. */
export interface LeafRecord {
  className: string;
  name: string;
  title: string;
  len: number;
  isUnsigned: boolean;
  leafCount: LeafRecord | null;
}

/** A basket stored inside the TTree record (not yet written to its own key). */
export interface EmbeddedBasket {
  readonly keylen: number;
  readonly nevBuf: number;
  /** The values' bytes, uncompressed. */
  readonly content: Uint8Array;
}

/** A branch as streamed. */
export interface BranchRecord {
  className: string;
  name: string;
  title: string;
  entryOffsetLen: number;
  writeBasket: number;
  maxBaskets: number;
  entries: number;
  /** fTotBytes: uncompressed bytes of all baskets (with key headers). */
  totBytes: number;
  /** fZipBytes: compressed bytes of all baskets. */
  zipBytes: number;
  basketBytes: number[];
  basketEntry: number[];
  basketSeek: number[];
  branches: BranchRecord[];
  leaves: LeafRecord[];
  embedded: Map<number, EmbeddedBasket>;
}

/** A tree as streamed (only what reading needs). */
export interface TreeRecord {
  name: string;
  title: string;
  version: number;
  entries: number;
  branches: BranchRecord[];
}

interface _Version {
  version: number;
  end: number | undefined;
}

/** The unresolved target of an object reference we could not map (kept distinct from null). */
const _UNRESOLVED = Symbol("unresolved");

/** Reads streamed objects with ROOT's class and object reference maps. */
class _ObjectReader {
  readonly c: Cursor;
  readonly origin: number;
  readonly classes = new Map<number, string>();
  readonly objects = new Map<number, unknown>();
  /** Objects parsed so far: a cap on work for corrupt input. */
  count = 0;

  constructor(data: Uint8Array, origin: number, context: RootContext) {
    this.c = new Cursor(data, context);
    this.origin = origin;
  }

  fail(reason: string): never {
    throw rootError("ROOT_BAD_OBJECT", "parse", this.c.context, reason);
  }

  version(): _Version {
    const start = this.c.pos;
    const word = this.c.u32();
    if (word & _BYTECOUNT) {
      const end = start + 4 + (word & ~_BYTECOUNT);
      if (end > this.c.bytes.length) this.fail(`byte count at ${start} runs past the record`);
      return { version: this.c.u16(), end };
    }
    this.c.pos = start;
    return { version: this.c.u16(), end: undefined };
  }

  /** Jumps to the end of a byte-counted object (fields we do not need). */
  finish(v: _Version, what: string): void {
    if (v.end === undefined) this.fail(`${what} has no byte count`);
    if (this.c.pos > v.end) this.fail(`${what} overran its byte count`);
    this.c.pos = v.end;
  }

  skipObject(what: string): void {
    this.finish(this.version(), what);
  }

  tObject(): void {
    this.version();
    this.c.skip(4); // fUniqueID
    const bits = this.c.u32();
    if (bits & _IS_REFERENCED) this.c.skip(2);
  }

  tNamed(): { name: string; title: string } {
    const v = this.version();
    this.tObject();
    const name = this.c.string();
    const title = this.c.string();
    this.finish(v, "TNamed");
    return { name, title };
  }

  /** An object pointer: null, a reference to an object read before, or a new object. */
  any(): unknown {
    if (++this.count > 1_000_000) this.fail("too many objects");
    const c = this.c;
    const start = c.pos;
    const word = c.u32();
    if (word === 0) return null;
    if (!(word & _BYTECOUNT)) {
      if (word === _NEW_CLASS || word & _CLASS_MASK) {
        this.fail(`class tag without byte count at ${start}`);
      }
      return this.objects.has(word) ? this.objects.get(word) : _UNRESOLVED;
    }
    const end = start + 4 + (word & ~_BYTECOUNT);
    if (end > c.bytes.length || end < c.pos + 4) {
      this.fail(`object at ${start} overruns the record`);
    }
    const tagPos = c.pos;
    const tag = c.u32();
    let className: string | undefined;
    if (tag === _NEW_CLASS) {
      className = c.cstring();
      this.classes.set(tagPos + this.origin + _MAP_OFFSET, className);
    } else if (tag & _CLASS_MASK) {
      className = this.classes.get((tag & ~_CLASS_MASK) >>> 0);
      if (className === undefined) this.fail(`unknown class reference at ${tagPos}`);
    } else {
      // A reference wrapped in a byte count: ROOT does not write this; treat as corrupt.
      this.fail(`object tag without class at ${tagPos}`);
    }
    const key = start + this.origin + _MAP_OFFSET;
    let result: unknown;
    if (className === "TBranch" || className === "TBranchElement") {
      const branch = _emptyBranch(className);
      this.objects.set(key, branch);
      this.branchBody(branch, className === "TBranchElement");
      result = branch;
    } else if (className.startsWith("TLeaf")) {
      const leaf: LeafRecord = {
        className,
        name: "",
        title: "",
        len: 0,
        isUnsigned: false,
        leafCount: null,
      };
      this.objects.set(key, leaf);
      this.leafBody(leaf);
      result = leaf;
    } else if (className === "TBasket") {
      result = this.basketBody(end);
      this.objects.set(key, result);
    } else if (className === "TObjArray") {
      result = this.objArray();
      this.objects.set(key, result);
    } else {
      result = { className };
      this.objects.set(key, result);
    }
    if (c.pos > end) this.fail(`${className} at ${start} overran its byte count`);
    c.pos = end;
    return result;
  }

  objArray(): unknown[] {
    const v = this.version();
    if (v.version > 2) this.tObject();
    if (v.version > 1) this.c.string();
    const n = this.c.i32();
    this.c.skip(4); // fLowerBound
    if (n < 0 || n * 4 > this.c.bytes.length - this.c.pos) {
      this.fail(`implausible TObjArray size ${n}`);
    }
    const items: unknown[] = [];
    for (let i = 0; i < n; i++) items.push(this.any());
    this.finish(v, "TObjArray");
    return items;
  }

  leafBody(leaf: LeafRecord): void {
    const outer = this.version();
    if (leaf.className !== "TLeaf") {
      // TLeafI, TLeafF, TLeafElement...: their own version, then the TLeaf base.
      const base = this.version();
      if (base.version !== 2) this.fail(`unsupported TLeaf version ${base.version}`);
      this.leafFields(leaf);
      this.finish(base, "TLeaf");
    } else {
      this.leafFields(leaf);
    }
    this.finish(outer, leaf.className);
  }

  leafFields(leaf: LeafRecord): void {
    const named = this.tNamed();
    leaf.name = named.name;
    leaf.title = named.title;
    leaf.len = this.c.i32();
    this.c.skip(4 + 4 + 1); // fLenType, fOffset, fIsRange
    leaf.isUnsigned = this.c.u8() !== 0;
    const count = this.any();
    if (count === _UNRESOLVED) this.fail(`unresolved fLeafCount of leaf "${leaf.name}"`);
    leaf.leafCount = count !== null && _isLeaf(count) ? count : null;
    if (count !== null && !_isLeaf(count)) {
      this.fail(`fLeafCount of leaf "${leaf.name}" is not a leaf`);
    }
  }

  branchBody(branch: BranchRecord, element: boolean): void {
    const outer = this.version();
    const v = element ? this.version() : outer;
    if (v.version !== 12 && v.version !== 13) {
      throw rootError(
        "ROOT_UNSUPPORTED_VERSION",
        "parse",
        this.c.context,
        `TBranch class version ${v.version} is not supported (known: 12, 13)`,
      );
    }
    const c = this.c;
    const named = this.tNamed();
    branch.name = named.name;
    branch.title = named.title;
    this.skipObject("TAttFill");
    c.skip(8); // fCompress, fBasketSize
    branch.entryOffsetLen = c.i32();
    branch.writeBasket = c.i32();
    c.i64(); // fEntryNumber
    if (v.version >= 13) this.skipObject("TIOFeatures");
    c.skip(4); // fOffset
    branch.maxBaskets = c.i32();
    c.skip(4); // fSplitLevel
    branch.entries = c.i64();
    c.skip(8); // fFirstEntry
    branch.totBytes = c.i64();
    branch.zipBytes = c.i64();
    const ctx = { ...c.context, branch: branch.name };
    if (
      branch.maxBaskets < 0 || branch.maxBaskets * 20 > c.bytes.length - c.pos ||
      branch.writeBasket < 0 || branch.writeBasket > branch.maxBaskets || branch.entries < 0
    ) {
      throw rootError(
        "ROOT_BAD_OBJECT",
        "parse",
        ctx,
        `implausible fMaxBaskets ${branch.maxBaskets} / fWriteBasket ${branch.writeBasket} / fEntries ${branch.entries}`,
      );
    }
    branch.branches = this.objArray().filter(_isBranch);
    branch.leaves = this.objArray().filter(_isLeaf);
    const baskets = this.objArray();
    const n = branch.maxBaskets;
    branch.basketBytes = this.speedbumpArray(n, 4);
    branch.basketEntry = this.speedbumpArray(n, 8);
    branch.basketSeek = this.speedbumpArray(n, 8);
    for (let i = 0; i < baskets.length; i++) {
      const b = baskets[i];
      if (b !== null && typeof b === "object" && "content" in b) {
        branch.embedded.set(i, b as EmbeddedBasket);
      }
    }
    if (element) this.finish(v, "TBranch");
    this.finish(outer, branch.className);
  }

  /** `Int_t* fX[n]` / `Long64_t* fX[n]`: a flag byte, then n values when the flag is set. */
  speedbumpArray(n: number, width: 4 | 8): number[] {
    const out: number[] = [];
    if (this.c.u8() === 0) return new Array(n).fill(0);
    for (let i = 0; i < n; i++) out.push(width === 4 ? this.c.i32() : this.c.i64());
    return out;
  }

  basketBody(end: number): EmbeddedBasket {
    const c = this.c;
    // TKey part
    c.skip(4); // fNbytes
    const keyVersion = c.i16();
    c.skip(4 + 4); // fObjlen, fDatime
    const keylen = c.i16();
    c.skip(2); // fCycle
    c.skip(keyVersion > 1000 ? 16 : 8);
    c.string();
    c.string();
    c.string();
    const v = this.version();
    c.skip(4 + 4); // fBufferSize, fNevBufSize
    const nevBuf = c.i32();
    const last = c.i32();
    let flag = c.u8();
    if (flag >= 80) flag -= 80;
    else if (flag !== 0 && flag % 10 !== 2) {
      if (nevBuf > 0) this.skipIntArray(end);
      if (flag > 40) this.skipIntArray(end);
    }
    let content = new Uint8Array(0);
    if (flag === 1 || flag > 10) {
      let n = last;
      if (v.version <= 1) n = c.i32();
      if (keylen < 0 || last < keylen || n < last || n > end - c.pos) {
        this.fail(`embedded basket sizes are inconsistent (fKeylen ${keylen}, fLast ${last})`);
      }
      // The buffer keeps room for the key header at its start; values follow it.
      content = c.bytes.slice(c.pos + keylen, c.pos + last);
      c.skip(n);
    }
    if (nevBuf < 0) this.fail(`embedded basket has negative fNevBuf ${nevBuf}`);
    return { keylen, nevBuf, content };
  }

  skipIntArray(end: number): void {
    const n = this.c.i32();
    if (n < 0 || n * 4 > end - this.c.pos) this.fail(`implausible array length ${n} in a basket`);
    this.c.skip(n * 4);
  }

  tree(name: string): TreeRecord {
    const c = this.c;
    const v = this.version();
    if (v.version !== 19 && v.version !== 20) {
      throw rootError(
        "ROOT_UNSUPPORTED_VERSION",
        "parse",
        c.context,
        `TTree class version ${v.version} is not supported (known: 19, 20)`,
      );
    }
    const named = this.tNamed();
    this.skipObject("TAttLine");
    this.skipObject("TAttFill");
    this.skipObject("TAttMarker");
    const entries = c.i64();
    c.skip(8 * 4 + 8); // fTotBytes fZipBytes fSavedBytes fFlushedBytes, fWeight
    c.skip(4 * 4); // fTimerInterval fScanField fUpdate fDefaultEntryOffsetLen
    const nClusterRange = c.i32();
    c.skip(8 * 6); // fMaxEntries fMaxEntryLoop fMaxVirtualSize fAutoSave fAutoFlush fEstimate
    if (nClusterRange < 0 || nClusterRange * 16 > c.bytes.length - c.pos || entries < 0) {
      this.fail(`implausible fNClusterRange ${nClusterRange} / fEntries ${entries}`);
    }
    this.speedbumpArray(nClusterRange, 8);
    this.speedbumpArray(nClusterRange, 8);
    if (v.version >= 20) this.skipObject("TIOFeatures");
    const branches = this.objArray().filter(_isBranch);
    return { name: named.name || name, title: named.title, version: v.version, entries, branches };
  }
}

function _emptyBranch(className: string): BranchRecord {
  return {
    className,
    name: "",
    title: "",
    entryOffsetLen: 0,
    writeBasket: 0,
    maxBaskets: 0,
    entries: 0,
    totBytes: 0,
    zipBytes: 0,
    basketBytes: [],
    basketEntry: [],
    basketSeek: [],
    branches: [],
    leaves: [],
    embedded: new Map(),
  };
}

function _isLeaf(x: unknown): x is LeafRecord {
  return typeof x === "object" && x !== null && "leafCount" in x;
}

function _isBranch(x: unknown): x is BranchRecord {
  return typeof x === "object" && x !== null && "basketSeek" in x;
}

/** Parses a TTree object (the decompressed record of its key). */
export function parseTree(
  data: Uint8Array,
  options: { readonly origin: number; readonly name: string; readonly context: RootContext },
): TreeRecord {
  return new _ObjectReader(data, options.origin, options.context).tree(options.name);
}

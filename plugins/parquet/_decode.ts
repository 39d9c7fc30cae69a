import { parquetHeader } from "hyparquet/src/column.js";
import { readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { DEFAULT_PARSERS } from "hyparquet/src/convert.js";
import type { ColumnMetaData, DataPageHeader, PageHeader } from "hyparquet";
import type { NumericArray } from "@ristretto/core/columns";
import type { ColumnPlan } from "./_schema.ts";
import { decompressPage } from "./_codecs.ts";
import { bitWidthOf, decodeHybrid, unpackBits } from "./_rle.ts";

/** One column chunk to decode: its plan, footer entry, bytes and the rows of its row group. */
export interface ChunkInput {
  readonly plan: ColumnPlan;
  readonly meta: ColumnMetaData;
  readonly bytes: Uint8Array;
  readonly rows: number;
}

/**
 * Where the chunks of one column are decoded to: arrays sized for all the row groups read, so
 * row groups land in place and are never concatenated afterwards.
 */
export interface ColumnTarget {
  /** Values in the physical type (int32 for all narrow integers, int64 for both 64-bit). */
  readonly values: Physical;
  /** Running offsets of a list column (entry r = first value of row r), else undefined. */
  readonly offsets?: Int32Array;
  /** Values written so far. */
  valueCount: number;
  /** Rows written so far. */
  rowCount: number;
}

/** A decoding problem; the caller names file and column around it. */
export class ChunkError extends Error {
  readonly unsupported: boolean;
  constructor(message: string, unsupported = false) {
    super(message);
    this.unsupported = unsupported;
  }
}

/** The array a Parquet physical type decodes to. */
export type Physical = Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array;

/** An array for `length` values of the column's physical type. */
export function allocate(plan: ColumnPlan, length: number): Physical {
  switch (plan.element!.type) {
    case "BOOLEAN":
      return new Uint8Array(length);
    case "INT32":
      return new Int32Array(length);
    case "INT64":
      return new BigInt64Array(length);
    case "FLOAT":
      return new Float32Array(length);
    case "DOUBLE":
      return new Float64Array(length);
    default:
      throw new ChunkError(`physical type ${plan.element!.type} is not numeric`, true);
  }
}

/** PLAIN values of a fixed-width type: one memcpy (Parquet is little-endian, like the host). */
function readPlain(
  plan: ColumnPlan,
  page: Uint8Array,
  pos: number,
  out: Physical,
  at: number,
  count: number,
): void {
  if (out instanceof Uint8Array) {
    if (pos + Math.ceil(count / 8) > page.length) throw new ChunkError("a page ends early");
    unpackBits({ bytes: page, start: pos, end: page.length, bitWidth: 1 }, { out, at, count });
    return;
  }
  const width = out.BYTES_PER_ELEMENT;
  if (pos + count * width > page.length) {
    throw new ChunkError(`a ${plan.element!.type} page ends early`);
  }
  new Uint8Array(out.buffer, out.byteOffset + at * width, count * width)
    .set(page.subarray(pos, pos + count * width));
}

function readLevels(
  page: Uint8Array,
  pos: number,
  end: number,
  max: number,
  count: number,
  prefixed: boolean,
): { levels: Uint8Array; pos: number } {
  const levels = new Uint8Array(count);
  let start = pos;
  if (prefixed) {
    if (pos + 4 > page.length) throw new ChunkError("a page ends inside its levels");
    const length = page[pos] | (page[pos + 1] << 8) | (page[pos + 2] << 16) | (page[pos + 3] << 24);
    start = pos + 4;
    end = start + length;
    if (length < 0 || end > page.length) throw new ChunkError("levels run past the page");
  }
  if (
    decodeHybrid({ bytes: page, start, end, bitWidth: bitWidthOf(max) }, {
      out: levels,
      at: 0,
      count,
    }) < 0
  ) {
    throw new ChunkError("levels run past the page");
  }
  return { levels, pos: end };
}

/** What one data page contributes: level counts and where its values start. */
interface PageLevels {
  rep?: Uint8Array;
  def?: Uint8Array;
}

/** Values present in a page of a flat column; a null cannot be stored, so it is an error. */
function countFlat(plan: ColumnPlan, def: Uint8Array | undefined, n: number): number {
  if (def === undefined) return n;
  const max = plan.maxDefinition;
  for (let i = 0; i < n; i++) if (def[i] !== max) throw nullError();
  return n;
}

function nullError(): ChunkError {
  // A null value has no place in a TypedArray; NanoAOD never has one.
  return new ChunkError("it holds null values, which a numeric column cannot represent", true);
}

/**
 * Walks the levels of a list page once: a repetition level 0 starts a row (its offset is the
 * running value count), a definition level at the maximum is a value, one below the list
 * level an empty or null list (read as empty), anything between a null element (an error).
 * Returns the number of values in the page.
 */
function walkList(
  plan: ColumnPlan,
  rep: Uint8Array,
  def: Uint8Array | undefined,
  n: number,
  target: ColumnTarget,
  rowLimit: number,
): number {
  const offsets = target.offsets!;
  let row = target.rowCount;
  let count = target.valueCount;
  const first = count;
  if (def !== undefined && plan.maxDefinition === 1) {
    // NanoAOD's layout (required list of required values): levels are 0/1, so the walk can be
    // branch-free. offsets[row] is written at every level; the last write before `row` moves
    // on is the one at the row's first level, which is the right value.
    for (let i = 0; i < n; i++) {
      offsets[row] = count;
      row += 1 - rep[i];
      count += def[i];
    }
    if (row > rowLimit) throw new ChunkError("the chunk holds more rows than its row group");
  } else if (def === undefined) {
    for (let i = 0; i < n; i++) {
      if (rep[i] === 0) {
        if (row >= rowLimit) throw new ChunkError("the chunk holds more rows than its row group");
        offsets[row++] = count;
      }
      count++;
    }
  } else {
    const max = plan.maxDefinition;
    const listDef = plan.listDefinition;
    for (let i = 0; i < n; i++) {
      if (rep[i] === 0) {
        if (row >= rowLimit) throw new ChunkError("the chunk holds more rows than its row group");
        offsets[row++] = count;
      }
      const d = def[i];
      if (d === max) count++;
      else if (d >= listDef) throw nullError();
    }
  }
  target.rowCount = row;
  return count - first;
}

/**
 * Decodes one column chunk into TypedArrays. The common NanoAOD encodings (PLAIN, RLE,
 * dictionary) are decoded here straight into typed arrays; the rare ones (delta,
 * byte-stream-split, ALP) go through hyparquet's decoders and are copied over.
 */
export function decodeChunk(chunk: ChunkInput, target: ColumnTarget): void {
  const { plan, meta, bytes, rows } = chunk;
  const totalLevels = Number(meta.num_values);
  const values = target.values;
  const rowLimit = target.rowCount + rows;
  const valueLimit = values.length;
  let dictionary: Physical | undefined;
  let levelsSeen = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = { view, offset: 0 };
  while (levelsSeen < totalLevels) {
    if (reader.offset >= bytes.length) throw new ChunkError("the column chunk ends early");
    let header: PageHeader;
    try {
      header = parquetHeader(reader);
    } catch (cause) {
      throw new ChunkError(`bad page header (${(cause as Error).message})`);
    }
    const start = reader.offset;
    const stored = bytes.subarray(start, start + header.compressed_page_size);
    if (stored.length !== header.compressed_page_size) {
      throw new ChunkError("a page runs past the column chunk");
    }
    reader.offset += header.compressed_page_size;
    const uncompressed = Number(header.uncompressed_page_size);
    if (header.type === "DICTIONARY_PAGE") {
      const count = header.dictionary_page_header!.num_values;
      const page = decompressPage(stored, { codec: meta.codec, size: uncompressed });
      dictionary = allocate(plan, count);
      readPlain(plan, page, 0, dictionary, 0, count);
      continue;
    }
    if (header.type !== "DATA_PAGE" && header.type !== "DATA_PAGE_V2") continue;
    const v2 = header.type === "DATA_PAGE_V2";
    const n = v2 ? header.data_page_header_v2!.num_values : header.data_page_header!.num_values;
    const encoding = v2 ? header.data_page_header_v2!.encoding : header.data_page_header!.encoding;
    if (levelsSeen + n > totalLevels) throw new ChunkError("pages hold more values than declared");
    let page: Uint8Array;
    let pos = 0;
    const levels: PageLevels = {};
    if (v2) {
      const h = header.data_page_header_v2!;
      const repLength = h.repetition_levels_byte_length;
      const defLength = h.definition_levels_byte_length;
      if (plan.maxRepetition > 0) {
        levels.rep = readLevels(stored, 0, repLength, plan.maxRepetition, n, false).levels;
      }
      if (plan.maxDefinition > 0) {
        levels.def =
          readLevels(stored, repLength, repLength + defLength, plan.maxDefinition, n, false)
            .levels;
      }
      const body = stored.subarray(repLength + defLength);
      const bodySize = uncompressed - repLength - defLength;
      page = h.is_compressed === false || bodySize === 0
        ? body
        : decompressPage(body, { codec: meta.codec, size: bodySize });
    } else {
      page = decompressPage(stored, { codec: meta.codec, size: uncompressed });
      if (plan.maxRepetition > 0) {
        const r = readLevels(page, pos, page.length, plan.maxRepetition, n, true);
        levels.rep = r.levels;
        pos = r.pos;
      }
      if (plan.maxDefinition > 0) {
        const d = readLevels(page, pos, page.length, plan.maxDefinition, n, true);
        levels.def = d.levels;
        pos = d.pos;
      }
    }
    const valuesSeen = target.valueCount;
    const defined = plan.list
      ? walkList(plan, levels.rep!, levels.def, n, target, rowLimit)
      : countFlat(plan, levels.def, n);
    if (valuesSeen + defined > valueLimit) {
      throw new ChunkError("pages hold more values than declared");
    }
    if (encoding === "PLAIN") {
      readPlain(plan, page, pos, values, valuesSeen, defined);
    } else if (encoding === "PLAIN_DICTIONARY" || encoding === "RLE_DICTIONARY") {
      if (dictionary === undefined) throw new ChunkError("a dictionary page is missing");
      gather(page, pos, dictionary, values, valuesSeen, defined);
    } else if (encoding === "RLE" && values instanceof Uint8Array) {
      const length = page[pos] | (page[pos + 1] << 8) | (page[pos + 2] << 16) |
        (page[pos + 3] << 24);
      const runs = { bytes: page, start: pos + 4, end: pos + 4 + length, bitWidth: 1 };
      if (decodeHybrid(runs, { out: values, at: valuesSeen, count: defined }) < 0) {
        throw new ChunkError("boolean values run past the page");
      }
    } else {
      fallback(plan, meta, header, stored, page, values, valuesSeen, defined);
    }
    if (!plan.list) target.rowCount += n;
    levelsSeen += n;
    target.valueCount += defined;
  }
  if (target.rowCount !== rowLimit) {
    throw new ChunkError(
      `the chunk holds ${rows - (rowLimit - target.rowCount)} rows, its row group ${rows}`,
    );
  }
}

/** Dictionary indices (bit width byte + hybrid runs to the page end) -> dictionary values. */
function gather(
  page: Uint8Array,
  pos: number,
  dictionary: Physical,
  out: Physical,
  at: number,
  count: number,
): void {
  const width = page[pos];
  const indices = new Int32Array(count);
  const runs = { bytes: page, start: pos + 1, end: page.length, bitWidth: width };
  if (decodeHybrid(runs, { out: indices, at: 0, count }) < 0) {
    throw new ChunkError("dictionary indices run past the page");
  }
  const size = dictionary.length;
  for (let i = 0; i < count; i++) {
    if (indices[i] >= size) throw new ChunkError("a dictionary index is out of range");
  }
  if (out instanceof BigInt64Array) {
    const dict = dictionary as BigInt64Array;
    for (let i = 0; i < count; i++) out[at + i] = dict[indices[i]];
  } else {
    const dict = dictionary as Exclude<Physical, BigInt64Array>;
    const o = out as Exclude<Physical, BigInt64Array>;
    for (let i = 0; i < count; i++) o[at + i] = dict[indices[i]];
  }
}

/** Rare encodings: hyparquet decodes the page, we copy its values into the typed array. */
function fallback(
  plan: ColumnPlan,
  meta: ColumnMetaData,
  header: PageHeader,
  stored: Uint8Array,
  page: Uint8Array,
  out: Physical,
  at: number,
  count: number,
): void {
  const decoder = {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element: plan.element!,
    schemaPath: plan.schemaPath,
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
  };
  let data: ArrayLike<unknown>;
  try {
    data = header.type === "DATA_PAGE_V2"
      ? readDataPageV2(stored, header, decoder).dataPage
      : readDataPage(page, header.data_page_header as DataPageHeader, decoder).dataPage;
  } catch (cause) {
    throw new ChunkError(`cannot decode a page (${(cause as Error).message})`, true);
  }
  if (data.length < count) throw new ChunkError("a page holds fewer values than its levels say");
  for (let i = 0; i < count; i++) {
    const value = data[i];
    (out as unknown as unknown[])[at + i] = typeof value === "boolean" ? (value ? 1 : 0) : value;
  }
}

/** Physical array -> the array type of the column's LeafType (a view where the bits agree). */
export function convert(plan: ColumnPlan, values: Physical): NumericArray {
  switch (plan.type) {
    case "int8":
      return narrow(new Int8Array(values.length), values as Int32Array);
    case "uint8":
      return narrow(new Uint8Array(values.length), values as Int32Array);
    case "int16":
      return narrow(new Int16Array(values.length), values as Int32Array);
    case "uint16":
      return narrow(new Uint16Array(values.length), values as Int32Array);
    case "uint32":
      return new Uint32Array(values.buffer, values.byteOffset, values.length);
    case "uint64":
      return new BigUint64Array(values.buffer, values.byteOffset, values.length);
    default:
      return values;
  }
}

/** TypedArray.set converts int32 -> narrower integers modulo 2^n, as a C cast would. */
function narrow<T extends Int8Array | Uint8Array | Int16Array | Uint16Array>(
  out: T,
  values: Int32Array,
): T {
  out.set(values);
  return out;
}

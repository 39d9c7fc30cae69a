/**
 * The Parquet reader plugin: NanoAOD stored as Parquet -> the same columns a ROOT file gives.
 * @module
 */
import { parquetMetadataAsync } from "hyparquet";
import type { FileMetaData } from "hyparquet";
import { API_VERSION } from "@ristretto/core/plugin";
import type {
  BranchInfo,
  ByteSource,
  EntryRange,
  OpenedFile,
  Reader,
} from "@ristretto/core/plugin";
import type { Column, Jagged } from "@ristretto/core/columns";
import { didYouMean } from "@ristretto/core/errors";
import { asyncBufferFromSource } from "./_async_buffer.ts";
import { type ColumnPlan, planColumns } from "./_schema.ts";
import { allocate, ChunkError, type ColumnTarget, convert, decodeChunk } from "./_decode.ts";
import { ParquetError } from "./errors.ts";

/** The version of this reader; it enters the work-item hash. */
export const PARQUET_READER_VERSION = "0.1.0";

/** The one tree of a Parquet file, named like NanoAOD's so configs work on both formats. */
export const PARQUET_TREE = "Events";

/** Options of {@link parquetReader}. */
export interface ParquetReaderOptions {
  /** Bytes fetched from the end of the file on open, in the hope the footer fits (default 512 KiB). */
  readonly footerFetchSize?: number;
}

/** Defaults of {@link ParquetReaderOptions}. */
export const defaults: Required<ParquetReaderOptions> = { footerFetchSize: 1 << 19 };

const MAGIC = 0x31524150; // "PAR1" little-endian

/**
 * The Parquet `Reader` plugin. It reads the footer and only the column chunks asked for,
 * through the ByteSource, and decodes them straight into TypedArrays.
 *
 * @example
 * ```ts ignore
 * import { openLocalFile } from "@ristretto/core/io";
 * const file = await parquetReader().open(await openLocalFile("nano_dy.parquet"));
 * const columns = await file.read("Events", ["Jet_pt", "Jet_eta"], { start: 0, stop: 10 });
 * await file.close();
 * ```
 */
export function parquetReader(options: ParquetReaderOptions = {}): Reader {
  const settings = { ...defaults, ...options };
  return {
    kind: "reader",
    name: "parquet-reader",
    version: PARQUET_READER_VERSION,
    apiVersion: API_VERSION,
    canRead(url: string, firstBytes?: Uint8Array): boolean {
      if (firstBytes !== undefined && firstBytes.length >= 4) {
        return firstBytes[0] === 0x50 && firstBytes[1] === 0x41 && firstBytes[2] === 0x52 &&
          firstBytes[3] === 0x31;
      }
      return /\.(parquet|parq|pq)$/i.test(url.replace(/[?#].*$/, ""));
    },
    /** Takes ownership of `source`: closed by OpenedFile.close, or here if opening fails. */
    async open(source: ByteSource): Promise<OpenedFile> {
      try {
        return await openParquet(source, settings);
      } catch (error) {
        await source.close().catch(() => {});
        throw error;
      }
    },
  };
}

async function openParquet(
  source: ByteSource,
  settings: Required<ParquetReaderOptions>,
): Promise<OpenedFile> {
  const url = source.url;
  const size = await source.size();
  const startsWithMagic = async () => {
    if (size < 4) return false;
    const head = await source.read(0, 4);
    return new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) === MAGIC;
  };
  // Check the frame ourselves: hyparquet's messages do not tell a truncated file from a foreign one.
  const tail = size >= 8 ? await source.read(size - 8, 8) : new Uint8Array(0);
  const tailView = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  if (size < 12 || tailView.getUint32(4, true) !== MAGIC) {
    if (await startsWithMagic()) {
      throw new ParquetError(
        "PARQUET_TRUNCATED",
        `Cannot open "${url}": it starts like a Parquet file but its footer is missing (${size} bytes); the file is probably truncated`,
      );
    }
    throw new ParquetError(
      "PARQUET_NOT_PARQUET",
      `Cannot open "${url}": not a Parquet file (no "PAR1" magic at its start and end)`,
    );
  }
  const footerLength = tailView.getUint32(0, true);
  if (footerLength + 12 > size) {
    throw new ParquetError(
      "PARQUET_TRUNCATED",
      `Cannot open "${url}": its footer claims ${footerLength} bytes but the file has only ${size}; the file is probably truncated`,
    );
  }
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(asyncBufferFromSource(source, size), {
      initialFetchSize: Math.max(settings.footerFetchSize, 8),
    });
  } catch (cause) {
    throw new ParquetError(
      "PARQUET_CORRUPT",
      `Cannot open "${url}": its footer cannot be parsed (${(cause as Error).message})`,
      { cause },
    );
  }
  return new ParquetFile(source, metadata, size);
}

class ParquetFile implements OpenedFile {
  readonly url: string;
  #source: ByteSource;
  #metadata: FileMetaData;
  #plans: Map<string, ColumnPlan>;
  #rows: number;
  #size: number;
  #groupStarts: number[];

  constructor(source: ByteSource, metadata: FileMetaData, size: number) {
    this.url = source.url;
    this.#size = size;
    this.#source = source;
    this.#metadata = metadata;
    this.#plans = new Map(planColumns(metadata).map((plan) => [plan.name, plan]));
    this.#rows = Number(metadata.num_rows);
    this.#groupStarts = [];
    let start = 0;
    for (const group of metadata.row_groups) {
      this.#groupStarts.push(start);
      start += Number(group.num_rows);
    }
  }

  trees(): string[] {
    return [PARQUET_TREE];
  }

  entries(tree: string): number {
    this.#checkTree(tree);
    return this.#rows;
  }

  branches(tree: string): BranchInfo[] {
    this.#checkTree(tree);
    const infos: BranchInfo[] = [];
    for (const plan of this.#plans.values()) {
      if (plan.type === undefined) continue;
      infos.push(
        plan.counter === undefined
          ? { name: plan.name, type: plan.type }
          : { name: plan.name, type: plan.type, counter: plan.counter },
      );
    }
    return infos;
  }

  async read(
    tree: string,
    branches: readonly string[],
    range?: EntryRange,
  ): Promise<Map<string, Column>> {
    this.#checkTree(tree);
    const start = range?.start ?? 0;
    const stop = range?.stop ?? this.#rows;
    if (
      !(Number.isInteger(start) && Number.isInteger(stop) && 0 <= start && start <= stop &&
        stop <= this.#rows)
    ) {
      throw new ParquetError(
        "PARQUET_BAD_RANGE",
        `Cannot read "${this.url}": entry range [${start}, ${stop}) is outside [0, ${this.#rows})`,
      );
    }
    const plans = branches.map((name) => this.#plan(name));
    // Synthetic counters are computed from the lengths of a list column of their collection:
    // one asked for anyway if there is one, else the first in the file.
    const physical = new Map<string, ColumnPlan>();
    const countedBy = new Map<string, string>();
    for (const plan of plans) {
      if (plan.syntheticFrom === undefined) {
        physical.set(plan.name, plan);
        if (plan.counter !== undefined && !countedBy.has(plan.counter)) {
          countedBy.set(plan.counter, plan.name);
        }
      }
    }
    for (const plan of plans) {
      if (plan.syntheticFrom === undefined || countedBy.has(plan.name)) continue;
      countedBy.set(plan.name, plan.syntheticFrom);
      physical.set(plan.syntheticFrom, this.#plans.get(plan.syntheticFrom)!);
    }
    const groups: number[] = [];
    this.#metadata.row_groups.forEach((group, index) => {
      const groupStart = this.#groupStarts[index];
      const groupStop = groupStart + Number(group.num_rows);
      if (groupStart < stop && groupStop > start) groups.push(index);
    });
    const firstRow = groups.length > 0 ? this.#groupStarts[groups[0]] : 0;
    const groupRows = groups.reduce(
      (sum, index) => sum + Number(this.#metadata.row_groups[index].num_rows),
      0,
    );
    // One array per column for all the row groups read: chunks decode in place, no concatenation.
    const targets = new Map<string, ColumnTarget>();
    for (const plan of physical.values()) {
      let capacity = 0;
      for (const index of groups) {
        capacity += Number(
          this.#metadata.row_groups[index].columns[plan.columnIndex].meta_data!.num_values,
        );
      }
      targets.set(plan.name, {
        values: allocate(plan, capacity),
        offsets: plan.list ? new Int32Array(groupRows + 1) : undefined,
        valueCount: 0,
        rowCount: 0,
      });
    }
    const wanted = [...physical.values()];
    const fetchGroup = (index: number): Promise<Uint8Array[]> => {
      const group = this.#metadata.row_groups[index];
      const ranges = wanted.map((plan) => {
        const meta = group.columns[plan.columnIndex].meta_data!;
        const data = Number(meta.data_page_offset);
        const dictionary = Number(meta.dictionary_page_offset ?? 0);
        // Some writers put 0 for "no dictionary"; the first page is whichever comes first.
        const offset = dictionary > 0 ? Math.min(dictionary, data) : data;
        const length = Number(meta.total_compressed_size);
        if (offset + length > this.#size) {
          throw new ParquetError(
            "PARQUET_CORRUPT",
            `Cannot read column "${plan.name}" of "${this.url}": its chunk in row group ${index} lies beyond the end of the file`,
          );
        }
        return { offset, length };
      });
      return this.#source.readMany(ranges);
    };
    // The next row group is fetched while this one decodes (it matters for remote sources).
    let pending: Promise<Uint8Array[]> | undefined = groups.length > 0
      ? fetchGroup(groups[0])
      : undefined;
    try {
      for (let g = 0; g < groups.length; g++) {
        const index = groups[g];
        const group = this.#metadata.row_groups[index];
        const chunks: Uint8Array[] = await pending!;
        pending = g + 1 < groups.length ? fetchGroup(groups[g + 1]) : undefined;
        wanted.forEach((plan, i) => {
          const meta = group.columns[plan.columnIndex].meta_data!;
          try {
            decodeChunk(
              { plan, meta, bytes: chunks[i], rows: Number(group.num_rows) },
              targets.get(plan.name)!,
            );
          } catch (cause) {
            if (!(cause instanceof ChunkError)) throw cause;
            throw new ParquetError(
              cause.unsupported ? "PARQUET_UNSUPPORTED_TYPE" : "PARQUET_CORRUPT",
              `Cannot read column "${plan.name}" of "${this.url}" (row group ${index}): ${cause.message}`,
              { cause },
            );
          }
        });
      }
    } catch (error) {
      // Let a prefetch in flight settle, so no read outlives the failed call.
      await pending?.catch(() => {});
      throw error;
    }
    const columns = new Map<string, Column>();
    const sharedOffsets = new Map<string, { offsets: Int32Array; from: string }>();
    const assembled = new Map<string, Column>();
    for (const plan of physical.values()) {
      let column = finish(plan, targets.get(plan.name)!, start - firstRow, stop - firstRow);
      if (plan.counter !== undefined) {
        const jaggedColumn = column as Jagged;
        const shared = sharedOffsets.get(plan.counter);
        if (shared === undefined) {
          sharedOffsets.set(plan.counter, { offsets: jaggedColumn.offsets, from: plan.name });
        } else {
          if (!sameOffsets(shared.offsets, jaggedColumn.offsets)) {
            throw new ParquetError(
              "PARQUET_CORRUPT",
              `Cannot read column "${plan.name}" of "${this.url}": its list lengths differ from those of "${shared.from}", though both belong to counter "${plan.counter}"`,
            );
          }
          // One offsets object per collection: kernels test identity to know lists line up.
          column = { offsets: shared.offsets, content: jaggedColumn.content };
        }
      }
      assembled.set(plan.name, column);
    }
    for (const plan of plans) {
      if (plan.syntheticFrom === undefined) {
        columns.set(plan.name, assembled.get(plan.name)!);
      } else {
        const offsets = (assembled.get(countedBy.get(plan.name)!) as Jagged).offsets;
        const counts = new Uint32Array(offsets.length - 1);
        for (let i = 0; i < counts.length; i++) counts[i] = offsets[i + 1] - offsets[i];
        columns.set(plan.name, counts);
      }
    }
    return columns;
  }

  close(): Promise<void> {
    return this.#source.close();
  }

  #checkTree(tree: string): void {
    if (tree !== PARQUET_TREE) {
      throw new ParquetError(
        "PARQUET_UNKNOWN_TREE",
        `Cannot read tree "${tree}" of "${this.url}": a Parquet file has one tree, "${PARQUET_TREE}"`,
      );
    }
  }

  #plan(name: string): ColumnPlan {
    const plan = this.#plans.get(name);
    if (plan === undefined) {
      throw new ParquetError(
        "PARQUET_UNKNOWN_COLUMN",
        `Cannot read column "${name}" of "${this.url}": no such column${
          didYouMean(name, this.#plans.keys())
        }`,
      );
    }
    if (plan.type === undefined) {
      throw new ParquetError(
        "PARQUET_UNSUPPORTED_TYPE",
        `Cannot read column "${name}" of "${this.url}": ${plan.unsupported} is not a numeric column`,
      );
    }
    return plan;
  }
}

function sameOffsets(a: Int32Array, b: Int32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The decoded rows of the row groups read -> the column over [lo, hi) of them. Views, not
 * copies, except the offsets of a range that does not start at a row group's first value.
 */
function finish(plan: ColumnPlan, target: ColumnTarget, lo: number, hi: number): Column {
  const all = convert(plan, target.values.subarray(0, target.valueCount));
  if (!plan.list) return all.subarray(lo, hi);
  const offsets = target.offsets!;
  offsets[target.rowCount] = target.valueCount;
  const from = offsets[lo];
  const to = offsets[hi];
  const content = all.subarray(from, to);
  if (from === 0 && hi === target.rowCount) {
    return { offsets: offsets.subarray(lo, hi + 1), content };
  }
  // Offsets of a part start at 0 again, so they index the content view given with them.
  const part = new Int32Array(hi - lo + 1);
  for (let i = 0; i <= hi - lo; i++) part[i] = offsets[lo + i] - from;
  return { offsets: part, content };
}

/**
 * Writes Ristretto columns as a Parquet file readable by pandas, pyarrow, polars and awkward.
 * @module
 */
import { dirname, join } from "node:path";
import type { Column, NumericArray } from "@ristretto/core/columns";
import type { LeafType } from "@ristretto/core/plugin";
import { eventCount, isJagged } from "@ristretto/core/columns";
import { ParquetError } from "./errors.ts";
import { PARQUET_READER_VERSION } from "./reader.ts";
import { type ColumnSpec, encodeChunk, PHYSICAL } from "./_encode.ts";
import { serializeStruct, T, type ThriftValue } from "./_thrift.ts";

/** Compression codecs the writer offers (all readable by pyarrow). */
export type ParquetCompression = "zstd" | "snappy" | "gzip" | "uncompressed";

/** Options of {@link writeParquet}. */
export interface WriteParquetOptions {
  /** Page compression (default zstd, as NanoAOD Parquet files use). */
  readonly compression?: ParquetCompression;
  /** Rows per row group (default 100,000): the unit a reader can skip. */
  readonly rowGroupSize?: number;
  /**
   * Element types for Uint8Array columns, which Ristretto uses both for masks (`bool`, the
   * default) and for NanoAOD's `uint8` branches: e.g. `{ Electron_cutBased: "uint8" }`. The
   * BranchInfo types of a reader can be passed as they are; other entries are ignored.
   */
  readonly types?: Readonly<Record<string, LeafType>>;
}

/** Defaults of {@link WriteParquetOptions}. */
export const writeDefaults: Required<WriteParquetOptions> = {
  compression: "zstd",
  rowGroupSize: 100_000,
  types: {},
};

const CODECS = {
  zstd: "ZSTD",
  snappy: "SNAPPY",
  gzip: "GZIP",
  uncompressed: "UNCOMPRESSED",
} as const;

/** Values per data page: ~1 MiB of floats, the size pyarrow aims at. */
const PAGE_VALUES = 1 << 18;

const CONVERTED_LIST = 3;
const REQUIRED = 0;
const REPEATED = 2;

/** How a TypedArray is stored: Parquet physical type plus the annotation that keeps its kind. */
function leafSpec(
  name: string,
  column: { values: NumericArray; offsets?: Int32Array; type?: LeafType },
): ColumnSpec {
  const { values, offsets } = column;
  const base = { name, values, offsets };
  // ConvertedType ids: UINT_8 11, UINT_16 12, UINT_32 13, UINT_64 14, INT_8 15, INT_16 16.
  const integer = (
    physical: "INT32" | "INT64",
    converted: number,
    bitWidth: number,
    isSigned: boolean,
  ) => ({
    ...base,
    physical,
    converted,
    integer: { bitWidth, isSigned },
  });
  if (values instanceof Float32Array) return { ...base, physical: "FLOAT" };
  if (values instanceof Float64Array) return { ...base, physical: "DOUBLE" };
  if (values instanceof Uint8Array) {
    if (column.type === "uint8") return integer("INT32", 11, 8, false);
    // A Uint8Array is a Mask (bool) unless told otherwise; refuse to squash other values to 1.
    for (let i = 0; i < values.length; i++) {
      if (values[i] > 1) {
        throw new ParquetError(
          "PARQUET_WRITE",
          `Cannot write column "${name}" as bool: it holds the value ${
            values[i]
          }; pass types: { ${name}: "uint8" } to write it as uint8`,
        );
      }
    }
    return { ...base, physical: "BOOLEAN" };
  }
  if (values instanceof Int8Array) return integer("INT32", 15, 8, true);
  if (values instanceof Int16Array) return integer("INT32", 16, 16, true);
  if (values instanceof Uint16Array) return integer("INT32", 12, 16, false);
  if (values instanceof Int32Array) return { ...base, physical: "INT32" };
  if (values instanceof Uint32Array) return integer("INT32", 13, 32, false);
  if (values instanceof BigInt64Array) return { ...base, physical: "INT64" };
  if (values instanceof BigUint64Array) return integer("INT64", 14, 64, false);
  throw new ParquetError(
    "PARQUET_WRITE",
    `Cannot write column "${name}": unsupported array type ${
      (values as object)?.constructor?.name
    }`,
  );
}

/** Schema elements of one column: a required leaf, or required LIST > repeated list > item. */
function schemaElements(spec: ColumnSpec): ThriftValue[] {
  const leaf = (name: string) =>
    T.struct({
      1: T.i32(PHYSICAL[spec.physical]),
      3: T.i32(REQUIRED),
      4: T.string(name),
      6: spec.converted === undefined ? undefined : T.i32(spec.converted),
      10: spec.integer === undefined ? undefined : T.struct({
        10: T.struct({ 1: T.byte(spec.integer.bitWidth), 2: T.bool(spec.integer.isSigned) }),
      }),
    });
  if (spec.offsets === undefined) return [leaf(spec.name)];
  return [
    T.struct({
      3: T.i32(REQUIRED),
      4: T.string(spec.name),
      5: T.i32(1),
      6: T.i32(CONVERTED_LIST),
      10: T.struct({ 3: T.struct({}) }),
    }),
    T.struct({ 3: T.i32(REPEATED), 4: T.string("list"), 5: T.i32(1) }),
    leaf("item"),
  ];
}

/**
 * Writes columns to `path` as Parquet: flat columns as required primitives, jagged ones as
 * required LIST<item> of required primitives (the layout awkward writes for NanoAOD), PLAIN
 * values in v1 data pages, with min/max statistics. The file appears whole or not at all
 * (written to a temporary name beside it, then renamed).
 *
 * Uint8Array columns are written as booleans (Ristretto masks) unless `types` says `uint8`;
 * a "bool" column holding values above 1 is refused rather than squashed.
 *
 * @example
 * ```ts ignore
 * await writeParquet("out/columns.parquet", new Map([["MET_pt", Float32Array.of(30, 40)]]));
 * ```
 */
export async function writeParquet(
  path: string,
  columns: ReadonlyMap<string, Column>,
  options: WriteParquetOptions = {},
): Promise<void> {
  const settings = { ...writeDefaults, ...options };
  const fail = (reason: string) =>
    new ParquetError("PARQUET_WRITE", `Cannot write "${path}": ${reason}`);
  if (columns.size === 0) throw fail("no columns given");
  if (!(Number.isInteger(settings.rowGroupSize) && settings.rowGroupSize > 0)) {
    throw fail(`rowGroupSize must be a positive integer, got ${settings.rowGroupSize}`);
  }
  const codec = CODECS[settings.compression];
  if (codec === undefined) {
    throw fail(
      `unknown compression "${settings.compression}" (use ${Object.keys(CODECS).join(", ")})`,
    );
  }
  let rows = -1;
  let firstName = "";
  const specs: ColumnSpec[] = [];
  for (const [name, column] of columns) {
    const count = eventCount(column);
    if (rows < 0) {
      rows = count;
      firstName = name;
    } else if (count !== rows) {
      throw fail(`column "${name}" has ${count} rows, "${firstName}" has ${rows}`);
    }
    const type = settings.types[name];
    specs.push(
      isJagged(column)
        ? leafSpec(name, { values: column.content, offsets: column.offsets, type })
        : leafSpec(name, { values: column as NumericArray, type }),
    );
  }

  // Same directory as the target, so the rename is atomic (one filesystem).
  const temporary = join(
    dirname(path),
    `.${path.split("/").pop()}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(temporary, { write: true, createNew: true });
    const writeAll = async (bytes: Uint8Array) => {
      for (let done = 0; done < bytes.length;) {
        done += await file!.write(bytes.subarray(done));
      }
    };
    const magic = new TextEncoder().encode("PAR1");
    await writeAll(magic);
    let position = magic.length;
    const rowGroups: ThriftValue[] = [];
    for (let start = 0; start < rows; start += settings.rowGroupSize) {
      const stop = Math.min(rows, start + settings.rowGroupSize);
      const groupOffset = position;
      let uncompressed = 0;
      const chunks: ThriftValue[] = [];
      for (const spec of specs) {
        const chunk = encodeChunk(spec, {
          rowStart: start,
          rowStop: stop,
          codec,
          fileOffset: position,
          pageValues: PAGE_VALUES,
        });
        for (const part of chunk.parts) await writeAll(part);
        position += chunk.size;
        uncompressed += chunk.uncompressedSize;
        chunks.push(chunk.meta);
      }
      rowGroups.push(T.struct({
        1: T.list("struct", chunks),
        2: T.i64(uncompressed),
        3: T.i64(stop - start),
        5: T.i64(groupOffset),
        6: T.i64(position - groupOffset),
      }));
    }
    const footer = serializeStruct({
      1: T.i32(1),
      2: T.list("struct", [
        T.struct({ 4: T.string("schema"), 5: T.i32(specs.length) }),
        ...specs.flatMap(schemaElements),
      ]),
      3: T.i64(rows),
      4: T.list("struct", rowGroups),
      6: T.string(`ristretto parquet writer ${PARQUET_READER_VERSION}`),
      // TypeDefinedOrder for every leaf: min/max follow the logical type (unsigned stays unsigned).
      7: T.list("struct", specs.map(() => T.struct({ 1: T.struct({}) }))),
    });
    const trailer = new Uint8Array(8);
    new DataView(trailer.buffer).setUint32(0, footer.length, true);
    trailer.set(magic, 4);
    await writeAll(footer);
    await writeAll(trailer);
    file.close();
    file = undefined;
    await Deno.rename(temporary, path);
  } catch (cause) {
    file?.close();
    await Deno.remove(temporary).catch(() => {});
    if (cause instanceof ParquetError) throw cause;
    throw new ParquetError("PARQUET_WRITE", `Cannot write "${path}": ${(cause as Error).message}`, {
      cause,
    });
  }
}

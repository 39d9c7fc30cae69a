/**
 * UHI JSON (de)serialisation (uhi_schema 1), readable and writable by Python's `hist`,
 * boost-histogram and `uhi`. A document maps histogram names to histograms; storage arrays are
 * row-major, flow bins included, nested one level per axis.
 * @module
 */
import { InputError } from "../errors/mod.ts";
import {
  type Axis,
  boolean,
  intCategory,
  integer,
  type Metadata,
  regular,
  strCategory,
  variable,
  type WriterInfo,
} from "./axes.ts";
import { Hist, STORAGE_FIELDS, type StorageType } from "./hist.ts";
import { sizeOf, stridesOf } from "./_layout.ts";
import { validateHistogramEntry, validateUHI } from "./_uhi_validate.ts";

export { validateUHI };

/** A JSON value as read from a UHI file. */
export type UHIJson = null | boolean | number | string | UHIJson[] | { [key: string]: UHIJson };

/** One serialised histogram (the value under a name in a UHI document). */
export type UHIHistogram = { [key: string]: UHIJson };

/** A UHI document: histogram name -> serialised histogram. */
export type UHIDocument = Record<string, UHIHistogram>;

// Our own hints live under writer_info.ristretto; they are stripped on read so that a file
// written by another library round-trips unchanged.
const OUR_WRITER = "ristretto";

function fail(name: string, reason: string): never {
  throw new InputError("UHI_INVALID", `Cannot read UHI histogram "${name}": ${reason}`);
}

function isObject(value: unknown): value is Record<string, UHIJson> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Splits axis metadata into name, label and the rest. */
function splitAxisMetadata(
  metadata: Metadata | undefined,
): { name: string; label: string; metadata: Metadata | undefined } {
  if (metadata === undefined) return { name: "", label: "", metadata: undefined };
  // Only string names and labels become axis fields; anything else stays metadata verbatim.
  const rest: Metadata = { ...metadata };
  const name = typeof metadata.name === "string" ? metadata.name : "";
  const label = typeof metadata.label === "string" ? metadata.label : "";
  if (typeof metadata.name === "string") delete rest.name;
  if (typeof metadata.label === "string") delete rest.label;
  return { name, label, metadata: rest };
}

/** Removes our hints from writer_info and returns them. */
function takeHints(
  writerInfo: WriterInfo | undefined,
): { writerInfo: WriterInfo | undefined; hints: Metadata } {
  if (writerInfo === undefined || !isObject(writerInfo[OUR_WRITER])) {
    return { writerInfo, hints: {} };
  }
  const { [OUR_WRITER]: hints, ...rest } = writerInfo;
  return { writerInfo: Object.keys(rest).length ? rest : undefined, hints: hints as Metadata };
}

function axisFromUHI(json: Record<string, UHIJson>, name: string, index: number): Axis {
  const split = splitAxisMetadata(json.metadata as Metadata | undefined);
  const { writerInfo, hints } = takeHints(json.writer_info as WriterInfo | undefined);
  const common = { label: split.label, metadata: split.metadata, writerInfo };
  try {
    switch (json.type) {
      case "regular": {
        const boostType = (writerInfo?.["boost-histogram"] as Metadata | undefined)?.orig_type;
        const lower = json.lower as number;
        const upper = json.upper as number;
        const bins = json.bins as number;
        if (
          (hints.orig_type === "integer" || boostType === "Integer") &&
          Number.isInteger(lower) && Number.isInteger(upper) && upper - lower === bins
        ) {
          return integer(split.name, {
            start: lower,
            stop: upper,
            underflow: json.underflow as boolean,
            overflow: json.overflow as boolean,
            ...common,
          });
        }
        return regular(split.name, {
          bins,
          start: lower,
          stop: upper,
          underflow: json.underflow as boolean,
          overflow: json.overflow as boolean,
          circular: json.circular as boolean,
          ...common,
        });
      }
      case "variable":
        if (typeof json.edges === "string") {
          fail(
            name,
            `axes[${index}].edges is a path ("${json.edges}"); external data is not supported`,
          );
        }
        return variable(split.name, json.edges as number[], {
          underflow: json.underflow as boolean,
          overflow: json.overflow as boolean,
          circular: json.circular as boolean,
          ...common,
        });
      case "category_str":
        return strCategory(split.name, json.categories as string[], {
          overflow: json.flow as boolean,
          growth: hints.growth === true,
          ...common,
        });
      case "category_int":
        return intCategory(split.name, json.categories as number[], {
          overflow: json.flow as boolean,
          growth: hints.growth === true,
          ...common,
        });
      default:
        return boolean(split.name, common);
    }
  } catch (error) {
    if (error instanceof InputError && error.code === "HIST_BAD_AXIS") {
      fail(name, `axes[${index}]: ${error.message}`);
    }
    throw error;
  }
}

function axisToUHI(axis: Axis): UHIHistogram {
  const metadata: Metadata = { ...axis.metadata };
  if (axis.name !== "") metadata.name = axis.name;
  if (axis.label !== "") metadata.label = axis.label;
  const hints: Metadata = {};
  let out: UHIHistogram;
  switch (axis.kind) {
    case "regular":
      out = {
        type: "regular",
        lower: axis.start,
        upper: axis.stop,
        bins: axis.bins,
        underflow: axis.underflow,
        overflow: axis.overflow,
        circular: axis.circular,
      };
      break;
    case "integer":
      // UHI has no integer axis; boost-histogram writes it as regular plus a writer hint too.
      out = {
        type: "regular",
        lower: axis.start,
        upper: axis.stop,
        bins: axis.bins,
        underflow: axis.underflow,
        overflow: axis.overflow,
        circular: false,
      };
      if ((axis.writerInfo?.["boost-histogram"] as Metadata | undefined)?.orig_type !== "Integer") {
        hints.orig_type = "integer";
      }
      break;
    case "variable":
      out = {
        type: "variable",
        edges: Array.from(axis.edges()),
        underflow: axis.underflow,
        overflow: axis.overflow,
        circular: axis.circular,
      };
      break;
    case "strCategory":
      out = { type: "category_str", categories: [...axis.categories], flow: axis.overflow };
      if (axis.growth) hints.growth = true;
      break;
    case "intCategory":
      out = { type: "category_int", categories: [...axis.categories], flow: axis.overflow };
      if (axis.growth) hints.growth = true;
      break;
    case "boolean":
      out = { type: "boolean" };
      break;
  }
  if (axis.metadata !== undefined || Object.keys(metadata).length > 0) out.metadata = metadata;
  const writerInfo: WriterInfo = structuredClone(axis.writerInfo ?? {});
  if (Object.keys(hints).length > 0) {
    writerInfo[OUR_WRITER] = { ...writerInfo[OUR_WRITER], ...hints };
  }
  if (Object.keys(writerInfo).length > 0) out.writer_info = writerInfo;
  return out;
}

/** Flattens a nested array of the given shape, checking the shape (flat arrays also accepted). */
function flatten(
  data: UHIJson,
  shape: readonly number[],
  name: string,
  what: string,
): Float64Array {
  const size = sizeOf(shape);
  const out = new Float64Array(size);
  if (!Array.isArray(data)) fail(name, `${what} must be an array`);
  // A flat list of the right length is accepted for any dimension (lenient reading).
  if (data.length === size && data.every((x) => typeof x === "number")) {
    for (let i = 0; i < size; i++) out[i] = data[i] as number;
    return out;
  }
  const dims = shape.length === 0 ? [1] : shape;
  let offset = 0;
  const walk = (node: UHIJson, depth: number, path: string): void => {
    if (!Array.isArray(node) || node.length !== dims[depth]) {
      fail(
        name,
        `${what}${path} must have ${
          dims[depth]
        } entries to match the axes (flow bins included: shape [${dims.join(", ")}])`,
      );
    }
    for (let i = 0; i < node.length; i++) {
      const item = node[i];
      if (depth === dims.length - 1) {
        if (typeof item !== "number") fail(name, `${what}${path}[${i}] must be a number`);
        out[offset++] = item;
      } else {
        walk(item, depth + 1, `${path}[${i}]`);
      }
    }
  };
  walk(data, 0, "");
  return out;
}

function nest(data: Float64Array, shape: readonly number[]): UHIJson[] {
  if (shape.length <= 1) return Array.from(data);
  const build = (depth: number, offset: number, stride: number): UHIJson[] => {
    const n = shape[depth];
    const inner = stride / n;
    const out: UHIJson[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = depth === shape.length - 1
        ? data[offset + i]
        : build(depth + 1, offset + i * inner, inner);
    }
    return out;
  };
  return build(0, 0, data.length);
}

/**
 * Reads one serialised histogram (validated against the schema first).
 *
 * @example
 * ```ts
 * import { histFromUHI } from "./uhi.ts";
 * const h = histFromUHI({
 *   uhi_schema: 1,
 *   axes: [{ type: "regular", lower: 0, upper: 5, bins: 3, underflow: true, overflow: true, circular: false }],
 *   storage: { type: "int", values: [1, 2, 3, 4, 5] },
 * });
 * if (h.values().join() !== "2,3,4") throw new Error();
 * ```
 */
export function histFromUHI(json: unknown, options: { name?: string } = {}): Hist {
  const name = options.name ?? "histogram";
  validateHistogramEntry(json, name);
  const entry = json as UHIHistogram;
  const axes = (entry.axes as Record<string, UHIJson>[]).map((a, i) => axisFromUHI(a, name, i));
  const storageJson = entry.storage as Record<string, UHIJson>;
  const storage = storageJson.type as StorageType;
  const shape = axes.map((a) => a.extent);
  const size = sizeOf(shape);
  const fields = STORAGE_FIELDS[storage];
  const arrays: Record<string, Float64Array> = {};
  let layout: Hist["uhiLayout"] = "dense";
  if (!fields.some((f) => Object.hasOwn(storageJson, f))) {
    layout = "empty";
    for (const field of fields) arrays[field] = new Float64Array(size);
  } else {
    for (const field of fields) {
      if (typeof storageJson[field] === "string") {
        fail(
          name,
          `storage.${field} is a path ("${storageJson[field]}"); external data is not supported`,
        );
      }
    }
    if (Object.hasOwn(storageJson, "index")) {
      layout = "sparse";
      const index = storageJson.index;
      if (typeof index === "string") {
        fail(name, `storage.index is a path ("${index}"); external data is not supported`);
      }
      const rows = index as number[][];
      const count = (storageJson[fields[0]] as UHIJson[]).length;
      if (rows.length !== axes.length) {
        fail(name, `storage.index has ${rows.length} rows for ${axes.length} axes`);
      }
      const strides = stridesOf(shape);
      const flat = new Int32Array(count);
      rows.forEach((row, k) => {
        if (row.length !== count) {
          fail(name, `storage.index[${k}] has ${row.length} entries, the data has ${count}`);
        }
        row.forEach((p, j) => {
          if (p < 0 || p >= shape[k]) {
            fail(
              name,
              `storage.index[${k}][${j}] = ${p} is outside axis ${k} (0..${
                shape[k] - 1
              }, flow bins included)`,
            );
          }
          flat[j] += p * strides[k];
        });
      });
      for (const field of fields) {
        const sparse = storageJson[field] as UHIJson[];
        if (sparse.length !== count || sparse.some((x) => typeof x !== "number")) {
          fail(name, `storage.${field} must be a flat list of ${count} numbers (one per index)`);
        }
        const dense = new Float64Array(size);
        for (let j = 0; j < count; j++) dense[flat[j]] = sparse[j] as number;
        arrays[field] = dense;
      }
    } else {
      for (const field of fields) {
        arrays[field] = flatten(storageJson[field], shape, name, `storage.${field}`);
      }
    }
  }
  let hist: Hist;
  try {
    hist = Hist.fromArrays(axes, {
      storage,
      arrays,
      metadata: entry.metadata as Metadata | undefined,
      writerInfo: entry.writer_info as WriterInfo | undefined,
    });
  } catch (error) {
    if (error instanceof InputError) fail(name, error.message);
    throw error;
  }
  hist.uhiLayout = layout;
  return hist;
}

/**
 * Serialises one histogram. The storage is written as `hist.uhiLayout` says ("dense" unless the
 * histogram was read from a sparse or empty entry), or as `options.layout`; "empty" is only
 * used while every bin is zero.
 *
 * @example
 * ```ts
 * import { Hist, histToUHI, regular } from "./mod.ts";
 * const h = new Hist([regular("x", { bins: 2, start: 0, stop: 2 })]).fill({ x: [0.5] });
 * const json = histToUHI(h);
 * if (JSON.stringify((json.storage as { values: number[] }).values) !== "[0,1,0,0]") throw new Error();
 * ```
 */
export function histToUHI(
  hist: Hist,
  options: { layout?: "dense" | "sparse" | "empty" } = {},
): UHIHistogram {
  const out: UHIHistogram = { uhi_schema: 1 };
  if (hist.writerInfo !== undefined) out.writer_info = structuredClone(hist.writerInfo);
  if (hist.metadata !== undefined) out.metadata = { ...hist.metadata };
  out.axes = hist.axes.map(axisToUHI);
  const fields = STORAGE_FIELDS[hist.storage];
  const storage: Record<string, UHIJson> = { type: hist.storage };
  const arrays = fields.map((f) => hist.storageArray(f));
  const shape = hist.axes.map((a) => a.extent);
  // -0 and NaN count as content: they are what a file said, and must be written back.
  const isContent = (i: number) => arrays.some((a) => !Object.is(a[i], 0));
  let layout = options.layout ?? hist.uhiLayout;
  if (layout === "empty") {
    for (let i = 0; i < hist.size; i++) {
      if (isContent(i)) {
        layout = "dense";
        break;
      }
    }
  }
  if (layout === "dense") {
    fields.forEach((field, j) => (storage[field] = nest(arrays[j], shape)));
  } else if (layout === "sparse") {
    const strides = stridesOf(shape);
    const bins: number[] = [];
    for (let i = 0; i < hist.size; i++) if (isContent(i)) bins.push(i);
    storage.index = shape.map((extent, k) => bins.map((i) => Math.floor(i / strides[k]) % extent));
    fields.forEach((field, j) => (storage[field] = bins.map((i) => arrays[j][i])));
  }
  out.storage = storage;
  return out;
}

/**
 * Reads a UHI document (histogram name -> histogram), validating it against the schema.
 * Invalid input raises InputError (code UHI_INVALID) naming the histogram and the JSON path.
 *
 * @example
 * ```ts
 * import { fromUHI } from "./uhi.ts";
 * const hists = fromUHI({ one: { uhi_schema: 1, axes: [], storage: { type: "int", values: [1] } } });
 * if (hists.one.sum().value !== 1) throw new Error();
 * ```
 */
export function fromUHI(json: unknown): Record<string, Hist> {
  validateUHI(json);
  const out: Record<string, Hist> = {};
  for (const [name, entry] of Object.entries(json as UHIDocument)) {
    out[name] = histFromUHI(entry, { name });
  }
  return out;
}

/**
 * Writes histograms as a UHI document, keys in sorted order (deterministic output).
 *
 * @example
 * ```ts
 * import { fromUHI, Hist, regular, toUHI } from "./mod.ts";
 * const h = new Hist([regular("x", { bins: 3, start: 0, stop: 3 })]).fill({ x: [1.5] }, { weight: 2 });
 * const back = fromUHI(toUHI({ h })).h;
 * if (!back.equals(h)) throw new Error();
 * ```
 */
export function toUHI(
  hists: Readonly<Record<string, Hist>>,
  options: { layout?: "dense" | "sparse" | "empty" } = {},
): UHIDocument {
  const out: UHIDocument = {};
  for (const name of Object.keys(hists).sort()) {
    if (name === "") {
      throw new InputError(
        "UHI_INVALID",
        `Cannot write UHI histogram "": histogram names must not be empty`,
      );
    }
    out[name] = histToUHI(hists[name], options);
  }
  return out;
}

// Bare NaN / Infinity / -Infinity (as Python's json module writes them) become these strings
// while JSON.parse runs, then numbers again; strings in the text are matched whole and skipped.
const SPECIAL = "\u0000ristretto-number:";
const TOKENS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

/**
 * Parses UHI JSON text, accepting the bare NaN, Infinity and -Infinity that Python's `json`
 * module writes (boost-histogram's mean storages contain them).
 *
 * @example
 * ```ts
 * import { parseUHI } from "./uhi.ts";
 * const doc = parseUHI('{"v": [NaN, -Infinity, "NaN"]}') as { v: unknown[] };
 * if (!Number.isNaN(doc.v[0]) || doc.v[1] !== -Infinity || doc.v[2] !== "NaN") throw new Error();
 * ```
 */
export function parseUHI(text: string): UHIJson {
  const replaced = text.replace(
    TOKENS,
    (token) => (token[0] === '"' ? token : `"\\u0000ristretto-number:${token}"`),
  );
  try {
    return JSON.parse(replaced, (_key, value) => {
      if (typeof value === "string" && value.startsWith(SPECIAL)) {
        const token = value.slice(SPECIAL.length);
        return token === "NaN" ? NaN : token === "Infinity" ? Infinity : -Infinity;
      }
      return value;
    });
  } catch (error) {
    throw new InputError(
      "UHI_BAD_JSON",
      `Cannot parse UHI JSON "${text.slice(0, 40)}...": ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Writes UHI JSON text; NaN, +-Infinity and -0 are written as Python's `json` writes them
 * (NaN, Infinity, -Infinity, -0.0) so that nothing is lost and Python reads it back.
 *
 * @example
 * ```ts
 * import { stringifyUHI } from "./uhi.ts";
 * if (stringifyUHI({ v: [NaN, -0, 1] }) !== '{"v":[NaN,-0.0,1]}') throw new Error();
 * ```
 */
export function stringifyUHI(document: unknown, options: { indent?: number } = {}): string {
  const text = JSON.stringify(
    document,
    (_key, value) => {
      if (typeof value !== "number") return value;
      if (Number.isNaN(value)) return `${SPECIAL}NaN`;
      if (value === Infinity) return `${SPECIAL}Infinity`;
      if (value === -Infinity) return `${SPECIAL}-Infinity`;
      if (Object.is(value, -0)) return `${SPECIAL}-0.0`;
      return value;
    },
    options.indent,
  );
  return text.replace(/"\\u0000ristretto-number:([^"]*)"/g, "$1");
}

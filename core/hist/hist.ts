/**
 * The histogram: axes plus a dense, row-major storage that includes the flow bins.
 * @module
 */
import { didYouMean, InputError, RistrettoError } from "../errors/mod.ts";
import {
  type Axis,
  DROPPED,
  IntCategoryAxis,
  type Metadata,
  StrCategoryAxis,
  type WriterInfo,
} from "./axes.ts";
import { remap, sizeOf, stridesOf } from "./_layout.ts";

/**
 * Storage kinds, named as in the UHI schema. `weighted` keeps the sum of weights and the sum of
 * squared weights; `double` a (weighted) count; `int` an unweighted count; `mean` and
 * `weighted_mean` are profile storages, read and written but not filled here.
 */
export type StorageType = "int" | "double" | "weighted" | "mean" | "weighted_mean";

/** The bin arrays each storage keeps, under their UHI names. */
export const STORAGE_FIELDS: Readonly<Record<StorageType, readonly string[]>> = {
  int: ["values"],
  double: ["values"],
  weighted: ["values", "variances"],
  mean: ["counts", "values", "variances"],
  weighted_mean: ["sum_of_weights", "sum_of_weights_squared", "values", "variances"],
};

/**
 * What one axis is filled with: an array (one value per entry), or a single value that applies
 * to the whole batch (the usual case for category and variation axes).
 * String-category axes take a string, or per entry either category indices (Int32Array...) or
 * category names; integer-category axes take category values; boolean axes take masks.
 */
export type FillValue =
  | ArrayLike<number>
  | readonly string[]
  | readonly boolean[]
  | string
  | number
  | boolean;

/** Options of {@link Hist}. */
export interface HistOptions {
  /** Storage kind; default "weighted" (MC needs the sum of squared weights). */
  storage?: StorageType;
  /** Histogram-level UHI metadata (flat). */
  metadata?: Metadata;
  /** Histogram-level UHI writer_info. */
  writerInfo?: WriterInfo;
}

/** Options of {@link Hist.fill}. */
export interface FillOptions {
  /** One weight per entry, or one weight for all entries (default 1). */
  weight?: ArrayLike<number> | number;
}

/** Options of the bin accessors. */
export interface FlowOptions {
  /** Include the flow bins (default false). */
  flow?: boolean;
}

/** A sum of weights with its variance. */
export interface WeightedSum {
  /** Sum of weights (or counts). */
  value: number;
  /** Sum of squared weights (the count itself for unweighted storage). */
  variance: number;
}

// Entries are processed in chunks so that the index scratch stays in the L1/L2 cache.
const CHUNK = 4096;
const scratchFlat = new Int32Array(CHUNK);
const scratchPosition = new Int32Array(CHUNK);
const MAX_BINS = 2 ** 31 - 1;

function isStorageType(value: unknown): value is StorageType {
  return typeof value === "string" && Object.hasOwn(STORAGE_FIELDS, value);
}

function isArrayColumn(value: unknown): value is ArrayLike<number> | readonly string[] {
  return typeof value === "object" && value !== null &&
    typeof (value as { length?: unknown }).length === "number";
}

function chunkOf<T>(column: ArrayLike<T>, start: number, end: number): ArrayLike<T> {
  const typed = column as unknown as { subarray?: (a: number, b: number) => ArrayLike<T> };
  if (typeof typed.subarray === "function") return typed.subarray(start, end);
  return Array.prototype.slice.call(column, start, end) as T[];
}

/**
 * A histogram. Storage arrays are row-major with the first axis slowest and include the flow
 * bins (underflow at position 0 of an axis when present, overflow last), which is exactly the
 * UHI layout.
 *
 * @example
 * ```ts
 * import { Hist, regular, strCategory } from "./mod.ts";
 * const h = new Hist([
 *   strCategory("category", ["ee", "mumu"]),
 *   regular("pt", { bins: 4, start: 0, stop: 100 }),
 * ]);
 * h.fill({ category: "ee", pt: new Float64Array([10, 30, 30, 150]) }, { weight: 0.5 });
 * const ee = h.select({ category: "ee" });
 * // flow bins included: [underflow, 0-25, 25-50, 50-75, 75-100, overflow]
 * if (ee.values({ flow: true }).join() !== "0,0.5,1,0,0,0.5") throw new Error();
 * ```
 */
export class Hist {
  /** Storage kind. */
  readonly storage: StorageType;
  /** Histogram-level UHI metadata; undefined when there is none. */
  metadata: Metadata | undefined;
  /** Histogram-level UHI writer_info; undefined when there is none. */
  writerInfo: WriterInfo | undefined;
  /**
   * How `toUHI` writes the storage: "dense" (default), "sparse" (non-zero bins with their
   * index), or "empty" (type only; used only while every bin is zero). `fromUHI` sets it to the
   * layout it read, so that a file round-trips unchanged.
   */
  uhiLayout: "dense" | "sparse" | "empty" = "dense";
  #axes: Axis[];
  #data: Record<string, Float64Array>;

  /** An empty histogram over `axes` (first axis slowest in storage); default storage "weighted". */
  constructor(axes: readonly Axis[], options: HistOptions = {}) {
    checkAxes(axes);
    const storage = options.storage ?? "weighted";
    if (!isStorageType(storage)) {
      throw new InputError(
        "HIST_BAD_STORAGE",
        `Cannot create histogram "${
          axes.map((a) => a.name).join(", ")
        }": unknown storage "${storage}"${
          didYouMean(String(storage), Object.keys(STORAGE_FIELDS))
        }`,
      );
    }
    this.storage = storage;
    this.#axes = [...axes];
    this.metadata = options.metadata === undefined ? undefined : { ...options.metadata };
    this.writerInfo = options.writerInfo === undefined
      ? undefined
      : structuredClone(options.writerInfo);
    const size = sizeOf(axes.map((a) => a.extent));
    this.#data = {};
    for (const field of STORAGE_FIELDS[storage]) this.#data[field] = new Float64Array(size);
  }

  /**
   * A histogram over existing bin arrays (flow bins included, row-major), one per field of the
   * storage (see {@link STORAGE_FIELDS}). The arrays are adopted, not copied.
   */
  static fromArrays(
    axes: readonly Axis[],
    options: HistOptions & { arrays: Record<string, Float64Array> },
  ): Hist {
    const hist = new Hist(axes, options);
    const size = hist.size;
    for (const field of STORAGE_FIELDS[hist.storage]) {
      const array = options.arrays[field];
      if (!(array instanceof Float64Array) || array.length !== size) {
        throw new InputError(
          "HIST_BAD_DATA",
          `Cannot create histogram "${hist.#title()}": storage field "${field}" needs a Float64Array of ${size} bins`,
        );
      }
      hist.#data[field] = array;
    }
    return hist;
  }

  /** The axes, first (slowest in storage) first. */
  get axes(): readonly Axis[] {
    return this.#axes;
  }

  /** Number of storage bins, flow bins included. */
  get size(): number {
    return this.#data[STORAGE_FIELDS[this.storage][0]].length;
  }

  /** Number of bins per axis, with or without the flow bins. */
  shape(options: FlowOptions = {}): number[] {
    return this.#axes.map((a) => (options.flow ? a.extent : a.bins));
  }

  /** The axis called `name` (with a did-you-mean error when there is none). */
  axis(name: string): Axis {
    const index = this.#axisIndex(name, "find axis");
    return this.#axes[index];
  }

  /**
   * The live storage array of one field (flow bins included, row-major): no copy, so writes go
   * into the histogram. For serialisers and plotters; analysis code should use values().
   */
  storageArray(field: string): Float64Array {
    const array = this.#data[field];
    if (array === undefined) {
      throw new InputError(
        "HIST_BAD_FIELD",
        `Cannot read storage field "${field}": ${this.storage} storage has ${
          STORAGE_FIELDS[this.storage].join(", ")
        }`,
      );
    }
    return array;
  }

  /**
   * Fills a batch of entries. Every axis needs a column (by axis name, or by position when an
   * array is given); a single string/number applies to the whole batch. The flat bin index is
   * computed axis by axis, then one loop accumulates, so the cost is a few passes over typed
   * arrays whatever the number of axes.
   *
   * @example
   * ```ts
   * import { Hist, regular } from "./mod.ts";
   * const h = new Hist([regular("x", { bins: 2, start: 0, stop: 2 })]);
   * h.fill({ x: new Float64Array([0.5, 1.5, 1.5]) }, { weight: new Float64Array([1, 2, 3]) });
   * // bin 1: 2 + 3 = 5 ; variance 2*2 + 3*3 = 13
   * if (h.values()[1] !== 5 || h.variances()[1] !== 13) throw new Error();
   * ```
   */
  fill(
    columns: Readonly<Record<string, FillValue>> | readonly FillValue[],
    options: FillOptions = {},
  ): this {
    const storage = this.storage;
    if (storage === "mean" || storage === "weighted_mean") {
      throw new InputError(
        "HIST_UNSUPPORTED_STORAGE",
        `Cannot fill histogram "${this.#title()}": filling ${storage} storage is not supported (read/write only)`,
      );
    }
    const values = this.#columnsInAxisOrder(columns);
    const weight = options.weight;
    if (storage === "int" && weight !== undefined) {
      throw new InputError(
        "HIST_BAD_FILL",
        `Cannot fill histogram "${this.#title()}": int storage takes no weights (use "double" or "weighted")`,
      );
    }
    // Entry count from the array columns and the weights; all must agree.
    let n = -1;
    const checkLength = (length: number, what: string) => {
      if (n >= 0 && length !== n) {
        throw new InputError(
          "HIST_BAD_FILL",
          `Cannot fill histogram "${this.#title()}": ${what} has ${length} entries, expected ${n}`,
        );
      }
      n = length;
    };
    for (let k = 0; k < values.length; k++) {
      const column = values[k];
      if (isArrayColumn(column)) {
        if (column instanceof BigInt64Array || column instanceof BigUint64Array) {
          throw new InputError(
            "HIST_BAD_FILL",
            `Cannot fill axis "${
              this.#axes[k].name
            }": 64-bit integer columns must be converted to numbers first`,
          );
        }
        checkLength(column.length, `column "${this.#axes[k].name}"`);
      }
    }
    if (isArrayColumn(weight)) checkLength(weight.length, "the weight");
    else if (weight !== undefined && typeof weight !== "number") {
      throw new InputError(
        "HIST_BAD_FILL",
        `Cannot fill histogram "${this.#title()}": weight must be a number or an array`,
      );
    }
    if (n < 0) n = 1;
    this.#grow(values);

    const axes = this.#axes;
    const strides = stridesOf(axes.map((a) => a.extent));
    let base = 0;
    const arrayAxes: number[] = [];
    for (let k = 0; k < axes.length; k++) {
      const column = values[k];
      if (isArrayColumn(column)) {
        arrayAxes.push(k);
        continue;
      }
      const position = this.#scalarPosition(k, column);
      if (position === DROPPED) return this; // the whole batch is outside this histogram
      base += position * strides[k];
    }

    // Hot path: one regular axis filled per entry, weighted storage: fused single pass.
    if (arrayAxes.length === 1 && this.storage === "weighted") {
      const k = arrayAxes[0];
      const axis = axes[k];
      const column = values[k] as ArrayLike<number>;
      if (
        axis.kind === "regular" &&
        axis._fillWeighted(
          column,
          weight ?? 1,
          this.#data.values,
          this.#data.variances,
          base,
          strides[k],
        )
      ) {
        return this;
      }
    }
    const flat = scratchFlat;
    const position = scratchPosition;
    // With several per-entry axes, a last regular axis still fuses lookup and accumulation;
    // the other axes only produce per-entry offsets.
    const lastK = arrayAxes[arrayAxes.length - 1];
    const lastAxis = lastK === undefined ? undefined : axes[lastK];
    const fused = this.storage === "weighted" && lastAxis?.kind === "regular" && lastAxis._fusable
      ? lastAxis
      : undefined;
    const indexed = fused ? arrayAxes.slice(0, -1) : arrayAxes;
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      const m = end - start;
      if (indexed.length === 0) flat.fill(0, 0, m);
      for (let a = 0; a < indexed.length; a++) {
        const k = indexed[a];
        const axis = axes[k];
        const column = chunkOf(values[k] as ArrayLike<number>, start, end);
        const stride = strides[k];
        if (a === 0) {
          (axis.indexInto as (v: ArrayLike<number>, o: Int32Array) => void)(column, flat);
          // A single offset axis before a fused one: the kernel applies the stride itself.
          if (stride !== 1 && !(fused !== undefined && indexed.length === 1)) {
            for (let i = 0; i < m; i++) {
              const p = flat[i];
              flat[i] = p < 0 ? -1 : p * stride;
            }
          }
        } else {
          (axis.indexInto as (v: ArrayLike<number>, o: Int32Array) => void)(column, position);
          for (let i = 0; i < m; i++) {
            const p = position[i];
            const f = flat[i];
            flat[i] = p < 0 || f < 0 ? -1 : f + p * stride;
          }
        }
      }
      if (fused !== undefined) {
        fused._fillWeighted(
          chunkOf(values[lastK] as ArrayLike<number>, start, end),
          typeof weight === "object" ? chunkOf(weight, start, end) : weight ?? 1,
          this.#data.values,
          this.#data.variances,
          base,
          strides[lastK],
          flat.subarray(0, m),
          indexed.length === 1 ? strides[indexed[0]] : 1,
        );
        continue;
      }
      this.#accumulate(flat, m, base, weight, start);
    }
    return this;
  }

  // One tight loop per (storage, weight kind): no closures, no per-entry objects.
  #accumulate(
    flat: Int32Array,
    m: number,
    base: number,
    weight: ArrayLike<number> | number | undefined,
    start: number,
  ): void {
    const values = this.#data.values;
    if (this.storage === "weighted") {
      const variances = this.#data.variances;
      if (weight === undefined || typeof weight === "number") {
        const w = weight ?? 1;
        const w2 = w * w;
        for (let i = 0; i < m; i++) {
          const f = flat[i];
          if (f >= 0) {
            values[base + f] += w;
            variances[base + f] += w2;
          }
        }
      } else {
        for (let i = 0; i < m; i++) {
          const f = flat[i];
          if (f >= 0) {
            const w = weight[start + i];
            values[base + f] += w;
            variances[base + f] += w * w;
          }
        }
      }
      return;
    }
    if (weight === undefined || typeof weight === "number") {
      const w = weight ?? 1;
      for (let i = 0; i < m; i++) {
        const f = flat[i];
        if (f >= 0) values[base + f] += w;
      }
    } else {
      for (let i = 0; i < m; i++) {
        const f = flat[i];
        if (f >= 0) values[base + f] += weight[start + i];
      }
    }
  }

  #columnsInAxisOrder(
    columns: Readonly<Record<string, FillValue>> | readonly FillValue[],
  ): FillValue[] {
    const axes = this.#axes;
    if (Array.isArray(columns)) {
      if (columns.length !== axes.length) {
        throw new InputError(
          "HIST_BAD_FILL",
          `Cannot fill histogram "${this.#title()}": got ${columns.length} columns for ${axes.length} axes`,
        );
      }
      return [...columns];
    }
    const record = columns as Readonly<Record<string, FillValue>>;
    const names = axes.map((a) => a.name);
    for (const key of Object.keys(record)) {
      if (!names.includes(key)) {
        throw new InputError(
          "HIST_UNKNOWN_AXIS",
          `Cannot fill axis "${key}": the histogram has axes ${
            names.map((x) => `"${x}"`).join(", ")
          }${didYouMean(key, names)}`,
        );
      }
    }
    return axes.map((axis) => {
      const column = record[axis.name];
      if (column === undefined) {
        throw new InputError(
          "HIST_BAD_FILL",
          `Cannot fill histogram "${this.#title()}": no values for axis "${axis.name}"`,
        );
      }
      return column;
    });
  }

  #scalarPosition(k: number, value: FillValue): number {
    const axis = this.#axes[k];
    const bad = (expected: string): never => {
      throw new InputError(
        "HIST_BAD_FILL",
        `Cannot fill axis "${axis.name}": expected ${expected}, got ${typeof value} ${
          JSON.stringify(value)
        }`,
      );
    };
    switch (axis.kind) {
      case "strCategory":
        if (typeof value === "string") return axis.position(value);
        if (typeof value === "number") {
          const out = new Int32Array(1);
          axis.indexInto([value], out);
          return out[0];
        }
        return bad("a category name or an index");
      case "boolean":
        if (typeof value === "boolean" || typeof value === "number") return axis.position(value);
        return bad("a boolean");
      default:
        if (typeof value === "number") return axis.position(value);
        return bad("a number");
    }
  }

  // Growth: add unknown categories before indexing, so that the fill loop never reshapes.
  #grow(values: readonly FillValue[]): void {
    for (let k = 0; k < this.#axes.length; k++) {
      const axis = this.#axes[k];
      const column = values[k];
      if (axis.kind === "strCategory" && axis.growth) {
        const extra = new Set<string>();
        if (typeof column === "string") {
          if (axis.position(column) === DROPPED || axis.index(column) === axis.bins) {
            extra.add(column);
          }
        } else if (isArrayColumn(column) && column.length > 0 && typeof column[0] === "string") {
          for (const name of column as readonly string[]) {
            if (axis.index(name) === axis.bins) extra.add(name);
          }
        }
        if (extra.size > 0) this.#replaceAxis(k, axis.withCategories([...extra]));
      } else if (axis.kind === "intCategory" && axis.growth) {
        const extra = new Set<number>();
        const consider = (v: number) => {
          if (Number.isSafeInteger(v) && axis.index(v) === axis.bins) extra.add(v);
        };
        if (typeof column === "number") consider(column);
        else if (isArrayColumn(column)) {
          const numbers = column as ArrayLike<number>;
          const positions = new Int32Array(numbers.length);
          axis.indexInto(numbers, positions);
          const unknown = axis.overflow ? axis.bins : DROPPED;
          for (let i = 0; i < numbers.length; i++) {
            if (positions[i] === unknown) consider(numbers[i]);
          }
        }
        if (extra.size > 0) this.#replaceAxis(k, axis.withCategories([...extra]));
      }
    }
  }

  #replaceAxis(k: number, axis: Axis): void {
    const old = this.#axes[k];
    const oldShape = this.#axes.map((a) => a.extent);
    const newAxes = [...this.#axes];
    newAxes[k] = axis;
    const newShape = newAxes.map((a) => a.extent);
    if (sizeOf(newShape) > MAX_BINS) {
      throw new RistrettoError(
        "HIST_TOO_BIG",
        `Cannot grow axis "${axis.name}": the histogram would exceed 2^31 bins`,
      );
    }
    const newStrides = stridesOf(newShape);
    const maps = oldShape.map((extent, j) => {
      const map = new Int32Array(extent);
      for (let p = 0; p < extent; p++) {
        // Categories have no underflow; the "other" bin moves to the end of the grown axis.
        const q = j === k && p >= old.bins ? p + (axis.bins - old.bins) : p;
        map[p] = q * newStrides[j];
      }
      return map;
    });
    for (const field of Object.keys(this.#data)) {
      const target = new Float64Array(sizeOf(newShape));
      remap(this.#data[field], oldShape, maps, target, { assign: true });
      this.#data[field] = target;
    }
    this.#axes = newAxes;
  }

  /**
   * A copy whose category axis `axisName` has `categories` (a superset of the current ones, in
   * any order); bins move with their category, new categories start empty. Used to align
   * histograms whose growing axes saw different categories.
   *
   * @example
   * ```ts
   * import { Hist, strCategory } from "./mod.ts";
   * const h = new Hist([strCategory("dataset", ["DY"], { growth: true })]).fill({ dataset: "DY" });
   * const aligned = h.expandCategories("dataset", ["ttbar", "DY"]);
   * if (aligned.values().join() !== "0,1") throw new Error();
   * ```
   */
  expandCategories(axisName: string, categories: readonly (string | number)[]): Hist {
    const k = this.#axisIndex(axisName, "expand categories of axis");
    const axis = this.#axes[k];
    if (axis.kind !== "strCategory" && axis.kind !== "intCategory") {
      throw new InputError(
        "HIST_BAD_AXIS",
        `Cannot expand categories of axis "${axisName}": it is a ${axis.kind} axis`,
      );
    }
    const options = {
      label: axis.label,
      metadata: axis.metadata,
      writerInfo: axis.writerInfo,
      growth: axis.growth,
      overflow: axis.overflow,
    };
    const expanded: Axis = axis.kind === "strCategory"
      ? new StrCategoryAxis(axis.name, categories as string[], options)
      : new IntCategoryAxis(axis.name, categories as number[], options);
    const target = (expanded as StrCategoryAxis | IntCategoryAxis).categories as readonly (
      | string
      | number
    )[];
    const missing = (axis.categories as readonly (string | number)[]).filter((c) =>
      !target.includes(c)
    );
    if (missing.length > 0) {
      throw new InputError(
        "HIST_BAD_AXIS",
        `Cannot expand categories of axis "${axisName}": ${
          missing.map((c) => JSON.stringify(c)).join(", ")
        } would be lost`,
      );
    }
    const newAxes = [...this.#axes];
    newAxes[k] = expanded;
    const newStrides = stridesOf(newAxes.map((a) => a.extent));
    const maps = this.#axes.map((a, j) => {
      const map = new Int32Array(a.extent);
      for (let p = 0; p < a.extent; p++) {
        const q = j !== k
          ? p
          : p < axis.bins
          ? target.indexOf((axis.categories as readonly (string | number)[])[p])
          : expanded.bins; // the "other" bin stays last
        map[p] = q * newStrides[j];
      }
      return map;
    });
    const result = new Hist(newAxes, {
      storage: this.storage,
      metadata: this.metadata,
      writerInfo: this.writerInfo,
    });
    const shape = this.#axes.map((a) => a.extent);
    for (const field of Object.keys(this.#data)) {
      remap(this.#data[field], shape, maps, result.#data[field], { assign: true });
    }
    result.uhiLayout = this.uhiLayout;
    return result;
  }

  /**
   * Adds `other` bin by bin, in place. Axes must be identical (kind, name, binning, flow bins,
   * categories in the same order) and the storage the same.
   *
   * @example
   * ```ts
   * import { Hist, regular } from "./mod.ts";
   * const a = new Hist([regular("x", { bins: 2, start: 0, stop: 2 })]).fill({ x: [0.5] });
   * const b = a.copy().fill({ x: [0.5] }, { weight: 2 });
   * a.add(b); // 1 + (1 + 2)
   * if (a.values()[0] !== 4) throw new Error();
   * ```
   */
  add(other: Hist): this {
    this.#checkCompatible(other, "add");
    if (this.storage === "mean" || this.storage === "weighted_mean") {
      throw new InputError(
        "HIST_UNSUPPORTED_STORAGE",
        `Cannot add histogram "${this.#title()}": adding ${this.storage} storage is not supported`,
      );
    }
    for (const field of Object.keys(this.#data)) {
      const target = this.#data[field];
      const source = other.#data[field];
      for (let i = 0; i < target.length; i++) target[i] += source[i];
    }
    return this;
  }

  #checkCompatible(other: Hist, action: string): void {
    if (!(other instanceof Hist)) {
      throw new InputError(
        "HIST_MISMATCH",
        `Cannot ${action} histogram "${this.#title()}": the other operand is not a Hist`,
      );
    }
    if (other.storage !== this.storage) {
      throw new InputError(
        "HIST_MISMATCH",
        `Cannot ${action} histogram "${this.#title()}": storage ${this.storage} vs ${other.storage}`,
      );
    }
    if (other.#axes.length !== this.#axes.length) {
      throw new InputError(
        "HIST_MISMATCH",
        `Cannot ${action} histogram "${this.#title()}": ${this.#axes.length} axes vs ${other.#axes.length}`,
      );
    }
    for (let k = 0; k < this.#axes.length; k++) {
      const axis = this.#axes[k];
      const difference = axis.differenceFrom(other.#axes[k]);
      if (difference !== undefined) {
        throw new InputError(
          "HIST_AXIS_MISMATCH",
          `Cannot ${action} histograms along axis "${axis.name || k}": ${difference}`,
        );
      }
    }
  }

  /** True when axes, storage and every bin (bit for bit, NaN equal to NaN) are the same. */
  equals(other: Hist): boolean {
    try {
      this.#checkCompatible(other, "compare");
    } catch {
      return false;
    }
    for (const field of Object.keys(this.#data)) {
      const a = this.#data[field];
      const b = other.#data[field];
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    }
    return true;
  }

  /**
   * Multiplies in place: values by `factor`, variances by `factor` squared (the scaling of MC
   * to luminosity x cross section / sum of generator weights). Int storage becomes inexact, so
   * it is refused.
   *
   * @example
   * ```ts
   * import { Hist, regular } from "./mod.ts";
   * const h = new Hist([regular("x", { bins: 1, start: 0, stop: 1 })]).fill({ x: [0.5] }, { weight: 2 });
   * h.scale(3); // value 2*3 = 6, variance 4*9 = 36
   * if (h.values()[0] !== 6 || h.variances()[0] !== 36) throw new Error();
   * ```
   */
  scale(factor: number): this {
    if (this.storage !== "weighted" && this.storage !== "double") {
      throw new InputError(
        "HIST_UNSUPPORTED_STORAGE",
        `Cannot scale histogram "${this.#title()}": ${this.storage} storage cannot be scaled (use "double" or "weighted")`,
      );
    }
    const values = this.#data.values;
    for (let i = 0; i < values.length; i++) values[i] *= factor;
    const variances = this.#data.variances;
    if (variances !== undefined) {
      const f2 = factor * factor;
      for (let i = 0; i < variances.length; i++) variances[i] *= f2;
    }
    return this;
  }

  /** A deep copy (axes are immutable and shared). */
  copy(): Hist {
    const arrays: Record<string, Float64Array> = {};
    for (const [field, array] of Object.entries(this.#data)) arrays[field] = array.slice();
    const copy = Hist.fromArrays(this.#axes, {
      storage: this.storage,
      metadata: this.metadata,
      writerInfo: this.writerInfo,
      arrays,
    });
    copy.uhiLayout = this.uhiLayout;
    return copy;
  }

  /**
   * Bin values (a copy, row-major, first axis slowest): the sum of weights, the count, or the
   * mean for profile storages. Without `flow` the flow bins are left out.
   */
  values(options: FlowOptions = {}): Float64Array {
    return this.#field("values", options.flow ?? false);
  }

  /**
   * Bin variances: the sum of squared weights for weighted storage, the count itself for
   * int/double (Poisson), the stored variance for profile storages.
   */
  variances(options: FlowOptions = {}): Float64Array {
    const field = this.storage === "int" || this.storage === "double" ? "values" : "variances";
    return this.#field(field, options.flow ?? false);
  }

  /**
   * Bin counts: the raw count for int/double, the effective number of entries
   * (sum w)^2 / sum w^2 for weighted storages (0 where empty), the count for mean storage.
   */
  counts(options: FlowOptions = {}): Float64Array {
    const flow = options.flow ?? false;
    switch (this.storage) {
      case "int":
      case "double":
        return this.#field("values", flow);
      case "mean":
        return this.#field("counts", flow);
      default: {
        const sumW = this.#field(this.storage === "weighted" ? "values" : "sum_of_weights", flow);
        const sumW2 = this.#field(
          this.storage === "weighted" ? "variances" : "sum_of_weights_squared",
          flow,
        );
        for (let i = 0; i < sumW.length; i++) {
          sumW[i] = sumW2[i] === 0 ? 0 : (sumW[i] * sumW[i]) / sumW2[i];
        }
        return sumW;
      }
    }
  }

  #field(field: string, flow: boolean): Float64Array {
    const array = this.storageArray(field);
    if (flow) return array.slice();
    const shape = this.#axes.map((a) => a.extent);
    const strides = stridesOf(this.#axes.map((a) => a.bins));
    const maps = this.#axes.map((axis, k) => {
      const map = new Int32Array(axis.extent).fill(-1);
      const uf = axis.underflow ? 1 : 0;
      for (let b = 0; b < axis.bins; b++) map[b + uf] = b * strides[k];
      return map;
    });
    const out = new Float64Array(sizeOf(this.#axes.map((a) => a.bins)));
    remap(array, shape, maps, out, { assign: true });
    return out;
  }

  /**
   * Sum of all bins with its variance (flow bins only with `flow: true`).
   *
   * @example
   * ```ts
   * import { Hist, regular } from "./mod.ts";
   * const h = new Hist([regular("x", { bins: 1, start: 0, stop: 1 })]);
   * h.fill({ x: [0.5, 7] }, { weight: 2 }); // one in range, one in overflow
   * if (h.sum().value !== 2 || h.sum({ flow: true }).variance !== 8) throw new Error();
   * ```
   */
  sum(options: FlowOptions = {}): WeightedSum {
    if (this.storage === "mean" || this.storage === "weighted_mean") {
      throw new InputError(
        "HIST_UNSUPPORTED_STORAGE",
        `Cannot sum histogram "${this.#title()}": ${this.storage} storage holds means, not sums`,
      );
    }
    const values = this.values(options);
    const variances = this.variances(options);
    let value = 0;
    let variance = 0;
    for (let i = 0; i < values.length; i++) {
      value += values[i];
      variance += variances[i];
    }
    return { value, variance };
  }

  /**
   * The histogram over the named axes only (in that order), summing over the others with
   * their flow bins included (so that no entry is lost).
   *
   * @example
   * ```ts
   * import { Hist, regular, strCategory } from "./mod.ts";
   * const h = new Hist([strCategory("c", ["a", "b"]), regular("x", { bins: 1, start: 0, stop: 1 })]);
   * h.fill({ c: "a", x: [0.5] }).fill({ c: "b", x: [0.5, 0.5] });
   * if (h.project("x").values()[0] !== 3) throw new Error();
   * ```
   */
  project(...axisNames: string[]): Hist {
    const keep = axisNames.map((name) => this.#axisIndex(name, "project onto axis"));
    if (new Set(keep).size !== keep.length) {
      throw new InputError(
        "HIST_BAD_PROJECTION",
        `Cannot project histogram "${this.#title()}": axis names repeat in [${
          axisNames.join(", ")
        }]`,
      );
    }
    const summing = keep.length < this.#axes.length;
    if (summing && (this.storage === "mean" || this.storage === "weighted_mean")) {
      throw new InputError(
        "HIST_UNSUPPORTED_STORAGE",
        `Cannot project histogram "${this.#title()}": summing over ${this.storage} storage is not supported`,
      );
    }
    const fixed = new Map<number, number>();
    return this.#reduce(keep, fixed, !summing);
  }

  /**
   * Picks one bin of category-like axes (string or integer category, boolean, integer) and
   * removes those axes: `select({category: "ee", variation: "nominal"})` on a
   * category x variation x observable histogram gives the 1D observable histogram.
   *
   * @example
   * ```ts
   * import { Hist, regular, strCategory } from "./mod.ts";
   * const h = new Hist([
   *   strCategory("category", ["ee", "mumu"]),
   *   strCategory("variation", ["nominal", "up"]),
   *   regular("x", { bins: 1, start: 0, stop: 1 }),
   * ]);
   * h.fill({ category: "mumu", variation: "up", x: [0.5] }, { weight: 3 });
   * if (h.select({ category: "mumu", variation: "up" }).values()[0] !== 3) throw new Error();
   * ```
   */
  select(selection: Readonly<Record<string, string | number | boolean>>): Hist {
    const fixed = new Map<number, number>();
    for (const [name, value] of Object.entries(selection)) {
      const k = this.#axisIndex(name, "select on axis");
      const axis = this.#axes[k];
      let position: number;
      // Exact bins only: an unknown category must not silently pick the "other" bin.
      switch (axis.kind) {
        case "strCategory":
          position = typeof value === "string" ? axis.categories.indexOf(value) : DROPPED;
          if (position === DROPPED) {
            throw new InputError(
              "HIST_UNKNOWN_CATEGORY",
              `Cannot select "${String(value)}" on axis "${name}": categories are ${
                axis.categories.map((c) => `"${c}"`).join(", ")
              }${didYouMean(String(value), axis.categories)}`,
            );
          }
          break;
        case "intCategory":
          position = typeof value === "number" ? axis.categories.indexOf(value) : DROPPED;
          if (position === DROPPED) {
            throw new InputError(
              "HIST_UNKNOWN_CATEGORY",
              `Cannot select ${JSON.stringify(value)} on axis "${name}": categories are ${
                axis.categories.join(", ")
              }`,
            );
          }
          break;
        case "integer":
          position = Number.isInteger(value) && (value as number) >= axis.start &&
              (value as number) < axis.stop
            ? axis.position(value as number)
            : DROPPED;
          if (position === DROPPED) {
            throw new InputError(
              "HIST_UNKNOWN_CATEGORY",
              `Cannot select ${
                JSON.stringify(value)
              } on axis "${name}": need an integer in [${axis.start}, ${axis.stop})`,
            );
          }
          break;
        case "boolean":
          if (typeof value !== "boolean" && value !== 0 && value !== 1) {
            throw new InputError(
              "HIST_UNKNOWN_CATEGORY",
              `Cannot select ${JSON.stringify(value)} on axis "${name}": need true or false`,
            );
          }
          position = axis.position(value);
          break;
        default:
          throw new InputError(
            "HIST_BAD_SELECTION",
            `Cannot select on axis "${name}": ${axis.kind} axes are continuous (use project, or an integer/category axis)`,
          );
      }
      fixed.set(k, position);
    }
    const keep = this.#axes.map((_, k) => k).filter((k) => !fixed.has(k));
    return this.#reduce(keep, fixed, true);
  }

  #reduce(keep: number[], fixed: Map<number, number>, assign: boolean): Hist {
    const newAxes = keep.map((k) => this.#axes[k]);
    const newStrides = stridesOf(newAxes.map((a) => a.extent));
    const maps = this.#axes.map((axis, k) => {
      const map = new Int32Array(axis.extent);
      const j = keep.indexOf(k);
      if (j >= 0) {
        for (let p = 0; p < axis.extent; p++) map[p] = p * newStrides[j];
      } else if (fixed.has(k)) {
        map.fill(-1);
        map[fixed.get(k)!] = 0;
      }
      return map;
    });
    const shape = this.#axes.map((a) => a.extent);
    const result = new Hist(newAxes, {
      storage: this.storage,
      metadata: this.metadata,
      writerInfo: this.writerInfo,
    });
    for (const field of Object.keys(this.#data)) {
      remap(this.#data[field], shape, maps, result.#data[field], { assign });
    }
    return result;
  }

  #axisIndex(name: string, action: string): number {
    const index = this.#axes.findIndex((a) => a.name === name);
    if (index < 0) {
      const names = this.#axes.map((a) => a.name);
      throw new InputError(
        "HIST_UNKNOWN_AXIS",
        `Cannot ${action} "${name}": the histogram has axes ${
          names.map((x) => `"${x}"`).join(", ")
        }${didYouMean(name, names)}`,
      );
    }
    return index;
  }

  #title(): string {
    return this.#axes.map((a) => a.name).join(" x ");
  }
}

function checkAxes(axes: readonly Axis[]): void {
  if (!Array.isArray(axes)) {
    throw new InputError("HIST_BAD_AXIS", `Cannot create histogram "?": axes must be an array`);
  }
  const seen = new Set<string>();
  for (const axis of axes) {
    if (typeof axis?.indexInto !== "function") {
      throw new InputError(
        "HIST_BAD_AXIS",
        `Cannot create histogram "${axes.map((a) => a?.name).join(", ")}": not an axis: ${
          String(axis)
        }`,
      );
    }
    // Unnamed axes (as read from some UHI files) may repeat; they are filled by position.
    if (axis.name !== "" && seen.has(axis.name)) {
      throw new InputError(
        "HIST_BAD_AXIS",
        `Cannot create histogram with axis "${axis.name}": the name appears twice`,
      );
    }
    seen.add(axis.name);
  }
  if (sizeOf(axes.map((a) => a.extent)) > MAX_BINS) {
    throw new RistrettoError(
      "HIST_TOO_BIG",
      `Cannot create histogram "${axes.map((a) => a.name).join(" x ")}": more than 2^31 bins`,
    );
  }
}

/**
 * Merges two histograms (or two name -> histogram records) into a new one, leaving the inputs
 * untouched. Records are merged key by key in sorted key order, keys present in one record only
 * are copied, so merging work-item outputs is deterministic.
 *
 * @example
 * ```ts
 * import { Hist, mergeHists, regular } from "./mod.ts";
 * const make = () => new Hist([regular("x", { bins: 1, start: 0, stop: 1 })]);
 * const merged = mergeHists({ a: make().fill({ x: [0.5] }) }, { a: make().fill({ x: [0.5] }), b: make() });
 * if (merged.a.values()[0] !== 2 || Object.keys(merged).join() !== "a,b") throw new Error();
 * ```
 */
export function mergeHists(a: Hist, b: Hist): Hist;
/** Merges two name -> histogram records key by key (sorted keys; one-sided keys copied). */
export function mergeHists(
  a: Readonly<Record<string, Hist>>,
  b: Readonly<Record<string, Hist>>,
): Record<string, Hist>;
/** Implementation of the {@link mergeHists} overloads. */
export function mergeHists(
  a: Hist | Readonly<Record<string, Hist>>,
  b: Hist | Readonly<Record<string, Hist>>,
): Hist | Record<string, Hist> {
  if (a instanceof Hist && b instanceof Hist) {
    const [left, right] = alignGrowthAxes(a, b);
    return (left === a ? a.copy() : left).add(right);
  }
  if (a instanceof Hist || b instanceof Hist) {
    throw new InputError(
      "HIST_MISMATCH",
      `Cannot merge "histograms": one operand is a Hist, the other a record`,
    );
  }
  const out: Record<string, Hist> = {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const key of keys) {
    const left = a[key];
    const right = b[key];
    try {
      out[key] = left === undefined
        ? right.copy()
        : right === undefined
        ? left.copy()
        : left.copy().add(right);
    } catch (error) {
      if (error instanceof InputError) {
        throw new InputError(error.code, `Cannot merge "${key}": ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
  return out;
}

// Growing category axes may have seen different categories in different work items: give both
// histograms the union (the left order, then the right's new ones), so that add() can check
// everything else strictly.
function alignGrowthAxes(a: Hist, b: Hist): [Hist, Hist] {
  if (a.axes.length !== b.axes.length) return [a, b];
  let left = a;
  let right = b;
  for (let k = 0; k < a.axes.length; k++) {
    const x = left.axes[k];
    const y = right.axes[k];
    if (
      (x.kind === "strCategory" || x.kind === "intCategory") && x.kind === y.kind && x.growth &&
      y.growth && x.name === y.name && x.overflow === y.overflow
    ) {
      const xs = x.categories as readonly (string | number)[];
      const ys = y.categories as readonly (string | number)[];
      if (xs.length === ys.length && xs.every((c, i) => c === ys[i])) continue;
      const union = [...xs, ...ys.filter((c) => !xs.includes(c))];
      if (union.length !== xs.length) left = left.expandCategories(x.name, union);
      right = right.expandCategories(y.name, union);
    }
  }
  return [left, right];
}

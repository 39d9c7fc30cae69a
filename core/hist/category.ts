/**
 * Category axes: string categories (analysis category, systematic variation, dataset) and
 * integer categories (pdgId, year). Categories have no underflow; the optional overflow bin is
 * the "other" bin that collects values not in the list.
 * @module
 */
import {
  type AxisCommon,
  type AxisOptions,
  badAxis,
  commonFields,
  DROPPED,
  type Metadata,
  unitEdges,
  type WriterInfo,
} from "./_axis_base.ts";

/** Options of {@link strCategory} and {@link intCategory}. */
export interface CategoryOptions extends AxisOptions {
  /** Add unknown categories while filling instead of sending them to "other"/dropping them. */
  growth?: boolean;
  /** Keep an "other" bin for values not in the list (default false, as in `hist`). */
  overflow?: boolean;
}

function checkUnique(kind: string, name: string, categories: readonly unknown[]): void {
  const seen = new Set<unknown>();
  for (const category of categories) {
    if (seen.has(category)) {
      badAxis(kind, name, `category ${JSON.stringify(category)} appears twice`);
    }
    seen.add(category);
  }
}

/** An axis of named categories, in the order given. */
export class StrCategoryAxis implements AxisCommon {
  /** Discriminant of the axis union. */
  readonly kind = "strCategory" as const;
  readonly name: string;
  readonly label: string;
  readonly metadata: Metadata | undefined;
  readonly writerInfo: WriterInfo | undefined;
  /** The categories, one bin each, in bin order. */
  readonly categories: readonly string[];
  /** True when filling an unknown category adds it. */
  readonly growth: boolean;
  readonly bins: number;
  /** Always false: categories have no underflow bin. */
  readonly underflow = false;
  readonly overflow: boolean;
  readonly extent: number;
  readonly #lookup: Map<string, number>;

  /** Prefer the {@link strCategory} factory. */
  constructor(name: string, categories: readonly string[], options: CategoryOptions = {}) {
    const common = commonFields("strCategory", name, options);
    this.name = common.name;
    this.label = common.label;
    this.metadata = common.metadata;
    this.writerInfo = common.writerInfo;
    if (!Array.isArray(categories) || categories.some((c) => typeof c !== "string")) {
      badAxis("strCategory", name, "categories must be an array of strings");
    }
    checkUnique("strCategory", name, categories);
    this.categories = Object.freeze([...categories]);
    this.growth = options.growth ?? false;
    this.overflow = options.overflow ?? false;
    this.bins = categories.length;
    this.extent = this.bins + (this.overflow ? 1 : 0);
    this.#lookup = new Map(categories.map((c, i) => [c, i]));
  }

  /**
   * Bin index of a category: its position in `categories`, or `bins` (the "other" position)
   * when unknown.
   *
   * @example
   * ```ts
   * import { strCategory } from "./category.ts";
   * const channel = strCategory("channel", ["ee", "mumu"]);
   * if (channel.index("mumu") !== 1 || channel.index("emu") !== 2) throw new Error();
   * ```
   */
  index(value: string): number {
    return this.#lookup.get(value) ?? this.bins;
  }

  /** Storage position of one category, or DROPPED when unknown and there is no "other" bin. */
  position(value: string): number {
    const i = this.#lookup.get(value);
    if (i !== undefined) return i;
    return this.overflow ? this.bins : DROPPED;
  }

  /**
   * Vectorised lookup. Numbers are category indices (0 .. bins-1; anything else goes to
   * "other" or is dropped); strings are category names (one Map lookup each: prefer indices in
   * hot loops).
   *
   * @example
   * ```ts
   * import { strCategory } from "./category.ts";
   * const channel = strCategory("channel", ["ee", "mumu"], { overflow: true });
   * const out = new Int32Array(3);
   * channel.indexInto(new Int32Array([1, 0, 7]), out);
   * if (out.join() !== "1,0,2") throw new Error(out.join());
   * ```
   */
  indexInto(values: ArrayLike<number> | readonly string[], out: Int32Array): void {
    const n = values.length;
    const bins = this.bins;
    const other = this.overflow ? bins : DROPPED;
    if (n > 0 && typeof values[0] === "string") {
      const names = values as readonly string[];
      for (let i = 0; i < n; i++) out[i] = this.#lookup.get(names[i]) ?? other;
      return;
    }
    const indices = values as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const v = indices[i];
      out[i] = v >= 0 && v < bins && (v | 0) === v ? v : other;
    }
  }

  /** The same axis with extra categories appended (used by growth). */
  withCategories(extra: readonly string[]): StrCategoryAxis {
    return new StrCategoryAxis(this.name, [...this.categories, ...extra], {
      label: this.label,
      metadata: this.metadata,
      writerInfo: this.writerInfo,
      growth: this.growth,
      overflow: this.overflow,
    });
  }

  /** Unit edges 0..bins (categories have no numeric edges; plots need something). */
  edges(): Float64Array {
    return unitEdges(this.bins);
  }

  /** Centers of the unit bins. */
  centers(): Float64Array {
    return unitEdges(this.bins).subarray(0, this.bins).map((x) => x + 0.5);
  }

  /** Widths of the unit bins (all 1). */
  widths(): Float64Array {
    return new Float64Array(this.bins).fill(1);
  }

  /** Why the binning differs from `other`, or undefined if identical. */
  differenceFrom(other: { kind: string; name: string }): string | undefined {
    if (other.kind !== this.kind) return `kind ${this.kind} vs ${other.kind}`;
    const o = other as StrCategoryAxis;
    if (o.name !== this.name) return `name "${this.name}" vs "${o.name}"`;
    if (
      o.categories.length !== this.categories.length ||
      o.categories.some((c, i) => c !== this.categories[i])
    ) {
      return `categories [${this.categories.join(", ")}] vs [${o.categories.join(", ")}]`;
    }
    if (o.overflow !== this.overflow) return "flow bins differ";
    return undefined;
  }
}

// Dense lookup tables are used up to this span of category values; beyond it a Map.
const MAX_TABLE_SPAN = 1 << 20;

/** An axis of integer categories (pdgId, year, run era index), in the order given. */
export class IntCategoryAxis implements AxisCommon {
  /** Discriminant of the axis union. */
  readonly kind = "intCategory" as const;
  readonly name: string;
  readonly label: string;
  readonly metadata: Metadata | undefined;
  readonly writerInfo: WriterInfo | undefined;
  /** The categories, one bin each, in bin order. */
  readonly categories: readonly number[];
  /** True when filling an unknown category adds it. */
  readonly growth: boolean;
  readonly bins: number;
  /** Always false: categories have no underflow bin. */
  readonly underflow = false;
  readonly overflow: boolean;
  readonly extent: number;
  readonly #lookup: Map<number, number>;
  // Dense value -> bin table (-1 = unknown) over [#tableMin, #tableMin + #table.length).
  readonly #table: Int32Array;
  readonly #tableMin: number;

  /** Prefer the {@link intCategory} factory. */
  constructor(name: string, categories: readonly number[], options: CategoryOptions = {}) {
    const common = commonFields("intCategory", name, options);
    this.name = common.name;
    this.label = common.label;
    this.metadata = common.metadata;
    this.writerInfo = common.writerInfo;
    if (!Array.isArray(categories) || categories.some((c) => !Number.isSafeInteger(c))) {
      badAxis("intCategory", name, "categories must be an array of integers");
    }
    checkUnique("intCategory", name, categories);
    this.categories = Object.freeze([...categories]);
    this.growth = options.growth ?? false;
    this.overflow = options.overflow ?? false;
    this.bins = categories.length;
    this.extent = this.bins + (this.overflow ? 1 : 0);
    this.#lookup = new Map(categories.map((c, i) => [c, i]));
    const min = categories.length ? Math.min(...categories) : 0;
    const max = categories.length ? Math.max(...categories) : -1;
    const span = max - min + 1;
    this.#tableMin = min;
    this.#table = new Int32Array(span > 0 && span <= MAX_TABLE_SPAN ? span : 0).fill(-1);
    if (this.#table.length > 0 || categories.length === 0) {
      categories.forEach((c, i) => (this.#table[c - min] = i));
    }
  }

  /**
   * Bin index of a value: its position in `categories`, or `bins` when unknown.
   *
   * @example
   * ```ts
   * import { intCategory } from "./category.ts";
   * const flavour = intCategory("pdgId", [11, 13]);
   * if (flavour.index(13) !== 1 || flavour.index(15) !== 2) throw new Error();
   * ```
   */
  index(value: number): number {
    return this.#lookup.get(value) ?? this.bins;
  }

  /** Storage position of one value, or DROPPED when unknown and there is no "other" bin. */
  position(value: number): number {
    const i = this.#lookup.get(value);
    if (i !== undefined) return i;
    return this.overflow ? this.bins : DROPPED;
  }

  /** Vectorised lookup of category values (not indices) into storage positions or DROPPED. */
  indexInto(values: ArrayLike<number>, out: Int32Array): void {
    const n = values.length;
    const other = this.overflow ? this.bins : DROPPED;
    const table = this.#table;
    if (table.length === 0 && this.bins > 0) {
      for (let i = 0; i < n; i++) out[i] = this.#lookup.get(values[i]) ?? other;
      return;
    }
    const min = this.#tableMin;
    const span = table.length;
    for (let i = 0; i < n; i++) {
      const k = values[i] - min;
      const j = k >= 0 && k < span && (k | 0) === k ? table[k] : -1;
      out[i] = j >= 0 ? j : other;
    }
  }

  /** The same axis with extra categories appended (used by growth). */
  withCategories(extra: readonly number[]): IntCategoryAxis {
    return new IntCategoryAxis(this.name, [...this.categories, ...extra], {
      label: this.label,
      metadata: this.metadata,
      writerInfo: this.writerInfo,
      growth: this.growth,
      overflow: this.overflow,
    });
  }

  /** Unit edges 0..bins. */
  edges(): Float64Array {
    return unitEdges(this.bins);
  }

  /** Centers of the unit bins. */
  centers(): Float64Array {
    return unitEdges(this.bins).subarray(0, this.bins).map((x) => x + 0.5);
  }

  /** Widths of the unit bins (all 1). */
  widths(): Float64Array {
    return new Float64Array(this.bins).fill(1);
  }

  /** Why the binning differs from `other`, or undefined if identical. */
  differenceFrom(other: { kind: string; name: string }): string | undefined {
    if (other.kind !== this.kind) return `kind ${this.kind} vs ${other.kind}`;
    const o = other as IntCategoryAxis;
    if (o.name !== this.name) return `name "${this.name}" vs "${o.name}"`;
    if (
      o.categories.length !== this.categories.length ||
      o.categories.some((c, i) => c !== this.categories[i])
    ) {
      return `categories [${this.categories.join(", ")}] vs [${o.categories.join(", ")}]`;
    }
    if (o.overflow !== this.overflow) return "flow bins differ";
    return undefined;
  }
}

/**
 * A string-category axis.
 *
 * @example
 * ```ts
 * import { strCategory } from "./category.ts";
 * const variation = strCategory("variation", ["nominal", "JES_up", "JES_down"]);
 * if (variation.position("JES_up") !== 1) throw new Error();
 * ```
 */
export function strCategory(
  name: string,
  categories: readonly string[],
  options: CategoryOptions = {},
): StrCategoryAxis {
  return new StrCategoryAxis(name, categories, options);
}

/**
 * An integer-category axis.
 *
 * @example
 * ```ts
 * import { intCategory } from "./category.ts";
 * const year = intCategory("year", [2016, 2017, 2018], { overflow: true });
 * if (year.position(2022) !== 3) throw new Error();
 * ```
 */
export function intCategory(
  name: string,
  categories: readonly number[],
  options: CategoryOptions = {},
): IntCategoryAxis {
  return new IntCategoryAxis(name, categories, options);
}

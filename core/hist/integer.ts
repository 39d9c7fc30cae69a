/**
 * The integer axis: one bin per integer in [start, stop).
 * @module
 */
import {
  type AxisCommon,
  type AxisOptions,
  badAxis,
  commonFields,
  DROPPED,
  type Metadata,
  positionOf,
  type WriterInfo,
} from "./_axis_base.ts";

/** Options of {@link integer}. */
export interface IntegerOptions extends AxisOptions {
  /** First integer with a bin. */
  start: number;
  /** One past the last integer with a bin. */
  stop: number;
  /** Keep an underflow bin (default true). */
  underflow?: boolean;
  /** Keep an overflow bin, which also catches NaN (default true). */
  overflow?: boolean;
}

/**
 * One bin per integer (jet multiplicity, number of primary vertices). A non-integer value v
 * goes to the bin of floor(v); NaN to overflow when there is one, otherwise dropped.
 */
export class IntegerAxis implements AxisCommon {
  /** Discriminant of the axis union. */
  readonly kind = "integer" as const;
  readonly name: string;
  readonly label: string;
  readonly metadata: Metadata | undefined;
  readonly writerInfo: WriterInfo | undefined;
  readonly bins: number;
  /** First integer with a bin. */
  readonly start: number;
  /** One past the last integer with a bin. */
  readonly stop: number;
  readonly underflow: boolean;
  readonly overflow: boolean;
  readonly extent: number;

  /** Prefer the {@link integer} factory. */
  constructor(name: string, options: IntegerOptions) {
    const common = commonFields("integer", name, options);
    this.name = common.name;
    this.label = common.label;
    this.metadata = common.metadata;
    this.writerInfo = common.writerInfo;
    const { start, stop } = options;
    if (!Number.isInteger(start) || !Number.isInteger(stop) || !(start < stop)) {
      badAxis("integer", name, `need integers start < stop, got start=${start}, stop=${stop}`);
    }
    this.start = start;
    this.stop = stop;
    this.bins = stop - start;
    this.underflow = options.underflow ?? true;
    this.overflow = options.overflow ?? true;
    this.extent = this.bins + (this.underflow ? 1 : 0) + (this.overflow ? 1 : 0);
  }

  /**
   * Boost-style bin index: -1 underflow, `bins` overflow or NaN.
   *
   * @example
   * ```ts
   * import { integer } from "./integer.ts";
   * const nJet = integer("nJet", { start: 0, stop: 5 });
   * if (nJet.index(2) !== 2 || nJet.index(7) !== 5 || nJet.index(-1) !== -1) throw new Error();
   * ```
   */
  index(value: number): number {
    const z = value - this.start;
    if (z >= 0) return z < this.bins ? Math.floor(z) : this.bins;
    return z < 0 ? -1 : this.bins;
  }

  /** Storage position of one value (flow bins counted) or DROPPED. */
  position(value: number): number {
    return positionOf(this.index(value), this.bins, this.underflow, this.overflow);
  }

  /** Vectorised lookup: storage position (flow bins counted) or DROPPED (-1) for every value. */
  indexInto(values: ArrayLike<number>, out: Int32Array): void {
    const bins = this.bins;
    const start = this.start;
    const uf = this.underflow ? 1 : 0;
    const underPosition = this.underflow ? 0 : DROPPED;
    const overPosition = this.overflow ? bins + uf : DROPPED;
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const z = values[i] - start;
      if (z >= 0) out[i] = z < bins ? Math.floor(z) + uf : overPosition;
      else out[i] = z < 0 ? underPosition : overPosition;
    }
  }

  /** Edges start, start+1, ..., stop. */
  edges(): Float64Array {
    const out = new Float64Array(this.bins + 1);
    for (let i = 0; i <= this.bins; i++) out[i] = this.start + i;
    return out;
  }

  /** Bin centers (start + 0.5, ...). */
  centers(): Float64Array {
    const out = new Float64Array(this.bins);
    for (let i = 0; i < this.bins; i++) out[i] = this.start + i + 0.5;
    return out;
  }

  /** Bin widths (all 1). */
  widths(): Float64Array {
    return new Float64Array(this.bins).fill(1);
  }

  /** Why the binning differs from `other`, or undefined if identical. */
  differenceFrom(other: { kind: string; name: string }): string | undefined {
    if (other.kind !== "integer") return `kind ${this.kind} vs ${other.kind}`;
    const o = other as IntegerAxis;
    if (o.name !== this.name) return `name "${this.name}" vs "${o.name}"`;
    if (o.start !== this.start || o.stop !== this.stop) {
      return `range [${this.start}, ${this.stop}) vs [${o.start}, ${o.stop})`;
    }
    if (o.underflow !== this.underflow || o.overflow !== this.overflow) return "flow bins differ";
    return undefined;
  }
}

/**
 * An integer axis.
 *
 * @example
 * ```ts
 * import { integer } from "./integer.ts";
 * const nJet = integer("nJet", { start: 0, stop: 10, underflow: false });
 * if (nJet.extent !== 11) throw new Error();
 * ```
 */
export function integer(name: string, options: IntegerOptions): IntegerAxis {
  return new IntegerAxis(name, options);
}

/**
 * The variable axis: bins between arbitrary increasing edges.
 * @module
 */
import {
  type AxisCommon,
  type AxisOptions,
  badAxis,
  centersFromEdges,
  commonFields,
  DROPPED,
  type Metadata,
  positionOf,
  widthsFromEdges,
  type WriterInfo,
} from "./_axis_base.ts";

/** Options of {@link variable}. */
export interface VariableOptions extends AxisOptions {
  /** Keep an underflow bin (default true; false for circular axes). */
  underflow?: boolean;
  /** Keep an overflow bin, which also catches NaN (default true). */
  overflow?: boolean;
  /** Wrap values around with period `last edge - first edge`. */
  circular?: boolean;
}

/**
 * An axis with explicit, strictly increasing edges. Bin i is [edges[i], edges[i+1]); the last
 * edge goes to overflow, NaN to overflow when there is one (dropped otherwise).
 */
export class VariableAxis implements AxisCommon {
  /** Discriminant of the axis union. */
  readonly kind = "variable" as const;
  readonly name: string;
  readonly label: string;
  readonly metadata: Metadata | undefined;
  readonly writerInfo: WriterInfo | undefined;
  readonly bins: number;
  readonly underflow: boolean;
  readonly overflow: boolean;
  /** True when the axis wraps around. */
  readonly circular: boolean;
  readonly extent: number;
  readonly #edges: Float64Array;

  /** Prefer the {@link variable} factory. */
  constructor(name: string, edges: ArrayLike<number>, options: VariableOptions = {}) {
    const common = commonFields("variable", name, options);
    this.name = common.name;
    this.label = common.label;
    this.metadata = common.metadata;
    this.writerInfo = common.writerInfo;
    if (edges.length < 2) badAxis("variable", name, `need at least 2 edges, got ${edges.length}`);
    for (let i = 0; i < edges.length; i++) {
      if (Number.isNaN(edges[i])) badAxis("variable", name, `edge ${i} is NaN`);
      if (i > 0 && !(edges[i] > edges[i - 1])) {
        badAxis(
          "variable",
          name,
          `edges must increase strictly, but edge ${i} is ${edges[i]} after ${edges[i - 1]}`,
        );
      }
    }
    this.#edges = Float64Array.from(edges);
    this.bins = edges.length - 1;
    this.circular = options.circular ?? false;
    this.underflow = options.underflow ?? !this.circular;
    this.overflow = options.overflow ?? true;
    this.extent = this.bins + (this.underflow ? 1 : 0) + (this.overflow ? 1 : 0);
  }

  /**
   * Boost-style bin index of one value: -1 for underflow, `bins` for overflow or NaN.
   *
   * @example
   * ```ts
   * import { variable } from "./variable.ts";
   * const axis = variable("x", [0, 1, 10]);
   * if (axis.index(1) !== 1 || axis.index(10) !== 2 || axis.index(-1) !== -1) throw new Error();
   * ```
   */
  index(value: number): number {
    const e = this.#edges;
    const last = e.length - 1;
    let x = value;
    if (this.circular) {
      if (!Number.isFinite(x)) return this.bins;
      const period = e[last] - e[0];
      x -= Math.floor((x - e[0]) / period) * period;
      if (x >= e[last]) x = e[0];
    }
    if (!(x >= e[0])) return Number.isNaN(x) ? this.bins : -1;
    if (!(x < e[last])) return this.bins;
    // Binary search for the last edge <= x.
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (e[mid] <= x) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** Storage position of one value (flow bins counted) or DROPPED. */
  position(value: number): number {
    return positionOf(this.index(value), this.bins, this.underflow, this.overflow);
  }

  /**
   * Vectorised lookup: storage position (flow bins counted) or DROPPED (-1) for every value.
   *
   * @example
   * ```ts
   * import { variable } from "./variable.ts";
   * const axis = variable("x", [0, 1, 10], { underflow: false });
   * const out = new Int32Array(3);
   * axis.indexInto([-5, 0.5, 10], out);
   * if (out.join() !== "-1,0,2") throw new Error(out.join());
   * ```
   */
  indexInto(values: ArrayLike<number>, out: Int32Array): void {
    const e = this.#edges;
    const last = e.length - 1;
    const lowest = e[0];
    const highest = e[last];
    const uf = this.underflow ? 1 : 0;
    const underPosition = this.underflow ? 0 : DROPPED;
    const overPosition = this.overflow ? this.bins + uf : DROPPED;
    const n = values.length;
    if (this.circular) {
      for (let i = 0; i < n; i++) out[i] = this.position(values[i]);
      return;
    }
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x >= lowest) {
        if (x < highest) {
          let lo = 0;
          let hi = last;
          while (hi - lo > 1) {
            const mid = (lo + hi) >> 1;
            if (e[mid] <= x) lo = mid;
            else hi = mid;
          }
          out[i] = lo + uf;
        } else {
          out[i] = overPosition;
        }
      } else {
        out[i] = x < lowest ? underPosition : overPosition; // NaN fails both comparisons
      }
    }
  }

  /** A copy of the edges. */
  edges(): Float64Array {
    return this.#edges.slice();
  }

  /** Bin centers. */
  centers(): Float64Array {
    return centersFromEdges(this.#edges);
  }

  /** Bin widths. */
  widths(): Float64Array {
    return widthsFromEdges(this.#edges);
  }

  /** Why the binning differs from `other`, or undefined if identical. */
  differenceFrom(other: { kind: string; name: string }): string | undefined {
    if (other.kind !== "variable") return `kind ${this.kind} vs ${other.kind}`;
    const o = other as VariableAxis;
    if (o.name !== this.name) return `name "${this.name}" vs "${o.name}"`;
    const a = this.#edges;
    const b = o.#edges;
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
      return `edges [${a.join(", ")}] vs [${b.join(", ")}]`;
    }
    if (o.underflow !== this.underflow || o.overflow !== this.overflow) return "flow bins differ";
    if (o.circular !== this.circular) return "circular flag differs";
    return undefined;
  }
}

/**
 * A variable-width axis.
 *
 * @example
 * ```ts
 * import { variable } from "./variable.ts";
 * const mass = variable("mass", [60, 80, 100, 120], { label: "m_ll [GeV]" });
 * if (mass.bins !== 3 || mass.widths()[0] !== 20) throw new Error();
 * ```
 */
export function variable(
  name: string,
  edges: ArrayLike<number>,
  options: VariableOptions = {},
): VariableAxis {
  return new VariableAxis(name, edges, options);
}

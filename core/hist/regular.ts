/**
 * The regular axis: `bins` equal bins between `start` and `stop`.
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
  widthsFromEdges,
  type WriterInfo,
} from "./_axis_base.ts";

/** Options of {@link regular}. */
export interface RegularOptions extends AxisOptions {
  /** Number of bins (a positive integer). */
  bins: number;
  /** Lower edge of the first bin (inclusive). */
  start: number;
  /** Upper edge of the last bin (exclusive: a value equal to `stop` goes to overflow). */
  stop: number;
  /** Keep an underflow bin (default true; false for circular axes). */
  underflow?: boolean;
  /** Keep an overflow bin, which also catches NaN (default true). */
  overflow?: boolean;
  /** Wrap values around (angles such as phi); finite values never leave the range. */
  circular?: boolean;
}

/**
 * An axis of equal bins. Bin lookup is exact at the edges: a value equal to `edges()[i]` lands
 * in bin `i`, and `stop` itself goes to overflow (as in boost-histogram). NaN goes to overflow
 * when there is one, otherwise it is dropped; -Infinity goes to underflow, +Infinity to overflow.
 */
export class RegularAxis implements AxisCommon {
  /** Discriminant of the axis union. */
  readonly kind = "regular" as const;
  readonly name: string;
  readonly label: string;
  readonly metadata: Metadata | undefined;
  readonly writerInfo: WriterInfo | undefined;
  readonly bins: number;
  /** Lower edge of the first bin. */
  readonly start: number;
  /** Upper edge of the last bin. */
  readonly stop: number;
  readonly underflow: boolean;
  readonly overflow: boolean;
  /** True when the axis wraps around. */
  readonly circular: boolean;
  readonly extent: number;
  /**
   * Edges padded with NaN on both sides (index i + 1 holds edge i), so the +-1 correction in the
   * hot loop needs no bounds checks: comparisons with NaN are false.
   * @internal
   */
  readonly _paddedEdges: Float64Array;
  // Distance (in bins) from an edge below which the fast guess is checked against the edges;
  // far above the rounding error of (x - start) * scale.
  readonly #tolerance: number;
  readonly #exact: boolean;

  /** Prefer the {@link regular} factory. */
  constructor(name: string, options: RegularOptions) {
    const common = commonFields("regular", name, options);
    this.name = common.name;
    this.label = common.label;
    this.metadata = common.metadata;
    this.writerInfo = common.writerInfo;
    const { bins, start, stop } = options;
    if (!Number.isInteger(bins) || bins < 1) {
      badAxis("regular", name, `bins must be a positive integer, got ${bins}`);
    }
    if (!Number.isFinite(start) || !Number.isFinite(stop) || !(start < stop)) {
      badAxis("regular", name, `need finite start < stop, got start=${start}, stop=${stop}`);
    }
    this.bins = bins;
    this.start = start;
    this.stop = stop;
    this.circular = options.circular ?? false;
    this.underflow = options.underflow ?? !this.circular;
    this.overflow = options.overflow ?? true;
    this.extent = bins + (this.underflow ? 1 : 0) + (this.overflow ? 1 : 0);
    this._paddedEdges = new Float64Array(bins + 3);
    this._paddedEdges[0] = NaN;
    this._paddedEdges[bins + 2] = NaN;
    this._paddedEdges.set(this.edges(), 1);
    // When the multiplication alone already agrees with edges() at every edge and just below
    // it, it agrees everywhere (both roundings are monotonic), and the hot loops skip the edge
    // check. True for the usual "nice" axes; otherwise the near-edge check stays on.
    this.#exact = isExact(this._paddedEdges, start, bins / (stop - start), bins);
    this.#tolerance = this.#exact ? -1 : Math.max(1e-9, bins * 1e-13);
  }

  /**
   * Boost-style bin index of one value: -1 for underflow, `bins` for overflow or NaN.
   *
   * @example
   * ```ts
   * import { regular } from "./regular.ts";
   * const axis = regular("x", { bins: 10, start: 0, stop: 1 });
   * if (axis.index(0.3) !== 3 || axis.index(1) !== 10 || axis.index(-0.1) !== -1) throw new Error();
   * ```
   */
  index(value: number): number {
    const out = new Int32Array(1);
    this.#indices([value], out);
    return out[0];
  }

  /** Storage position of one value (flow bins counted, 0 = underflow if present) or DROPPED. */
  position(value: number): number {
    const out = new Int32Array(1);
    this.indexInto([value], out);
    return out[0];
  }

  /**
   * Vectorised lookup: writes the storage position of every value (0 = underflow when there is
   * one, `extent - 1` = overflow when there is one) or DROPPED (-1) into `out`.
   *
   * @example
   * ```ts
   * import { regular } from "./regular.ts";
   * const axis = regular("x", { bins: 2, start: 0, stop: 2 });
   * const out = new Int32Array(4);
   * axis.indexInto(new Float64Array([-1, 0, 1.5, NaN]), out);
   * if (out.join() !== "0,1,2,3") throw new Error(out.join());
   * ```
   */
  indexInto(values: ArrayLike<number>, out: Int32Array): void {
    const n = values.length;
    const bins = this.bins;
    const uf = this.underflow ? 1 : 0;
    const underPosition = this.underflow ? 0 : DROPPED;
    const overPosition = this.overflow ? bins + uf : DROPPED;
    if (this.circular) {
      this.#indices(values, out);
      for (let i = 0; i < n; i++) {
        const b = out[i];
        out[i] = b >= bins ? overPosition : b + uf;
      }
      return;
    }
    const start = this.start;
    const scale = bins / (this.stop - this.start);
    const tolerance = this.#tolerance;
    const padded = this._paddedEdges;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      const t = (x - start) * scale;
      let b: number;
      if (t >= 0) {
        if (t < bins) {
          // Fast guess by multiplication; near an edge (rare) one comparison on each side
          // makes the result agree with edges() to the last bit.
          b = t | 0;
          const fraction = t - b;
          if (fraction < tolerance || fraction > 1 - tolerance) {
            if (x < padded[b + 1]) b--;
            else if (x >= padded[b + 2]) b++;
          }
        } else {
          b = x < padded[bins + 1] ? bins - 1 : bins;
        }
      } else {
        b = t < 0 ? -1 : bins; // NaN fails both comparisons and goes to overflow
      }
      out[i] = b < 0 ? underPosition : (b >= bins ? overPosition : b + uf);
    }
  }

  /**
   * True when {@link RegularAxis._fillWeighted} applies (not circular, both flow bins).
   * @internal
   */
  get _fusable(): boolean {
    return !this.circular && this.underflow && this.overflow;
  }

  /**
   * Fused lookup and accumulation for weighted storage with both flow bins, the hot path of
   * `Hist.fill` (one pass, no index scratch). Adds `weight` (array or number) and its square at
   * `base + offsets[i] * offsetStride + position * stride` (offsets: the other per-entry
   * axes, -1 = drop). Returns false, doing nothing, when the axis shape needs the
   * general path (circular, or a flow bin missing).
   * @internal
   */
  _fillWeighted(
    values: ArrayLike<number>,
    weight: ArrayLike<number> | number,
    sumW: Float64Array,
    sumW2: Float64Array,
    base: number,
    stride: number,
    offsets?: Int32Array,
    offsetStride = 1,
  ): boolean {
    if (!this._fusable) return false;
    const bins = this.bins;
    const start = this.start;
    const scale = bins / (this.stop - this.start);
    const tolerance = this.#tolerance;
    const padded = this._paddedEdges;
    // One small module-level kernel per case: V8 optimises each loop on its own, whereas one
    // big method with several loops got deoptimised when the call patterns mixed.
    if (offsets !== undefined && this.#exact && typeof weight !== "number") {
      fillOffsetsArrayExact(
        values,
        weight,
        sumW,
        sumW2,
        base,
        stride,
        offsets,
        offsetStride,
        start,
        scale,
        bins,
      );
    } else if (offsets !== undefined) {
      if (typeof weight === "number") {
        fillOffsetsScalar(
          values,
          weight,
          sumW,
          sumW2,
          base,
          stride,
          offsets,
          offsetStride,
          start,
          scale,
          bins,
          tolerance,
          padded,
        );
      } else {
        fillOffsetsArray(
          values,
          weight,
          sumW,
          sumW2,
          base,
          stride,
          offsets,
          offsetStride,
          start,
          scale,
          bins,
          tolerance,
          padded,
        );
      }
    } else if (this.#exact) {
      if (typeof weight === "number") {
        fillScalarExact(values, weight, sumW, sumW2, base, stride, start, scale, bins);
      } else {
        fillArrayExact(values, weight, sumW, sumW2, base, stride, start, scale, bins);
      }
    } else if (typeof weight === "number") {
      fillScalar(values, weight, sumW, sumW2, base, stride, start, scale, bins, tolerance, padded);
    } else {
      fillArray(values, weight, sumW, sumW2, base, stride, start, scale, bins, tolerance, padded);
    }
    return true;
  }

  // Boost-style indices (-1 .. bins) for the scalar API and the circular case.
  #indices(values: ArrayLike<number>, out: Int32Array): void {
    const n = values.length;
    const bins = this.bins;
    if (this.circular) {
      const delta = this.stop - this.start;
      for (let i = 0; i < n; i++) {
        let z = (values[i] - this.start) / delta;
        if (Number.isFinite(z)) {
          z -= Math.floor(z);
          const b = Math.floor(z * bins);
          out[i] = b >= bins ? bins - 1 : b;
        } else {
          out[i] = bins;
        }
      }
      return;
    }
    const tmp = new Int32Array(n);
    const wide = new RegularAxis(this.name, {
      bins,
      start: this.start,
      stop: this.stop,
      underflow: true,
      overflow: true,
    });
    wide.indexInto(values, tmp);
    for (let i = 0; i < n; i++) out[i] = tmp[i] - 1;
  }

  /**
   * The bins + 1 edges. Edge i is `(start * (bins - i) + stop * i) / bins`, which is the correctly
   * rounded decimal edge for the usual "nice" ranges (0.3 for 10 bins on [0, 1], 28 for 50 bins
   * on [0, 200]).
   */
  edges(): Float64Array {
    const out = new Float64Array(this.bins + 1);
    for (let i = 0; i <= this.bins; i++) {
      out[i] = (this.start * (this.bins - i) + this.stop * i) / this.bins;
    }
    out[0] = this.start;
    out[this.bins] = this.stop;
    return out;
  }

  /** Bin centers. */
  centers(): Float64Array {
    return centersFromEdges(this.edges());
  }

  /** Bin widths. */
  widths(): Float64Array {
    return widthsFromEdges(this.edges());
  }

  /** Why the binning differs from `other` (name, kind, range, flow), or undefined if identical. */
  differenceFrom(other: { kind: string; name: string }): string | undefined {
    if (other.kind !== "regular") return `kind ${this.kind} vs ${other.kind}`;
    const o = other as RegularAxis;
    if (o.name !== this.name) return `name "${this.name}" vs "${o.name}"`;
    if (o.bins !== this.bins || o.start !== this.start || o.stop !== this.stop) {
      return `binning (${this.bins}, ${this.start}, ${this.stop}) vs (${o.bins}, ${o.start}, ${o.stop})`;
    }
    if (o.underflow !== this.underflow || o.overflow !== this.overflow) return "flow bins differ";
    if (o.circular !== this.circular) return "circular flag differs";
    return undefined;
  }
}

/**
 * A regular axis: `bins` equal bins on [start, stop).
 *
 * @example
 * ```ts
 * import { regular } from "./regular.ts";
 * const pt = regular("pt", { bins: 50, start: 0, stop: 200, label: "p_T [GeV]" });
 * if (pt.extent !== 52 || pt.edges()[7] !== 28) throw new Error();
 * ```
 */
export function regular(name: string, options: RegularOptions): RegularAxis {
  return new RegularAxis(name, options);
}

// The fused kernels: storage position on an axis with both flow bins (underflow = 0,
// overflow = bins + 1) by the same lookup as RegularAxis.indexInto, written out in each loop
// (a shared helper function measured slower), then accumulation.
function fillArray(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  sumW: Float64Array,
  sumW2: Float64Array,
  base: number,
  stride: number,
  start: number,
  scale: number,
  bins: number,
  tolerance: number,
  padded: Float64Array,
): void {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const t = (x - start) * scale;
    let p: number;
    if (t >= 0) {
      if (t < bins) {
        const b = t | 0;
        p = b + 1;
        const fraction = t - b;
        if (fraction < tolerance || fraction > 1 - tolerance) {
          if (x < padded[p]) p--;
          else if (x >= padded[p + 1]) p++;
        }
      } else {
        p = x < padded[bins + 1] ? bins : bins + 1;
      }
    } else {
      p = t < 0 ? 0 : bins + 1;
    }
    const j = base + p * stride;
    const w = weights[i];
    sumW[j] += w;
    sumW2[j] += w * w;
  }
}

function fillScalar(
  values: ArrayLike<number>,
  weight: number,
  sumW: Float64Array,
  sumW2: Float64Array,
  base: number,
  stride: number,
  start: number,
  scale: number,
  bins: number,
  tolerance: number,
  padded: Float64Array,
): void {
  const n = values.length;
  const w2 = weight * weight;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const t = (x - start) * scale;
    let p: number;
    if (t >= 0) {
      if (t < bins) {
        const b = t | 0;
        p = b + 1;
        const fraction = t - b;
        if (fraction < tolerance || fraction > 1 - tolerance) {
          if (x < padded[p]) p--;
          else if (x >= padded[p + 1]) p++;
        }
      } else {
        p = x < padded[bins + 1] ? bins : bins + 1;
      }
    } else {
      p = t < 0 ? 0 : bins + 1;
    }
    const j = base + p * stride;
    sumW[j] += weight;
    sumW2[j] += w2;
  }
}

function fillOffsetsArray(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  sumW: Float64Array,
  sumW2: Float64Array,
  base: number,
  stride: number,
  offsets: Int32Array,
  offsetStride: number,
  start: number,
  scale: number,
  bins: number,
  tolerance: number,
  padded: Float64Array,
): void {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const o = offsets[i];
    if (o < 0) continue;
    const x = values[i];
    const t = (x - start) * scale;
    let p: number;
    if (t >= 0) {
      if (t < bins) {
        const b = t | 0;
        p = b + 1;
        const fraction = t - b;
        if (fraction < tolerance || fraction > 1 - tolerance) {
          if (x < padded[p]) p--;
          else if (x >= padded[p + 1]) p++;
        }
      } else {
        p = x < padded[bins + 1] ? bins : bins + 1;
      }
    } else {
      p = t < 0 ? 0 : bins + 1;
    }
    const j = base + o * offsetStride + p * stride;
    const w = weights[i];
    sumW[j] += w;
    sumW2[j] += w * w;
  }
}

function fillOffsetsScalar(
  values: ArrayLike<number>,
  weight: number,
  sumW: Float64Array,
  sumW2: Float64Array,
  base: number,
  stride: number,
  offsets: Int32Array,
  offsetStride: number,
  start: number,
  scale: number,
  bins: number,
  tolerance: number,
  padded: Float64Array,
): void {
  const n = values.length;
  const w2 = weight * weight;
  for (let i = 0; i < n; i++) {
    const o = offsets[i];
    if (o < 0) continue;
    const x = values[i];
    const t = (x - start) * scale;
    let p: number;
    if (t >= 0) {
      if (t < bins) {
        const b = t | 0;
        p = b + 1;
        const fraction = t - b;
        if (fraction < tolerance || fraction > 1 - tolerance) {
          if (x < padded[p]) p--;
          else if (x >= padded[p + 1]) p++;
        }
      } else {
        p = x < padded[bins + 1] ? bins : bins + 1;
      }
    } else {
      p = t < 0 ? 0 : bins + 1;
    }
    const j = base + o * offsetStride + p * stride;
    sumW[j] += weight;
    sumW2[j] += w2;
  }
}

function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const buffer = new Float64Array([x]);
  const bits = new BigInt64Array(buffer.buffer);
  bits[0] += x > 0 ? -1n : 1n;
  return buffer[0];
}

// Does floor((x - start) * scale) give bin i at edge i and bin i - 1 just below it, for all i?
function isExact(padded: Float64Array, start: number, scale: number, bins: number): boolean {
  for (let i = 0; i <= bins; i++) {
    const edge = padded[i + 1];
    if (Math.floor((edge - start) * scale) !== i) return false;
    if (Math.floor((nextDown(edge) - start) * scale) !== i - 1) return false;
  }
  return true;
}

function fillArrayExact(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  sumW: Float64Array,
  sumW2: Float64Array,
  base: number,
  stride: number,
  start: number,
  scale: number,
  bins: number,
): void {
  const n = values.length;
  const over = bins + 1;
  for (let i = 0; i < n; i++) {
    const t = (values[i] - start) * scale;
    const p = t >= 0 ? (t < bins ? (t | 0) + 1 : over) : (t < 0 ? 0 : over);
    const j = base + p * stride;
    const w = weights[i];
    sumW[j] += w;
    sumW2[j] += w * w;
  }
}

function fillScalarExact(
  values: ArrayLike<number>,
  weight: number,
  sumW: Float64Array,
  sumW2: Float64Array,
  base: number,
  stride: number,
  start: number,
  scale: number,
  bins: number,
): void {
  const n = values.length;
  const over = bins + 1;
  const w2 = weight * weight;
  for (let i = 0; i < n; i++) {
    const t = (values[i] - start) * scale;
    const p = t >= 0 ? (t < bins ? (t | 0) + 1 : over) : (t < 0 ? 0 : over);
    const j = base + p * stride;
    sumW[j] += weight;
    sumW2[j] += w2;
  }
}

function fillOffsetsArrayExact(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  sumW: Float64Array,
  sumW2: Float64Array,
  base: number,
  stride: number,
  offsets: Int32Array,
  offsetStride: number,
  start: number,
  scale: number,
  bins: number,
): void {
  const n = values.length;
  const over = bins + 1;
  for (let i = 0; i < n; i++) {
    const o = offsets[i];
    if (o < 0) continue;
    const t = (values[i] - start) * scale;
    const p = t >= 0 ? (t < bins ? (t | 0) + 1 : over) : (t < 0 ? 0 : over);
    const j = base + o * offsetStride + p * stride;
    const w = weights[i];
    sumW[j] += w;
    sumW2[j] += w * w;
  }
}

/**
 * The boolean axis: two bins, false then true, no flow bins.
 * @module
 */
import { type AxisCommon, commonFields, type Metadata, type WriterInfo } from "./_axis_base.ts";

/** A pass/fail axis (bin 0 = false, bin 1 = true). Masks (Uint8Array) fill it directly. */
export class BooleanAxis implements AxisCommon {
  /** Discriminant of the axis union. */
  readonly kind = "boolean" as const;
  readonly name: string;
  readonly label: string;
  readonly metadata: Metadata | undefined;
  readonly writerInfo: WriterInfo | undefined;
  /** Always 2. */
  readonly bins = 2;
  /** Always false. */
  readonly underflow = false;
  /** Always false. */
  readonly overflow = false;
  /** Always 2. */
  readonly extent = 2;

  /** Prefer the {@link boolean} factory. */
  constructor(
    name: string,
    options: { label?: string; metadata?: Metadata; writerInfo?: WriterInfo } = {},
  ) {
    const common = commonFields("boolean", name, options);
    this.name = common.name;
    this.label = common.label;
    this.metadata = common.metadata;
    this.writerInfo = common.writerInfo;
  }

  /**
   * Bin of a value: 1 when true or non-zero (NaN counts as true, as a C++ cast would), else 0.
   *
   * @example
   * ```ts
   * import { boolean } from "./boolean.ts";
   * const passed = boolean("passed");
   * if (passed.index(true) !== 1 || passed.index(0) !== 0) throw new Error();
   * ```
   */
  index(value: boolean | number): number {
    return value === true || (typeof value === "number" && value !== 0) ? 1 : 0;
  }

  /** Storage position of one value (same as index: there are no flow bins). */
  position(value: boolean | number): number {
    return this.index(value);
  }

  /** Vectorised lookup: 0 for zero or false, 1 otherwise (masks, or arrays of booleans). */
  indexInto(values: ArrayLike<number | boolean>, out: Int32Array): void {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v === 0 || v === false ? 0 : 1;
    }
  }

  /** Unit edges [0, 1, 2]. */
  edges(): Float64Array {
    return new Float64Array([0, 1, 2]);
  }

  /** Centers [0.5, 1.5]. */
  centers(): Float64Array {
    return new Float64Array([0.5, 1.5]);
  }

  /** Widths [1, 1]. */
  widths(): Float64Array {
    return new Float64Array([1, 1]);
  }

  /** Why the axis differs from `other`, or undefined if identical. */
  differenceFrom(other: { kind: string; name: string }): string | undefined {
    if (other.kind !== this.kind) return `kind ${this.kind} vs ${other.kind}`;
    if (other.name !== this.name) return `name "${this.name}" vs "${other.name}"`;
    return undefined;
  }
}

/**
 * A boolean axis.
 *
 * @example
 * ```ts
 * import { boolean } from "./boolean.ts";
 * if (boolean("isTight").extent !== 2) throw new Error();
 * ```
 */
export function boolean(
  name: string,
  options: { label?: string; metadata?: Metadata; writerInfo?: WriterInfo } = {},
): BooleanAxis {
  return new BooleanAxis(name, options);
}

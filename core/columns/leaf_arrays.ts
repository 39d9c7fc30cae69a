/**
 * The TypedArray each leaf type of a branch is held in (ROOT and Parquet readers, writers, and
 * the reader conformance suite agree on it).
 * @module
 */
import type { NumericArrayConstructor } from "./types.ts";
import type { LeafType } from "../plugin/types.ts";

/** The TypedArray constructor of each leaf type: `bool` is one byte per value (0/1). */
export const LEAF_ARRAYS: Readonly<Record<LeafType, NumericArrayConstructor>> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

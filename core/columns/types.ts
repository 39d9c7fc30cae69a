/**
 * The data model every Ristretto kernel works on: flat TypedArrays (one value per event,
 * or one per object) and jagged arrays (offsets + content, awkward's ListOffsetArray).
 * @module
 */

/** Any TypedArray a ROOT or Parquet branch can be read into. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A TypedArray of JavaScript numbers (no bigint): what arithmetic kernels take. */
export type NumberArray = Exclude<NumericArray, BigInt64Array | BigUint64Array>;

/**
 * A boolean per event or per object, stored as 0/1 bytes.
 * Kernels treat any non-zero byte as true.
 */
export type Mask = Uint8Array;

/**
 * A list of values per event: event `i` owns `content[offsets[i] .. offsets[i+1])`.
 *
 * `offsets` has one more entry than there are events, starts at any value (a slice of a
 * bigger array need not start at 0) and never decreases. Several jagged arrays of one
 * collection (Jet_pt, Jet_eta, ...) share the same `offsets` object, which is how kernels
 * know they line up.
 */
export interface Jagged<T extends NumericArray = NumericArray> {
  readonly offsets: Int32Array;
  readonly content: T;
}

/** One column of an event batch: flat (one value per event) or jagged. */
export type Column = NumericArray | Jagged;

/** A numeric TypedArray constructor, e.g. `Float32Array`. */
export type NumericArrayConstructor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

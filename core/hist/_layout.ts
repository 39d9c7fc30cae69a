/**
 * Row-major bin bookkeeping shared by Hist and the UHI code: strides, reshaping, trimming flow
 * bins, and the one odometer loop used by project, select and growth.
 * @module
 */

/** Row-major strides (first axis slowest) of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = stride;
    stride *= shape[k];
  }
  return strides;
}

/** Product of a shape (1 for no axes: a zero-dimensional histogram has one bin). */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const n of shape) size *= n;
  return size;
}

/**
 * Walks every bin of `source` (shape `shape`) and adds it into `target` at
 * sum_k map[k][index_k]; a map entry of -1 skips the bin. This one loop implements projection
 * (maps to 0 for summed axes), selection (-1 except the chosen position), flow trimming
 * (-1 on flow positions) and growth (positions shifted).
 */
export function remap(
  source: Float64Array,
  shape: readonly number[],
  maps: readonly Int32Array[],
  target: Float64Array,
  options: { assign?: boolean } = {},
): void {
  // Assign instead of add when every target bin receives exactly one source bin (select, trim,
  // growth): that keeps -0 and NaN bit-exact.
  const assign = options.assign ?? false;
  const ndim = shape.length;
  if (ndim === 0) {
    target[0] = assign ? source[0] : target[0] + source[0];
    return;
  }
  const index = new Int32Array(ndim);
  const total = source.length;
  for (let o = 0; o < total; o++) {
    let t = 0;
    let skip = false;
    for (let k = 0; k < ndim; k++) {
      const m = maps[k][index[k]];
      if (m < 0) {
        skip = true;
        break;
      }
      t += m;
    }
    if (!skip) target[t] = assign ? source[o] : target[t] + source[o];
    // Odometer: last axis fastest, as in row-major storage.
    for (let k = ndim - 1; k >= 0; k--) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
}

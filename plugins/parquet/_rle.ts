/**
 * The RLE / bit-packed hybrid encoding of Parquet (levels, dictionary indices, booleans),
 * decoded straight into TypedArrays: hyparquet decodes it into plain JS arrays, which is where
 * most of its time goes on NanoAOD-like files.
 */

/** Output of the hybrid decoder: levels and booleans fit bytes, dictionary indices need int32. */
export type LevelArray = Uint8Array | Int32Array;

/** Encoded input: `bytes[start, end)` holding values `bitWidth` bits wide. */
export interface EncodedRuns {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly bitWidth: number;
}

/** Where decoded values go: `count` values into `out` from index `at`. */
export interface DecodeTarget {
  readonly out: LevelArray;
  readonly at: number;
  readonly count: number;
}

/**
 * Decodes RLE / bit-packed hybrid runs. Returns the position after the last run read, or -1
 * when the runs end before `count` values (a truncated or corrupt page).
 */
export function decodeHybrid(input: EncodedRuns, target: DecodeTarget): number {
  const { bytes, end, bitWidth } = input;
  const { out, at: outStart, count } = target;
  let pos = input.start;
  let n = 0;
  const byteWidth = (bitWidth + 7) >> 3;
  while (n < count) {
    if (pos >= end) return -1;
    // ULEB128 run header: low bit 1 = bit-packed groups of 8, 0 = a repeated value.
    let header = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[pos++];
      header += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && pos < end);
    if (header % 2 === 1) {
      const groups = Math.floor(header / 2);
      const total = groups * 8;
      const take = Math.min(total, count - n);
      const runBytes = groups * bitWidth;
      if (pos + Math.ceil((take * bitWidth) / 8) > end) return -1;
      _unpackBits(bytes, pos, bitWidth, out, outStart + n, take);
      pos += runBytes;
      n += take;
    } else {
      const run = Math.floor(header / 2);
      let value = 0;
      for (let i = 0; i < byteWidth; i++) value += bytes[pos + i] * 2 ** (8 * i);
      pos += byteWidth;
      const take = Math.min(run, count - n);
      out.fill(value, outStart + n, outStart + n + take);
      n += take;
    }
  }
  return Math.min(pos, end);
}

/**
 * LSB-first bit unpacking of `target.count` values from `input.start` (`end` is not checked:
 * callers check the length); also the PLAIN encoding of booleans (width 1).
 */
export function unpackBits(input: EncodedRuns, target: DecodeTarget): void {
  _unpackBits(input.bytes, input.start, input.bitWidth, target.out, target.at, target.count);
}

function _unpackBits(
  bytes: Uint8Array,
  pos: number,
  bitWidth: number,
  out: LevelArray,
  outStart: number,
  count: number,
): void {
  if (bitWidth === 0) {
    out.fill(0, outStart, outStart + count);
    return;
  }
  if (bitWidth === 1) {
    const whole = count >> 3;
    let o = outStart;
    for (let b = 0; b < whole; b++) {
      const v = bytes[pos + b];
      out[o] = v & 1;
      out[o + 1] = (v >> 1) & 1;
      out[o + 2] = (v >> 2) & 1;
      out[o + 3] = (v >> 3) & 1;
      out[o + 4] = (v >> 4) & 1;
      out[o + 5] = (v >> 5) & 1;
      out[o + 6] = (v >> 6) & 1;
      out[o + 7] = (v >> 7) & 1;
      o += 8;
    }
    const v = bytes[pos + whole];
    for (let i = 0; i < (count & 7); i++) out[o + i] = (v >> i) & 1;
    return;
  }
  if (bitWidth <= 24) {
    // The bit buffer holds at most bitWidth + 7 < 32 bits, so int32 arithmetic is exact.
    const mask = (1 << bitWidth) - 1;
    let buffer = 0;
    let bits = 0;
    let p = pos;
    for (let i = 0; i < count; i++) {
      while (bits < bitWidth) {
        buffer |= bytes[p++] << bits;
        bits += 8;
      }
      out[outStart + i] = buffer & mask;
      buffer >>>= bitWidth;
      bits -= bitWidth;
    }
    return;
  }
  // Wide values (rare: huge dictionaries): float arithmetic stays exact below 2^53.
  const modulus = 2 ** bitWidth;
  let buffer = 0;
  let scale = 1;
  let p = pos;
  for (let i = 0; i < count; i++) {
    while (scale < modulus) {
      buffer += bytes[p++] * scale;
      scale *= 256;
    }
    out[outStart + i] = buffer % modulus;
    buffer = Math.floor(buffer / modulus);
    scale /= modulus;
  }
}

/** Bits needed to store values up to `max` (levels: max definition/repetition level). */
export function bitWidthOf(max: number): number {
  return max === 0 ? 0 : 32 - Math.clz32(max);
}

/**
 * The pieces of correctionlib's hashprng node: XXH64 (seed 0) over the inputs packed as 64-bit
 * little-endian words (int64 values as two's complement, reals as their IEEE-754 bits), a
 * pcg32 "oneseq" generator seeded with the hash, and the three distributions as the C++
 * standard library (libstdc++) and correctionlib draw them.
 * @module
 */

const M64 = 0xffffffffffffffffn;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & M64;
}

function round(acc: bigint, lane: bigint): bigint {
  acc = (acc + lane * P2) & M64;
  acc = rotl(acc, 31n);
  return (acc * P1) & M64;
}

function mergeRound(acc: bigint, value: bigint): bigint {
  acc ^= round(0n, value);
  return (acc * P1 + P4) & M64;
}

/** XXH64 of `data` with `seed` (the public xxHash specification). */
export function xxh64(data: Uint8Array, seed = 0n): bigint {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = data.byteLength;
  let offset = 0;
  let h: bigint;
  if (length >= 32) {
    let v1 = (seed + P1 + P2) & M64;
    let v2 = (seed + P2) & M64;
    let v3 = seed;
    let v4 = (seed - P1) & M64;
    while (offset + 32 <= length) {
      v1 = round(v1, view.getBigUint64(offset, true));
      v2 = round(v2, view.getBigUint64(offset + 8, true));
      v3 = round(v3, view.getBigUint64(offset + 16, true));
      v4 = round(v4, view.getBigUint64(offset + 24, true));
      offset += 32;
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = (seed + P5) & M64;
  }
  h = (h + BigInt(length)) & M64;
  while (offset + 8 <= length) {
    h ^= round(0n, view.getBigUint64(offset, true));
    h = (rotl(h, 27n) * P1 + P4) & M64;
    offset += 8;
  }
  if (offset + 4 <= length) {
    h ^= (BigInt(view.getUint32(offset, true)) * P1) & M64;
    h = (rotl(h, 23n) * P2 + P3) & M64;
    offset += 4;
  }
  while (offset < length) {
    h ^= (BigInt(data[offset]) * P5) & M64;
    h = (rotl(h, 11n) * P1) & M64;
    offset++;
  }
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

const PCG_MULTIPLIER = 6364136223846793005n;
const PCG_INCREMENT = 1442695040888963407n;

/** pcg32 with a single stream (pcg-cpp's pcg32_oneseq): 64-bit LCG state, XSH-RR output. */
export class Pcg32 {
  #state: bigint;

  /** Seeds as pcg-cpp's `seed(s)` does: state = bump(s + increment). */
  constructor(seed: bigint) {
    this.#state = (((seed + PCG_INCREMENT) & M64) * PCG_MULTIPLIER + PCG_INCREMENT) & M64;
  }

  /** The next 32-bit output (computed from the state before the step, as pcg-cpp does). */
  next(): number {
    const old = this.#state;
    this.#state = (old * PCG_MULTIPLIER + PCG_INCREMENT) & M64;
    const xorshifted = Number((((old >> 18n) ^ old) >> 27n) & 0xffffffffn);
    const rot = Number(old >> 59n);
    return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
  }
}

const TWO_32 = 4294967296;
const ONE_BELOW_ONE = 1 - 2 ** -53;

/** libstdc++ generate_canonical<double, 53> on a 32-bit generator: two draws. */
function canonical(gen: Pcg32): number {
  const sum = gen.next() + gen.next() * TWO_32;
  const value = sum / (TWO_32 * TWO_32);
  return value >= 1 ? ONE_BELOW_ONE : value;
}

/** The distributions a hashprng node can draw from. */
export type PrngDistribution = "stdflat" | "stdnormal" | "normal";

/** Draws one value from the generator as correctionlib does for `distribution`. */
export function draw(gen: Pcg32, distribution: PrngDistribution): number {
  switch (distribution) {
    case "stdflat":
      // std::uniform_real_distribution<double>(0, 1)
      return canonical(gen);
    case "stdnormal": {
      // std::normal_distribution<double> in libstdc++: Marsaglia's polar method, returning y
      let x: number, y: number, r2: number;
      do {
        x = 2 * canonical(gen) - 1;
        y = 2 * canonical(gen) - 1;
        r2 = x * x + y * y;
      } while (r2 > 1 || r2 === 0);
      return y * Math.sqrt(-2 * Math.log(r2) / r2);
    }
    case "normal": {
      // correctionlib's own portable polar method on ldexp(u32, -31) - 1
      let u: number, v: number, s: number;
      do {
        u = gen.next() * 2 ** -31 - 1;
        v = gen.next() * 2 ** -31 - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      return u * Math.sqrt(-2 * Math.log(s) / s);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The same XXH64 and pcg32 on pairs of 32-bit halves: BigInt arithmetic costs about a
// microsecond per value, which is too slow over columns. Results go through a typed array:
// module-level `let`s holding values above 2^30 would allocate a heap number on every write.
const R = new Uint32Array(2); // R[0] high half, R[1] low half of the last result
const S = new Uint32Array(2); // the pcg32 state of the fast path

/** R = low 64 bits of (ah, al) * (bh, bl). */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  R[1] = ((mid & 0xffff) << 16) | (p00 & 0xffff);
  // every term is an exact integer below 2^35: the Uint32Array store takes it modulo 2^32
  R[0] = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) +
    Math.imul(al, bh);
}

/** R = (ah, al) + (bh, bl) modulo 2^64. */
function add64(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  R[1] = lo;
  R[0] = ah + bh + (lo > 0xffffffff ? 1 : 0);
}

/** R = (h, l) rotated left by r (0 < r < 32). */
function rotl64(h: number, l: number, r: number): void {
  R[0] = (h << r) | (l >>> (32 - r));
  R[1] = (l << r) | (h >>> (32 - r));
}

const half = (
  value: bigint,
): [number, number] => [Number(value >> 32n), Number(value & 0xffffffffn)];
const [P1H, P1L] = half(P1);
const [P2H, P2L] = half(P2);
const [P3H, P3L] = half(P3);
const [P4H, P4L] = half(P4);
const [P5H, P5L] = half(P5);
const [MH, ML] = half(PCG_MULTIPLIER);
const [IH, IL] = half(PCG_INCREMENT);

function fastNext(): number {
  const oh = S[0];
  const ol = S[1];
  mul64(oh, ol, MH, ML);
  add64(R[0], R[1], IH, IL);
  S[0] = R[0];
  S[1] = R[1];
  // ((old >> 18) ^ old) >> 27, low 32 bits; rotation by the top 5 bits
  const xl = ol ^ ((ol >>> 18) | (oh << 14));
  const xh = oh ^ (oh >>> 18);
  const xorshifted = ((xl >>> 27) | (xh << 5)) >>> 0;
  const rot = oh >>> 27;
  return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
}

function fastCanonical(): number {
  const sum = fastNext() + fastNext() * TWO_32;
  const value = sum / (TWO_32 * TWO_32);
  return value >= 1 ? ONE_BELOW_ONE : value;
}

/** {@link draw} after seeding with the XXH64 of `lanes` 64-bit words (fewer than 4). */
function fastDraw(view: DataView, lanes: number, distribution: PrngDistribution): number {
  // XXH64 of 8 * lanes bytes with seed 0, lanes < 4 (no 32-byte stripes)
  add64(P5H, P5L, 0, 8 * lanes);
  let hh = R[0];
  let hl = R[1];
  for (let i = 0; i < lanes; i++) {
    const ll = view.getUint32(8 * i, true);
    const lh = view.getUint32(8 * i + 4, true);
    mul64(lh, ll, P2H, P2L); // round(0, lane)
    rotl64(R[0], R[1], 31);
    mul64(R[0], R[1], P1H, P1L);
    hh = (hh ^ R[0]) >>> 0;
    hl = (hl ^ R[1]) >>> 0;
    rotl64(hh, hl, 27);
    mul64(R[0], R[1], P1H, P1L);
    add64(R[0], R[1], P4H, P4L);
    hh = R[0];
    hl = R[1];
  }
  hl = (hl ^ (hh >>> 1)) >>> 0; // h ^= h >> 33
  mul64(hh, hl, P2H, P2L);
  hh = R[0];
  hl = R[1];
  hl = (hl ^ ((hl >>> 29) | (hh << 3))) >>> 0; // h ^= h >> 29
  hh = (hh ^ (hh >>> 29)) >>> 0;
  mul64(hh, hl, P3H, P3L);
  hh = R[0];
  hl = (R[1] ^ R[0]) >>> 0; // h ^= h >> 32
  // pcg32 seed: state = (seed + increment) * multiplier + increment
  add64(hh, hl, IH, IL);
  mul64(R[0], R[1], MH, ML);
  add64(R[0], R[1], IH, IL);
  S[0] = R[0];
  S[1] = R[1];
  switch (distribution) {
    case "stdflat":
      return fastCanonical();
    case "stdnormal": {
      let x: number, y: number, r2: number;
      do {
        x = 2 * fastCanonical() - 1;
        y = 2 * fastCanonical() - 1;
        r2 = x * x + y * y;
      } while (r2 > 1 || r2 === 0);
      return y * Math.sqrt(-2 * Math.log(r2) / r2);
    }
    case "normal": {
      let u: number, v: number, q: number;
      do {
        u = fastNext() * 2 ** -31 - 1;
        v = fastNext() * 2 ** -31 - 1;
        q = u * u + v * v;
      } while (q >= 1 || q === 0);
      return u * Math.sqrt(-2 * Math.log(q) / q);
    }
  }
}

/** Packs hashprng inputs (reals as doubles, ints as int64) little-endian, 8 bytes each. */
export class PrngPacker {
  readonly bytes: Uint8Array;
  readonly #view: DataView;

  constructor(count: number) {
    this.bytes = new Uint8Array(8 * count);
    this.#view = new DataView(this.bytes.buffer);
  }

  /** Stores a real input at position i. */
  setReal(i: number, value: number): void {
    this.#view.setFloat64(8 * i, value, true);
  }

  /** Stores an int input at position i (a safe integer number or a bigint). */
  setInt(i: number, value: number | bigint): void {
    if (typeof value === "number") {
      // two's complement halves of a safe integer, without a BigInt
      this.#view.setUint32(8 * i, value >>> 0, true);
      this.#view.setUint32(8 * i + 4, Math.floor(value / 4294967296) >>> 0, true);
    } else this.#view.setBigInt64(8 * i, BigInt.asIntN(64, value), true);
  }

  /** Draws from the generator seeded with the hash of the packed inputs. */
  draw(distribution: PrngDistribution): number {
    const lanes = this.bytes.length / 8;
    if (lanes < 4) return fastDraw(this.#view, lanes, distribution);
    return draw(new Pcg32(xxh64(this.bytes, 0n)), distribution);
  }

  /** The same draw through BigInt arithmetic (the reference for the fast path). */
  drawExact(distribution: PrngDistribution): number {
    return draw(new Pcg32(xxh64(this.bytes, 0n)), distribution);
  }
}

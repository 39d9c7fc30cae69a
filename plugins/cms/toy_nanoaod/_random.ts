/**
 * The seeded random numbers of the toy generator: xoshiro128** (Blackman & Vigna) seeded through
 * splitmix32, plus the distributions the physics needs. Private to the generator: the stream for
 * a given seed is part of what makes a generated file reproducible, so it must not change
 * silently under other users.
 * @module
 */

/** A small, fast, seedable PRNG with the samplers the toy physics uses. */
export class Random {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spareGaussian = 0;
  #hasSpare = false;

  /**
   * Any integer (or integer-valued double) seed; equal seeds give equal streams. `stream`
   * picks an independent stream of the same seed (0, the default, is the seed's own), so new
   * quantities can be drawn without shifting the numbers already drawn from stream 0.
   */
  constructor(seed: number, stream = 0) {
    // splitmix32 spreads a possibly tiny seed over the 128-bit state (an all-zero state is
    // a fixed point of xoshiro). The high and low halves of a double seed both count.
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b9) ^
      Math.imul(stream >>> 0, 0x6c8e9cf5);
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s0 = this.#s0, s1 = this.#s1, s2 = this.#s2, s3 = this.#s3;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9);
    const t = s1 << 9;
    this.#s2 = s2 ^ s0;
    this.#s3 = s3 ^ s1;
    this.#s1 = s1 ^ this.#s2;
    this.#s0 = s0 ^ this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result >>> 0;
  }

  /** Uniform in the open interval (0, 1): never 0, so `Math.log(uniform())` is finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Uniform in [low, high). */
  range(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** Normal(mean, sigma), Marsaglia's polar method (two values per rejection loop). */
  gaussian(mean = 0, sigma = 1): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return mean + sigma * this.#spareGaussian;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spareGaussian = v * factor;
    this.#hasSpare = true;
    return mean + sigma * u * factor;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(this.uniform());
  }

  /**
   * Breit-Wigner (Cauchy) with peak `mass` and full width `width`, truncated to [low, high] by
   * sampling the inverse CDF only between the CDF values of the bounds (no rejection loop).
   */
  breitWigner(mass: number, width: number, low = -Infinity, high = Infinity): number {
    const halfWidth = width / 2;
    const cdfLow = Math.atan((low - mass) / halfWidth);
    const cdfHigh = Math.atan((high - mass) / halfWidth);
    return mass + halfWidth * Math.tan(cdfLow + (cdfHigh - cdfLow) * this.uniform());
  }

  /** Poisson(mean): multiplication method for small means, rounded normal above 30. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(this.gaussian(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let product = this.uniform();
    while (product > limit) {
      k++;
      product *= this.uniform();
    }
    return k;
  }

  /** An integer uniform in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

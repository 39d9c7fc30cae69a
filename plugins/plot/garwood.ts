/**
 * Garwood (exact, central) Poisson confidence intervals, as mplhep and ROOT's
 * kPoisson error option draw data: the bounds are quantiles of the gamma distribution, found by
 * inverting the regularised lower incomplete gamma function P(a, x).
 * @module
 */

/** The two-sided coverage of "1 sigma": erf(1/sqrt 2). */
export const ONE_SIGMA = 0.6826894921370859;

const LANCZOS = [
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0 (Lanczos, g = 7; ~1e-15 relative). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i + 1);
  const t = z + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * The regularised lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a), for a > 0:
 * a series below x < a + 1 and a continued fraction (modified Lentz) above, where each converges
 * fast.
 */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (!Number.isFinite(x)) return 1;
  const logPrefix = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}

/**
 * The p-quantile of the gamma distribution with shape `a` (scale 1): the x with P(a, x) = p.
 * Newton steps on P, kept inside a bracket that bisection narrows whenever Newton leaves it,
 * so it converges for every a > 0 and p in (0, 1).
 */
export function gammaQuantile(p: number, a: number): number {
  if (!(a > 0)) throw new RangeError(`gamma shape must be > 0, got ${a}`);
  if (p <= 0) return 0;
  if (p >= 1) return Infinity;
  let lo = 0;
  let hi = Math.max(1, a);
  while (regularizedGammaP(a, hi) < p) {
    lo = hi;
    hi *= 2;
  }
  let x = Math.min(Math.max(a, (lo + hi) / 2), hi);
  const lga = lnGamma(a);
  for (let i = 0; i < 200; i++) {
    const f = regularizedGammaP(a, x) - p;
    if (f < 0) lo = x;
    else hi = x;
    // The density is the derivative of P.
    const density = Math.exp((a - 1) * Math.log(x) - x - lga);
    let next = density > 0 ? x - f / density : NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * x || hi - lo <= 1e-15 * hi) return next;
    x = next;
  }
  return x;
}

/**
 * The Garwood interval [lower, upper] of a Poisson mean for `n` observed events at the given
 * coverage (default 68.27%): lower = Q(alpha/2; n) (0 for n = 0), upper = Q(1 - alpha/2; n + 1).
 * A non-integer n (weighted data) is used as it is.
 */
export function garwoodInterval(n: number, coverage = ONE_SIGMA): [number, number] {
  const alpha = 1 - coverage;
  const lower = n > 0 ? gammaQuantile(alpha / 2, n) : 0;
  const upper = gammaQuantile(1 - alpha / 2, n + 1);
  return [lower, upper];
}

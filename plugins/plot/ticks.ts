/**
 * Axis ticks as matplotlib's default locators place them: "nice" major steps (1, 2, 2.5, 5 x
 * 10^k), minor ticks subdividing them, decades with 2..9 minors on log axes.
 * @module
 */

/** Major and minor tick positions (inside the range) with the labels of the majors. */
export interface Ticks {
  major: number[];
  minor: number[];
  labels: string[];
  /** Power of ten factored out of the labels (matplotlib's offset text), 0 when none. */
  exponent: number;
}

/** A number without float noise: 0.30000000000000004 -> "0.3". */
export function formatNumber(value: number): string {
  if (Math.abs(value) < 1e-12) return "0";
  return String(Number(value.toPrecision(10)));
}

/** Linear ticks, aiming at about `target` majors. */
export function linearTicks(low: number, high: number, target = 6): Ticks {
  const span = high - low;
  if (!(span > 0)) return { major: [low], minor: [], labels: [formatNumber(low)], exponent: 0 };
  const raw = span / target;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const fraction = raw / power;
  const [nice, subdivisions] = fraction < 1.5
    ? [1, 5]
    : fraction < 2.25
    ? [2, 4]
    : fraction < 3.5
    ? [2.5, 5]
    : fraction < 7.5
    ? [5, 5]
    : [10, 5];
  const step = nice * power;
  const minorStep = step / subdivisions;
  const epsilon = span * 1e-9;
  const major: number[] = [];
  for (let k = Math.ceil((low - epsilon) / step); k * step <= high + epsilon; k++) {
    major.push(Number((k * step).toPrecision(12)));
  }
  const minor: number[] = [];
  for (let k = Math.ceil((low - epsilon) / minorStep); k * minorStep <= high + epsilon; k++) {
    if (k % subdivisions !== 0) minor.push(k * minorStep);
  }
  const largest = Math.max(...major.map(Math.abs));
  const exponent = largest >= 1e4 ? Math.floor(Math.log10(largest)) : 0;
  const labels = major.map((v) => formatNumber(v / Math.pow(10, exponent)));
  return { major, minor, labels, exponent };
}

/** Log ticks: decades as majors (every n-th decade on wide ranges), 2..9 as minors. */
export function logTicks(low: number, high: number): Ticks {
  const first = Math.floor(Math.log10(low));
  const last = Math.ceil(Math.log10(high));
  const every = Math.max(1, Math.ceil((last - first) / 8));
  const major: number[] = [];
  const minor: number[] = [];
  const labels: string[] = [];
  for (let k = first; k <= last; k++) {
    const decade = Math.pow(10, k);
    if (decade >= low * (1 - 1e-9) && decade <= high * (1 + 1e-9)) {
      if ((k - first) % every === 0) {
        major.push(decade);
        labels.push(`10^{${k}}`);
      } else minor.push(decade);
    }
    if (every === 1) {
      for (let m = 2; m <= 9; m++) {
        const v = m * decade;
        if (v >= low && v <= high) minor.push(v);
      }
    }
  }
  return { major, minor, labels, exponent: 0 };
}

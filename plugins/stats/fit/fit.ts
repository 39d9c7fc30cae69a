/**
 * Maximum-likelihood fits of a compiled model: the best fit with Hessian uncertainties,
 * conditional (profiled) fits at fixed POI values, the profile-likelihood scan and interval,
 * and the discovery test statistic q0 with its significance.
 * @module
 */
import { InputError } from "@ristretto/core/errors";
import { invertSpd } from "./_math.ts";
import { hessian, minimize } from "./minimize.ts";
import type { FitData, Model } from "./model.ts";

/** Options of {@link fit}. */
export interface FitOptions {
  /** Parameters held at a value, by display name (e.g. `{ mu: 0 }`). */
  fix?: Readonly<Record<string, number>>;
  /** Start values (default the model's inits; fixed values override). */
  init?: Float64Array;
  /** Compute the Hessian uncertainties (default true). */
  hesse?: boolean;
  /** Projected-gradient tolerance of the minimiser (default 1e-9). */
  tolerance?: number;
}

/** Result of {@link fit}. */
export interface FitResult {
  /** Parameter display names, in model order. */
  readonly names: readonly string[];
  readonly values: Float64Array;
  /** Hessian uncertainties (0 for fixed parameters; NaN when the Hessian is not invertible). */
  readonly errors: Float64Array;
  /** Covariance of all parameters (row-major, zero rows for fixed ones), when computed. */
  readonly covariance: Float64Array | undefined;
  /** -log L at the minimum. */
  readonly nll: number;
  readonly converged: boolean;
  /** Largest projected-gradient component at the minimum. */
  readonly gradientNorm: number;
  /** Mask of the parameters that were held fixed. */
  readonly fixed: Uint8Array;
  /** Function evaluations used. */
  readonly evaluations: number;
}

function fixedMask(model: Model, values: Float64Array, fix: FitOptions["fix"]): Uint8Array {
  const mask = Uint8Array.from(model.parameters, (p) => (p.fixed ? 1 : 0));
  for (const [name, value] of Object.entries(fix ?? {})) {
    const k = model.indexOf(name);
    if (k < 0) {
      throw new InputError("STATS_UNKNOWN_PARAMETER", `Cannot fix "${name}": no such parameter`);
    }
    mask[k] = 1;
    values[k] = value;
  }
  return mask;
}

/**
 * Fits `model` to `data` (minimises -log L over the free parameters within their bounds).
 *
 * @example
 * ```ts
 * import { compileModel, fit } from "../mod.ts";
 * const model = compileModel({
 *   version: "1.0.0",
 *   channels: [{ name: "c", samples: [
 *     { name: "s", data: [10], modifiers: [{ name: "mu", type: "normfactor", data: null }] },
 *     { name: "b", data: [50], modifiers: [] },
 *   ] }],
 *   observations: [{ name: "c", data: [65] }],
 *   measurements: [{ name: "m", config: { poi: "mu", parameters: [] } }],
 * });
 * const result = fit(model, model.observed);
 * if (Math.abs(result.values[model.poi] - 1.5) > 1e-8) throw new Error();
 * ```
 */
export function fit(model: Model, data: FitData, options: FitOptions = {}): FitResult {
  const start = Float64Array.from(options.init ?? model.inits());
  const fixed = fixedMask(model, start, options.fix);
  const lower = Float64Array.from(model.parameters, (p) => p.lower);
  const upper = Float64Array.from(model.parameters, (p) => p.upper);
  const objective = (x: Float64Array, g: Float64Array) => model.nll(x, data, g);
  const result = minimize(objective, start, {
    lower,
    upper,
    fixed,
    gradientTolerance: options.tolerance,
    kinks: Float64Array.from(model.parameters, (p) => p.kink),
  });
  const n = model.size;
  const errors = new Float64Array(n);
  let covariance: Float64Array | undefined;
  if (options.hesse ?? true) {
    covariance = covarianceAt(model, data, { at: result.x, fixed });
    for (let k = 0; k < n; k++) {
      errors[k] = fixed[k] ? 0 : covariance ? Math.sqrt(covariance[k * n + k]) : NaN;
    }
  }
  return {
    names: model.parameters.map((p) => p.name),
    values: result.x,
    errors,
    covariance,
    nll: result.value,
    converged: result.converged,
    gradientNorm: result.gradientNorm,
    fixed,
    evaluations: result.evaluations,
  };
}

/** Options of {@link covarianceAt}. */
export interface CovarianceOptions {
  /** The point (usually the best fit). */
  at: Float64Array;
  /** 1 for parameters held fixed (their rows and columns are zero). */
  fixed: Uint8Array;
}

/**
 * The covariance at a point: the inverse of the Hessian of -log L (finite differences of the
 * analytic gradient) over the free parameters; undefined when not positive definite.
 */
export function covarianceAt(
  model: Model,
  data: FitData,
  options: CovarianceOptions,
): Float64Array | undefined {
  const { at: x, fixed } = options;
  const n = model.size;
  const full = hessian((p, g) => model.nll(p, data, g), x, { fixed });
  const free: number[] = [];
  for (let k = 0; k < n; k++) if (!fixed[k]) free.push(k);
  const m = free.length;
  const h = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) h[a * m + b] = full[free[a] * n + free[b]];
  }
  const inverse = invertSpd(h, m);
  if (!inverse) return undefined;
  const covariance = new Float64Array(n * n);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) covariance[free[a] * n + free[b]] = inverse[a * m + b];
  }
  return covariance;
}

/** One point of a profile-likelihood scan. */
export interface ScanPoint {
  /** POI value. */
  readonly poi: number;
  /** -log L profiled over the nuisance parameters. */
  readonly nll: number;
  /** -2 ln lambda = 2 (nll - nll at the best fit). */
  readonly twiceDeltaNll: number;
  readonly converged: boolean;
}

/** Options of {@link profileScan}. */
export interface ScanOptions {
  /** POI values to profile. */
  values: readonly number[];
  /** The unconditional best fit (computed when absent). */
  best?: FitResult;
}

/**
 * Profiles -log L at each POI value (each conditional fit starts from the neighbouring one).
 */
export function profileScan(model: Model, data: FitData, options: ScanOptions): ScanPoint[] {
  const values = options.values;
  const best = options.best ?? fit(model, data, { hesse: false });
  const poiName = model.parameters[model.poi].name;
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const points: ScanPoint[] = new Array(values.length);
  let init = Float64Array.from(best.values);
  for (const i of order) {
    const conditional = fit(model, data, { fix: { [poiName]: values[i] }, init, hesse: false });
    init = Float64Array.from(conditional.values);
    points[i] = {
      poi: values[i],
      nll: conditional.nll,
      twiceDeltaNll: 2 * (conditional.nll - best.nll),
      converged: conditional.converged,
    };
  }
  return points;
}

/** A profile-likelihood interval of the POI. */
export interface ProfileInterval {
  readonly lower: number;
  readonly upper: number;
  /** True when an end is the parameter bound (the likelihood ratio did not reach the level). */
  readonly lowerAtBound: boolean;
  readonly upperAtBound: boolean;
}

/** Options of {@link profileInterval}. */
export interface IntervalOptions {
  /** The unconditional best fit (computed when absent). */
  best?: FitResult;
  /** Level of -2 ln lambda (default 1: the 68.3% interval). */
  level?: number;
  /** Absolute tolerance on the ends (default 1e-9 times max(1, |POI|)). */
  tolerance?: number;
}

/**
 * The ends of { POI : -2 ln lambda(POI) <= level } found by bracketing and Illinois
 * false-position iteration on profiled fits.
 */
export function profileInterval(
  model: Model,
  data: FitData,
  options: IntervalOptions = {},
): ProfileInterval {
  const best = options.best ?? fit(model, data);
  const level = options.level ?? 1;
  const poi = model.poi;
  const poiName = model.parameters[poi].name;
  const hat = best.values[poi];
  const { lower: lowBound, upper: highBound } = model.parameters[poi];
  const tolerance = options.tolerance ?? 1e-9 * Math.max(1, Math.abs(hat));
  let initial = best.errors[poi] > 0 && Number.isFinite(best.errors[poi])
    ? best.errors[poi]
    : Math.max(0.1, Math.abs(hat) * 0.1);
  initial = Math.max(initial, 1e-6);
  let warm = Float64Array.from(best.values);
  const q = (value: number) => {
    const conditional = fit(model, data, { fix: { [poiName]: value }, init: warm, hesse: false });
    warm = Float64Array.from(conditional.values);
    return 2 * (conditional.nll - best.nll) - level;
  };
  const side = (sign: 1 | -1): { end: number; atBound: boolean } => {
    const bound = sign > 0 ? highBound : lowBound;
    warm = Float64Array.from(best.values);
    let inside = hat;
    let qInside = -level;
    let step = initial;
    let outside = hat + sign * step;
    for (let tries = 0;; tries++) {
      if (sign * (outside - bound) >= 0) outside = bound;
      const value = q(outside);
      if (value >= 0) {
        return {
          end: falsePosition(q, inside, qInside, outside, value, tolerance),
          atBound: false,
        };
      }
      if (outside === bound || tries > 60) return { end: outside, atBound: true };
      inside = outside;
      qInside = value;
      step *= 2;
      outside = hat + sign * step;
    }
  };
  const upperSide = hat >= highBound ? { end: highBound, atBound: true } : side(1);
  const lowerSide = hat <= lowBound ? { end: lowBound, atBound: true } : side(-1);
  return {
    lower: lowerSide.end,
    upper: upperSide.end,
    lowerAtBound: lowerSide.atBound,
    upperAtBound: upperSide.atBound,
  };
}

// Illinois false position: f(a) < 0 <= f(b).
function falsePosition(
  f: (x: number) => number,
  a: number,
  fa: number,
  b: number,
  fb: number,
  tolerance: number,
): number {
  let side = 0;
  for (let i = 0; i < 200; i++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = f(c);
    if (Math.abs(b - a) < tolerance || fc === 0) return c;
    if (fc < 0) {
      a = c;
      fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    }
    if (Math.abs(b - a) < tolerance) return fc < 0 ? a : b;
  }
  return 0.5 * (a + b);
}

/** The discovery test of {@link discoverySignificance}. */
export interface Significance {
  /** q0 = -2 ln (L(POI = 0, profiled) / L(best fit)) for a positive best-fit POI, else 0. */
  readonly q0: number;
  /** sqrt(q0): the asymptotic significance in standard deviations. */
  readonly z: number;
  /** The POI at the best fit. */
  readonly poiHat: number;
}

/**
 * The discovery significance of `data` (asymptotic: Z = sqrt(q0)).
 */
export function discoverySignificance(
  model: Model,
  data: FitData,
  options: { best?: FitResult } = {},
): Significance {
  const best = options.best ?? fit(model, data, { hesse: false });
  const poiName = model.parameters[model.poi].name;
  const poiHat = best.values[model.poi];
  if (!(poiHat > 0)) return { q0: 0, z: 0, poiHat };
  const background = fit(model, data, { fix: { [poiName]: 0 }, init: best.values, hesse: false });
  const q0 = Math.max(0, 2 * (background.nll - best.nll));
  return { q0, z: Math.sqrt(q0), poiHat };
}

/** Options of {@link asimovData}. */
export interface AsimovOptions {
  /** POI value (default 1). */
  poi?: number;
  /** Data to fit the nuisance parameters to (default: none, nominal nuisances). */
  data?: FitData;
}

/**
 * The Asimov dataset of the model at a POI value: nuisance parameters at their conditional
 * best fit to `data` (pyhf's convention for expected results), or at their nominal values
 * when `data` is omitted (the pre-fit Asimov).
 */
export function asimovData(model: Model, options: AsimovOptions = {}): FitData {
  const poi = options.poi ?? 1;
  const data = options.data;
  const poiName = model.parameters[model.poi].name;
  if (data === undefined) {
    const params = model.inits();
    params[model.poi] = poi;
    return model.asimov(params);
  }
  const conditional = fit(model, data, { fix: { [poiName]: poi }, hesse: false });
  return model.asimov(conditional.values);
}

/**
 * The expected discovery significance: q0 of the Asimov dataset at POI = 1 (nuisances at
 * their conditional fit to `data`, or nominal without data).
 */
export function expectedSignificance(model: Model, data?: FitData): Significance {
  return discoverySignificance(model, asimovData(model, { poi: 1, data }));
}

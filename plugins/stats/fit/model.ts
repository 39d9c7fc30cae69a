/**
 * The binned HistFactory likelihood compiled from a pyhf workspace: expected yields, the
 * negative log-likelihood and its analytic gradient in one pass over Float64Arrays.
 *
 * Conventions (pyhf's defaults, from the HistFactory/pyhf documentation):
 * - normfactor, shapefactor: free multiplicative factors, init 1, bounds [0, 10];
 * - normsys: multiplicative, piecewise-exponential interpolation (code 1): hi^a for a >= 0,
 *   lo^-a for a < 0; Gaussian constraint N(0 | a, 1), bounds [-5, 5];
 * - histosys: additive, piecewise-linear interpolation (code 0): a (hi - nom) for a >= 0,
 *   a (nom - lo) for a < 0; Gaussian constraint, bounds [-5, 5];
 * - lumi: one multiplicative factor with a Gaussian constraint (auxdata and sigma from the
 *   measurement);
 * - staterror: one factor per bin shared by the samples carrying it, Gaussian constraint
 *   N(1 | gamma, sigma) with sigma = sqrt(sum err^2) / sum nominal (Barlow-Beeston lite);
 * - shapesys: one factor per bin with a Poisson constraint Pois(tau | gamma tau),
 *   tau = (nominal / err)^2.
 * Bins whose per-bin parameter cannot be constrained (zero nominal or zero error) are fixed
 * at 1, as pyhf does.
 * @module
 */
import { InputError } from "@ristretto/core/errors";
import type { PyhfModifier, PyhfParameterConfig, PyhfWorkspace } from "../workspace_types.ts";
import { lgamma } from "./_math.ts";

/** Kinds of constraint a parameter can carry. */
export type ConstraintKind = "none" | "gauss" | "poisson";

/** One scalar parameter of the model. */
export interface ParameterInfo {
  /** Display name: the modifier name, with `[bin]` for per-bin parameters. */
  readonly name: string;
  /** The modifier name (shared by the bins of a per-bin modifier). */
  readonly modifier: string;
  /** Modifier type. */
  readonly type: PyhfModifier["type"];
  readonly init: number;
  readonly lower: number;
  readonly upper: number;
  readonly fixed: boolean;
  readonly constraint: ConstraintKind;
  /** Nominal auxiliary measurement (Gaussian mean; Poisson tau). */
  readonly aux: number;
  /** Gaussian width; for Poisson constraints the factor tau (aux = gamma * tau expected). */
  readonly sigma: number;
  /**
   * Where the derivative of the expected yields jumps (0 for normsys and histosys, whose
   * interpolations change branch there), else NaN. The gradient there is the right-hand one.
   */
  readonly kink: number;
}

/** Data of a fit: main-measurement counts (all channels' bins in order) and auxiliary data. */
export interface FitData {
  /** Observed counts, channel after channel (see {@link Model.channels}). */
  readonly main: Float64Array;
  /** Auxiliary measurements, one per parameter (ignored for unconstrained ones). */
  readonly aux: Float64Array;
}

// A multiplicative factor common to all bins of a sample.
interface ScalarFactor {
  readonly param: number;
  readonly kind: "linear" | "normsys";
  readonly lnHi: number;
  readonly lnLo: number;
}

// Additive per-bin shift of a sample.
interface Shift {
  readonly param: number;
  readonly up: Float64Array; // hi - nom
  readonly down: Float64Array; // nom - lo
}

interface CompiledSample {
  readonly name: string;
  readonly nominal: Float64Array;
  readonly scalars: ScalarFactor[];
  readonly shifts: Shift[];
  // Per-bin multiplicative factors: first parameter index of each per-bin modifier.
  readonly binFactors: number[];
}

/** One channel of the model. */
export interface ChannelInfo {
  readonly name: string;
  readonly bins: number;
  /** Offset of its first bin in {@link FitData.main}. */
  readonly offset: number;
  /** Sample names, in order. */
  readonly samples: readonly string[];
}

/** Options of {@link compileModel}. */
export interface CompileOptions {
  /** Measurement name (default: the first measurement). */
  measurement?: string;
  /** Parameter-of-interest name (default: the measurement's). */
  poi?: string;
}

const DEFAULT_FACTOR_BOUNDS: [number, number] = [0, 10];
const DEFAULT_ALPHA_BOUNDS: [number, number] = [-5, 5];
const DEFAULT_GAMMA_BOUNDS: [number, number] = [1e-10, 10];
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

function fail(message: string): never {
  throw new InputError("STATS_BAD_MODEL", `Cannot build the statistical model: ${message}`);
}

/**
 * A compiled HistFactory model: parameters, per-channel samples, and the likelihood.
 * Build it with {@link compileModel}.
 */
export class Model {
  /** Every scalar parameter, in a fixed order (modifier names sorted, bins in order). */
  readonly parameters: readonly ParameterInfo[];
  /** Index of the parameter of interest. */
  readonly poi: number;
  readonly channels: readonly ChannelInfo[];
  /** Total number of main-measurement bins. */
  readonly bins: number;
  /** Observed data of the workspace (main from the observations, aux nominal). */
  readonly observed: FitData;
  readonly #samples: CompiledSample[][];
  // Per-sample scratch (bin factor products) reused across evaluations.
  readonly #nu: Float64Array;
  readonly #dnu: Float64Array;

  /** @internal use {@link compileModel}. */
  constructor(
    parameters: ParameterInfo[],
    poi: number,
    channels: ChannelInfo[],
    samples: CompiledSample[][],
    main: Float64Array,
  ) {
    this.parameters = parameters;
    this.poi = poi;
    this.channels = channels;
    this.#samples = samples;
    this.bins = channels.reduce((n, c) => n + c.bins, 0);
    this.#nu = new Float64Array(this.bins);
    this.#dnu = new Float64Array(this.bins);
    this.observed = { main, aux: this.nominalAux() };
  }

  /** Number of parameters. */
  get size(): number {
    return this.parameters.length;
  }

  /** Initial values of the parameters. */
  inits(): Float64Array {
    return Float64Array.from(this.parameters, (p) => p.init);
  }

  /** The nominal auxiliary data (Gaussian means, Poisson tau). */
  nominalAux(): Float64Array {
    return Float64Array.from(this.parameters, (p) => p.aux);
  }

  /** Index of a parameter by display name, or -1. */
  indexOf(name: string): number {
    return this.parameters.findIndex((p) => p.name === name);
  }

  /** Expected main-measurement yields (all channels' bins) at `params`. */
  expected(params: Float64Array): Float64Array {
    const out = new Float64Array(this.bins);
    for (let c = 0; c < this.channels.length; c++) {
      const channel = this.channels[c];
      for (const sample of this.#samples[c]) {
        this.#addSample(sample, params, channel.offset, channel.bins, out);
      }
    }
    return out;
  }

  /**
   * Expected data at `params` for Asimov datasets: main yields plus the auxiliary data the
   * constraints expect (Gaussian: the parameter value; Poisson: gamma * tau).
   */
  asimov(params: Float64Array): FitData {
    const aux = new Float64Array(this.size);
    for (let k = 0; k < this.size; k++) {
      const p = this.parameters[k];
      aux[k] = p.constraint === "gauss"
        ? params[k]
        : p.constraint === "poisson"
        ? params[k] * p.sigma
        : p.aux;
    }
    return { main: this.expected(params), aux };
  }

  #addSample(
    sample: CompiledSample,
    params: Float64Array,
    offset: number,
    bins: number,
    out: Float64Array,
  ): void {
    const scale = scalarProduct(sample.scalars, params, -1);
    const nominal = sample.nominal;
    for (let b = 0; b < bins; b++) {
      let base = nominal[b];
      for (const shift of sample.shifts) base += shiftValue(shift, params[shift.param], b);
      let factor = scale;
      for (const first of sample.binFactors) factor *= params[first + b];
      out[offset + b] += base * factor;
    }
  }

  /**
   * The negative log-likelihood at `params` (full Poisson and constraint terms, constants
   * included, so it matches -log L of pyhf); writes the gradient into `gradient` when given.
   * Returns +Infinity where an expected yield is negative (or zero with data in the bin).
   */
  nll(params: Float64Array, data: FitData, gradient?: Float64Array): number {
    const nu = this.#nu;
    nu.fill(0);
    for (let c = 0; c < this.channels.length; c++) {
      const channel = this.channels[c];
      for (const sample of this.#samples[c]) {
        this.#addSample(sample, params, channel.offset, channel.bins, nu);
      }
    }
    const main = data.main;
    let value = 0;
    const dnu = this.#dnu;
    for (let i = 0; i < nu.length; i++) {
      const n = main[i];
      const expected = nu[i];
      if (expected > 0) {
        value += expected - n * Math.log(expected) + lgamma(n + 1);
        dnu[i] = 1 - n / expected;
      } else if (expected === 0 && n === 0) {
        dnu[i] = 1;
      } else {
        if (gradient) gradient.fill(NaN);
        return Infinity;
      }
    }
    if (gradient) {
      gradient.fill(0);
      for (let c = 0; c < this.channels.length; c++) {
        const channel = this.channels[c];
        for (const sample of this.#samples[c]) {
          this.#sampleGradient(sample, params, channel.offset, channel.bins, gradient);
        }
      }
    }
    const aux = data.aux;
    for (let k = 0; k < this.parameters.length; k++) {
      const p = this.parameters[k];
      const x = params[k];
      if (p.constraint === "gauss") {
        const z = (x - aux[k]) / p.sigma;
        value += 0.5 * z * z + Math.log(p.sigma) + LN_SQRT_2PI;
        if (gradient) gradient[k] += z / p.sigma;
      } else if (p.constraint === "poisson") {
        const rate = x * p.sigma;
        if (!(rate > 0)) {
          if (gradient) gradient.fill(NaN);
          return Infinity;
        }
        value += rate - aux[k] * Math.log(rate) + lgamma(aux[k] + 1);
        if (gradient) gradient[k] += p.sigma - aux[k] / x;
      }
    }
    return value;
  }

  // d NLL / d theta = sum_bins (1 - n/nu) d nu / d theta, one sample at a time.
  #sampleGradient(
    sample: CompiledSample,
    params: Float64Array,
    offset: number,
    bins: number,
    gradient: Float64Array,
  ): void {
    const dnu = this.#dnu;
    const nominal = sample.nominal;
    const scalars = sample.scalars;
    const scale = scalarProduct(scalars, params, -1);
    // Sum over bins of w * base * binFactor: the derivative wrt a scalar factor is this times
    // the product of the other scalar factors times the factor's own derivative.
    let weightedYield = 0;
    for (let b = 0; b < bins; b++) {
      const w = dnu[offset + b];
      let base = nominal[b];
      for (const shift of sample.shifts) base += shiftValue(shift, params[shift.param], b);
      let binProduct = 1;
      for (const first of sample.binFactors) binProduct *= params[first + b];
      weightedYield += w * base * binProduct;
      for (const shift of sample.shifts) {
        gradient[shift.param] += w * shiftSlope(shift, params[shift.param], b) * scale *
          binProduct;
      }
      for (const first of sample.binFactors) {
        // Product of the other per-bin factors (no division: a factor may be 0 at its bound).
        let others = 1;
        for (const other of sample.binFactors) if (other !== first) others *= params[other + b];
        gradient[first + b] += w * base * scale * others;
      }
    }
    for (let k = 0; k < scalars.length; k++) {
      const factor = scalars[k];
      gradient[factor.param] += weightedYield * scalarProduct(scalars, params, k) *
        scalarSlope(factor, params[factor.param]);
    }
  }
}

function scalarValue(factor: ScalarFactor, x: number): number {
  if (factor.kind === "linear") return x;
  return Math.exp(x >= 0 ? x * factor.lnHi : -x * factor.lnLo);
}

function scalarSlope(factor: ScalarFactor, x: number): number {
  if (factor.kind === "linear") return 1;
  return x >= 0
    ? factor.lnHi * Math.exp(x * factor.lnHi)
    : -factor.lnLo * Math.exp(-x * factor.lnLo);
}

// Product of the scalar factors, leaving out the one at `skip` (-1: none).
function scalarProduct(factors: readonly ScalarFactor[], params: Float64Array, skip: number) {
  let product = 1;
  for (let k = 0; k < factors.length; k++) {
    if (k !== skip) product *= scalarValue(factors[k], params[factors[k].param]);
  }
  return product;
}

function shiftValue(shift: Shift, alpha: number, b: number): number {
  return alpha >= 0 ? alpha * shift.up[b] : alpha * shift.down[b];
}

function shiftSlope(shift: Shift, alpha: number, b: number): number {
  return alpha >= 0 ? shift.up[b] : shift.down[b];
}

const PER_BIN = new Set(["staterror", "shapesys", "shapefactor"]);

/**
 * Compiles a pyhf workspace (HistFactory JSON 1.0.0) into a {@link Model}: parameters
 * ordered by modifier name, defaults as in pyhf, overridden by the measurement's parameter
 * settings (inits, bounds, fixed, auxdata, sigmas).
 *
 * @example
 * ```ts
 * import { compileModel } from "./model.ts";
 * const model = compileModel({
 *   version: "1.0.0",
 *   channels: [{ name: "c", samples: [
 *     { name: "s", data: [5], modifiers: [{ name: "mu", type: "normfactor", data: null }] },
 *     { name: "b", data: [10], modifiers: [] },
 *   ] }],
 *   observations: [{ name: "c", data: [15] }],
 *   measurements: [{ name: "m", config: { poi: "mu", parameters: [] } }],
 * });
 * if (model.expected(model.inits())[0] !== 15) throw new Error();
 * ```
 */
export function compileModel(workspace: PyhfWorkspace, options: CompileOptions = {}): Model {
  // A hand-written or foreign file may not follow the schema: say what is missing, not crash.
  for (const key of ["channels", "observations", "measurements"] as const) {
    if (!Array.isArray(workspace?.[key]) || workspace[key].length === 0) {
      fail(`the workspace needs a non-empty "${key}" list`);
    }
  }
  for (const channel of workspace.channels) {
    if (!Array.isArray(channel?.samples) || channel.samples.length === 0) {
      fail(`channel "${channel?.name}" needs a non-empty "samples" list`);
    }
    for (const sample of channel.samples) {
      if (!Array.isArray(sample?.data) || !Array.isArray(sample.modifiers)) {
        fail(`sample "${sample?.name}" of channel "${channel.name}" needs "data" and "modifiers"`);
      }
    }
  }
  const measurement = options.measurement === undefined
    ? workspace.measurements[0]
    : workspace.measurements.find((m) => m.name === options.measurement);
  if (!measurement) fail(`no measurement "${options.measurement ?? ""}" in the workspace`);
  const poiName = options.poi ?? measurement.config.poi;
  const settings = new Map<string, PyhfParameterConfig>(
    measurement.config.parameters.map((p) => [p.name, p]),
  );
  // Collect modifiers by name: type, number of bins, and what the per-bin constraints need.
  type Collected = {
    type: PyhfModifier["type"];
    bins: number;
    nominalSum?: Float64Array;
    errorSquares?: Float64Array;
    shapesys?: { nominal: number[]; error: number[] };
  };
  const collected = new Map<string, Collected>();
  for (const channel of workspace.channels) {
    const bins = channel.samples[0]?.data.length ?? 0;
    for (const sample of channel.samples) {
      if (sample.data.length !== bins) {
        fail(
          `sample "${sample.name}" of channel "${channel.name}" has ${sample.data.length} bins, expected ${bins}`,
        );
      }
      for (const modifier of sample.modifiers) {
        const size = PER_BIN.has(modifier.type) ? bins : 1;
        let entry = collected.get(modifier.name);
        if (!entry) {
          entry = { type: modifier.type, bins: size };
          collected.set(modifier.name, entry);
        } else if (entry.type !== modifier.type || entry.bins !== size) {
          fail(
            `modifier "${modifier.name}" is used as ${entry.type} with ${entry.bins} parameters and as ${modifier.type} with ${size}`,
          );
        }
        if (modifier.type === "staterror") {
          entry.nominalSum ??= new Float64Array(bins);
          entry.errorSquares ??= new Float64Array(bins);
          for (let b = 0; b < bins; b++) {
            entry.nominalSum[b] += sample.data[b];
            entry.errorSquares[b] += modifier.data[b] ** 2;
          }
        } else if (modifier.type === "shapesys") {
          // One gamma per bin whatever the number of samples carrying it: the first sample's
          // nominal and error define its tau.
          entry.shapesys ??= { nominal: sample.data, error: modifier.data };
        } else if (modifier.type === "histosys") {
          if (modifier.data.hi_data.length !== bins || modifier.data.lo_data.length !== bins) {
            fail(`histosys "${modifier.name}" of sample "${sample.name}" needs ${bins} bins`);
          }
        }
      }
    }
  }
  if (!collected.has(poiName)) fail(`the parameter of interest "${poiName}" is no modifier`);
  const parameters: ParameterInfo[] = [];
  const firstIndex = new Map<string, number>();
  for (const name of [...collected.keys()].sort()) {
    const entry = collected.get(name)!;
    const setting = settings.get(name);
    firstIndex.set(name, parameters.length);
    for (let b = 0; b < entry.bins; b++) {
      parameters.push(parameterFor(name, entry, b, setting));
    }
  }
  const channels: ChannelInfo[] = [];
  const samples: CompiledSample[][] = [];
  const observed: number[] = [];
  let offset = 0;
  for (const channel of workspace.channels) {
    const bins = channel.samples[0]?.data.length ?? 0;
    const observation = workspace.observations.find((o) => o.name === channel.name);
    if (!observation) fail(`no observation for channel "${channel.name}"`);
    if (observation.data.length !== bins) {
      fail(
        `the observation of channel "${channel.name}" has ${observation.data.length} bins, expected ${bins}`,
      );
    }
    observed.push(...observation.data);
    channels.push({
      name: channel.name,
      bins,
      offset,
      samples: channel.samples.map((s) => s.name),
    });
    samples.push(channel.samples.map((sample) => {
      const nominal = Float64Array.from(sample.data);
      const compiled: CompiledSample = {
        name: sample.name,
        nominal,
        scalars: [],
        shifts: [],
        binFactors: [],
      };
      for (const modifier of sample.modifiers) {
        const param = firstIndex.get(modifier.name)!;
        switch (modifier.type) {
          case "normfactor":
          case "lumi":
            compiled.scalars.push({ param, kind: "linear", lnHi: 0, lnLo: 0 });
            break;
          case "normsys":
            if (!(modifier.data.hi > 0 && modifier.data.lo > 0)) {
              fail(`normsys "${modifier.name}" needs positive hi and lo`);
            }
            compiled.scalars.push({
              param,
              kind: "normsys",
              lnHi: Math.log(modifier.data.hi),
              lnLo: Math.log(modifier.data.lo),
            });
            break;
          case "histosys": {
            const up = new Float64Array(bins);
            const down = new Float64Array(bins);
            for (let b = 0; b < bins; b++) {
              up[b] = modifier.data.hi_data[b] - nominal[b];
              down[b] = nominal[b] - modifier.data.lo_data[b];
            }
            compiled.shifts.push({ param, up, down });
            break;
          }
          default:
            compiled.binFactors.push(param);
        }
      }
      return compiled;
    }));
    offset += bins;
  }
  return new Model(
    parameters,
    firstIndex.get(poiName)!,
    channels,
    samples,
    Float64Array.from(observed),
  );
}

function parameterFor(
  name: string,
  entry: {
    type: PyhfModifier["type"];
    bins: number;
    nominalSum?: Float64Array;
    errorSquares?: Float64Array;
    shapesys?: { nominal: number[]; error: number[] };
  },
  b: number,
  setting: PyhfParameterConfig | undefined,
): ParameterInfo {
  const display = entry.bins > 1 || PER_BIN.has(entry.type) ? `${name}[${b}]` : name;
  const pick = (values: number[] | undefined, fallback: number) =>
    values?.[entry.bins > 1 ? b : 0] ?? values?.[0] ?? fallback;
  const bounds = (fallback: [number, number]): [number, number] => {
    const given = setting?.bounds?.[entry.bins > 1 ? b : 0] ?? setting?.bounds?.[0];
    return given ? [given[0], given[1]] : fallback;
  };
  let init: number;
  let range: [number, number];
  let constraint: ConstraintKind = "none";
  let aux = 0;
  let sigma = 1;
  let fixed = setting?.fixed ?? false;
  switch (entry.type) {
    case "normfactor":
    case "shapefactor":
      init = pick(setting?.inits, 1);
      range = bounds(DEFAULT_FACTOR_BOUNDS);
      break;
    case "normsys":
    case "histosys":
      init = pick(setting?.inits, 0);
      range = bounds(DEFAULT_ALPHA_BOUNDS);
      constraint = "gauss";
      aux = pick(setting?.auxdata, 0);
      sigma = pick(setting?.sigmas, 1);
      break;
    case "lumi": {
      aux = pick(setting?.auxdata, NaN);
      sigma = pick(setting?.sigmas, NaN);
      if (!Number.isFinite(aux) || !(sigma > 0)) {
        fail(`the lumi modifier needs auxdata and sigmas in the measurement's parameters`);
      }
      init = pick(setting?.inits, aux);
      range = bounds([aux - 5 * sigma, aux + 5 * sigma]);
      constraint = "gauss";
      break;
    }
    case "staterror": {
      const nominal = entry.nominalSum![b];
      init = pick(setting?.inits, 1);
      range = bounds(DEFAULT_GAMMA_BOUNDS);
      constraint = "gauss";
      aux = pick(setting?.auxdata, 1);
      sigma = pick(setting?.sigmas, nominal > 0 ? Math.sqrt(entry.errorSquares![b]) / nominal : 0);
      if (!(sigma > 0)) {
        fixed = true;
        sigma = 1;
      }
      break;
    }
    case "shapesys": {
      const nominal = entry.shapesys!.nominal[b];
      const error = entry.shapesys!.error[b];
      init = pick(setting?.inits, 1);
      range = bounds(DEFAULT_GAMMA_BOUNDS);
      constraint = "poisson";
      const tau = nominal > 0 && error > 0 ? (nominal / error) ** 2 : 0;
      sigma = tau > 0 ? tau : 1;
      aux = pick(setting?.auxdata, sigma);
      if (!(tau > 0)) fixed = true;
      break;
    }
  }
  return {
    name: display,
    modifier: name,
    type: entry.type,
    init,
    lower: range[0],
    upper: range[1],
    fixed,
    constraint,
    aux,
    sigma,
    kink: entry.type === "normsys" || entry.type === "histosys" ? 0 : NaN,
  };
}

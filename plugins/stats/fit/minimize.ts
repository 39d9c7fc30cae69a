/**
 * A bounded minimiser for smooth objectives with analytic gradients: projected L-BFGS to get
 * close, then Newton steps with the finite-difference Hessian of the gradient to converge to
 * machine precision (the fit tests compare best-fit values to 1e-6).
 * @module
 */
import { cholesky, choleskySolveInPlace } from "./_math.ts";

/** The objective: value at `x`, gradient written into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Lower bounds (default -Infinity). */
  lower?: Float64Array;
  /** Upper bounds (default +Infinity). */
  upper?: Float64Array;
  /** 1 for parameters that stay at their start value. */
  fixed?: Uint8Array;
  /** Stop when the largest projected-gradient component is below this (default 1e-9). */
  gradientTolerance?: number;
  /** Iteration limit of the L-BFGS phase (default 2000). */
  maxIterations?: number;
  /** Number of L-BFGS correction pairs (default 10). */
  memory?: number;
  /**
   * Where a parameter's derivative may jump (NaN: nowhere), e.g. 0 for piecewise
   * interpolations. The objective's gradient there must be the right-hand derivative. Steps
   * stop at a kink they cross, and a parameter at a kink whose one-sided derivatives point
   * inwards stays there: that is a minimum along it, though the gradient is not zero.
   */
  kinks?: Float64Array;
}

/** Result of {@link minimize}. */
export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  /** Largest projected-gradient component at the end. */
  readonly gradientNorm: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** True when the projected gradient reached the tolerance (or 1e-9 relative to the value). */
  readonly converged: boolean;
}

/** Options of {@link hessian}. */
export interface HessianOptions {
  /** Parameters left out (their rows and columns are zero with 1 on the diagonal). */
  fixed?: Uint8Array;
  /** Relative step (default 1e-5). */
  step?: number;
}

/**
 * The Hessian by central differences of the analytic gradient (n x n, row-major, symmetrised).
 */
export function hessian(objective: Objective, x: Float64Array, options: HessianOptions = {}) {
  const n = x.length;
  const h = new Float64Array(n * n);
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  const point = Float64Array.from(x);
  for (let j = 0; j < n; j++) {
    if (options.fixed?.[j]) {
      h[j * n + j] = 1;
      continue;
    }
    const step = (options.step ?? 1e-5) * Math.max(1, Math.abs(x[j]));
    point[j] = x[j] + step;
    objective(point, plus);
    point[j] = x[j] - step;
    objective(point, minus);
    point[j] = x[j];
    for (let i = 0; i < n; i++) h[i * n + j] = (plus[i] - minus[i]) / (2 * step);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (options.fixed?.[i] || options.fixed?.[j]) {
        h[i * n + j] = h[j * n + i] = 0;
        continue;
      }
      const mean = 0.5 * (h[i * n + j] + h[j * n + i]);
      h[i * n + j] = h[j * n + i] = mean;
    }
  }
  return h;
}

/**
 * Minimises `objective` from `start` within bounds.
 *
 * @example
 * ```ts
 * import { minimize } from "./minimize.ts";
 * const result = minimize((x, g) => {
 *   g[0] = 2 * (x[0] - 3);
 *   g[1] = 4 * (x[1] + 1);
 *   return (x[0] - 3) ** 2 + 2 * (x[1] + 1) ** 2;
 * }, new Float64Array([0, 0]), { lower: new Float64Array([-10, 0]) });
 * if (Math.abs(result.x[0] - 3) > 1e-9 || result.x[1] !== 0) throw new Error();
 * ```
 */
export function minimize(
  objective: Objective,
  start: Float64Array,
  options: MinimizeOptions = {},
): MinimizeResult {
  const n = start.length;
  const lower = options.lower ?? new Float64Array(n).fill(-Infinity);
  const upper = options.upper ?? new Float64Array(n).fill(Infinity);
  const fixed = options.fixed ?? new Uint8Array(n);
  const tolerance = options.gradientTolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 2000;
  const memory = options.memory ?? 10;
  const kinks = options.kinks;
  let evaluations = 0;
  const raw = (x: Float64Array, g: Float64Array) => {
    evaluations++;
    const value = objective(x, g);
    for (let i = 0; i < n; i++) if (fixed[i]) g[i] = 0;
    return value;
  };
  const shifted = new Float64Array(n);
  const left = new Float64Array(n);
  // The gradient the minimiser works with: at a kink, the one-sided derivative of the side
  // that goes down, or exactly 0 when both sides go up (the parameter is stuck there).
  const evaluate = (x: Float64Array, g: Float64Array) => {
    const value = raw(x, g);
    if (!kinks || !Number.isFinite(value)) return value;
    let needLeft = false;
    for (let i = 0; i < n; i++) {
      if (!fixed[i] && x[i] === kinks[i] && g[i] >= 0) needLeft = true;
    }
    if (!needLeft) return value;
    shifted.set(x);
    for (let i = 0; i < n; i++) {
      if (!fixed[i] && x[i] === kinks[i]) shifted[i] = kinks[i] - 1e-9 * (1 + Math.abs(kinks[i]));
    }
    raw(shifted, left);
    for (let i = 0; i < n; i++) {
      if (fixed[i] || x[i] !== kinks[i] || g[i] < 0) continue;
      g[i] = left[i] > 0 ? left[i] : 0;
    }
    return value;
  };
  const stuck = (x: Float64Array, g: Float64Array, i: number) =>
    kinks !== undefined && x[i] === kinks[i] && g[i] === 0;
  // Stop at kinks crossed on the way from `from` to `to`.
  const clipKinks = (from: Float64Array, to: Float64Array) => {
    if (!kinks) return;
    for (let i = 0; i < n; i++) {
      const k = kinks[i];
      if ((from[i] - k) * (to[i] - k) < 0) to[i] = k;
    }
  };
  const project = (x: Float64Array) => {
    for (let i = 0; i < n; i++) {
      if (x[i] < lower[i]) x[i] = lower[i];
      else if (x[i] > upper[i]) x[i] = upper[i];
    }
  };
  // Components that may move: not fixed, and not pressed against a bound by the gradient.
  const active = (x: Float64Array, g: Float64Array, out: Uint8Array) => {
    for (let i = 0; i < n; i++) {
      out[i] = fixed[i] || (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0) ||
          stuck(x, g, i)
        ? 1
        : 0;
    }
  };
  const projectedNorm = (x: Float64Array, g: Float64Array) => {
    let norm = 0;
    for (let i = 0; i < n; i++) {
      if (fixed[i] || (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0)) continue;
      norm = Math.max(norm, Math.abs(g[i]));
    }
    return norm;
  };

  let x = Float64Array.from(start);
  project(x);
  let g = new Float64Array(n);
  let f = evaluate(x, g);
  if (!Number.isFinite(f)) {
    // E.g. data in a bin whose expected yield is 0 at fixed parameters: -log L is +Infinity
    // wherever those stay, and no step can tell which way is down.
    return {
      x,
      value: f,
      gradient: g,
      gradientNorm: NaN,
      iterations: 0,
      evaluations,
      converged: false,
    };
  }
  const mask = new Uint8Array(n);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Float64Array(memory);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iterations = 0;
  let stalls = 0;

  // One projected backtracking line search along `direction`; returns false if no decrease.
  // Near the minimum, differences of -log L drown in its rounding (it sums many large
  // terms); Newton steps are then accepted when the value stays within that noise and the
  // projected gradient shrinks.
  const lineSearch = (initial: number, noiseTolerant = false): boolean => {
    let t = initial;
    const noise = 1e-12 * (1 + Math.abs(f));
    const gradientBefore = noiseTolerant ? projectedNorm(x, g) : 0;
    for (let tries = 0; tries < 60; tries++) {
      let slope = 0;
      for (let i = 0; i < n; i++) {
        xNew[i] = fixed[i] ? x[i] : x[i] + t * direction[i];
      }
      project(xNew);
      clipKinks(x, xNew);
      for (let i = 0; i < n; i++) slope += g[i] * (xNew[i] - x[i]);
      const value = evaluate(xNew, gNew);
      const sufficient = value <= f + 1e-4 * slope && slope <= 0;
      const withinNoise = noiseTolerant && value <= f + noise &&
        projectedNorm(xNew, gNew) < gradientBefore;
      if (Number.isFinite(value) && (sufficient || withinNoise)) {
        const decrease = f - value;
        stalls = decrease <= 1e-14 * Math.max(1, Math.abs(f)) ? stalls + 1 : 0;
        const s = new Float64Array(n);
        const y = new Float64Array(n);
        let sy = 0;
        for (let i = 0; i < n; i++) {
          s[i] = xNew[i] - x[i];
          y[i] = gNew[i] - g[i];
          sy += s[i] * y[i];
        }
        if (sy > 1e-300) {
          sList.push(s);
          yList.push(y);
          rhoList.push(1 / sy);
          if (sList.length > memory) {
            sList.shift();
            yList.shift();
            rhoList.shift();
          }
        }
        [x, xNew] = [xNew, x];
        [g, gNew] = [gNew, g];
        f = value;
        return true;
      }
      t *= 0.5;
    }
    return false;
  };

  // Phase 1: projected L-BFGS.
  while (iterations < maxIterations) {
    if (projectedNorm(x, g) < tolerance || stalls >= 3) break;
    iterations++;
    active(x, g, mask);
    for (let i = 0; i < n; i++) direction[i] = mask[i] ? 0 : -g[i];
    const m = sList.length;
    for (let k = m - 1; k >= 0; k--) {
      let dot = 0;
      const s = sList[k];
      for (let i = 0; i < n; i++) if (!mask[i]) dot += s[i] * direction[i];
      alpha[k] = rhoList[k] * dot;
      const y = yList[k];
      for (let i = 0; i < n; i++) if (!mask[i]) direction[i] -= alpha[k] * y[i];
    }
    if (m > 0) {
      const s = sList[m - 1];
      const y = yList[m - 1];
      let yy = 0;
      let sy = 0;
      for (let i = 0; i < n; i++) {
        yy += y[i] * y[i];
        sy += s[i] * y[i];
      }
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) direction[i] *= gamma;
    }
    for (let k = 0; k < m; k++) {
      let dot = 0;
      const y = yList[k];
      for (let i = 0; i < n; i++) if (!mask[i]) dot += y[i] * direction[i];
      const beta = rhoList[k] * dot;
      const s = sList[k];
      for (let i = 0; i < n; i++) if (!mask[i]) direction[i] += (alpha[k] - beta) * s[i];
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += direction[i] * g[i];
    let initial = 1;
    if (!(slope < 0) || m === 0) {
      // Not a descent direction (or no curvature yet): steepest descent, first step of
      // length at most 0.1 in the largest component.
      sList.length = yList.length = rhoList.length = 0;
      let largest = 0;
      for (let i = 0; i < n; i++) {
        direction[i] = mask[i] ? 0 : -g[i];
        largest = Math.max(largest, Math.abs(direction[i]));
      }
      initial = largest > 0 ? Math.min(1, 0.1 / largest) : 1;
    }
    if (!lineSearch(initial)) break;
  }

  // Phase 2: Newton steps on the free components, with a damped fallback.
  for (let step = 0; step < 50; step++) {
    if (projectedNorm(x, g) < tolerance) break;
    active(x, g, mask);
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (!mask[i]) free.push(i);
    const k = free.length;
    if (k === 0) break;
    const full = hessian(raw, x, { fixed: mask });
    const h = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) h[a * k + b] = full[free[a] * n + free[b]];
    }
    let moved = false;
    for (let damping = 0; damping < 12 && !moved; damping++) {
      const lambda = damping === 0 ? 0 : 1e-8 * 10 ** damping;
      const damped = Float64Array.from(h);
      for (let a = 0; a < k; a++) damped[a * k + a] += lambda * Math.max(1, Math.abs(h[a * k + a]));
      const l = cholesky(damped, k);
      if (!l) continue;
      const rhs = Float64Array.from(free, (i) => -g[i]);
      choleskySolveInPlace(l, k, rhs);
      direction.fill(0);
      for (let a = 0; a < k; a++) direction[free[a]] = rhs[a];
      if (lineSearch(1, true)) moved = true;
    }
    if (!moved) break;
  }
  const gradientNorm = projectedNorm(x, g);
  return {
    x,
    value: f,
    gradient: g,
    gradientNorm,
    iterations,
    evaluations,
    // Rounding in sums of many bins limits the reachable gradient: accept 1e-9 relative.
    converged: gradientNorm < Math.max(tolerance, 1e-9 * Math.max(1, Math.abs(f))),
  };
}

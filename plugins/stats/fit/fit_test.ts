import { equal, ok } from "node:assert/strict";
import type { PyhfModifier, PyhfWorkspace } from "../workspace_types.ts";
import {
  asimovData,
  compileModel,
  discoverySignificance,
  fit,
  lgamma,
  minimize,
  profileInterval,
  profileScan,
} from "./mod.ts";

function close(actual: number, expected: number, tolerance: number, what: string) {
  ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} vs ${expected} (diff ${actual - expected}, tolerance ${tolerance})`,
  );
}

/** One-bin counting experiment: signal s scaled by mu, background b with optional modifiers. */
function counting(n: number, s: number, b: number, bkgModifiers: PyhfModifier[] = []) {
  const workspace: PyhfWorkspace = {
    version: "1.0.0",
    channels: [{
      name: "sr",
      samples: [
        { name: "sig", data: [s], modifiers: [{ name: "mu", type: "normfactor", data: null }] },
        { name: "bkg", data: [b], modifiers: bkgModifiers },
      ],
    }],
    observations: [{ name: "sr", data: [n] }],
    measurements: [{
      name: "m",
      config: { poi: "mu", parameters: [{ name: "mu", bounds: [[-5, 20]] }] },
    }],
  };
  return compileModel(workspace);
}

// Independent 1D tools for the reference values: golden-section minimisation and bisection.
function golden(f: (x: number) => number, a: number, b: number): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 200 && b - a > 1e-13; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return 0.5 * (a + b);
}

function bisect(f: (x: number) => number, a: number, b: number): number {
  let fa = f(a);
  for (let i = 0; i < 200 && b - a > 1e-13; i++) {
    const m = 0.5 * (a + b);
    const fm = f(m);
    if ((fm < 0) === (fa < 0)) {
      a = m;
      fa = fm;
    } else {
      b = m;
    }
  }
  return 0.5 * (a + b);
}

Deno.test("lgamma: integers and half-integers", () => {
  close(lgamma(1), 0, 1e-15, "lgamma(1)");
  close(lgamma(5), Math.log(24), 1e-13, "lgamma(5)");
  close(lgamma(101), 363.73937555556347, 1e-10, "lgamma(101)");
  close(lgamma(0.5), 0.5 * Math.log(Math.PI), 1e-13, "lgamma(1/2)");
  close(lgamma(3.5), Math.log(1.875 * Math.sqrt(Math.PI)), 1e-13, "lgamma(7/2)");
});

Deno.test("minimize: bounded quadratic and Rosenbrock", () => {
  const quadratic = minimize(
    (x, g) => {
      g[0] = 2 * (x[0] - 3);
      g[1] = 4 * (x[1] + 1);
      return (x[0] - 3) ** 2 + 2 * (x[1] + 1) ** 2;
    },
    new Float64Array([0, 5]),
    { lower: new Float64Array([-10, 0]) },
  );
  close(quadratic.x[0], 3, 1e-9, "x0");
  equal(quadratic.x[1], 0);
  ok(quadratic.converged);
  const rosenbrock = minimize((x, g) => {
    g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2);
    g[1] = 200 * (x[1] - x[0] ** 2);
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
  }, new Float64Array([-1.2, 1]));
  close(rosenbrock.x[0], 1, 1e-8, "rosenbrock x");
  close(rosenbrock.x[1], 1, 1e-8, "rosenbrock y");
});

Deno.test("model: the analytic gradient agrees with finite differences (every modifier type)", () => {
  const workspace: PyhfWorkspace = {
    version: "1.0.0",
    channels: [
      {
        name: "a",
        samples: [
          {
            name: "sig",
            data: [5, 10, 3],
            modifiers: [
              { name: "mu", type: "normfactor", data: null },
              { name: "lumi", type: "lumi", data: null },
              { name: "sys1", type: "normsys", data: { hi: 1.1, lo: 0.85 } },
              { name: "stat_a", type: "staterror", data: [1, 2, 1] },
            ],
          },
          {
            name: "bkg",
            data: [50, 40, 30],
            modifiers: [
              { name: "lumi", type: "lumi", data: null },
              {
                name: "shape",
                type: "histosys",
                data: { hi_data: [55, 42, 29], lo_data: [46, 39, 32] },
              },
              { name: "sys1", type: "normsys", data: { hi: 1.05, lo: 0.9 } },
              { name: "stat_a", type: "staterror", data: [5, 4, 3] },
              { name: "unc", type: "shapesys", data: [7, 6, 5] },
            ],
          },
        ],
      },
      {
        name: "b",
        samples: [
          {
            name: "bkg",
            data: [100, 80, 60],
            modifiers: [
              { name: "free", type: "shapefactor", data: null },
              {
                name: "shape",
                type: "histosys",
                data: { hi_data: [110, 82, 61], lo_data: [91, 78, 60] },
              },
            ],
          },
        ],
      },
    ],
    observations: [{ name: "a", data: [60, 53, 31] }, { name: "b", data: [96, 85, 58] }],
    measurements: [{
      name: "m",
      config: { poi: "mu", parameters: [{ name: "lumi", auxdata: [1], sigmas: [0.03] }] },
    }],
  };
  const model = compileModel(workspace);
  equal(model.size, 3 + 1 + 1 + 1 + 3 + 1 + 3); // free, lumi, mu, shape, stat_a, sys1, unc
  const data = model.observed;
  // Points on both sides of the interpolation kinks.
  for (const seed of [0.3, -0.4, 0.7]) {
    const x = model.inits();
    for (let k = 0; k < x.length; k++) x[k] += seed * Math.sin(3 * k + 1) * 0.5;
    const g = new Float64Array(x.length);
    const value = model.nll(x, data, g);
    ok(Number.isFinite(value));
    for (let k = 0; k < x.length; k++) {
      const h = 1e-6;
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[k] += h;
      minus[k] -= h;
      const numeric = (model.nll(plus, data) - model.nll(minus, data)) / (2 * h);
      close(
        g[k],
        numeric,
        1e-5 * Math.max(1, Math.abs(numeric)),
        `dNLL/d${model.parameters[k].name}`,
      );
    }
  }
  const best = fit(model, data);
  ok(best.converged, `converged (|g| = ${best.gradientNorm})`);
  ok(best.gradientNorm < 1e-6);
});

Deno.test("fit: single-bin counting experiment, mu-hat = (n - b)/s and the analytic interval", () => {
  const n = 65, s = 10, b = 50;
  const model = counting(n, s, b);
  const best = fit(model, model.observed);
  const muHat = (n - b) / s;
  close(best.values[model.poi], muHat, 1e-6, "mu-hat");
  // -log L up to constants: nu - n ln nu; minimum at nu = n.
  const nll = (mu: number) => mu * s + b - n * Math.log(mu * s + b) + lgamma(n + 1);
  close(best.nll, nll(muHat), 1e-9, "NLL at the minimum");
  // Hessian: d2/dmu2 = n s^2 / nu^2 at nu = n -> sigma = sqrt(n) / s.
  close(best.errors[model.poi], Math.sqrt(n) / s, 1e-5, "Hessian error");
  const q = (mu: number) => 2 * (nll(mu) - nll(muHat)) - 1;
  const lower = bisect(q, muHat - 5, muHat);
  const upper = bisect((mu) => -q(mu), muHat, muHat + 5);
  const interval = profileInterval(model, model.observed, { best });
  close(interval.lower, lower, 1e-6, "lower end");
  close(interval.upper, upper, 1e-6, "upper end");
  ok(!interval.lowerAtBound && !interval.upperAtBound);
  // Discovery: q0 = 2 (n ln(n/b) - (n - b)).
  const significance = discoverySignificance(model, model.observed, { best });
  close(significance.q0, 2 * (n * Math.log(n / b) - (n - b)), 1e-6, "q0");
  // The scan equals the analytic curve.
  for (const point of profileScan(model, model.observed, { values: [0.5, 1, 2.5], best })) {
    close(point.twiceDeltaNll, q(point.poi) + 1, 1e-6, `scan at ${point.poi}`);
  }
});

Deno.test("fit: one normsys, profiled against an independent 1D minimisation", () => {
  const n = 130, s = 20, b = 100, hi = 1.12, lo = 0.9;
  const model = counting(n, s, b, [{ name: "bnorm", type: "normsys", data: { hi, lo } }]);
  const best = fit(model, model.observed);
  // One bin: nu = n is reachable with alpha = 0, so the constraint is 0 at the minimum.
  close(best.values[model.poi], (n - b) / s, 1e-6, "mu-hat");
  close(best.values[model.indexOf("bnorm")], 0, 1e-6, "alpha-hat");
  const lnHi = Math.log(hi), lnLo = Math.log(lo);
  const nllAt = (mu: number, alpha: number) => {
    const nu = mu * s + b * Math.exp(alpha >= 0 ? alpha * lnHi : -alpha * lnLo);
    return nu - n * Math.log(nu) + 0.5 * alpha * alpha;
  };
  const profiled = (mu: number) => nllAt(mu, golden((alpha) => nllAt(mu, alpha), -5, 5));
  const minimum = profiled((n - b) / s);
  const q = (mu: number) => 2 * (profiled(mu) - minimum) - 1;
  const muHat = (n - b) / s;
  const lower = bisect(q, muHat - 10, muHat);
  const upper = bisect((mu) => -q(mu), muHat, muHat + 10);
  const interval = profileInterval(model, model.observed, { best });
  close(interval.lower, lower, 1e-6, "lower end");
  close(interval.upper, upper, 1e-6, "upper end");
  // The profiled curve at a few points, constants removed by the difference.
  for (const point of profileScan(model, model.observed, { values: [0.2, 1, 2.8], best })) {
    close(point.twiceDeltaNll, q(point.poi) + 1, 1e-6, `scan at ${point.poi}`);
  }
});

Deno.test("fit: Asimov data at mu = 1 returns mu = 1; infinite -log L is reported, not thrown", () => {
  const model = counting(0, 10, 50, [{
    name: "bnorm",
    type: "normsys",
    data: { hi: 1.1, lo: 0.9 },
  }]);
  const asimov = asimovData(model, { poi: 1 });
  equal(asimov.main[0], 60);
  const best = fit(model, asimov);
  close(best.values[model.poi], 1, 1e-6, "mu-hat on Asimov");
  // Data in a bin with no background at mu = 0: q0 is infinite.
  const signalOnly = compileModel({
    version: "1.0.0",
    channels: [{
      name: "c",
      samples: [{
        name: "s",
        data: [4],
        modifiers: [{ name: "mu", type: "normfactor", data: null }],
      }],
    }],
    observations: [{ name: "c", data: [3] }],
    measurements: [{ name: "m", config: { poi: "mu", parameters: [] } }],
  });
  close(fit(signalOnly, signalOnly.observed).values[0], 0.75, 1e-8, "mu-hat");
  equal(discoverySignificance(signalOnly, signalOnly.observed).q0, Infinity);
});

Deno.test("fit: a best fit on the POI bound gives a one-sided interval", () => {
  // n < b: the unbounded mu-hat would be negative; with bounds [0, 10] it sits at 0.
  const n = 42, s = 10, b = 50;
  const model = compileModel({
    version: "1.0.0",
    channels: [{
      name: "sr",
      samples: [
        { name: "sig", data: [s], modifiers: [{ name: "mu", type: "normfactor", data: null }] },
        { name: "bkg", data: [b], modifiers: [] },
      ],
    }],
    observations: [{ name: "sr", data: [n] }],
    measurements: [{ name: "m", config: { poi: "mu", parameters: [] } }],
  });
  const best = fit(model, model.observed);
  equal(best.values[model.poi], 0);
  const interval = profileInterval(model, model.observed, { best });
  ok(interval.lowerAtBound && !interval.upperAtBound);
  equal(interval.lower, 0);
  const nll = (mu: number) => mu * s + b - n * Math.log(mu * s + b);
  const upper = bisect((mu) => 1 - 2 * (nll(mu) - nll(0)), 0, 10);
  close(interval.upper, upper, 1e-6, "upper end");
  equal(discoverySignificance(model, model.observed, { best }).q0, 0);
});

Deno.test("compileModel: malformed workspaces are input errors", () => {
  const bad = [
    {},
    { channels: [], observations: [], measurements: [] },
    {
      channels: [{ name: "c" }],
      observations: [{ name: "c", data: [1] }],
      measurements: [{ name: "m", config: { poi: "mu", parameters: [] } }],
    },
  ];
  for (const workspace of bad) {
    try {
      compileModel(workspace as unknown as PyhfWorkspace);
      throw new Error("accepted");
    } catch (error) {
      ok((error as Error).message.startsWith("Cannot build the statistical model"), String(error));
    }
  }
});

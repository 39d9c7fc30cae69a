/**
 * Fit speed of the binned likelihood: a synthetic model of 5 channels x 20 bins, 3 processes
 * per channel, 30 nuisance parameters (20 normsys + 10 histosys), with and without per-bin MC
 * statistics (100 staterror gammas more), fitted to a seeded Poisson toy at mu = 1.
 * `deno run -A bench/fit_bench.ts` runs it alone.
 * @module
 */
import {
  compileModel,
  fit,
  type Model,
  profileInterval,
  profileScan,
  type PyhfModifier,
  type PyhfWorkspace,
} from "@ristretto/stats";
import { bestTime, round } from "./_timing.ts";

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(mean: number, random: () => number): number {
  const u = random();
  let k = 0;
  let logP = -mean;
  let cdf = Math.exp(logP);
  while (cdf < u && k < 10 * mean + 100) {
    k++;
    logP += Math.log(mean / k);
    cdf += Math.exp(logP);
  }
  return k;
}

/** The synthetic workspace (exported for reuse in tests of the bench itself). */
export function benchWorkspace(options: { mcStats: boolean }): PyhfWorkspace {
  const random = seeded(7);
  const channels = 5, bins = 20, normsys = 20, histosys = 10;
  const workspace: PyhfWorkspace = {
    version: "1.0.0",
    channels: [],
    observations: [],
    measurements: [{ name: "bench", config: { poi: "mu", parameters: [] } }],
  };
  for (let c = 0; c < channels; c++) {
    const shape = (scale: number, slope: number) =>
      Array.from({ length: bins }, (_, b) => scale * Math.exp(-slope * b) * (0.9 + 0.2 * random()));
    const processes = [
      { name: "signal", data: shape(20, 0.02), signal: true },
      { name: "bkg_a", data: shape(200, 0.1), signal: false },
      { name: "bkg_b", data: shape(80, 0.05), signal: false },
    ];
    const samples = processes.map((process, p) => {
      const modifiers: PyhfModifier[] = [];
      if (process.signal) modifiers.push({ name: "mu", type: "normfactor", data: null });
      // Each nuisance touches a few (channel, process) pairs.
      for (let k = 0; k < normsys; k++) {
        if ((k + c + p) % 4 === 0) {
          const kappa = 1 + 0.02 + 0.1 * random();
          modifiers.push({
            name: `norm_${k}`,
            type: "normsys",
            data: { hi: kappa, lo: 1 / kappa },
          });
        }
      }
      for (let k = 0; k < histosys; k++) {
        if ((k + 2 * c + p) % 3 === 0) {
          const tilt = 0.05 * (random() - 0.5);
          const hi = process.data.map((v, b) => v * (1 + tilt * (b - bins / 2) / bins + 0.03));
          const lo = process.data.map((v, b) => v * (1 - tilt * (b - bins / 2) / bins - 0.025));
          modifiers.push({
            name: `shape_${k}`,
            type: "histosys",
            data: { hi_data: hi, lo_data: lo },
          });
        }
      }
      if (options.mcStats) {
        modifiers.push({
          name: `stat_ch${c}`,
          type: "staterror",
          data: process.data.map((v) => 0.05 * v),
        });
      }
      return { name: process.name, data: process.data, modifiers };
    });
    const observed = Array.from(
      { length: bins },
      (_, b) => poisson(samples.reduce((sum, s) => sum + s.data[b], 0), random),
    );
    workspace.channels.push({ name: `ch${c}`, samples });
    workspace.observations.push({ name: `ch${c}`, data: observed });
  }
  return workspace;
}

function gradientMicroseconds(model: Model): number {
  const x = model.inits();
  const g = new Float64Array(model.size);
  const runs = 2000;
  const start = performance.now();
  for (let i = 0; i < runs; i++) model.nll(x, model.observed, g);
  return (performance.now() - start) / runs * 1000;
}

/** One figure object per (model variant, operation). */
export async function benchFit(): Promise<object[]> {
  const results: object[] = [];
  for (const mcStats of [false, true]) {
    const model = compileModel(benchWorkspace({ mcStats }));
    const best = fit(model, model.observed);
    const variant = `5ch x 20 bins, 30 nuisances${mcStats ? " + 100 staterror" : ""}`;
    const common = { model: variant, parameters: model.size };
    results.push({
      ...common,
      workload: "NLL + gradient",
      microseconds: round(gradientMicroseconds(model), 2),
    });
    const fitMs = await bestTime(() => fit(model, model.observed, { hesse: false }), { runs: 5 });
    results.push({
      ...common,
      workload: "best fit",
      ms: round(fitMs, 1),
      evaluations: best.evaluations,
      converged: best.converged,
      muHat: round(best.values[model.poi], 4),
    });
    const hesseMs = await bestTime(() => fit(model, model.observed), { runs: 3 });
    results.push({ ...common, workload: "best fit + Hessian errors", ms: round(hesseMs, 1) });
    const intervalMs = await bestTime(
      () => profileInterval(model, model.observed, { best }),
      { runs: 3, warmup: 1 },
    );
    results.push({ ...common, workload: "profile-likelihood interval", ms: round(intervalMs, 1) });
    const scan = Array.from({ length: 21 }, (_, i) => 0.5 + i * 0.05);
    const scanMs = await bestTime(
      () => profileScan(model, model.observed, { values: scan, best }),
      {
        runs: 3,
        warmup: 1,
      },
    );
    results.push({ ...common, workload: "scan, 21 points", ms: round(scanMs, 1) });
  }
  return results;
}

if (import.meta.main) {
  for (const figure of await benchFit()) {
    console.log(JSON.stringify({ benchmark: "fit", ...figure }));
  }
}

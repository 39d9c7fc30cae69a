/**
 * Benchmark of columnar correctionlib evaluation on 1M jets, against hand-written loops that
 * do the same lookups (binary search into the same edges) and the same formulas:
 * - JEC: the compound Summer19UL18_V5_MC_L1L2L3Res_AK4PFchs (L1FastJet -> L2Relative ->
 *   L3Absolute -> L2L3Residual, each applied to the pt corrected so far);
 * - JER smearing: PtResolution (eta x rho bins, formula of pt) and ScaleFactor ("nom") from
 *   the same file, then pt * (1 + z * reso * sqrt(max(sf^2 - 1, 0))) with fixed normal deviates.
 * Figures: jets per second of both, and their ratio (target <= 2).
 *
 * Run: deno run -A bench/correctionlib_eval.ts
 * @module
 */
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { type Correction, type CorrectionSet, loadCorrectionSet } from "@ristretto/correctionlib";
import type { BinningJson, CategoryJson, FormulaJson } from "@ristretto/correctionlib";
import { compareTimes, round } from "./_timing.ts";

const FILE = "corrections/JME_2018_UL_jet_jerc.json.gz";
const JEC = "Summer19UL18_V5_MC_L1L2L3Res_AK4PFchs";
const RESOLUTION = "Summer19UL18_JRV2_MC_PtResolution_AK4PFchs";
const SCALE_FACTOR = "Summer19UL18_JRV2_MC_ScaleFactor_AK4PFchs";
const JETS = 1_000_000;

const L1_EXPRESSION =
  "max(0.0001,1-(max(min(z,[5]),[4])/max(min(y,[3]),[2]))*([7]*(max(min(x,[1]),[0])-[6])*(1.+[8]*log(max(min(y,[3]),[2])/15.))))";
const L2_EXPRESSION =
  "max(0.0001,((max(min(x,[1]),[0])<10)*([11]))+((max(min(x,[1]),[0])>=10)*([2]+([3]/(pow(log10(max(min(x,[1]),[0])),2)+[4]))+([5]*exp(-([6]*((log10(max(min(x,[1]),[0]))-[7])*(log10(max(min(x,[1]),[0]))-[7])))))+([8]*exp(-([9]*((log10(max(min(x,[1]),[0]))-[10])*(log10(max(min(x,[1]),[0]))-[10]))))))))";
const RESOLUTION_EXPRESSION =
  "sqrt([2]*abs([2])/(max(min(x,[1]),[0])*max(min(x,[1]),[0]))+[3]*[3]*pow(max(min(x,[1]),[0]),[5])+[4]*[4])";

/** A small deterministic generator (mulberry32), so every run sees the same jets. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Jets {
  area: Float64Array;
  eta: Float64Array;
  pt: Float64Array;
  rho: Float64Array;
  z: Float64Array;
}

function makeJets(n: number): Jets {
  const random = generator(12345);
  const jets: Jets = {
    area: new Float64Array(n),
    eta: new Float64Array(n),
    pt: new Float64Array(n),
    rho: new Float64Array(n),
    z: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    jets.area[i] = 0.3 + 0.4 * random();
    jets.eta[i] = -5.5 + 11 * random(); // a few beyond the JEC range (default 1)
    jets.pt[i] = 15 * Math.exp(4.5 * random()); // 15 GeV .. 1.3 TeV
    jets.rho[i] = 60 * random();
    // Box-Muller normal deviates for the smearing
    jets.z[i] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  }
  return jets;
}

/** std::upper_bound - 1, with the flow handled by the caller (-1 below, n - 1 at/after the end). */
function findBin(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** Edges and per-bin formula parameters of "binning(input) -> formula(expression)". */
function binnedFormula(correction: Correction, expression: string) {
  const data = correction.json.data as BinningJson;
  const edges = Float64Array.from(data.edges as number[]);
  const params = data.content.map((node) => {
    const formula = node as FormulaJson;
    if (formula.expression !== expression) {
      throw new Error(`unexpected formula in ${correction.name}`);
    }
    return Float64Array.from(formula.parameters!);
  });
  if (data.flow !== 1) throw new Error(`unexpected flow in ${correction.name}`);
  return { edges, params };
}

function handWrittenJec(set: CorrectionSet) {
  const stack = (set.get(JEC) as { stack: readonly Correction[] }).stack;
  const l1 = binnedFormula(stack[0], L1_EXPRESSION);
  const l2 = binnedFormula(stack[1], L2_EXPRESSION);
  for (const constant of stack.slice(2)) {
    const data = constant.json.data as BinningJson;
    if ((data.content[0] as FormulaJson).expression !== "1") throw new Error("L3/residual not 1");
  }
  return (jets: Jets, out: Float64Array): void => {
    const { area, eta, pt, rho } = jets;
    const n = pt.length;
    const last1 = l1.edges.length - 1;
    const last2 = l2.edges.length - 1;
    for (let i = 0; i < n; i++) {
      let factor = 1;
      let ptNow = pt[i];
      // L1FastJet: x = Rho, y = JetPt, z = JetA
      const b1 = findBin(l1.edges, eta[i]);
      let f1 = 1;
      if (b1 >= 0 && b1 < last1) {
        const p = l1.params[b1];
        const x = Math.max(Math.min(rho[i], p[1]), p[0]);
        const y = Math.max(Math.min(ptNow, p[3]), p[2]);
        const z = Math.max(Math.min(area[i], p[5]), p[4]);
        f1 = Math.max(0.0001, 1 - (z / y) * (p[7] * (x - p[6]) * (1 + p[8] * Math.log(y / 15))));
      }
      factor *= f1;
      ptNow *= f1;
      // L2Relative: x = JetPt
      const b2 = findBin(l2.edges, eta[i]);
      let f2 = 1;
      if (b2 >= 0 && b2 < last2) {
        const p = l2.params[b2];
        const x = Math.max(Math.min(ptNow, p[1]), p[0]);
        const lx = Math.log10(x);
        f2 = Math.max(
          0.0001,
          (x < 10 ? 1 : 0) * p[11] +
            (x >= 10 ? 1 : 0) *
              (p[2] + p[3] / (Math.pow(lx, 2) + p[4]) +
                p[5] * Math.exp(-(p[6] * ((lx - p[7]) * (lx - p[7])))) +
                p[8] * Math.exp(-(p[9] * ((lx - p[10]) * (lx - p[10]))))),
        );
      }
      factor *= f2;
      // L3Absolute and L2L3Residual are 1 for MC
      out[i] = factor;
    }
  };
}

function handWrittenJer(set: CorrectionSet) {
  const resolution = set.get(RESOLUTION) as Correction;
  const data = resolution.json.data as BinningJson;
  const etaEdges = Float64Array.from(data.edges as number[]);
  const rhoEdges: Float64Array[] = [];
  const params: Float64Array[][] = [];
  for (const node of data.content) {
    const rhoBinning = node as BinningJson;
    rhoEdges.push(Float64Array.from(rhoBinning.edges as number[]));
    params.push(rhoBinning.content.map((formula) => {
      if ((formula as FormulaJson).expression !== RESOLUTION_EXPRESSION) {
        throw new Error("formula?");
      }
      return Float64Array.from((formula as FormulaJson).parameters!);
    }));
  }
  const sfData = (set.get(SCALE_FACTOR) as Correction).json.data as BinningJson;
  const sfEdges = Float64Array.from(sfData.edges as number[]);
  const sfNominal = Float64Array.from(sfData.content, (node) => {
    const category = node as CategoryJson;
    return category.content.find((item) => item.key === "nom")!.value as number;
  });
  return (jets: Jets, out: Float64Array): void => {
    const { eta, pt, rho, z } = jets;
    const n = pt.length;
    for (let i = 0; i < n; i++) {
      let reso = 1;
      const be = findBin(etaEdges, eta[i]);
      if (be >= 0 && be < etaEdges.length - 1) {
        const edges = rhoEdges[be];
        const br = findBin(edges, rho[i]);
        if (br >= 0 && br < edges.length - 1) {
          const p = params[be][br];
          const x = Math.max(Math.min(pt[i], p[1]), p[0]);
          reso = Math.sqrt(
            p[2] * Math.abs(p[2]) / (x * x) + p[3] * p[3] * Math.pow(x, p[5]) + p[4] * p[4],
          );
        }
      }
      const bs = findBin(sfEdges, eta[i]);
      const sf = bs >= 0 && bs < sfEdges.length - 1 ? sfNominal[bs] : 1;
      out[i] = pt[i] * (1 + z[i] * reso * Math.sqrt(Math.max(sf * sf - 1, 0)));
    }
  };
}

/** Runs the benchmark; returns one figure per workload. */
export async function benchCorrections(): Promise<object[]> {
  if (!hasSharedData(FILE)) return [{ skipped: `shared data ${FILE} is absent` }];
  const loadStart = performance.now();
  const set = await loadCorrectionSet(sharedDataPath(FILE));
  const loadMs = performance.now() - loadStart;
  const jets = makeJets(JETS);
  const figures: object[] = [{
    workload: "load JME_2018_UL_jet_jerc.json.gz",
    ms: round(loadMs, 1),
  }];

  // JEC compound
  const jec = set.get(JEC);
  const handJec = handWrittenJec(set);
  const handJecOut = new Float64Array(JETS);
  let frameworkJecOut: Float64Array = new Float64Array(0);
  const jecTimes = await compareTimes(
    () => {
      frameworkJecOut = jec.evaluateColumns([jets.area, jets.eta, jets.pt, jets.rho]);
    },
    () => handJec(jets, handJecOut),
    { runs: 5, warmup: 2 },
  );
  let jecMaxDifference = 0;
  for (let i = 0; i < JETS; i++) {
    const d = Math.abs(frameworkJecOut[i] - handJecOut[i]) / Math.abs(handJecOut[i]);
    if (d > jecMaxDifference) jecMaxDifference = d;
  }
  figures.push({
    workload: `JEC compound ${JEC}`,
    jets: JETS,
    ristrettoJetsPerSecond: Math.round(JETS / (jecTimes.frameworkMs / 1000)),
    handWrittenJetsPerSecond: Math.round(JETS / (jecTimes.handWrittenMs / 1000)),
    ristrettoMs: round(jecTimes.frameworkMs, 1),
    handWrittenMs: round(jecTimes.handWrittenMs, 1),
    ratio: round(jecTimes.ratio, 2),
    maxRelativeDifference: jecMaxDifference,
  });

  // JER smearing
  const resolution = set.get(RESOLUTION);
  const scaleFactor = set.get(SCALE_FACTOR);
  const handJer = handWrittenJer(set);
  const handJerOut = new Float64Array(JETS);
  const frameworkJerOut = new Float64Array(JETS);
  const jerTimes = await compareTimes(
    () => {
      const reso = resolution.evaluateColumns([jets.eta, jets.pt, jets.rho]);
      const sf = scaleFactor.evaluateColumns([jets.eta, "nom"]);
      const { pt, z } = jets;
      for (let i = 0; i < JETS; i++) {
        frameworkJerOut[i] = pt[i] *
          (1 + z[i] * reso[i] * Math.sqrt(Math.max(sf[i] * sf[i] - 1, 0)));
      }
    },
    () => handJer(jets, handJerOut),
    { runs: 5, warmup: 2 },
  );
  let jerMaxDifference = 0;
  for (let i = 0; i < JETS; i++) {
    const d = Math.abs(frameworkJerOut[i] - handJerOut[i]) / Math.abs(handJerOut[i]);
    if (d > jerMaxDifference) jerMaxDifference = d;
  }
  figures.push({
    workload: `JER smearing ${RESOLUTION} + ${SCALE_FACTOR}`,
    jets: JETS,
    ristrettoJetsPerSecond: Math.round(JETS / (jerTimes.frameworkMs / 1000)),
    handWrittenJetsPerSecond: Math.round(JETS / (jerTimes.handWrittenMs / 1000)),
    ristrettoMs: round(jerTimes.frameworkMs, 1),
    handWrittenMs: round(jerTimes.handWrittenMs, 1),
    ratio: round(jerTimes.ratio, 2),
    maxRelativeDifference: jerMaxDifference,
  });
  return figures;
}

if (import.meta.main) {
  for (const figure of await benchCorrections()) console.log(JSON.stringify(figure));
}

/**
 * Benchmarks of the columnar core (issue 2), each against a hand-written TypedArray loop that
 * computes the same thing, timed in the same run:
 *  (a) dimuon invariant mass of the two leading muons, 1M synthetic events;
 *  (b) number of jets with pt > 30 and |eta| < 2.4, 1M events;
 *  (c) weighted fill of 10M values into a 100-bin regular axis, and into a
 *      category x variation x 50-bin histogram.
 * Framework path = the core/columns, core/events and core/hist API; expression path = the
 * same computation written in the config's expression language.
 * @module
 */
import { compare, countTrue, type Jagged, logicalAnd, takeAt } from "@ristretto/core/columns";
import { pairMass } from "@ristretto/core/events";
import { columnsEnv, compileExpression, schemaOf } from "@ristretto/core/expr";
import { Hist, regular, strCategory } from "@ristretto/core/hist";
import { compareTimes, round } from "./_timing.ts";

/** A small seeded generator (mulberry32), so every run times the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A jagged collection of `events` events with about `mean` objects each. */
function syntheticCollection(events: number, mean: number, seed: number) {
  const rand = random(seed);
  const offsets = new Int32Array(events + 1);
  for (let i = 0; i < events; i++) {
    offsets[i + 1] = offsets[i] + Math.floor(rand() * 2 * mean + 0.5);
  }
  const n = offsets[events];
  const pt = new Float32Array(n);
  const eta = new Float32Array(n);
  const phi = new Float32Array(n);
  const mass = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    pt[j] = 10 - 40 * Math.log(1 - rand());
    eta[j] = (rand() - 0.5) * 6;
    phi[j] = (rand() - 0.5) * 2 * Math.PI;
    mass[j] = 0.105;
  }
  const field = <T extends Float32Array>(content: T): Jagged<T> => ({ offsets, content });
  return { offsets, pt: field(pt), eta: field(eta), phi: field(phi), mass: field(mass) };
}

function handWrittenDimuonMass(muons: ReturnType<typeof syntheticCollection>): Float64Array {
  const { offsets } = muons;
  const pt = muons.pt.content, eta = muons.eta.content, phi = muons.phi.content;
  const mass = muons.mass.content;
  const out = new Float64Array(offsets.length - 1);
  for (let i = 0; i < out.length; i++) {
    const first = offsets[i];
    if (offsets[i + 1] - first < 2) {
      out[i] = NaN;
      continue;
    }
    const second = first + 1;
    const px1 = pt[first] * Math.cos(phi[first]), py1 = pt[first] * Math.sin(phi[first]);
    const pz1 = pt[first] * Math.sinh(eta[first]);
    const px2 = pt[second] * Math.cos(phi[second]), py2 = pt[second] * Math.sin(phi[second]);
    const pz2 = pt[second] * Math.sinh(eta[second]);
    const e1 = Math.sqrt(px1 * px1 + py1 * py1 + pz1 * pz1 + mass[first] * mass[first]);
    const e2 = Math.sqrt(px2 * px2 + py2 * py2 + pz2 * pz2 + mass[second] * mass[second]);
    const px = px1 + px2, py = py1 + py2, pz = pz1 + pz2, e = e1 + e2;
    out[i] = Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz));
  }
  return out;
}

function handWrittenJetCount(jets: ReturnType<typeof syntheticCollection>): Int32Array {
  const { offsets } = jets;
  const pt = jets.pt.content, eta = jets.eta.content;
  const out = new Int32Array(offsets.length - 1);
  for (let i = 0; i < out.length; i++) {
    let n = 0;
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      n += (pt[j] > 30 && Math.abs(eta[j]) < 2.4) ? 1 : 0;
    }
    out[i] = n;
  }
  return out;
}

/** Runs the core benchmarks and returns their figures. */
export async function benchCore(): Promise<object[]> {
  const figures: object[] = [];
  const events = 1_000_000;
  const muons = syntheticCollection(events, 1.5, 1);
  const jets = syntheticCollection(events, 4, 2);
  const env = columnsEnv({
    "Muon.pt": muons.pt,
    "Muon.eta": muons.eta,
    "Muon.phi": muons.phi,
    "Muon.mass": muons.mass,
    "Jet.pt": jets.pt,
    "Jet.eta": jets.eta,
  });
  const schema = schemaOf(env);

  // (a) dimuon mass
  const leading = (position: number) => ({
    pt: takeAt(muons.pt, position),
    eta: takeAt(muons.eta, position),
    phi: takeAt(muons.phi, position),
    mass: takeAt(muons.mass, position),
  });
  const massExpression = compileExpression("mass(Muon[0], Muon[1])", schema);
  const massFramework = await compareTimes(
    () => pairMass(leading(0), leading(1)),
    () => handWrittenDimuonMass(muons),
  );
  const massExpr = await compareTimes(
    () => massExpression.evaluate(env),
    () => handWrittenDimuonMass(muons),
  );
  figures.push({
    case: "a: dimuon mass, 1M events",
    handWrittenMs: round(massFramework.handWrittenMs),
    frameworkMs: round(massFramework.frameworkMs),
    frameworkRatio: round(massFramework.ratio),
    expressionMs: round(massExpr.frameworkMs),
    expressionRatio: round(massExpr.frameworkMs / massExpr.handWrittenMs),
    targets: "framework <= 1.5, expression <= 2",
  });

  // (b) jet counting
  const countExpression = compileExpression("count(Jet.pt > 30 && abs(Jet.eta) < 2.4)", schema);
  const countFramework = await compareTimes(
    () =>
      countTrue(
        logicalAnd(compare(jets.pt, ">", 30), compare(jets.eta, "<", 2.4, { abs: true })) as Jagged<
          Uint8Array
        >,
      ),
    () => handWrittenJetCount(jets),
  );
  const countExpr = await compareTimes(
    () => countExpression.evaluate(env),
    () => handWrittenJetCount(jets),
  );
  figures.push({
    case: "b: jets with pt > 30 and |eta| < 2.4, 1M events",
    jets: jets.offsets[events],
    handWrittenMs: round(countFramework.handWrittenMs),
    frameworkMs: round(countFramework.frameworkMs),
    frameworkRatio: round(countFramework.ratio),
    expressionMs: round(countExpr.frameworkMs),
    expressionRatio: round(countExpr.frameworkMs / countExpr.handWrittenMs),
    targets: "framework <= 1.5, expression <= 2",
  });

  // (c) fills
  const entries = 10_000_000;
  const rand = random(3);
  const values = new Float64Array(entries);
  const weights = new Float64Array(entries);
  for (let i = 0; i < entries; i++) {
    values[i] = rand() * 120 - 10;
    weights[i] = 0.5 + rand();
  }
  const handFill1D = () => {
    const sumw = new Float64Array(102);
    const sumw2 = new Float64Array(102);
    for (let i = 0; i < entries; i++) {
      const x = values[i];
      let bin = Math.floor(x) + 1; // 100 bins of width 1 over [0, 100)
      if (x < 0) bin = 0;
      else if (!(x < 100)) bin = 101;
      const w = weights[i];
      sumw[bin] += w;
      sumw2[bin] += w * w;
    }
    return sumw;
  };
  const fill1D = await compareTimes(
    () =>
      new Hist([regular("x", { bins: 100, start: 0, stop: 100 })]).fill({ x: values }, {
        weight: weights,
      }),
    handFill1D,
    { runs: 5, warmup: 1 },
  );
  figures.push({
    case: "c1: weighted fill, 10M values, 100-bin regular axis",
    handWrittenMs: round(fill1D.handWrittenMs),
    frameworkMs: round(fill1D.frameworkMs),
    frameworkRatio: round(fill1D.ratio),
    target: "<= 1.5",
  });

  // category x variation x 50 bins: the batch is one (category, variation) at a time, as the
  // pipeline fills it; 4 categories x 3 variations share the 10M values.
  const categories = ["ee", "mumu", "emu", "incl"];
  const variations = ["nominal", "up", "down"];
  const per = Math.floor(entries / (categories.length * variations.length));
  const handFill3D = () => {
    const stride = 52;
    const sumw = new Float64Array(categories.length * variations.length * stride);
    const sumw2 = new Float64Array(sumw.length);
    for (let c = 0; c < categories.length; c++) {
      for (let v = 0; v < variations.length; v++) {
        const base = (c * variations.length + v) * stride;
        const from = (c * variations.length + v) * per;
        for (let i = from; i < from + per; i++) {
          const x = values[i];
          let bin = Math.floor(x / 2) + 1; // 50 bins over [0, 100)
          if (x < 0) bin = 0;
          else if (!(x < 100)) bin = 51;
          const w = weights[i];
          sumw[base + bin] += w;
          sumw2[base + bin] += w * w;
        }
      }
    }
    return sumw;
  };
  const fill3D = await compareTimes(
    () => {
      const hist = new Hist([
        strCategory("cat", categories),
        strCategory("variation", variations),
        regular("x", { bins: 50, start: 0, stop: 100 }),
      ]);
      for (let c = 0; c < categories.length; c++) {
        for (let v = 0; v < variations.length; v++) {
          const from = (c * variations.length + v) * per;
          hist.fill(
            { cat: categories[c], variation: variations[v], x: values.subarray(from, from + per) },
            { weight: weights.subarray(from, from + per) },
          );
        }
      }
      return hist;
    },
    handFill3D,
    { runs: 5, warmup: 1 },
  );
  figures.push({
    case: "c2: weighted fill, 10M values, category x variation x 50 bins",
    handWrittenMs: round(fill3D.handWrittenMs),
    frameworkMs: round(fill3D.frameworkMs),
    frameworkRatio: round(fill3D.ratio),
    target: "<= 1.5",
  });
  return figures;
}

if (import.meta.main) {
  for (const figure of await benchCore()) console.log(JSON.stringify(figure));
}

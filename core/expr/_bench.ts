// A quick benchmark of the kernels against hand-written TypedArray loops on 1M random events
// (the brief's target: <= 2x). Not a test: run `deno run core/expr/_bench.ts`. Reports the
// best of 25 interleaved runs, since the build machines are shared and noisy.
import type { Column } from "../columns/types.ts";
import { columnsEnv, compileExpression, schemaOf } from "./mod.ts";

const EVENTS = 1_000_000;
let seed = 12345;
function random(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
}

function collection(mean: number) {
  const offsets = new Int32Array(EVENTS + 1);
  for (let e = 0; e < EVENTS; e++) {
    offsets[e + 1] = offsets[e] + Math.floor(random() * (2 * mean + 1));
  }
  const total = offsets[EVENTS];
  const make = (f: () => number) => Float32Array.from({ length: total }, f);
  return {
    offsets,
    pt: make(() => 5 + random() * 100),
    eta: make(() => (random() - 0.5) * 6),
    phi: make(() => (random() - 0.5) * 2 * Math.PI),
    mass: make(() => 0.105),
  };
}

const jet = collection(4);
const muon = collection(1);
const met = Float32Array.from({ length: EVENTS }, () => random() * 100);
const columns: Record<string, Column> = { "MET.pt": met };
for (const [name, c] of [["Jet", jet], ["Muon", muon]] as const) {
  for (const field of ["pt", "eta", "phi", "mass"] as const) {
    columns[`${name}.${field}`] = { offsets: c.offsets, content: c[field] };
  }
}
const env = columnsEnv(columns);
const schema = schemaOf(env);
const bit = (condition: boolean) => (condition as unknown as number) | 0;

function handCount(): Float64Array {
  const out = new Float64Array(EVENTS);
  const { offsets, pt, eta } = jet;
  for (let e = 0; e < EVENTS; e++) {
    let n = 0;
    const end = offsets[e + 1];
    for (let k = offsets[e]; k < end; k++) n += bit(pt[k] > 30) & bit(Math.abs(eta[k]) < 2.4);
    out[e] = n;
  }
  return out;
}

function handMass(): Float64Array {
  const out = new Float64Array(EVENTS);
  const { offsets, pt, eta, phi, mass } = muon;
  for (let e = 0; e < EVENTS; e++) {
    const i = offsets[e];
    if (offsets[e + 1] - i < 2) {
      out[e] = NaN;
      continue;
    }
    const j = i + 1;
    const px = pt[i] * Math.cos(phi[i]) + pt[j] * Math.cos(phi[j]);
    const py = pt[i] * Math.sin(phi[i]) + pt[j] * Math.sin(phi[j]);
    const pz = pt[i] * Math.sinh(eta[i]) + pt[j] * Math.sinh(eta[j]);
    const p1 = pt[i] * Math.cosh(eta[i]);
    const p2 = pt[j] * Math.cosh(eta[j]);
    const energy = Math.sqrt(p1 * p1 + mass[i] * mass[i]) + Math.sqrt(p2 * p2 + mass[j] * mass[j]);
    const squared = energy * energy - px * px - py * py - pz * pz;
    out[e] = squared > 0 ? Math.sqrt(squared) : 0;
  }
  return out;
}

function handLeading(): Float64Array {
  const out = new Float64Array(EVENTS);
  const { offsets, pt } = jet;
  for (let e = 0; e < EVENTS; e++) out[e] = offsets[e + 1] > offsets[e] ? pt[offsets[e]] : NaN;
  return out;
}

function handAboveMet(): Float64Array {
  const out = new Float64Array(EVENTS);
  const { offsets, pt } = jet;
  for (let e = 0; e < EVENTS; e++) {
    let n = 0;
    const m = met[e];
    const end = offsets[e + 1];
    for (let k = offsets[e]; k < end; k++) n += bit(pt[k] > m);
    out[e] = n;
  }
  return out;
}

const cases: [string, () => unknown][] = [
  ["count(Jet.pt > 30 && abs(Jet.eta) < 2.4)", handCount],
  ["mass(Muon[0], Muon[1])", handMass],
  ["Jet[0].pt", handLeading],
  ["count(Jet.pt > MET.pt)", handAboveMet],
];
const runs = cases.flatMap(([source, hand]) => {
  const compiled = compileExpression(source, schema);
  return [
    { name: `hand ${source}`, f: hand },
    { name: `expr ${source}`, f: () => compiled.evaluate(env) },
  ];
});
const best = runs.map(() => Infinity);
for (let r = 0; r < 25; r++) {
  runs.forEach((run, i) => {
    const t = performance.now();
    run.f();
    best[i] = Math.min(best[i], performance.now() - t);
  });
}
for (let i = 0; i < runs.length; i += 2) {
  const ratio = best[i + 1] / best[i];
  console.log(
    `${cases[i / 2][0].padEnd(42)} hand ${best[i].toFixed(1).padStart(6)} ms  expr ${
      best[i + 1].toFixed(1).padStart(6)
    } ms  ratio ${ratio.toFixed(2)}`,
  );
}

// The kernels against plain per-event JavaScript loops on seeded random events. The events
// cross many kernel blocks, include empty events and one event with more objects than a
// block holds, and are also evaluated as a slice whose offsets do not start at 0.
import assert from "node:assert/strict";
import type { Column, Jagged } from "../columns/types.ts";
import type { ExprEnv } from "./env.ts";
import { mapEnv } from "./_fixture.ts";
import { compileExpression, schemaOf } from "./mod.ts";

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EVENTS = 7000;
const next = random(20261129);

function makeCollection(mean: number, huge: number) {
  const offsets = new Int32Array(EVENTS + 1);
  for (let e = 0; e < EVENTS; e++) {
    const n = e === huge ? 3000 : Math.floor(next() * (2 * mean + 1));
    offsets[e + 1] = offsets[e] + n;
  }
  const total = offsets[EVENTS];
  const pt = new Float32Array(total);
  const eta = new Float32Array(total);
  const phi = new Float32Array(total);
  const extra = new Float32Array(total);
  const flag = new Uint8Array(total);
  for (let k = 0; k < total; k++) {
    pt[k] = 5 + next() * 95;
    eta[k] = (next() - 0.5) * 6;
    phi[k] = (next() - 0.5) * 2 * Math.PI;
    extra[k] = next();
    flag[k] = next() < 0.7 ? 1 : 0;
  }
  return { offsets, pt, eta, phi, extra, flag };
}

const jet = makeCollection(3, 4321);
const muon = makeCollection(1, -1);
const met = Float32Array.from({ length: EVENTS }, () => next() * 100);
const genWeight = Float64Array.from({ length: EVENTS }, () => (next() < 0.1 ? -1 : 1) * next());

function columns(first: number): Map<string, Column> {
  const j = jet.offsets.subarray(first);
  const m = muon.offsets.subarray(first);
  return new Map<string, Column>([
    ["Jet.pt", { offsets: j, content: jet.pt }],
    ["Jet.eta", { offsets: j, content: jet.eta }],
    ["Jet.phi", { offsets: j, content: jet.phi }],
    ["Jet.btag", { offsets: j, content: jet.extra }],
    ["Muon.pt", { offsets: m, content: muon.pt }],
    ["Muon.eta", { offsets: m, content: muon.eta }],
    ["Muon.phi", { offsets: m, content: muon.phi }],
    ["Muon.tightId", { offsets: m, content: muon.flag }],
    ["MET.pt", met.subarray(first)],
    ["genWeight", genWeight.subarray(first)],
  ]);
}

// [expression, option collection, reference: value of event e (number, or array per object)]
type Reference = (e: number, env: ExprEnv) => number | number[];

function objects(env: ExprEnv, path: string, e: number): number[] {
  const column = env.column(path) as Jagged;
  return [...column.content.subarray(column.offsets[e], column.offsets[e + 1]) as Float32Array];
}

function eventValue(env: ExprEnv, path: string, e: number): number {
  return (env.column(path) as Float64Array)[e];
}

function wrap(d: number): number {
  while (d > Math.PI) d -= 2 * Math.PI;
  while (d < -Math.PI) d += 2 * Math.PI;
  return d;
}

const CASES: [string, string | undefined, Reference][] = [
  ["count(Jet.pt > 30 && abs(Jet.eta) < 2.4)", undefined, (e, env) => {
    const pt = objects(env, "Jet.pt", e);
    const eta = objects(env, "Jet.eta", e);
    let n = 0;
    for (let i = 0; i < pt.length; i++) if (pt[i] > 30 && Math.abs(eta[i]) < 2.4) n++;
    return n;
  }],
  ["Jet[0].pt", undefined, (e, env) => objects(env, "Jet.pt", e)[0] ?? NaN],
  ["Jet[1].pt > 40", undefined, (e, env) => (objects(env, "Jet.pt", e)[1] ?? NaN) > 40 ? 1 : 0],
  ["count(Jet.pt > MET.pt)", undefined, (e, env) => {
    const m = eventValue(env, "MET.pt", e);
    return objects(env, "Jet.pt", e).filter((pt) => pt > m).length;
  }],
  ["Jet.pt > MET.pt", undefined, (e, env) => {
    const m = eventValue(env, "MET.pt", e);
    return objects(env, "Jet.pt", e).map((pt) => pt > m ? 1 : 0);
  }],
  ["where(MET.pt > 50, genWeight, -genWeight)", undefined, (e, env) => {
    const w = eventValue(env, "genWeight", e);
    return eventValue(env, "MET.pt", e) > 50 ? w : -w;
  }],
  ["mass(Muon[0], Muon[1])", undefined, (e, env) => {
    const pt = objects(env, "Muon.pt", e);
    if (pt.length < 2) return NaN;
    const eta = objects(env, "Muon.eta", e);
    const phi = objects(env, "Muon.phi", e);
    // massless: m = sqrt(2 pt1 pt2 (cosh(deta) - cos(dphi)))
    return Math.sqrt(2 * pt[0] * pt[1] * (Math.cosh(eta[0] - eta[1]) - Math.cos(phi[0] - phi[1])));
  }],
  ["deltaR(Muon[0], Jet[0])", undefined, (e, env) => {
    const me = objects(env, "Muon.eta", e);
    const je = objects(env, "Jet.eta", e);
    if (me.length < 1 || je.length < 1) return NaN;
    const dphi = wrap(objects(env, "Muon.phi", e)[0] - objects(env, "Jet.phi", e)[0]);
    return Math.hypot(me[0] - je[0], dphi);
  }],
  ["sum(where(Jet.pt > 30, Jet.pt, 0))", undefined, (e, env) => {
    let ht = 0;
    for (const pt of objects(env, "Jet.pt", e)) if (pt > 30) ht += pt;
    return ht;
  }],
  ["max(abs(Jet.eta))", undefined, (e, env) => {
    const eta = objects(env, "Jet.eta", e);
    return eta.length === 0 ? NaN : Math.max(...eta.map(Math.abs));
  }],
  ["min(Jet.pt)", undefined, (e, env) => {
    const pt = objects(env, "Jet.pt", e);
    return pt.length === 0 ? NaN : Math.min(...pt);
  }],
  [
    "any(Jet.btag > 0.8) && count(Muon) >= 1",
    undefined,
    (e, env) =>
      objects(env, "Jet.btag", e).some((b) => b > 0.8) && objects(env, "Muon.pt", e).length >= 1
        ? 1
        : 0,
  ],
  [
    "all(Jet.pt > 20)",
    undefined,
    (e, env) => objects(env, "Jet.pt", e).every((pt) => pt > 20) ? 1 : 0,
  ],
  ["pt > 20 && abs(eta) < 2.4 && tightId", "Muon", (e, env) => {
    const pt = objects(env, "Muon.pt", e);
    const eta = objects(env, "Muon.eta", e);
    const id = objects(env, "Muon.tightId", e);
    return pt.map((p, i) => p > 20 && Math.abs(eta[i]) < 2.4 && id[i] !== 0 ? 1 : 0);
  }],
  ["count(deltaR(Jet, Muon[-1]) > 0.4)", undefined, (e, env) => {
    const me = objects(env, "Muon.eta", e);
    const mp = objects(env, "Muon.phi", e);
    if (me.length === 0) return 0;
    const je = objects(env, "Jet.eta", e);
    const jp = objects(env, "Jet.phi", e);
    const last = me.length - 1;
    return je.filter((eta, i) => Math.hypot(eta - me[last], wrap(jp[i] - mp[last])) > 0.4).length;
  }],
  ["Jet.pt * cosh(Jet.eta) / 2 - genWeight", undefined, (e, env) => {
    const eta = objects(env, "Jet.eta", e);
    const w = eventValue(env, "genWeight", e);
    return objects(env, "Jet.pt", e).map((pt, i) => pt * Math.cosh(eta[i]) / 2 - w);
  }],
];

function same(actual: number, expected: number, message: string): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), message);
    return;
  }
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= 1e-9 * scale, `${message}: ${actual} vs ${expected}`);
}

for (const first of [0, 1234]) {
  Deno.test(`kernels agree with per-event loops (events from ${first})`, async (t) => {
    const env = mapEnv(columns(first));
    const schema = schemaOf(env, { bools: ["Muon.tightId"] });
    assert.equal(env.length, EVENTS - first);
    for (const [source, collection, reference] of CASES) {
      await t.step(source, () => {
        const result = compileExpression(source, schema, { collection }).evaluate(env);
        for (let e = 0; e < env.length; e++) {
          const expected = reference(e, env);
          if (typeof expected === "number") {
            same((result as Float64Array)[e], expected, `${source}, event ${e}`);
          } else {
            const { offsets, content } = result as Jagged;
            assert.equal(offsets[e + 1] - offsets[e], expected.length, `${source}, event ${e}`);
            for (let i = 0; i < expected.length; i++) {
              same(Number(content[offsets[e] + i]), expected[i], `${source}, event ${e}[${i}]`);
            }
          }
        }
      });
    }
  });
}

import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { cartesian } from "../columns/cartesian.ts";
import { combinations } from "../columns/combinations.ts";
import { Collection } from "./collection.ts";
import {
  cleanedMask,
  deltaPhi,
  deltaR,
  energy,
  invariantMass,
  nearest,
  p,
  pairMass,
  px,
  py,
  pz,
  rapidity,
  sumP4,
} from "./kinematics.ts";
import { close, plain, seededRandom, toLists } from "../columns/_testing.ts";

// ---- independent reference: Cartesian four-vectors via the polar angle, not sinh/cosh ----
type Cartesian = [number, number, number, number]; // px, py, pz, E
function cartesianOf(pt: number, eta: number, phi: number, mass: number): Cartesian {
  const theta = 2 * Math.atan(Math.exp(-eta));
  const mom = pt / Math.sin(theta);
  return [pt * Math.cos(phi), pt * Math.sin(phi), mom * Math.cos(theta), Math.hypot(mom, mass)];
}
function massOf(v: Cartesian): number {
  const m2 = v[3] * v[3] - v[0] * v[0] - v[1] * v[1] - v[2] * v[2];
  return Math.sqrt(Math.max(m2, 0));
}
function add(a: Cartesian, b: Cartesian): Cartesian {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];
}
/** Boost a four-vector by velocity beta (a 3-vector, |beta| < 1). */
function boost(v: Cartesian, beta: [number, number, number]): Cartesian {
  const b2 = beta[0] ** 2 + beta[1] ** 2 + beta[2] ** 2;
  const gamma = 1 / Math.sqrt(1 - b2);
  const bp = beta[0] * v[0] + beta[1] * v[1] + beta[2] * v[2];
  const factor = b2 > 0 ? (gamma - 1) * bp / b2 + gamma * v[3] : 0;
  return [
    v[0] + factor * beta[0],
    v[1] + factor * beta[1],
    v[2] + factor * beta[2],
    gamma * (v[3] + bp),
  ];
}
function ptEtaPhiOf(v: Cartesian): [number, number, number, number] {
  const pt = Math.hypot(v[0], v[1]);
  return [pt, Math.asinh(v[2] / pt), Math.atan2(v[1], v[0]), massOf(v)];
}

const Z_MASS = 91.1876;
const MUON_MASS = 0.1056583755;

/** A Z with the given lab pt/eta/phi decaying to two muons along a random rest-frame axis. */
function zToMuMu(
  random: () => number,
  z: { pt: number; eta: number; phi: number },
): [number, number, number, number][] {
  const zLab = cartesianOf(z.pt, z.eta, z.phi, Z_MASS);
  const beta: [number, number, number] = [zLab[0] / zLab[3], zLab[1] / zLab[3], zLab[2] / zLab[3]];
  const cosTheta = 2 * random() - 1;
  const sinTheta = Math.sqrt(1 - cosTheta * cosTheta);
  const phiStar = 2 * Math.PI * random();
  const pStar = Math.sqrt(Z_MASS * Z_MASS / 4 - MUON_MASS * MUON_MASS);
  const axis = [sinTheta * Math.cos(phiStar), sinTheta * Math.sin(phiStar), cosTheta];
  const e = Z_MASS / 2;
  const mu1: Cartesian = [pStar * axis[0], pStar * axis[1], pStar * axis[2], e];
  const mu2: Cartesian = [-pStar * axis[0], -pStar * axis[1], -pStar * axis[2], e];
  return [ptEtaPhiOf(boost(mu1, beta)), ptEtaPhiOf(boost(mu2, beta))];
}

function arrays(values: number[][]) {
  return {
    pt: Float64Array.from(values, (v) => v[0]),
    eta: Float64Array.from(values, (v) => v[1]),
    phi: Float64Array.from(values, (v) => v[2]),
    mass: Float64Array.from(values, (v) => v[3]),
  };
}

Deno.test("px, py, pz, p, energy: hand values", () => {
  // pt 10 at phi 0 / pi/2; eta 0 -> pz 0, p = pt; p=3, m=4 -> E=5
  const v = {
    pt: Float64Array.of(10, 10, 3),
    eta: Float64Array.of(0, 0, 0),
    phi: Float64Array.of(0, Math.PI / 2, 0),
    mass: Float64Array.of(0, 0, 4),
  };
  deepStrictEqual(plain(px(v)).map((x) => Math.round(x * 1e12) / 1e12), [10, 0, 3]);
  deepStrictEqual(plain(py(v)).map((x) => Math.round(x * 1e12) / 1e12), [0, 10, 0]);
  deepStrictEqual(plain(pz(v)), [0, 0, 0]);
  deepStrictEqual(plain(p(v)), [10, 10, 3]);
  deepStrictEqual(plain(energy(v)), [10, 10, 5]);
  // eta = asinh(3/4) -> sinh = 0.75, cosh = 1.25: pt 4 -> pz 3, p 5
  const w = { pt: Float64Array.of(4), eta: Float64Array.of(Math.asinh(0.75)) };
  strictEqual(close(pz(w)[0], 3), true);
  strictEqual(close(p(w)[0], 5), true);
  throws(() => px({ pt: Float64Array.of(1, 2), phi: Float64Array.of(0) }), /different lengths/);
});

Deno.test("kinematic identities on random vectors: px^2+py^2=pt^2, E^2-p^2=m^2, rapidity", () => {
  const random = seededRandom(1);
  const n = 500;
  const v = {
    pt: Float64Array.from({ length: n }, () => 1 + random() * 200),
    eta: Float64Array.from({ length: n }, () => random() * 8 - 4),
    phi: Float64Array.from({ length: n }, () => random() * 2 * Math.PI - Math.PI),
    mass: Float64Array.from({ length: n }, () => random() < 0.3 ? 0 : random() * 100),
  };
  const x = px(v), y = py(v), z = pz(v), mom = p(v), e = energy(v), rap = rapidity(v);
  for (let k = 0; k < n; k++) {
    strictEqual(close(x[k] ** 2 + y[k] ** 2, v.pt[k] ** 2), true);
    strictEqual(close(x[k] ** 2 + y[k] ** 2 + z[k] ** 2, mom[k] ** 2), true);
    strictEqual(
      close(e[k] ** 2 - mom[k] ** 2, v.mass[k] ** 2, 1e-7 * e[k] ** 2 / (1 + v.mass[k] ** 2)),
      true,
    );
    // independent Cartesian reference
    const ref = cartesianOf(v.pt[k], v.eta[k], v.phi[k], v.mass[k]);
    strictEqual(close(z[k], ref[2], 1e-9), true);
    strictEqual(close(e[k], ref[3], 1e-9), true);
    // y = 1/2 ln((E+pz)/(E-pz)); massless -> y = eta
    const yRef = 0.5 * Math.log((ref[3] + ref[2]) / (ref[3] - ref[2]));
    strictEqual(close(rap[k], yRef, 1e-6), true, `${rap[k]} vs ${yRef}`);
    if (v.mass[k] === 0) strictEqual(close(rap[k], v.eta[k], 1e-12), true);
  }
});

Deno.test("Z -> mumu: pair mass, invariantMass and sumP4 recover the Z", () => {
  const random = seededRandom(23);
  const events = 200;
  const zs = Array.from({ length: events }, () => ({
    pt: random() * 300,
    eta: random() * 5 - 2.5,
    phi: random() * 2 * Math.PI - Math.PI,
  }));
  const muons = zs.map((z) => zToMuMu(random, z));
  // per-event arrays of the two muons
  const mu1 = arrays(muons.map((m) => m[0]));
  const mu2 = arrays(muons.map((m) => m[1]));
  const pair = pairMass(mu1, mu2);
  // jagged: event i has its two muons at 2i, 2i+1
  const flat = arrays(muons.flat());
  const offsets = Int32Array.from({ length: events + 1 }, (_, i) => 2 * i);
  const masses = invariantMass(combinations(offsets, 2), flat);
  const total = sumP4({ offsets, ...flat });
  for (let i = 0; i < events; i++) {
    strictEqual(close(pair[i], Z_MASS, 1e-9), true, `pairMass ${pair[i]}`);
    strictEqual(close(masses.content[i], Z_MASS, 1e-9), true);
    strictEqual(close(total.mass[i], Z_MASS, 1e-9), true);
    if (zs[i].pt > 1) {
      strictEqual(close(total.pt[i], zs[i].pt, 1e-9), true);
      strictEqual(close(total.eta[i], zs[i].eta, 1e-7), true);
      strictEqual(
        Math.abs(deltaPhi(Float64Array.of(total.phi[i]), Float64Array.of(zs[i].phi))[0]) < 1e-9,
        true,
      );
    }
  }
  deepStrictEqual(
    plain(masses.offsets),
    plain(Int32Array.from({ length: events + 1 }, (_, i) => i)),
  );
});

Deno.test("sumP4: empty events, single massless objects, Collection input", () => {
  const c = new Collection("Jet", Int32Array.of(0, 0, 1, 1), {
    pt: Float32Array.of(30),
    eta: Float32Array.of(1),
    phi: Float32Array.of(0.5),
    mass: Float32Array.of(0),
  });
  const total = sumP4(c);
  // empty sum -> all zero; one object -> itself (mass 0, never NaN from rounding)
  deepStrictEqual(plain(total.pt).map((v, i) => i === 1 ? close(v, 30, 1e-12) : v), [0, true, 0]);
  deepStrictEqual(plain(total.mass), [0, 0, 0]);
  deepStrictEqual(plain(total.eta).map((v, i) => i === 1 ? close(v, 1, 1e-7) : v), [0, true, 0]);
  deepStrictEqual(plain(total.phi).map((v, i) => i === 1 ? close(v, 0.5, 1e-7) : v), [0, true, 0]);
  // many single massless objects: E^2 - p^2 rounds around 0; clipped, never NaN
  const random = seededRandom(2);
  const n = 300;
  const single = {
    offsets: Int32Array.from({ length: n + 1 }, (_, i) => i),
    pt: Float64Array.from({ length: n }, () => random() * 1000),
    eta: Float64Array.from({ length: n }, () => random() * 10 - 5),
    phi: Float64Array.from({ length: n }, () => random() * 6 - 3),
    mass: new Float64Array(n),
  };
  for (const m of sumP4(single).mass) strictEqual(m >= 0 && m < 1e-3, true);
  // beam-axis sum: two objects with opposite transverse momenta, same eta -> pt 0, eta +Inf
  const beam = sumP4({
    offsets: Int32Array.of(0, 2),
    pt: Float64Array.of(10, 10),
    eta: Float64Array.of(2, 2),
    phi: Float64Array.of(0, Math.PI),
    mass: Float64Array.of(0, 0),
  });
  strictEqual(beam.pt[0] < 1e-12, true);
  throws(
    () => sumP4({ offsets: Int32Array.of(0, 2), ...arrays([[1, 0, 0, 0]]) }),
    /offsets end at 2/,
  );
});

Deno.test("invariantMass and sumP4 agree with naive Cartesian sums on random events", () => {
  const random = seededRandom(77);
  const events = 60;
  const lists = Array.from(
    { length: events },
    () =>
      Array.from({ length: Math.floor(random() * 5) }, () => [
        5 + random() * 100,
        random() * 5 - 2.5,
        random() * 6.2 - 3.1,
        random() < 0.5 ? 0 : random() * 10,
      ]),
  );
  const others = Array.from(
    { length: events },
    () =>
      Array.from({ length: Math.floor(random() * 3) }, () => [
        5 + random() * 50,
        random() * 5 - 2.5,
        random() * 6.2 - 3.1,
        0.000511,
      ]),
  );
  const lead = 2;
  const flatten = (ls: number[][][]) => {
    const offsets = [lead];
    for (const l of ls) offsets.push(offsets[offsets.length - 1] + l.length);
    return {
      offsets: Int32Array.from(offsets),
      ...arrays([[0, 0, 0, 0], [0, 0, 0, 0], ...ls.flat()]),
    };
  };
  const a = flatten(lists);
  const b = flatten(others);
  const vec = (x: number[]) => cartesianOf(x[0], x[1], x[2], x[3]);
  const massesOf = (got: { offsets: Int32Array; content: Float64Array }) => toLists(got);
  // pairs
  const expectedPairs = lists.map((l) =>
    l.flatMap((x, i) => l.slice(i + 1).map((y) => massOf(add(vec(x), vec(y)))))
  );
  const gotPairs = massesOf(invariantMass(combinations(a.offsets, 2), a));
  // triples
  const expectedTriples = lists.map((l) =>
    l.flatMap((x, i) =>
      l.slice(i + 1).flatMap((y, j) =>
        l.slice(i + j + 2).map((w) => massOf(add(add(vec(x), vec(y)), vec(w))))
      )
    )
  );
  const gotTriples = massesOf(invariantMass(combinations(a.offsets, 3), a));
  // cartesian with one source per member
  const expectedCross = lists.map((l, e) =>
    l.flatMap((x) => others[e].map((y) => massOf(add(vec(x), vec(y)))))
  );
  const gotCross = massesOf(invariantMass(cartesian(a.offsets, b.offsets), [a, b]));
  const sums = sumP4(a);
  for (let e = 0; e < events; e++) {
    for (
      const [got, expected] of [
        [gotPairs[e], expectedPairs[e]],
        [gotTriples[e], expectedTriples[e]],
        [gotCross[e], expectedCross[e]],
      ]
    ) {
      strictEqual(got.length, expected.length);
      got.forEach((m, k) =>
        strictEqual(close(m, expected[k], 1e-7), true, `${m} vs ${expected[k]}`)
      );
    }
    let total: Cartesian = [0, 0, 0, 0];
    for (const x of lists[e]) total = add(total, vec(x));
    strictEqual(close(sums.mass[e], massOf(total), 1e-7), true);
    strictEqual(close(sums.pt[e], Math.hypot(total[0], total[1]), 1e-9), true);
  }
  throws(() => invariantMass(combinations(a.offsets, 2), [a]), /1 vector sources for 2 members/);
});

Deno.test("deltaPhi: wraps into [-pi, pi); hand values at the boundary", () => {
  // 3.1 - (-3.1) = 6.2 -> 6.2 - 2 pi = -0.0831853...; the reverse is +0.0831853...
  const d = deltaPhi(
    Float64Array.of(3.1, -3.1, 0, Math.PI, 10, 0.5),
    Float64Array.of(-3.1, 3.1, Math.PI, -Math.PI, 0, 0.2),
  );
  strictEqual(close(d[0], 6.2 - 2 * Math.PI, 1e-12), true);
  strictEqual(close(d[1], 2 * Math.PI - 6.2, 1e-12), true);
  strictEqual(d[2], -Math.PI); // 0 - pi is already in range
  strictEqual(d[3], 0); // pi - (-pi) = 2 pi -> 0
  strictEqual(close(d[4], 10 - 4 * Math.PI, 1e-12), true); // 10 rad -> 10 - 4 pi = -2.566...
  strictEqual(close(d[5], 0.3, 1e-12), true);
  const random = seededRandom(9);
  const n = 1000;
  const a = Float64Array.from({ length: n }, () => random() * 40 - 20);
  const b = Float64Array.from({ length: n }, () => random() * 40 - 20);
  const ab = deltaPhi(a, b);
  for (let k = 0; k < n; k++) {
    strictEqual(ab[k] >= -Math.PI && ab[k] < Math.PI, true);
    // same angle modulo 2 pi: cos and sin agree
    strictEqual(close(Math.cos(ab[k]), Math.cos(a[k] - b[k]), 1e-9), true);
    strictEqual(close(Math.sin(ab[k]), Math.sin(a[k] - b[k]), 1e-9), true);
  }
});

Deno.test("deltaR: 3-4-5 by hand, symmetric, phi wrap", () => {
  // deta 0.3, dphi 0.4 -> 0.5; across the +-pi seam: dphi = 0.2 -> deltaR 0.2
  const a = { eta: Float64Array.of(0.3, 1), phi: Float64Array.of(0.4, Math.PI - 0.1) };
  const b = { eta: Float64Array.of(0, 1), phi: Float64Array.of(0, -Math.PI + 0.1) };
  const dr = deltaR(a, b);
  strictEqual(close(dr[0], 0.5, 1e-12), true);
  strictEqual(close(dr[1], 0.2, 1e-12), true);
  const random = seededRandom(10);
  const n = 300;
  const u = {
    eta: Float64Array.from({ length: n }, () => random() * 5),
    phi: Float64Array.from({ length: n }, () => random() * 7 - 3.5),
  };
  const v = {
    eta: Float64Array.from({ length: n }, () => random() * 5),
    phi: Float64Array.from({ length: n }, () => random() * 7 - 3.5),
  };
  const uv = deltaR(u, v);
  const vu = deltaR(v, u);
  for (let k = 0; k < n; k++) {
    strictEqual(close(uv[k], vu[k], 1e-12), true);
    const dphi = Math.acos(Math.cos(u.phi[k] - v.phi[k])); // |dphi| in [0, pi], independently
    strictEqual(close(uv[k], Math.hypot(u.eta[k] - v.eta[k], dphi), 1e-7), true);
  }
});

Deno.test("nearest and cleanedMask: hand example", () => {
  // one event; jets at eta 0, 1, 3 (phi 0); leptons at eta 0.1 and 1.35 (phi 0); second event
  // has one jet and no leptons
  const jets = {
    offsets: Int32Array.of(0, 3, 4),
    eta: Float64Array.of(0, 1, 3, 0),
    phi: new Float64Array(4),
  };
  const leptons = {
    offsets: Int32Array.of(0, 2, 2),
    eta: Float64Array.of(0.1, 1.35),
    phi: new Float64Array(2),
  };
  const match = nearest(jets, leptons);
  deepStrictEqual(toLists(match.index), [[0, 1, 1], [-1]]);
  // distances: 0.1, 0.35, 1.65; none
  deepStrictEqual(toLists(match.deltaR).map((l) => l.map((x) => Math.round(x * 1e9) / 1e9)), [[
    0.1,
    0.35,
    1.65,
  ], [NaN]]);
  const within = nearest(jets, leptons, { maxDeltaR: 0.4 });
  deepStrictEqual(toLists(within.index), [[0, 1, -1], [-1]]);
  strictEqual(match.index.offsets, jets.offsets);
  // cleaning at 0.4: jets 0 and 1 are within 0.4 of a lepton; jet 2 clean; event 1 clean
  deepStrictEqual(toLists(cleanedMask(jets, leptons)), [[0, 0, 1], [1]]);
  deepStrictEqual(toLists(cleanedMask(jets, leptons, { minDeltaR: 0.3 })), [[0, 1, 1], [1]]);
  // NaN lepton coordinates (a missing linked object): not "far", as in PocketCoffea
  const nanLepton = {
    offsets: Int32Array.of(0, 1, 1),
    eta: Float64Array.of(NaN),
    phi: new Float64Array(1),
  };
  deepStrictEqual(toLists(cleanedMask(jets, nanLepton)), [[0, 0, 0], [1]]);
  throws(
    () =>
      nearest(jets, {
        offsets: Int32Array.of(0, 1),
        eta: Float64Array.of(0),
        phi: Float64Array.of(0),
      }),
    RangeError,
  );
});

Deno.test("nearest and cleanedMask agree with naive loops on random events (Collections)", () => {
  const random = seededRandom(55);
  const events = 50;
  const make = (name: string, max: number) => {
    const lists = Array.from(
      { length: events },
      () =>
        Array.from(
          { length: Math.floor(random() * (max + 1)) },
          () => [random() * 5 - 2.5, random() * 6.4 - 3.2],
        ),
    );
    const offsets = [1];
    for (const l of lists) offsets.push(offsets[offsets.length - 1] + l.length);
    const flat = [[9, 9], ...lists.flat()];
    const c = new Collection(name, Int32Array.from(offsets), {
      eta: Float32Array.from(flat, (x) => x[0]),
      phi: Float32Array.from(flat, (x) => x[1]),
    });
    // naive side uses the float32-rounded values the collection holds
    return { c, lists: lists.map((l) => l.map((x) => [Math.fround(x[0]), Math.fround(x[1])])) };
  };
  const jets = make("Jet", 6);
  const leptons = make("Muon", 3);
  const dr = (x: number[], y: number[]) =>
    Math.hypot(x[0] - y[0], Math.acos(Math.cos(x[1] - y[1])));
  const match = nearest(jets.c, leptons.c, { maxDeltaR: 1.0 });
  const clean = cleanedMask(jets.c, leptons.c, { minDeltaR: 0.4 });
  const gotIndex = toLists(match.index);
  const gotDr = toLists(match.deltaR);
  const gotClean = toLists(clean);
  for (let e = 0; e < events; e++) {
    jets.lists[e].forEach((jet, k) => {
      const distances = leptons.lists[e].map((lep) => dr(jet, lep));
      const best = distances.length ? Math.min(...distances) : Infinity;
      const at = best <= 1.0 ? distances.indexOf(best) : -1;
      strictEqual(gotIndex[e][k], at);
      strictEqual(close(gotDr[e][k], at >= 0 ? best : NaN, 1e-6), true);
      strictEqual(gotClean[e][k], distances.every((d) => d > 0.4) ? 1 : 0);
    });
  }
});

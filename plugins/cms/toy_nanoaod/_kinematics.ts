/**
 * Four-vector arithmetic for the toy generator on preallocated Float64Array(4) slots
 * [px, py, pz, E] (GeV): the generator makes millions of decays and must not allocate per event.
 * @module
 */
import type { Random } from "./_random.ts";

/** A four-vector slot [px, py, pz, E]. */
export type FourVector = Float64Array;

/** A new zeroed four-vector slot (allocate once, reuse). */
export function fourVector(): FourVector {
  return new Float64Array(4);
}

/** Sets `out` from transverse momentum, rapidity, azimuth and mass. */
export function setPtRapidityPhiMass(
  out: FourVector,
  pt: number,
  y: number,
  phi: number,
  mass: number,
): void {
  const transverseMass = Math.sqrt(pt * pt + mass * mass);
  out[0] = pt * Math.cos(phi);
  out[1] = pt * Math.sin(phi);
  out[2] = transverseMass * Math.sinh(y);
  out[3] = transverseMass * Math.cosh(y);
}

/** Sets `out` from pt, pseudorapidity, azimuth and mass. */
export function setPtEtaPhiMass(
  out: FourVector,
  pt: number,
  eta: number,
  phi: number,
  mass: number,
): void {
  out[0] = pt * Math.cos(phi);
  out[1] = pt * Math.sin(phi);
  out[2] = pt * Math.sinh(eta);
  const p2 = out[0] * out[0] + out[1] * out[1] + out[2] * out[2];
  out[3] = Math.sqrt(p2 + mass * mass);
}

/** Invariant mass (0 for slightly space-like vectors from rounding). */
export function mass(p: FourVector): number {
  const m2 = p[3] * p[3] - p[0] * p[0] - p[1] * p[1] - p[2] * p[2];
  return m2 > 0 ? Math.sqrt(m2) : 0;
}

/** Transverse momentum. */
export function pt(p: FourVector): number {
  return Math.hypot(p[0], p[1]);
}

/** Pseudorapidity; +-20 along the beam, as NanoAOD never stores such objects anyway. */
export function eta(p: FourVector): number {
  const transverse = Math.hypot(p[0], p[1]);
  if (transverse === 0) return p[2] >= 0 ? 20 : -20;
  return Math.asinh(p[2] / transverse);
}

/** Azimuth in (-pi, pi]. */
export function phi(p: FourVector): number {
  return Math.atan2(p[1], p[0]);
}

/** Boosts `p` in place by the velocity of `frame` (a four-vector of the moving system). */
export function boost(p: FourVector, frame: FourVector): void {
  const bx = frame[0] / frame[3];
  const by = frame[1] / frame[3];
  const bz = frame[2] / frame[3];
  const b2 = bx * bx + by * by + bz * bz;
  if (b2 <= 0) return;
  const gamma = 1 / Math.sqrt(1 - b2);
  const bp = bx * p[0] + by * p[1] + bz * p[2];
  const gamma2 = (gamma - 1) / b2;
  const energyTerm = gamma2 * bp + gamma * p[3];
  p[0] += energyTerm * bx;
  p[1] += energyTerm * by;
  p[2] += energyTerm * bz;
  p[3] = gamma * (p[3] + bp);
}

/**
 * Two-body decay of `parent` into daughters of masses m1 and m2, written into `d1` and `d2`
 * (lab frame). The direction in the parent rest frame is isotropic unless `cosTheta` (polar
 * angle to the z axis in that frame) is given.
 */
export function decayTwoBody(
  parent: FourVector,
  m1: number,
  m2: number,
  d1: FourVector,
  d2: FourVector,
  random: Random,
  cosTheta = 2 * random.uniform() - 1,
): void {
  const m = mass(parent);
  const sum = m1 + m2;
  const difference = m1 - m2;
  const momentum = m > sum
    ? Math.sqrt((m * m - sum * sum) * (m * m - difference * difference)) / (2 * m)
    : 0;
  const sinTheta = Math.sqrt(Math.max(0, 1 - cosTheta * cosTheta));
  const azimuth = 2 * Math.PI * random.uniform();
  const px = momentum * sinTheta * Math.cos(azimuth);
  const py = momentum * sinTheta * Math.sin(azimuth);
  const pz = momentum * cosTheta;
  d1[0] = px;
  d1[1] = py;
  d1[2] = pz;
  d1[3] = Math.sqrt(momentum * momentum + m1 * m1);
  d2[0] = -px;
  d2[1] = -py;
  d2[2] = -pz;
  d2[3] = Math.sqrt(momentum * momentum + m2 * m2);
  boost(d1, parent);
  boost(d2, parent);
}

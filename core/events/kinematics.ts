/**
 * Relativistic kinematics on flat arrays of pt, eta, phi, mass (the contents of jagged
 * fields, or per-event values): momentum components, energy, rapidity, four-vector sums,
 * invariant masses of pairs/triples, deltaPhi/deltaR, matching and cleaning.
 *
 * Functions take vector-like objects of arrays (`{pt, eta, phi, mass}` or the needed subset)
 * so a jet "vector" is passed whole. Masses come from E^2 - p^2 clipped at 0 before the
 * square root, as in vector/coffea.
 * @module
 */
import type { Jagged, NumberArray } from "../columns/types.ts";
import type { Pairing } from "../columns/combinations.ts";
import { eventsOfOffsets } from "../columns/_check.ts";
import { Collection } from "./collection.ts";

/** Transverse-plane direction. */
export interface PtPhi {
  readonly pt: NumberArray;
  readonly phi: NumberArray;
}
/** Direction in eta/phi (for deltaR). */
export interface EtaPhi {
  readonly eta: NumberArray;
  readonly phi: NumberArray;
}
/** A four-vector in CMS coordinates, one entry per object (or per event). */
export interface PtEtaPhiMass {
  readonly pt: NumberArray;
  readonly eta: NumberArray;
  readonly phi: NumberArray;
  readonly mass: NumberArray;
}
/** Per-object four-vectors with the offsets that group them into events. */
export interface JaggedP4 extends PtEtaPhiMass {
  readonly offsets: Int32Array;
}
/** Per-object eta/phi with their offsets. */
export interface JaggedEtaPhi extends EtaPhi {
  readonly offsets: Int32Array;
}
/** Per-event four-vector results. */
export interface P4Result {
  pt: Float64Array;
  eta: Float64Array;
  phi: Float64Array;
  mass: Float64Array;
}

const TWO_PI = 2 * Math.PI;

function sameLength(operation: string, arrays: ArrayLike<number>[]): number {
  const n = arrays[0].length;
  for (const a of arrays) {
    if (a.length !== n) {
      throw new RangeError(
        `Cannot compute "${operation}": input arrays have different lengths (${n} and ${a.length})`,
      );
    }
  }
  return n;
}

function numberContent(c: Collection, field: string): NumberArray {
  const content = c.get(field).content;
  return content instanceof BigInt64Array || content instanceof BigUint64Array
    ? Float64Array.from(content, Number)
    : content;
}

function p4Of(source: Collection | JaggedP4): JaggedP4 {
  if (!(source instanceof Collection)) return source;
  return {
    offsets: source.offsets,
    pt: numberContent(source, "pt"),
    eta: numberContent(source, "eta"),
    phi: numberContent(source, "phi"),
    mass: numberContent(source, "mass"),
  };
}

/** Throws unless every field covers the offsets span. */
function checkFields(operation: string, offsets: Int32Array, fields: ArrayLike<number>[]): void {
  const last = offsets[offsets.length - 1];
  for (const field of fields) {
    if (field.length < last) {
      throw new RangeError(
        `Cannot compute "${operation}": a field has ${field.length} values but the offsets end at ${last}`,
      );
    }
  }
}

function etaPhiOf(source: Collection | JaggedEtaPhi, operation: string): JaggedEtaPhi {
  if (!(source instanceof Collection)) {
    eventsOfOffsets(source.offsets, operation);
    checkFields(operation, source.offsets, [source.eta, source.phi]);
    return source;
  }
  return {
    offsets: source.offsets,
    eta: numberContent(source, "eta"),
    phi: numberContent(source, "phi"),
  };
}

/**
 * x component of the momentum, pt cos(phi).
 *
 * @example
 * ```ts
 * import { px } from "./kinematics.ts";
 * if (px({ pt: Float64Array.of(10), phi: Float64Array.of(0) })[0] !== 10) throw new Error();
 * ```
 */
export function px(v: PtPhi): Float64Array {
  const n = sameLength("px", [v.pt, v.phi]);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = v.pt[k] * Math.cos(v.phi[k]);
  return out;
}

/**
 * y component of the momentum, pt sin(phi).
 *
 * @example
 * ```ts
 * import { py } from "./kinematics.ts";
 * if (py({ pt: Float64Array.of(10), phi: Float64Array.of(Math.PI / 2) })[0] !== 10) throw new Error();
 * ```
 */
export function py(v: PtPhi): Float64Array {
  const n = sameLength("py", [v.pt, v.phi]);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = v.pt[k] * Math.sin(v.phi[k]);
  return out;
}

/**
 * z component of the momentum, pt sinh(eta).
 *
 * @example
 * ```ts
 * import { pz } from "./kinematics.ts";
 * if (pz({ pt: Float64Array.of(10), eta: Float64Array.of(0) })[0] !== 0) throw new Error();
 * ```
 */
export function pz(v: { readonly pt: NumberArray; readonly eta: NumberArray }): Float64Array {
  const n = sameLength("pz", [v.pt, v.eta]);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = v.pt[k] * Math.sinh(v.eta[k]);
  return out;
}

/**
 * Magnitude of the momentum, pt cosh(eta).
 *
 * @example
 * ```ts
 * import { p } from "./kinematics.ts";
 * if (p({ pt: Float64Array.of(10), eta: Float64Array.of(0) })[0] !== 10) throw new Error();
 * ```
 */
export function p(v: { readonly pt: NumberArray; readonly eta: NumberArray }): Float64Array {
  const n = sameLength("p", [v.pt, v.eta]);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = v.pt[k] * Math.cosh(v.eta[k]);
  return out;
}

/**
 * Energy, sqrt(p^2 + m^2).
 *
 * @example
 * ```ts
 * import { energy } from "./kinematics.ts";
 * // p = 3 (eta 0), m = 4 -> E = 5
 * const e = energy({ pt: Float64Array.of(3), eta: Float64Array.of(0), mass: Float64Array.of(4) });
 * if (e[0] !== 5) throw new Error();
 * ```
 */
export function energy(
  v: { readonly pt: NumberArray; readonly eta: NumberArray; readonly mass: NumberArray },
): Float64Array {
  const n = sameLength("energy", [v.pt, v.eta, v.mass]);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const mom = v.pt[k] * Math.cosh(v.eta[k]);
    const m = v.mass[k];
    out[k] = Math.sqrt(mom * mom + m * m);
  }
  return out;
}

/**
 * Rapidity, asinh(pz / mT) with mT = sqrt(pt^2 + m^2) (equal to eta for massless objects;
 * avoids the cancellation in (E + pz)/(E - pz) at large eta).
 *
 * @example
 * ```ts
 * import { rapidity } from "./kinematics.ts";
 * const y = rapidity({ pt: Float64Array.of(10), eta: Float64Array.of(1.5), mass: Float64Array.of(0) });
 * if (Math.abs(y[0] - 1.5) > 1e-12) throw new Error();
 * ```
 */
export function rapidity(
  v: { readonly pt: NumberArray; readonly eta: NumberArray; readonly mass: NumberArray },
): Float64Array {
  const n = sameLength("rapidity", [v.pt, v.eta, v.mass]);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const pt = v.pt[k];
    const m = v.mass[k];
    out[k] = Math.asinh(pt * Math.sinh(v.eta[k]) / Math.sqrt(pt * pt + m * m));
  }
  return out;
}

/** Cartesian components of every object. */
interface Cartesian {
  px: Float64Array;
  py: Float64Array;
  pz: Float64Array;
  e: Float64Array;
}

function cartesianOf(v: PtEtaPhiMass): Cartesian {
  const n = sameLength("invariantMass", [v.pt, v.eta, v.phi, v.mass]);
  const { pt: pts, eta: etas, phi: phis, mass: masses } = v;
  const out = {
    px: new Float64Array(n),
    py: new Float64Array(n),
    pz: new Float64Array(n),
    e: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const pt = pts[k];
    const z = pt * Math.sinh(etas[k]);
    const m = masses[k];
    out.px[k] = pt * Math.cos(phis[k]);
    out.py[k] = pt * Math.sin(phis[k]);
    out.pz[k] = z;
    out.e[k] = Math.sqrt(pt * pt + z * z + m * m);
  }
  return out;
}

/** Fill `out[at]` with pt/eta/phi/mass of the four-vector (px, py, pz, e). */
function storeP4(
  out: P4Result,
  at: number,
  x: number,
  y: number,
  z: number,
  e: number,
): void {
  const pt = Math.sqrt(x * x + y * y);
  out.pt[at] = pt;
  // pt = 0: along the beam (or nothing at all); eta is +-Infinity, or 0 for the empty sum.
  out.eta[at] = pt > 0 ? Math.asinh(z / pt) : z === 0 ? 0 : z > 0 ? Infinity : -Infinity;
  out.phi[at] = Math.atan2(y, x);
  out.mass[at] = Math.sqrt(Math.max(e * e - x * x - y * y - z * z, 0));
}

function newP4Result(n: number): P4Result {
  return {
    pt: new Float64Array(n),
    eta: new Float64Array(n),
    phi: new Float64Array(n),
    mass: new Float64Array(n),
  };
}

/**
 * Four-vector sum of all objects in each event (e.g. the di-jet system, or all jets).
 * Empty events give pt 0, eta 0, phi 0, mass 0.
 *
 * @example
 * ```ts
 * import { sumP4 } from "./kinematics.ts";
 * // two back-to-back 45 GeV massless objects at eta 0: mass 90
 * const total = sumP4({
 *   offsets: Int32Array.of(0, 2),
 *   pt: Float64Array.of(45, 45), eta: Float64Array.of(0, 0),
 *   phi: Float64Array.of(0, Math.PI), mass: Float64Array.of(0, 0),
 * });
 * if (Math.abs(total.mass[0] - 90) > 1e-9) throw new Error();
 * ```
 */
export function sumP4(source: Collection | JaggedP4): P4Result {
  const v = p4Of(source);
  const { offsets } = v;
  const n = eventsOfOffsets(offsets, "sumP4");
  checkFields("sumP4", offsets, [v.pt, v.eta, v.phi, v.mass]);
  const out = newP4Result(n);
  const { pt: pts, eta: etas, phi: phis, mass: masses } = v; // locals keep the loop monomorphic
  for (let i = 0; i < n; i++) {
    let x = 0, y = 0, z = 0, e = 0;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const pt = pts[k];
      const eta = etas[k];
      const phi = phis[k];
      const m = masses[k];
      const pz = pt * Math.sinh(eta);
      x += pt * Math.cos(phi);
      y += pt * Math.sin(phi);
      z += pz;
      e += Math.sqrt(pt * pt + pz * pz + m * m);
    }
    storeP4(out, i, x, y, z, e);
  }
  return out;
}

/**
 * Invariant mass of each combination of a Pairing (from `combinations` or `cartesian`).
 * `vectors` is one source for all members, or one per member (cartesian of two
 * collections). The result is jagged with the pairing's offsets.
 *
 * @example
 * ```ts
 * import { combinations } from "../columns/combinations.ts";
 * import { invariantMass } from "./kinematics.ts";
 * const muons = {
 *   offsets: Int32Array.of(0, 2),
 *   pt: Float64Array.of(45, 45), eta: Float64Array.of(0, 0),
 *   phi: Float64Array.of(0, Math.PI), mass: Float64Array.of(0, 0),
 * };
 * const mass = invariantMass(combinations(muons.offsets, 2), muons);
 * if (Math.abs(mass.content[0] - 90) > 1e-9) throw new Error();
 * ```
 */
export function invariantMass(
  pairing: Pairing,
  vectors: Collection | PtEtaPhiMass | (Collection | PtEtaPhiMass)[],
): Jagged<Float64Array> {
  const members = pairing.slots.length;
  const list = Array.isArray(vectors) ? vectors : Array.from({ length: members }, () => vectors);
  if (list.length !== members) {
    throw new RangeError(
      `Cannot compute "invariantMass": ${list.length} vector sources for ${members} members`,
    );
  }
  const base = pairing.offsets[0];
  const total = pairing.offsets[pairing.offsets.length - 1] - base;
  const x = new Float64Array(total);
  const y = new Float64Array(total);
  const z = new Float64Array(total);
  const e = new Float64Array(total);
  // Cartesian components once per object (not once per combination), shared by the slots
  // that read the same source; then one pass per member over all combinations.
  const cache = new Map<unknown, Cartesian>();
  for (let s = 0; s < members; s++) {
    const source = list[s];
    let c = cache.get(source);
    if (c === undefined) {
      c = cartesianOf(source instanceof Collection ? p4Of(source) : source);
      cache.set(source, c);
    }
    const { px: cx, py: cy, pz: cz, e: ce } = c;
    const slot = pairing.slots[s];
    for (let q = 0; q < total; q++) {
      const k = slot[base + q];
      x[q] += cx[k];
      y[q] += cy[k];
      z[q] += cz[k];
      e[q] += ce[k];
    }
  }
  const masses = new Float64Array(pairing.offsets[pairing.offsets.length - 1]);
  for (let q = 0; q < total; q++) {
    masses[base + q] = Math.sqrt(
      Math.max(e[q] * e[q] - x[q] * x[q] - y[q] * y[q] - z[q] * z[q], 0),
    );
  }
  return { offsets: pairing.offsets, content: masses };
}

/**
 * Per-event invariant mass of two objects given as per-event arrays (e.g. the leading and
 * subleading muon from `takeAt`); NaN where either is missing (NaN).
 *
 * @example
 * ```ts
 * import { pairMass } from "./kinematics.ts";
 * const a = { pt: Float64Array.of(45, NaN), eta: Float64Array.of(0, 0), phi: Float64Array.of(0, 0), mass: Float64Array.of(0, 0) };
 * const b = { pt: Float64Array.of(45, 10), eta: Float64Array.of(0, 0), phi: Float64Array.of(Math.PI, 0), mass: Float64Array.of(0, 0) };
 * const m = pairMass(a, b);
 * if (Math.abs(m[0] - 90) > 1e-9 || !Number.isNaN(m[1])) throw new Error();
 * ```
 */
export function pairMass(a: PtEtaPhiMass, b: PtEtaPhiMass): Float64Array {
  const n = sameLength("pairMass", [a.pt, a.eta, a.phi, a.mass, b.pt, b.eta, b.phi, b.mass]);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ptA = a.pt[i], ptB = b.pt[i];
    // A missing object (NaN pt) makes a missing mass; skip the trigonometry for it.
    if (ptA !== ptA || ptB !== ptB) {
      out[i] = NaN;
      continue;
    }
    const pzA = ptA * Math.sinh(a.eta[i]), pzB = ptB * Math.sinh(b.eta[i]);
    const mA = a.mass[i], mB = b.mass[i];
    const energyA = Math.sqrt(ptA * ptA + pzA * pzA + mA * mA);
    const energyB = Math.sqrt(ptB * ptB + pzB * pzB + mB * mB);
    // m^2 = mA^2 + mB^2 + 2 (EA EB - pA.pB), with pA.pB = ptA ptB cos(dphi) + pzA pzB:
    // three transcendental calls per pair instead of six.
    const dot = ptA * ptB * Math.cos(a.phi[i] - b.phi[i]) + pzA * pzB;
    const massSquared = mA * mA + mB * mB + 2 * (energyA * energyB - dot);
    out[i] = Math.sqrt(Math.max(massSquared, 0));
  }
  return out;
}

/** phi1 - phi2 wrapped to [-pi, pi) for one pair of angles. */
function wrappedDeltaPhi(phi1: number, phi2: number): number {
  const d = phi1 - phi2;
  if (d >= -Math.PI && d < Math.PI) return d; // the common case, exact
  return d - TWO_PI * Math.floor((d + Math.PI) / TWO_PI);
}

/**
 * phi1 - phi2 wrapped to [-pi, pi).
 *
 * @example
 * ```ts
 * import { deltaPhi } from "./kinematics.ts";
 * // 3.0 - (-3.0) = 6.0 wraps to 6.0 - 2 pi
 * const d = deltaPhi(Float64Array.of(3.0), Float64Array.of(-3.0));
 * if (Math.abs(d[0] - (6.0 - 2 * Math.PI)) > 1e-12) throw new Error();
 * ```
 */
export function deltaPhi(phi1: NumberArray, phi2: NumberArray): Float64Array {
  const n = sameLength("deltaPhi", [phi1, phi2]);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = wrappedDeltaPhi(phi1[k], phi2[k]);
  return out;
}

/**
 * sqrt(deltaEta^2 + deltaPhi^2), element by element.
 *
 * @example
 * ```ts
 * import { deltaR } from "./kinematics.ts";
 * // deltaEta 0.3, deltaPhi 0.4 -> 0.5
 * const dr = deltaR({ eta: Float64Array.of(0.3), phi: Float64Array.of(0.4) }, { eta: Float64Array.of(0), phi: Float64Array.of(0) });
 * if (Math.abs(dr[0] - 0.5) > 1e-12) throw new Error();
 * ```
 */
export function deltaR(a: EtaPhi, b: EtaPhi): Float64Array {
  const n = sameLength("deltaR", [a.eta, a.phi, b.eta, b.phi]);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const deta = a.eta[k] - b.eta[k];
    const dphi = wrappedDeltaPhi(a.phi[k], b.phi[k]);
    out[k] = Math.sqrt(deta * deta + dphi * dphi);
  }
  return out;
}

/** Options of `nearest`. */
export interface NearestOptions {
  /** Only objects closer than this count as a match. Default Infinity. */
  maxDeltaR?: number;
}

/**
 * For every `from` object, the event-local index of the closest `to` object in deltaR and
 * that deltaR (first one on ties); -1 and NaN when none is within `maxDeltaR`. Both results
 * share `from`'s offsets.
 *
 * @example
 * ```ts
 * import { nearest } from "./kinematics.ts";
 * const jets = { offsets: Int32Array.of(0, 1), eta: Float64Array.of(0), phi: Float64Array.of(0) };
 * const muons = { offsets: Int32Array.of(0, 2), eta: Float64Array.of(2, 0.1), phi: Float64Array.of(0, 0) };
 * const match = nearest(jets, muons);
 * if (match.index.content[0] !== 1) throw new Error();
 * ```
 */
export function nearest(
  from: Collection | JaggedEtaPhi,
  to: Collection | JaggedEtaPhi,
  options: NearestOptions = {},
): { index: Jagged<Int32Array>; deltaR: Jagged<Float64Array> } {
  const a = etaPhiOf(from, "nearest");
  const b = etaPhiOf(to, "nearest");
  const n = eventsOfOffsets(a.offsets, "nearest");
  if (eventsOfOffsets(b.offsets, "nearest") !== n) {
    throw new RangeError(
      `Cannot compute "nearest": the collections have ${n} and ${b.offsets.length - 1} events`,
    );
  }
  const maxDeltaR = options.maxDeltaR ?? Infinity;
  const size = a.eta.length;
  const index = new Int32Array(size).fill(-1);
  const distance = new Float64Array(size).fill(NaN);
  for (let i = 0; i < n; i++) {
    const toStart = b.offsets[i];
    const toEnd = b.offsets[i + 1];
    for (let k = a.offsets[i]; k < a.offsets[i + 1]; k++) {
      const eta = a.eta[k];
      const phi = a.phi[k];
      let best = Infinity;
      let at = -1;
      for (let q = toStart; q < toEnd; q++) {
        const deta = eta - b.eta[q];
        const dphi = wrappedDeltaPhi(phi, b.phi[q]);
        const dr2 = deta * deta + dphi * dphi;
        if (dr2 < best) {
          best = dr2;
          at = q - toStart;
        }
      }
      const dr = Math.sqrt(best);
      if (at >= 0 && dr <= maxDeltaR) {
        index[k] = at;
        distance[k] = dr;
      }
    }
  }
  return {
    index: { offsets: a.offsets, content: index },
    deltaR: { offsets: a.offsets, content: distance },
  };
}

/** Options of `cleanedMask`. */
export interface CleaningOptions {
  /** Objects closer than (or at) this deltaR to any `against` object are removed. Default 0.4. */
  minDeltaR?: number;
}

/**
 * Object mask: 1 where the `from` object is farther than `minDeltaR` (default 0.4) from every
 * `against` object in the event (PocketCoffea's jet-lepton cleaning: `all(dR > dr)`, so a
 * NaN distance does not count as far). Shares `from`'s offsets.
 *
 * @example
 * ```ts
 * import { cleanedMask } from "./kinematics.ts";
 * const jets = { offsets: Int32Array.of(0, 2), eta: Float64Array.of(0, 1), phi: Float64Array.of(0, 0) };
 * const leptons = { offsets: Int32Array.of(0, 1), eta: Float64Array.of(0.1), phi: Float64Array.of(0) };
 * if (cleanedMask(jets, leptons).content.join() !== "0,1") throw new Error();
 * ```
 */
export function cleanedMask(
  from: Collection | JaggedEtaPhi,
  against: Collection | JaggedEtaPhi,
  options: CleaningOptions = {},
): Jagged<Uint8Array> {
  const a = etaPhiOf(from, "cleanedMask");
  const b = etaPhiOf(against, "cleanedMask");
  const n = eventsOfOffsets(a.offsets, "cleanedMask");
  if (eventsOfOffsets(b.offsets, "cleanedMask") !== n) {
    throw new RangeError(
      `Cannot compute "cleanedMask": the collections have ${n} and ${b.offsets.length - 1} events`,
    );
  }
  const minDeltaR = options.minDeltaR ?? 0.4;
  const min2 = minDeltaR * minDeltaR;
  const out = new Uint8Array(a.eta.length);
  for (let i = 0; i < n; i++) {
    const againstStart = b.offsets[i];
    const againstEnd = b.offsets[i + 1];
    for (let k = a.offsets[i]; k < a.offsets[i + 1]; k++) {
      let clean = 1;
      for (let q = againstStart; q < againstEnd; q++) {
        const deta = a.eta[k] - b.eta[q];
        const dphi = wrappedDeltaPhi(a.phi[k], b.phi[q]);
        if (!(deta * deta + dphi * dphi > min2)) {
          clean = 0;
          break;
        }
      }
      out[k] = clean;
    }
  }
  return { offsets: a.offsets, content: out };
}

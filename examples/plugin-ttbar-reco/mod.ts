/**
 * An example third-party Ristretto plugin package: a toy semileptonic ttbar reconstruction.
 *
 * - variable plugin `ttbar-reco`:
 *   - `Jet.isTopCandidate` (per jet, bool): pt > minPt, |eta| < maxAbsEta, jetId >= minJetId -
 *     a custom jet selection for an object `where: isTopCandidate`;
 *   - `ttbarRecoHadTopMass` / `ttbarRecoHadTopPt` (per event): of every three candidate jets
 *     with at least one b-tagged (btagDeepFlavB > btagThreshold), the trijet whose invariant
 *     mass is closest to topMass; NaN when the event has none.
 * - weight plugin `top-pt-toy`: exp(topPtA + topPtB * pT) of that trijet (1 without one), up =
 *   nominal squared, down = 1 (no reweighting) - the shape of CMS's top-pT reweighting, applied
 *   to the reconstructed top as a toy.
 *
 * It imports only types from Ristretto, so it runs wherever it is loaded from:
 *
 * ```yaml
 * plugins:
 *   - use: ../examples/plugin-ttbar-reco   # a folder, its mod.ts, or npm:/jsr:
 *     options: { minPt: 30, btagThreshold: 0.2783 }
 * ```
 * @module
 */
import type { Column, Jagged } from "@ristretto/core/columns";
import type { Events } from "@ristretto/core/events";
import type {
  PluginFactory,
  VariableProvider,
  WeightProvider,
  WeightValues,
} from "@ristretto/core/plugin";

/** The package's version; both plugins carry it (it enters the work-item hash). */
export const VERSION = "1.0.0";

/** What the package can be configured with (`options:` in the config). */
export interface Options {
  /** Minimum jet pt of a top candidate, GeV. */
  readonly minPt: number;
  /** Maximum |eta| of a top candidate. */
  readonly maxAbsEta: number;
  /** Minimum jetId of a top candidate (2: tight). */
  readonly minJetId: number;
  /** DeepJet score above which a candidate is b-tagged (2018 medium working point). */
  readonly btagThreshold: number;
  /** The mass the hadronic trijet is matched to, GeV. */
  readonly topMass: number;
  /** Toy top-pT weight exp(a + b pT): a. */
  readonly topPtA: number;
  /** Toy top-pT weight exp(a + b pT): b, per GeV. */
  readonly topPtB: number;
}

/** The options used when the config gives none. */
export const defaults: Options = {
  minPt: 30,
  maxAbsEta: 2.4,
  minJetId: 2,
  btagThreshold: 0.2783,
  topMass: 172.5,
  topPtA: 0.0615,
  topPtB: -0.0005,
};

/** The NanoAOD branches both plugins read. */
export const INPUTS: readonly string[] = [
  "nJet",
  "Jet_pt",
  "Jet_eta",
  "Jet_phi",
  "Jet_mass",
  "Jet_jetId",
  "Jet_btagDeepFlavB",
];

/** The candidate mask of every jet: 1 where pt, |eta| and jetId pass. */
export function topCandidates(events: Events, options: Options): Jagged<Uint8Array> {
  const jets = events.collection("Jet");
  const { offsets } = jets;
  const pt = jets.get("pt").content;
  const eta = jets.get("eta").content;
  const jetId = jets.get("jetId").content;
  const content = new Uint8Array(offsets[offsets.length - 1]);
  for (let j = offsets[0]; j < offsets[offsets.length - 1]; j++) {
    content[j] = Number(pt[j]) > options.minPt && Math.abs(Number(eta[j])) < options.maxAbsEta &&
        Number(jetId[j]) >= options.minJetId
      ? 1
      : 0;
  }
  return { offsets, content };
}

/** Mass and pt of the best hadronic trijet of each event (NaN without one). */
export function hadronicTops(
  events: Events,
  options: Options,
): { mass: Float64Array; pt: Float64Array } {
  const jets = events.collection("Jet");
  const { offsets } = jets;
  const first = offsets[0];
  const last = offsets[offsets.length - 1];
  const pt = jets.get("pt").content;
  const eta = jets.get("eta").content;
  const phi = jets.get("phi").content;
  const jetMass = jets.get("mass").content;
  const btag = jets.get("btagDeepFlavB").content;
  const candidate = topCandidates(events, options).content;
  // Four-momenta once per jet, indexed like the content.
  const px = new Float64Array(last), py = new Float64Array(last);
  const pz = new Float64Array(last), energy = new Float64Array(last);
  for (let j = first; j < last; j++) {
    const jetPt = Number(pt[j]);
    const p = jetPt * Math.cosh(Number(eta[j]));
    const m = Number(jetMass[j]);
    px[j] = jetPt * Math.cos(Number(phi[j]));
    py[j] = jetPt * Math.sin(Number(phi[j]));
    pz[j] = jetPt * Math.sinh(Number(eta[j]));
    energy[j] = Math.sqrt(p * p + m * m);
  }
  const n = offsets.length - 1;
  const massOut = new Float64Array(n).fill(NaN);
  const ptOut = new Float64Array(n).fill(NaN);
  for (let event = 0; event < n; event++) {
    let best = Infinity;
    const start = offsets[event], stop = offsets[event + 1];
    for (let a = start; a < stop; a++) {
      if (!candidate[a]) continue;
      for (let b = a + 1; b < stop; b++) {
        if (!candidate[b]) continue;
        for (let c = b + 1; c < stop; c++) {
          if (!candidate[c]) continue;
          const tagged = Number(btag[a]) > options.btagThreshold ||
            Number(btag[b]) > options.btagThreshold || Number(btag[c]) > options.btagThreshold;
          if (!tagged) continue;
          const x = px[a] + px[b] + px[c], y = py[a] + py[b] + py[c];
          const z = pz[a] + pz[b] + pz[c], e = energy[a] + energy[b] + energy[c];
          const mass = Math.sqrt(Math.max(e * e - x * x - y * y - z * z, 0));
          const distance = Math.abs(mass - options.topMass);
          if (distance < best) {
            best = distance;
            massOut[event] = mass;
            ptOut[event] = Math.sqrt(x * x + y * y);
          }
        }
      }
    }
  }
  return { mass: massOut, pt: ptOut };
}

/** The variable plugin: `Jet.isTopCandidate`, `ttbarRecoHadTopMass`, `ttbarRecoHadTopPt`. */
export function ttbarRecoVariables(options: Options = defaults): VariableProvider {
  return {
    kind: "variable",
    name: "ttbar-reco",
    version: VERSION,
    apiVersion: 1,
    cacheKey: () => JSON.stringify(options),
    inputs: INPUTS,
    variables: {
      isTopCandidate: { collection: "Jet", type: "bool" },
      ttbarRecoHadTopMass: {},
      ttbarRecoHadTopPt: {},
    },
    compute(name: string, events: Events): Column {
      if (name === "isTopCandidate") return topCandidates(events, options);
      const tops = hadronicTops(events, options);
      if (name === "ttbarRecoHadTopMass") return tops.mass;
      if (name === "ttbarRecoHadTopPt") return tops.pt;
      throw new RangeError(`Cannot compute variable "${name}": ttbar-reco does not provide it`);
    },
  };
}

/** The weight plugin `topPtToy`: exp(a + b pT(top)), up = nominal², down = 1. */
export function topPtToyWeight(options: Options = defaults): WeightProvider {
  return {
    kind: "weight",
    name: "top-pt-toy",
    version: VERSION,
    apiVersion: 1,
    cacheKey: () => JSON.stringify(options),
    inputs: INPUTS,
    weights: ["topPtToy"],
    compute(name: string, events: Events): WeightValues {
      if (name !== "topPtToy") {
        throw new RangeError(`Cannot compute weight "${name}": top-pt-toy provides topPtToy`);
      }
      const { pt } = hadronicTops(events, options);
      const nominal = new Float64Array(events.length);
      const up = new Float64Array(events.length);
      for (let i = 0; i < nominal.length; i++) {
        // Events without a reconstructed top are not reweighted.
        nominal[i] = Number.isNaN(pt[i]) ? 1 : Math.exp(options.topPtA + options.topPtB * pt[i]);
        up[i] = nominal[i] * nominal[i];
      }
      return { nominal, up, down: new Float64Array(events.length).fill(1) };
    },
  };
}

/** The package's factory: options (over {@link defaults}) in, installer out. */
const ttbarReco: PluginFactory<Options> = (options = {}) => {
  for (const key of Object.keys(options)) {
    if (!(key in defaults)) {
      throw new TypeError(`unknown option "${key}"; options: ${Object.keys(defaults).join(", ")}`);
    }
  }
  const settings: Options = { ...defaults, ...options };
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new TypeError(`option ${key} must be a finite number, got ${JSON.stringify(value)}`);
    }
  }
  return (registry) => {
    registry.add(ttbarRecoVariables(settings));
    registry.add(topPtToyWeight(settings));
  };
};
export default ttbarReco;

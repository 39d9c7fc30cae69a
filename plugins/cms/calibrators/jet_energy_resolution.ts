/**
 * Jet energy resolution smearing (the JME "hybrid" method) from the JME POG's correctionlib
 * file, with deterministic random numbers.
 * @module
 */
import type { Events } from "@ristretto/core/events";
import { InputError } from "@ristretto/core/errors";
import { API_VERSION, type CalibrationContext, type Calibrator } from "@ristretto/core/plugin";
import { type Correction, parseCorrectionSet } from "@ristretto/correctionlib";
import {
  correctionSetAt,
  payloadCacheKey,
  payloadPath,
  periodSettings,
  stringSetting,
} from "../_payloads.ts";
import { scaleJetsBy } from "./_scale_jets.ts";

/** Options of {@link jetEnergyResolution}. */
export interface JetEnergyResolutionOptions {
  /** The variation's base name (default `JER`: `JERUp`, `JERDown`). */
  variation?: string;
  /** The jet collection (default `Jet`). */
  jets?: string;
  /** The generator-level jet collection `<jets>.genJetIdx` points into (default `GenJet`). */
  genJets?: string;
  /** The MET record the change propagates to (default `MET`). */
  met?: string;
  /** The per-event energy density branch (default `fixedGridRhoFastjetAll`). */
  rho?: string;
  /** Jet distance parameter R: a gen jet matches within deltaR < R/2 (default 0.4). */
  coneSize?: number;
}

/** Defaults of {@link jetEnergyResolution}. */
export const defaults: Required<JetEnergyResolutionOptions> = {
  variation: "JER",
  jets: "Jet",
  genJets: "GenJet",
  met: "MET",
  rho: "fixedGridRhoFastjetAll",
  coneSize: 0.4,
};

/**
 * The random numbers of the stochastic smearing: a correctionlib hashprng node (XXH64 of the
 * inputs + pcg32, standard normal), so the same (run, luminosityBlock, event, jet index) gives
 * the same number on every machine, in every chunking, and in C++ correctionlib with this JSON.
 * The jet index is the jet's position in its event's NanoAOD Jet collection, and the jet's
 * kinematics are not hashed, so every JES variation smears a jet with the same number.
 */
export const JER_RANDOM_CORRECTION = {
  schema_version: 2,
  corrections: [{
    name: "jer_stdnormal",
    description: "Standard normal number per jet, hashed from (run, lumi, event, jet index)",
    version: 1,
    inputs: [
      { name: "run", type: "int" },
      { name: "luminosityBlock", type: "int" },
      { name: "event", type: "int" },
      { name: "jetIndex", type: "int" },
    ],
    output: { name: "z", type: "real" },
    data: {
      nodetype: "hashprng",
      inputs: ["run", "luminosityBlock", "event", "jetIndex"],
      distribution: "stdnormal",
    },
  }],
};

let randomCorrection: Correction | undefined;

/** One standard normal number per jet (see {@link JER_RANDOM_CORRECTION}). */
export function jerRandomNumbers(
  offsets: Int32Array,
  run: ArrayLike<number | bigint>,
  luminosityBlock: ArrayLike<number | bigint>,
  event: ArrayLike<number | bigint>,
): Float64Array {
  randomCorrection ??= parseCorrectionSet(JSON.stringify(JER_RANDOM_CORRECTION)).get(
    "jer_stdnormal",
  ) as Correction;
  const first = offsets[0];
  const rows = offsets[offsets.length - 1] - first;
  if (rows === 0) return new Float64Array(0);
  const runs = new Float64Array(rows);
  const lumis = new Float64Array(rows);
  const events = new BigInt64Array(rows);
  const index = new Float64Array(rows);
  for (let e = 0; e < offsets.length - 1; e++) {
    const eventNumber = BigInt.asIntN(64, BigInt(event[e]));
    for (let j = offsets[e]; j < offsets[e + 1]; j++) {
      runs[j - first] = Number(run[e]);
      lumis[j - first] = Number(luminosityBlock[e]);
      events[j - first] = eventNumber;
      index[j - first] = j - offsets[e];
    }
  }
  return randomCorrection.evaluateColumns({
    run: runs,
    luminosityBlock: lumis,
    event: events,
    jetIndex: index,
  });
}

/**
 * Plugin `jet-energy-resolution`: smears simulated jets to the resolution measured in data, for
 * nominal (scale factor `nom`) and the variation `JERUp`/`JERDown` (`up`/`down`). Data is left
 * alone.
 *
 * Per jet, with sigma = the relative pt resolution (PtResolution at eta, pt, rho) and s the
 * scale factor (ScaleFactor at eta): when `genJetIdx` points to a gen jet within
 * deltaR < R/2 and |pt - pt_gen| < 3 sigma pt, the scaling method gives
 * c = 1 + (s - 1)(pt - pt_gen)/pt; otherwise c = 1 + z sigma sqrt(max(s^2 - 1, 0)), z a
 * standard normal number from {@link jerRandomNumbers}. c below 0 becomes 0. pt and mass are
 * multiplied by c and MET absorbs the change of jets above `metJetMinPt` (Type-1 like).
 *
 * Settings per period in `corrections.<year>.jer` (2018 UL shipped):
 *
 * ```yaml
 * jer:
 *   file: JME_2018_UL_jet_jerc.json.gz
 *   ptResolution: Summer19UL18_JRV2_MC_PtResolution_AK4PFchs
 *   scaleFactor: Summer19UL18_JRV2_MC_ScaleFactor_AK4PFchs
 *   metJetMinPt: 15
 * ```
 */
export function jetEnergyResolution(options: JetEnergyResolutionOptions = {}): Calibrator {
  const settings = { ...defaults, ...options };
  const { jets: jetName, genJets: genName } = settings;
  return {
    kind: "calibrator",
    name: "jet-energy-resolution",
    version: "0.1.0",
    apiVersion: API_VERSION,
    variations: [settings.variation],
    inputs: [
      `${jetName}_pt`,
      `${jetName}_eta`,
      `${jetName}_phi`,
      `${jetName}_mass`,
      `${jetName}_genJetIdx`,
      `${genName}_pt`,
      `${genName}_eta`,
      `${genName}_phi`,
      settings.rho,
      "run",
      "luminosityBlock",
      "event",
      `${settings.met}_pt`,
      `${settings.met}_phi`,
    ],
    // The settings and the payloads' digests: a changed file recomputes the work items.
    cacheKey: (parameters) => payloadCacheKey(settings, parameters, { names: ["jer"] }),
    calibrate(events: Events, context: CalibrationContext & { variation?: string }): Events {
      if (!context.dataset.isMC) return events;
      const { variation } = context;
      let systematic = "nom";
      if (variation === `${settings.variation}Up`) systematic = "up";
      else if (variation === `${settings.variation}Down`) systematic = "down";
      else if (variation !== undefined) {
        throw new InputError(
          "CALIBRATOR_UNKNOWN_VARIATION",
          `Cannot smear jets with "jet-energy-resolution": unknown variation "${variation}"`,
        );
      }
      const { settings: period, parameter } = periodSettings(
        context,
        "jer",
        "smear the jet energy resolution",
      );
      const file = payloadPath(
        context.parameters,
        stringSetting(period, "file", parameter),
        `${parameter}.file`,
      );
      const set = correctionSetAt(file);
      const resolution = set.get(stringSetting(period, "ptResolution", parameter));
      const scaleFactor = set.get(stringSetting(period, "scaleFactor", parameter));
      const needed = [
        `${jetName}.genJetIdx`,
        `${genName}.pt`,
        `${genName}.eta`,
        `${genName}.phi`,
        settings.rho,
        "run",
        "luminosityBlock",
        "event",
      ];
      const missing = needed.filter((name) => !events.has(name));
      if (missing.length > 0) {
        throw new InputError(
          "CALIBRATOR_MISSING_INPUT",
          `Cannot smear jets of "${context.dataset.name}" with "jet-energy-resolution": the events have no ${
            missing.join(", ")
          } (the gen-jet matching and the deterministic random numbers need them)`,
        );
      }
      const jets = events.collection(jetName);
      const offsets = jets.offsets;
      const first = offsets[0];
      const rows = offsets[offsets.length - 1] - first;
      const pt = jets.get("pt").content as ArrayLike<number>;
      const eta = jets.get("eta").content as ArrayLike<number>;
      const phi = jets.get("phi").content as ArrayLike<number>;
      const genIndex = jets.get("genJetIdx").content as ArrayLike<number>;
      const gen = events.collection(genName);
      const genOffsets = gen.offsets;
      const genPt = gen.get("pt").content as ArrayLike<number>;
      const genEta = gen.get("eta").content as ArrayLike<number>;
      const genPhi = gen.get("phi").content as ArrayLike<number>;
      const rho = events.column(settings.rho) as ArrayLike<number>;

      const jetEta = new Float64Array(rows);
      const jetPt = new Float64Array(rows);
      const jetRho = new Float64Array(rows);
      for (let e = 0; e < events.length; e++) {
        for (let j = offsets[e]; j < offsets[e + 1]; j++) {
          jetEta[j - first] = eta[j];
          jetPt[j - first] = pt[j];
          jetRho[j - first] = rho[e];
        }
      }
      const factors = new Float64Array(rows);
      if (rows === 0) {
        return scaleJetsBy(events, factors, {
          jets: jetName,
          met: settings.met,
          metJetMinPt: Number(period.metJetMinPt ?? 15),
        });
      }
      const sigma = resolution.evaluateColumns({ JetEta: jetEta, JetPt: jetPt, Rho: jetRho });
      const sf = scaleFactor.evaluateColumns({ JetEta: jetEta, systematic });
      const z = jerRandomNumbers(
        offsets,
        events.column("run") as ArrayLike<number>,
        events.column("luminosityBlock") as ArrayLike<number>,
        events.column("event") as ArrayLike<number>,
      );
      const maxDeltaR = settings.coneSize / 2;
      for (let e = 0; e < events.length; e++) {
        const genCount = genOffsets[e + 1] - genOffsets[e];
        for (let j = offsets[e]; j < offsets[e + 1]; j++) {
          const r = j - first;
          const jetPtValue = pt[j];
          const g = genIndex[j];
          let factor = NaN;
          if (g >= 0 && g < genCount) {
            const k = genOffsets[e] + g;
            const dPhi = Math.abs(((phi[j] - genPhi[k] + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
            const dEta = eta[j] - genEta[k];
            if (
              Math.hypot(dEta, dPhi) < maxDeltaR &&
              Math.abs(jetPtValue - genPt[k]) < 3 * sigma[r] * jetPtValue
            ) {
              factor = 1 + (sf[r] - 1) * (jetPtValue - genPt[k]) / jetPtValue;
            }
          }
          if (Number.isNaN(factor)) {
            factor = 1 + z[r] * sigma[r] * Math.sqrt(Math.max(sf[r] * sf[r] - 1, 0));
          }
          factors[r] = factor > 0 ? factor : 0;
        }
      }
      return scaleJetsBy(events, factors, {
        jets: jetName,
        met: settings.met,
        metJetMinPt: Number(period.metJetMinPt ?? 15),
      });
    },
  };
}

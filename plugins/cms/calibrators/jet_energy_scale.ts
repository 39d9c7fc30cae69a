/**
 * Jet energy scale uncertainties (Total and per source) from the JME POG's correctionlib file.
 * @module
 */
import type { Events } from "@ristretto/core/events";
import { InputError } from "@ristretto/core/errors";
import { API_VERSION, type CalibrationContext, type Calibrator } from "@ristretto/core/plugin";
import {
  correctionSetAt,
  payloadCacheKey,
  payloadPath,
  periodSettings,
  stringSetting,
} from "../_payloads.ts";
import { scaleJetsBy } from "./_scale_jets.ts";

/** The uncertainty sources of the 2018 UL (Summer19UL18_V5) JES file. */
export const JES_SOURCES_2018_UL: readonly string[] = [
  "Total",
  "AbsoluteStat",
  "AbsoluteScale",
  "AbsoluteSample",
  "AbsoluteFlavMap",
  "AbsoluteMPFBias",
  "Fragmentation",
  "SinglePionECAL",
  "SinglePionHCAL",
  "FlavorQCD",
  "TimePtEta",
  "RelativeJEREC1",
  "RelativeJEREC2",
  "RelativeJERHF",
  "RelativePtBB",
  "RelativePtEC1",
  "RelativePtEC2",
  "RelativePtHF",
  "RelativeBal",
  "RelativeSample",
  "RelativeFSR",
  "RelativeStatFSR",
  "RelativeStatEC",
  "RelativeStatHF",
  "PileUpDataMC",
  "PileUpPtRef",
  "PileUpPtBB",
  "PileUpPtEC1",
  "PileUpPtEC2",
  "PileUpPtHF",
  "Regrouped_Absolute",
  "Regrouped_Absolute_2018",
  "Regrouped_BBEC1",
  "Regrouped_BBEC1_2018",
  "Regrouped_EC2",
  "Regrouped_EC2_2018",
  "Regrouped_FlavorQCD",
  "Regrouped_HF",
  "Regrouped_HF_2018",
  "Regrouped_RelativeBal",
  "Regrouped_RelativeSample_2018",
  "Regrouped_Total",
];

/** Options of {@link jetEnergyScale}. */
export interface JetEnergyScaleOptions {
  /** Uncertainty sources offered; variation names are `<prefix><source>` (Up/Down). */
  sources?: readonly string[];
  /** Prefix of the variation names (default `JES_`: `JES_Total`, `JES_AbsoluteStat`, ...). */
  prefix?: string;
  /** The jet collection (default `Jet`). */
  jets?: string;
  /** The MET record the change propagates to (default `MET`). */
  met?: string;
}

/** Defaults of {@link jetEnergyScale}. */
export const defaults: Required<JetEnergyScaleOptions> = {
  sources: JES_SOURCES_2018_UL,
  prefix: "JES_",
  jets: "Jet",
  met: "MET",
};

/**
 * Plugin `jet-energy-scale`: variation `JES_<source>Up` scales every jet's pt and mass by
 * (1 + u), `Down` by (1 - u), u the source's relative uncertainty evaluated at the jet's
 * (eta, pt) as the events carry them (after any earlier calibrator, e.g. JER smearing); MET
 * absorbs the change of the jets above `metJetMinPt` (Type-1 like). Nominal leaves the events
 * alone: NanoAOD jets already carry the JEC of their production, and re-applying a newer JEC
 * is not done here.
 *
 * Settings per period in `corrections.<year>.jes` (2018 UL shipped):
 *
 * ```yaml
 * jes:
 *   file: JME_2018_UL_jet_jerc.json.gz
 *   uncertainty: Summer19UL18_V5_MC_{source}_AK4PFchs   # {source} is replaced
 *   metJetMinPt: 15
 * ```
 */
export function jetEnergyScale(options: JetEnergyScaleOptions = {}): Calibrator {
  const settings = { ...defaults, ...options };
  const variations = settings.sources.map((source) => `${settings.prefix}${source}`);
  return {
    kind: "calibrator",
    name: "jet-energy-scale",
    version: "0.1.0",
    apiVersion: API_VERSION,
    variations,
    inputs: [
      `${settings.jets}_pt`,
      `${settings.jets}_eta`,
      `${settings.jets}_phi`,
      `${settings.jets}_mass`,
      `${settings.met}_pt`,
      `${settings.met}_phi`,
    ],
    // The settings and the payloads' digests: a changed file recomputes the work items.
    cacheKey: (parameters) => payloadCacheKey(settings, parameters, { names: ["jes"] }),
    calibrate(events: Events, context: CalibrationContext & { variation?: string }): Events {
      const { variation } = context;
      if (variation === undefined) return events;
      const direction = variation.endsWith("Up") ? 1 : variation.endsWith("Down") ? -1 : 0;
      const base = variation.slice(0, direction === 1 ? -2 : -4);
      const index = variations.indexOf(base);
      if (direction === 0 || index < 0) {
        throw new InputError(
          "CALIBRATOR_UNKNOWN_VARIATION",
          `Cannot calibrate jets with "jet-energy-scale": unknown variation "${variation}"`,
        );
      }
      const { settings: period, parameter } = periodSettings(
        context,
        "jes",
        `vary the jet energy scale (${variation})`,
      );
      const file = payloadPath(
        context.parameters,
        stringSetting(period, "file", parameter),
        `${parameter}.file`,
      );
      const name = stringSetting(period, "uncertainty", parameter).replace(
        "{source}",
        settings.sources[index],
      );
      const uncertainty = correctionSetAt(file).get(name);
      const jets = events.collection(settings.jets);
      const offsets = jets.offsets;
      const first = offsets[0];
      const last = offsets[offsets.length - 1];
      const eta = Float64Array.from(
        (jets.get("eta").content as Float32Array).subarray(first, last),
      );
      const pt = Float64Array.from((jets.get("pt").content as Float32Array).subarray(first, last));
      const factors = last > first
        ? uncertainty.evaluateColumns({ JetEta: eta, JetPt: pt })
        : new Float64Array(0);
      for (let i = 0; i < factors.length; i++) factors[i] = 1 + direction * factors[i];
      const minPt = Number(period.metJetMinPt ?? 15);
      return scaleJetsBy(events, factors, {
        jets: settings.jets,
        met: settings.met,
        metJetMinPt: minPt,
      });
    },
  };
}

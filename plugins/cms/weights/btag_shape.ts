/**
 * b-tagging scale factors for the shape (discriminator reshaping) method of the BTV POG.
 * @module
 */
import type { Events } from "@ristretto/core/events";
import { didYouMean, InputError } from "@ristretto/core/errors";
import {
  API_VERSION,
  type CalibrationContext,
  type WeightProvider,
  type WeightValues,
} from "@ristretto/core/plugin";
import type { CompoundCorrection, Correction } from "@ristretto/correctionlib";
import { correctionFrom, payloadCacheKey, periodSettings } from "../_payloads.ts";
import {
  evaluateRows,
  type InputSource,
  objectFields,
  parseInputSources,
  productPerEvent,
} from "./_correction_weight.ts";

/** The BTV shape uncertainty sources; `cferr*` vary charm jets, the others b and light jets. */
export const BTAG_SHAPE_SOURCES: readonly string[] = [
  "jes",
  "lf",
  "hf",
  "hfstats1",
  "hfstats2",
  "lfstats1",
  "lfstats2",
  "cferr1",
  "cferr2",
];

/** Options of {@link btagShapeScaleFactors}. */
export interface BtagShapeOptions {
  /** The nominal weight's name (default `sf_btag`); settings in `corrections.<year>.<weight>`. */
  weight?: string;
  /** Uncertainty sources: each gives weight `<weight>_<source>` (nominal 1, up/down ratios). */
  sources?: readonly string[];
  /** NanoAOD branches read. */
  inputs?: readonly string[];
}

/** Defaults of {@link btagShapeScaleFactors}. */
export const defaults: Required<BtagShapeOptions> = {
  weight: "sf_btag",
  sources: BTAG_SHAPE_SOURCES,
  inputs: ["Jet_pt", "Jet_eta", "Jet_hadronFlavour", "Jet_btagDeepFlavB"],
};

/** Flavour (hadronFlavour) of the jets a source varies: charm for cferr*, else b and light. */
function varies(source: string, flavour: number): boolean {
  return source.startsWith("cferr") ? flavour === 4 : flavour !== 4;
}

interface ShapeSetup {
  readonly correction: Correction | CompoundCorrection;
  readonly sources: readonly InputSource[];
  readonly collection: string;
  readonly central: string;
  readonly flavourField: string;
}

/**
 * Plugin `btag-shape-scale-factors`: weight `sf_btag` is, per event, the product over the jets
 * of the configured collection of the "central" shape scale factor at (flavour, |eta|, pt,
 * discriminant). Each source S gives weight `sf_btag_S` whose nominal is 1 and whose up/down is
 * the product of `up_S`/`down_S` (for the jets S varies; `central` for the others) divided by
 * the central product - so an analysis lists `sf_btag` and the `sf_btag_S` it varies in
 * `weights`, and the `sf_btag_S` in `variations.weights`.
 *
 * Settings per period in `corrections.<year>.sf_btag`:
 *
 * ```yaml
 * sf_btag:
 *   file: /path/to/BTV_2018_UL_btagging.json.gz
 *   correction: deepJet_shape
 *   collection: GoodJet
 *   inputs:
 *     { systematic: $variation, flavor: hadronFlavour, abseta: abs(eta), pt: pt, discriminant: btagDeepFlavB }
 *   central: central          # the nominal systematic key (default)
 * ```
 *
 * The flavour used to choose which jets a source varies is the field mapped to the input
 * `flavor` (setting `flavourInput` names another input).
 */
export function btagShapeScaleFactors(options: BtagShapeOptions = {}): WeightProvider {
  const settings = { ...defaults, ...options };
  const sourceWeights = settings.sources.map((source) => `${settings.weight}_${source}`);
  const weights = [settings.weight, ...sourceWeights];
  const setups = new WeakMap<object, ShapeSetup>();
  const setupOf = (context: CalibrationContext): ShapeSetup => {
    const { settings: period, parameter } = periodSettings(
      context,
      settings.weight,
      `compute the b-tagging shape weights`,
    );
    const cached = setups.get(period);
    if (cached) return cached;
    const correction = correctionFrom(context, period, parameter);
    const sources = parseInputSources(correction, period.inputs, parameter);
    const flavourInput = typeof period.flavourInput === "string" ? period.flavourInput : "flavor";
    const position = correction.inputs.findIndex((input) => input.name === flavourInput);
    const flavourSource = sources[position];
    if (position < 0 || flavourSource.kind !== "field") {
      throw new InputError(
        "CORRECTIONS_BAD_SETTING",
        `Cannot read parameter ${parameter}.inputs: the flavour input "${flavourInput}" must read a jet field such as hadronFlavour`,
      );
    }
    if (typeof period.collection !== "string" || period.collection === "") {
      throw new InputError(
        "CORRECTIONS_BAD_SETTING",
        `Cannot read parameter ${parameter}.collection: expected a jet collection such as "GoodJet"`,
      );
    }
    const setup: ShapeSetup = {
      correction,
      sources,
      collection: period.collection,
      central: typeof period.central === "string" ? period.central : "central",
      flavourField: flavourSource.name,
    };
    setups.set(period, setup);
    return setup;
  };
  return {
    kind: "weight",
    name: "btag-shape-scale-factors",
    version: "0.1.0",
    apiVersion: API_VERSION,
    weights,
    inputs: settings.inputs,
    // The payloads' digests: a changed file recomputes the work items.
    cacheKey: (parameters) => payloadCacheKey(settings, parameters, { names: weights }),
    compute(name: string, events: Events, context: CalibrationContext): WeightValues {
      if (!weights.includes(name)) {
        throw new InputError(
          "WEIGHT_UNKNOWN",
          `Cannot compute weight "${name}" with plugin "btag-shape-scale-factors"${
            didYouMean(name, weights)
          }; it provides ${weights.join(", ")}`,
        );
      }
      const setup = setupOf(context);
      const objects = objectFields(events, setup.collection);
      // Real inputs are clamped into the payload's domain (jets beyond the last pt edge take
      // the last bin), as for the lepton scale factors.
      const product = (keys: string | readonly string[]) =>
        productPerEvent(
          objects.offsets,
          evaluateRows(setup.correction, setup.sources, objects.rows, objects.field, {
            key: keys,
            clamp: true,
          }),
        );
      const central = product(setup.central);
      if (name === settings.weight) return { nominal: central };
      const source = settings.sources[sourceWeights.indexOf(name)];
      const flavour = objects.field(setup.flavourField);
      const ratio = (direction: "up" | "down") => {
        const keys = new Array<string>(objects.rows);
        for (let r = 0; r < objects.rows; r++) {
          keys[r] = varies(source, Math.abs(Number(flavour[r])))
            ? `${direction}_${source}`
            : setup.central;
        }
        const shifted = product(keys);
        for (let e = 0; e < shifted.length; e++) {
          shifted[e] = central[e] === 0 ? 1 : shifted[e] / central[e];
        }
        return shifted;
      };
      return {
        nominal: new Float64Array(events.length).fill(1),
        up: ratio("up"),
        down: ratio("down"),
      };
    },
  };
}

/**
 * b-tagging scale factors for a fixed working point (the BTV POG's method 1a).
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
import {
  correctionFrom,
  isMap,
  payloadCacheKey,
  periodSettings,
  stringSetting,
} from "../_payloads.ts";
import {
  evaluateRows,
  type InputSource,
  objectFields,
  parseInputSources,
  parseVariationKeys,
  type VariationKeys,
} from "./_correction_weight.ts";

/** Options of {@link btagFixedWpScaleFactors}. */
export interface BtagFixedWpOptions {
  /** The weight's name (default `sf_btag_fixed`); settings in `corrections.<year>.<weight>`. */
  weight?: string;
  /** NanoAOD branches read. */
  inputs?: readonly string[];
}

/** Defaults of {@link btagFixedWpScaleFactors}. */
export const defaults: Required<BtagFixedWpOptions> = {
  weight: "sf_btag_fixed",
  inputs: ["Jet_pt", "Jet_eta", "Jet_hadronFlavour", "Jet_btagDeepFlavB"],
};

interface FixedSetup {
  readonly heavy: Correction | CompoundCorrection;
  readonly light: Correction | CompoundCorrection;
  readonly sources: readonly InputSource[];
  readonly lightSources: readonly InputSource[];
  readonly efficiency: Correction | CompoundCorrection;
  readonly efficiencySources: readonly InputSource[];
  readonly keys: VariationKeys;
  readonly collection: string;
  readonly discriminant: string;
  readonly flavourField: string;
  readonly threshold: number;
}

/**
 * Plugin `btag-fixed-wp-scale-factors`: weight `sf_btag_fixed` with up/down, the BTV method 1a
 * event weight over the jets of the configured collection:
 * w = prod over tagged jets of SF x prod over untagged jets of (1 - SF eff) / (1 - eff),
 * where a jet is tagged when its discriminant exceeds the working point, SF comes from
 * `correction` (b and c jets) or `lightCorrection` (light jets, when given), and eff is the
 * MC tagging efficiency the analysis measured (a correction of its own, `efficiency`).
 * Real inputs are clamped into each correction's domain.
 *
 * ```yaml
 * sf_btag_fixed:
 *   file: BTV_2022_Summer22_btagging.json.gz
 *   correction: deepJet_comb
 *   lightCorrection: deepJet_light
 *   collection: GoodJet
 *   discriminant: btagDeepFlavB
 *   workingPoint: { correction: deepJet_wp_values, key: M }   # or a number, e.g. 0.3086
 *   inputs:
 *     { systematic: $variation, working_point: {value: M}, flavor: hadronFlavour, abseta: abs(eta), pt: pt }
 *   variations: { nominal: central, up: up, down: down }
 *   efficiency:                      # file defaults to the one above
 *     file: /path/to/my_btag_efficiencies.json
 *     correction: deepJet_M_efficiency
 *     inputs: { flavor: hadronFlavour, abseta: abs(eta), pt: pt }
 * ```
 */
export function btagFixedWpScaleFactors(options: BtagFixedWpOptions = {}): WeightProvider {
  const settings = { ...defaults, ...options };
  const setups = new WeakMap<object, FixedSetup>();
  const setupOf = (context: CalibrationContext): FixedSetup => {
    const { settings: period, parameter } = periodSettings(
      context,
      settings.weight,
      `compute weight "${settings.weight}"`,
    );
    const cached = setups.get(period);
    if (cached) return cached;
    const heavy = correctionFrom(context, period, parameter);
    const light = typeof period.lightCorrection === "string"
      ? correctionFrom(context, period, parameter, "lightCorrection")
      : heavy;
    const sources = parseInputSources(heavy, period.inputs, parameter);
    const lightSources = light === heavy
      ? sources
      : parseInputSources(light, period.inputs, parameter);
    const efficiencySettings = period.efficiency;
    if (!isMap(efficiencySettings)) {
      throw new InputError(
        "CORRECTIONS_BAD_SETTING",
        `Cannot read parameter ${parameter}.efficiency: method 1a needs the MC tagging efficiencies ` +
          `as a correction ({file, correction, inputs}) the analysis measured`,
      );
    }
    const efficiencyParameter = `${parameter}.efficiency`;
    const efficiency = correctionFrom(
      context,
      { file: period.file, ...efficiencySettings },
      efficiencyParameter,
    );
    const flavourInput = typeof period.flavourInput === "string" ? period.flavourInput : "flavor";
    const flavourSource = sources[heavy.inputs.findIndex((input) => input.name === flavourInput)];
    if (flavourSource?.kind !== "field") {
      throw new InputError(
        "CORRECTIONS_BAD_SETTING",
        `Cannot read parameter ${parameter}.inputs: the flavour input "${flavourInput}" must read a jet field such as hadronFlavour`,
      );
    }
    const setup: FixedSetup = {
      heavy,
      light,
      sources,
      lightSources,
      efficiency,
      efficiencySources: parseInputSources(
        efficiency,
        efficiencySettings.inputs,
        efficiencyParameter,
      ),
      keys: parseVariationKeys(period.variations, parameter, {
        nominal: "central",
        up: "up",
        down: "down",
      }),
      collection: stringSetting(period, "collection", parameter),
      discriminant: stringSetting(period, "discriminant", parameter),
      flavourField: flavourSource.name,
      threshold: workingPoint(context, period, parameter),
    };
    setups.set(period, setup);
    return setup;
  };
  return {
    kind: "weight",
    name: "btag-fixed-wp-scale-factors",
    version: "0.1.0",
    apiVersion: API_VERSION,
    weights: [settings.weight],
    inputs: settings.inputs,
    // The payloads' digests: a changed file recomputes the work items.
    cacheKey: (parameters) => payloadCacheKey(settings, parameters, { names: [settings.weight] }),
    compute(name: string, events: Events, context: CalibrationContext): WeightValues {
      if (name !== settings.weight) {
        throw new InputError(
          "WEIGHT_UNKNOWN",
          `Cannot compute weight "${name}" with plugin "btag-fixed-wp-scale-factors"${
            didYouMean(name, [settings.weight])
          }; it provides ${settings.weight}`,
        );
      }
      const setup = setupOf(context);
      const objects = objectFields(events, setup.collection);
      const flavour = objects.field(setup.flavourField);
      const discriminant = objects.field(setup.discriminant);
      const rows = objects.rows;
      const efficiency = evaluateRows(
        setup.efficiency,
        setup.efficiencySources,
        rows,
        objects.field,
        {
          clamp: true,
        },
      );
      const weight = (key: string): Float64Array => {
        const split = setup.light !== setup.heavy;
        // With two payloads, each sees every row, light jets posing as b jets for the b/c
        // payload and heavy jets as light ones for the light payload (their values unused).
        const heavy = evaluateAs(setup.heavy, setup.sources, objects.field, {
          flavourField: setup.flavourField,
          flavour,
          rows,
          key,
          pose: split ? (f) => (f >= 4 ? f : 5) : undefined,
        });
        const light = split
          ? evaluateAs(setup.light, setup.lightSources, objects.field, {
            flavourField: setup.flavourField,
            flavour,
            rows,
            key,
            pose: (f) => (f >= 4 ? 0 : f),
          })
          : heavy;
        const out = new Float64Array(events.length);
        const offsets = objects.offsets;
        const first = offsets[0];
        for (let e = 0; e < out.length; e++) {
          let w = 1;
          for (let j = offsets[e]; j < offsets[e + 1]; j++) {
            const r = j - first;
            const sf = Math.abs(Number(flavour[r])) >= 4 ? heavy[r] : light[r];
            if (discriminant[r] > setup.threshold) w *= sf;
            else w *= (1 - sf * efficiency[r]) / (1 - efficiency[r]);
          }
          out[e] = w;
        }
        return out;
      };
      return {
        nominal: weight(setup.keys.nominal),
        up: weight(setup.keys.up),
        down: weight(setup.keys.down),
      };
    },
  };
}

/** A payload evaluated on every row, the flavour of each row first mapped by `pose`. */
function evaluateAs(
  correction: Correction | CompoundCorrection,
  sources: readonly InputSource[],
  field: (name: string) => ArrayLike<number>,
  options: {
    flavourField: string;
    flavour: ArrayLike<number>;
    rows: number;
    key: string;
    pose?: (flavour: number) => number;
  },
): Float64Array {
  const { pose, rows } = options;
  let posed: Float64Array | undefined;
  if (pose) {
    posed = new Float64Array(rows);
    for (let r = 0; r < rows; r++) posed[r] = pose(Math.abs(Number(options.flavour[r])));
  }
  return evaluateRows(
    correction,
    sources,
    rows,
    (name) => (posed && name === options.flavourField ? posed : field(name)),
    { key: options.key, clamp: true },
  );
}

/** The discriminant threshold: a number, or `{correction, key}` read from a wp_values correction. */
function workingPoint(
  context: CalibrationContext,
  period: Readonly<Record<string, unknown>>,
  parameter: string,
): number {
  const given = period.workingPoint;
  if (typeof given === "number") return given;
  if (isMap(given)) {
    const at = `${parameter}.workingPoint`;
    const correction = correctionFrom(context, { file: period.file, ...given }, at);
    return correction.evaluate(stringSetting(given, "key", at));
  }
  throw new InputError(
    "CORRECTIONS_BAD_SETTING",
    `Cannot read parameter ${parameter}.workingPoint: expected a discriminant value or {correction, key} naming a wp_values correction`,
  );
}

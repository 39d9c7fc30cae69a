/**
 * The engine behind the correctionlib weights: per-event corrections (pileup) and per-object
 * scale factors multiplied over the objects of a collection (muon, electron SFs). Which file,
 * correction, collection, inputs and systematic keys a weight uses comes from the parameters
 * `corrections.<year>.<weight>` of the dataset's period.
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
import type { ColumnInput, CompoundCorrection, Correction } from "@ristretto/correctionlib";
import {
  clampInto,
  correctionFrom,
  inputDomains,
  isMap,
  payloadCacheKey,
  periodSettings,
  stringSetting,
} from "../_payloads.ts";

/** Where one input of a correction comes from. */
export type InputSource =
  | { readonly kind: "field"; readonly name: string; readonly abs: boolean }
  | { readonly kind: "value"; readonly value: number | string }
  | { readonly kind: "variation" };

/** The marker of the input that takes the systematic key (nominal / up / down). */
export const VARIATION_INPUT = "$variation";

/**
 * Reads `inputs:` of a weight's settings: for each input the correction declares, a field
 * (`pt`, or `abs(eta)` for its absolute value; a field of the collection, or a per-event column
 * such as `Pileup.nTrueInt` for per-event weights), `$variation` for the systematic key, or
 * `{value: ...}` for a constant (e.g. the year key `2018_UL`).
 */
export function parseInputSources(
  correction: Correction | CompoundCorrection,
  given: unknown,
  parameter: string,
): InputSource[] {
  const names = correction.inputs.map((input) => input.name);
  const signature = correction.inputs.map((input) => `${input.name} (${input.type})`).join(", ");
  if (!isMap(given)) {
    throw new InputError(
      "CORRECTIONS_BAD_SETTING",
      `Cannot read parameter ${parameter}.inputs: expected a map from the inputs of "${correction.name}" ` +
        `(${signature}) to a field, "abs(field)", "${VARIATION_INPUT}" or {value: ...}`,
    );
  }
  for (const key of Object.keys(given)) {
    if (!names.includes(key)) {
      throw new InputError(
        "CORRECTIONS_BAD_SETTING",
        `Cannot read parameter ${parameter}.inputs.${key}: "${correction.name}" has no input "${key}"${
          didYouMean(key, names)
        }; its inputs: ${signature}`,
      );
    }
  }
  return correction.inputs.map((input) => {
    const source = given[input.name];
    const at = `${parameter}.inputs.${input.name}`;
    if (source === undefined) {
      throw new InputError(
        "CORRECTIONS_BAD_SETTING",
        `Cannot read parameter ${at}: "${correction.name}" needs input "${input.name}" (${input.type}); its inputs: ${signature}`,
      );
    }
    if (source === VARIATION_INPUT) {
      if (input.type !== "string") {
        throw new InputError(
          "CORRECTIONS_BAD_SETTING",
          `Cannot read parameter ${at}: "${VARIATION_INPUT}" needs a string input, "${input.name}" is ${input.type}`,
        );
      }
      return { kind: "variation" };
    }
    if (isMap(source) && "value" in source) {
      const value = source.value;
      const ok = input.type === "string"
        ? typeof value === "string"
        : typeof value === "number" && (input.type === "real" || Number.isInteger(value));
      if (!ok) {
        throw new InputError(
          "CORRECTIONS_BAD_SETTING",
          `Cannot read parameter ${at}.value: input "${input.name}" is ${input.type}, got ${
            JSON.stringify(value)
          }`,
        );
      }
      return { kind: "value", value: value as number | string };
    }
    if (typeof source === "string" && source !== "") {
      if (input.type === "string") {
        throw new InputError(
          "CORRECTIONS_BAD_SETTING",
          `Cannot read parameter ${at}: input "${input.name}" is a string; give {value: "..."} or "${VARIATION_INPUT}"`,
        );
      }
      const abs = /^abs\((.+)\)$/.exec(source);
      return { kind: "field", name: abs ? abs[1].trim() : source, abs: abs !== null };
    }
    throw new InputError(
      "CORRECTIONS_BAD_SETTING",
      `Cannot read parameter ${at}: expected a field name, "abs(field)", "${VARIATION_INPUT}" or {value: ...}, got ${
        JSON.stringify(source)
      }`,
    );
  });
}

/** The systematic keys of a weight: what the `$variation` input gets for each shift. */
export interface VariationKeys {
  readonly nominal: string;
  readonly up: string;
  readonly down: string;
}

/** Reads `variations: {nominal, up, down}` (default: the given keys). */
export function parseVariationKeys(
  given: unknown,
  parameter: string,
  fallback: VariationKeys,
): VariationKeys {
  if (given === undefined) return fallback;
  if (!isMap(given)) {
    throw new InputError(
      "CORRECTIONS_BAD_SETTING",
      `Cannot read parameter ${parameter}.variations: expected {nominal, up, down} systematic keys`,
    );
  }
  return {
    nominal: stringSetting(given, "nominal", `${parameter}.variations`),
    up: stringSetting(given, "up", `${parameter}.variations`),
    down: stringSetting(given, "down", `${parameter}.variations`),
  };
}

/**
 * Evaluates a correction row by row: `field(name)` gives a column of `rows` values (object
 * fields or per-event columns), `key` is the systematic key (one for all rows, or one per
 * row). Real inputs read from fields are
 * clamped into the correction's domain when `clamp` is set (see {@link clampInto}).
 */
export function evaluateRows(
  correction: Correction | CompoundCorrection,
  sources: readonly InputSource[],
  rows: number,
  field: (name: string) => ArrayLike<number>,
  options: { key?: string | readonly string[]; clamp: boolean },
): Float64Array {
  const domains = inputDomains(correction);
  const columns: ColumnInput[] = sources.map((source, i): ColumnInput => {
    if (source.kind === "value") return source.value;
    if (source.kind === "variation") return options.key ?? "";
    const values = field(source.name);
    const column = new Float64Array(rows);
    const input = correction.inputs[i];
    const domain = options.clamp && input.type === "real" ? domains.get(input.name) : undefined;
    for (let r = 0; r < rows; r++) {
      const value = source.abs ? Math.abs(values[r]) : Number(values[r]);
      column[r] = domain ? clampInto(value, domain) : value;
    }
    return column;
  });
  if (rows === 0) return new Float64Array(0);
  return correction.evaluateColumns(columns);
}

/**
 * Per-event product of per-object values (1 for events without objects), over at most the
 * first `maxObjects` objects of each event.
 */
export function productPerEvent(
  offsets: Int32Array,
  values: Float64Array,
  maxObjects = Infinity,
): Float64Array {
  const events = offsets.length - 1;
  const out = new Float64Array(events);
  const first = offsets[0];
  for (let event = 0; event < events; event++) {
    let product = 1;
    const end = Math.min(offsets[event + 1], offsets[event] + maxObjects);
    for (let j = offsets[event]; j < end; j++) product *= values[j - first];
    out[event] = product;
  }
  return out;
}

/** The object fields of `collection`, as columns of its objects (in content order). */
export function objectFields(
  events: Events,
  collection: string,
): { offsets: Int32Array; rows: number; field: (name: string) => ArrayLike<number> } {
  const objects = events.collection(collection);
  const offsets = objects.offsets;
  const first = offsets[0];
  const last = offsets[offsets.length - 1];
  return {
    offsets,
    rows: last - first,
    field: (name) => {
      const content = objects.get(name).content as unknown as {
        subarray(a: number, b: number): ArrayLike<number>;
      };
      return content.subarray(first, last);
    },
  };
}

/** One weight's settings, read once per parameters object. */
interface WeightSetup {
  readonly correction: Correction | CompoundCorrection;
  readonly sources: readonly InputSource[];
  readonly keys: VariationKeys;
  readonly collection?: string;
  readonly clamp: boolean;
  readonly maxObjects: number;
}

/** Options of {@link correctionWeightProvider}. */
export interface CorrectionWeightOptions {
  /** The plugin name (kebab-case). */
  readonly name: string;
  /** The weight names it provides; each reads `corrections.<year>.<weight>`. */
  readonly weights: readonly string[];
  /** NanoAOD branches it reads. */
  readonly inputs: readonly string[];
  /** Systematic keys when the parameters give none. */
  readonly variations: VariationKeys;
}

/**
 * A WeightProvider over correctionlib corrections. Per weight, the parameters
 * `corrections.<year>.<weight>` give: `file` (relative to `correctionsDir`, or absolute),
 * `correction`, `inputs` (see {@link parseInputSources}), `variations` ({nominal, up, down}
 * systematic keys), optionally `collection` (then the weight is the product over its objects,
 * 1 for an event without any), `maxObjects` (only the first N objects of each event count, e.g.
 * 1 for a single-muon trigger scale factor on the leading muon) and `clamp` (default true: real inputs read from the events are
 * moved into the correction's domain, e.g. muon pt above the last edge takes the last bin).
 */
export function correctionWeightProvider(options: CorrectionWeightOptions): WeightProvider {
  const setups = new WeakMap<object, WeightSetup>();
  const setupOf = (name: string, context: CalibrationContext): WeightSetup => {
    const { settings, parameter } = periodSettings(context, name, `compute weight "${name}"`);
    const cached = setups.get(settings);
    if (cached) return cached;
    const correction = correctionFrom(context, settings, parameter);
    const collection = settings.collection;
    if (collection !== undefined && (typeof collection !== "string" || collection === "")) {
      throw new InputError(
        "CORRECTIONS_BAD_SETTING",
        `Cannot read parameter ${parameter}.collection: expected a collection name such as "GoodMuon"`,
      );
    }
    const setup: WeightSetup = {
      correction,
      sources: parseInputSources(correction, settings.inputs, parameter),
      keys: parseVariationKeys(settings.variations, parameter, options.variations),
      collection: collection as string | undefined,
      clamp: settings.clamp !== false,
      maxObjects: maxObjectsOf(settings.maxObjects, parameter),
    };
    setups.set(settings, setup);
    return setup;
  };
  return {
    kind: "weight",
    name: options.name,
    version: "0.1.0",
    apiVersion: API_VERSION,
    weights: options.weights,
    inputs: options.inputs,
    // The payloads' digests: a changed file recomputes the work items.
    cacheKey: (parameters) => payloadCacheKey(options, parameters, { names: options.weights }),
    compute(name: string, events: Events, context: CalibrationContext): WeightValues {
      if (!options.weights.includes(name)) {
        throw new InputError(
          "WEIGHT_UNKNOWN",
          `Cannot compute weight "${name}" with plugin "${options.name}": it provides ${
            options.weights.join(", ")
          }${didYouMean(name, options.weights)}`,
        );
      }
      const setup = setupOf(name, context);
      const shift = (key: string): Float64Array => {
        if (setup.collection === undefined) {
          return evaluateRows(
            setup.correction,
            setup.sources,
            events.length,
            (column) => events.column(column) as ArrayLike<number>,
            { key, clamp: setup.clamp },
          );
        }
        const objects = objectFields(events, setup.collection);
        const values = evaluateRows(setup.correction, setup.sources, objects.rows, objects.field, {
          key,
          clamp: setup.clamp,
        });
        return productPerEvent(objects.offsets, values, setup.maxObjects);
      };
      const hasVariation = setup.sources.some((source) => source.kind === "variation");
      const nominal = shift(setup.keys.nominal);
      if (!hasVariation) return { nominal };
      return { nominal, up: shift(setup.keys.up), down: shift(setup.keys.down) };
    },
  };
}

function maxObjectsOf(value: unknown, parameter: string): number {
  if (value === undefined || value === null) return Infinity;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new InputError(
      "CORRECTIONS_BAD_SETTING",
      `Cannot read parameter ${parameter}.maxObjects: expected a positive integer, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return value;
}

import type { Jagged } from "@ristretto/core/columns";
import type { Events } from "@ristretto/core/events";
import { API_VERSION, type CalibrationContext, type Calibrator } from "@ristretto/core/plugin";
import { parameterAt } from "@ristretto/core/config";

/** Options of {@link jetEnergyScaleFlat}. */
export interface JetEnergyScaleFlatOptions {
  /** Relative uncertainty when the parameters give none (`jets.jesFlatUncertainty`). */
  uncertainty?: number;
  /** The variation's base name. */
  variation?: string;
}

/** Defaults of {@link jetEnergyScaleFlat}. */
export const defaults: Required<JetEnergyScaleFlatOptions> = {
  uncertainty: 0.03,
  variation: "JES_flat",
};

/**
 * A flat jet-energy-scale uncertainty: `<name>Up` scales every jet's pt and mass by (1 + u),
 * `<name>Down` by (1 - u), and the missing transverse momentum absorbs the change of the jets'
 * transverse momentum (MET_vec -= sum of jet pt_vec changes). Nominal leaves the events alone.
 * The uncertainty comes from the parameter `jets.jesFlatUncertainty` of the data-taking
 * period, or the option. A stand-in until the correctionlib-based JES sources are wired.
 */
export function jetEnergyScaleFlat(options: JetEnergyScaleFlatOptions = {}): Calibrator {
  const settings = { ...defaults, ...options };
  return {
    kind: "calibrator",
    name: "jet-energy-scale-flat",
    version: "0.1.0",
    apiVersion: API_VERSION,
    variations: [settings.variation],
    inputs: ["Jet_pt", "Jet_mass", "Jet_phi", "MET_pt", "MET_phi"],
    cacheKey: () => JSON.stringify(settings),
    calibrate(events: Events, context: CalibrationContext & { variation?: string }): Events {
      const { variation } = context;
      if (variation === undefined) return events;
      const fromParameters = Number(parameterAt(context.parameters, "jets.jesFlatUncertainty"));
      const uncertainty = Number.isFinite(fromParameters) ? fromParameters : settings.uncertainty;
      const factor = variation === `${settings.variation}Up`
        ? 1 + uncertainty
        : variation === `${settings.variation}Down`
        ? 1 - uncertainty
        : undefined;
      if (factor === undefined) {
        throw new RangeError(`Cannot calibrate jets: unknown variation "${variation}"`);
      }
      return scaleJets(events, factor);
    },
  };
}

/**
 * Per event, the vector sum of jet transverse momenta (px, py): a scaled jet set changes MET by
 * (factor - 1) times it, so Up and Down share one pass of trigonometry. Cached per jet-pt array.
 */
const jetSums = new WeakMap<object, { px: Float64Array; py: Float64Array }>();

function jetTransverseSums(pt: Jagged, phi: Jagged): { px: Float64Array; py: Float64Array } {
  const cached = jetSums.get(pt.content);
  if (cached && cached.px.length === pt.offsets.length - 1) return cached;
  const events = pt.offsets.length - 1;
  const px = new Float64Array(events);
  const py = new Float64Array(events);
  const jetPt = pt.content as ArrayLike<number>;
  const jetPhi = phi.content as ArrayLike<number>;
  for (let event = 0; event < events; event++) {
    let x = 0, y = 0;
    for (let j = pt.offsets[event]; j < pt.offsets[event + 1]; j++) {
      x += jetPt[j] * Math.cos(jetPhi[j]);
      y += jetPt[j] * Math.sin(jetPhi[j]);
    }
    px[event] = x;
    py[event] = y;
  }
  const sums = { px, py };
  jetSums.set(pt.content, sums);
  return sums;
}

/** Events with jet pt and mass scaled by `factor` and MET corrected for the change. */
export function scaleJets(events: Events, factor: number): Events {
  const jets = events.collection("Jet");
  const pt = jets.get("pt");
  const phi = jets.get("phi");
  const mass = jets.get("mass");
  let calibrated = events.withCollection(
    "Jet",
    jets.withField("pt", scaled(pt, factor)).withField("mass", scaled(mass, factor)),
  );
  if (events.has("MET.pt") && events.has("MET.phi")) {
    // Computed on first read: many analyses never look at MET in a shape variation.
    const corrected = once(() => {
      const metPt = events.column("MET.pt") as ArrayLike<number>;
      const metPhi = events.column("MET.phi") as ArrayLike<number>;
      const sums = jetTransverseSums(pt, phi);
      const newPt = new Float32Array(events.length);
      const newPhi = new Float32Array(events.length);
      const change = factor - 1;
      for (let event = 0; event < events.length; event++) {
        // MET_vec -= (factor - 1) * sum of jet pt_vec
        const px = metPt[event] * Math.cos(metPhi[event]) - change * sums.px[event];
        const py = metPt[event] * Math.sin(metPhi[event]) - change * sums.py[event];
        newPt[event] = Math.hypot(px, py);
        newPhi[event] = Math.atan2(py, px);
      }
      return { pt: newPt, phi: newPhi };
    });
    calibrated = calibrated.withRecordFields("MET", {
      pt: () => corrected().pt,
      phi: () => corrected().phi,
    });
  }
  return calibrated;
}

function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}

function scaled(field: Jagged, factor: number): Jagged<Float32Array> {
  const content = new Float32Array(field.content.length);
  const source = field.content as ArrayLike<number>;
  for (let i = field.offsets[0]; i < field.offsets[field.offsets.length - 1]; i++) {
    content[i] = source[i] * factor;
  }
  return { offsets: field.offsets, content };
}

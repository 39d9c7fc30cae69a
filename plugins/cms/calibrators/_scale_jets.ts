/**
 * Jets scaled object by object (JES variations, JER smearing), with the change of their
 * transverse momentum propagated to the missing transverse momentum (Type-1 like).
 * @module
 */
import type { Jagged } from "@ristretto/core/columns";
import type { Events } from "@ristretto/core/events";

/** Where the jets and MET are, and which jets enter the MET propagation. */
export interface ScaleJetsOptions {
  /** The jet collection (default `Jet`). */
  readonly jets: string;
  /** The MET record (default `MET`); skipped when the events have no `<met>.pt`/`<met>.phi`. */
  readonly met: string;
  /** Jets enter the MET propagation when their pt before the change exceeds this (GeV). */
  readonly metJetMinPt: number;
}

/**
 * Events whose jets have pt and mass multiplied by `factors` (one per jet, in content order
 * starting at the collection's first offset) and whose MET absorbs the change:
 * MET_vec -= sum over jets above `metJetMinPt` of (new - old) pt_vec, as Type-1 MET does.
 */
export function scaleJetsBy(
  events: Events,
  factors: Float64Array,
  options: ScaleJetsOptions,
): Events {
  const jets = events.collection(options.jets);
  const pt = jets.get("pt");
  const mass = jets.get("mass");
  const offsets = pt.offsets;
  const first = offsets[0];
  const newPt = scaled(pt, factors);
  let calibrated = events.withCollection(
    options.jets,
    jets.withField("pt", newPt).withField("mass", scaled(mass, factors)),
  );
  const metPtName = `${options.met}.pt`;
  const metPhiName = `${options.met}.phi`;
  if (!events.has(metPtName) || !events.has(metPhiName)) return calibrated;
  const phi = jets.get("phi").content as ArrayLike<number>;
  const oldPt = pt.content as ArrayLike<number>;
  const metPt = events.column(metPtName) as ArrayLike<number>;
  const metPhi = events.column(metPhiName) as ArrayLike<number>;
  const outPt = new Float32Array(events.length);
  const outPhi = new Float32Array(events.length);
  for (let event = 0; event < events.length; event++) {
    let px = metPt[event] * Math.cos(metPhi[event]);
    let py = metPt[event] * Math.sin(metPhi[event]);
    for (let j = offsets[event]; j < offsets[event + 1]; j++) {
      if (!(oldPt[j] > options.metJetMinPt)) continue;
      const change = oldPt[j] * (factors[j - first] - 1);
      px -= change * Math.cos(phi[j]);
      py -= change * Math.sin(phi[j]);
    }
    outPt[event] = Math.hypot(px, py);
    outPhi[event] = Math.atan2(py, px);
  }
  calibrated = calibrated.withRecordFields(options.met, { pt: outPt, phi: outPhi });
  return calibrated;
}

function scaled(field: Jagged, factors: Float64Array): Jagged<Float32Array> {
  const content = new Float32Array(field.content.length);
  const source = field.content as ArrayLike<number>;
  const first = field.offsets[0];
  const last = field.offsets[field.offsets.length - 1];
  for (let i = first; i < last; i++) content[i] = source[i] * factors[i - first];
  return { offsets: field.offsets, content };
}

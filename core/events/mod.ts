/**
 * Events: NanoAOD branches grouped into collections (Jet, Muon, ...), records (MET, HLT,
 * Flag, ...) and top-level columns; cross-links between collections; kinematics.
 * @module
 */
export type { EventRecord, EventsOptions } from "./events.ts";
export { Events, eventsFromBranches } from "./events.ts";
export type { FieldSource, SortOptions } from "./collection.ts";
export { Collection } from "./collection.ts";
export type { LinkOptions } from "./linked.ts";
export { linked } from "./linked.ts";
export type {
  CleaningOptions,
  EtaPhi,
  JaggedEtaPhi,
  JaggedP4,
  NearestOptions,
  P4Result,
  PtEtaPhiMass,
  PtPhi,
} from "./kinematics.ts";
export {
  cleanedMask,
  deltaPhi,
  deltaR,
  energy,
  invariantMass,
  nearest,
  p,
  pairMass,
  px,
  py,
  pz,
  rapidity,
  sumP4,
} from "./kinematics.ts";

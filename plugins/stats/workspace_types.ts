/**
 * The HistFactory JSON workspace (pyhf schema 1.0.0) as TypeScript types.
 * @module
 */

/** A modifier of a sample, as in the HistFactory JSON schema. */
export type PyhfModifier =
  | { name: string; type: "normfactor"; data: null }
  | { name: string; type: "shapefactor"; data: null }
  | { name: "lumi"; type: "lumi"; data: null }
  | { name: string; type: "normsys"; data: { hi: number; lo: number } }
  | { name: string; type: "histosys"; data: { hi_data: number[]; lo_data: number[] } }
  | { name: string; type: "staterror"; data: number[] }
  | { name: string; type: "shapesys"; data: number[] };

/** One sample (process) of a channel. */
export interface PyhfSample {
  name: string;
  data: number[];
  modifiers: PyhfModifier[];
}

/** One channel: a binned observable with its samples. */
export interface PyhfChannel {
  name: string;
  samples: PyhfSample[];
}

/** Parameter settings of a measurement (overrides of the modifier defaults). */
export interface PyhfParameterConfig {
  name: string;
  inits?: number[];
  bounds?: number[][];
  auxdata?: number[];
  sigmas?: number[];
  fixed?: boolean;
  factors?: number[];
}

/** A measurement: the parameter of interest and parameter settings. */
export interface PyhfMeasurement {
  name: string;
  config: { poi: string; parameters: PyhfParameterConfig[] };
}

/** The observed data of one channel. */
export interface PyhfObservation {
  name: string;
  data: number[];
}

/** A whole workspace. */
export interface PyhfWorkspace {
  channels: PyhfChannel[];
  measurements: PyhfMeasurement[];
  observations: PyhfObservation[];
  version: "1.0.0";
}

/**
 * What every axis kind shares: names, labels, UHI metadata, flow flags and the drop marker.
 * @module
 */
import { InputError } from "../errors/mod.ts";

/** A value a UHI metadata dictionary may hold (the schema allows no nesting). */
export type MetadataValue = string | number | boolean;

/** Flat metadata dictionary, as in the UHI schema. */
export type Metadata = Record<string, MetadataValue>;

/** Library-specific writer information: library name -> flat dictionary. */
export type WriterInfo = Record<string, Metadata>;

/** Position written by `indexInto` for an entry that falls in no bin (no flow bin to catch it). */
export const DROPPED: number = -1;

/** Options every axis factory takes. */
export interface AxisOptions {
  /** Axis title for plots; defaults to the empty string (the plotter then uses the name). */
  label?: string;
  /** Extra UHI metadata kept through (de)serialisation (flat: string, number or boolean). */
  metadata?: Metadata;
  /** Library-specific UHI writer information kept through (de)serialisation. */
  writerInfo?: WriterInfo;
}

/** Shared, immutable description fields of an axis. */
export interface AxisCommon {
  /** Name used to fill, project and select (e.g. "pt", "category"). */
  readonly name: string;
  /** Plot title; empty when not given. */
  readonly label: string;
  /** UHI metadata other than name and label; undefined when there was none. */
  readonly metadata: Metadata | undefined;
  /** UHI writer_info of the axis; undefined when there was none. */
  readonly writerInfo: WriterInfo | undefined;
  /** Number of bins, flow bins not counted. */
  readonly bins: number;
  /** True when there is an underflow bin (storage position 0). */
  readonly underflow: boolean;
  /** True when there is an overflow bin (the last storage position); "other" for categories. */
  readonly overflow: boolean;
  /** Number of storage positions: bins plus the flow bins. */
  readonly extent: number;
}

/** Checks a name and copies the shared options; the axis classes call it from their constructors. */
export function commonFields(
  kind: string,
  name: string,
  options: AxisOptions,
): {
  name: string;
  label: string;
  metadata: Metadata | undefined;
  writerInfo: WriterInfo | undefined;
} {
  if (typeof name !== "string") {
    throw new InputError(
      "HIST_BAD_AXIS",
      `Cannot create ${kind} axis "${String(name)}": the name must be a string`,
    );
  }
  return {
    name,
    label: options.label ?? "",
    metadata: options.metadata === undefined ? undefined : { ...options.metadata },
    writerInfo: options.writerInfo === undefined ? undefined : structuredClone(options.writerInfo),
  };
}

/** Throws the standard bad-axis error. */
export function badAxis(kind: string, name: string, reason: string): never {
  throw new InputError("HIST_BAD_AXIS", `Cannot create ${kind} axis "${name}": ${reason}`);
}

/** Bin centers from edges (shared by the continuous axes). */
export function centersFromEdges(edges: Float64Array): Float64Array {
  const out = new Float64Array(edges.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = 0.5 * (edges[i] + edges[i + 1]);
  return out;
}

/** Bin widths from edges (shared by the continuous axes). */
export function widthsFromEdges(edges: Float64Array): Float64Array {
  const out = new Float64Array(edges.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = edges[i + 1] - edges[i];
  return out;
}

/** Unit edges 0..n for the discrete axes, so that plots and projections have something to draw. */
export function unitEdges(bins: number): Float64Array {
  const out = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) out[i] = i;
  return out;
}

/**
 * Maps a boost-style bin index (-1 underflow, `bins` overflow) to a storage position or DROPPED.
 * Used by the scalar `position()` methods; the vectorised loops inline the same logic.
 */
export function positionOf(
  index: number,
  bins: number,
  underflow: boolean,
  overflow: boolean,
): number {
  if (index < 0) return underflow ? 0 : DROPPED;
  if (index >= bins) return overflow ? bins + (underflow ? 1 : 0) : DROPPED;
  return index + (underflow ? 1 : 0);
}

/**
 * Bin arithmetic shared by every figure: flow folding, rebinning, blinding, and the MC
 * uncertainty band (statistics plus systematic variations in quadrature).
 * @module
 */

/** Bin contents with their variances (sum of squared weights). */
export interface Bins {
  values: Float64Array;
  variances: Float64Array;
}

/**
 * Drops the flow bins of an axis' storage slice, first adding them into the edge bins when
 * `fold` is true (so that the plot shows every entry, as mplhep's `flow="sum"`).
 */
export function foldFlow(
  bins: Bins,
  options: { underflow: boolean; overflow: boolean; fold: boolean },
): Bins {
  const start = options.underflow ? 1 : 0;
  const end = bins.values.length - (options.overflow ? 1 : 0);
  const values = bins.values.slice(start, end);
  const variances = bins.variances.slice(start, end);
  if (options.fold && values.length > 0) {
    if (options.underflow) {
      values[0] += bins.values[0];
      variances[0] += bins.variances[0];
    }
    if (options.overflow) {
      values[values.length - 1] += bins.values[bins.values.length - 1];
      variances[values.length - 1] += bins.variances[bins.variances.length - 1];
    }
  }
  return { values, variances };
}

/**
 * The groups of old bins that make each new bin, for a merge factor (which must divide the
 * number of bins) or for new edges (each of which must be an old edge, to 1e-9 of the range).
 */
export function rebinPlan(edges: ArrayLike<number>, rebin: number | readonly number[]): {
  edges: number[];
  groups: [number, number][];
} {
  const old = Array.from(edges);
  const n = old.length - 1;
  if (typeof rebin === "number") {
    if (!Number.isInteger(rebin) || rebin < 1 || n % rebin !== 0) {
      throw new RangeError(`cannot merge ${n} bins by ${rebin}: the factor must divide them`);
    }
    const groups: [number, number][] = [];
    const newEdges = [old[0]];
    for (let i = 0; i < n; i += rebin) {
      groups.push([i, i + rebin]);
      newEdges.push(old[i + rebin]);
    }
    return { edges: newEdges, groups };
  }
  const tolerance = 1e-9 * Math.abs(old[n] - old[0]);
  const positions = rebin.map((edge) => {
    const index = old.findIndex((e) => Math.abs(e - edge) <= tolerance);
    if (index < 0) throw new RangeError(`rebin edge ${edge} is not an edge of the histogram`);
    return index;
  });
  for (let i = 1; i < positions.length; i++) {
    if (!(positions[i] > positions[i - 1])) throw new RangeError("rebin edges must increase");
  }
  const groups: [number, number][] = [];
  for (let i = 1; i < positions.length; i++) groups.push([positions[i - 1], positions[i]]);
  return { edges: positions.map((p) => old[p]), groups };
}

/** Applies a {@link rebinPlan} to bins (values and variances add). */
export function rebinBins(bins: Bins, groups: readonly [number, number][]): Bins {
  const values = new Float64Array(groups.length);
  const variances = new Float64Array(groups.length);
  groups.forEach(([a, b], k) => {
    for (let i = a; i < b; i++) {
      values[k] += bins.values[i];
      variances[k] += bins.variances[i];
    }
  });
  return { values, variances };
}

/** Bins [edges[i], edges[i+1]) overlapping any blinding window [low, high). */
export function blindedBins(
  edges: ArrayLike<number>,
  windows: readonly (readonly [number, number])[],
): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    out.push(windows.some(([low, high]) => edges[i] < high && edges[i + 1] > low));
  }
  return out;
}

/** The uncertainty band of a prediction: downward and upward deviations per bin (both >= 0). */
export interface Band {
  down: Float64Array;
  up: Float64Array;
  /** The variations (base names) that entered. */
  sources: string[];
}

/**
 * The uncertainty band around `nominal`: the statistical variance plus, in quadrature, every
 * variation. `<x>Up`/`<x>Down` pairs are one source: per bin its upward deviation is the largest
 * positive shift of the two and its downward one the largest negative shift (so two shifts of
 * the same sign give a one-sided deviation, and none is counted twice). A variation without a
 * partner (or without an Up/Down suffix) is one-sided: its shift goes to its own side only.
 */
export function uncertaintyBand(
  nominal: ArrayLike<number>,
  statVariance: ArrayLike<number>,
  variations: Readonly<Record<string, ArrayLike<number>>>,
): Band {
  const n = nominal.length;
  const up2 = Float64Array.from(statVariance);
  const down2 = Float64Array.from(statVariance);
  const sources = new Map<string, ArrayLike<number>[]>();
  for (const name of Object.keys(variations).sort()) {
    const base = name.replace(/(Up|Down)$/, "");
    const list = sources.get(base) ?? [];
    list.push(variations[name]);
    sources.set(base, list);
  }
  for (const shifted of sources.values()) {
    for (let i = 0; i < n; i++) {
      let high = 0;
      let low = 0;
      for (const values of shifted) {
        const d = values[i] - nominal[i];
        if (d > high) high = d;
        if (d < low) low = d;
      }
      up2[i] += high * high;
      down2[i] += low * low;
    }
  }
  return {
    up: up2.map(Math.sqrt),
    down: down2.map(Math.sqrt),
    sources: [...sources.keys()],
  };
}

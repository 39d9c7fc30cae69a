/**
 * Templates of the statistical model from an analysis output: for each channel, the 1D
 * histogram of each process (nominal, variances, shape variations) and of the data, rebinned
 * and restricted as the stats config says.
 * @module
 */
import { join } from "node:path";
import { fromUHI, type Hist, parseUHI } from "@ristretto/core/hist";
import { didYouMean, InputError } from "@ristretto/core/errors";
import { channelName, type StatsChannel, type StatsConfig } from "./config.ts";

/** Up and down templates of one shape systematic. */
export interface ShapeVariation {
  readonly up: Float64Array;
  readonly down: Float64Array;
}

/** One process in one channel. */
export interface ProcessTemplate {
  readonly name: string;
  readonly signal: boolean;
  /** Nominal yields per bin (negative bins are set to 0: a Poisson mean cannot be negative). */
  readonly nominal: Float64Array;
  /** Sum of squared weights per bin (MC statistical uncertainty squared). */
  readonly variances: Float64Array;
  /** Shape systematic name -> templates. */
  readonly variations: ReadonlyMap<string, ShapeVariation>;
}

/** One channel's templates. */
export interface ChannelTemplates {
  readonly name: string;
  readonly category: string;
  readonly histogram: string;
  /** Observable axis label (for plots). */
  readonly label: string;
  /** Bin edges after rebinning (bins = edges.length - 1). */
  readonly edges: Float64Array;
  readonly processes: readonly ProcessTemplate[];
  /** Observed counts (or the Asimov yields at POI = 1 when the config asks for it). */
  readonly data: Float64Array;
  readonly asimov: boolean;
}

/** Histogram file name -> entries ("<sample>/<dataset>" -> Hist). */
export type HistogramSource = (name: string) => Promise<Record<string, Hist>>;

function fail(message: string): never {
  throw new InputError("STATS_BAD_INPUT", `Cannot build the model templates: ${message}`);
}

/** Reads histograms from `<output>/histograms/<name>.json` (each file once). */
export function outputHistograms(output: string): HistogramSource {
  const cache = new Map<string, Promise<Record<string, Hist>>>();
  return (name) => {
    let loaded = cache.get(name);
    if (!loaded) {
      const path = join(output, "histograms", `${name}.json`);
      loaded = Deno.readTextFile(path).catch((error) => {
        let known: string[] = [];
        try {
          known = [...Deno.readDirSync(join(output, "histograms"))]
            .filter((e) => e.name.endsWith(".json")).map((e) => e.name.slice(0, -5)).sort();
        } catch {
          // No histograms folder at all: the message below says which path failed.
        }
        return fail(
          `cannot read histogram "${name}" (${path})${didYouMean(name, known)}${
            known.length ? `; the output has: ${known.join(", ")}` : `: ${error}`
          }`,
        );
      }).then((text) => fromUHI(parseUHI(text)));
      cache.set(name, loaded);
    }
    return loaded;
  };
}

/**
 * Builds the templates of every channel of `config` from `source` (see
 * {@link outputHistograms}).
 */
export async function buildTemplates(
  config: StatsConfig,
  source: HistogramSource,
): Promise<ChannelTemplates[]> {
  const out: ChannelTemplates[] = [];
  for (const channel of config.channels) {
    out.push(channelTemplates(config, channel, await source(channel.histogram)));
  }
  return out;
}

function channelTemplates(
  config: StatsConfig,
  channel: StatsChannel,
  entries: Record<string, Hist>,
): ChannelTemplates {
  const name = channelName(channel);
  const bySample = new Map<string, Hist[]>();
  let observable: Hist | undefined;
  for (const [key, hist] of Object.entries(entries)) {
    const sample = String(hist.metadata?.sample ?? key.split("/")[0]);
    if (!bySample.has(sample)) bySample.set(sample, []);
    bySample.get(sample)!.push(hist);
    observable ??= hist;
  }
  if (!observable) fail(`histogram "${channel.histogram}" has no entries`);
  const userAxes = observable.axes.filter((a) => a.name !== "cat" && a.name !== "variation");
  if (userAxes.length !== 1) {
    fail(
      `histogram "${channel.histogram}" has ${userAxes.length} observable axes (${
        userAxes.map((a) => a.name).join(", ")
      }); a channel needs exactly one`,
    );
  }
  const axis = userAxes[0];
  const catAxis = observable.axes.find((a) => a.name === "cat");
  if (catAxis?.kind === "strCategory" && !catAxis.categories.includes(channel.category)) {
    fail(
      `channel "${name}": histogram "${channel.histogram}" has no category "${channel.category}"${
        didYouMean(channel.category, catAxis.categories)
      }`,
    );
  }
  const rebinner = makeRebinner(axis.edges(), axis.underflow, axis.overflow, channel, name);
  const slice = (hists: Hist[], variation: string, what: string) => {
    const values = new Float64Array(rebinner.bins);
    const variances = new Float64Array(rebinner.bins);
    for (const hist of hists) {
      const variations = hist.axes.find((a) => a.name === "variation");
      if (variations?.kind === "strCategory" && !variations.categories.includes(variation)) {
        return undefined;
      }
      const one = hist.select({ cat: channel.category, variation });
      rebinner.add(one.values({ flow: true }), values);
      rebinner.add(one.variances({ flow: true }), variances);
    }
    if (hists.length === 0) fail(`channel "${name}": ${what} has no histogram entries`);
    return { values, variances };
  };
  const samplesOf = (names: readonly string[], what: string) =>
    names.flatMap((sample) => {
      const hists = bySample.get(sample);
      if (!hists) {
        fail(
          `channel "${name}": ${what} names sample "${sample}", which histogram "${channel.histogram}" does not have${
            didYouMean(sample, [...bySample.keys()])
          } (samples: ${[...bySample.keys()].join(", ")})`,
        );
      }
      return hists;
    });
  const processes: ProcessTemplate[] = [];
  for (const [process, spec] of Object.entries(config.processes)) {
    const hists = samplesOf(spec.samples, `process "${process}"`);
    const nominal = slice(hists, "nominal", `process "${process}"`);
    if (!nominal) fail(`channel "${name}": process "${process}" has no nominal variation`);
    const variations = new Map<string, ShapeVariation>();
    for (const systematic of config.systematics) {
      if (systematic.type !== "shape") continue;
      if (systematic.channels && !systematic.channels.includes(name)) continue;
      if (systematic.processes && !systematic.processes.includes(process)) continue;
      const variation = systematic.variation ?? systematic.name;
      const up = slice(hists, `${variation}Up`, `process "${process}"`);
      const down = slice(hists, `${variation}Down`, `process "${process}"`);
      if (!up || !down) {
        if (systematic.processes) {
          fail(
            `channel "${name}": process "${process}" has no variation "${variation}Up"/"${variation}Down" on the variation axis of "${channel.histogram}" (shape systematic "${systematic.name}")`,
          );
        }
        continue;
      }
      variations.set(systematic.name, {
        up: clampPositive(up.values),
        down: clampPositive(down.values),
      });
    }
    processes.push({
      name: process,
      signal: spec.signal ?? false,
      nominal: clampPositive(nominal.values),
      variances: nominal.variances,
      variations,
    });
  }
  let data: Float64Array;
  const asimov = "asimov" in config.data;
  if ("samples" in config.data) {
    data = slice(samplesOf(config.data.samples, "data"), "nominal", "data")!.values;
  } else {
    data = new Float64Array(rebinner.bins);
    for (const process of processes) {
      for (let b = 0; b < data.length; b++) data[b] += process.nominal[b];
    }
  }
  return {
    name,
    category: channel.category,
    histogram: channel.histogram,
    label: axis.label || axis.name,
    edges: rebinner.edges,
    processes,
    data,
    asimov,
  };
}

function clampPositive(values: Float64Array): Float64Array {
  for (let b = 0; b < values.length; b++) if (!(values[b] > 0)) values[b] = 0;
  return values;
}

/** Maps a 1D histogram with flow bins onto the channel's bins. */
interface Rebinner {
  readonly bins: number;
  readonly edges: Float64Array;
  /** Adds `values` (flow bins included, as stored) into `out` (the channel's bins). */
  add(values: Float64Array, out: Float64Array): void;
}

function makeRebinner(
  edges: Float64Array,
  underflow: boolean,
  overflow: boolean,
  channel: StatsChannel,
  name: string,
): Rebinner {
  const n = edges.length - 1;
  const width = edges[n] - edges[0];
  const findEdge = (value: number, what: string) => {
    for (let i = 0; i <= n; i++) if (Math.abs(edges[i] - value) <= 1e-9 * width) return i;
    fail(
      `channel "${name}": ${what} ${value} is not a bin edge of histogram "${channel.histogram}" (edges ${
        edges[0]
      } .. ${edges[n]}, ${n} bins)`,
    );
  };
  // Keep edges[first..last]; then group by the output edges.
  let first = 0;
  let last = n;
  if (channel.range) {
    first = findEdge(channel.range[0], "range start");
    last = findEdge(channel.range[1], "range end");
  }
  let kept: number[] = [];
  for (let i = first; i <= last; i++) kept.push(i);
  const rebin = channel.rebin;
  if (typeof rebin === "number") {
    const bins = last - first;
    if (bins % rebin !== 0) {
      fail(`channel "${name}": rebin ${rebin} does not divide the ${bins} bins kept`);
    }
    kept = kept.filter((_, j) => j % rebin === 0);
  } else if (Array.isArray(channel.rebin)) {
    kept = channel.rebin.map((edge) => findEdge(edge, "rebin edge"));
    for (let j = 1; j < kept.length; j++) {
      if (!(kept[j] > kept[j - 1])) fail(`channel "${name}": rebin edges must increase`);
    }
    if (kept[0] < first || kept[kept.length - 1] > last) {
      fail(`channel "${name}": rebin edges go outside the range`);
    }
  }
  const bins = kept.length - 1;
  // Output bin of each input bin (-1: dropped); flow folds into the end bins when asked.
  const target = new Int32Array(n).fill(-1);
  for (let j = 0; j < bins; j++) for (let i = kept[j]; i < kept[j + 1]; i++) target[i] = j;
  const flow = channel.flow ?? false;
  if (flow) {
    for (let i = 0; i < kept[0]; i++) target[i] = 0;
    for (let i = kept[bins]; i < n; i++) target[i] = bins - 1;
  }
  const offset = underflow ? 1 : 0;
  return {
    bins,
    edges: Float64Array.from(kept, (i) => edges[i]),
    add(values, out) {
      for (let i = 0; i < n; i++) {
        const j = target[i];
        if (j >= 0) out[j] += values[i + offset];
      }
      if (flow) {
        if (underflow) out[0] += values[0];
        if (overflow) out[bins - 1] += values[n + offset];
      }
    },
  };
}

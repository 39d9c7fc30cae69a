/**
 * The renderer-neutral figure model: a run's output folder plus a style -> a list of figures
 * (data/MC stacks with a ratio panel and an uncertainty band, normalised shape comparisons,
 * systematic shifts, cutflows), each described by bin edges and layers of numbers that the SVG
 * renderer and the HTML report draw the same way.
 * @module
 */
import { join } from "node:path";
import { fromUHI, type Hist, parseUHI } from "@ristretto/core/hist";
import { type Bins, blindedBins, foldFlow, rebinBins, rebinPlan, uncertaintyBand } from "./band.ts";
import { garwoodInterval } from "./garwood.ts";
import { CMS_COLORS, type PlotStyle } from "./style.ts";

/** A layer of a panel; values are per bin, NaN where nothing is drawn. */
export type Layer =
  | {
    /** Filled histograms stacked bottom first. */
    readonly type: "stack";
    readonly entries: readonly { label: string; color: string; values: number[] }[];
  }
  | {
    /** A hatched band between lower and upper. */
    readonly type: "band";
    readonly label: string;
    readonly lower: number[];
    readonly upper: number[];
  }
  | {
    /** A step line. */
    readonly type: "line";
    readonly label: string;
    readonly color: string;
    readonly values: number[];
    readonly dashed?: boolean;
  }
  | {
    /** Markers with vertical error bars from lower to upper (absolute ends). */
    readonly type: "points";
    readonly label: string;
    readonly values: number[];
    readonly lower: number[];
    readonly upper: number[];
  };

/** One panel: layers drawn in order over a shared x axis. */
export interface Panel {
  readonly layers: readonly Layer[];
  readonly yLabel: string;
  readonly logY: boolean;
  /** Fixed y range; computed from the layers when absent. */
  readonly yRange?: readonly [number, number];
  /** A horizontal reference line (1 in ratio panels). */
  readonly reference?: number;
}

/** What a figure shows. */
export type FigureKind = "stack" | "shape" | "systematic" | "cutflow";

/** One figure: a main panel and optionally a ratio panel below it. */
export interface Figure {
  /** Unique and path-safe: `<kind>/<histogram>__<category>__<year>[__<variation>]`. */
  readonly id: string;
  readonly kind: FigureKind;
  readonly histogram: string;
  readonly category: string;
  /** A year, or "combined". */
  readonly year: string;
  readonly variation?: string;
  /** Bin edges (n + 1). */
  readonly edges: number[];
  readonly xLabel: string;
  /** Labels of the bins instead of numeric ticks (cutflow steps). */
  readonly xTickLabels?: string[];
  readonly main: Panel;
  readonly ratio?: Panel;
  /** Text after the bold CMS, e.g. "Preliminary" or "Simulation Preliminary". */
  readonly cmsLabel: string;
  /** Right-aligned above the frame, e.g. "59.7 fb^{-1} (13 TeV)". */
  readonly lumiText: string;
}

/** The parts of metadata.json the plots use. */
export interface RunMetadata {
  readonly config?: string;
  readonly datasets: readonly { name: string; sample: string; year: string; isMC: boolean }[];
  readonly [key: string]: unknown;
}

/** cutflow.json: dataset -> sample -> variation -> step -> numbers. */
export type CutflowJson = Record<
  string,
  Record<string, Record<string, Record<string, { events: number; sumw_scaled: number }>>>
>;

/** A run's output folder, read. */
export interface RunOutput {
  readonly dir: string;
  /** Histogram name -> "<sample>/<dataset>" -> histogram. */
  readonly histograms: ReadonlyMap<string, Readonly<Record<string, Hist>>>;
  readonly cutflow: CutflowJson;
  readonly metadata: RunMetadata;
}

/** Reads histograms/*.json, cutflow.json and metadata.json of an output folder. */
export async function loadOutput(dir: string): Promise<RunOutput> {
  const histograms = new Map<string, Record<string, Hist>>();
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(dir, "histograms"))) {
      if (entry.isFile && entry.name.endsWith(".json")) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  for (const file of names.sort()) {
    const text = await Deno.readTextFile(join(dir, "histograms", file));
    histograms.set(file.slice(0, -5), fromUHI(parseUHI(text)));
  }
  const readJson = async (file: string, fallback: unknown) => {
    try {
      return JSON.parse(await Deno.readTextFile(join(dir, file)));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return fallback;
      throw error;
    }
  };
  return {
    dir,
    histograms,
    cutflow: await readJson("cutflow.json", {}),
    metadata: await readJson("metadata.json", { datasets: [] }),
  };
}

/** A name shown as it is: its `_` and `^` are not sub/superscript markup. */
const literal = (name: string) => name.replace(/([_^])/g, "\\$1");

/** A stack entry: samples drawn as one. */
interface Group {
  name: string;
  label: string;
  color: string;
  signal: boolean;
}

/** Sample -> group resolution, with colours fixed once per output so every figure agrees. */
class Groups {
  readonly #bySample = new Map<string, Group>();
  readonly order: Group[] = [];
  constructor(style: PlotStyle, mcSamples: readonly string[]) {
    let colour = 0;
    const nextColour = () => CMS_COLORS[colour++ % CMS_COLORS.length];
    for (const [name, group] of Object.entries(style.groups)) {
      const g: Group = {
        name,
        label: group.label ?? literal(name),
        color: group.color ?? nextColour(),
        signal: style.signals.includes(name),
      };
      this.order.push(g);
      for (const sample of group.samples) this.#bySample.set(sample, g);
    }
    for (const sample of [...mcSamples].sort()) {
      if (this.#bySample.has(sample)) continue;
      const g: Group = {
        name: sample,
        label: literal(sample),
        color: nextColour(),
        signal: style.signals.includes(sample),
      };
      this.order.push(g);
      this.#bySample.set(sample, g);
    }
  }
  of(sample: string): Group {
    return this.#bySample.get(sample)!;
  }
}

/** One output entry ("<sample>/<dataset>") with what the plots need to know about it. */
interface Entry {
  sample: string;
  year: string;
  isMC: boolean;
  hist: Hist;
}

/** The x binning after folding and rebinning, and how to get there. */
interface Binning {
  edges: number[];
  groups?: [number, number][];
  underflow: boolean;
  overflow: boolean;
  xLabel: string;
  integer: boolean;
}

const sumInto = (target: Bins, add: Bins) => {
  for (let i = 0; i < target.values.length; i++) {
    target.values[i] += add.values[i];
    target.variances[i] += add.variances[i];
  }
};
const zeros = (n: number): Bins => ({
  values: new Float64Array(n),
  variances: new Float64Array(n),
});

/** The bins of (category, variation) of a [cat, variation, x] histogram, folded and rebinned. */
function slice(
  hist: Hist,
  category: string,
  variation: string,
  binning: Binning,
  fold: boolean,
): Bins | undefined {
  const [cat, vary, x] = hist.axes;
  if (cat.kind !== "strCategory" || vary.kind !== "strCategory") return undefined;
  const c = cat.categories.indexOf(category);
  const v = vary.categories.indexOf(variation);
  if (c < 0 || v < 0) return undefined;
  const offset = (c * vary.extent + v) * x.extent;
  const values = hist.storageArray("values").subarray(offset, offset + x.extent);
  const variances = hist.storage === "weighted"
    ? hist.storageArray("variances").subarray(offset, offset + x.extent)
    : values; // unweighted counts: the variance is the count
  const bins = foldFlow({ values, variances }, {
    underflow: binning.underflow,
    overflow: binning.overflow,
    fold,
  });
  return binning.groups ? rebinBins(bins, binning.groups) : bins;
}

/** "Events / 5 GeV" for uniform bins with a unit in the x label, else "Events / bin". */
function eventsLabel(binning: Binning): string {
  const widths = binning.edges.slice(1).map((e, i) => e - binning.edges[i]);
  const uniform = widths.every((w) => Math.abs(w - widths[0]) <= 1e-9 * Math.abs(widths[0]));
  if (binning.integer && uniform && Math.abs(widths[0] - 1) < 1e-9) return "Events";
  if (!uniform) return "Events / bin";
  const unit = /\[([^\]]+)\]\s*$/.exec(binning.xLabel)?.[1];
  const width = Number(widths[0].toPrecision(3));
  return `Events / ${width}${unit ? " " + unit : ""}`;
}

/** "59.7 fb^{-1} (13 TeV)"; pb^{-1} below 1 fb^{-1}; only the energy when lumi is unknown. */
export function lumiText(style: PlotStyle, years: readonly string[]): string {
  let lumi = 0;
  let known = true;
  const energies = new Set<number>();
  for (const year of years) {
    const y = style.years[year];
    if (y?.lumi === undefined) known = false;
    else lumi += y.lumi;
    energies.add(y?.energy ?? 13);
  }
  const energy = [...energies].sort().map((e) => `${e} TeV`).join(", ");
  if (!known || years.length === 0) return `(${energy})`;
  const amount = lumi >= 1
    ? `${Number(lumi.toFixed(1))} fb^{-1}`
    : `${Number((lumi * 1000).toPrecision(3))} pb^{-1}`;
  return `${amount} (${energy})`;
}

const toArray = (values: ArrayLike<number>) => Array.from(values);

/** Garwood intervals for data counts, with NaN where a bin is blinded. */
function dataPoints(values: ArrayLike<number>, blinded: readonly boolean[]) {
  const v: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (blinded[i]) {
      v.push(NaN), lower.push(NaN), upper.push(NaN);
      continue;
    }
    const [lo, hi] = garwoodInterval(values[i]);
    v.push(values[i]), lower.push(lo), upper.push(hi);
  }
  return { values: v, lower, upper };
}

const divide = (a: number, b: number) => b > 0 ? a / b : NaN;

/** Options of {@link buildFigures}. */
export interface BuildOptions {
  /** Only these figure kinds (default: the style's `figures`). */
  readonly kinds?: readonly FigureKind[];
}

/** Every figure of an output under a style, in a stable order. */
export function buildFigures(
  output: RunOutput,
  style: PlotStyle,
  options: BuildOptions = {},
): Figure[] {
  const kinds = new Set<FigureKind>(
    options.kinds ??
      (Object.entries(style.figures).filter(([, on]) => on).map(([k]) =>
        k === "systematics" ? "systematic" : k
      ) as FigureKind[]),
  );
  const datasetInfo = new Map(output.metadata.datasets.map((d) => [d.name, d]));
  const mcSamples = new Set<string>();
  const dataSamples = new Set<string>();
  for (const d of output.metadata.datasets) (d.isMC ? mcSamples : dataSamples).add(d.sample);
  for (const entries of output.histograms.values()) {
    for (const hist of Object.values(entries)) {
      const m = hist.metadata ?? {};
      if (typeof m.sample === "string") (m.isMC === false ? dataSamples : mcSamples).add(m.sample);
    }
  }
  const groups = new Groups(style, [...mcSamples]);
  const figures: Figure[] = [];
  for (const [name, byKey] of output.histograms) {
    const entries: Entry[] = [];
    for (const [key, hist] of Object.entries(byKey)) {
      const m = hist.metadata ?? {};
      const dataset = String(m.dataset ?? key.slice(key.indexOf("/") + 1));
      const info = datasetInfo.get(dataset);
      entries.push({
        sample: String(m.sample ?? info?.sample ?? key.split("/")[0]),
        year: String(m.year ?? info?.year ?? "unknown"),
        isMC: (m.isMC ?? info?.isMC) !== false,
        hist,
      });
    }
    if (entries.length === 0) continue;
    const first = entries[0].hist;
    if (first.axes.length !== 3) continue; // only 1D plots (after cat and variation)
    const [catAxis, , xAxis] = first.axes;
    if (catAxis.kind !== "strCategory" || !("edges" in xAxis)) continue;
    let binning: Binning = {
      edges: Array.from(xAxis.edges()),
      underflow: xAxis.underflow,
      overflow: xAxis.overflow,
      xLabel: xAxis.label || name,
      integer: xAxis.kind === "integer" ||
        (xAxis.writerInfo?.ristretto as Record<string, unknown> | undefined)?.orig_type ===
          "integer",
    };
    const rebin = style.rebin[name];
    if (rebin !== undefined) {
      const plan = rebinPlan(binning.edges, rebin);
      binning = { ...binning, edges: plan.edges, groups: plan.groups };
    }
    const years = [...new Set(entries.map((e) => e.year))].sort();
    const yearSets: [string, string[]][] = years.map((y) => [y, [y]]);
    if (style.combineYears && years.length > 1) yearSets.push(["combined", years]);
    const logY = style.logY === true || (Array.isArray(style.logY) && style.logY.includes(name));
    for (const category of catAxis.categories) {
      for (const [yearName, yearList] of yearSets) {
        const context: FigureContext = {
          name,
          category,
          year: yearName,
          binning,
          style,
          groups,
          logY,
          lumi: lumiText(style, yearList),
          entries: entries.filter((e) => yearList.includes(e.year)),
        };
        const sums = sumEntries(context);
        if (kinds.has("stack")) figures.push(stackFigure(context, sums));
        if (kinds.has("shape")) figures.push(shapeFigure(context, sums));
        if (kinds.has("systematic")) figures.push(...systematicFigures(context, sums));
      }
    }
  }
  if (kinds.has("cutflow")) figures.push(...cutflowFigures(output, style, groups));
  return figures;
}

interface FigureContext {
  name: string;
  category: string;
  year: string;
  binning: Binning;
  style: PlotStyle;
  groups: Groups;
  logY: boolean;
  lumi: string;
  entries: Entry[];
}

interface Sums {
  n: number;
  /** Nominal per MC group, in group order (signals included). */
  byGroup: Map<Group, Bins>;
  /** Background total per variation name (nominal included). */
  total: Map<string, Bins>;
  data?: Bins;
}

function sumEntries(context: FigureContext): Sums {
  const { category, binning, style, groups } = context;
  const n = binning.edges.length - 1;
  const byGroup = new Map<Group, Bins>();
  const variations = new Set<string>();
  for (const e of context.entries) {
    const axis = e.hist.axes[1];
    if (e.isMC && axis.kind === "strCategory") axis.categories.forEach((v) => variations.add(v));
  }
  variations.delete("nominal");
  const names = ["nominal", ...[...variations].sort()];
  const total = new Map(names.map((v) => [v, zeros(n)]));
  let data: Bins | undefined;
  for (const e of context.entries) {
    const nominal = slice(e.hist, category, "nominal", binning, style.foldFlow);
    if (!nominal) continue;
    if (!e.isMC) {
      data ??= zeros(n);
      sumInto(data, nominal);
      continue;
    }
    const group = groups.of(e.sample);
    const sum = byGroup.get(group) ?? zeros(n);
    sumInto(sum, nominal);
    byGroup.set(group, sum);
    if (group.signal) continue;
    for (const v of names) {
      // A sample without this variation contributes its nominal (no shift).
      sumInto(total.get(v)!, slice(e.hist, category, v, binning, style.foldFlow) ?? nominal);
    }
  }
  const ordered = new Map<Group, Bins>();
  for (const g of groups.order) if (byGroup.has(g)) ordered.set(g, byGroup.get(g)!);
  return { n, byGroup: ordered, total, data };
}

const idOf = (kind: FigureKind, c: FigureContext, variation?: string) =>
  `${kind}/${c.name}__${c.category}__${c.year}${variation ? "__" + variation : ""}`.replace(
    /[^A-Za-z0-9_.\/-]/g,
    "_",
  );

function stackFigure(c: FigureContext, sums: Sums): Figure {
  const { binning, style } = c;
  const nominal = sums.total.get("nominal")!;
  const variations: Record<string, Float64Array> = {};
  for (const [v, bins] of sums.total) if (v !== "nominal") variations[v] = bins.values;
  const band = uncertaintyBand(nominal.values, nominal.variances, variations);
  // Groups with nothing in this category stay out of the stack and the legend.
  const present = [...sums.byGroup].filter(([, bins]) => bins.values.some((v) => v !== 0));
  const stack = present.filter(([g]) => !g.signal).map(([g, bins]) => ({
    label: g.label,
    color: g.color,
    values: toArray(bins.values),
  }));
  const signals: Layer[] = present.filter(([g]) => g.signal).map(([g, bins]) => ({
    type: "line",
    label: g.label,
    color: g.color,
    values: toArray(bins.values),
    dashed: true,
  }));
  const total = toArray(nominal.values);
  const lower = total.map((v, i) => v - band.down[i]);
  const upper = total.map((v, i) => v + band.up[i]);
  const bandLabel = band.sources.length > 0 ? "Stat. + syst. unc." : "Stat. unc.";
  const mainLayers: Layer[] = [
    { type: "stack", entries: stack },
    { type: "band", label: bandLabel, lower, upper },
    ...signals,
  ];
  const ratioLayers: Layer[] = [
    {
      type: "band",
      label: bandLabel,
      lower: lower.map((v, i) => divide(v, total[i])),
      upper: upper.map((v, i) => divide(v, total[i])),
    },
  ];
  // Empty data bins where MC is empty too carry no information: drawn as nothing.
  const blinded = blindedBins(binning.edges, style.blind[c.name] ?? []).map((b, i) =>
    b || (sums.data !== undefined && sums.data.values[i] === 0 && !(total[i] > 0))
  );
  if (sums.data) {
    const points = dataPoints(sums.data.values, blinded);
    mainLayers.push({ type: "points", label: style.dataLabel, ...points });
    ratioLayers.push({
      type: "points",
      label: style.dataLabel,
      values: points.values.map((v, i) => divide(v, total[i])),
      lower: points.lower.map((v, i) => divide(v, total[i])),
      upper: points.upper.map((v, i) => divide(v, total[i])),
    });
  }
  return {
    id: idOf("stack", c),
    kind: "stack",
    histogram: c.name,
    category: c.category,
    year: c.year,
    edges: binning.edges,
    xLabel: binning.xLabel,
    main: { layers: mainLayers, yLabel: eventsLabel(binning), logY: c.logY },
    ratio: {
      layers: ratioLayers,
      yLabel: sums.data ? "Data / MC" : "Unc. / MC",
      logY: false,
      yRange: style.ratioRange,
      reference: 1,
    },
    cmsLabel: sums.data ? style.cmsLabel : `Simulation ${style.cmsLabel}`.trim(),
    lumiText: c.lumi,
  };
}

function shapeFigure(c: FigureContext, sums: Sums): Figure {
  const present = [...sums.byGroup].filter(([, bins]) => bins.values.some((v) => v !== 0));
  const layers: Layer[] = present.map(([g, bins]) => {
    const integral = bins.values.reduce((a, b) => a + b, 0);
    return {
      type: "line",
      label: g.label,
      color: g.color,
      values: toArray(bins.values).map((v) => divide(v, integral)),
    };
  });
  return {
    id: idOf("shape", c),
    kind: "shape",
    histogram: c.name,
    category: c.category,
    year: c.year,
    edges: c.binning.edges,
    xLabel: c.binning.xLabel,
    main: { layers, yLabel: "Normalised to unit area", logY: c.logY },
    cmsLabel: `Simulation ${c.style.cmsLabel}`.trim(),
    lumiText: c.lumi.replace(/^.*\(/, "("),
  };
}

function systematicFigures(c: FigureContext, sums: Sums): Figure[] {
  const bases = new Map<string, { up?: Bins; down?: Bins }>();
  for (const [v, bins] of sums.total) {
    if (v === "nominal") continue;
    const match = /^(.*?)(Up|Down)$/.exec(v);
    const base = match ? match[1] : v;
    const entry = bases.get(base) ?? {};
    if (match?.[2] === "Down") entry.down = bins;
    else entry.up = bins;
    bases.set(base, entry);
  }
  const nominal = sums.total.get("nominal")!;
  const total = toArray(nominal.values);
  const statLow = total.map((v, i) => v - Math.sqrt(nominal.variances[i]));
  const statHigh = total.map((v, i) => v + Math.sqrt(nominal.variances[i]));
  const figures: Figure[] = [];
  for (const [base, { up, down }] of [...bases].sort(([a], [b]) => a < b ? -1 : 1)) {
    const main: Layer[] = [
      { type: "band", label: "MC stat. unc.", lower: statLow, upper: statHigh },
      { type: "line", label: "Nominal", color: "#000000", values: total },
    ];
    const ratio: Layer[] = [
      {
        type: "band",
        label: "MC stat. unc.",
        lower: statLow.map((v, i) => divide(v, total[i])),
        upper: statHigh.map((v, i) => divide(v, total[i])),
      },
    ];
    const shifted: [string, string, Bins | undefined][] = [
      [`${literal(base)} up`, "#e42536", up],
      [`${literal(base)} down`, "#5790fc", down],
    ];
    for (const [label, color, bins] of shifted) {
      if (!bins) continue;
      const values = toArray(bins.values);
      main.push({ type: "line", label, color, values });
      ratio.push({ type: "line", label, color, values: values.map((v, i) => divide(v, total[i])) });
    }
    const deviation = ratio.flatMap((l) => l.type === "line" ? l.values : [])
      .filter(Number.isFinite).reduce((m, r) => Math.max(m, Math.abs(r - 1)), 0);
    const half = Math.min(1, Math.max(0.05, Number((deviation * 1.5).toPrecision(1))));
    figures.push({
      id: idOf("systematic", c, base),
      kind: "systematic",
      histogram: c.name,
      category: c.category,
      year: c.year,
      variation: base,
      edges: c.binning.edges,
      xLabel: c.binning.xLabel,
      main: { layers: main, yLabel: eventsLabel(c.binning), logY: c.logY },
      ratio: {
        layers: ratio,
        yLabel: "Varied / nominal",
        logY: false,
        yRange: [1 - half, 1 + half],
        reference: 1,
      },
      cmsLabel: `Simulation ${c.style.cmsLabel}`.trim(),
      lumiText: c.lumi,
    });
  }
  return figures;
}

/** One cutflow figure per year (and combined): yields after each step, MC stacked, data points. */
function cutflowFigures(output: RunOutput, style: PlotStyle, groups: Groups): Figure[] {
  const info = new Map(output.metadata.datasets.map((d) => [d.name, d]));
  let steps: string[] = [];
  const years = new Set<string>();
  for (const [dataset, samples] of Object.entries(output.cutflow)) {
    years.add(info.get(dataset)?.year ?? "unknown");
    for (const variations of Object.values(samples)) {
      const nominal = variations.nominal ?? {};
      if (Object.keys(nominal).length > steps.length) steps = Object.keys(nominal);
    }
  }
  if (steps.length === 0) return [];
  const sortedYears = [...years].sort();
  const yearSets: [string, string[]][] = sortedYears.map((y) => [y, [y]]);
  if (style.combineYears && sortedYears.length > 1) yearSets.push(["combined", sortedYears]);
  const edges = steps.map((_, i) => i).concat(steps.length);
  const figures: Figure[] = [];
  for (const [yearName, yearList] of yearSets) {
    const byGroup = new Map<Group, number[]>();
    let data: number[] | undefined;
    for (const [dataset, samples] of Object.entries(output.cutflow)) {
      const d = info.get(dataset);
      if (!yearList.includes(d?.year ?? "unknown")) continue;
      for (const [sample, variations] of Object.entries(samples)) {
        const nominal = variations.nominal ?? {};
        const isMC = d?.isMC ?? true;
        const row = steps.map((s) => (isMC ? nominal[s]?.sumw_scaled : nominal[s]?.events) ?? 0);
        if (!isMC) {
          data = (data ?? steps.map(() => 0)).map((v, i) => v + row[i]);
          continue;
        }
        const g = groups.of(sample);
        if (!g) continue;
        byGroup.set(g, (byGroup.get(g) ?? steps.map(() => 0)).map((v, i) => v + row[i]));
      }
    }
    const stack = groups.order.filter((g) =>
      byGroup.has(g) && !g.signal && byGroup.get(g)!.some((v) => v > 0)
    ).map((g) => ({
      label: g.label,
      color: g.color,
      values: byGroup.get(g)!,
    }));
    const total = steps.map((_, i) => stack.reduce((a, e) => a + e.values[i], 0));
    const layers: Layer[] = [{ type: "stack", entries: stack }];
    for (const g of groups.order.filter((g) => byGroup.has(g) && g.signal)) {
      layers.push({
        type: "line",
        label: g.label,
        color: g.color,
        values: byGroup.get(g)!,
        dashed: true,
      });
    }
    let ratio: Panel | undefined;
    if (data) {
      const points = dataPoints(data, steps.map(() => false));
      layers.push({ type: "points", label: style.dataLabel, ...points });
      ratio = {
        layers: [{
          type: "points",
          label: style.dataLabel,
          values: points.values.map((v, i) => divide(v, total[i])),
          lower: points.lower.map((v, i) => divide(v, total[i])),
          upper: points.upper.map((v, i) => divide(v, total[i])),
        }],
        yLabel: "Data / MC",
        logY: false,
        yRange: style.ratioRange,
        reference: 1,
      };
    }
    figures.push({
      id: `cutflow/cutflow__all__${yearName}`,
      kind: "cutflow",
      histogram: "cutflow",
      category: "all",
      year: yearName,
      edges,
      xLabel: "Selection step",
      xTickLabels: steps,
      main: { layers, yLabel: "Events", logY: true },
      ratio,
      cmsLabel: data ? style.cmsLabel : `Simulation ${style.cmsLabel}`.trim(),
      lumiText: lumiText(style, yearList),
    });
  }
  return figures;
}

/**
 * The plot style configuration (YAML): how samples group into stack entries, their colours,
 * labels and order, signal overlays, blinding windows, luminosity and energy per year,
 * rebinning, log axes and which figure kinds to make.
 * @module
 */
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { InputError } from "@ristretto/core/errors";

/** The mplhep (CMS) colour cycle, used for groups without a colour. */
export const CMS_COLORS = ["#5790fc", "#f89c20", "#e42536", "#964a8b", "#9c9ca1", "#7a21dd"];

/** One stack entry: several samples drawn as one. */
export interface GroupStyle {
  /** Samples (as in the output's "<sample>/<dataset>" keys) that make up the group. */
  readonly samples: readonly string[];
  /** Legend label (ASCII; `_x` and `^x` become sub/superscripts). */
  readonly label?: string;
  /** Fill colour, `#rrggbb`. */
  readonly color?: string;
}

/** Luminosity and centre-of-mass energy of a year, for the label above the frame. */
export interface YearStyle {
  /** Integrated luminosity in fb^-1. */
  readonly lumi?: number;
  /** Centre-of-mass energy in TeV (default 13). */
  readonly energy?: number;
}

/** The whole style; every field is optional (see {@link DEFAULT_STYLE}). */
export interface PlotStyle {
  /** Groups in stack order, bottom first (samples in no group are stacked on their own). */
  readonly groups: Readonly<Record<string, GroupStyle>>;
  /** Groups drawn as lines over the stack instead of inside it. */
  readonly signals: readonly string[];
  /** Data legend label. */
  readonly dataLabel: string;
  /** Text after the bold CMS ("Preliminary"; MC-only figures add "Simulation"). */
  readonly cmsLabel: string;
  /** Per year. */
  readonly years: Readonly<Record<string, YearStyle>>;
  /**
   * A YAML file with `lumi.picobarn.<year>` (the run's parameters, as the example's generator
   * writes them); years it lists get that luminosity unless `years` gives one.
   */
  readonly lumiFile?: string;
  /** Histogram name -> windows [low, high) of the x axis where data is hidden. */
  readonly blind: Readonly<Record<string, readonly (readonly [number, number])[]>>;
  /** Histogram name -> merge factor, or new edges (a subset of the old ones). */
  readonly rebin: Readonly<Record<string, number | readonly number[]>>;
  /** Histograms drawn with a log y axis (`true`: all). */
  readonly logY: boolean | readonly string[];
  /** Fold the underflow and overflow into the first and last bins (default true). */
  readonly foldFlow: boolean;
  /** Ratio panel y range. */
  readonly ratioRange: readonly [number, number];
  /** Figure kinds to make. */
  readonly figures: {
    readonly stack: boolean;
    readonly shape: boolean;
    readonly systematics: boolean;
    readonly cutflow: boolean;
  };
  /** Also make a figure over all years together when there are several. */
  readonly combineYears: boolean;
}

/** The style used when no file is given, and the base every file's fields replace. */
export const DEFAULT_STYLE: PlotStyle = {
  groups: {},
  signals: [],
  dataLabel: "Data",
  cmsLabel: "Preliminary",
  years: {},
  blind: {},
  rebin: {},
  logY: [],
  foldFlow: true,
  ratioRange: [0.5, 1.5],
  figures: { stack: true, shape: true, systematics: true, cutflow: true },
  combineYears: true,
};

const KEYS = new Set(Object.keys(DEFAULT_STYLE).concat("lumiFile"));

function fail(where: string, message: string): never {
  throw new InputError("PLOT_BAD_STYLE", `${where}: ${message}`);
}

/**
 * Checks a parsed style object and fills the defaults. `where` names the source in errors;
 * `baseDir` resolves `lumiFile`.
 */
export function parseStyle(
  raw: unknown,
  options: { where?: string; baseDir?: string } = {},
): PlotStyle {
  const where = options.where ?? "plot style";
  if (raw === null || raw === undefined) return DEFAULT_STYLE;
  if (typeof raw !== "object" || Array.isArray(raw)) fail(where, "must be a mapping");
  const object = raw as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!KEYS.has(key)) fail(where, `unknown key "${key}" (known: ${[...KEYS].join(", ")})`);
  }
  const groups: Record<string, GroupStyle> = {};
  for (const [name, group] of Object.entries(object.groups ?? {})) {
    const g = group as Record<string, unknown>;
    if (!g || !Array.isArray(g.samples)) fail(where, `groups.${name}.samples must be a list`);
    if (g.color !== undefined && !/^#[0-9a-fA-F]{6}$/.test(String(g.color))) {
      fail(where, `groups.${name}.color must be #rrggbb, got ${g.color}`);
    }
    groups[name] = {
      samples: g.samples.map(String),
      label: g.label === undefined ? undefined : String(g.label),
      color: g.color === undefined ? undefined : String(g.color),
    };
  }
  const years: Record<string, YearStyle> = {};
  for (const [year, value] of Object.entries(object.years ?? {})) {
    const y = value as Record<string, unknown>;
    years[year] = {
      lumi: y?.lumi === undefined ? undefined : Number(y.lumi),
      energy: y?.energy === undefined ? undefined : Number(y.energy),
    };
  }
  const blind: Record<string, [number, number][]> = {};
  for (const [name, windows] of Object.entries(object.blind ?? {})) {
    if (
      !Array.isArray(windows) ||
      !windows.every((w) => Array.isArray(w) && w.length === 2 && w[0] < w[1])
    ) {
      fail(where, `blind.${name} must be a list of [low, high] windows`);
    }
    blind[name] = windows.map((w) => [Number(w[0]), Number(w[1])]);
  }
  const rebin: Record<string, number | number[]> = {};
  for (const [name, value] of Object.entries(object.rebin ?? {})) {
    if (typeof value === "number" && Number.isInteger(value) && value >= 1) rebin[name] = value;
    else if (Array.isArray(value) && value.length >= 2) rebin[name] = value.map(Number);
    else fail(where, `rebin.${name} must be a positive integer or a list of edges`);
  }
  const figures = { ...DEFAULT_STYLE.figures, ...(object.figures as object ?? {}) };
  const ratioRange = (object.ratioRange as [number, number] | undefined) ??
    DEFAULT_STYLE.ratioRange;
  if (!Array.isArray(ratioRange) || !(ratioRange[0] < ratioRange[1])) {
    fail(where, "ratioRange must be [low, high]");
  }
  return {
    ...DEFAULT_STYLE,
    groups,
    signals: ((object.signals as unknown[]) ?? []).map(String),
    dataLabel: String(object.dataLabel ?? DEFAULT_STYLE.dataLabel),
    cmsLabel: String(object.cmsLabel ?? DEFAULT_STYLE.cmsLabel),
    years,
    lumiFile: object.lumiFile === undefined
      ? undefined
      : resolve(options.baseDir ?? ".", String(object.lumiFile)),
    blind,
    rebin,
    logY: Array.isArray(object.logY) ? object.logY.map(String) : Boolean(object.logY ?? false),
    foldFlow: object.foldFlow === undefined ? true : Boolean(object.foldFlow),
    ratioRange: [Number(ratioRange[0]), Number(ratioRange[1])],
    figures,
    combineYears: object.combineYears === undefined ? true : Boolean(object.combineYears),
  };
}

/**
 * Reads a style YAML file; a `lumiFile` in it is read too (when it exists) so that its
 * luminosities fill the years the file does not give.
 */
export async function loadStyle(path: string): Promise<PlotStyle> {
  const text = await Deno.readTextFile(path);
  const style = parseStyle(parseYaml(text), { where: path, baseDir: dirname(path) });
  return await withLumiFile(style);
}

/** Fills missing per-year luminosities from the style's `lumiFile` (pb^-1 there, fb^-1 here). */
export async function withLumiFile(style: PlotStyle): Promise<PlotStyle> {
  if (style.lumiFile === undefined) return style;
  let text: string;
  try {
    text = await Deno.readTextFile(style.lumiFile);
  } catch {
    return style; // e.g. the example's data is not generated yet: the label shows no lumi
  }
  const parsed = parseYaml(text) as { lumi?: { picobarn?: Record<string, number> } } | null;
  const years: Record<string, YearStyle> = { ...style.years };
  for (const [year, picobarn] of Object.entries(parsed?.lumi?.picobarn ?? {})) {
    years[year] = { ...years[year], lumi: years[year]?.lumi ?? Number(picobarn) / 1000 };
  }
  return { ...style, years };
}

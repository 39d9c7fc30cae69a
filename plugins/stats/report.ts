/**
 * From a stats config to results: the model of an analysis output, the full fit report
 * (best fit, profile interval, pulls, significances, scan), its text table and the scan plot.
 * @module
 */
import { loadStatsConfig, type StatsConfig } from "./config.ts";
import { buildTemplates, type ChannelTemplates, outputHistograms } from "./templates.ts";
import { buildWorkspace } from "./workspace.ts";
import type { PyhfWorkspace } from "./workspace_types.ts";
import {
  asimovData,
  compileModel,
  discoverySignificance,
  fit,
  type FitData,
  type FitResult,
  type Model,
  type ProfileInterval,
  profileInterval,
  profileScan,
  type ScanPoint,
  type Significance,
} from "./fit/mod.ts";

/** A stats config turned into templates, a workspace and a compiled model. */
export interface PreparedModel {
  readonly config: StatsConfig;
  /** The config file. */
  readonly file: string;
  readonly templates: readonly ChannelTemplates[];
  readonly workspace: PyhfWorkspace;
  readonly model: Model;
}

/**
 * Loads the stats config at `modelPath` and builds everything from the histograms of the
 * analysis output folder `output`.
 */
export async function prepareModel(output: string, modelPath: string): Promise<PreparedModel> {
  const { config, file } = await loadStatsConfig(modelPath);
  const templates = await buildTemplates(config, outputHistograms(output));
  const workspace = buildWorkspace(config, templates);
  return { config, file, templates, workspace, model: compileModel(workspace) };
}

/** One parameter line of a {@link FitReport}. */
export interface ParameterReport {
  readonly name: string;
  readonly value: number;
  readonly error: number;
  /** (value - nominal) / prior width, for constrained parameters. */
  readonly pull: number | undefined;
  /** Post-fit error / prior width, for constrained parameters. */
  readonly constraint: number | undefined;
  readonly fixed: boolean;
}

/** Everything `fit` prints and writes. */
export interface FitReport {
  readonly poi: string;
  readonly poiHat: number;
  /** Hessian error of the POI. */
  readonly poiError: number;
  /** Profile-likelihood 68% interval. */
  readonly interval: ProfileInterval;
  readonly nll: number;
  readonly converged: boolean;
  readonly gradientNorm: number;
  readonly parameters: readonly ParameterReport[];
  readonly observed: Significance;
  /** Expected significance: Asimov at POI = 1, nuisances from the conditional fit to the data. */
  readonly expected: Significance;
  readonly scan: readonly ScanPoint[] | undefined;
  /** Wall time of the whole report, seconds. */
  readonly seconds: number;
}

/** Options of {@link fitReport}. */
export interface FitReportOptions {
  /** POI values to profile. */
  scan?: readonly number[];
}

/** Pull and constraint of parameter k at a best fit. */
function pullOf(model: Model, best: FitResult, k: number) {
  const p = model.parameters[k];
  if (p.constraint === "gauss") {
    return { pull: (best.values[k] - p.aux) / p.sigma, constraint: best.errors[k] / p.sigma };
  }
  if (p.constraint === "poisson") {
    // Poisson(tau | gamma tau): width 1/sqrt(tau) around 1.
    const width = 1 / Math.sqrt(p.sigma);
    return { pull: (best.values[k] - 1) / width, constraint: best.errors[k] / width };
  }
  return { pull: undefined, constraint: undefined };
}

/** Fits `data`, finds the interval, the significances and the optional scan. */
export function fitReport(model: Model, data: FitData, options: FitReportOptions = {}): FitReport {
  const started = performance.now();
  const best = fit(model, data);
  const poi = model.poi;
  const interval = profileInterval(model, data, { best });
  const observed = discoverySignificance(model, data, { best });
  const expected = discoverySignificance(model, asimovData(model, { poi: 1, data }));
  const scan = options.scan ? profileScan(model, data, { values: options.scan, best }) : undefined;
  return {
    poi: model.parameters[poi].name,
    poiHat: best.values[poi],
    poiError: best.errors[poi],
    interval,
    nll: best.nll,
    converged: best.converged,
    gradientNorm: best.gradientNorm,
    parameters: model.parameters.map((p, k) => ({
      name: p.name,
      value: best.values[k],
      error: best.errors[k],
      fixed: best.fixed[k] === 1,
      ...pullOf(model, best, k),
    })),
    observed,
    expected,
    scan,
    seconds: (performance.now() - started) / 1000,
  };
}

function fmt(value: number | undefined, digits = 4): string {
  if (value === undefined) return "";
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(digits);
}

/** The report as a text table (what `fit` prints). */
export function formatFitReport(report: FitReport): string {
  const { interval } = report;
  const lines = [
    `${report.poi} = ${fmt(report.poiHat)} -${fmt(report.poiHat - interval.lower)} +${
      fmt(interval.upper - report.poiHat)
    } (profile likelihood${interval.lowerAtBound ? ", lower end at the bound" : ""}${
      interval.upperAtBound ? ", upper end at the bound" : ""
    }); Hessian +/- ${fmt(report.poiError)}`,
    `-log L = ${report.nll.toFixed(6)}   converged: ${report.converged ? "yes" : "NO"}` +
    `   |gradient| = ${report.gradientNorm.toExponential(1)}`,
    `significance: observed ${fmt(report.observed.z, 2)} sigma (q0 = ${
      fmt(report.observed.q0, 3)
    }), expected ${fmt(report.expected.z, 2)} sigma (q0 = ${fmt(report.expected.q0, 3)})`,
    "",
  ];
  const rows = [["parameter", "value", "error", "pull", "constraint"]];
  for (const p of report.parameters) {
    rows.push([
      p.name + (p.fixed ? " (fixed)" : ""),
      fmt(p.value),
      p.fixed ? "" : fmt(p.error),
      fmt(p.pull, 2),
      fmt(p.constraint, 2),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [r, row] of rows.entries()) {
    lines.push(
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(
        "  ",
      ),
    );
    if (r === 0) lines.push(widths.map((w) => "-".repeat(w)).join("  "));
  }
  return lines.join("\n");
}

/** Parses a scan specification "low:high:points" (e.g. "0:2:41"). */
export function parseScan(spec: string): number[] {
  const parts = spec.split(":").map(Number);
  if (
    parts.length !== 3 || !parts.every(Number.isFinite) || !(parts[1] > parts[0]) ||
    !Number.isInteger(parts[2]) || parts[2] < 2
  ) {
    throw new RangeError(`expected low:high:points with low < high and points >= 2, got "${spec}"`);
  }
  const [low, high, points] = parts;
  return Array.from({ length: points }, (_, i) => low + (high - low) * i / (points - 1));
}

/** Options of {@link scanSvg}. */
export interface ScanSvgOptions {
  /** POI name for the x title. */
  poi?: string;
  width?: number;
  height?: number;
}

/**
 * A profile-likelihood scan as a standalone SVG line plot: -2 ln lambda against the POI, with
 * the 1 and 4 (68% and 95%) levels dashed.
 */
export function scanSvg(points: readonly ScanPoint[], options: ScanSvgOptions = {}): string {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const margin = { left: 70, right: 20, top: 20, bottom: 55 };
  // Infinite values (e.g. data where the model expects nothing) are drawn at the top edge.
  const sorted = [...points].filter((p) => !Number.isNaN(p.twiceDeltaNll)).sort((a, b) =>
    a.poi - b.poi
  );
  const xs = sorted.map((p) => p.poi);
  const finite = sorted.map((p) => p.twiceDeltaNll).filter(Number.isFinite);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y1 = Math.max(5, Math.min(Math.max(...finite, 0), 50)) * 1.05;
  const sx = (x: number) =>
    margin.left + (x - x0) / (x1 - x0 || 1) * (width - margin.left - margin.right);
  const sy = (y: number) =>
    height - margin.bottom - Math.min(y, y1) / y1 * (height - margin.top - margin.bottom);
  const path = sorted.map((p, i) =>
    `${i ? "L" : "M"}${sx(p.poi).toFixed(2)},${sy(p.twiceDeltaNll).toFixed(2)}`
  ).join(" ");
  // Round tick values: steps of 1, 2 or 5 times a power of ten, about five per axis.
  const ticks = (low: number, high: number) => {
    const raw = (high - low) / 5;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
    const out: number[] = [];
    for (let t = Math.ceil(low / step - 1e-9) * step; t <= high + 1e-9 * step; t += step) {
      out.push(+t.toPrecision(12));
    }
    return out;
  };
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="14">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${
      width - margin.left - margin.right
    }" height="${height - margin.top - margin.bottom}" fill="none" stroke="black"/>`,
  ];
  for (const level of [1, 4]) {
    if (level < y1) {
      out.push(
        `<line x1="${margin.left}" x2="${width - margin.right}" y1="${sy(level)}" y2="${
          sy(level)
        }" stroke="#9c9ca1" stroke-dasharray="6 4"/>`,
      );
    }
  }
  for (const t of ticks(x0, x1)) {
    out.push(
      `<line x1="${sx(t)}" x2="${sx(t)}" y1="${height - margin.bottom}" y2="${
        height - margin.bottom - 6
      }" stroke="black"/>`,
      `<text x="${sx(t)}" y="${height - margin.bottom + 18}" text-anchor="middle">${+t.toPrecision(
        4,
      )}</text>`,
    );
  }
  for (const t of ticks(0, y1)) {
    out.push(
      `<line x1="${margin.left}" x2="${margin.left + 6}" y1="${sy(t)}" y2="${
        sy(t)
      }" stroke="black"/>`,
      `<text x="${margin.left - 8}" y="${sy(t) + 5}" text-anchor="end">${+t.toPrecision(3)}</text>`,
    );
  }
  out.push(
    `<path d="${path}" fill="none" stroke="#5790fc" stroke-width="2"/>`,
    `<text x="${width - margin.right}" y="${height - 12}" text-anchor="end">${
      escapeXml(options.poi ?? "POI")
    }</text>`,
    `<text transform="translate(18 ${margin.top}) rotate(-90)" text-anchor="end">-2 ln lambda</text>`,
    `</svg>`,
  );
  return out.join("\n") + "\n";
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!,
  );
}

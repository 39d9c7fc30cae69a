/**
 * The built-in plotter: output folder -> figures (SVG, PNG, PDF) under `plots/` and
 * `report.html`, rendering in parallel.
 * @module
 */
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { PlotOptions, Plotter } from "@ristretto/core/plugin";
import { API_VERSION } from "@ristretto/core/plugin";
import { InputError } from "@ristretto/core/errors";
import { buildFigures, type Figure, loadOutput } from "./model.ts";
import { svgToPdf, svgToPngAsync } from "./raster.ts";
import { renderReport } from "./report.ts";
import { RenderPool } from "./_render_pool.ts";
import { DEFAULT_STYLE, loadStyle, type PlotStyle } from "./style.ts";
import { renderSvg } from "./svg.ts";

/** Static formats the plotter writes. */
export const FORMATS = ["png", "pdf", "svg"] as const;
/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];

/** Options of {@link plotOutput}. */
export interface PlotOutputOptions {
  /** The style (already loaded); default {@link DEFAULT_STYLE}. */
  readonly style?: PlotStyle;
  /** Static formats (default png and pdf). */
  readonly formats?: readonly Format[];
  /** Write report.html (default true). */
  readonly report?: boolean;
  /** Figures rendered at once without workers (default: the number of CPUs, at least 2). */
  readonly concurrency?: number;
  /**
   * Render workers (PNG and PDF off the main thread); default one per CPU when there are 8
   * figures or more, else 0 (render in this thread, PNGs on resvg's thread pool).
   */
  readonly workers?: number;
  /** Called after each figure. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
export async function pool<T, R>(
  items: readonly T[],
  task: (item: T, index: number) => Promise<R>,
  options: { limit: number },
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.limit, items.length)) }, worker),
  );
  return results;
}

/** Writes one figure in the given formats under `plots/`; returns the relative paths. */
export async function writeFigure(
  outputDir: string,
  figure: Figure,
  options: { formats: readonly Format[]; pool?: RenderPool },
): Promise<string[]> {
  const svg = renderSvg(figure);
  const relative = join("plots", figure.id);
  await mkdir(dirname(join(outputDir, relative)), { recursive: true });
  const raster = options.formats.filter((f): f is "png" | "pdf" => f !== "svg");
  const rendered = options.pool && raster.length > 0 ? await options.pool.render(svg, raster) : {};
  const written: string[] = [];
  for (const format of options.formats) {
    const path = `${relative}.${format}`;
    const bytes = format === "svg"
      ? new TextEncoder().encode(svg)
      : rendered[format] ?? (format === "png" ? await svgToPngAsync(svg) : await svgToPdf(svg));
    await Deno.writeFile(join(outputDir, path), bytes);
    written.push(path);
  }
  return written;
}

/**
 * Draws every figure of an output folder (see {@link buildFigures}) into `<dir>/plots/` and
 * writes `<dir>/report.html`; returns the files written, relative to `dir`.
 */
export async function plotOutput(dir: string, options: PlotOutputOptions = {}): Promise<string[]> {
  const output = await loadOutput(dir);
  if (output.histograms.size === 0 && Object.keys(output.cutflow).length === 0) {
    throw new InputError(
      "PLOT_NO_OUTPUT",
      `Nothing to plot in ${dir}: no histograms/ nor cutflow.json`,
    );
  }
  const style = options.style ?? DEFAULT_STYLE;
  const figures = buildFigures(output, style);
  const formats = options.formats ?? ["png", "pdf"];
  let done = 0;
  const cores = navigator.hardwareConcurrency ?? 2;
  const concurrency = options.concurrency ?? Math.max(2, cores);
  // Workers pay a start-up cost (loading pdfkit and resvg): worth it for more than a few figures.
  const workers = options.workers ?? (figures.length >= 8 ? Math.max(2, cores) : 0);
  const renderPool = workers > 0 && formats.some((f) => f !== "svg")
    ? new RenderPool(workers)
    : undefined;
  let perFigure: string[][];
  try {
    perFigure = await pool(figures, async (figure) => {
      const files = await writeFigure(dir, figure, { formats, pool: renderPool });
      options.onProgress?.(++done, figures.length);
      return files;
    }, { limit: renderPool ? workers * 2 : concurrency });
  } finally {
    renderPool?.close();
  }
  const written = perFigure.flat();
  if (options.report !== false) {
    const html = await renderReport({
      figures,
      cutflow: output.cutflow,
      metadata: output.metadata,
    });
    await Deno.writeTextFile(join(dir, "report.html"), html);
    written.push("report.html");
  }
  return written;
}

/** Parses a comma-separated format list (e.g. "png,pdf"), rejecting unknown ones. */
export function parseFormats(list: string): Format[] {
  const formats = list.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const format of formats) {
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new InputError(
        "PLOT_BAD_FORMAT",
        `Unknown plot format "${format}" (known: ${FORMATS.join(", ")})`,
      );
    }
  }
  return formats as Format[];
}

/** The built-in {@link Plotter}: CMS-style static figures and the HTML report. */
export function cmsPlotter(): Plotter {
  return {
    kind: "plotter",
    name: "cms-plotter",
    version: "0.1.0",
    apiVersion: API_VERSION,
    async plot(outputDir: string, options: PlotOptions = {}): Promise<string[]> {
      return await plotOutput(outputDir, {
        style: options.style ? await loadStyle(options.style) : DEFAULT_STYLE,
        formats: options.formats ? parseFormats(options.formats.join(",")) : undefined,
        report: options.report,
      });
    },
  };
}

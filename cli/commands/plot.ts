/**
 * `plot`: CMS-style figures (PNG/PDF/SVG) and the interactive report of an existing output.
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Command } from "commander";
import { DEFAULT_STYLE, type Format, loadStyle, parseFormats, plotOutput } from "@ristretto/plot";

/** Options of {@link plotCommandAction} (the parsed flags). */
export interface PlotFlags {
  output: string;
  style?: string;
  formats?: Format[];
  report?: boolean;
  quiet?: boolean;
}

/** Plots an output folder; returns the files written (relative to it). */
export async function plotCommandAction(flags: PlotFlags): Promise<string[]> {
  const output = resolve(flags.output);
  const style = flags.style ? await loadStyle(resolve(flags.style)) : DEFAULT_STYLE;
  const started = performance.now();
  const files = await plotOutput(output, {
    style,
    formats: flags.formats,
    report: flags.report,
  });
  if (!flags.quiet) {
    const figures = new Set(
      files.filter((f) => f.startsWith("plots/")).map((f) => f.replace(/\.\w+$/, "")),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${figures.size} figures (${files.length} files) in ${
        seconds.toFixed(1)
      } s under ${output}/plots` +
        (flags.report === false ? "" : `; report: ${output}/report.html`),
    );
  }
  return files;
}

/** The commander definition of `plot`. */
export function plotCommand(): Command {
  return new Command("plot")
    .description("Draw the histograms and cutflow of an output folder (figures + HTML report)")
    .requiredOption("-o, --output <dir>", "output folder written by run")
    .option("-s, --style <file>", "plot style (YAML, e.g. configs/example/plot_style.yaml)")
    .option("--formats <list>", "comma-separated static formats: png,pdf,svg", parseFormats)
    .option("--no-report", "do not write report.html")
    .option("-q, --quiet", "no summary line")
    .action(async (flags: PlotFlags) => {
      await plotCommandAction(flags);
    });
}

/**
 * The plots `run` makes at the end: the style is `plot_style.yaml` beside the analysis config
 * when there is one. A plotting failure (e.g. fonts not installed) is reported but does not fail
 * the run, whose outputs are already written.
 */
export async function plotAfterRun(
  output: string,
  options: { config: string; quiet?: boolean },
): Promise<string[]> {
  const beside = join(dirname(options.config), "plot_style.yaml");
  try {
    return await plotCommandAction({
      output,
      style: existsSync(beside) ? beside : undefined,
      quiet: options.quiet,
    });
  } catch (error) {
    console.error(`warning: plotting failed (outputs are written): ${error}`);
    return [];
  }
}

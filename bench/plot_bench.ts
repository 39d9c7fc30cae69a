/**
 * Plotting speed: a synthetic output with 500 figures (25 histograms x 5 categories x (stack,
 * shape, 2 systematic shifts), 20 bins, 3 MC samples + data) rendered as `plot` does, per
 * format set; prints figures/s. `deno run -A bench/plot_bench.ts` runs it alone.
 * @module
 */
import { buildFigures, loadOutput, parseStyle, plotOutput, renderSvg } from "@ristretto/plot";
import { writeSyntheticOutput } from "../plugins/plot/_test_fixture.ts";

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Renders the 500-figure output in several ways; one figure object per way. */
export async function benchPlots(): Promise<object[]> {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_plot_bench_" });
  try {
    await writeSyntheticOutput(dir, { histograms: 25, categories: 5, bins: 20 });
    const style = parseStyle({
      years: { "2018": { lumi: 59.7 } },
      figures: { stack: true, shape: true, systematics: true, cutflow: false },
    });
    let start = performance.now();
    const output = await loadOutput(dir);
    const figures = buildFigures(output, style);
    const modelMs = performance.now() - start;
    const count = figures.length;
    start = performance.now();
    let bytes = 0;
    for (const figure of figures) bytes += renderSvg(figure).length;
    const svgMs = performance.now() - start;
    const results: object[] = [
      { workload: "load + figure model", figures: count, ms: round(modelMs, 1) },
      {
        workload: "SVG text only",
        figures: count,
        ms: round(svgMs, 1),
        figuresPerSecond: round(count / svgMs * 1000, 1),
        meanSvgKiB: round(bytes / count / 1024, 1),
      },
    ];
    for (const formats of [["png"], ["png", "pdf"]] as const) {
      await Deno.remove(`${dir}/plots`, { recursive: true }).catch(() => {});
      start = performance.now();
      await plotOutput(dir, { style, formats: [...formats], report: false });
      const ms = performance.now() - start;
      results.push({
        workload: `plot --formats ${formats.join(",")}`,
        figures: count,
        concurrency: Math.max(2, navigator.hardwareConcurrency ?? 2),
        seconds: round(ms / 1000, 2),
        figuresPerSecond: round(count / ms * 1000, 1),
      });
    }
    start = performance.now();
    await plotOutput(dir, { style, formats: [], report: true });
    const reportMs = performance.now() - start;
    const reportKiB = (await Deno.stat(`${dir}/report.html`)).size / 1024;
    results.push({
      workload: "report.html only",
      figures: count,
      ms: round(reportMs, 1),
      reportMiB: round(reportKiB / 1024, 2),
    });
    return results;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  for (const figure of await benchPlots()) {
    console.log(JSON.stringify({ benchmark: "plot", ...figure }));
  }
}

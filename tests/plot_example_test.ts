/**
 * Every figure of the default example, on small generated data: `run` (which plots at the end
 * by default), then `plot` with the example's style in all formats; each figure the model
 * builds has its PNG, PDF and SVG, and report.html is there.
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildFigures, findFonts, loadOutput, loadStyle } from "@ristretto/plot";
import { main } from "../cli/main.ts";
import { setUpExample } from "./_example_setup.ts";

const EXAMPLE_STYLE = fileURLToPath(
  new URL("../configs/example/plot_style.yaml", import.meta.url),
);

const fonts = (() => {
  try {
    findFonts();
    return true;
  } catch (error) {
    console.warn(`SKIP example plots: ${(error as Error).message}`);
    return false;
  }
})();

Deno.test({
  name: "plot: run plots by default; plot renders every figure of the example",
  ignore: !fonts,
  fn: async () => {
    const setup = await setUpExample({ scale: 0.01, files: 1 });
    try {
      const out = `${setup.dir}/out`;
      equal(
        await main(["run", "-c", setup.configPath, "-o", out, "--chunksize", "5000", "-q"]),
        0,
      );
      ok(existsSync(`${out}/report.html`), "run wrote report.html");
      ok(existsSync(`${out}/plots/stack/dimuon_mass__Zmumu__2018.png`), "run wrote PNGs");
      ok(existsSync(`${out}/plots/stack/dimuon_mass__Zmumu__2018.pdf`), "run wrote PDFs");

      // The example's style, with its luminosity file pointed at this test's data.
      const styleText = (await Deno.readTextFile(EXAMPLE_STYLE)).replace(
        /^lumiFile: .*$/m,
        `lumiFile: ${setup.dataDir}/params.yaml`,
      );
      const stylePath = `${setup.dir}/plot_style.yaml`;
      await Deno.writeTextFile(stylePath, styleText);
      await Deno.remove(`${out}/plots`, { recursive: true });
      equal(
        await main(["plot", "-o", out, "--style", stylePath, "--formats", "png,pdf,svg", "-q"]),
        0,
      );
      const style = await loadStyle(stylePath);
      const figures = buildFigures(await loadOutput(out), style);
      const kinds = new Set(figures.map((f) => f.kind));
      deepEqual([...kinds].sort(), ["cutflow", "shape", "stack", "systematic"]);
      // 8 histograms; dimuon_mass only in Zmumu: 22 (histogram, category) pairs, one year.
      equal(figures.filter((f) => f.kind === "stack").length, 22);
      // one systematic-shift figure per (histogram, category) for each of pileup, sf_mu_id,
      // JES_Total and JER: 22 x 4
      equal(
        figures.filter((f) => f.kind === "systematic").length,
        88,
        "pileup, sf_mu_id, JES_Total and JER",
      );
      for (const figure of figures) {
        for (const format of ["png", "pdf", "svg"]) {
          const path = `${out}/plots/${figure.id}.${format}`;
          ok((await Deno.stat(path)).size > 1000, `${path} written`);
        }
      }
      const svg = await Deno.readTextFile(`${out}/plots/stack/dimuon_mass__Zmumu__2018.svg`);
      const lumi = Number(setup.lumi.toPrecision(3));
      ok(svg.includes(`${lumi} pb<tspan`), `the example's ${lumi} pb^-1 above the frame`);
      ok(svg.includes("Z/gamma* -&gt; ll"), "the style's group labels");
      const report = await Deno.readTextFile(`${out}/report.html`);
      ok(report.includes("uPlot"), "uPlot inlined");
      ok(!/<script[^>]+src=/.test(report), "no external scripts");
    } finally {
      await Deno.remove(setup.dir, { recursive: true });
    }
  },
});

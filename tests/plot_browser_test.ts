/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core (no browser
 * download). Opens report.html from disk, expects no console errors, drawn canvases, a working
 * log-y toggle, a hover readout with the bin's data value, and saves a screenshot.
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { plotOutput } from "@ristretto/plot";
import { writeSyntheticOutput } from "../plugins/plot/_test_fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(`SKIP report browser test: ${CHROMIUM} absent (apt-get install chromium)`);
}

Deno.test({
  name: "report.html in chromium: no errors, drawn canvases, log-y, hover readout, screenshot",
  ignore: !available,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ristretto_report_" });
    const profile = await Deno.makeTempDir({ prefix: "ristretto_chromium_" });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1000, height: 1100 },
    });
    try {
      await writeSyntheticOutput(dir, { histograms: 3, categories: 2 });
      const files = await plotOutput(dir, { formats: [] });
      equal(files.join(), "report.html");
      const page = context.pages()[0] ?? await context.newPage();
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(String(error)));
      // Nothing may leave the machine: the report is self-contained.
      await page.route(/^(?!file:)/, (route) => {
        errors.push(`network request: ${route.request().url()}`);
        return route.abort();
      });
      await page.goto(`file://${dir}/report.html`);
      await page.waitForSelector("#main-plot canvas");
      await page.waitForSelector("#ratio-plot canvas");

      // Drawn: each canvas has many non-background pixels.
      // Evaluated in the page (as text: this file is type-checked without the DOM library).
      const inked = await page.evaluate<number[]>(`[...document.querySelectorAll("canvas")]
        .map((canvas) => {
          const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
          let count = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
          return count;
        })`);
      ok(inked.length >= 2, `${inked.length} canvases`);
      for (const count of inked) ok(count > 2000, `canvas with ${count} drawn pixels`);

      // Log y: the checkbox redraws the main panel with a log scale.
      const distr = () => page.evaluate<number>("ristretto.plots()[0].scales.y.distr");
      equal(await distr(), 1);
      await page.check("#logy");
      equal(await distr(), 3, "log scale after the toggle");
      await page.uncheck("#logy");
      equal(await distr(), 1);

      // Hover the centre of bin 3 of the main panel and read its data value.
      const target = await page.evaluate<{ x: number; y: number; value: number }>(`(() => {
        const plot = ristretto.plots()[0];
        const over = document.querySelector("#main-plot .u-over").getBoundingClientRect();
        const kind = document.getElementById("kind").value;
        const histogram = document.getElementById("histogram").value;
        const figure = ristretto.figures.find((f) => f.id.startsWith(kind + "/" + histogram + "__"));
        const x = plot.valToPos((figure.edges[3] + figure.edges[4]) / 2, "x");
        const points = figure.main.layers.find((l) => l.type === "points");
        return { x: over.left + x, y: over.top + over.height / 2, value: points.values[3] };
      })()`);
      await page.mouse.move(target.x, target.y);
      const readout = await page.textContent("#readout");
      ok(readout?.startsWith("bin 3: [30, 40)"), `readout: ${readout}`);
      ok(
        readout?.includes(`Data: ${target.value} [`),
        `readout shows the data value ${target.value}: ${readout}`,
      );

      // Linked zoom: a drag over the main panel zooms x in the ratio panel too.
      const box = await page.evaluate<{ left: number; top: number; width: number; height: number }>(
        `(() => { const r = document.querySelector("#main-plot .u-over").getBoundingClientRect();
          return { left: r.left, top: r.top, width: r.width, height: r.height }; })()`,
      );
      await page.mouse.move(box.left + box.width * 0.2, box.top + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.left + box.width * 0.5, box.top + box.height / 2, { steps: 5 });
      await page.mouse.up();
      const scales = await page.evaluate<number[][]>(
        "ristretto.plots().map((p) => [p.scales.x.min, p.scales.x.max])",
      );
      equal(scales.length, 2);
      ok(scales[0][0] > 20 && scales[0][1] < 120, `zoomed main x: ${scales[0]}`);
      deepEqual(scales[1], scales[0], "ratio panel follows");

      // Another figure through the navigation still draws.
      await page.selectOption("#kind", "cutflow");
      await page.waitForSelector("#main-plot canvas");
      ok((await page.textContent("#heading"))?.includes("cutflow"));
      ok((await page.textContent("table.cutflow"))?.includes("presel"), "cutflow table");
      ok((await page.textContent("#metadata"))?.includes("synthetic"), "run metadata");

      const screenshot = `${dir}/report.png`;
      await page.screenshot({ path: screenshot, fullPage: false });
      ok((await Deno.stat(screenshot)).size > 10_000, "screenshot saved");
      equal(errors.length, 0, `console errors:\n${errors.join("\n")}`);
    } finally {
      await context.close();
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(profile, { recursive: true });
    }
  },
});

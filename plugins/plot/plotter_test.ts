import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { API_VERSION } from "@ristretto/core/plugin";
import { cmsPlotter, parseFormats, pool } from "./plotter.ts";
import { writeSyntheticOutput } from "./_test_fixture.ts";

Deno.test("the Plotter plugin writes SVGs of every figure under plots/", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_plotter_" });
  try {
    await writeSyntheticOutput(dir, { histograms: 1, categories: 1 });
    const plotter = cmsPlotter();
    equal(plotter.kind, "plotter");
    equal(plotter.apiVersion, API_VERSION);
    const files = await plotter.plot(dir, { formats: ["svg"], report: false });
    deepEqual(files.sort(), [
      "plots/cutflow/cutflow__all__2018.svg",
      "plots/shape/var0__cat0__2018.svg",
      "plots/stack/var0__cat0__2018.svg",
      "plots/systematic/var0__cat0__2018__JES.svg",
      "plots/systematic/var0__cat0__2018__wt.svg",
    ]);
    for (const file of files) ok((await Deno.readTextFile(`${dir}/${file}`)).startsWith("<svg"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("formats and the promise pool", async () => {
  deepEqual(parseFormats("png, PDF,svg"), ["png", "pdf", "svg"]);
  throws(() => parseFormats("png,gif"), /Unknown plot format "gif"/);
  let running = 0;
  let most = 0;
  const out = await pool([5, 1, 3, 2, 4], async (n) => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, n));
    running--;
    return n * 10;
  }, { limit: 2 });
  deepEqual(out, [50, 10, 30, 20, 40], "input order kept");
  equal(most, 2, "at most 2 at once");
});

/**
 * The statistics commands on the default example: run the analysis on small generated data,
 * build the shipped stats model (configs/example/stats.yaml), fit pseudo-data made from the MC
 * sum at mu = 1 (Asimov, and one Poisson toy with a fixed seed), and run `fit`, `datacards` and
 * `workspace` through the CLI.
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  asimovData,
  buildWorkspace,
  compileModel,
  fit,
  fitReport,
  formatFitReport,
  prepareModel,
} from "@ristretto/stats";
import { main } from "../cli/main.ts";
import { setUpExample } from "./_example_setup.ts";
import {
  parseDatacard,
  schemaPresent,
  workspaceValidator,
} from "../plugins/stats/_test_helpers.ts";

const STATS_MODEL = fileURLToPath(new URL("../configs/example/stats.yaml", import.meta.url));

/** mulberry32: a small seeded generator, so the toy is the same on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson by inversion (means here are at most a few thousand). */
function poisson(mean: number, random: () => number): number {
  if (!(mean > 0)) return 0;
  const u = random();
  // Walk the CDF in log space to avoid underflow of exp(-mean) for large means.
  let k = 0;
  let logP = -mean;
  let cdf = Math.exp(logP);
  while (cdf < u && k < 10 * mean + 100) {
    k++;
    logP += Math.log(mean / k);
    cdf += Math.exp(logP);
  }
  return k;
}

Deno.test("stats: the example model fits pseudo-data at mu = 1; fit/datacards/workspace CLI", async () => {
  const setup = await setUpExample({ scale: 0.05, files: 1 });
  try {
    const out = `${setup.dir}/out`;
    equal(
      await main([
        "run",
        "-c",
        setup.configPath,
        "-o",
        out,
        "--chunksize",
        "20000",
        "-q",
        "--no-plot",
      ]),
      0,
    );
    const prepared = await prepareModel(out, STATS_MODEL);
    equal(prepared.templates.length, 2);
    const model = prepared.model;
    equal(model.parameters[model.poi].name, "mu");

    // Asimov at mu = 1: the fit returns exactly 1.
    const asimov = asimovData(model, { poi: 1 });
    const asimovFit = fit(model, asimov);
    ok(asimovFit.converged);
    ok(
      Math.abs(asimovFit.values[model.poi] - 1) < 1e-6,
      `Asimov mu-hat ${asimovFit.values[model.poi]}`,
    );

    // A Poisson toy from the MC sum at mu = 1 (seed fixed): mu within its uncertainty of 1.
    const random = seeded(20261129);
    const observations: Record<string, Float64Array> = {};
    for (const channel of prepared.templates) {
      const toy = new Float64Array(channel.data.length);
      for (let b = 0; b < toy.length; b++) {
        let mean = 0;
        for (const process of channel.processes) mean += process.nominal[b];
        toy[b] = poisson(mean, random);
      }
      observations[channel.name] = toy;
    }
    const toyModel = compileModel(
      buildWorkspace(prepared.config, prepared.templates, { observations }),
    );
    const report = fitReport(toyModel, toyModel.observed);
    ok(report.converged, `converged (|g| = ${report.gradientNorm})`);
    const { lower, upper } = report.interval;
    ok(lower <= 1 && 1 <= upper, `mu = ${report.poiHat} [${lower}, ${upper}] contains 1`);
    ok(
      Math.abs(report.poiHat - 1) <= report.poiError,
      `|mu-hat - 1| <= Hessian error ${report.poiError}`,
    );
    ok(report.expected.z > 0);
    const table = formatFitReport(report);
    ok(table.startsWith("mu = "), table);
    for (const name of ["lumi", "xsec_dy", "JES_Total", "JER", "staterror_ttbar_1b[0]"]) {
      ok(table.includes(`\n${name} `), `table lists ${name}`);
    }

    // The CLI: fit with a scan, datacards, workspace.
    const stats = `${setup.dir}/stats`;
    equal(
      await main([
        "fit",
        "-o",
        out,
        "-m",
        STATS_MODEL,
        "--scan",
        "0:2:11",
        "--asimov",
        "--stats-dir",
        stats,
        "-q",
      ]),
      0,
    );
    const fitJson = JSON.parse(await Deno.readTextFile(`${stats}/fit.json`));
    ok(Math.abs(fitJson.poiHat - 1) < 1e-6);
    const scan = JSON.parse(await Deno.readTextFile(`${stats}/scan.json`));
    equal(scan.points.length, 11);
    ok(scan.points.every((p: { twiceDeltaNll: number }) => p.twiceDeltaNll >= -1e-9));
    ok((await Deno.readTextFile(`${stats}/scan.svg`)).startsWith("<svg"));
    equal(await main(["datacards", "-o", out, "-m", STATS_MODEL, "--stats-dir", stats, "-q"]), 0);
    for (const channel of prepared.templates) {
      const card = parseDatacard(await Deno.readTextFile(`${stats}/datacards/${channel.name}.txt`));
      equal(card.jmax, 2);
      deepEqual(card.processes, ["ttbar", "dy", "wjets"]);
      // lumi, xsec_dy, xsec_wjets, sf_mu_id, pileup, JES_Total, JER
      equal(card.kmax, 7);
      equal(card.systematics.length, 7);
      card.rates.forEach((rate, i) => {
        const integral = channel.processes[i].nominal.reduce((a, b) => a + b, 0);
        ok(Math.abs(rate - integral) <= 1e-10 * Math.max(1, integral), `${rate} vs ${integral}`);
      });
    }
    ok(existsSync(`${stats}/datacards/ttbar_2b_shapes.json`));
    ok(existsSync(`${stats}/datacards/ttbar_2b_shapes.root`));
    equal(await main(["workspace", "-o", out, "-m", STATS_MODEL, "--stats-dir", stats, "-q"]), 0);
    const workspace = JSON.parse(await Deno.readTextFile(`${stats}/workspace.json`));
    if (schemaPresent) equal(workspaceValidator()(workspace), undefined);
    // fit --pyhf reads it back and finds the same best fit as the model did.
    equal(
      await main(["fit", "--pyhf", `${stats}/workspace.json`, "--stats-dir", `${stats}/ws`, "-q"]),
      0,
    );
    const again = JSON.parse(await Deno.readTextFile(`${stats}/ws/fit.json`));
    const direct = fit(model, model.observed);
    ok(Math.abs(again.poiHat - direct.values[model.poi]) < 1e-6);
    // A bad model file is an input error: exit 2.
    const bad = `${setup.dir}/bad.yaml`;
    await Deno.writeTextFile(
      bad,
      (await Deno.readTextFile(STATS_MODEL)).replace("histogram: ht", "histogram: htt"),
    );
    const errors: string[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(" "));
    try {
      equal(await main(["fit", "-o", out, "-m", bad, "-q"]), 2);
    } finally {
      console.error = consoleError;
    }
    ok(/histogram "htt".*did you mean "ht"/.test(errors.join("\n")), errors.join("\n"));
  } finally {
    await Deno.remove(setup.dir, { recursive: true });
  }
});

/**
 * End to end: the default example on freshly generated toy NanoAOD, through the processor and
 * through the CLI, against the same analysis written out by hand (tests/_reference_analysis.ts:
 * plain per-event loops over the Parquet rows, read with hyparquet; the correction tables
 * looked up with the correctionlib evaluator). Every histogram, category, variation (the pileup
 * and muon ID scale factor weights, the JES Total and JER shapes: hybrid smearing against the
 * generator-level jets, MET following the jets) and dataset is compared bin by bin, flow bins
 * included, values and variances, after normalisation by xsec * lumi / sum(genWeight) with
 * negative genWeights present; the cutflows, sums of genWeight, scales and the written files
 * too. Two variants of the example reach what it alone does not: histograms of missing
 * objects, flow-less and variable axes, NaN comparisons; and a second primary dataset with a
 * trigger priority. Last, broken configs through the CLI: exit 2, one file:line:column line.
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { Ajv } from "ajv";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { fromUHI, type Hist, parseUHI } from "@ristretto/core/hist";
import { runAnalysis } from "@ristretto/core/processor";
import { inProcessExecutor } from "@ristretto/executor-local";
import { builtinRegistry } from "../cli/builtins.ts";
import { main } from "../cli/main.ts";
import {
  CATEGORIES,
  EXTRA_HISTOGRAMS,
  EXTRA_HISTOGRAMS_YAML,
  HISTOGRAMS,
  MC_VARIATIONS,
  referenceAnalysis,
  type ReferenceBins,
  type ReferenceDataset,
} from "./_reference_analysis.ts";
import { cliCommand, loadAsRun, setUpExample } from "./_example_setup.ts";

/**
 * Float32 inputs are identical on both sides and every sum is float64: only the summation
 * order differs, so bins agree to ~1e-13 of the sum of |weights| in them.
 */
const TOLERANCE = 1e-9;

const UHI_SCHEMA = new URL("../../shared/specs/uhi-histogram.schema.json", import.meta.url);

/** A few thousand events per sample: every category gets entries, the test stays quick. */
const SCALE = 0.02;

/** Collects mismatches so one failure shows all of them (up to a limit). */
class Mismatches {
  readonly #lines: string[] = [];
  count = 0;
  close(what: string, actual: number, expected: number, scaleOfError: number): void {
    if (Math.abs(actual - expected) <= TOLERANCE * Math.abs(scaleOfError)) return;
    this.count++;
    if (this.#lines.length < 30) {
      this.#lines.push(`${what}: got ${actual}, expected ${expected}`);
    }
  }
  exact(what: string, actual: unknown, expected: unknown): void {
    if (actual === expected) return;
    this.count++;
    if (this.#lines.length < 30) this.#lines.push(`${what}: got ${actual}, expected ${expected}`);
  }
  check(): void {
    equal(this.count, 0, `${this.count} mismatches:\n${this.#lines.join("\n")}`);
  }
}

/** Checks a histogram's axes are the example's (categories, variations, binning with flow). */
function checkAxes(where: string, hist: Hist, name: string, reference: ReferenceDataset): void {
  const spec = HISTOGRAMS[name] ?? EXTRA_HISTOGRAMS[name];
  const [cat, variation, axis, ...rest] = hist.axes;
  equal(rest.length, 0, `${where}: three axes (cat, variation, value)`);
  ok(cat.kind === "strCategory" && variation.kind === "strCategory", `${where}: category axes`);
  deepEqual([...cat.categories], [...spec.categories], `${where}: categories`);
  deepEqual(
    [...variation.categories],
    reference.isMC ? [...MC_VARIATIONS] : ["nominal"],
    `${where}: variations`,
  );
  equal(axis.kind, spec.axis.kind, `${where}: axis kind`);
  deepEqual(
    [axis.bins, axis.underflow, axis.overflow],
    [spec.axis.bins, spec.axis.underflow, spec.axis.overflow],
    `${where}: bins and flow bins`,
  );
  if (axis.kind === "regular" || axis.kind === "integer") {
    deepEqual([axis.start, axis.stop], [spec.axis.start, spec.axis.stop], `${where}: range`);
  } else if (axis.kind === "variable") {
    deepEqual([...axis.edges()], spec.axis.edges, `${where}: edges`);
  }
}

/**
 * Compares one framework histogram (values times `scale`) with the reference (times its own
 * normalisation), every category x variation, every bin including underflow and overflow.
 */
function compareHistogram(
  mismatches: Mismatches,
  where: string,
  hist: Hist,
  scale: number,
  reference: ReferenceDataset,
  name: string,
): void {
  checkAxes(where, hist, name, reference);
  for (const [category, byVariation] of Object.entries(reference.histograms[name])) {
    for (const [variation, bins] of Object.entries(byVariation)) {
      const slice = hist.select({ cat: category, variation });
      compareBins(
        mismatches,
        `${where} [${category}, ${variation}]`,
        slice.values({ flow: true }),
        slice.variances({ flow: true }),
        scale,
        bins,
        reference.scale,
      );
    }
  }
}

function compareBins(
  mismatches: Mismatches,
  where: string,
  values: Float64Array,
  variances: Float64Array,
  scale: number,
  bins: ReferenceBins,
  referenceScale: number,
): void {
  mismatches.exact(`${where} number of bins`, values.length, bins.values.length);
  for (let b = 0; b < bins.values.length; b++) {
    mismatches.close(
      `${where} bin ${b} value`,
      values[b] * scale,
      bins.values[b] * referenceScale,
      bins.sumAbs[b] * referenceScale,
    );
    mismatches.close(
      `${where} bin ${b} variance`,
      variances[b] * scale * scale,
      bins.variances[b] * referenceScale * referenceScale,
      bins.variances[b] * referenceScale * referenceScale,
    );
  }
}

/**
 * Compares a cutflow (per shape variation, per step: events and sumw, and in cutflow.json the
 * normalised sumw_scaled too) with the reference.
 */
function compareCutflow(
  mismatches: Mismatches,
  where: string,
  cutflow: Record<string, Record<string, { events: number; sumw: number; sumw_scaled?: number }>>,
  reference: ReferenceDataset,
  written: boolean,
): void {
  deepEqual(Object.keys(cutflow), Object.keys(reference.cutflow), `${where}: cutflow variations`);
  for (const [shape, steps] of Object.entries(reference.cutflow)) {
    deepEqual(Object.keys(cutflow[shape]), Object.keys(steps), `${where} ${shape}: steps`);
    for (const [step, entry] of Object.entries(steps)) {
      const got = cutflow[shape][step];
      const what = `${where} cutflow ${shape} ${step}`;
      mismatches.exact(`${what} events`, got.events, entry.events);
      mismatches.close(`${what} sumw`, got.sumw, entry.sumw, entry.sumw);
      if (written) {
        const scaled = entry.sumw * reference.scale;
        mismatches.close(`${what} sumw_scaled`, got.sumw_scaled!, scaled, scaled);
      }
    }
  }
}

/** The reference's sanity: the checks below only mean something if these hold. */
function checkReferenceCoverage(reference: Map<string, ReferenceDataset>): void {
  const mc = [...reference.values()].filter((dataset) => dataset.isMC);
  ok(mc.length >= 4 && reference.size > mc.length, "MC datasets and pseudo-data generated");
  for (const dataset of reference.values()) {
    equal(dataset.initial.events, dataset.nevents, `${dataset.name}: every generated event read`);
  }
  for (const dataset of mc) {
    ok(dataset.scale > 0 && Number.isFinite(dataset.scale), `${dataset.name}: finite scale`);
  }
  const negative = mc.filter((dataset) => dataset.negativeWeights > 0);
  ok(negative.length >= 2, `negative genWeights present (in ${negative.map((d) => d.name)})`);
  const dy = mc.find((dataset) => dataset.name.startsWith("DYJetsToMuMu"))!;
  ok(dy.negativeWeights > 0, "Drell-Yan (the Zmumu sample) has negative genWeights");
  // Every category is populated somewhere, in simulation and in the pseudo-data.
  for (const category of CATEGORIES) {
    ok(mc.some((d) => d.cutflow.nominal[category].events > 0), `${category} filled in MC`);
    ok(
      [...reference.values()].some((d) => !d.isMC && d.cutflow.nominal[category].events > 0),
      `${category} filled in data`,
    );
  }
  // The extra histograms meet missing objects and values in the flow bins they do not keep.
  const count = (histogram: string, field: "missing" | "dropped") => {
    let n = 0;
    for (const dataset of reference.values()) {
      for (const byVariation of Object.values(dataset.histograms[histogram])) {
        for (const bins of Object.values(byVariation)) n += bins[field];
      }
    }
    return n;
  };
  for (
    const histogram of ["leading_jet_pt", "second_jet_eta", "dimuon_mass_upper", "charge_product"]
  ) {
    ok(count(histogram, "missing") > 0, `${histogram}: some events lack the object`);
  }
  ok(count("leading_jet_pt", "dropped") > 0, "leading_jet_pt: entries above the range dropped");
  ok(count("dimuon_mass_upper", "dropped") > 0, "dimuon_mass_upper: entries below dropped");
  for (const histogram of Object.keys(HISTOGRAMS)) {
    ok(count(histogram, "dropped") === 0, `${histogram}: flow bins kept`);
  }
  // The JES and JER shifts move jets across the thresholds and HT: the shape bins are not
  // copies; the weight variations change the weights.
  const ttbar = mc.find((dataset) => dataset.name.startsWith("TTToSemiLeptonic"))!;
  const nominalHt = ttbar.histograms.ht.ttbar_1b.nominal.values;
  for (const weight of ["pileupUp", "pileupDown", "sf_mu_idUp", "sf_mu_idDown"]) {
    const shifted = ttbar.histograms.ht.ttbar_1b[weight].values;
    ok(shifted.some((value, b) => value !== nominalHt[b]), `${weight} changes ttbar_1b HT`);
  }
  // Both JER methods are exercised: jets with a matching gen jet, and without (pileup jets;
  // in Z -> ee, the electrons that NanoAOD also clusters as jets).
  for (const dataset of mc) {
    const { scaling, stochastic } = dataset.jerMethods;
    ok(scaling > 0 && stochastic > 0, `${dataset.name}: JER scaling and stochastic smearing`);
  }
  ok(ttbar.jerMethods.scaling > 3 * ttbar.jerMethods.stochastic, "most ttbar jets are matched");
  for (const shift of ["JES_TotalUp", "JES_TotalDown", "JERUp", "JERDown"]) {
    const shifted = ttbar.histograms.ht.ttbar_1b[shift].values;
    ok(shifted.some((value, b) => value !== nominalHt[b]), `${shift} changes ttbar_1b HT`);
    ok(
      (["presel", ...CATEGORIES] as const).some((step) =>
        ttbar.cutflow[shift][step].events !== ttbar.cutflow.nominal[step].events
      ),
      `${shift} changes the ttbar selection`,
    );
  }
  // Negative-weight events reach the histograms, not only sum(genWeight).
  const zMass = dy.histograms.dimuon_mass.Zmumu.nominal;
  let negativeBins = 0;
  for (let b = 0; b < zMass.values.length; b++) {
    if (zMass.sumAbs[b] > Math.abs(zMass.values[b]) * (1 + 1e-12)) negativeBins++;
  }
  ok(negativeBins > 0, "some dimuon_mass bins of DY hold negative weights");
}

/**
 * Runs a config in process and compares every dataset's sum of genWeight, scale, cutflow and
 * the named histograms (exactly those) with the reference.
 */
async function checkInProcess(
  configPath: string,
  reference: Map<string, ReferenceDataset>,
  histograms: readonly string[],
): Promise<void> {
  const loaded = await loadAsRun(configPath);
  const registry = builtinRegistry();
  const executor = inProcessExecutor();
  registry.add(executor);
  // Small chunks: several work items per file, so merging is exercised too.
  const result = await runAnalysis(loaded, { registry, executor, chunkSize: 700 });
  deepEqual(result.failed, [], "no work item failed");
  deepEqual(
    [...result.outputs.keys()].sort(),
    [...reference.keys()].sort(),
    "one output per dataset",
  );
  let total = 0;
  for (const dataset of reference.values()) total += dataset.initial.events;
  equal(result.events, total, "events processed");

  const mismatches = new Mismatches();
  for (const [name, expected] of reference) {
    const output = result.outputs.get(name)!;
    equal(output.events, expected.initial.events, `${name}: events before cuts`);
    mismatches.close(
      `${name} sum(genWeight)`,
      output.sumGenWeight,
      expected.initial.sumw,
      expected.initial.sumw,
    );
    const scale = result.scales.get(name)!;
    mismatches.close(`${name} scale`, scale, expected.scale, expected.scale);
    deepEqual(Object.keys(output.samples), [expected.sample], `${name}: samples`);
    const sample = output.samples[expected.sample];
    compareCutflow(mismatches, name, sample.cutflow, expected, false);
    deepEqual(
      Object.keys(sample.histograms).sort(),
      [...histograms].sort(),
      `${name}: every histogram of the config, and only those`,
    );
    for (const histogram of histograms) {
      compareHistogram(
        mismatches,
        `${name} ${histogram}`,
        sample.histograms[histogram],
        scale,
        expected,
        histogram,
      );
    }
  }
  mismatches.check();
}

Deno.test("e2e: the default example matches a hand-written event loop, bin by bin", async (t) => {
  const setup = await setUpExample({ scale: SCALE });
  try {
    // The example reads the generator's toy payloads (params_payloads.yaml).
    const correctionsDir = `${setup.dataDir}/corrections`;
    const reference = await referenceAnalysis(setup.datasetsJson, { ...setup, correctionsDir });
    checkReferenceCoverage(reference);
    const lumiFromDefaults = 59830; // configs/params/defaults.yaml: the example must override it
    ok(Math.abs(setup.lumi - lumiFromDefaults) > 1, "the generated luminosity is the example's");

    await t.step("runAnalysis (in process)", async () => {
      await checkInProcess(setup.configPath, reference, Object.keys(HISTOGRAMS));
    });

    await t.step(
      "runAnalysis with extra histograms: missing objects, flow, variable axis",
      async () => {
        // The example's histograms never meet a missing object (every histogram is filled after
        // a one-muon preselection); these do, in every category.
        ok(setup.configText.includes("\ncolumns:"), "the example has a columns section");
        const text = setup.configText.replace("\ncolumns:", `${EXTRA_HISTOGRAMS_YAML}\ncolumns:`);
        const path = `${setup.dir}/analysis_extra.yaml`;
        await Deno.writeTextFile(path, text);
        await checkInProcess(path, reference, [
          ...Object.keys(HISTOGRAMS),
          ...Object.keys(EXTRA_HISTOGRAMS),
        ]);
      },
    );

    await t.step("runAnalysis with a second primary dataset and trigger priority", async () => {
      const from = "    SingleMuon: [IsoMu24]\n  missingPath: error";
      ok(setup.configText.includes(from), "the example's trigger section is as expected");
      const text = setup.configText.replace(
        from,
        "    SingleMuon: [IsoMu24]\n    EGamma: [Ele32_WPTight_Gsf]\n" +
          "  priority: [EGamma, SingleMuon]\n  missingPath: error",
      );
      const path = `${setup.dir}/analysis_trigger.yaml`;
      await Deno.writeTextFile(path, text);
      const twoStreams = await referenceAnalysis(setup.datasetsJson, {
        ...setup,
        correctionsDir,
        trigger: "egamma-first",
      });
      // The change must matter: more simulated events pass (OR), fewer data events (veto).
      const skimmed = (datasets: Map<string, ReferenceDataset>, isMC: boolean) =>
        [...datasets.values()].filter((d) => d.isMC === isMC).reduce(
          (sum, d) => sum + d.cutflow.nominal.skim.events,
          0,
        );
      ok(skimmed(twoStreams, true) > skimmed(reference, true), "MC: IsoMu24 || Ele32");
      ok(skimmed(twoStreams, false) < skimmed(reference, false), "data: Ele32 events vetoed");
      await checkInProcess(path, twoStreams, Object.keys(HISTOGRAMS));
    });

    await t.step("CLI run: written histograms, cutflow, sumw, metadata", async () => {
      const out = `${setup.dir}/out`;
      const code = await main([
        "run",
        "--config",
        setup.configPath,
        "--output",
        out,
        "--chunksize",
        "1500",
        "--quiet",
      ]);
      equal(code, 0, "exit code");

      const files = [...Deno.readDirSync(`${out}/histograms`)].map((entry) => entry.name).sort();
      deepEqual(files, Object.keys(HISTOGRAMS).map((name) => `${name}.json`).sort());
      const validate = existsSync(UHI_SCHEMA)
        ? new Ajv({ strict: false, allErrors: true }).compile(
          JSON.parse(Deno.readTextFileSync(UHI_SCHEMA)),
        )
        : undefined;
      if (!validate) console.log(`skipping UHI schema validation: ${UHI_SCHEMA.pathname} absent`);

      const mismatches = new Mismatches();
      for (const histogram of Object.keys(HISTOGRAMS)) {
        const text = await Deno.readTextFile(`${out}/histograms/${histogram}.json`);
        const document = parseUHI(text);
        if (validate) {
          ok(validate(document), `${histogram}.json: ${JSON.stringify(validate.errors)}`);
        }
        const hists = fromUHI(document);
        deepEqual(
          Object.keys(hists).sort(),
          [...reference.values()].map((d) => `${d.sample}/${d.name}`).sort(),
          `${histogram}.json: one entry per sample/dataset`,
        );
        for (const expected of reference.values()) {
          const hist = hists[`${expected.sample}/${expected.name}`];
          mismatches.close(
            `${histogram} ${expected.name} metadata.scale`,
            Number(hist.metadata?.scale),
            expected.scale,
            expected.scale,
          );
          // Written histograms are already normalised.
          compareHistogram(
            mismatches,
            `${histogram}.json ${expected.name}`,
            hist,
            1,
            expected,
            histogram,
          );
        }
      }

      type Step = { events: number; sumw: number; sumw_scaled: number };
      // dataset -> sample -> variation -> step
      const cutflow = JSON.parse(await Deno.readTextFile(`${out}/cutflow.json`)) as Record<
        string,
        Record<string, Record<string, Record<string, Step>>>
      >;
      const sumw = JSON.parse(await Deno.readTextFile(`${out}/sumw.json`)) as Record<
        string,
        { events: number; sumGenWeight: number; scale: number }
      >;
      const metadata = JSON.parse(await Deno.readTextFile(`${out}/metadata.json`));
      deepEqual(Object.keys(cutflow).sort(), [...reference.keys()].sort(), "cutflow datasets");
      deepEqual(Object.keys(sumw).sort(), [...reference.keys()].sort(), "sumw datasets");
      let total = 0;
      for (const [name, expected] of reference) {
        total += expected.initial.events;
        mismatches.exact(`sumw.json ${name} events`, sumw[name].events, expected.initial.events);
        mismatches.close(
          `sumw.json ${name} sumGenWeight`,
          sumw[name].sumGenWeight,
          expected.initial.sumw,
          expected.initial.sumw,
        );
        mismatches.close(
          `sumw.json ${name} scale`,
          sumw[name].scale,
          expected.scale,
          expected.scale,
        );
        compareCutflow(
          mismatches,
          `cutflow.json ${name}`,
          cutflow[name][expected.sample],
          expected,
          true,
        );
      }
      // The exported Zmumu columns: one row per selected event, with its nominal weight.
      for (const [name, expected] of reference) {
        const file = `${out}/columns/dimuon/${expected.sample}/${name}__Zmumu.parquet`;
        const rows = await parquetReadObjects({
          file: (await Deno.readFile(file)).buffer,
          compressors,
        }) as { mass: number; leadingPt: number; njets: number; weight: number }[];
        const zmumu = expected.cutflow.nominal.Zmumu;
        mismatches.exact(`${file} rows`, rows.length, zmumu.events);
        let sumw = 0;
        for (const row of rows) {
          sumw += row.weight;
          ok(Math.abs(row.mass - 91.19) < 15 && row.leadingPt > 26, `${file}: a Zmumu event`);
        }
        mismatches.close(`${file} sum of weight`, sumw, zmumu.sumw, zmumu.sumw);
      }
      mismatches.check();
      equal(metadata.config, "zmumu_ttbar_example");
      // The pileup weight's fingerprint carries the SHA-256 of the payload it read.
      const payload = await Deno.readFile(
        `${setup.dataDir}/corrections/LUM_2018_UL_puWeights.json.gz`,
      );
      const payloadSha256 = Array.from(
        new Uint8Array(await crypto.subtle.digest("SHA-256", payload)),
        (byte) => byte.toString(16).padStart(2, "0"),
      ).join("");
      const pileupEntry = (metadata.plugins as string[]).find((p) =>
        p.startsWith("weight:pileup-weight@")
      );
      ok(pileupEntry?.includes(payloadSha256), `metadata.json plugins: ${pileupEntry}`);
      equal(metadata.events, total, "metadata.json events");
      equal(metadata.partial, false);
      deepEqual(metadata.failed, []);
      deepEqual(
        metadata.datasets.map((d: { name: string }) => d.name).sort(),
        [...reference.keys()].sort(),
      );
      for (const dataset of metadata.datasets as { name: string; xsec?: number }[]) {
        const expected = reference.get(dataset.name)!;
        if (expected.isMC) equal(dataset.xsec, expected.xsec, `metadata.json ${dataset.name} xsec`);
      }
    });
  } finally {
    await Deno.remove(setup.dir, { recursive: true });
  }
});

/** A broken variant of the example: `from` replaced by `to`; where the error must point. */
interface BrokenConfig {
  readonly from: string;
  readonly to: string;
  /** Text the one error line must contain (the did-you-mean, what was expected). */
  readonly says: readonly string[];
  /** The reported column is that of this text in the broken line (omit: any column). */
  readonly at?: string;
  /** How many lines below the broken one the parser may notice (YAML syntax errors). */
  readonly slack?: number;
}

const BROKEN_CONFIGS: Readonly<Record<string, BrokenConfig>> = {
  unknown_key: {
    from: "    cleanAgainst:",
    to: "    cleanAgaints:",
    says: ['unknown key "cleanAgaints"', 'did you mean "cleanAgainst"'],
    at: "cleanAgaints",
  },
  expression_field: {
    from: "pfRelIso04_all < 0.15",
    to: "pfRelIso04_al < 0.15",
    says: ['unknown name "pfRelIso04_al"', 'did you mean "pfRelIso04_all"'],
    at: "pfRelIso04_al",
  },
  wrong_type: {
    from: "bins: 60,",
    to: 'bins: "sixty",',
    says: ["histograms.dimuon_mass.axes[0].bins", "expected number", '"sixty"'],
    at: '"sixty"',
  },
  yaml_syntax: {
    // A flow mapping left open.
    from: 'label: "jet p_T [GeV]" }',
    to: 'label: "jet p_T [GeV]"',
    says: ["Cannot parse"],
    slack: 2,
  },
};

Deno.test("e2e: a broken config exits 2 with one file:line:column line and no stack trace", async () => {
  // The expression is checked against the files' branches, so the config needs real data.
  const setup = await setUpExample({
    events: { dy_mumu: 200, dy_ee: 0, ttbar_semilep: 0, ttbar_dilep: 0, wjets: 0, data: 100 },
    files: 1,
  });
  try {
    await Promise.all(
      Object.entries(BROKEN_CONFIGS).map(async ([name, broken]) => {
        ok(
          setup.configText.includes(broken.from),
          `${name}: the example still has "${broken.from}"`,
        );
        const text = setup.configText.replace(broken.from, broken.to);
        const path = `${setup.dir}/${name}.yaml`;
        await Deno.writeTextFile(path, text);
        const lines = text.split("\n");
        const brokenLine = lines.findIndex((line) => line.includes(broken.to)) + 1;

        const run = await cliCommand(["run", "--config", path, "--quiet"], { cwd: setup.dir })
          .output();
        const stderr = new TextDecoder().decode(run.stderr);
        const stdout = new TextDecoder().decode(run.stdout);
        equal(run.code, 2, `${name}: exit code 2; stderr:\n${stderr}`);
        equal(stdout, "", `${name}: nothing on stdout`);

        const located = stderr.split("\n").filter((line) => line.includes(`${path}:`));
        equal(located.length, 1, `${name}: one line naming the file:\n${stderr}`);
        const match = /^error: (.+):(\d+):(\d+): (.+)$/.exec(located[0]);
        ok(match, `${name}: "error: file:line:column: message":\n${stderr}`);
        ok(stderr.startsWith(located[0]), `${name}: the located line comes first:\n${stderr}`);
        const [, file, line, column, message] = match;
        equal(file, path, `${name}: the file`);
        const slack = broken.slack ?? 0;
        ok(
          Number(line) >= brokenLine && Number(line) <= brokenLine + slack,
          `${name}: line ${line}, the broken line is ${brokenLine}`,
        );
        if (broken.at) {
          equal(
            Number(column),
            lines[brokenLine - 1].indexOf(broken.at) + 1,
            `${name}: column of "${broken.at}" in\n${lines[brokenLine - 1]}`,
          );
        }
        for (const words of broken.says) {
          ok(message.includes(words), `${name}: says ${words}:\n${stderr}`);
        }
        // No stack trace, no uncaught-error report.
        ok(!/^\s+at /m.test(stderr), `${name}: no stack frames:\n${stderr}`);
        ok(
          !/Uncaught|Stack backtrace|\.ts:\d+:\d+\)/.test(stderr),
          `${name}: no trace:\n${stderr}`,
        );
        ok(!existsSync(`${setup.dir}/out`), `${name}: no output written`);
      }),
    );
  } finally {
    await Deno.remove(setup.dir, { recursive: true });
  }
});

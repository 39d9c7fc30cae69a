/**
 * The CMS corrections through the whole pipeline: pileup and muon scale factors as weights with
 * their variations, JES sources as shape variations, on generated NanoAOD written as Parquet,
 * checked bin by bin against plain loops over the same events with the correctionlib evaluator;
 * the shipped configs/example_corrections config on generated example data (the CMS payloads
 * when present, else the generator's toy ones); and the payloads' bytes in the work-item hashes.
 * @module
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Column, Jagged } from "@ristretto/core/columns";
import { configFromText, loadAnalysisConfig } from "@ristretto/core/config";
import { planRun, pluginFingerprint, runAnalysis } from "@ristretto/core/processor";
import { ResultStore } from "@ristretto/core/store";
import type { Hist } from "@ristretto/core/hist";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { correctionsDir, generateEvents } from "@ristretto/cms";
import { writeParquet } from "@ristretto/parquet";
import { loadCorrectionSetSync } from "@ristretto/correctionlib";
import { inProcessExecutor } from "@ristretto/executor-local";
import { parse as parseYaml } from "yaml";
import { builtinRegistry } from "../cli/builtins.ts";
import { generateExampleData } from "../configs/generate.ts";

const PAYLOADS = [
  "corrections/LUM_2018_UL_puWeights.json.gz",
  "corrections/MUO_2018_UL_muon_Z.json.gz",
  "corrections/JME_2018_UL_jet_jerc.json.gz",
];
const ignore = !PAYLOADS.every((file) => hasSharedData(file));
const DEFAULTS = fileURLToPath(new URL("../configs/params/defaults.yaml", import.meta.url));
const EXAMPLE = fileURLToPath(
  new URL("../configs/example_corrections/analysis.yaml", import.meta.url),
);
const DEFAULT_EXAMPLE = fileURLToPath(
  new URL("../configs/example/analysis.yaml", import.meta.url),
);

const BINS = { muon: { n: 20, low: 0, high: 200 }, ht: { n: 30, low: 0, high: 600 } };

function configText(files: { dy: string; tt: string }): string {
  return `
name: corrections_e2e
datasets:
  inline:
    DYJetsToMuMu_2018:
      metadata: { sample: DYJetsToLL, year: "2018", isMC: true, xsec: 1 }
      files: [${files.dy}]
    TTToSemiLeptonic_2018:
      metadata: { sample: TTToSemiLeptonic, year: "2018", isMC: true, xsec: 1 }
      files: [${files.tt}]
calibrators: [jet-energy-scale]
skim:
  - count(Muon.pt > 20) >= 1
objects:
  GoodMuon: { from: Muon, where: pt > 26 && abs(eta) < 2.4 && tightId }
  GoodJet: { from: Jet, where: pt > 30 && abs(eta) < 2.4 }
preselection:
  - count(GoodMuon) >= 1
categories:
  inclusive: count(GoodMuon) >= 1
weights:
  common: { inclusive: [genWeight, pileup, sf_mu_id] }
variations:
  weights: { common: { inclusive: [pileup, sf_mu_id] } }
  shape: { common: { inclusive: [JES_Total, JES_AbsoluteStat] } }
histograms:
  muon_pt:
    axes: [{ expr: "GoodMuon[0].pt", bins: ${BINS.muon.n}, start: ${BINS.muon.low}, stop: ${BINS.muon.high} }]
  ht:
    axes: [{ expr: sum(GoodJet.pt), bins: ${BINS.ht.n}, start: ${BINS.ht.low}, stop: ${BINS.ht.high} }]
`;
}

/** The histogram a plain event loop over the generated columns fills (see the config above). */
function expectedHistogram(
  columns: Map<string, Column>,
  options: {
    histogram: "muon" | "ht";
    pileup: "nominal" | "up" | "down";
    muonSf: "sf" | "systup" | "systdown";
    jes?: { source: string; sign: number };
  },
): number[] {
  const lum = loadCorrectionSetSync(sharedDataPath(PAYLOADS[0])).get(
    "Collisions18_UltraLegacy_goldenJSON",
  );
  const muo = loadCorrectionSetSync(sharedDataPath(PAYLOADS[1])).get(
    "NUM_TightID_DEN_TrackerMuons",
  );
  const jme = options.jes
    ? loadCorrectionSetSync(sharedDataPath(PAYLOADS[2])).get(
      `Summer19UL18_V5_MC_${options.jes.source}_AK4PFchs`,
    )
    : undefined;
  const muonPt = columns.get("Muon_pt") as Jagged<Float32Array>;
  const muonEta = (columns.get("Muon_eta") as Jagged<Float32Array>).content;
  const tight = (columns.get("Muon_tightId") as Jagged<Uint8Array>).content;
  const jetPt = columns.get("Jet_pt") as Jagged<Float32Array>;
  const jetEta = (columns.get("Jet_eta") as Jagged<Float32Array>).content;
  const genWeight = columns.get("genWeight") as Float32Array;
  const nTrueInt = columns.get("Pileup_nTrueInt") as Float32Array;
  const bins = BINS[options.histogram];
  const out = new Array<number>(bins.n).fill(0);
  for (let e = 0; e < genWeight.length; e++) {
    let skim = false;
    let weight = genWeight[e] * lum.evaluate(nTrueInt[e], options.pileup);
    let leading = NaN;
    for (let j = muonPt.offsets[e]; j < muonPt.offsets[e + 1]; j++) {
      const pt = muonPt.content[j];
      if (pt > 20) skim = true;
      if (!(pt > 26 && Math.abs(muonEta[j]) < 2.4 && tight[j])) continue;
      if (Number.isNaN(leading)) leading = pt;
      const abseta = Math.min(Math.abs(muonEta[j]), 2.3999);
      weight *= muo.evaluate("2018_UL", abseta, Math.max(pt, 15), options.muonSf);
    }
    if (!skim || Number.isNaN(leading)) continue;
    let value = leading;
    if (options.histogram === "ht") {
      value = 0;
      for (let j = jetPt.offsets[e]; j < jetPt.offsets[e + 1]; j++) {
        let pt = jetPt.content[j];
        if (jme) pt = Math.fround(pt * (1 + options.jes!.sign * jme.evaluate(jetEta[j], pt)));
        if (pt > 30 && Math.abs(jetEta[j]) < 2.4) value += pt;
      }
    }
    const bin = Math.floor(((value - bins.low) / (bins.high - bins.low)) * bins.n);
    if (bin >= 0 && bin < bins.n) out[bin] += weight;
  }
  return out;
}

function closeBins(got: Float64Array, expected: number[], what: string): void {
  strictEqual(got.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected[i]));
    ok(
      Math.abs(got[i] - expected[i]) <= tolerance,
      `${what} bin ${i}: ${got[i]} vs ${expected[i]}`,
    );
  }
}

/** The values of one category and variation of a histogram. */
function categoryBins(hist: Hist, category: string, variation: string): Float64Array {
  return hist.select({ cat: category, variation }).values();
}

function variationNames(hist: Hist): string[] {
  const axis = hist.axis("variation") as unknown as { categories: readonly string[] };
  return [...axis.categories];
}

Deno.test({
  name: "e2e corrections: pileup, muon SF and JES through runAnalysis equal plain loops",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ristretto_corrections_" });
    try {
      const dy = generateEvents("dy_mumu", { events: 3000, seed: 11 });
      const tt = generateEvents("ttbar_semilep", { events: 2000, seed: 12 });
      await writeParquet(`${dir}/dy.parquet`, dy);
      await writeParquet(`${dir}/tt.parquet`, tt);
      const defaults = parseYaml(await Deno.readTextFile(DEFAULTS)) as Record<string, unknown>;
      const loaded = configFromText(
        `${dir}/analysis.yaml`,
        configText({ dy: `${dir}/dy.parquet`, tt: `${dir}/tt.parquet` }),
        {
          baseDir: dir,
          parameters: { ...defaults, correctionsDir: sharedDataPath("corrections") },
        },
      );
      const registry = builtinRegistry();
      const executor = inProcessExecutor();
      registry.add(executor);
      const result = await runAnalysis(loaded, { registry, executor, chunkSize: 1000 });
      deepStrictEqual(result.failed, []);

      const dyHist = result.outputs.get("DYJetsToMuMu_2018")!.samples.DYJetsToLL.histograms.muon_pt;
      const names = variationNames(dyHist);
      for (
        const name of [
          "nominal",
          "pileupUp",
          "pileupDown",
          "sf_mu_idUp",
          "sf_mu_idDown",
          "JES_TotalUp",
          "JES_TotalDown",
          "JES_AbsoluteStatUp",
          "JES_AbsoluteStatDown",
        ]
      ) ok(names.includes(name), `variation ${name} in ${names.join(", ")}`);
      const bins = (hist: Hist, variation: string) =>
        hist.select({ cat: "inclusive", variation }).values();
      // The weighted muon pt: nominal and each weight variation, bin by bin.
      for (
        const [variation, pileup, muonSf] of [
          ["nominal", "nominal", "sf"],
          ["pileupUp", "up", "sf"],
          ["pileupDown", "down", "sf"],
          ["sf_mu_idUp", "nominal", "systup"],
          ["sf_mu_idDown", "nominal", "systdown"],
        ] as const
      ) {
        closeBins(
          bins(dyHist, variation),
          expectedHistogram(dy, { histogram: "muon", pileup, muonSf }),
          `DY muon_pt ${variation}`,
        );
      }
      const sum = (values: Float64Array) => values.reduce((a, b) => a + b, 0);
      ok(sum(bins(dyHist, "nominal")) > 100, "the DY histogram is filled");
      ok(sum(bins(dyHist, "sf_mu_idUp")) > sum(bins(dyHist, "nominal")));
      ok(sum(bins(dyHist, "pileupUp")) !== sum(bins(dyHist, "pileupDown")));

      // HT in ttbar: the JES variations move jets across bins and the 30 GeV threshold.
      const ttHist = result.outputs.get("TTToSemiLeptonic_2018")!.samples.TTToSemiLeptonic
        .histograms.ht;
      const nominal = expectedHistogram(tt, { histogram: "ht", pileup: "nominal", muonSf: "sf" });
      closeBins(bins(ttHist, "nominal"), nominal, "ttbar HT nominal");
      for (const source of ["Total", "AbsoluteStat"]) {
        for (const [direction, sign] of [["Up", 1], ["Down", -1]] as const) {
          const expected = expectedHistogram(tt, {
            histogram: "ht",
            pileup: "nominal",
            muonSf: "sf",
            jes: { source, sign },
          });
          closeBins(
            bins(ttHist, `JES_${source}${direction}`),
            expected,
            `HT JES_${source}${direction}`,
          );
          ok(expected.some((value, i) => Math.abs(value - nominal[i]) > 1e-9), "JES changes HT");
        }
      }
      ok(
        bins(ttHist, "JES_TotalUp").some((value, i) => value !== bins(ttHist, "JES_TotalDown")[i]),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** The example data, small, in `dir/data`: toy NanoAOD, toy payloads and parameter layers. */
async function smallExampleData(dir: string): Promise<string> {
  const dataDir = `${dir}/data`;
  await generateExampleData({
    out: dataDir,
    events: { dy_mumu: 2000, dy_ee: 0, ttbar_semilep: 1000, ttbar_dilep: 0, wjets: 0, data: 3000 },
    files: 1,
    verbose: false,
  });
  return dataDir;
}

/** A shipped config rewritten to read the example data in `dataDir`. */
async function shippedConfig(config: string, dataDir: string, dir: string) {
  const text = (await Deno.readTextFile(config)).replaceAll(
    "../../.cache/example-data/",
    `${dataDir}/`,
  );
  ok(text.includes(dataDir), "the config reads the generated data");
  await Deno.writeTextFile(`${dir}/analysis.yaml`, text);
  return await loadAnalysisConfig(`${dir}/analysis.yaml`, { defaultParameterFiles: [DEFAULTS] });
}

function sha256(path: string): string {
  return createHash("sha256").update(Deno.readFileSync(path)).digest("hex");
}

Deno.test(
  "e2e corrections: configs/example_corrections runs on the CMS payloads, else the toy ones",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "ristretto_corrections_example_" });
    try {
      const dataDir = await smallExampleData(dir);
      const loaded = await shippedConfig(EXAMPLE, dataDir, dir);
      // Which payloads: the CMS ones where correctionsDir holds them, the toy ones otherwise.
      const cmsDir = correctionsDir(loaded.parameters);
      const registry = builtinRegistry();
      const fingerprint = pluginFingerprint(registry, loaded.parameters).join("\n");
      for (const file of PAYLOADS.map((path) => path.slice("corrections/".length))) {
        const used = existsSync(`${cmsDir}/${file}`)
          ? `${cmsDir}/${file}`
          : `${dataDir}/corrections/${file}`;
        ok(fingerprint.includes(`${file}:${sha256(used)}`), `${used} is the one used`);
      }
      const executor = inProcessExecutor();
      registry.add(executor);
      const result = await runAnalysis(loaded, { registry, executor });
      deepStrictEqual(result.failed, []);
      // The golden JSON removes part of the pseudo-data in the skim.
      const data = result.outputs.get("DATA_SingleMuon_2018_EraA")!;
      const dataCutflow = data.samples.DATA_SingleMuon.cutflow.nominal;
      ok(dataCutflow.skim.events < dataCutflow.initial.events);
      const hist = result.outputs.get("DYJetsToMuMu_M-50_2018")!.samples.DYJetsToLL.histograms
        .muon_pt;
      const names = variationNames(hist);
      for (
        const name of [
          "pileupUp",
          "sf_mu_idDown",
          "sf_mu_isoUp",
          "sf_mu_triggerUp",
          "JES_TotalUp",
          "JERDown",
        ]
      ) ok(names.includes(name), name);
      const total = (variation: string) =>
        hist.project("variation").select({ variation }).values()[0];
      ok(total("sf_mu_idUp") > total("nominal") && total("sf_mu_idDown") < total("nominal"));
      const ht = result.outputs.get("TTToSemiLeptonic_2018")!.samples.TTToSemiLeptonic
        .histograms.ht;
      ok(
        categoryBins(ht, "ttbar_1b", "JERUp").some((value, i) =>
          value !== categoryBins(ht, "ttbar_1b", "JERDown")[i]
        ),
        "JER up and down differ",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("a correction payload's bytes enter the work-item hashes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_payload_hash_" });
  try {
    const dataDir = await smallExampleData(dir);
    const loaded = await shippedConfig(DEFAULT_EXAMPLE, dataDir, dir);
    const hashes = async () =>
      (await planRun(loaded, {
        registry: builtinRegistry(),
        store: new ResultStore(`${dir}/store`),
        chunkSize: 1000,
      })).items.map((item) => item.hash);
    const base = await hashes();
    ok(base.length >= 3, "several work items");

    // The toy muon ID scale factor 1% higher: same file name, same parameters, new bytes.
    const file = `${dataDir}/corrections/MUO_2018_UL_muon_Z.json.gz`;
    const original = await Deno.readFile(file);
    const text = new TextDecoder().decode(
      await new Response(new Blob([original]).stream().pipeThrough(new DecompressionStream("gzip")))
        .arrayBuffer(),
    );
    const changed = text.replaceAll('"key":"sf","value":0.99}', '"key":"sf","value":0.9999}');
    ok(changed !== text, "the payload changed");
    await Deno.writeFile(
      file,
      new Uint8Array(
        await new Response(
          new Blob([new TextEncoder().encode(changed)]).stream().pipeThrough(
            new CompressionStream("gzip"),
          ),
        ).arrayBuffer(),
      ),
    );
    const after = await hashes();
    strictEqual(after.length, base.length);
    ok(after.every((hash) => !base.includes(hash)), "every item is recomputed");

    // The same bytes again (a new mtime): the results are found again.
    await Deno.writeFile(file, original);
    deepStrictEqual(await hashes(), base, "the hashes follow the content, not the file's mtime");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Third-party plugins end to end: the example package (examples/plugin-ttbar-reco, outside the
 * workspace) loaded by path from a config's `plugins:`, its per-jet variable in an object
 * `where`, its per-event variable in a category and a histogram, its weight and that weight's
 * variation - every histogram compared bin by bin with the same analysis written as a plain
 * loop over the generated Parquet rows. Then: a plugin for another API version through the CLI
 * (exit 2, one clear line); `plugins add / list / remove / check`; and the work-item hashes
 * following a plugin's version and cache key, and nothing else.
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { parse as parseYaml } from "yaml";
import { fromUHI, parseUHI } from "@ristretto/core/hist";
import { type AnyPlugin, loadPluginPackage, Registry } from "@ristretto/core/plugin";
import { planRun, type RunPlan } from "@ristretto/core/processor";
import { ResultStore } from "@ristretto/core/store";
import { builtinPackages, builtinRegistry } from "../cli/builtins.ts";
import { main } from "../cli/main.ts";
import { LOCK_FILE, type LockFile, pluginRows } from "../cli/commands/plugins.ts";
import { cliCommand, loadAsRun, setUpExample } from "./_example_setup.ts";

const EXAMPLE_PLUGIN = fileURLToPath(new URL("../examples/plugin-ttbar-reco", import.meta.url));

/** Sums of float32 inputs in float64 on both sides: only the summation order differs. */
const TOLERANCE = 1e-9;

/** The analysis, with the data and the plugin's path filled in. */
function analysisText(datasetsJson: string, pluginPath: string): string {
  return `# ttbar with a third-party reconstruction plugin
name: ttbar_plugin_e2e
plugins:
  - use: ${pluginPath}
    options: { minPt: 35 }
datasets:
  jsons: [${datasetsJson}]
calibrators: [jet-energy-scale-flat]
skim:
  - count(Muon.pt > 20) >= 1
objects:
  GoodMuon:
    from: Muon
    where: pt > 26 && abs(eta) < 2.4 && tightId
  TopJet:
    from: Jet
    where: isTopCandidate
preselection:
  - count(GoodMuon) >= 1
categories:
  semilep: count(GoodMuon) == 1 && count(TopJet) >= 3
  tophad: count(GoodMuon) == 1 && abs(ttbarRecoHadTopMass - 172.5) < 30
weights:
  common:
    inclusive: [genWeight, topPtToy]
variations:
  weights:
    common:
      inclusive: [topPtToy]
  shape:
    common:
      inclusive: [JES_flat]
histograms:
  had_top_mass:
    axes: [{ expr: ttbarRecoHadTopMass, bins: 40, start: 50, stop: 450 }]
  top_jet_pt:
    axes: [{ expr: TopJet.pt, bins: 60, start: 30, stop: 330 }]
  n_top_jets:
    axes: [{ expr: count(TopJet), start: 0, stop: 10, integer: true }]
`;
}

const CATEGORIES = ["semilep", "tophad"] as const;
const MC_VARIATIONS = ["nominal", "topPtToyUp", "topPtToyDown", "JES_flatUp", "JES_flatDown"];
/** Binning: [bins, start, stop]; storage adds underflow first and overflow last. */
const AXES: Record<string, [number, number, number]> = {
  had_top_mass: [40, 50, 450],
  top_jet_pt: [60, 30, 330],
  n_top_jets: [10, 0, 10],
};

interface Row {
  genWeight?: number;
  Muon_pt: number[];
  Muon_eta: number[];
  Muon_tightId: boolean[];
  Jet_pt: number[];
  Jet_eta: number[];
  Jet_phi: number[];
  Jet_mass: number[];
  Jet_jetId: number[];
  Jet_btagDeepFlavB: number[];
}

/** Bins of one histogram slice (flow included): sum of weights and of |weights|. */
interface Bins {
  values: Float64Array;
  sumAbs: Float64Array;
}

type ReferenceHistograms = Record<string, Record<string, Record<string, Bins>>>;

/**
 * The analysis by hand. Jets of a JES shift are scaled (pt and mass, stored as float32 like the
 * calibrator stores them). Top candidates: pt > 35 (the option), |eta| < 2.4, jetId >= 2. The
 * hadronic top: of all candidate triples with a jet above the DeepJet medium working point
 * 0.2783, the invariant mass nearest 172.5 GeV. Weight exp(0.0615 - 0.0005 pT(top)) (1 without
 * a top); up its square, down 1.
 */
async function referenceHistograms(
  datasetsJson: string,
  jesUncertainty: number,
): Promise<Map<string, { sample: string; isMC: boolean; histograms: ReferenceHistograms }>> {
  const built = JSON.parse(await Deno.readTextFile(datasetsJson)) as Record<
    string,
    { metadata: { sample: string; isMC: string }; files: string[] }
  >;
  const out = new Map<string, { sample: string; isMC: boolean; histograms: ReferenceHistograms }>();
  for (const [name, entry] of Object.entries(built)) {
    const isMC = entry.metadata.isMC === "True";
    const variations = isMC ? MC_VARIATIONS : ["nominal"];
    const histograms: ReferenceHistograms = {};
    for (const [histogram, [bins]] of Object.entries(AXES)) {
      histograms[histogram] = {};
      for (const category of CATEGORIES) {
        histograms[histogram][category] = {};
        for (const variation of variations) {
          histograms[histogram][category][variation] = {
            values: new Float64Array(bins + 2),
            sumAbs: new Float64Array(bins + 2),
          };
        }
      }
    }
    const shapes: Record<string, number> = isMC
      ? { nominal: 1, JES_flatUp: 1 + jesUncertainty, JES_flatDown: 1 - jesUncertainty }
      : { nominal: 1 };
    for (const file of entry.files) {
      const rows = await parquetReadObjects({
        file: (await Deno.readFile(file)).buffer,
        compressors,
        columns: [
          ...(isMC ? ["genWeight"] : []),
          "Muon_pt",
          "Muon_eta",
          "Muon_tightId",
          "Jet_pt",
          "Jet_eta",
          "Jet_phi",
          "Jet_mass",
          "Jet_jetId",
          "Jet_btagDeepFlavB",
        ],
      }) as unknown as Row[];
      for (const row of rows) {
        if (!row.Muon_pt.some((pt) => pt > 20)) continue;
        const genWeight = isMC ? row.genWeight! : 1;
        const goodMuons = row.Muon_pt.filter((pt, m) =>
          pt > 26 && Math.abs(row.Muon_eta[m]) < 2.4 && row.Muon_tightId[m]
        ).length;
        if (goodMuons < 1) {
          continue;
        }
        for (const [shape, factor] of Object.entries(shapes)) {
          const pt = row.Jet_pt.map((value) =>
            factor === 1 ? value : Math.fround(value * factor)
          );
          const mass = row.Jet_mass.map((value) =>
            factor === 1 ? value : Math.fround(value * factor)
          );
          const candidates: number[] = [];
          for (let j = 0; j < pt.length; j++) {
            if (pt[j] > 35 && Math.abs(row.Jet_eta[j]) < 2.4 && row.Jet_jetId[j] >= 2) {
              candidates.push(j);
            }
          }
          const top = nearestTop(row, pt, mass, candidates);
          const w = Number.isNaN(top.pt) ? 1 : Math.exp(0.0615 - 0.0005 * top.pt);
          const weights: Record<string, number> = !isMC
            ? { nominal: 1 }
            : shape === "nominal"
            ? { nominal: genWeight * w, topPtToyUp: genWeight * w * w, topPtToyDown: genWeight }
            : { [shape]: genWeight * w };
          const passes = {
            semilep: goodMuons === 1 && candidates.length >= 3,
            tophad: goodMuons === 1 && Math.abs(top.mass - 172.5) < 30,
          };
          for (const category of CATEGORIES) {
            if (!passes[category]) continue;
            for (const [variation, weight] of Object.entries(weights)) {
              const fill = (histogram: string, value: number) => {
                if (Number.isNaN(value)) return;
                const [bins, start, stop] = AXES[histogram];
                const bin = value < start
                  ? 0
                  : value >= stop
                  ? bins + 1
                  : 1 + Math.floor(((value - start) * bins) / (stop - start));
                const slice = histograms[histogram][category][variation];
                slice.values[bin] += weight;
                slice.sumAbs[bin] += Math.abs(weight);
              };
              fill("had_top_mass", top.mass);
              for (const j of candidates) fill("top_jet_pt", pt[j]);
              fill("n_top_jets", candidates.length);
            }
          }
        }
      }
    }
    out.set(name, { sample: entry.metadata.sample, isMC, histograms });
  }
  return out;
}

function nearestTop(
  row: Row,
  pt: readonly number[],
  mass: readonly number[],
  candidates: readonly number[],
): { mass: number; pt: number } {
  let best = { mass: NaN, pt: NaN, distance: Infinity };
  for (let a = 0; a < candidates.length; a++) {
    for (let b = a + 1; b < candidates.length; b++) {
      for (let c = b + 1; c < candidates.length; c++) {
        const jets = [candidates[a], candidates[b], candidates[c]];
        if (!jets.some((j) => row.Jet_btagDeepFlavB[j] > 0.2783)) continue;
        let e = 0, px = 0, py = 0, pz = 0;
        for (const j of jets) {
          const p = pt[j] * Math.cosh(row.Jet_eta[j]);
          e += Math.sqrt(p * p + mass[j] * mass[j]);
          px += pt[j] * Math.cos(row.Jet_phi[j]);
          py += pt[j] * Math.sin(row.Jet_phi[j]);
          pz += pt[j] * Math.sinh(row.Jet_eta[j]);
        }
        const m = Math.sqrt(Math.max(e * e - px * px - py * py - pz * pz, 0));
        if (Math.abs(m - 172.5) < best.distance) {
          best = { mass: m, pt: Math.hypot(px, py), distance: Math.abs(m - 172.5) };
        }
      }
    }
  }
  return best;
}

async function cli(args: string[], cwd: string): Promise<Deno.CommandOutput> {
  return await cliCommand(args, { cwd }).output();
}

/** A plugin package module: one weight plugin with these fields. */
function weightPackage(fields: { name: string; version: string; apiVersion: number }): string {
  return `export default () => (registry) => registry.add({
  kind: "weight", ...${JSON.stringify(fields)}, weights: ["toyWeight"], inputs: [],
  compute: (_name, events) => ({ nominal: new Float64Array(events.length).fill(1) }),
});
`;
}

Deno.test("plugins: the example package, loaded by path, changes the histograms as designed", async () => {
  const setup = await setUpExample({ scale: 0.02, files: 1 });
  try {
    const configPath = join(setup.dir, "ttbar.yaml");
    // Relative to the config's folder, as a user would write it.
    const pluginPath = relative(setup.dir, EXAMPLE_PLUGIN);
    ok(pluginPath.startsWith(".."), "the plugin lives outside the config's folder");
    await Deno.writeTextFile(configPath, analysisText(setup.datasetsJson, pluginPath));
    const output = join(setup.dir, "out");
    const code = await main([
      "run",
      "--config",
      configPath,
      "--output",
      output,
      "--chunksize",
      "900",
      "--no-plot",
      "--quiet",
    ]);
    equal(code, 0, "run succeeds");

    const reference = await referenceHistograms(setup.datasetsJson, setup.jesUncertainty);
    // The reference must be worth comparing with: tops found, candidates cut by the option,
    // and the weight's variation and the JES shift move the bins.
    const ttbar = [...reference.entries()].find(([name]) => name.startsWith("TTToSemiLeptonic"));
    ok(ttbar, "a semileptonic ttbar dataset");
    const topMass = ttbar[1].histograms.had_top_mass.tophad;
    ok(topMass.nominal.values.reduce((a, b) => a + b, 0) > 0, "hadronic tops reconstructed");
    ok(
      topMass.topPtToyUp.values.some((value, b) =>
        Math.abs(value - topMass.nominal.values[b]) > 1e-6
      ),
      "topPtToyUp differs from the nominal",
    );
    ok(
      topMass.JES_flatUp.values.some((value, b) => value !== topMass.nominal.values[b]),
      "JES_flatUp moves the top mass",
    );
    const jetPt = ttbar[1].histograms.top_jet_pt.semilep.nominal.values;
    // Storage bin 1 is [30, 35) GeV: empty with the option minPt: 35 (the default, 30, fills it).
    ok(jetPt[1] === 0 && jetPt.slice(2, 4).every((v) => v > 0), "no candidate below 35 GeV");

    let compared = 0;
    const mismatches: string[] = [];
    for (const histogram of Object.keys(AXES)) {
      const hists = fromUHI(
        parseUHI(await Deno.readTextFile(join(output, "histograms", `${histogram}.json`))),
      );
      deepEqual(
        Object.keys(hists).sort(),
        [...reference.entries()].map(([name, r]) => `${r.sample}/${name}`).sort(),
        `${histogram}: one entry per sample/dataset`,
      );
      for (const [name, expected] of reference) {
        const hist = hists[`${expected.sample}/${name}`];
        equal(Number(hist.metadata?.scale), 1, "no lumi or XS: not rescaled");
        for (const category of CATEGORIES) {
          for (
            const [variation, bins] of Object.entries(expected.histograms[histogram][category])
          ) {
            const got = hist.select({ cat: category, variation }).values({ flow: true });
            equal(got.length, bins.values.length, `${histogram} ${name}: bins`);
            for (let b = 0; b < got.length; b++) {
              compared++;
              if (
                Math.abs(got[b] - bins.values[b]) > TOLERANCE * Math.max(bins.sumAbs[b], 1e-300)
              ) {
                mismatches.push(
                  `${histogram} ${name} [${category}, ${variation}] bin ${b}: got ${
                    got[b]
                  }, expected ${bins.values[b]}`,
                );
              }
            }
          }
        }
      }
    }
    ok(compared > 1000, `bins compared: ${compared}`);
    deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} mismatching bins`);

    // Worker processes load the plugin from the config snapshot (relative to the config's
    // folder, not theirs) and give the same histograms.
    const workersOutput = join(setup.dir, "out-workers");
    const workersCode = await main([
      "run",
      "--config",
      configPath,
      "--output",
      workersOutput,
      "--chunksize",
      "900",
      "--executor",
      "local-workers",
      "--workers",
      "2",
      "--no-plot",
      "--quiet",
    ]);
    equal(workersCode, 0, "run with local workers succeeds");
    for (const histogram of Object.keys(AXES)) {
      const read = async (folder: string) =>
        fromUHI(parseUHI(await Deno.readTextFile(join(folder, "histograms", `${histogram}.json`))));
      const [inProcess, workers] = [await read(output), await read(workersOutput)];
      for (const [key, hist] of Object.entries(inProcess)) {
        const other = workers[key].values({ flow: true });
        hist.values({ flow: true }).forEach((value, b) =>
          ok(
            Math.abs(value - other[b]) <= TOLERANCE * Math.max(Math.abs(value), 1),
            `${histogram} ${key} bin ${b}: ${value} in process, ${other[b]} with workers`,
          )
        );
      }
    }
  } finally {
    await Deno.remove(setup.dir, { recursive: true });
  }
});

Deno.test("plugins: a package for another plugin API version fails the run clearly (exit 2)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_plugins_api_" });
  try {
    await Deno.mkdir(join(dir, "future-plugin"));
    await Deno.writeTextFile(
      join(dir, "future-plugin", "mod.ts"),
      weightPackage({ name: "future-weight", version: "3.0.0", apiVersion: 2 }),
    );
    const config = join(dir, "analysis.yaml");
    await Deno.writeTextFile(
      config,
      `name: future\nplugins:\n  - ./future-plugin\ndatasets:\n  inline:\n    toy:\n      metadata: { sample: toy, year: 2018, isMC: true, xsec: 1 }\n      files: [${
        join(dir, "none.parquet")
      }]\n`,
    );
    for (
      const args of [["run", "--config", config, "--quiet", "--no-plot"], [
        "plugins",
        "list",
        "--config",
        config,
      ]]
    ) {
      const result = await cli(args, dir);
      const stderr = new TextDecoder().decode(result.stderr);
      equal(result.code, 2, `${args[0]}: exit 2; stderr:\n${stderr}`);
      ok(
        stderr.includes(
          `Cannot load plugin "future-weight" from "./future-plugin": it targets plugin API 2, this Ristretto supports API 1`,
        ),
        stderr,
      );
      ok(!/\n\s+at /.test(stderr), `no stack trace:\n${stderr}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugins add / list / remove edit the config and plugins.lock.json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_plugins_cli_" });
  try {
    const config = join(dir, "analysis.yaml");
    const original =
      `# my analysis\nname: edited # keep this comment\ndescription: plugin commands\n` +
      `datasets:\n  jsons: [datasets.json]\n# the histograms\nhistograms:\n  n_jets:\n` +
      `    axes: [{ expr: "count(Jet)", start: 0, stop: 10, integer: true }]\n`;
    await Deno.writeTextFile(config, original);
    await Deno.writeTextFile(
      join(dir, "broken.ts"),
      weightPackage({ name: "Broken_Name", version: "1.0.0", apiVersion: 1 }),
    );

    // A package that is not a valid plugin is not added, and nothing is written.
    equal(await main(["plugins", "add", join(dir, "broken.ts"), "--config", config]), 2);
    equal(await Deno.readTextFile(config), original);
    ok(!existsSync(join(dir, LOCK_FILE)), "no lock written");

    equal(
      await main([
        "plugins",
        "add",
        EXAMPLE_PLUGIN,
        "--config",
        config,
        "--options",
        '{"minPt":40}',
      ]),
      0,
    );
    const edited = await Deno.readTextFile(config);
    for (const comment of ["# my analysis", "# keep this comment", "# the histograms"]) {
      ok(edited.includes(comment), `comment "${comment}" kept:\n${edited}`);
    }
    const spec = relative(dir, EXAMPLE_PLUGIN);
    deepEqual(parseYaml(edited).plugins, [{ use: spec, options: { minPt: 40 } }]);
    ok(edited.indexOf("plugins:") < edited.indexOf("datasets:"), "listed after the header keys");

    const lock = JSON.parse(await Deno.readTextFile(join(dir, LOCK_FILE))) as LockFile;
    const entry = await Deno.readFile(join(EXAMPLE_PLUGIN, "mod.ts"));
    const digest = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", entry)),
      (byte) => byte.toString(16).padStart(2, "0"),
    ).join("");
    deepEqual(lock, {
      lockfileVersion: 1,
      plugins: [{
        spec,
        resolved: `file://${join(EXAMPLE_PLUGIN, "mod.ts")}`,
        integrity: `sha256-${digest}`,
        plugins: [
          { name: "ttbar-reco", kind: "variable", version: "1.0.0" },
          { name: "top-pt-toy", kind: "weight", version: "1.0.0" },
        ],
      }],
    });

    // Listed twice: refused.
    equal(await main(["plugins", "add", EXAMPLE_PLUGIN, "--config", config]), 2);

    const rows = await pluginRows(config);
    const builtins = builtinPackages().flatMap((p) => p.plugins).length;
    equal(rows.length, builtins + 2, "the built-ins and the package's two plugins");
    deepEqual(rows.slice(builtins).map((r) => [r.name, r.version, r.kind, r.source]), [
      ["ttbar-reco", "1.0.0", "variable", spec],
      ["top-pt-toy", "1.0.0", "weight", spec],
    ]);
    ok(rows.slice(0, builtins).every((row) => row.source.startsWith("builtin:@ristretto/")));
    const listed = await cli(["plugins", "list", "--config", config, "--json"], dir);
    equal(listed.code, 0, new TextDecoder().decode(listed.stderr));
    deepEqual(JSON.parse(new TextDecoder().decode(listed.stdout)), rows, "--json prints the rows");
    const table = await cli(["plugins", "list", "--config", config], dir);
    const line = new TextDecoder().decode(table.stdout).split("\n").find((l) =>
      l.startsWith("top-pt-toy ")
    );
    deepEqual(line?.split(/\s+/), ["top-pt-toy", "1.0.0", "weight", spec]);

    // Unknown names get a suggestion; a plugin name removes its package.
    equal(await main(["plugins", "remove", "top-pt-tyo", "--config", config]), 2);
    equal(await main(["plugins", "remove", "top-pt-toy", "--config", config]), 0);
    equal(parseYaml(await Deno.readTextFile(config)).plugins, undefined);
    ok((await Deno.readTextFile(config)).includes("# keep this comment"));
    deepEqual(JSON.parse(await Deno.readTextFile(join(dir, LOCK_FILE))).plugins, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugins check: the example package passes its contracts' conformance suites", async () => {
  equal(await main(["plugins", "check", EXAMPLE_PLUGIN]), 0);
});

Deno.test("work-item hashes follow a loaded plugin's version and cache key, nothing else", async () => {
  const setup = await setUpExample({ scale: 0.005, files: 1 });
  try {
    const configPath = join(setup.dir, "ttbar.yaml");
    await Deno.writeTextFile(configPath, analysisText(setup.datasetsJson, EXAMPLE_PLUGIN));
    const loaded = await loadAsRun(configPath);
    const example = await loadPluginPackage(loaded.config.plugins![0], {
      baseDir: loaded.baseDir,
    });
    const hashes = async (
      change: (plugin: AnyPlugin) => AnyPlugin = (plugin) => plugin,
      extra: AnyPlugin[] = [],
    ) => {
      const registry: Registry = builtinRegistry();
      example.plugins.forEach((plugin) => registry.add(change(plugin)));
      extra.forEach((plugin) => registry.add(plugin));
      const plan: RunPlan = await planRun(loaded, {
        registry,
        store: new ResultStore(join(setup.dir, "store")),
        chunkSize: 400,
      });
      return plan.items.map((item) => item.hash);
    };
    const base = await hashes();
    ok(base.length > 4, `items: ${base.length}`);
    deepEqual(await hashes(), base, "the same plugins: the same hashes");

    const bumped = await hashes((p) => p.name === "ttbar-reco" ? { ...p, version: "1.0.1" } : p);
    equal(bumped.length, base.length);
    ok(bumped.every((hash) => !base.includes(hash)), "a new variable-plugin version: every item");
    const weightBumped = await hashes((p) => p.kind === "weight" ? { ...p, version: "1.1.0" } : p);
    ok(weightBumped.every((hash) => !base.includes(hash)), "a new weight-plugin version too");
    const rekeyed = await hashes((p) =>
      p.name === "ttbar-reco" ? { ...p, cacheKey: () => "another key" } : p
    );
    ok(rekeyed.every((hash) => !base.includes(hash)), "a new cache key: every item");

    // A plugin that cannot change results (a dataset source) leaves the hashes alone.
    const source = builtinRegistry().get("dataset-source", "local");
    deepEqual(
      await hashes(undefined, [{ ...source, name: "my-source", version: "9.9.9" }]),
      base,
      "a dataset source is not in the hash",
    );
  } finally {
    await Deno.remove(setup.dir, { recursive: true });
  }
});

/** A one-file tar entry (ustar), as npm tarballs hold them. */
function tarEntry(name: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(512);
  const put = (text: string, at: number) => header.set(new TextEncoder().encode(text), at);
  put(name, 0);
  put("0000644\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  put(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
  put("00000000000\0", 136);
  put("        ", 148); // the checksum counts its own field as spaces
  put("0", 156);
  put("ustar\0", 257);
  put("00", 263);
  const sum = header.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const entry = new Uint8Array(512 + Math.ceil(data.length / 512) * 512);
  entry.set(header);
  entry.set(data, 512);
  return entry;
}

/**
 * A stand-in npm registry on localhost serving one package, `@rtest/plugin-toy` 1.2.3 (a
 * plugin package as plain JavaScript): its packument and its gzipped tarball with integrity.
 */
async function standInRegistry(): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const text = new TextEncoder();
  const manifest = { name: "@rtest/plugin-toy", version: "1.2.3", type: "module", main: "mod.js" };
  const module = `export default () => (registry) => registry.add({
  kind: "weight", name: "npm-toy-weight", version: "1.2.3", apiVersion: 1, weights: ["npmToy"],
  inputs: [], compute: (_name, events) => ({ nominal: new Float64Array(events.length).fill(1) }),
});
`;
  const tar = [
    tarEntry("package/package.json", text.encode(JSON.stringify(manifest))),
    tarEntry("package/mod.js", text.encode(module)),
    new Uint8Array(1024),
  ];
  const tarball = new Uint8Array(
    await new Response(new Blob(tar).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  const digest = async (algorithm: string) =>
    new Uint8Array(await crypto.subtle.digest(algorithm, tarball));
  const integrity = `sha512-${btoa(String.fromCharCode(...await digest("SHA-512")))}`;
  const shasum = Array.from(await digest("SHA-1"), (b) => b.toString(16).padStart(2, "0"))
    .join("");
  let url = "";
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => url = `http://127.0.0.1:${port}/`,
  }, (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path === `/${manifest.name}`) {
      const dist = { tarball: `${url}${manifest.name}/-/plugin-toy-1.2.3.tgz`, shasum, integrity };
      return Response.json({
        name: manifest.name,
        "dist-tags": { latest: manifest.version },
        versions: { [manifest.version]: { ...manifest, dist } },
      });
    }
    if (path === `/${manifest.name}/-/plugin-toy-1.2.3.tgz`) return new Response(tarball);
    return new Response("not found", { status: 404 });
  });
  return { url, port: server.addr.port, close: () => server.shutdown() };
}

Deno.test("plugins: an npm: package from a (stand-in) registry is added, locked and listed", async () => {
  const registry = await standInRegistry();
  const home = await Deno.makeTempDir({ prefix: "ristretto_npm_home_" });
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
  })
    .output();
  const { denoDir, npmCache } = JSON.parse(new TextDecoder().decode(info.stdout));
  const cached = new Set(
    existsSync(npmCache) ? [...Deno.readDirSync(npmCache)].map((e) => e.name) : [],
  );
  try {
    // Only the @rtest scope goes to the stand-in (a scoped registry in the child's ~/.npmrc);
    // every other npm package comes from the shared Deno cache as usual. No lock: deno.lock
    // of the repository stays untouched.
    await Deno.writeTextFile(join(home, ".npmrc"), `@rtest:registry=${registry.url}\n`);
    const config = join(home, "analysis.yaml");
    await Deno.writeTextFile(config, "name: npm_plugin\ndatasets: {jsons: []}\n");
    const run = async (args: string[]) => {
      const result = await cliCommand(args, {
        denoFlags: ["--no-lock"],
        env: { HOME: home, DENO_DIR: denoDir },
        cwd: home,
      }).output();
      const stdout = new TextDecoder().decode(result.stdout);
      equal(result.code, 0, `${args.join(" ")}:\n${new TextDecoder().decode(result.stderr)}`);
      return stdout;
    };
    const spec = "npm:@rtest/plugin-toy@^1.0.0";
    await run(["plugins", "add", spec, "--config", config]);
    deepEqual(parseYaml(await Deno.readTextFile(config)).plugins, [spec]);
    deepEqual(JSON.parse(await Deno.readTextFile(join(home, LOCK_FILE))).plugins, [{
      spec,
      resolved: spec,
      npmVersion: "1.2.3",
      plugins: [{ name: "npm-toy-weight", kind: "weight", version: "1.2.3" }],
    }]);
    const rows = JSON.parse(await run(["plugins", "list", "--config", config, "--json"])) as {
      name: string;
      source: string;
    }[];
    deepEqual(rows.filter((row) => row.source === spec).map((row) => row.name), [
      "npm-toy-weight",
    ]);
  } finally {
    await registry.close();
    await Deno.remove(home, { recursive: true });
    // The stand-in's packages were cached under a folder of their own: drop it.
    for (const entry of existsSync(npmCache) ? [...Deno.readDirSync(npmCache)] : []) {
      if (!cached.has(entry.name) && existsSync(join(npmCache, entry.name, "@rtest"))) {
        await Deno.remove(join(npmCache, entry.name), { recursive: true });
      }
    }
  }
});

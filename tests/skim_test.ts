/**
 * Skim output end to end: the default example run with `skimOutput`, its skims checked against
 * the generated Parquet inputs read independently (hyparquet rows, the skim written out as a
 * plain loop), read back by our ROOT reader and by jsroot; then the same analysis run on the
 * skims' datasets.json must give the original run's histograms, cutflows, sums of genWeight and
 * scales. Reruns: nothing recomputed, files untouched; a deleted skim is written again.
 * @module
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { basename } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { openFile } from "jsroot";
import { treeProcess, TSelector } from "jsroot/tree";
import { isJagged } from "@ristretto/core/columns";
import { readBuiltDatasets } from "@ristretto/core/datasets";
import { ConfigError } from "@ristretto/core/config";
import { type AnalysisResult, runAnalysis } from "@ristretto/core/processor";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { inProcessExecutor } from "@ristretto/executor-local";
import { openRootUrl, type RootTreeFile } from "@ristretto/root";
import { parquetReader } from "@ristretto/parquet";
import { openLocalFile } from "@ristretto/core/io";
import { builtinRegistry } from "../cli/builtins.ts";
import { type ExampleSetup, loadAsRun, setUpExample } from "./_example_setup.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const TOLERANCE = 1e-9;

/** The example's rows the checks need. */
interface Row {
  run: number;
  event: bigint;
  genWeight?: number;
  MET_pt: number;
  HLT_IsoMu24: boolean;
  Muon_pt: number[];
  Jet_jetId: number[];
}

async function run(
  configPath: string,
  options: { store: string; output?: string; chunkSize: number },
): Promise<AnalysisResult> {
  const loaded = await loadAsRun(configPath);
  const registry = builtinRegistry();
  const executor = inProcessExecutor();
  registry.add(executor);
  return await runAnalysis(loaded, { registry, executor, ...options });
}

/** Runs `configText` (with its `skimOutput`) on the example, into its store/ and out/. */
async function runSkimming(
  example: ExampleSetup,
  configText: string,
  options: { chunkSize: number },
): Promise<AnalysisResult> {
  const config = `${example.dir}/skim.yaml`;
  await Deno.writeTextFile(config, configText);
  return await run(config, {
    store: `${example.dir}/store`,
    output: `${example.dir}/out`,
    chunkSize: options.chunkSize,
  });
}

/**
 * The analysis `configText` again, on the skims `original` wrote (its datasets.json swapped for
 * theirs), into a second store; every item must succeed.
 */
async function runOnSkims(
  example: ExampleSetup,
  configText: string,
  options: { original: AnalysisResult; chunkSize: number },
): Promise<AnalysisResult> {
  const { original, chunkSize } = options;
  const again = `${example.dir}/again.yaml`;
  await Deno.writeTextFile(
    again,
    configText.replace(
      `jsons: [${example.dataDir}/datasets.json]`,
      `jsons: [${original.skimDatasets}]`,
    ),
  );
  ok((await Deno.readTextFile(again)).includes(original.skimDatasets!), "config points at skims");
  const onSkims = await run(again, { store: `${example.dir}/store2`, chunkSize });
  deepEqual(onSkims.failed, []);
  return onSkims;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

/** The skim files of a datasets.json entry, by input stem, in entry order. */
function filesByInput(files: readonly string[]): Map<string, string[]> {
  const byInput = new Map<string, { start: number; file: string }[]>();
  for (const file of files) {
    const match = /^(.*)_(\d+)-(\d+)_[0-9a-f]{12}\.root$/.exec(basename(file));
    ok(match, `skim file name ${file}`);
    const list = byInput.get(match[1]) ?? [];
    list.push({ start: Number(match[2]), file });
    byInput.set(match[1], list);
  }
  return new Map(
    [...byInput].map((
      [stem, list],
    ) => [stem, list.sort((a, b) => a.start - b.start).map((e) => e.file)]),
  );
}

async function withRoot<T>(path: string, f: (file: RootTreeFile) => Promise<T>): Promise<T> {
  const file = await openRootUrl(path);
  try {
    return await f(file);
  } finally {
    await file.close();
  }
}

/**
 * Asserts two runs give the same outputs: per dataset the events and sum of genWeight before
 * cuts, the scale, every cutflow step and every histogram bin (values and variances, flow bins
 * included); returns the number of non-empty bins compared.
 */
function sameResults(
  onSkims: AnalysisResult,
  original: AnalysisResult,
  options: { exceptSteps?: readonly string[] } = {},
): number {
  deepEqual([...onSkims.outputs.keys()], [...original.outputs.keys()]);
  let bins = 0;
  for (const [name, before] of original.outputs) {
    const after = onSkims.outputs.get(name)!;
    equal(after.events, before.events, `${name}: events before cuts`);
    ok(close(after.sumGenWeight, before.sumGenWeight), `${name}: sum of genWeight`);
    ok(close(onSkims.scales.get(name)!, original.scales.get(name)!), `${name}: scale`);
    deepEqual(Object.keys(after.samples), Object.keys(before.samples));
    for (const [sample, out] of Object.entries(before.samples)) {
      const outAfter = after.samples[sample];
      for (const [variation, steps] of Object.entries(out.cutflow)) {
        for (const [step, entry] of Object.entries(steps)) {
          if (options.exceptSteps?.includes(step)) continue;
          const other = outAfter.cutflow[variation][step];
          equal(other.events, entry.events, `${name} ${sample} ${variation} ${step} events`);
          ok(close(other.sumw, entry.sumw), `${name} ${sample} ${variation} ${step} sumw`);
        }
      }
      deepEqual(Object.keys(outAfter.histograms).sort(), Object.keys(out.histograms).sort());
      for (const [histogram, hist] of Object.entries(out.histograms)) {
        const other = outAfter.histograms[histogram];
        deepEqual(
          other.axes.map((axis) => JSON.stringify(axis)),
          hist.axes.map((axis) => JSON.stringify(axis)),
          `${name} ${histogram}: axes`,
        );
        const [v0, v1] = [hist.values({ flow: true }), other.values({ flow: true })];
        const [w0, w1] = [hist.variances({ flow: true }), other.variances({ flow: true })];
        for (let i = 0; i < v0.length; i++) {
          ok(
            close(v1[i], v0[i]),
            `${name} ${sample} ${histogram} bin ${i}: ${v1[i]} vs ${v0[i]}`,
          );
          ok(close(w1[i], w0[i]), `${name} ${sample} ${histogram} variance ${i}`);
          if (v0[i] !== 0) bins++;
        }
      }
    }
  }
  return bins;
}

Deno.test("skim output: the example's skims hold exactly the passing events, and rerun on them gives the same histograms", async () => {
  const example = await setUpExample({ scale: 0.02, files: 2 });
  try {
    const skimConfig = `${example.dir}/skim.yaml`;
    await Deno.writeTextFile(
      skimConfig,
      example.configText +
        "\nskimOutput:\n  after: skim\n  compression: { codec: zstd, level: 3 }\n",
    );
    const output = `${example.dir}/out`;
    const store = `${example.dir}/store`;
    const original = await run(skimConfig, { store, output, chunkSize: 700 });
    deepEqual(original.failed, []);
    equal(original.skimDatasets, `${output}/skimmed/datasets.json`);

    const inputs = await readBuiltDatasets(example.datasetsJson);
    const skims = await readBuiltDatasets(original.skimDatasets!);
    deepEqual(
      skims.map((d) => d.name).sort(),
      inputs.map((d) => d.name).sort(),
      "one skim dataset per input",
    );

    for (const input of inputs) {
      const skim = skims.find((d) => d.name === input.name)!;
      equal(skim.metadata.isSkim, true);
      equal(skim.xsec, input.xsec);
      equal(skim.sample, input.sample);
      const byInput = filesByInput(skim.files);
      deepEqual(
        [...byInput.keys()].sort(),
        input.files.map((f) => basename(f, ".parquet")).sort(),
        `${input.name}: skims of every input file`,
      );
      let countBefore = 0;
      let sumwBefore = 0;
      let passing = 0;
      for (const inputFile of input.files) {
        // The skim, computed here on the rows: a muon above 20 GeV and HLT_IsoMu24 (the MC's
        // trigger OR and the SingleMuon data's own path are both IsoMu24 in the example).
        const rows = await parquetReadObjects({
          file: (await Deno.readFile(inputFile)).buffer,
          compressors,
          columns: [
            "run",
            "event",
            ...(input.isMC ? ["genWeight"] : []),
            "MET_pt",
            "HLT_IsoMu24",
            "Muon_pt",
            "Jet_jetId",
          ],
        }) as unknown as Row[];
        const passed = rows.filter((row) => row.HLT_IsoMu24 && row.Muon_pt.some((pt) => pt > 20));
        countBefore += rows.length;
        for (const row of rows) sumwBefore += input.isMC ? row.genWeight! : 1;
        passing += passed.length;

        // Branch names and types: the input's, as its reader describes them.
        const opened = await parquetReader().open(await openLocalFile(inputFile));
        const inputBranches = opened.branches("Events").map(({ name, type, counter }) => ({
          name,
          type,
          counter,
        }));
        await opened.close();

        const got: Row[] = [];
        for (const file of byInput.get(basename(inputFile, ".parquet"))!) {
          await withRoot(file, async (skimFile) => {
            deepEqual(skimFile.trees().sort(), ["Events", "Runs"]);
            deepEqual(
              skimFile.branches("Events").map(({ name, type, counter }) => ({
                name,
                type,
                counter,
              })),
              inputBranches,
              `${file}: the input's branches and types`,
            );
            const columns = await skimFile.read("Events", [
              "run",
              "event",
              "MET_pt",
              "HLT_IsoMu24",
              "Muon_pt",
              "Jet_jetId",
              "nMuon",
            ]);
            const muon = columns.get("Muon_pt")!;
            const jetId = columns.get("Jet_jetId")!;
            const nMuon = columns.get("nMuon") as Uint32Array;
            ok(isJagged(muon) && isJagged(jetId));
            ok(nMuon instanceof Uint32Array, "nMuon stays uint32");
            ok(jetId.content instanceof Int32Array, "Jet_jetId stays int32");
            ok(columns.get("HLT_IsoMu24") instanceof Uint8Array, "HLT_IsoMu24 stays a bool byte");
            const n = skimFile.entries("Events");
            for (let i = 0; i < n; i++) {
              equal(nMuon[i], muon.offsets[i + 1] - muon.offsets[i], "nMuon counts Muon_pt");
              got.push({
                run: (columns.get("run") as Uint32Array)[i],
                event: (columns.get("event") as BigUint64Array)[i],
                MET_pt: (columns.get("MET_pt") as Float32Array)[i],
                HLT_IsoMu24: (columns.get("HLT_IsoMu24") as Uint8Array)[i] === 1,
                Muon_pt: Array.from(
                  (muon.content as Float32Array).subarray(muon.offsets[i], muon.offsets[i + 1]),
                ),
                Jet_jetId: Array.from(
                  (jetId.content as Int32Array).subarray(jetId.offsets[i], jetId.offsets[i + 1]),
                ),
              });
            }
          });
        }
        deepEqual(
          got,
          passed.map(({ genWeight: _, ...row }) => row),
          `${inputFile}: the skims hold the passing rows, in order, with their values`,
        );
      }
      // The Runs trees hold the count and sum of genWeight before the skim.
      let runsCount = 0;
      let runsSumw = 0;
      for (const file of skim.files) {
        await withRoot(file, async (skimFile) => {
          const runs = await skimFile.read("Runs", ["genEventCount", "genEventSumw"]);
          const count = runs.get("genEventCount") as BigInt64Array;
          const sumw = runs.get("genEventSumw") as Float64Array;
          ok(count instanceof BigInt64Array && sumw instanceof Float64Array);
          for (let i = 0; i < count.length; i++) {
            runsCount += Number(count[i]);
            runsSumw += sumw[i];
          }
        });
      }
      equal(runsCount, countBefore, `${input.name}: genEventCount is the events before the skim`);
      ok(close(runsSumw, sumwBefore), `${input.name}: genEventSumw ${runsSumw} vs ${sumwBefore}`);
      equal(Number(skim.metadata.nevents), passing, `${input.name}: nevents is the events written`);
      equal(skim.metadata.nevents_before_skim, countBefore);
      ok(close(skim.metadata.sum_genweights as number, sumwBefore));
      ok(passing > 0 && passing < countBefore, `${input.name}: the skim keeps some events`);
    }

    // jsroot, an independent reader, loops over a skim's entries and its Runs tree.
    const first = skims[0].files[0];
    const ours = await withRoot(first, (file) => file.read("Events", ["MET_pt", "Muon_pt"]));
    const f: Any = await openFile(first);
    const tree: Any = await f.readObject("Events");
    const selector: Any = new TSelector();
    for (const branch of ["MET_pt", "nMuon", "Muon_pt"]) selector.addBranch(branch);
    const seen: { met: number; muons: number[] }[] = [];
    selector.Process = function () {
      const o = this.tgtobj;
      equal(o.nMuon, o.Muon_pt.length);
      seen.push({ met: o.MET_pt, muons: Array.from(o.Muon_pt as ArrayLike<number>) });
    };
    await treeProcess(tree, selector);
    const met = ours.get("MET_pt") as Float32Array;
    const muonPt = ours.get("Muon_pt")!;
    ok(isJagged(muonPt));
    equal(seen.length, met.length, "jsroot reads every entry");
    deepEqual(
      seen,
      Array.from(met, (m, i) => ({
        met: m,
        muons: Array.from(
          muonPt.content.subarray(muonPt.offsets[i], muonPt.offsets[i + 1]) as Float32Array,
        ),
      })),
    );
    const runsTree: Any = await f.readObject("Runs");
    ok(runsTree.fEntries >= 1, "jsroot reads the Runs tree");

    // The same analysis on the skims: every histogram, cutflow, sum and scale as before.
    // A small chunk size splits skims into several items: the Runs sums count once per file.
    const onSkims = await runOnSkims(example, example.configText, { original, chunkSize: 97 });
    ok(onSkims.items.length > original.items.length / 2, "skims are split into several items");
    const bins = sameResults(onSkims, original);
    ok(bins > 500, `many filled bins compared (${bins})`);

    // A rerun computes nothing and leaves the skims as they were.
    const stamps = new Map<string, number>();
    for (const skim of skims) {
      for (const file of skim.files) stamps.set(file, (await Deno.stat(file)).mtime!.getTime());
    }
    const rerun = await run(skimConfig, { store, output, chunkSize: 700 });
    equal(rerun.computed, 0, "nothing recomputed");
    equal(rerun.reused, original.items.length);
    for (const [file, mtime] of stamps) {
      equal((await Deno.stat(file)).mtime!.getTime(), mtime, `${file} left in place`);
    }
    // A skim deleted since: its item runs again and writes it back.
    const [lost] = stamps.keys();
    await Deno.remove(lost);
    const repaired = await run(skimConfig, { store, output, chunkSize: 700 });
    equal(repaired.computed, 1, "only the item of the deleted skim");
    ok((await Deno.stat(lost)).isFile, "the deleted skim is written again");
    deepEqual(
      JSON.parse(await Deno.readTextFile(repaired.skimDatasets!)),
      JSON.parse(await Deno.readTextFile(original.skimDatasets!)),
    );
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
});

Deno.test("skim output after the preselection keeps the events passing skim and preselection", async () => {
  const example = await setUpExample({ scale: 0.005, files: 1 });
  try {
    const result = await runSkimming(
      example,
      example.configText +
        "\nskimOutput:\n  after: preselection\n  branches: [MET_*, Muon_*, HLT_IsoMu24]\n",
      { chunkSize: 100_000 },
    );
    deepEqual(result.failed, []);
    for (const skim of await readBuiltDatasets(result.skimDatasets!)) {
      const output = result.outputs.get(skim.name)!;
      // Subsample-free example: one sample per dataset, its nominal "presel" step.
      const presel = Object.values(output.samples)[0].cutflow.nominal.presel.events;
      let entries = 0;
      for (const file of skim.files) {
        await withRoot(file, async (skimFile) => {
          entries += skimFile.entries("Events");
          deepEqual(
            skimFile.branches("Events").map((branch) => branch.name),
            [
              "MET_pt",
              "MET_phi",
              "HLT_IsoMu24",
              "nMuon",
              "Muon_pt",
              "Muon_eta",
              "Muon_phi",
              "Muon_mass",
              "Muon_charge",
              "Muon_looseId",
              "Muon_mediumId",
              "Muon_tightId",
              "Muon_pfRelIso03_all",
              "Muon_pfRelIso04_all",
              // Only simulation has generator matching.
              ...(skim.isMC ? ["Muon_genPartFlav"] : []),
            ],
            "the configured branches, with the counter of Muon_*",
          );
          // Every written event has a good muon, as the preselection asks.
          const columns = await skimFile.read("Events", [
            "Muon_pt",
            "Muon_eta",
            "Muon_tightId",
            "Muon_pfRelIso04_all",
          ]);
          const [pt, eta, tight, iso] = [
            "Muon_pt",
            "Muon_eta",
            "Muon_tightId",
            "Muon_pfRelIso04_all",
          ]
            .map((name) => columns.get(name) as Any);
          for (let i = 0; i + 1 < pt.offsets.length; i++) {
            let good = 0;
            for (let k = pt.offsets[i]; k < pt.offsets[i + 1]; k++) {
              if (
                pt.content[k] > 26 && Math.abs(eta.content[k]) < 2.4 && tight.content[k] &&
                iso.content[k] < 0.15
              ) good++;
            }
            ok(good >= 1, `${file} entry ${i} has a good muon`);
          }
        });
      }
      equal(entries, presel, `${skim.name}: events after the preselection`);
    }
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
});

Deno.test("skim output after a jet-dependent preselection keeps what any JES/JER variation selects", async () => {
  const example = await setUpExample({ scale: 0.02, files: 1 });
  try {
    // Jets near the 30 GeV threshold move in and out of GoodJet with the jet energy variations.
    const preselection = "preselection:\n  - count(GoodMuon) >= 1\n";
    ok(example.configText.includes(preselection), "the example's preselection");
    const analysis = example.configText.replace(
      preselection,
      "preselection:\n  - count(GoodMuon) >= 1 && count(GoodJet) >= 2\n",
    );
    const original = await runSkimming(
      example,
      analysis + "\nskimOutput:\n  after: preselection\n",
      { chunkSize: 100_000 },
    );
    deepEqual(original.failed, []);
    const onSkims = await runOnSkims(example, analysis, { original, chunkSize: 100_000 });
    // The skims hold fewer events than the skim kept, so only that cutflow step differs.
    ok(sameResults(onSkims, original, { exceptSteps: ["skim"] }) > 200, "filled bins compared");
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
});

Deno.test("skim output: empty skims keep their sums, and a run on them still matches", async () => {
  const example = await setUpExample({ scale: 0.01, files: 1 });
  try {
    // The generator's luminosity blocks: simulation's first 1000 events of a file are in block
    // 1, the next in block 2; the pseudo-data starts at block 3. So the Drell-Yan file's second
    // half and all data skim to nothing.
    const text = example.configText.replace("skim:\n", "skim:\n  - luminosityBlock == 1\n");
    ok(text.includes("luminosityBlock == 1"), "the extra skim cut is in place");
    const original = await runSkimming(example, text + "\nskimOutput: {}\n", { chunkSize: 500 });
    deepEqual(original.failed, []);
    let empty = 0;
    for (const skim of await readBuiltDatasets(original.skimDatasets!)) {
      for (const file of skim.files) {
        await withRoot(file, (skimFile) => {
          if (skimFile.entries("Events") === 0) empty++;
          return Promise.resolve();
        });
      }
    }
    ok(empty >= 3, `several skims are empty (${empty})`);
    const onSkims = await runOnSkims(example, text, { original, chunkSize: 500 });
    ok(sameResults(onSkims, original) > 50, "filled bins compared");
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
});

Deno.test("skim output: config mistakes are reported at their place in the config", async () => {
  const example = await setUpExample({ scale: 0.002, files: 1 });
  try {
    const cases: [string, RegExp][] = [
      [
        "skimOutput:\n  compression: { codec: ZSDT }\n",
        /skim\.yaml:\d+:\d+: .*no codec "ZSDT" \(did you mean "ZSTD"\?\)/,
      ],
      [
        "skimOutput:\n  branches: [Jet_pt, MET_ptt]\n",
        /skim\.yaml:\d+:\d+: .*branch pattern "MET_ptt" matches no branch of the input \(did you mean "MET_pt"\?\)/,
      ],
    ];
    for (const [section, message] of cases) {
      await rejects(
        runSkimming(example, example.configText + "\n" + section, { chunkSize: 1000 }),
        (error: Error) => error instanceof ConfigError && message.test(error.message),
      );
    }
  } finally {
    await Deno.remove(example.dir, { recursive: true });
  }
});

const NANO = "nanoaod/nano_dy.root";

Deno.test({
  name: "skim output of real NanoAOD keeps every branch's type and values",
  ignore: !hasSharedData(NANO),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ristretto_skim_nano_" });
    try {
      const input = sharedDataPath(NANO);
      const config = `${dir}/nano.yaml`;
      await Deno.writeTextFile(
        config,
        `name: nano_skim
datasets:
  inline:
    DY_2018:
      metadata: { sample: DY, year: "2018", isMC: true, xsec: 6000 }
      files: [${input}]
skim:
  - nMuon >= 2
histograms:
  met: { axes: [{ expr: MET.pt, bins: 10, start: 0, stop: 200 }] }
skimOutput: {}
`,
      );
      const result = await run(config, {
        store: `${dir}/store`,
        output: `${dir}/out`,
        chunkSize: 15,
      });
      deepEqual(result.failed, []);
      const [skim] = await readBuiltDatasets(result.skimDatasets!);
      await withRoot(input, async (original) => {
        const branches = original.branches("Events");
        const names = branches.map((branch) => branch.name);
        const whole = await original.read("Events", names);
        const nMuon = whole.get("nMuon") as Uint32Array;
        const keep: number[] = [];
        for (let i = 0; i < nMuon.length; i++) if (nMuon[i] >= 2) keep.push(i);
        ok(keep.length > 0 && keep.length < nMuon.length);
        let offset = 0;
        for (const file of skim.files) {
          await withRoot(file, async (skimFile) => {
            deepEqual(
              skimFile.branches("Events").map(({ name, type, counter }) => ({
                name,
                type,
                counter,
              })),
              branches.map(({ name, type, counter }) => ({ name, type, counter })),
              "every branch, with its type and counter",
            );
            const n = skimFile.entries("Events");
            const columns = await skimFile.read("Events", names);
            for (const name of names) {
              const a = whole.get(name)!;
              const b = columns.get(name)!;
              equal(b.constructor, a.constructor, `${name}: same array type`);
              for (let j = 0; j < n; j++) {
                const i = keep[offset + j];
                if (isJagged(a)) {
                  ok(isJagged(b));
                  const x = Array.from(a.content.subarray(a.offsets[i], a.offsets[i + 1]) as Any);
                  const y = Array.from(b.content.subarray(b.offsets[j], b.offsets[j + 1]) as Any);
                  deepEqual(y, x, `${name} of event ${i}`);
                } else {
                  equal((b as Any)[j], (a as Any)[i], `${name} of event ${i}`);
                }
              }
            }
            offset += n;
          });
        }
        equal(offset, keep.length, "every passing event, once");
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

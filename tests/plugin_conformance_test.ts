/**
 * The contract suites of core/testing against every built-in plugin of their kind, and each
 * suite against deliberately broken implementations: a suite that passes them would be a test
 * that cannot fail.
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Column, Jagged } from "@ristretto/core/columns";
import type { Events } from "@ristretto/core/events";
import {
  API_VERSION,
  type ByteSourceProvider,
  type Calibrator,
  type ColumnsWriter,
  type CutProvider,
  type DatasetSource,
  loadPluginPackage,
  type Plotter,
  type Reader,
  type VariableProvider,
  type WeightProvider,
} from "@ristretto/core/plugin";
import {
  assertConformance,
  checkByteSourceConformance,
  checkCalibratorConformance,
  checkColumnsWriterConformance,
  checkCutConformance,
  checkDatasetSourceConformance,
  checkPlotterConformance,
  checkPluginConformance,
  checkReaderConformance,
  checkVariableConformance,
  checkWeightConformance,
  type ContractReport,
  DEFAULT_CONTEXT,
  type EventsFixture,
  hasSharedData,
  sharedDataPath,
} from "@ristretto/core/testing";
import {
  btagFixedWpScaleFactors,
  btagShapeScaleFactors,
  electronScaleFactors,
  generateEvents,
  jetEnergyResolution,
  jetEnergyScale,
  jetEnergyScaleFlat,
  lumiMaskCut,
  muonScaleFactors,
  pileupWeight,
} from "@ristretto/cms";
import { shippedParameters } from "../plugins/cms/_test_parameters.ts";
import { parquetColumnsWriter, parquetReader } from "@ristretto/parquet";
import { rootReader } from "@ristretto/root";
import { cmsPlotter } from "@ristretto/plot";
import { writeSyntheticOutput } from "../plugins/plot/_test_fixture.ts";
import { httpByteSource, xrootdByteSource } from "@ristretto/xrootd";
import {
  dataAnswer,
  type FakeRequest,
  frame,
  openAnswer,
  serveFake,
} from "../plugins/xrootd/_fake_server.ts";
import { dasSource, httpListingSource, localSource, rucioSource } from "@ristretto/datasets";
import { defaultEventsFixture } from "../cli/commands/plugins_check.ts";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "bin");

/** The failed check names of a report. */
const failed = (report: ContractReport) =>
  report.checks.filter((check) => check.status === "fail").map((check) => check.name);

/** Asserts the report fails, and that `check` is among the failures (its reason matching). */
function assertFails(report: ContractReport, check: string, reason?: RegExp) {
  assert.equal(report.ok, false, `a broken ${report.kind} passed every check`);
  const found = report.checks.find((c) => c.status === "fail" && c.name === check);
  assert.ok(found, `"${check}" did not fail; failures: ${failed(report).join(" | ")}`);
  if (reason) assert.match(found.reason ?? "", reason);
}

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_conformance_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// ------------------------------------------------------------------------------------------
// Events: toy semileptonic ttbar (muons, electrons, jets) plus generator jets for JER.

function toyBranches(): Map<string, Column> {
  const branches = generateEvents("ttbar_semilep", { events: 300, seed: 11 });
  const pt = branches.get("Jet_pt") as Jagged<Float32Array>;
  const eta = branches.get("Jet_eta") as Jagged<Float32Array>;
  const phi = branches.get("Jet_phi") as Jagged<Float32Array>;
  const offsets = pt.offsets;
  const n = pt.content.length;
  // Every third jet has no generator jet; the others match a generator jet 5% softer.
  const index = new Int16Array(n);
  for (let e = 0; e + 1 < offsets.length; e++) {
    for (let j = offsets[e]; j < offsets[e + 1]; j++) {
      index[j] = j % 3 === 2 ? -1 : j - offsets[e];
    }
  }
  branches.set("Jet_genJetIdx", { offsets, content: index });
  branches.set("nGenJet", branches.get("nJet")!);
  branches.set("GenJet_pt", { offsets, content: pt.content.map((v) => v * 0.95) });
  branches.set("GenJet_eta", { offsets, content: eta.content.slice() });
  branches.set("GenJet_phi", { offsets, content: phi.content.slice() });
  return branches;
}

const analysisObjects = (events: Events) => {
  let out = events;
  for (
    const [name, from] of [["GoodMuon", "Muon"], ["GoodElectron", "Electron"], [
      "GoodJet",
      "Jet",
    ]]
  ) {
    if (out.has(from)) out = out.withCollection(name, out.collection(from));
  }
  return out;
};

/** A correction: one constant per key of its first input, or one constant for all. */
function constantCorrection(
  name: string,
  inputs: { name: string; type: string }[],
  keys: Record<string, number> | number,
) {
  return {
    name,
    version: 1,
    inputs,
    output: { name: "weight", type: "real" },
    data: typeof keys === "number" ? keys : {
      nodetype: "category",
      input: inputs[0].name,
      content: Object.entries(keys).map(([key, value]) => ({ key, value })),
    },
  };
}

/** A correctionlib payload of one constant correction (enough for the contract). */
function constantPayload(
  name: string,
  inputs: { name: string; type: string }[],
  keys: Record<string, number>,
) {
  return { schema_version: 2, corrections: [constantCorrection(name, inputs, keys)] };
}

async function eventsFixture(dir: string): Promise<EventsFixture> {
  const egm = [{ name: "ValType", type: "string" }, { name: "eta", type: "real" }, {
    name: "pt",
    type: "real",
  }];
  await Deno.writeTextFile(
    join(dir, "egm.json"),
    JSON.stringify(constantPayload("Ele-SF", egm, { sf: 0.98, sfup: 1.01, sfdown: 0.95 })),
  );
  const btv = [
    { name: "systematic", type: "string" },
    { name: "flavor", type: "int" },
    { name: "abseta", type: "real" },
    { name: "pt", type: "real" },
    { name: "discriminant", type: "real" },
  ];
  await Deno.writeTextFile(
    join(dir, "btv.json"),
    JSON.stringify(
      constantPayload("deepJet_shape", btv, { central: 0.97, up_hf: 1.02, down_hf: 0.93 }),
    ),
  );
  // Method 1a: SFs for b/c and light jets, and the analysis's own tagging efficiency.
  const wp = [
    { name: "systematic", type: "string" },
    { name: "working_point", type: "string" },
    {
      name: "flavor",
      type: "int",
    },
    { name: "abseta", type: "real" },
    { name: "pt", type: "real" },
  ];
  const keys = { central: 0.95, up: 1.0, down: 0.9 };
  await Deno.writeTextFile(
    join(dir, "btv_fixed.json"),
    JSON.stringify({
      schema_version: 2,
      corrections: [
        constantCorrection("deepJet_comb", wp, keys),
        constantCorrection("deepJet_light", wp, { central: 1.1, up: 1.2, down: 1.0 }),
        constantCorrection("deepJet_M_efficiency", wp.slice(2), 0.6),
      ],
    }),
  );
  const electron = {
    file: join(dir, "egm.json"),
    correction: "Ele-SF",
    collection: "GoodElectron",
    inputs: { ValType: "$variation", eta: "eta", pt: "pt" },
  };
  const run = generateEvents("ttbar_semilep", { events: 1, seed: 11 }).get("run") as Uint32Array;
  await Deno.writeTextFile(
    join(dir, "golden.json"),
    JSON.stringify({ [String(run[0])]: [[1, 20], [40, 1000000]] }),
  );
  const shipped = shippedParameters();
  const corrections = shipped.corrections as Record<string, Record<string, unknown>>;
  const parameters = {
    ...shipped,
    lumiMask: { "2018": join(dir, "golden.json") },
    corrections: {
      ...corrections,
      "2018": {
        ...corrections["2018"],
        sf_ele_reco: electron,
        sf_ele_id: electron,
        sf_btag_fixed: {
          file: join(dir, "btv_fixed.json"),
          correction: "deepJet_comb",
          lightCorrection: "deepJet_light",
          collection: "GoodJet",
          discriminant: "btagDeepFlavB",
          workingPoint: 0.3,
          inputs: {
            systematic: "$variation",
            working_point: { value: "M" },
            flavor: "hadronFlavour",
            abseta: "abs(eta)",
            pt: "pt",
          },
          efficiency: {
            correction: "deepJet_M_efficiency",
            inputs: { flavor: "hadronFlavour", abseta: "abs(eta)", pt: "pt" },
          },
        },
        sf_btag: {
          file: join(dir, "btv.json"),
          correction: "deepJet_shape",
          collection: "GoodJet",
          inputs: {
            systematic: "$variation",
            flavor: "hadronFlavour",
            abseta: "abs(eta)",
            pt: "pt",
            discriminant: "btagDeepFlavB",
          },
        },
      },
    },
  };
  return {
    branches: toyBranches(),
    objects: analysisObjects,
    context: {
      dataset: { name: "ttbar_2018", sample: "TTToSemiLeptonic", year: "2018", isMC: true },
      parameters,
    },
  };
}

const PAYLOADS = [
  "corrections/LUM_2018_UL_puWeights.json.gz",
  "corrections/MUO_2018_UL_muon_Z.json.gz",
];

Deno.test({
  name: "weight suite: pileup, muon, electron and both b-tag weights conform",
  ignore: !PAYLOADS.every((file) => hasSharedData(file)),
  async fn() {
    await withTempDir(async (dir) => {
      const fixture = await eventsFixture(dir);
      for (
        const plugin of [
          pileupWeight(),
          muonScaleFactors(),
          electronScaleFactors(),
          btagShapeScaleFactors({ sources: ["hf"] }),
          btagFixedWpScaleFactors(),
        ]
      ) {
        const report = await checkWeightConformance(plugin, fixture);
        assertConformance(report);
        // Every weight got its three checks (inputs only, deterministic, zero events).
        const perWeight = report.checks.filter((c) => c.name.startsWith("weight "));
        assert.equal(perWeight.length, 3 * plugin.weights.length, plugin.name);
      }
    });
  },
});

Deno.test({
  name: "calibrator suite: flat JES, JES sources and JER conform",
  ignore: !hasSharedData("corrections/JME_2018_UL_jet_jerc.json.gz"),
  async fn() {
    await withTempDir(async (dir) => {
      const fixture = await eventsFixture(dir);
      for (
        const plugin of [
          jetEnergyScaleFlat(),
          jetEnergyScale({ sources: ["Total", "FlavorQCD"] }),
          jetEnergyResolution(),
        ]
      ) {
        const report = await checkCalibratorConformance(plugin, fixture);
        assertConformance(report);
        // Nominal + Up/Down of each variation, each checked.
        const kept = report.checks.filter((c) => c.name.endsWith("keeps every event and object"));
        assert.equal(kept.length, 1 + 2 * plugin.variations.length, plugin.name);
      }
    });
  },
});

Deno.test("cut suite: the lumimask cut conforms", async () => {
  await withTempDir(async (dir) => {
    const fixture = await eventsFixture(dir);
    // Data, so the mask really reads the golden JSON.
    const data = {
      ...fixture.context!,
      dataset: { name: "data_2018", sample: "DATA", year: "2018", isMC: false },
    };
    assertConformance(await checkCutConformance(lumiMaskCut(), { ...fixture, context: data }));
  });
});

// ------------------------------------------------------------------------------------------
// Broken event plugins: each must fail the check that describes its fault.

const tiny: EventsFixture = {
  branches: new Map<string, Column>([
    ["nJet", Uint32Array.of(2, 0, 1)],
    ["Jet_pt", { offsets: Int32Array.of(0, 2, 2, 3), content: Float32Array.of(50, 30, 40) }],
    ["MET_pt", Float32Array.of(20, 35, 80)],
    ["genWeight", Float32Array.of(1, -1, 1)],
  ]),
};

const base = { version: "1.0.0", apiVersion: API_VERSION };

function weight(compute: WeightProvider["compute"], inputs = ["MET_pt"]): WeightProvider {
  return { ...base, kind: "weight", name: "toy-weight", weights: ["toy"], inputs, compute };
}

Deno.test("weight suite: a correct weight passes, and every fault is caught", async () => {
  const metWeight = (events: Events) => {
    const met = events.column("MET.pt") as Float32Array;
    return Float64Array.from(met, (v) => 1 + v / 1000);
  };
  assertConformance(
    await checkWeightConformance(weight((_, e) => ({ nominal: metWeight(e) })), tiny),
  );
  assertFails(
    await checkWeightConformance(
      weight((_, e) => ({ nominal: metWeight(e).subarray(1) })),
      tiny,
    ),
    `weight "toy" on only its declared inputs`,
    /2 values for 3 events/,
  );
  assertFails(
    await checkWeightConformance(
      weight((_, e) => ({ nominal: metWeight(e), up: metWeight(e) })),
      tiny,
    ),
    `weight "toy" on only its declared inputs`,
    /give both or neither/,
  );
  assertFails(
    await checkWeightConformance(
      weight((_, e) => ({ nominal: metWeight(e).map((v) => v / 0 - Infinity) })),
      tiny,
    ),
    `weight "toy" on only its declared inputs`,
    /finite/,
  );
  // Reads genWeight without declaring it: the events it gets do not have it.
  assertFails(
    await checkWeightConformance(
      weight((_, e) => ({ nominal: Float64Array.from(e.column("genWeight") as Float32Array) })),
      tiny,
    ),
    `weight "toy" on only its declared inputs`,
    /genWeight/,
  );
  assertFails(
    await checkWeightConformance(
      weight((_, e) => {
        const met = e.column("MET.pt") as Float32Array;
        met[0] *= 2; // scales the caller's MET in place
        return { nominal: metWeight(e) };
      }),
      tiny,
    ),
    "does not modify its input events",
    /MET_pt/,
  );
  let calls = 0;
  assertFails(
    await checkWeightConformance(
      weight((_, e) => ({ nominal: metWeight(e).fill(++calls) })),
      tiny,
    ),
    `weight "toy" is deterministic`,
  );
  assertFails(
    await checkWeightConformance({
      ...weight((_, e) => ({ nominal: metWeight(e) })),
      name: "Toy_Weight",
    }, tiny),
    "identity: kind, name, version and apiVersion",
    /kebab-case/,
  );
});

function calibrator(calibrate: Calibrator["calibrate"]): Calibrator {
  return {
    ...base,
    kind: "calibrator",
    name: "toy-jes",
    variations: ["toyJES"],
    inputs: ["Jet_pt"],
    calibrate,
  };
}

/** Scales jet pt by 1 +- 5%: a correct calibrator. */
function scaleJets(events: Events, variation?: string): Events {
  const factor = variation === undefined
    ? 1
    : variation === "toyJESUp"
    ? 1.05
    : variation === "toyJESDown"
    ? 0.95
    : NaN;
  if (Number.isNaN(factor)) throw new Error(`unknown variation "${variation}"`);
  const jets = events.collection("Jet");
  const pt = jets.get("pt") as Jagged<Float32Array>;
  return events.withCollection(
    "Jet",
    jets.withField("pt", { offsets: pt.offsets, content: pt.content.map((v) => v * factor) }),
  );
}

Deno.test("calibrator suite: a correct calibrator passes, and every fault is caught", async () => {
  assertConformance(
    await checkCalibratorConformance(calibrator((e, c) => scaleJets(e, c.variation)), tiny),
  );
  assertFails(
    await checkCalibratorConformance(
      calibrator((events, context) => {
        const pt = events.collection("Jet").get("pt").content as Float32Array;
        if (context.variation === "toyJESUp") pt.forEach((v, i) => (pt[i] = v * 1.05));
        return events;
      }),
      tiny,
    ),
    "does not modify its input events",
    /Jet_pt/,
  );
  assertFails(
    await checkCalibratorConformance(
      calibrator((e, c) =>
        scaleJets(e, c.variation?.startsWith("toyJES") ? c.variation : undefined)
      ),
      tiny,
    ),
    "an unknown variation is an error",
  );
  assertFails(
    await checkCalibratorConformance(
      calibrator((e, c) => {
        const scaled = scaleJets(e, c.variation);
        // Drops the events without jets.
        const counts = scaled.collection("Jet").counts();
        return scaled.selectEvents(Uint8Array.from(counts, (n) => (n > 0 ? 1 : 0)));
      }),
      tiny,
    ),
    "the nominal calibration keeps every event and object",
    /2 events for 3/,
  );
  assertFails(
    await checkCalibratorConformance(
      calibrator((events) => {
        // Divides by the chunk's highest jet pt: the result depends on the other events.
        const jets = events.collection("Jet");
        const pt = jets.get("pt") as Jagged<Float32Array>;
        const highest = Math.max(1, ...pt.content);
        return events.withCollection(
          "Jet",
          jets.withField("pt", {
            offsets: pt.offsets,
            content: pt.content.map((v) => v / highest),
          }),
        );
      }),
      tiny,
    ),
    "the nominal calibration treats each event on its own",
    /Jet_pt/,
  );
});

function cut(mask: CutProvider["mask"]): CutProvider {
  return { ...base, kind: "cut", name: "toy-cut", cuts: ["metCut"], inputs: ["MET_pt"], mask };
}

Deno.test("cut suite: a correct cut passes, and every fault is caught", async () => {
  const above = (e: Events, threshold: number) =>
    Uint8Array.from(e.column("MET.pt") as Float32Array, (v) => (v > threshold ? 1 : 0));
  assertConformance(await checkCutConformance(cut((_, e) => above(e, 30)), tiny));
  assertFails(
    await checkCutConformance(cut((_, e) => above(e, 30).map((v) => v * 2)), tiny),
    `cut "metCut" on only its declared inputs`,
    /expected 0 or 1/,
  );
  assertFails(
    await checkCutConformance(
      cut((_, e) => Float64Array.from(above(e, 30)) as unknown as Uint8Array),
      tiny,
    ),
    `cut "metCut" on only its declared inputs`,
    /Float64Array/,
  );
  assertFails(
    await checkCutConformance(
      cut((_, e) => above(e, 30).subarray(0, Math.max(e.length - 1, 0))),
      tiny,
    ),
    `cut "metCut" on only its declared inputs`,
    /2 entries for 3 events/,
  );
});

function variable(
  spec: VariableProvider["variables"][string],
  compute: VariableProvider["compute"],
): VariableProvider {
  return {
    ...base,
    kind: "variable",
    name: "toy-variables",
    variables: { toyVar: spec },
    inputs: ["Jet_pt"],
    compute,
  };
}

Deno.test("variable suite: per-event and per-object variables, and every fault is caught", async () => {
  // HT: the scalar sum of jet pt, hand-checkable on the tiny events (80, 0, 40).
  const ht = (e: Events) => {
    const pt = e.collection("Jet").get("pt") as Jagged<Float32Array>;
    const out = new Float64Array(e.length);
    for (let i = 0; i < e.length; i++) {
      for (let j = pt.offsets[i]; j < pt.offsets[i + 1]; j++) out[i] += pt.content[j];
    }
    return out;
  };
  const hard = (e: Events): Column => {
    const pt = e.collection("Jet").get("pt") as Jagged<Float32Array>;
    return { offsets: pt.offsets, content: Uint8Array.from(pt.content, (v) => (v > 35 ? 1 : 0)) };
  };
  assertConformance(await checkVariableConformance(variable({}, (_, e) => ht(e)), tiny));
  assertConformance(
    await checkVariableConformance(
      variable({ collection: "Jet", type: "bool" }, (_, e) => hard(e)),
      tiny,
    ),
  );
  assertFails(
    await checkVariableConformance(variable({ collection: "Jet" }, (_, e) => ht(e)), tiny),
    `variable "toyVar" per Jet object on only its declared inputs`,
    /jagged/,
  );
  // One value per jet, but shifted by one event: misaligned with the jets.
  assertFails(
    await checkVariableConformance(
      variable({ collection: "Jet" }, (_, e) => {
        const pt = e.collection("Jet").get("pt");
        const offsets = Int32Array.from(pt.offsets, (v, i) => (i === 1 ? 0 : v));
        return { offsets, content: pt.content };
      }),
      tiny,
    ),
    `variable "toyVar" per Jet object on only its declared inputs`,
    /objects per event differ/,
  );
  assertFails(
    await checkVariableConformance(
      variable({ collection: "Jet", type: "bool" }, (_, e) => {
        const pt = e.collection("Jet").get("pt");
        return { offsets: pt.offsets, content: pt.content };
      }),
      tiny,
    ),
    `variable "toyVar" per Jet object on only its declared inputs`,
    /not 0\/1 bytes/,
  );
});

// ------------------------------------------------------------------------------------------
// Readers and the columns writer.

const ROOT_FILE = "nanoaod/nano_dy.root";
const PARQUET_FILE = "nanoaod/nano_dy.parquet";

Deno.test({
  name: "reader suite: the ROOT and Parquet readers conform on real NanoAOD",
  ignore: !hasSharedData(ROOT_FILE) || !hasSharedData(PARQUET_FILE),
  async fn() {
    for (
      const [plugin, file] of [[rootReader(), ROOT_FILE], [parquetReader(), PARQUET_FILE]] as const
    ) {
      const report = await checkReaderConformance(plugin, { url: sharedDataPath(file) });
      assertConformance(report);
      assert.ok(report.checks.some((c) => c.name.endsWith("concatenate to the whole")));
    }
  },
});

Deno.test({
  name: "reader suite: a reader whose read() gives wrong lengths or ignores ranges fails",
  ignore: !hasSharedData(ROOT_FILE),
  async fn() {
    const real = rootReader();
    const broken = (
      mutate: (columns: Map<string, Column>, range?: { start: number }) => void,
    ): Reader => ({
      ...real,
      name: "broken-reader",
      async open(source) {
        const file = await real.open(source);
        return {
          url: file.url,
          trees: () => file.trees(),
          entries: (tree) => file.entries(tree),
          branches: (tree) => file.branches(tree),
          async read(tree, names, range) {
            const columns = await file.read(tree, names, range);
            mutate(columns, range);
            return columns;
          },
          close: () => file.close(),
        };
      },
    });
    const url = sharedDataPath(ROOT_FILE);
    const branches = ["MET_pt", "Muon_pt", "nMuon", "run"];
    const short = broken((columns) => {
      const met = columns.get("MET_pt") as Float32Array | undefined;
      if (met) columns.set("MET_pt", met.subarray(1));
    });
    assertFails(
      await checkReaderConformance(short, { url, branches }),
      `tree "Events": every branch has its type and length`,
      /"MET_pt" has \d+ values for \d+ entries/,
    );
    // Ranges read from the start of the file whatever `start` says.
    const fromStart: Reader = {
      ...real,
      name: "broken-reader",
      async open(source) {
        const file = await real.open(source);
        return {
          ...file,
          url: file.url,
          trees: () => file.trees(),
          entries: (tree) => file.entries(tree),
          branches: (tree) => file.branches(tree),
          read: (tree, names, range) =>
            file.read(tree, names, range && { start: 0, stop: range.stop - range.start }),
          close: () => file.close(),
        };
      },
    };
    assertFails(
      await checkReaderConformance(fromStart, { url, branches }),
      `tree "Events": three entry ranges concatenate to the whole`,
    );
    assertFails(
      await checkReaderConformance({ ...real, name: "broken-reader", canRead: () => true }, {
        url,
        branches,
      }),
      "declines a file it does not understand",
    );
  },
});

Deno.test("columns writer suite: the Parquet writer conforms; a lossy or untidy one fails", async () => {
  await withTempDir(async (dir) => {
    const reader = parquetReader();
    await Deno.mkdir(join(dir, "good"));
    assertConformance(
      await checkColumnsWriterConformance(parquetColumnsWriter(), {
        reader,
        dir: join(dir, "good"),
      }),
    );
    const real = parquetColumnsWriter();
    const lossy: ColumnsWriter = {
      ...real,
      name: "lossy-writer",
      write: (path, columns) =>
        real.write(
          path,
          new Map([...columns].map(([name, column]) => [
            name,
            column instanceof Float64Array ? Float32Array.from(column) : column,
          ])),
        ),
    };
    await Deno.mkdir(join(dir, "lossy"));
    assertFails(
      await checkColumnsWriterConformance(lossy, { reader, dir: join(dir, "lossy") }),
      "the file reads back equal",
      /column "weight"/,
    );
    const untidy: ColumnsWriter = {
      ...real,
      name: "untidy-writer",
      async write(path, columns) {
        await real.write(`${path}.tmp`, columns);
        await Deno.copyFile(`${path}.tmp`, path); // and forgets the temporary file
      },
    };
    await Deno.mkdir(join(dir, "untidy"));
    assertFails(
      await checkColumnsWriterConformance(untidy, { reader, dir: join(dir, "untidy") }),
      "writes the table where asked, nothing else",
      /conformance\.parquet\.tmp/,
    );
  });
});

// ------------------------------------------------------------------------------------------
// Byte sources, dataset sources, the plotter.

const FILE_BYTES = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 9)) & 0xff);

/** Serves FILE_BYTES with Range requests (what the HTTP byte source needs), and an index page. */
function serveHttp() {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/files/") {
      return new Response(
        `<html><body><a href="b.root">b.root</a> <a href="a.root">a.root</a> <a href="x.txt">x</a></body></html>`,
        { headers: { "content-type": "text/html" } },
      );
    }
    const range = /bytes=(\d+)-(\d+)/.exec(request.headers.get("range") ?? "");
    if (!range) {
      if (request.method === "HEAD") {
        return new Response(null, { headers: { "content-length": String(FILE_BYTES.length) } });
      }
      return new Response(FILE_BYTES);
    }
    const start = Number(range[1]);
    const stop = Math.min(Number(range[2]) + 1, FILE_BYTES.length);
    if (start >= FILE_BYTES.length) return new Response(null, { status: 416 });
    return new Response(FILE_BYTES.slice(start, stop), {
      status: 206,
      headers: { "content-range": `bytes ${start}-${stop - 1}/${FILE_BYTES.length}` },
    });
  });
}

function xrootdHandler(request: FakeRequest) {
  switch (request.code) {
    case 3010:
      return { frames: [openAnswer(request.stream, FILE_BYTES.length)] };
    case 3017:
      return {
        frames: [
          frame(request.stream, 0, new TextEncoder().encode(`1 ${FILE_BYTES.length} 16 5\0`)),
        ],
      };
    case 3003:
      return { frames: [frame(request.stream, 0)] };
    default:
      return { frames: dataAnswer(request, FILE_BYTES, 3000) };
  }
}

Deno.test("byte source suite: the HTTP and XRootD sources conform; a shifted one fails", async () => {
  const http = serveHttp();
  const xrootd = serveFake(xrootdHandler);
  try {
    const httpUrl = `http://127.0.0.1:${http.addr.port}/data/file.root`;
    assertConformance(
      await checkByteSourceConformance(httpByteSource(), { url: httpUrl, expected: FILE_BYTES }),
    );
    const rootUrl = `root://127.0.0.1:${xrootd.port}//data/file.root`;
    const fast = { retryDelayMs: 5, requestTimeoutMs: 2000, connectTimeoutMs: 2000 };
    assertConformance(
      await checkByteSourceConformance(xrootdByteSource(fast), {
        url: rootUrl,
        expected: FILE_BYTES,
      }),
    );
    // Off by one: reads start one byte late.
    const real = httpByteSource();
    const shifted: ByteSourceProvider = {
      ...real,
      name: "shifted-http",
      async open(url) {
        const source = await real.open(url);
        return {
          ...source,
          url: source.url,
          size: () => source.size(),
          read: (offset, length) => source.read(offset + 1, length),
          readMany: (ranges) => source.readMany(ranges),
          close: () => source.close(),
        };
      },
    };
    assertFails(
      await checkByteSourceConformance(shifted, { url: httpUrl, expected: FILE_BYTES }),
      "reads give exactly the file's bytes",
      /read\(0, 100\)/,
    );
  } finally {
    await http.shutdown();
    await xrootd.close();
  }
});

Deno.test("dataset source suite: local, HTTP listing, DAS and Rucio conform; a shuffling one fails", async () => {
  const http = serveHttp();
  try {
    await withTempDir(async (dir) => {
      for (const name of ["b.root", "a.root", "c.root"]) {
        await Deno.writeFile(join(dir, name), new Uint8Array(10));
      }
      const options = { baseDir: dir };
      assertConformance(
        await checkDatasetSourceConformance(localSource(), {
          entry: { local_files: ["*.root"] },
          options,
        }),
      );
      assertConformance(
        await checkDatasetSourceConformance(httpListingSource(), {
          entry: { http_index: `http://127.0.0.1:${http.addr.port}/files/` },
          options,
        }),
      );
      const das = dasSource({ executable: join(BIN, "dasgoclient") });
      assertConformance(
        await checkDatasetSourceConformance(das, {
          entry: {
            das_names: [
              "/DYJetsToLL_M-50_TuneCP5_13TeV-madgraphMLM-pythia8/RunIIAutumn18NanoAODv7-Nano02Apr2020_102X_upgrade2018_realistic_v21-v1/NANOAODSIM",
            ],
          },
          options: { ...options, redirector: "root://cms-xrd-global.cern.ch/" },
        }),
      );
      const rucio = rucioSource({ executable: join(BIN, "rucio") });
      assertConformance(
        await checkDatasetSourceConformance(rucio, {
          entry: {
            das_names: [
              "/DYJetsToLL_M-50_TuneCP5_13TeV-madgraphMLM-pythia8/RunIIAutumn18NanoAODv7-Nano02Apr2020_102X_upgrade2018_realistic_v21-v1/NANOAODSIM",
            ],
          },
          options,
        }),
      );
      const real = localSource();
      let turn = 0;
      const shuffling: DatasetSource = {
        ...real,
        name: "shuffling-local",
        async build(entry, opts) {
          const result = await real.build(entry, opts);
          const files = [...result.files];
          if (turn++ % 2 === 1) files.reverse();
          return { ...result, files };
        },
      };
      assertFails(
        await checkDatasetSourceConformance(shuffling, {
          entry: { local_files: ["*.root"] },
          options,
        }),
        "a second build gives the same files in the same order",
        /a\.root/,
      );
      assertFails(
        await checkDatasetSourceConformance(
          { ...real, name: "greedy-local", accepts: () => true },
          {
            entry: { local_files: ["*.root"] },
            options,
          },
        ),
        "accepts the fixture entry, not an empty one",
      );
    });
  } finally {
    await http.shutdown();
  }
});

Deno.test("plotter suite: the CMS plotter conforms; one reporting a file it did not write fails", async () => {
  await withTempDir(async (dir) => {
    const outputDir = join(dir, "out");
    const emptyDir = join(dir, "empty");
    await Deno.mkdir(emptyDir);
    await writeSyntheticOutput(outputDir, { histograms: 1, categories: 1, years: ["2018"] });
    const options = { formats: ["svg"], report: false };
    const real = cmsPlotter();
    assertConformance(await checkPlotterConformance(real, { outputDir, emptyDir, options }));
    const boasting: Plotter = {
      ...real,
      name: "boasting-plotter",
      plot: async (folder, opts) => [...(await real.plot(folder, opts)), "plots/missing.png"],
    };
    assertFails(
      await checkPlotterConformance(boasting, { outputDir, emptyDir, options }),
      "the files it reports exist inside the output folder",
      /plots\/missing\.png/,
    );
  });
});

Deno.test("checkPluginConformance: dispatches by kind, names a missing fixture, skips executors", async () => {
  const ok = weight((_, e) => ({ nominal: new Float64Array(e.length).fill(1) }));
  assert.equal((await checkPluginConformance(ok, { events: tiny })).ok, true);
  const missing = await checkPluginConformance(ok, {});
  assert.equal(missing.ok, false);
  assert.match(missing.checks[0].reason ?? "", /conformance\.events/);
  const byName = await checkPluginConformance(ok, { byPlugin: { "toy-weight": { events: tiny } } });
  assert.equal(byName.ok, true);
  const executor = { ...base, kind: "executor", name: "toy-executor" };
  const skipped = await checkPluginConformance(executor, {});
  assert.equal(skipped.ok, true);
  assert.equal(skipped.checks[0].status, "skip");
});

const EXAMPLE = fileURLToPath(new URL("../examples/plugin-ttbar-reco/mod.ts", import.meta.url));

Deno.test({
  name: "variable and weight suites: the example plugin package conforms on toy ttbar events",
  ignore: !existsSync(EXAMPLE),
  async fn() {
    const loaded = await loadPluginPackage(EXAMPLE, { baseDir: dirname(EXAMPLE) });
    const fixture = defaultEventsFixture(DEFAULT_CONTEXT);
    const kinds = new Set<string>();
    for (const plugin of loaded.plugins) {
      const report = await checkPluginConformance(plugin, { events: fixture });
      assertConformance(report);
      kinds.add(report.kind);
    }
    assert.ok(kinds.has("variable"), "the example provides variables");
  },
});

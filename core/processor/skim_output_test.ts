import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import type { Column, Jagged } from "../columns/types.ts";
import { configFromText } from "../config/load_config.ts";
import { ConfigError } from "../config/config_error.ts";
import type { BuiltDataset } from "../datasets/built_dataset.ts";
import { InputError } from "../errors/ristretto_error.ts";
import { Registry } from "../plugin/registry.ts";
import {
  API_VERSION,
  type BranchInfo,
  type OpenedFile,
  type TreeWriter,
  type TreeWriterFile,
} from "../plugin/types.ts";
import type { DatasetOutput } from "./chunk_output.ts";
import {
  isSkimDataset,
  skimFilePath,
  SkimSelection,
  type SkimSettings,
  skimSettingsOf,
  SkimWriter,
  useRecordedSums,
  withEmptySkimFiles,
} from "./skim_output.ts";

/** A tree writer keeping what it is given, per file and tree. */
function memoryWriter() {
  const files = new Map<
    string,
    Map<string, { branches: string[]; columns: Map<string, Column> }>
  >();
  const closed: string[] = [];
  const writer: TreeWriter = {
    kind: "tree-writer",
    name: "memory-writer",
    version: "1.0.0",
    apiVersion: API_VERSION,
    extension: "mem",
    codecs: ["ZSTD"],
    open(path: string): Promise<TreeWriterFile> {
      const trees = new Map<string, { branches: string[]; columns: Map<string, Column> }>();
      files.set(path, trees);
      return Promise.resolve({
        tree(name, options = {}) {
          return {
            fill(columns) {
              trees.set(name, {
                branches: (options.branches ?? []).map((branch) => `${branch.name}/${branch.type}`),
                columns: new Map(columns),
              });
              return Promise.resolve();
            },
          };
        },
        close() {
          closed.push(path);
          return Promise.resolve();
        },
        abort: () => Promise.resolve(),
      });
    },
  };
  return { writer, files, closed };
}

const SETTINGS: SkimSettings = {
  folder: "/skims",
  after: "skim",
  writer: "memory-writer",
  extension: "mem",
};

const FILE_BRANCHES: BranchInfo[] = [
  { name: "run", type: "uint32" },
  { name: "genWeight", type: "float32" },
  { name: "MET_pt", type: "float32" },
  { name: "MET_phi", type: "float32" },
  { name: "nJet", type: "int32" },
  { name: "Jet_pt", type: "float32", counter: "nJet" },
  { name: "Jet_eta", type: "float32", counter: "nJet" },
];

function chunkColumns(): Map<string, Column> {
  const offsets = Int32Array.of(0, 2, 2, 3, 4);
  return new Map<string, Column>([
    ["run", Uint32Array.of(7, 5, 5, 7)],
    ["genWeight", Float32Array.of(2, -1, 0.5, 3)],
    ["MET_pt", Float32Array.of(10, 20, 30, 40)],
    ["nJet", Int32Array.of(2, 0, 1, 1)],
    ["Jet_pt", { offsets, content: Float32Array.of(50, 40, 35, 60) }],
  ]);
}

const ITEM = {
  dataset: "DY_2018",
  file: "/data/dy/nano_7.root",
  tree: "Events",
  start: 100,
  stop: 104,
  hash: "0123456789abcdef0123",
};

Deno.test("SkimSelection: the skim mask, or skim AND the preselection of any variation", () => {
  const selection = new SkimSelection();
  selection.record("skim", Uint8Array.of(1, 0, 1, 1, 1));
  // Over the four skimmed events (0, 2, 3, 4): nominal keeps 2 and 3.
  selection.record("preselection", Uint8Array.of(0, 1, 1, 0));
  // A shape variation also keeps event 0 (e.g. a jet shifted above threshold); 4 passes none.
  selection.record("preselection", Uint8Array.of(1, 1, 0, 0));
  deepStrictEqual([...selection.mask("skim", 5)], [1, 0, 1, 1, 1]);
  deepStrictEqual([...selection.mask("preselection", 5)], [1, 0, 1, 1, 0]);
  throws(() => new SkimSelection().mask("skim", 5), /no skim mask/);
});

Deno.test("SkimWriter: the selected branches and events, and the Runs sums before the skim", async () => {
  const { writer, files, closed } = memoryWriter();
  const skim = new SkimWriter(
    { ...SETTINGS, branches: ["MET_ph?", "MET_pt", "Jet_pt"] },
    new Registry().add(writer),
  );
  // The analysis reads MET_phi; the skim adds what the patterns select, the counter of Jet_pt,
  // and run and genWeight for the Runs tree.
  deepStrictEqual(skim.branchesToRead(["MET_phi"], FILE_BRANCHES).sort(), [
    "Jet_pt",
    "MET_phi",
    "MET_pt",
    "genWeight",
    "nJet",
    "run",
  ]);
  const selection = new SkimSelection();
  selection.record("skim", Uint8Array.of(1, 0, 0, 1));
  const record = await skim.write(ITEM, {
    columns: chunkColumns(),
    branches: FILE_BRANCHES,
    selection,
    isMC: true,
  });
  const path = "/skims/DY_2018/nano_7_100-104_0123456789ab.mem";
  deepStrictEqual(closed, [path]);
  // Sums before the skim: all four events; genWeight 2 + -1 + 0.5 + 3.
  deepStrictEqual(record, { file: path, events: 2, eventsBefore: 4, sumGenWeightBefore: 4.5 });
  const events = files.get(path)!.get("Events")!;
  // MET_phi is selected but this chunk lacks its column: only what is there is written.
  deepStrictEqual(events.branches, [
    "MET_pt/float32",
    "MET_phi/float32",
    "nJet/int32",
    "Jet_pt/float32",
  ]);
  deepStrictEqual([...events.columns.keys()], ["MET_pt", "nJet", "Jet_pt"]);
  deepStrictEqual([...(events.columns.get("MET_pt") as Float32Array)], [10, 40]);
  deepStrictEqual([...(events.columns.get("nJet") as Int32Array)], [2, 1]);
  ok(events.columns.get("nJet") instanceof Int32Array, "the counter keeps its type");
  const jets = events.columns.get("Jet_pt") as Jagged<Float32Array>;
  deepStrictEqual([...jets.offsets], [0, 2, 3]);
  deepStrictEqual([...jets.content], [50, 40, 60]);
  // One Runs entry per run, by run number: run 5 has events 1 and 2, run 7 events 0 and 3.
  const runs = files.get(path)!.get("Runs")!.columns;
  deepStrictEqual([...(runs.get("run") as Uint32Array)], [5, 7]);
  deepStrictEqual([...(runs.get("genEventCount") as BigInt64Array)], [2n, 2n]);
  deepStrictEqual([...(runs.get("genEventSumw") as Float64Array)], [-0.5, 5]);
  deepStrictEqual([...(runs.get("genEventSumw2") as Float64Array)], [1.25, 13]);

  // Data: every event weighs 1, whatever genWeight says.
  const data = await skim.write({ ...ITEM, dataset: "DATA" }, {
    columns: chunkColumns(),
    branches: FILE_BRANCHES,
    selection,
    isMC: false,
  });
  strictEqual(data.sumGenWeightBefore, 4);
});

function fakeSkimFile(runs?: { count: bigint[]; sumw: number[] }): OpenedFile {
  return {
    url: "skim.root",
    trees: () => runs ? ["Events", "Runs"] : ["Events"],
    entries: () => 0,
    branches: (tree) =>
      tree === "Runs"
        ? [{ name: "genEventCount", type: "int64" }, { name: "genEventSumw", type: "float64" }]
        : [],
    read: () =>
      Promise.resolve(
        new Map<string, Column>([
          ["genEventCount", BigInt64Array.from(runs!.count)],
          ["genEventSumw", Float64Array.from(runs!.sumw)],
        ]),
      ),
    close: () => Promise.resolve(),
  };
}

function skimmedOutput(): DatasetOutput {
  const steps = () => ({ initial: { events: 3, sumw: 1.5 }, skim: { events: 3, sumw: 1.5 } });
  return {
    dataset: "DY_2018",
    events: 3,
    sumGenWeight: 1.5,
    samples: {
      DY: { cutflow: { nominal: steps(), JESUp: steps() }, histograms: {}, columns: {} },
    },
  };
}

const SKIM_DATASET: BuiltDataset = {
  name: "DY_2018",
  sample: "DY",
  year: "2018",
  isMC: true,
  xsec: 6000,
  files: [],
  metadata: { isSkim: "True" },
};

Deno.test("useRecordedSums: a skim's Runs sums replace the skimmed ones, once per file", async () => {
  const opened = fakeSkimFile({ count: [10n, 5n], sumw: [7.5, -2] });
  const first = skimmedOutput();
  await useRecordedSums(first, { opened, item: { ...ITEM, start: 0 }, dataset: SKIM_DATASET });
  strictEqual(first.events, 15);
  strictEqual(first.sumGenWeight, 5.5);
  for (const steps of Object.values(first.samples.DY.cutflow)) {
    deepStrictEqual(steps.initial, { events: 15, sumw: 5.5 });
    deepStrictEqual(steps.skim, { events: 3, sumw: 1.5 }, "later steps stay");
  }
  // A later chunk of the same skim adds nothing: the first carried the file's sums.
  const later = skimmedOutput();
  await useRecordedSums(later, { opened, item: { ...ITEM, start: 40 }, dataset: SKIM_DATASET });
  strictEqual(later.sumGenWeight, 0);
  deepStrictEqual(later.samples.DY.cutflow.nominal.initial, { events: 0, sumw: 0 });
  // Not a skim: untouched.
  const plain = skimmedOutput();
  await useRecordedSums(plain, {
    opened,
    item: { ...ITEM, start: 0 },
    dataset: { ...SKIM_DATASET, metadata: {} },
  });
  strictEqual(plain.sumGenWeight, 1.5);
  await rejects(
    useRecordedSums(skimmedOutput(), {
      opened: fakeSkimFile(),
      item: { ...ITEM, start: 0 },
      dataset: SKIM_DATASET,
    }),
    (error: Error) => error instanceof InputError && error.code === "SKIM_NO_RUNS",
  );
});

Deno.test("skimmed datasets: isSkim flags, and one empty item for an empty skim", () => {
  ok(isSkimDataset({ metadata: { isSkim: true } }));
  ok(isSkimDataset({ metadata: { isSkim: "True" } }));
  ok(!isSkimDataset({ metadata: { isSkim: "False" } }));
  ok(!isSkimDataset({ metadata: {} }));
  deepStrictEqual(withEmptySkimFiles({ metadata: { isSkim: true } }, []), [{ start: 0, stop: 0 }]);
  deepStrictEqual(withEmptySkimFiles({ metadata: {} }, []), []);
  deepStrictEqual(
    withEmptySkimFiles({ metadata: { isSkim: true } }, [{ start: 0, stop: 3 }]),
    [{ start: 0, stop: 3 }],
  );
  strictEqual(
    skimFilePath(SETTINGS, { ...ITEM, file: "root://host//store/nano_1.root?svcClass=x" }),
    "/skims/DY_2018/nano_1_100-104_0123456789ab.mem",
  );
});

const CONFIG = `name: t
datasets: { jsons: [] }
skimOutput:
  folder: skims
  branches: [MET_*]
  compression: { codec: zstd }
`;

Deno.test("skimSettingsOf: folder inside the output, codec and patterns checked at their place", () => {
  const { writer } = memoryWriter();
  const registry = new Registry().add(writer);
  const schema = FILE_BRANCHES;
  const loaded = configFromText("a.yaml", CONFIG);
  deepStrictEqual(skimSettingsOf(loaded, { registry, schema, output: "/out" }), {
    folder: "/out/skims",
    after: "skim",
    branches: ["MET_*"],
    writer: "memory-writer",
    extension: "mem",
    codec: "ZSTD",
    level: undefined,
  });
  strictEqual(
    skimSettingsOf(
      configFromText("a.yaml", CONFIG.replace("skimOutput:", "skimOutput:\n  enabled: false")),
      {
        registry,
        schema,
      },
    ),
    undefined,
  );
  const fails = (text: string, output: string | undefined, message: RegExp) =>
    throws(
      () => skimSettingsOf(configFromText("a.yaml", text), { registry, schema, output }),
      (error: Error) => error instanceof ConfigError && message.test(error.message),
    );
  fails(CONFIG, undefined, /^a\.yaml:4:11: .*folder "skims" is relative/);
  fails(
    CONFIG.replace("zstd", "zstdd"),
    "/out",
    /^a\.yaml:6:25: .*no codec "zstdd" \(did you mean "ZSTD"\?\)/,
  );
  fails(CONFIG.replace("MET_*", "Muon_*"), "/out", /^a\.yaml:5:14: .*"Muon_\*" matches no branch/);
  throws(
    () => skimSettingsOf(loaded, { registry: new Registry(), schema, output: "/out" }),
    /no tree-writer plugin is registered/,
  );
});

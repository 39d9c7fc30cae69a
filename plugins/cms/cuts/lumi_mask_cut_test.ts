import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { configFromText } from "@ristretto/core/config";
import { eventsFromBranches } from "@ristretto/core/events";
import { compilePlan, processChunk } from "@ristretto/core/processor";
import type { BranchInfo } from "@ristretto/core/plugin";
import { lumiMaskCut } from "./lumi_mask_cut.ts";

// Run 100: lumis 1-10 and 20-30 certified; run 101 not in the golden JSON.
const GOLDEN = { "100": [[1, 10], [20, 30]], "102": [[5, 5]] };
// Six events: (100, 5) yes, (100, 15) no, (100, 30) yes, (101, 5) no, (102, 5) yes, (102, 6) no.
const run = Uint32Array.of(100, 100, 100, 101, 102, 102);
const lumi = Uint32Array.of(5, 15, 30, 5, 5, 6);
const certified = [1, 0, 1, 0, 1, 0];

const data = { name: "data_2018", sample: "data", year: "2018", isMC: false };

async function withGolden(fn: (file: string, dir: string) => void | Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/golden.json`, JSON.stringify(GOLDEN));
    await fn(`${dir}/golden.json`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("lumimask cut: data outside the golden JSON fails, simulation passes", async () => {
  await withGolden((file, dir) => {
    const events = eventsFromBranches(
      new Map<string, Column>([["run", run], ["luminosityBlock", lumi]]),
    );
    const cut = lumiMaskCut();
    const parameters = { lumiMask: { "2018": file } };
    deepStrictEqual(
      [...cut.mask("lumimask", events, { dataset: data, parameters, params: {} })],
      certified,
    );
    // Relative paths resolve against correctionsDir.
    const relative = { correctionsDir: dir, lumiMask: { "2018": "golden.json" } };
    deepStrictEqual(
      [...cut.mask("lumimask", events, { dataset: data, parameters: relative, params: {} })],
      certified,
    );
    const mc = { ...data, isMC: true };
    deepStrictEqual([...cut.mask("lumimask", events, { dataset: mc, parameters, params: {} })], [
      1,
      1,
      1,
      1,
      1,
      1,
    ]);
    // A year without a golden JSON: the parameter to set is named.
    throws(
      () =>
        cut.mask("lumimask", events, {
          dataset: { ...data, year: "2017" },
          parameters,
          params: {},
        }),
      (error: Error & { code?: string }) =>
        error.code === "LUMI_MASK_NO_FILE" && error.message.includes("lumiMask.2017"),
    );
  });
});

Deno.test("lumimask cut in the pipeline: {use: lumimask} in the skim removes uncertified data", async () => {
  await withGolden((file) => {
    const config = configFromText(
      "lumimask.yaml",
      `
name: lumimask_unit
datasets: {jsons: []}
skim:
  - {use: lumimask}
categories:
  all: MET.pt >= 0
histograms:
  met:
    axes: [{expr: MET.pt, bins: 1, start: 0, stop: 100}]
`,
      { parameters: { lumiMask: { "2018": file } } },
    );
    const branches: BranchInfo[] = [
      { name: "run", type: "uint32" },
      { name: "luminosityBlock", type: "uint32" },
      { name: "MET_pt", type: "float32" },
    ];
    const plan = compilePlan(config, branches, { cutProviders: [lumiMaskCut()] });
    strictEqual(plan.branches.has("run") && plan.branches.has("luminosityBlock"), true);
    const columns = new Map<string, Column>([
      ["run", run],
      ["luminosityBlock", lumi],
      ["MET_pt", Float32Array.of(10, 20, 30, 40, 50, 60)],
    ]);
    const dataset = { ...data, files: [], metadata: {} };
    const output = processChunk(plan, columns, {
      dataset,
      entries: 6,
      parameters: config.parameters,
    });
    const cutflow = output.samples.data.cutflow.nominal;
    strictEqual(cutflow.initial.events, 6);
    strictEqual(cutflow.skim.events, 3);
    // Unknown cut names list the provided ones.
    throws(
      () =>
        compilePlan(
          configFromText("x.yaml", config.text.replace("use: lumimask", "use: lumimsk")),
          branches,
          { cutProviders: [lumiMaskCut()] },
        ),
      (error: Error) => error.message.includes('did you mean "lumimask"'),
    );
  });
});

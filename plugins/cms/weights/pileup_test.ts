import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { eventsFromBranches } from "@ristretto/core/events";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { loadCorrectionSetSync } from "@ristretto/correctionlib";
import { context2018, shippedParameters } from "../_test_parameters.ts";
import { pileupWeight } from "./pileup.ts";

const FILE = "corrections/LUM_2018_UL_puWeights.json.gz";

Deno.test({
  name: "pileup: nominal, up and down equal the LUM correction at Pileup_nTrueInt",
  ignore: !hasSharedData(FILE),
  fn() {
    // 120 is beyond the last edge (99): the payload's own flow clamps it.
    const nTrueInt = Float32Array.of(0.5, 20.3, 33, 58.7, 120);
    const events = eventsFromBranches(new Map<string, Column>([["Pileup_nTrueInt", nTrueInt]]));
    const values = pileupWeight().compute("pileup", events, context2018());
    const correction = loadCorrectionSetSync(sharedDataPath(FILE)).get(
      "Collisions18_UltraLegacy_goldenJSON",
    );
    for (const [shift, key] of [["nominal", "nominal"], ["up", "up"], ["down", "down"]] as const) {
      const expected = [...nTrueInt].map((n) => correction.evaluate(n, key));
      deepStrictEqual([...values[shift]!], expected, shift);
    }
    ok(values.up![2] !== values.down![2]);
  },
});

Deno.test({
  name: "pileup: a missing payload names the file and the parameter to set",
  fn() {
    const events = eventsFromBranches(
      new Map<string, Column>([["Pileup_nTrueInt", Float32Array.of(20)]]),
    );
    const parameters = { ...shippedParameters(), correctionsDir: "/nonexistent/corrections" };
    throws(
      () => pileupWeight().compute("pileup", events, context2018(parameters)),
      (error: Error) =>
        error.message.includes("/nonexistent/corrections/LUM_2018_UL_puWeights.json.gz") &&
        error.message.includes("corrections.2018.pileup.file") &&
        error.message.includes("correctionsDir"),
    );
  },
});

Deno.test("pileup: a period without settings is a clear error", () => {
  const events = eventsFromBranches(
    new Map<string, Column>([["Pileup_nTrueInt", Float32Array.of(20)]]),
  );
  const context = {
    dataset: { name: "data_2017", sample: "x", year: "2017", isMC: true },
    parameters: shippedParameters(),
  };
  throws(
    () => pileupWeight().compute("pileup", events, context),
    (error: Error & { code?: string }) =>
      error.code === "CORRECTIONS_NO_SETTINGS" &&
      error.message.includes("corrections.2017.pileup") && error.message.includes("2018"),
  );
  strictEqual(pileupWeight().weights[0], "pileup");
});

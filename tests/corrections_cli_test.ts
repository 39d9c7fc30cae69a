/** The `corrections` CLI command, run in-process. */
import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { RistrettoError } from "@ristretto/core/errors";
import { correctionsCommand } from "../cli/commands/corrections.ts";
import {
  parseJsonWithBigInts,
  referenceNumber,
  relativeDifference,
} from "../plugins/correctionlib/_test_helpers.ts";

async function run(args: string[]): Promise<string> {
  const lines: string[] = [];
  const command = correctionsCommand({ write: (text) => lines.push(text) }).exitOverride();
  await command.parseAsync(args, { from: "user" });
  return lines.join("\n");
}

const REFERENCES = [
  "MUO_2018_UL_muon_Z.json.gz.NUM_TightID_DEN_TrackerMuons.json",
  "JME_2018_UL_jet_jerc.json.gz.Summer19UL18_V5_MC_L1L2L3Res_AK4PFchs.json",
  "JME_2018_UL_jet_jerc.json.gz.Summer19UL18_JRV2_MC_ScaleFactor_AK4PFchs.json",
];

for (const name of REFERENCES) {
  Deno.test({
    name: `corrections eval reproduces ${name}`,
    ignore: !hasSharedData(`reference/corrections/${name}`),
    async fn() {
      const reference = parseJsonWithBigInts(
        Deno.readTextFileSync(sharedDataPath(`reference/corrections/${name}`)),
      ) as { file: string; correction: string; inputs: unknown[][]; outputs: unknown[] };
      const dir = await Deno.makeTempDir();
      try {
        const points = `${dir}/points.json`;
        Deno.writeTextFileSync(points, JSON.stringify(reference.inputs));
        const output = await run([
          "eval",
          sharedDataPath(`corrections/${reference.file}`),
          reference.correction,
          "--inputs",
          points,
          "--json",
        ]);
        const results = JSON.parse(output) as unknown[];
        assert.equal(results.length, reference.outputs.length);
        results.forEach((result, i) => {
          const expected = reference.outputs[i];
          if (typeof expected === "object") {
            assert.equal(typeof (result as { error: string }).error, "string", `point ${i}`);
          } else {
            const got = referenceNumber(result as number | string)!;
            assert.ok(
              relativeDifference(got, referenceNumber(expected as number)!) <= 1e-12,
              `point ${i}`,
            );
          }
        });
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "corrections summary lists inputs with types and ranges",
  ignore: !hasSharedData("corrections/correctionlib_binder_mycorrections.json"),
  async fn() {
    const file = sharedDataPath("corrections/correctionlib_binder_mycorrections.json");
    const text = await run(["summary", file]);
    assert.match(text, /3 correction\(s\), 0 compound correction\(s\)/);
    assert.match(text, /pt \(real\), range \[0, 120\)/);
    assert.match(text, /q \(int\), keys 1, -1/);
    assert.match(text, /output: weight \(real\)/);
    const json = JSON.parse(await run(["summary", file, "--json"]));
    assert.equal(json.length, 3);
    assert.equal(json[2].inputs[0].min, "-inf");
  },
});

Deno.test("corrections validate reports JSON paths and fails on invalid files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = `${dir}/bad.json`;
    Deno.writeTextFileSync(
      bad,
      JSON.stringify({
        schema_version: 2,
        corrections: [{
          name: "a",
          version: 1,
          inputs: [{ name: "x", type: "real" }],
          output: { name: "y", type: "real" },
          data: { nodetype: "binning", input: "x", edges: [0, 1], content: [1, 2], flow: "clamp" },
        }],
      }),
    );
    const lines: string[] = [];
    const command = correctionsCommand({ write: (text) => lines.push(text) }).exitOverride();
    await assert.rejects(
      () => command.parseAsync(["validate", bad], { from: "user" }),
      (error: unknown) => {
        // an InputError: the CLI's main() turns it into exit code 2
        assert.ok(error instanceof RistrettoError);
        assert.equal((error as RistrettoError).code, "CORRECTION_SCHEMA");
        return true;
      },
    );
    assert.match(lines.join("\n"), /corrections\[0\]\.data\.content: expected 1 content nodes/);
    const good = `${dir}/good.json`;
    Deno.writeTextFileSync(
      good,
      JSON.stringify({
        schema_version: 2,
        corrections: [{
          name: "a",
          version: 1,
          inputs: [],
          output: { name: "y", type: "real" },
          data: 1,
        }],
      }),
    );
    assert.match(await run(["validate", good]), /valid \(schema v2\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

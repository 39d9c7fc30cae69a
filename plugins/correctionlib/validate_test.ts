import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { readdirSync, readFileSync } from "node:fs";
import {
  CorrectionError,
  decodeCorrectionBytes,
  parseCorrectionSet,
  validateCorrectionSet,
} from "./mod.ts";
import { parseCorrectionJson } from "./_json.ts";

function base(data: unknown, extra: object = {}) {
  return {
    schema_version: 2,
    corrections: [
      {
        name: "ok",
        version: 1,
        inputs: [{ name: "x", type: "real" }],
        output: { name: "o", type: "real" },
        data: 1,
      },
      {
        name: "bad",
        version: 1,
        inputs: [{ name: "pt", type: "real" }, { name: "eta", type: "real" }, {
          name: "syst",
          type: "string",
        }],
        output: { name: "o", type: "real" },
        data,
        ...extra,
      },
    ],
  };
}

function errorsOf(document: unknown): string[] {
  return validateCorrectionSet(document).errors.map((issue) => `${issue.path}: ${issue.message}`);
}

Deno.test("validation errors carry the JSON path", () => {
  const binning = (edges: unknown, content: unknown[] = [1, 2]) => ({
    nodetype: "binning",
    input: "pt",
    edges,
    content,
    flow: "clamp",
  });
  assert.deepEqual(
    errorsOf(
      base({
        nodetype: "category",
        input: "syst",
        content: [{ key: "a", value: binning([0, "x", 2]) }],
      }),
    ),
    ['corrections[1].data.content[0].value.edges: expected an array of numbers, got the string "x" at [1]'],
  );
  assert.deepEqual(errorsOf(base(binning([0, 2, 1]))), [
    "corrections[1].data.edges[2]: edges are not strictly increasing: 2 then 1",
  ]);
  assert.deepEqual(errorsOf(base(binning([0, 1, 2], [1]))), [
    "corrections[1].data.content: expected 2 content nodes (one per bin), got 1",
  ]);
  assert.deepEqual(errorsOf(base({ ...binning([0, 1, 2]), input: "ptt" })), [
    'corrections[1].data.input: unknown input "ptt" (did you mean "pt"?); the inputs are "pt", "eta", "syst"',
  ]);
  assert.deepEqual(errorsOf(base({ ...binning([0, 1, 2]), flow: "clmap" })), [
    'corrections[1].data.flow: expected "clamp", "error", "wrap" or a content node, got the string "clmap" (did you mean "clamp"?)',
  ]);
  assert.deepEqual(errorsOf(base({ nodetype: "binnig" })), [
    'corrections[1].data.nodetype: unknown node type "binnig" (did you mean "binning"?)',
  ]);
  assert.deepEqual(
    errorsOf(base({ nodetype: "formula", expression: "x*", parser: "TFormula", variables: ["pt"] }))
      .length,
    1,
  );
  assert.match(
    errorsOf(
      base({ nodetype: "formula", expression: "x*", parser: "TFormula", variables: ["pt"] }),
    )[0],
    /^corrections\[1\]\.data\.expression: .*column 3/,
  );
  assert.deepEqual(
    errorsOf(
      base({ nodetype: "formula", expression: "x+y", parser: "TFormula", variables: ["pt"] }),
    ),
    [
      "corrections[1].data.variables: the expression uses y but only 1 variable(s) are listed",
    ],
  );
  assert.deepEqual(
    errorsOf(
      base({ nodetype: "formula", expression: "x", parser: "TFormula", variables: ["syst"] }),
    ),
    [
      'corrections[1].data.variables[0]: A formula cannot use the string input "syst"',
    ],
  );
  assert.deepEqual(errorsOf(base({ nodetype: "category", input: "pt", content: [] })), [
    'corrections[1].data.input: a category needs an int or string input, "pt" is real',
  ]);
  assert.deepEqual(
    errorsOf(base({ nodetype: "category", input: "syst", content: [{ key: 1, value: 2 }] })),
    [
      'corrections[1].data.content[0].key: an integer key, but the input "syst" is string',
    ],
  );
  assert.deepEqual(errorsOf(base({ nodetype: "formularef", index: 2, parameters: [] })), [
    "corrections[1].data.index: no generic formula 2: the correction has 0",
  ]);
  assert.deepEqual(
    errorsOf(base({
      nodetype: "multibinning",
      inputs: ["pt", "eta"],
      edges: [[0, 1, 2], { n: 3, low: 0, high: 3 }],
      content: [1, 2, 3],
      flow: "error",
    })),
    ["corrections[1].data.content: expected 6 content nodes (the product of the bin counts), got 3"],
  );
  assert.deepEqual(errorsOf({ schema_version: 1, corrections: [] }), [
    "schema_version: expected 2, got number 1",
  ]);
  assert.deepEqual(errorsOf({ ...base(1), corrections: [{ name: "a" }] }), [
    "corrections[0].version: required but missing",
    "corrections[0].inputs: required but missing",
    "corrections[0].output: required but missing",
    "corrections[0].data: required but missing",
  ]);
  const compound = {
    ...base(1),
    compound_corrections: [{
      name: "cc",
      inputs: [{ name: "x", type: "real" }],
      output: { name: "o", type: "real" },
      inputs_update: ["x"],
      input_op: "*",
      output_op: "*",
      stack: ["ok", "bda"],
    }],
  };
  assert.deepEqual(errorsOf(compound), [
    'compound_corrections[0].stack[1]: unknown correction "bda" (did you mean "bad"?)',
  ]);
});

Deno.test("loading an invalid document throws CORRECTION_SCHEMA with the first path", () => {
  assert.throws(
    () =>
      parseCorrectionSet(
        base({ nodetype: "binning", input: "pt", edges: "x", content: [], flow: "clamp" }),
        { file: "x.json" },
      ),
    (error: unknown) => {
      assert.ok(error instanceof CorrectionError);
      assert.equal(error.code, "CORRECTION_SCHEMA");
      assert.equal(error.details.path, "corrections[1].data.edges");
      assert.match(error.message, /Cannot load correction set "x\.json": 1 schema error/);
      return true;
    },
  );
  assert.throws(() => parseCorrectionSet("{not json", { file: "y.json" }), (error: unknown) => {
    assert.ok(error instanceof CorrectionError);
    assert.equal(error.code, "CORRECTION_FILE");
    return true;
  });
});

Deno.test("JSON numbers are read as correctionlib's rapidjson reads them", () => {
  const parsed = parseCorrectionJson(
    "[0.9581092865235579, 0.1, 1e-3, 123, -0, -0.0, 1.5E2, 12345678901234567890, NaN, -Infinity, Inf]",
  ) as number[];
  // rapidjson (normal precision) rounds this 17-digit value one ulp away from JSON.parse
  assert.equal(parsed[0], 0.958109286523558);
  assert.notEqual(JSON.parse("0.9581092865235579"), 0.958109286523558);
  assert.deepEqual(parsed.slice(1, 4), [0.1, 0.001, 123]);
  assert.ok(Object.is(parsed[4], 0)); // an integer -0 is stored as int 0
  assert.ok(Object.is(parsed[5], -0));
  assert.equal(parsed[6], 150);
  assert.equal(parsed[7], 12345678901234567890);
  assert.ok(Number.isNaN(parsed[8]));
  assert.deepEqual(parsed.slice(9), [-Infinity, Infinity]);
  assert.deepEqual(parseCorrectionJson('{"a\\n\\u0041": [true, false, null, "x"]}'), {
    "a\nA": [true, false, null, "x"],
  });
  assert.throws(() => parseCorrectionJson("[1,"), SyntaxError);
});

Deno.test({
  name: "every shared correction file is valid",
  ignore: !hasSharedData("corrections"),
  fn() {
    const dir = sharedDataPath("corrections");
    for (const name of readdirSync(dir)) {
      const document = decodeCorrectionBytes(readFileSync(`${dir}/${name}`), { file: name });
      assert.deepEqual(validateCorrectionSet(document).errors, [], name);
    }
  },
});

Deno.test("files load as .json and .json.gz; read errors are CorrectionErrors", async () => {
  const { gzipSync } = await import("node:zlib");
  const { loadCorrectionSet, loadCorrectionSetSync } = await import("./mod.ts");
  const dir = await Deno.makeTempDir();
  try {
    const text = JSON.stringify({
      schema_version: 2,
      corrections: [{
        name: "w",
        version: 1,
        inputs: [{ name: "x", type: "real" }],
        output: { name: "o", type: "real" },
        data: {
          nodetype: "binning",
          input: "x",
          edges: [0, 1, 2],
          content: [0.5, 1.5],
          flow: "clamp",
        },
      }],
    });
    Deno.writeTextFileSync(`${dir}/a.json`, text);
    Deno.writeFileSync(`${dir}/a.json.gz`, gzipSync(new TextEncoder().encode(text)));
    assert.equal((await loadCorrectionSet(`${dir}/a.json`)).get("w").evaluate(1.5), 1.5);
    assert.equal(loadCorrectionSetSync(`${dir}/a.json.gz`).get("w").evaluate(0.5), 0.5);
    await assert.rejects(() => loadCorrectionSet(`${dir}/missing.json`), (error: unknown) => {
      assert.ok(error instanceof CorrectionError);
      assert.equal(error.code, "CORRECTION_FILE");
      assert.match(error.message, /missing\.json/);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a set read from bytes carries the SHA-256 of the bytes", async () => {
  const { createHash } = await import("node:crypto");
  const text = JSON.stringify({ schema_version: 2, corrections: [] });
  const set = parseCorrectionSet(text);
  assert.equal(set.digest, createHash("sha256").update(text).digest("hex"));
  assert.equal(parseCorrectionSet({ schema_version: 2, corrections: [] }).digest, undefined);
});

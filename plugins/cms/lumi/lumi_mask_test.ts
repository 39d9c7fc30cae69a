import assert from "node:assert/strict";
import { InputError } from "@ristretto/core/errors";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { LumiMask } from "./lumi_mask.ts";

const GOLDEN_2017 = "lumi/Cert_294927-306462_13TeV_EOY2017ReReco_Collisions17_JSON.txt";

Deno.test({
  name: "2017 golden JSON: (303825, 115) certified, (123, 123) not",
  ignore: !hasSharedData(GOLDEN_2017),
  async fn() {
    const mask = await LumiMask.fromFile(sharedDataPath(GOLDEN_2017));
    assert.deepEqual([...mask.apply(Uint32Array.of(303825, 123), Uint32Array.of(115, 123))], [
      1,
      0,
    ]);
    assert.equal(mask.contains(303825, 115), true);
    assert.equal(mask.runs.length, 474);
  },
});

Deno.test({
  name: "2017 golden JSON: all 10,000 reference pairs, as UInt32, Int32 and Float64 columns",
  ignore: !hasSharedData(GOLDEN_2017) || !hasSharedData("reference/lumimask.json"),
  async fn() {
    const mask = await LumiMask.fromFile(sharedDataPath(GOLDEN_2017));
    const reference = JSON.parse(
      await Deno.readTextFile(sharedDataPath("reference/lumimask.json")),
    ) as { runs: number[]; lumis: number[]; mask: boolean[] };
    assert.equal(reference.runs.length, 10_000);
    const expected = Uint8Array.from(reference.mask, (pass) => (pass ? 1 : 0));
    for (const Type of [Uint32Array, Int32Array, Float64Array]) {
      const got = mask.apply(Type.from(reference.runs), Type.from(reference.lumis));
      let mismatches = 0;
      for (let i = 0; i < expected.length; i++) if (got[i] !== expected[i]) mismatches++;
      assert.equal(mismatches, 0, `${Type.name}: ${mismatches} pairs differ`);
    }
    // The reference itself says how many pass.
    assert.equal(expected.reduce((a, b) => a + b, 0), 3201);
  },
});

Deno.test("range edges: first and last lumi inclusive, one past excluded", () => {
  const mask = LumiMask.fromObject({ "100": [[10, 20], [30, 30]], "200": [[1, 5]] });
  const runs = Uint32Array.of(100, 100, 100, 100, 100, 100, 100, 100, 200, 200, 200, 199, 201);
  const lumis = Uint32Array.of(9, 10, 20, 21, 29, 30, 31, 15, 0, 1, 5, 3, 3);
  assert.deepEqual([...mask.apply(runs, lumis)], [0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0]);
});

Deno.test("unsorted runs and keys, overlapping ranges merged, duplicate run keys combined", () => {
  const mask = LumiMask.fromObject({
    "7": [[50, 60], [1, 10], [5, 20], [21, 22]],
    "3": [],
    "07": [[100, 100]],
  });
  assert.deepEqual(mask.toJSON(), { "3": [], "7": [[1, 22], [50, 60], [100, 100]] });
  assert.equal(mask.lumiSectionCount, 22 + 11 + 1);
  const runs = Int32Array.of(7, 3, 7, 7, 7, -7, 7);
  const lumis = Int32Array.of(22, 1, 23, 100, 55, 22, 61);
  assert.deepEqual([...mask.apply(runs, lumis)], [1, 0, 0, 1, 1, 0, 0]);
  assert.equal(mask.apply(new Uint32Array(0), new Uint32Array(0)).length, 0);
});

Deno.test("cacheKey depends on the certified lumis, not on formatting", () => {
  const a = LumiMask.fromText('{"1": [[1, 5], [6, 9]]}');
  const b = LumiMask.fromText('{ "1" : [[1,9]] }');
  const c = LumiMask.fromText('{"1": [[1, 10]]}');
  assert.equal(a.cacheKey(), b.cacheKey());
  assert.notEqual(a.cacheKey(), c.cacheKey());
});

Deno.test("malformed golden JSON: InputError naming the file and the problem", () => {
  const cases: [string, RegExp][] = [
    ['{"1": [[1, 2]', /not valid JSON/],
    ["[[1, 2]]", /expected an object/],
    ['{"abc": [[1, 2]]}', /run key "abc" is not/],
    ['{"1.5": [[1, 2]]}', /run key "1.5" is not/],
    ['{"-3": [[1, 2]]}', /run key "-3" is not/],
    ['{"1": [[5, 2]]}', /run 1, range 0 \(\[5,2\]\): first lumi 5 is after last lumi 2/],
    ['{"1": [[1, 2, 3]]}', /expected \[firstLumi, lastLumi\]/],
    ['{"1": [[1, "2"]]}', /lumi "2" is not a non-negative/],
    ['{"1": [[1.5, 2]]}', /lumi 1.5 is not/],
    ['{"1": [1, 2]}', /run 1, range 0 \(1\): expected/],
    ['{"1": {"a": 1}}', /run 1: expected a list/],
  ];
  for (const [text, reason] of cases) {
    assert.throws(
      () => LumiMask.fromText(text, { source: "golden.json" }),
      (error: unknown) =>
        error instanceof InputError && error.code === "LUMI_MASK_BAD_JSON" &&
        error.message.includes('"golden.json"') && reason.test(error.message),
      text,
    );
  }
});

Deno.test("missing golden JSON file: InputError naming it", async () => {
  await assert.rejects(
    () => LumiMask.fromFile("/nonexistent/golden.json"),
    (error: unknown) =>
      error instanceof InputError && error.message.includes("/nonexistent/golden.json"),
  );
});

Deno.test("apply refuses columns of different lengths", () => {
  const mask = LumiMask.fromObject({ "1": [[1, 1]] });
  assert.throws(() => mask.apply(Uint32Array.of(1, 1), Uint32Array.of(1)), RangeError);
});

import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { parseCorrectionSet } from "./mod.ts";
import { parseJsonWithBigInts, relativeDifference, sameNumber } from "./_test_helpers.ts";
import { Pcg32, xxh64 } from "./_hashprng.ts";

const VECTORS = "reference/corrections/_synthetic_hashprng.json";

Deno.test("xxh64 matches the published test values", () => {
  // xxHash specification sanity values
  assert.equal(xxh64(new Uint8Array(0), 0n), 0xef46db3751d8e999n);
  assert.equal(xxh64(new TextEncoder().encode("a"), 0n), 0xd24ec4f1a98c6e5bn);
  assert.equal(xxh64(new TextEncoder().encode("abc"), 0n), 0x44bc2cf5ad770999n);
  // a long input exercises the 32-byte stripes
  const long = new TextEncoder().encode("Nobody inspects the spammish repetition");
  assert.equal(xxh64(long, 0n), 0xfbcea83c8a378bf1n);
});

Deno.test("pcg32 gives 32-bit outputs", () => {
  const gen = new Pcg32(42n);
  for (let i = 0; i < 100; i++) {
    const value = gen.next();
    assert.ok(Number.isInteger(value) && value >= 0 && value < 2 ** 32);
  }
});

Deno.test({
  name: "hashprng reproduces correctionlib's vectors (scalar and columnar)",
  ignore: !hasSharedData(VECTORS),
  fn() {
    const reference = parseJsonWithBigInts(Deno.readTextFileSync(sharedDataPath(VECTORS))) as {
      correction_set: object;
      vectors: Record<string, { inputs: (number | bigint)[][]; outputs: number[] }>;
    };
    const set = parseCorrectionSet(reference.correction_set, { file: "_synthetic_hashprng" });
    // correctionlib's own unit test values
    assert.equal(set.get("prng_stdflat").evaluate(1.2, 2.3, 5), 0.5312947726732237);
    assert.equal(set.get("prng_normal").evaluate(1.2, 2.3, 5), -1.263776278956304);
    let checked = 0;
    for (const [name, vector] of Object.entries(reference.vectors)) {
      const correction = set.get(name);
      const outputs = vector.inputs.map((point) => correction.evaluate(...point));
      outputs.forEach((got, i) => {
        const expected = vector.outputs[i];
        // stdnormal goes through log/sqrt: allow libm rounding, the others must be exact
        if (name === "prng_stdnormal") {
          assert.ok(
            relativeDifference(got, expected) <= 1e-12,
            `${name}[${i}]: ${got} vs ${expected}`,
          );
        } else assert.equal(got, expected, `${name}[${i}] ${vector.inputs[i]}`);
        checked++;
      });
      // columnar: reals as Float64Array, ints as BigInt64Array (they exceed 2^53)
      const columns = correction.inputs.map((input, j) =>
        input.type === "int"
          ? BigInt64Array.from(vector.inputs, (point) => BigInt(point[j]))
          : Float64Array.from(vector.inputs, (point) => Number(point[j]))
      );
      const columnar = correction.evaluateColumns(columns);
      columnar.forEach((value, i) => assert.ok(sameNumber(value, outputs[i]), `${name}[${i}]`));
    }
    assert.equal(checked, 1000);
  },
});

Deno.test("hashprng: the 32-bit fast path equals the BigInt reference", async () => {
  const { PrngPacker } = await import("./_hashprng.ts");
  let state = 7;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  for (let lanes = 1; lanes <= 3; lanes++) {
    const packer = new PrngPacker(lanes);
    for (let trial = 0; trial < 3000; trial++) {
      for (let i = 0; i < lanes; i++) {
        if (random() < 0.5) {
          packer.setReal(i, (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10));
        } else {packer.setInt(
            i,
            BigInt(Math.floor((random() - 0.5) * 2 ** 53)) * BigInt(Math.floor(random() * 1000)),
          );}
      }
      for (const distribution of ["stdflat", "normal", "stdnormal"] as const) {
        assert.equal(
          packer.draw(distribution),
          packer.drawExact(distribution),
          `${lanes} ${trial} ${distribution}`,
        );
      }
    }
  }
});

import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { Hist, regular, strCategory } from "../hist/mod.ts";
import { canonicalJSON, hashValue } from "./hash.ts";
import { decodeResult, encodeResult, readResultHeader } from "./result_codec.ts";

Deno.test("result codec: bit-exact round trip of arrays, histograms and special numbers", () => {
  const hist = new Hist([
    strCategory("cat", ["a", "b"]),
    regular("x", { bins: 4, start: 0, stop: 4 }),
  ], { metadata: { name: "h" } });
  hist.fill({ cat: "a", x: new Float64Array([0.5, 1.5, 9]) }, { weight: 0.1 });
  hist.uhiLayout = "sparse";
  const value = {
    n: -0,
    nan: NaN,
    inf: -Infinity,
    text: "x",
    list: [1, null, true],
    f32: new Float32Array([1.25, NaN, -0]),
    i64: new BigInt64Array([-5n]),
    nested: { hist },
  };
  for (const codec of ["none", "gzip", "zstd"] as const) {
    const bytes = encodeResult(value, { key: "k" }, { codec });
    deepEqual(readResultHeader(bytes), { key: "k" });
    const back = decodeResult(bytes) as typeof value;
    ok(Object.is(back.n, -0) && Number.isNaN(back.nan) && back.inf === -Infinity);
    deepEqual(back.list, [1, null, true]);
    ok(back.f32 instanceof Float32Array && Object.is(back.f32[2], -0));
    equal(back.i64[0], -5n);
    ok(back.nested.hist.equals(hist), codec);
    equal(back.nested.hist.uhiLayout, "sparse");
    deepEqual(back.nested.hist.metadata, { name: "h" });
  }
  throws(() => encodeResult({ when: new Date() }), /Cannot encode an instance of Date/);
  throws(() => decodeResult(new Uint8Array(20)), /not a Ristretto result/);
});

Deno.test("canonical JSON: key order does not matter, values do", () => {
  equal(canonicalJSON({ b: [1, { y: 2, x: 1 }], a: "s" }), '{"a":"s","b":[1,{"x":1,"y":2}]}');
  equal(hashValue({ a: 1, b: 2 }), hashValue({ b: 2, a: 1 }));
  ok(hashValue({ a: 1 }) !== hashValue({ a: 1.0000001 }));
});

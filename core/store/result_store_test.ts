import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { ResultStore } from "./result_store.ts";

Deno.test("result store: results, JSON records, failures and listings", async () => {
  const folder = await Deno.makeTempDir({ prefix: "ristretto_store_test_" });
  try {
    const store = await new ResultStore(folder).init();
    const hash = "0123456789abcdef".repeat(4);
    equal(store.has("results", hash), false);
    await store.putResult("results", hash, { x: new Float64Array([1, 2]) }, { key: "k" });
    ok(store.has("results", hash));
    deepEqual(
      (await store.getResult("results", hash) as { x: Float64Array }).x,
      new Float64Array([1, 2]),
    );
    deepEqual(await store.getResultHeader("results", hash), { hash, key: "k" });
    equal((await store.recordFailure(hash, "k", "boom")).attempts, 1);
    equal((await store.recordFailure(hash, "k", "boom")).attempts, 2);
    // A temporary file of an interrupted write is not an entry.
    await Deno.writeTextFile(`${folder}/failures/.x.json.1.tmp`, "");
    deepEqual((await store.list("failures")).map((e) => e.hash), [hash]);
    deepEqual((await store.list("results")).map((e) => e.hash), [hash]);
    await store.remove("failures", hash);
    equal(await store.getJSON("failures", hash), undefined);
    throws(() => store.path("results", "../etc/passwd"), /Not a store hash/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { InputError } from "@ristretto/core/errors";
import { findPayload, payloadCacheKey, payloadPath } from "./_payloads.ts";

Deno.test("payloads: correctionsDir first, then correctionsFallbackDir; else a clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_payloads_" });
  try {
    await Deno.mkdir(`${dir}/cms`);
    await Deno.mkdir(`${dir}/toy`);
    await Deno.writeTextFile(`${dir}/cms/a.json`, "{}");
    await Deno.writeTextFile(`${dir}/toy/a.json`, "{}");
    await Deno.writeTextFile(`${dir}/toy/b.json`, "{}");
    const parameters = { correctionsDir: `${dir}/cms`, correctionsFallbackDir: `${dir}/toy` };
    assert.equal(findPayload(parameters, "a.json"), `${dir}/cms/a.json`);
    assert.equal(findPayload(parameters, "b.json"), `${dir}/toy/b.json`);
    assert.equal(findPayload({ correctionsDir: `${dir}/cms` }, "b.json"), undefined);
    assert.equal(findPayload(parameters, `${dir}/toy/a.json`), `${dir}/toy/a.json`);
    assert.throws(
      () => payloadPath(parameters, "c.json", "corrections.2018.pileup.file"),
      (error: unknown) =>
        error instanceof InputError && error.code === "CORRECTIONS_MISSING_FILE" &&
        error.message.includes(`${dir}/cms/c.json`) &&
        error.message.includes("corrections.2018.pileup.file"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("payloads: the cache key holds the SHA-256 of every file the settings name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_payloads_" });
  try {
    await Deno.writeTextFile(`${dir}/sf.json`, '{"a": 1}');
    await Deno.writeTextFile(`${dir}/eff.json`, '{"b": 2}');
    const parameters = {
      correctionsDir: dir,
      corrections: {
        "2018": { sf_x: { file: "sf.json", efficiency: { file: "eff.json" } } },
        "2017": { sf_x: { file: "gone.json" }, other: { file: "eff.json" } },
      },
    };
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const key = JSON.parse(payloadCacheKey({ v: 1 }, parameters, { names: ["sf_x"] }));
    assert.deepEqual(key, {
      settings: { v: 1 },
      payloads: {
        "2018.sf_x": `sf.json:${sha256('{"a": 1}')}`,
        "2018.sf_x.efficiency": `eff.json:${sha256('{"b": 2}')}`,
        "2017.sf_x": "gone.json:missing",
      },
    });
    // New bytes, new key; without parameters, only the settings.
    await Deno.writeTextFile(`${dir}/sf.json`, '{"a": 2}');
    const changed = JSON.parse(payloadCacheKey({ v: 1 }, parameters, { names: ["sf_x"] }));
    assert.equal(changed.payloads["2018.sf_x"], `sf.json:${sha256('{"a": 2}')}`);
    assert.deepEqual(JSON.parse(payloadCacheKey({ v: 1 }, undefined, { names: ["sf_x"] })), {
      settings: { v: 1 },
      payloads: {},
    });
    // A per-year map of files (lumiMask.<year>).
    const masks = JSON.parse(
      payloadCacheKey({}, { correctionsDir: dir, lumiMask: { "2018": "eff.json" } }, {
        parameter: "lumiMask",
      }),
    );
    assert.deepEqual(masks.payloads, { "lumiMask.2018": `eff.json:${sha256('{"b": 2}')}` });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

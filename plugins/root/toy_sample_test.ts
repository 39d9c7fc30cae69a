import { deepStrictEqual, equal } from "node:assert/strict";
import { isJagged } from "@ristretto/core/columns";
import { generateEvents, writeSample } from "@ristretto/cms/toy_nanoaod";
import { openRootUrl } from "./reader.ts";

Deno.test("the toy NanoAOD generator writes ROOT files the reader gives back unchanged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_toy_root_" });
  try {
    const columns = generateEvents("dy_mumu", { events: 500, seed: 5, year: "2018" });
    const path = `${dir}/dy.root`;
    await writeSample(path, columns, { format: "root" });
    const file = await openRootUrl(path);
    try {
      equal(file.entries("Events"), 500);
      const info = new Map(file.branches("Events").map((b) => [b.name, b]));
      const got = await file.read("Events", [...columns.keys()]);
      for (const [name, want] of columns) {
        const g = got.get(name)!;
        const values = isJagged(want) ? want.content : want;
        if (values instanceof Uint8Array) equal(info.get(name)!.type, "bool", name);
        if (isJagged(want)) {
          if (!isJagged(g)) throw new Error(`${name} should be jagged`);
          deepStrictEqual(
            Array.from(g.offsets, (x) => x - g.offsets[0]),
            Array.from(want.offsets, (x) => x - want.offsets[0]),
          );
          deepStrictEqual(
            Array.from(g.content as ArrayLike<unknown>),
            Array.from(want.content as ArrayLike<unknown>),
            name,
          );
        } else {
          deepStrictEqual(
            Array.from(g as ArrayLike<unknown>),
            Array.from(want as ArrayLike<unknown>),
            name,
          );
        }
      }
    } finally {
      await file.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { isJagged } from "@ristretto/core/columns";
import { openLocalFile } from "@ristretto/core/io";
import { parquetReader } from "@ristretto/parquet";
import { generateEvents } from "./generate_events.ts";
import { writeSample } from "./write_sample.ts";

Deno.test("writeSample writes Parquet that the project's reader gives back unchanged", async () => {
  const folder = await Deno.makeTempDir({ prefix: "ristretto-toy-" });
  try {
    const columns = generateEvents("ttbar_semilep", { events: 300, seed: 1 });
    const path = `${folder}/sub/ttbar.parquet`;
    await writeSample(path, columns);
    const source = await openLocalFile(path);
    const file = await parquetReader().open(source);
    try {
      assert.equal(file.entries("Events"), 300);
      const names = ["event", "MET_pt", "HLT_IsoMu24", "Jet_pt", "Jet_jetId", "Muon_tightId"];
      const back = await file.read("Events", names);
      for (const name of names) {
        const written = columns.get(name)!;
        const read = back.get(name)!;
        if (isJagged(written)) {
          assert.ok(isJagged(read), name);
          assert.deepEqual([...read.content], [...written.content], name);
          assert.deepEqual(
            [...read.offsets].map((o) => o - read.offsets[0]),
            [...written.offsets],
            name,
          );
        } else {
          assert.ok(!isJagged(read));
          assert.deepEqual([...(read as ArrayLike<unknown> as unknown[])], [
            ...(written as ArrayLike<unknown> as unknown[]),
          ], name);
        }
      }
    } finally {
      await file.close();
      await source.close();
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { existsSync } from "node:fs";
import { InputError } from "@ristretto/core/errors";
import type { BranchInfo } from "@ristretto/core/plugin";
import type { Column } from "@ristretto/core/columns";
import { openRootUrl } from "./reader.ts";
import { rootTreeWriter } from "./tree_writer_plugin.ts";

const BRANCHES: BranchInfo[] = [
  { name: "HLT_IsoMu24", type: "bool" },
  { name: "nJet", type: "int32" },
  { name: "Jet_pt", type: "float32", counter: "nJet" },
  { name: "Jet_jetId", type: "uint8", counter: "nJet" },
];

Deno.test("root-tree-writer: the branches' types and counters as given, the file only on close", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_tree_writer_" });
  try {
    const path = `${dir}/skims/skim.root`;
    const file = await rootTreeWriter().open(path, { codec: "lz4", level: 1 });
    const offsets = Int32Array.of(0, 2, 2, 3);
    await file.tree("Events", { branches: BRANCHES }).fill(
      new Map<string, Column>([
        ["HLT_IsoMu24", Uint8Array.of(1, 0, 1)],
        ["nJet", Int32Array.of(2, 0, 1)],
        ["Jet_pt", { offsets, content: Float32Array.of(40, 30, 25) }],
        ["Jet_jetId", { offsets, content: Uint8Array.of(6, 2, 6) }],
      ]),
    );
    ok(!existsSync(path), "nothing at the path before close");
    await file.close();
    const back = await openRootUrl(path);
    try {
      deepStrictEqual(
        back.branches("Events").map(({ name, type, counter }) => ({ name, type, counter })),
        BRANCHES.map(({ name, type, counter }) => ({ name, type, counter })),
      );
      const columns = await back.read("Events", ["nJet", "Jet_jetId"]);
      deepStrictEqual([...(columns.get("nJet") as Int32Array)], [2, 0, 1]);
    } finally {
      await back.close();
    }

    const dropped = await rootTreeWriter().open(`${dir}/dropped.root`);
    await dropped.tree("Events").fill(new Map([["x", Float64Array.of(1)]]));
    await dropped.abort();
    deepStrictEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["skims"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("root-tree-writer: an unknown codec or a bad level is refused, with a suggestion", async () => {
  const writer = rootTreeWriter();
  equal(writer.extension, "root");
  await rejects(
    writer.open("never.root", { codec: "ZTSD" }),
    (error: Error) =>
      error instanceof InputError &&
      /unknown codec "ZTSD" \(did you mean "ZSTD"\?\)/.test(error.message),
  );
  await rejects(
    writer.open("never.root", { level: 12 }),
    (error: Error) =>
      error instanceof InputError && /level 12 is not an integer from 0 to 9/.test(error.message),
  );
  ok(!existsSync("never.root"));
});

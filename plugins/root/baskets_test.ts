import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { openLocalFile } from "@ristretto/core/io";
import { emptyStats, openRootUrl, rootReader } from "./mod.ts";

const FILES = [
  "nano_dy.root",
  "nano_dimuon.root",
  "NanoAODv5_sample.root",
  "scouting_nano.root",
  "uproot-HZZ-zlib.root",
  "uproot-HZZ-lzma.root",
  "uproot-HZZ-lz4.root",
  "uproot-HZZ-zstd.root",
];

for (const name of FILES) {
  const relative = `nanoaod/${name}`;
  const refPath = `reference/branches/${name}.json`;
  Deno.test({
    name: `baskets: ${name} - basket counts, compression blocks and embedded baskets match uproot`,
    ignore: !hasSharedData(relative) || !hasSharedData(refPath),
    async fn() {
      const ref = JSON.parse(await Deno.readTextFile(sharedDataPath(refPath)));
      const file = await openRootUrl(sharedDataPath(relative));
      try {
        const tree = file.tree(ref.tree);
        const stats = emptyStats();
        await tree.read(Object.keys(ref.branches), undefined, { stats });
        const algorithms = Object.fromEntries(
          Object.entries(ref.compression_algorithms_seen as Record<string, number>),
        );
        assert.deepEqual(stats.blocks, algorithms);
        assert.equal(stats.embeddedBaskets, ref.embedded_baskets_total);
        let baskets = 0;
        for (
          const [branch, r] of Object.entries(
            ref.branches as Record<string, { num_baskets: number }>,
          )
        ) {
          assert.equal(tree.baskets(branch).length, r.num_baskets, branch);
          baskets += r.num_baskets;
        }
        assert.equal(stats.baskets, baskets);
      } finally {
        await file.close();
      }
    },
  });
}

Deno.test({
  name: "baskets: the Reader contract - open through a byte source, list, read, close",
  ignore: !hasSharedData("nanoaod/nano_dimuon.root"),
  async fn() {
    const reader = rootReader({ coalesceGap: 0 });
    const opened = await reader.open(
      await openLocalFile(sharedDataPath("nanoaod/nano_dimuon.root")),
    );
    try {
      assert.deepEqual(opened.trees(), ["Events", "Runs"]);
      assert.equal(opened.entries("Events"), 40);
      assert.ok(opened.branches("Runs").length > 0);
      const cols = await opened.read("Events", ["nMuon", "Muon_pt"], { start: 3, stop: 9 });
      assert.equal((cols.get("nMuon") as Uint32Array).length, 6);
    } finally {
      await opened.close();
    }
  },
});

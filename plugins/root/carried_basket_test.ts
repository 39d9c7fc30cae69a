import { deepEqual, equal } from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { openRootUrl } from "./mod.ts";
import { emptyStats, type RootTree } from "./tree.ts";
import { writeRootTree } from "./writer.ts";

// 10,000 events in clusters of 1,000 (one basket per branch each); a flat and a jagged branch
// whose values say which event and object they belong to, so any misplaced value shows.
const EVENTS = 10_000;
const CLUSTER = 1_000;

function columns(): Record<string, Column> {
  const offsets = new Int32Array(EVENTS + 1);
  for (let e = 0; e < EVENTS; e++) offsets[e + 1] = offsets[e] + (e % 4);
  const jetPt = new Float32Array(offsets[EVENTS]);
  for (let e = 0; e < EVENTS; e++) {
    for (let j = offsets[e]; j < offsets[e + 1]; j++) jetPt[j] = e + (j - offsets[e]) / 10;
  }
  const run = new Int32Array(EVENTS).map((_, e) => 7 * e);
  return { run, Jet_pt: { offsets, content: jetPt } };
}

/** Runs `use` on the Events tree of a freshly written file of {@link columns}. */
async function withClusteredTree(use: (tree: RootTree) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/clusters.root`;
    await writeRootTree(path, columns(), { codec: "ZLIB", level: 1, clusterEntries: CLUSTER });
    const file = await openRootUrl(path);
    try {
      await use(file.tree("Events"));
    } finally {
      await file.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("consecutive reads that split baskets reuse the split basket and give the values of one whole read", async () => {
  await withClusteredTree(async (tree) => {
    equal(tree.baskets("Jet_pt").length, EVENTS / CLUSTER, "one basket per cluster");
    const whole = await tree.read(["run", "Jet_pt"]);
    const wholeRun = whole.get("run") as Int32Array;
    const wholeJets = whole.get("Jet_pt") as { offsets: Int32Array; content: Float32Array };

    // Items of 600 entries: every other boundary falls inside a basket.
    const stats = emptyStats();
    for (let start = 0; start < EVENTS; start += 600) {
      const stop = Math.min(EVENTS, start + 600);
      const part = await tree.read(["run", "Jet_pt"], { start, stop }, { stats });
      deepEqual(part.get("run"), wholeRun.slice(start, stop), `run [${start}, ${stop})`);
      const jets = part.get("Jet_pt") as { offsets: Int32Array; content: Float32Array };
      const first = wholeJets.offsets[start];
      deepEqual(
        jets.offsets,
        wholeJets.offsets.slice(start, stop + 1).map((o) => o - first),
        `offsets [${start}, ${stop})`,
      );
      deepEqual(
        jets.content,
        wholeJets.content.slice(first, wholeJets.offsets[stop]),
        `Jet_pt [${start}, ${stop})`,
      );
    }
    // 17 items; a basket is split when a boundary (600, 1200, ...) is not a multiple of 1000:
    // 13 of the 16 inner boundaries (not 3000, 6000 and 9000). Each split basket is reused
    // once per branch: run, Jet_pt and its counter nJet.
    const splits = Array.from({ length: 16 }, (_, i) =>
      600 * (i + 1)).filter((b) => b % CLUSTER !== 0).length;
    equal(splits, 13);
    equal(stats.reusedBaskets, 3 * splits);
    // Every basket read from the file exactly once: 10 per branch.
    equal(stats.baskets - stats.reusedBaskets, 3 * (EVENTS / CLUSTER));
  });
});

Deno.test("a read going backwards still reads the right baskets", async () => {
  await withClusteredTree(async (tree) => {
    const late = await tree.read(["run"], { start: 9_500, stop: 9_700 });
    deepEqual(late.get("run"), new Int32Array(200).map((_, i) => 7 * (9_500 + i)));
    const early = await tree.read(["run"], { start: 100, stop: 1_100 });
    deepEqual(early.get("run"), new Int32Array(1_000).map((_, i) => 7 * (100 + i)));
    // The basket carried from [9500, 9700) was not the one [1100, ...) starts in.
    const stats = emptyStats();
    const next = await tree.read(["run"], { start: 1_100, stop: 1_300 }, { stats });
    deepEqual(next.get("run"), new Int32Array(200).map((_, i) => 7 * (1_100 + i)));
    equal(stats.reusedBaskets, 1, "[100, 1100) ended inside basket [1000, 2000)");
  });
});

import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { RistrettoError } from "@ristretto/core/errors";
import { rootReader } from "@ristretto/root";
import {
  branchStats,
  formatLayout,
  inspectCommand,
  inspectFile,
  type InspectLayout,
  type InspectStats,
  toJson,
} from "./inspect.ts";

const NANO = "nanoaod/nano_dy.root";
const HZZ = "nanoaod/uproot-HZZ-zstd.root";
const readers = [rootReader()];

Deno.test({
  name: "inspect: layout of a NanoAOD file names types, counters and interpretations",
  ignore: !hasSharedData(NANO),
  async fn() {
    const layout = await inspectFile(sharedDataPath(NANO), { readers }) as InspectLayout;
    assert.equal(layout.tree, "Events");
    assert.deepEqual(layout.trees, ["Events", "Runs"]);
    assert.equal(layout.entries, 40);
    assert.equal(layout.branches.length, 1499);
    const jet = layout.branches.find((b) => b.name === "Jet_pt")!;
    assert.equal(jet.counter, "nJet");
    assert.equal(jet.typename, "float[]");
    assert.equal(jet.interpretation, "AsJagged(AsDtype('>f4'))");
    assert.equal(layout.compression?.algorithm, "ZLIB");
    const text = formatLayout(layout);
    assert.match(text, /Jet_pt\s+\| float\[\]\s+\| nJet\s+\| AsJagged\(AsDtype\('>f4'\)\)/);
    assert.match(text, /entries\s+40/);
  },
});

Deno.test({
  name: "inspect: --stats gives values, sum, min, max (Jet_pt sum 5737.7109375)",
  ignore: !hasSharedData(NANO),
  async fn() {
    const stats = await inspectFile(sharedDataPath(NANO), {
      readers,
      stats: true,
      branches: ["Jet_pt", "nJet", "HTXS_Higgs_y"],
    }) as InspectStats;
    assert.equal(stats.entries, 40);
    assert.equal(stats.branches.Jet_pt.sum, 5737.7109375);
    assert.equal(stats.branches.Jet_pt.values, 188);
    assert.equal(stats.branches.nJet.sum, 188);
    const json = JSON.parse(toJson(stats));
    assert.equal(json.branches.HTXS_Higgs_y.sum, "nan");
    assert.equal(json.branches.HTXS_Higgs_y.min, null);
  },
});

Deno.test({
  name: "inspect: --tree and --branches select; unknown names suggest",
  ignore: !hasSharedData(HZZ),
  async fn() {
    const layout = await inspectFile(sharedDataPath(HZZ), {
      readers,
      tree: "events",
      branches: ["NJet", "Jet_Px"],
    }) as InspectLayout;
    assert.deepEqual(layout.branches.map((b) => b.name), ["NJet", "Jet_Px"]);
    assert.equal(layout.compression?.algorithm, "ZSTD");
    await assert.rejects(
      inspectFile(sharedDataPath(HZZ), { readers, tree: "event" }),
      (e: unknown) =>
        e instanceof RistrettoError && e.code === "ROOT_UNKNOWN_TREE" &&
        e.message.includes('"events"'),
    );
    await assert.rejects(
      inspectFile(sharedDataPath(HZZ), { readers, branches: ["Jet_px"] }),
      (e: unknown) =>
        e instanceof RistrettoError && e.code === "ROOT_UNKNOWN_BRANCH" &&
        e.message.includes('"Jet_Px"'),
    );
    await assert.rejects(
      inspectFile(sharedDataPath(HZZ), { readers: [] }),
      (e: unknown) => e instanceof RistrettoError && e.code === "INSPECT_NO_READER",
    );
  },
});

Deno.test({
  name: "inspect: the commander command prints JSON",
  ignore: !hasSharedData(HZZ),
  async fn() {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(" "));
    try {
      await inspectCommand(readers).exitOverride().parseAsync(
        [sharedDataPath(HZZ), "--json", "--stats", "--branches", "NJet,Jet_Px"],
        { from: "user" },
      );
    } finally {
      console.log = log;
    }
    const out = JSON.parse(lines.join("\n"));
    assert.equal(out.tree, "events");
    assert.equal(out.entries, 2421);
    assert.equal(out.branches.NJet.sum, 2773);
    assert.equal(out.branches.Jet_Px.values, 2773);
  },
});

Deno.test("inspect: branchStats sums with compensation and skips NaN in min/max", () => {
  const s = branchStats(Float64Array.of(1e16, 1, -1e16, 2));
  assert.equal(s.sum, 3);
  assert.equal(s.min, -1e16);
  const n = branchStats(Float32Array.of(NaN, 2, 1));
  assert.ok(Number.isNaN(n.sum));
  assert.equal(n.min, 1);
  assert.equal(n.nan, 1);
  assert.equal(branchStats(BigUint64Array.of(5n, 7n)).sum, 12);
});

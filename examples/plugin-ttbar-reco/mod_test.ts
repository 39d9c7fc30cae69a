/**
 * The example plugin on events built by hand, with values worked out on paper: massless jets
 * at eta = 0 have E = pt, and three of them 120 degrees apart with pt = 57.5 GeV form a system
 * at rest of mass 3 x 57.5 = 172.5 GeV; three collinear ones have mass 0 and pt the sum.
 * @module
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { eventsFromBranches } from "@ristretto/core/events";
import type { Column } from "@ristretto/core/columns";
import type { AnyPlugin, VariableProvider, WeightProvider } from "@ristretto/core/plugin";
import ttbarReco, { defaults, hadronicTops } from "./mod.ts";

const THIRD = (2 * Math.PI) / 3;

/** Five events of jets: (pt, phi, btag, jetId) each, all at eta 0 and massless. */
function handMadeEvents() {
  const events: [number, number, number, number][][] = [
    // 0: the 172.5 GeV "top" (one b tag) plus a soft jet that is no candidate.
    [[57.5, 0, 0.9, 6], [57.5, THIRD, 0.1, 6], [57.5, -THIRD, 0.1, 6], [20, 1, 0.1, 6]],
    // 1: three candidates, none b-tagged: no top.
    [[57.5, 0, 0.1, 6], [57.5, THIRD, 0.1, 6], [57.5, -THIRD, 0.1, 6]],
    // 2: two jets only; the second fails jetId.
    [[80, 0, 0.9, 6], [70, 2, 0.9, 0]],
    // 3: the 172.5 GeV trijet and a fourth hard jet: the other trijets are farther from 172.5.
    [[57.5, 0, 0.9, 6], [57.5, THIRD, 0.1, 6], [57.5, -THIRD, 0.1, 6], [100, Math.PI / 2, 0.1, 6]],
    // 4: three collinear jets: mass 0, pt 180.
    [[50, 0, 0.9, 6], [60, 0, 0.1, 6], [70, 0, 0.1, 6]],
  ];
  const counts = events.map((jets) => jets.length);
  const offsets = new Int32Array(counts.length + 1);
  counts.forEach((n, i) => offsets[i + 1] = offsets[i] + n);
  const field = (
    k: number,
    type: Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor,
  ) => ({
    offsets,
    content: type.from(events.flat().map((jet) => jet[k])),
  });
  const zeros = { offsets, content: new Float32Array(offsets[counts.length]) };
  const branches = new Map<string, Column>([
    ["nJet", Int32Array.from(counts)],
    ["Jet_pt", field(0, Float32Array)],
    // Double precision, so that the 120 degree angles cancel to 1e-14 on paper.
    ["Jet_phi", field(1, Float64Array)],
    ["Jet_btagDeepFlavB", field(2, Float32Array)],
    ["Jet_jetId", field(3, Int32Array)],
    ["Jet_eta", zeros],
    ["Jet_mass", zeros],
  ]);
  return eventsFromBranches(branches);
}

function install(options: Record<string, unknown> = {}): AnyPlugin[] {
  const plugins: AnyPlugin[] = [];
  ttbarReco(options)({ add: (plugin) => plugins.push(plugin) });
  return plugins;
}

Deno.test("ttbar-reco: the factory installs a variable and a weight plugin for API 1", () => {
  const plugins = install();
  deepEqual(plugins.map((p) => [p.kind, p.name, p.apiVersion]), [
    ["variable", "ttbar-reco", 1],
    ["weight", "top-pt-toy", 1],
  ]);
  // The options enter the cache key, so changing them recomputes what they touch.
  const changed = install({ minPt: 35 });
  ok(plugins[0].cacheKey!() !== changed[0].cacheKey!());
  throws(() => install({ minPT: 35 }), /unknown option "minPT"/);
  throws(() => install({ minPt: "35" }), /minPt must be a finite number/);
});

Deno.test("ttbar-reco: Jet.isTopCandidate is pt > 30, |eta| < 2.4, jetId >= 2 per jet", () => {
  const [variables] = install() as [VariableProvider];
  const events = handMadeEvents();
  const mask = variables.compute("isTopCandidate", events, contextOf()) as {
    offsets: Int32Array;
    content: Uint8Array;
  };
  equal(mask.offsets, events.collection("Jet").offsets, "aligned with Jet");
  deepEqual([...mask.content], [1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1]);
});

Deno.test("ttbar-reco: the trijet closest to 172.5 GeV with a b tag", () => {
  const tops = hadronicTops(handMadeEvents(), defaults);
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  ok(close(tops.mass[0], 172.5), `event 0: ${tops.mass[0]}`);
  ok(close(tops.pt[0], 0), "event 0 at rest");
  ok(Number.isNaN(tops.mass[1]), "no b tag: no top");
  ok(Number.isNaN(tops.mass[2]), "fewer than three candidates: no top");
  ok(close(tops.mass[3], 172.5), `event 3 picks the 172.5 GeV trijet: ${tops.mass[3]}`);
  ok(close(tops.mass[4], 0) && close(tops.pt[4], 180), "collinear jets: m = 0, pt = 180");
  // A harder pt cut leaves event 4 one candidate.
  ok(Number.isNaN(hadronicTops(handMadeEvents(), { ...defaults, minPt: 60 }).mass[4]));
});

Deno.test("top-pt-toy: exp(0.0615 - 0.0005 pT), up squared, down 1, 1 without a top", () => {
  const [, weight] = install() as [VariableProvider, WeightProvider];
  const values = weight.compute("topPtToy", handMadeEvents(), contextOf());
  const expected = [Math.exp(0.0615), 1, 1, Math.exp(0.0615), Math.exp(0.0615 - 0.0005 * 180)];
  for (let i = 0; i < expected.length; i++) {
    ok(Math.abs(values.nominal[i] - expected[i]) < 1e-12, `event ${i}: ${values.nominal[i]}`);
    ok(Math.abs(values.up![i] - expected[i] ** 2) < 1e-12);
    equal(values.down![i], 1);
  }
});

function contextOf() {
  return {
    dataset: {
      name: "TTToSemiLeptonic_2018",
      sample: "TTToSemiLeptonic",
      year: "2018",
      isMC: true,
    },
    parameters: {},
  };
}

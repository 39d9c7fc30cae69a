import assert from "node:assert/strict";
import { integratedLuminosity } from "../lumi/brilcalc.ts";
import { LumiMask } from "../lumi/lumi_mask.ts";
import { generateEvents } from "./generate_events.ts";
import { syntheticGoldenJson, syntheticLumiSections, toBrilcalcCsv } from "./lumi_sections.ts";
import { totalToyXsec } from "./processes.ts";

Deno.test("synthetic lumi sections sum to the requested luminosity; brilcalc CSV round trip", () => {
  const sections = syntheticLumiSections(12.5, { year: "2018", seed: 4 });
  let sum = 0;
  for (const value of sections.recorded) sum += value;
  assert.ok(Math.abs(sum - 12.5) < 1e-9);
  assert.ok(sections.run[0] > 315252 && sections.run[0] < 316000);
  const csv = toBrilcalcCsv(sections);
  assert.ok(Math.abs(integratedLuminosity(csv) - 12.5) < 1e-5);
  assert.ok(Math.abs(integratedLuminosity(csv, { unit: "/fb" }) - 0.0125) < 1e-8);
});

Deno.test("the synthetic golden JSON removes one run and a block of each other run", () => {
  const sections = syntheticLumiSections(10, { seed: 4 });
  const mask = LumiMask.fromObject(syntheticGoldenJson(sections));
  const runs = new Set(sections.run);
  assert.equal(mask.runs.length, runs.size - 1);
  const certified = integratedLuminosity(toBrilcalcCsv(sections), { mask });
  assert.ok(certified > 0.75 * 10 && certified < 0.97 * 10, `certified ${certified} /pb`);
});

Deno.test("pseudo-data: events follow the recorded luminosity, in (run, lumi) order", () => {
  const sections = syntheticLumiSections(4, { seed: 8 });
  const events = 20_000;
  const data = generateEvents("data", { events, seed: 3, lumiSections: sections });
  const run = data.get("run") as Uint32Array;
  const lumi = data.get("luminosityBlock") as Uint32Array;
  for (let i = 1; i < events; i++) {
    assert.ok(run[i] > run[i - 1] || (run[i] === run[i - 1] && lumi[i] >= lumi[i - 1]));
  }
  // Sections with zero recorded luminosity (DAQ off) hold no events.
  const mask = LumiMask.fromObject(syntheticGoldenJson(sections));
  const pass = mask.apply(run, lumi);
  let passed = 0;
  for (const p of pass) passed += p;
  const certified = integratedLuminosity(toBrilcalcCsv(sections), { mask });
  const expected = events * certified / 4;
  assert.ok(Math.abs(passed - expected) < 5 * Math.sqrt(expected), `${passed} vs ${expected}`);
  // Without given sections, N events correspond to N / sum(xsec) pb^-1 of a default period.
  const defaultData = generateEvents("data", { events: 100, seed: 1 });
  assert.ok((defaultData.get("run") as Uint32Array)[0] > 315252);
  assert.ok(totalToyXsec() > 40_000 && totalToyXsec() < 50_000);
});

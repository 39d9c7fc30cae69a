import assert from "node:assert/strict";
import { InputError } from "@ristretto/core/errors";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { convertLuminosity, integratedLuminosity, parseBrilcalcCsv } from "./brilcalc.ts";
import { LumiMask } from "./lumi_mask.ts";

const CSV = "lumi/lumi_small.csv";

Deno.test({
  name: "lumi_small.csv: first 10 rows give 1.539941814 /pb (coffea's LumiData value)",
  ignore: !hasSharedData(CSV),
  async fn() {
    const text = await Deno.readTextFile(sharedDataPath(CSV));
    // The header says recorded(/pb): coffea sums the column as written, so its number is /pb.
    const lumi = integratedLuminosity(text, { firstRows: 10 });
    assert.ok(Math.abs(lumi - 1.539941814) < 1e-4, `got ${lumi}`);
    assert.ok(Math.abs(lumi - 1.539941814) < 1e-12);
    const inFb = integratedLuminosity(text, { firstRows: 10, unit: "/fb" });
    assert.ok(Math.abs(inFb - 1.539941814e-3) < 1e-15);
    const table = parseBrilcalcCsv(text);
    assert.equal(table.unit, "/pb");
    assert.equal(table.run.length, 998);
    assert.deepEqual([table.run[0], table.luminosityBlock[0]], [297050, 12]);
  },
});

Deno.test({
  name: "lumi_small.csv with the 2017 golden JSON: only certified sections count",
  ignore: !hasSharedData(CSV) ||
    !hasSharedData("lumi/Cert_294927-306462_13TeV_EOY2017ReReco_Collisions17_JSON.txt"),
  async fn() {
    const text = await Deno.readTextFile(sharedDataPath(CSV));
    const golden = await LumiMask.fromFile(
      sharedDataPath("lumi/Cert_294927-306462_13TeV_EOY2017ReReco_Collisions17_JSON.txt"),
    );
    const table = parseBrilcalcCsv(text);
    const pass = golden.apply(table.run, table.luminosityBlock);
    let expected = 0;
    for (let i = 0; i < pass.length; i++) if (pass[i]) expected += table.recorded[i];
    const masked = integratedLuminosity(text, { mask: golden });
    assert.ok(Math.abs(masked - expected) < 1e-9);
    // This CSV lists only certified sections (brilcalc was run with the golden JSON) ...
    assert.ok(Math.abs(masked - integratedLuminosity(text)) < 1e-9);
    // ... so a narrower mask shows the masking: run 297050, ls 12-21 are the first 10 rows.
    const first10 = LumiMask.fromObject({ "297050": [[12, 21]] });
    assert.ok(Math.abs(integratedLuminosity(text, { mask: first10 }) - 1.539941814) < 1e-9);
    // Run 297050 is certified for ls 12-137: the first 10 rows all pass.
    assert.ok(
      Math.abs(integratedLuminosity(text, { mask: golden, firstRows: 10 }) - 1.539941814) < 1e-9,
    );
  },
});

Deno.test("units come from the header; ls 'a:b'; duplicates once; mask; comments and CRLF", () => {
  const csv = [
    "#Data tag : 19v2 , Norm tag: None",
    "#run:fill,ls,time,beamstatus,E(GeV),delivered(/ub),recorded(/ub),avgpu,source",
    "100:1,1:1,06/16/17 20:55:44,STABLE BEAMS,6500,2000000,1000000,40.3,HFET",
    "100:1,2:0,06/16/17 20:55:44,STABLE BEAMS,6500,2000000,0,40.3,HFET",
    "100:1,3:3,06/16/17 20:55:44,STABLE BEAMS,6500,2000000,500000,40.3,HFET",
    "100:1,3:3,06/16/17 20:55:44,STABLE BEAMS,6500,2000000,500000,40.3,HFET",
    "#Summary:",
    "#nfill,nrun,nls,ncms,totdelivered(/ub),totrecorded(/ub)",
    "#1,1,3,2,6000000,1500000",
    "",
  ].join("\r\n");
  assert.equal(integratedLuminosity(csv), 1.5);
  assert.equal(integratedLuminosity(csv, { unit: "/ub" }), 1_500_000);
  assert.equal(integratedLuminosity(csv, { mask: LumiMask.fromObject({ "100": [[2, 3]] }) }), 0.5);
  assert.equal(integratedLuminosity(csv, { firstRows: 1 }), 1);
  assert.deepEqual([...parseBrilcalcCsv(csv).luminosityBlock], [1, 2, 3, 3]);
});

Deno.test("no header: fileUnit is required, brilcalc's column order is assumed", () => {
  const csv = "100:1,1:1,t,STABLE BEAMS,6500,3,2,40.3,HFET\n";
  assert.throws(
    () => integratedLuminosity(csv),
    (e: unknown) => e instanceof InputError && /fileUnit/.test(e.message),
  );
  assert.equal(integratedLuminosity(csv, { fileUnit: "/fb" }), 2000);
});

Deno.test("malformed brilcalc CSV: InputError with the file name, line and reason", () => {
  const header = "#run:fill,ls,time,beamstatus,E(GeV),delivered(/pb),recorded(/pb)\n";
  const cases: [string, RegExp][] = [
    [header + "x:1,1:1,t,S,6500,1,1\n", /line 2 .*run "x:1"/],
    [header + "1:1,a:1,t,S,6500,1,1\n", /ls "a:1"/],
    [header + "1:1,1:1,t,S,6500,1,oops\n", /not a number/],
    [header + "1:1,1:1,t\n", /expected at least 7 fields/],
    ["#run:fill,ls,time,delivered(/pb),recorded(/bananas)\n", /cannot tell the unit/],
    ["#run:fill,time,delivered(/pb),recorded(/pb)\n", /no "ls" column/],
  ];
  for (const [text, reason] of cases) {
    assert.throws(
      () => integratedLuminosity(text, { source: "lumi.csv" }),
      (error: unknown) =>
        error instanceof InputError && error.message.includes('"lumi.csv"') &&
        reason.test(error.message),
      text,
    );
  }
});

Deno.test("convertLuminosity: 1 /fb = 1000 /pb = 1e9 /ub", () => {
  assert.equal(convertLuminosity(1, { from: "/fb", to: "/pb" }), 1000);
  assert.equal(convertLuminosity(1e6, { from: "/ub", to: "/pb" }), 1);
  assert.equal(convertLuminosity(59.7, { from: "/fb", to: "/fb" }), 59.7);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => convertLuminosity(1, { from: "/mb" as any, to: "/pb" }), InputError);
});

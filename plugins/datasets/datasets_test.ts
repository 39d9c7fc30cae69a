import assert from "node:assert/strict";
import { InputError } from "@ristretto/core/errors";
import {
  chooseReplicas,
  datasetKey,
  globToRegExp,
  parseDasFiles,
  parseDefinition,
  parseIndexLinks,
  parseRucioReplicas,
  siteAllowed,
  withRedirector,
} from "./mod.ts";

Deno.test("datasets: keys follow PocketCoffea (label_part_year, _Era<era> for data)", () => {
  assert.equal(
    datasetKey("DYJetsToLL", { year: "2018", isMC: true, part: "M-50" }),
    "DYJetsToLL_M-50_2018",
  );
  assert.equal(datasetKey("TTTo2L2Nu", { year: 2017, isMC: "True" }), "TTTo2L2Nu_2017");
  assert.equal(
    datasetKey("DATA_SingleMuon", { year: "2018", isMC: false, era: "C" }),
    "DATA_SingleMuon_2018_EraC",
  );
});

Deno.test("datasets: a definition is validated with the label and item in the error", () => {
  const ok = parseDefinition({
    A: {
      sample: "A",
      json_output: "a.json",
      files: [{ das_names: ["/a/b/c"], metadata: { year: "2018", isMC: true, xsec: 1 } }],
    },
  }, "def.json");
  assert.equal(ok.datasets[0].files[0].isMC, true);
  assert.throws(
    () =>
      parseDefinition({
        A: {
          sample: "A",
          files: [{ das_names: ["/a/b/c"], metadata: { year: "2018", isMC: false } }],
        },
      }, "def.json"),
    (e: unknown) =>
      e instanceof InputError &&
      e.message ===
        'Cannot load dataset definition "def.json" at A.files[0].metadata: era is required for data',
  );
  assert.throws(
    () =>
      parseDefinition({
        A: { sample: "A", files: [{ metadata: { year: "2018", isMC: true, xsec: 2 } }] },
      }, "d"),
    /give das_names, local_files or http_index/,
  );
});

Deno.test("datasets: DAS JSON records - duplicates once, invalid files out", () => {
  const text = JSON.stringify([
    {
      das: { services: ["dbs3:files"] },
      file: [{ name: "/store/a.root", nevents: 10, size: 100, is_file_valid: 1 }, {
        name: "/store/bad.root",
        nevents: 1,
        size: 1,
        is_file_valid: 0,
      }],
    },
    {
      das: { services: ["dbs3:filelumis"] },
      file: [{ name: "/store/a.root", nevents: 10, size: 100 }],
    },
    { das: {}, file: [{ name: "/store/b.root", nevents: 5, size: 50 }] },
  ]);
  assert.deepEqual(parseDasFiles(text, "/x"), [
    { name: "/store/a.root", nevents: 10, size: 100 },
    { name: "/store/b.root", nevents: 5, size: 50 },
  ]);
  assert.throws(
    () => parseDasFiles("oops", "/x"),
    /Cannot read the DAS answer for "\/x": not JSON/,
  );
  assert.equal(
    withRedirector("root://cms-xrd-global.cern.ch/", "/store/a.root"),
    "root://cms-xrd-global.cern.ch//store/a.root",
  );
});

Deno.test("datasets: Rucio table and JSON lines; site allow/block/regex/priority", () => {
  const table = [
    "+-------+------+",
    "| SCOPE | NAME | FILESIZE | ADLER32 | RSE: REPLICA |",
    "|-------+------|",
    "| cms | /store/a.root | 1 GB | 01 | T2_A: root://a//store/a.root |",
    "| cms | /store/a.root | 1 GB | 01 | T1_B_Disk: root://b//store/a.root |",
    "| cms | /store/b.root | 1 GB | 02 | T2_C: root://c//store/b.root |",
  ].join("\n");
  const replicas = parseRucioReplicas(table);
  assert.equal(replicas.length, 3);
  assert.deepEqual(replicas[1], {
    name: "/store/a.root",
    site: "T1_B_Disk",
    pfn: "root://b//store/a.root",
  });
  const json = parseRucioReplicas(
    JSON.stringify({
      scope: "cms",
      name: "/store/a.root",
      pfns: {
        "root://x//a": { rse: "T2_X", priority: 2 },
        "root://y//a": { rse: "T2_Y", priority: 1 },
      },
    }),
  );
  assert.equal(chooseReplicas(json).chosen.get("/store/a.root")!.site, "T2_Y");
  assert.equal(chooseReplicas(replicas).chosen.get("/store/a.root")!.site, "T2_A");
  assert.equal(
    chooseReplicas(replicas, { priority: ["T1_B_Disk"] }).chosen.get("/store/a.root")!.site,
    "T1_B_Disk",
  );
  assert.deepEqual(chooseReplicas(replicas, { regex: "^T2_" }).missing, []);
  assert.deepEqual(chooseReplicas(replicas, { allow: ["T1_B_Disk"] }).missing, ["/store/b.root"]);
  assert.equal(siteAllowed("T2_A", { block: ["T2_A"] }), false);
});

Deno.test("datasets: globs and HTML index links", () => {
  assert.ok(globToRegExp("/d/*.root").test("/d/a.root"));
  assert.ok(!globToRegExp("/d/*.root").test("/d/x/a.root"));
  assert.ok(globToRegExp("/d/**/*.root").test("/d/x/y/a.root"));
  assert.ok(globToRegExp("/d/**/*.root").test("/d/a.root"));
  assert.ok(globToRegExp("/d/f[0-9].root").test("/d/f7.root"));
  const html = `<a href="../">up</a><a href="a.root">a</a><a href='/data/sub//b.root'>b</a>
    <a href="http://other/c.root">c</a><a href="notes.txt">n</a><a href=a.root#x>dup</a>`;
  assert.deepEqual(parseIndexLinks(html, "http://h:8080/data/sub/"), [
    "http://h:8080/data/sub/a.root",
    "http://h:8080/data/sub/b.root",
  ]);
});

/**
 * `datasets build` against stand-ins of the CMS tools (DAS and Rucio cannot be reached from
 * here): tests/fixtures/bin/dasgoclient and tests/fixtures/bin/rucio print the real tools'
 * documented output formats for a few made-up datasets. Plus the local source on real files.
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readBuiltDatasets } from "@ristretto/core/datasets";
import { RistrettoError } from "@ristretto/core/errors";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { datasetsCommand } from "../cli/commands/datasets.ts";
import { main } from "../cli/main.ts";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "bin");
const DY =
  "/DYJetsToLL_M-50_TuneCP5_13TeV-madgraphMLM-pythia8/RunIIAutumn18NanoAODv7-Nano02Apr2020_102X_upgrade2018_realistic_v21-v1/NANOAODSIM";
const MU = "/SingleMuon/Run2018A-02Apr2020-v1/NANOAOD";
const LFN_DY =
  "/store/mc/RunIIAutumn18NanoAODv7/DYJetsToLL_M-50_TuneCP5_13TeV-madgraphMLM-pythia8/NANOAODSIM/Nano02Apr2020_102X_upgrade2018_realistic_v21-v1/110000";
const LFN_MU = "/store/data/Run2018A/SingleMuon/NANOAOD/02Apr2020-v1/30000/D4.root";

/** A PocketCoffea dataset definition (JSON), as an existing analysis brings it. */
const DEFINITION = {
  DYJetsToLL: {
    sample: "DYJetsToLL",
    json_output: "datasets/DYJetsToLL.json",
    files: [{
      das_names: [DY],
      metadata: { year: "2018", isMC: true, xsec: 6077.22, part: "M-50" },
    }],
  },
  DATA_SingleMuon: {
    sample: "DATA_SingleMuon",
    json_output: "datasets/DATA_SingleMuon.json",
    files: [{
      das_names: [MU],
      metadata: { year: "2018", isMC: false, primaryDataset: "SingleMuon", era: "A" },
    }],
  },
  Private: {
    sample: "Private",
    json_output: "datasets/Private.json",
    files: [{
      das_names: ["/Private/user-Nano-v1/USER"],
      dbs_instance: "prod/phys03",
      metadata: { year: "2017", isMC: true, xsec: 1 },
    }],
  },
};

async function withDefinition(
  fn: (
    dir: string,
    definition: string,
    build: (...args: string[]) => Promise<string[]>,
  ) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_standins_" });
  const definition = join(dir, "datasets_definitions.json");
  await Deno.writeTextFile(definition, JSON.stringify(DEFINITION, null, 2));
  const build = async (...args: string[]) => {
    const lines: string[] = [];
    const command = datasetsCommand({ write: (t) => lines.push(t) });
    command.exitOverride();
    await command.parseAsync(
      [
        "build",
        definition,
        "--dasgoclient",
        `${BIN}/dasgoclient`,
        "--rucio",
        `${BIN}/rucio`,
        ...args,
      ],
      { from: "user" },
    );
    return lines;
  };
  try {
    await fn(dir, definition, build);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));

Deno.test("datasets build (DAS + Rucio stand-ins): PocketCoffea keys, metadata and site URLs", async () => {
  await withDefinition(async (dir, _definition, build) => {
    // Private (phys03) datasets are not in Rucio: built with a redirector in the next test.
    await build(
      "--allowlist-sites",
      "T2_CH_CERN,T2_IT_Pisa",
      "--filter-samples",
      "DYJetsToLL,DATA_SingleMuon",
    );
    const dy = await readJson(join(dir, "datasets/DYJetsToLL.json"));
    assert.deepEqual(Object.keys(dy), ["DYJetsToLL_M-50_2018"]);
    assert.deepEqual(dy["DYJetsToLL_M-50_2018"], {
      metadata: {
        das_names: [DY],
        sample: "DYJetsToLL",
        year: "2018",
        isMC: "True",
        xsec: "6077.22",
        part: "M-50",
        nevents: "2000000", // the invalid C3.root is left out, the duplicate record counted once
        size: "1600000000",
      },
      files: [
        // allow-list order is the preference: CERN for A1, Pisa for B2 (no CERN replica)
        `root://eoscms.cern.ch//eos/cms${LFN_DY}/A1.root`,
        `root://stormgf1.pi.infn.it:1094//cms${LFN_DY}/B2.root`,
      ],
    });
    // Beside the site URLs, the redirector file PocketCoffea also writes.
    const viaRedirector = await readJson(join(dir, "datasets/DYJetsToLL_redirector.json"));
    assert.deepEqual(viaRedirector["DYJetsToLL_M-50_2018"].files, [
      `root://cms-xrd-global.cern.ch//${LFN_DY.slice(1)}/A1.root`,
      `root://cms-xrd-global.cern.ch//${LFN_DY.slice(1)}/B2.root`,
    ]);
    const data = await readJson(join(dir, "datasets/DATA_SingleMuon.json"));
    assert.deepEqual(Object.keys(data), ["DATA_SingleMuon_2018_EraA"]);
    assert.equal(data.DATA_SingleMuon_2018_EraA.metadata.isMC, "False");
    assert.equal(data.DATA_SingleMuon_2018_EraA.metadata.era, "A");
    assert.deepEqual(data.DATA_SingleMuon_2018_EraA.files, [
      `root://eoscms.cern.ch//eos/cms${LFN_MU}`,
    ]);
    // The built files load unchanged through the pipeline's reader of built datasets.
    const loaded = await readBuiltDatasets(join(dir, "datasets/DYJetsToLL.json"));
    assert.equal(loaded[0].xsec, 6077.22);
    assert.equal(loaded[0].isMC, true);
  });
});

Deno.test("datasets build: block-list, regex and the redirector instead of Rucio", async () => {
  await withDefinition(async (dir, _definition, build) => {
    await build(
      "--filter-samples",
      "DYJetsToLL",
      "--blocklist-sites",
      "T1_US_FNAL_Disk,T2_IT_Pisa",
    );
    const dy = await readJson(join(dir, "datasets/DYJetsToLL.json"));
    assert.deepEqual(dy["DYJetsToLL_M-50_2018"].files, [
      `root://eoscms.cern.ch//eos/cms${LFN_DY}/A1.root`,
      `root://dcache-cms-xrootd.desy.de:1094//pnfs/desy.de/cms/tier2${LFN_DY}/B2.root`,
    ]);
    await assert.rejects(() => Deno.stat(join(dir, "datasets/DATA_SingleMuon.json")));

    // B2.root has no T1 replica: a clear error naming the file and the way out.
    await assert.rejects(
      build("--filter-samples", "DYJetsToLL", "--regex-sites", "^T1_"),
      (e: unknown) => {
        assert.ok(e instanceof RistrettoError && e.code === "DATASETS_NO_REPLICA", String(e));
        assert.match(
          e.message,
          /^Cannot build dataset "\/DYJets.*": 1 file\(s\) have no replica at an allowed site \(first: .*B2\.root\); .*--redirector$/,
        );
        return true;
      },
    );
  });

  await withDefinition(async (dir, _definition, build) => {
    const log = join(dir, "rucio.log");
    Deno.env.set("RUCIO_LOG", log);
    try {
      await build("--redirector", "root://xrootd-cms.infn.it/", "--output", join(dir, "out"));
    } finally {
      Deno.env.delete("RUCIO_LOG");
    }
    const dy = await readJson(join(dir, "out/DYJetsToLL.json"));
    assert.deepEqual(dy["DYJetsToLL_M-50_2018"].files, [
      `root://xrootd-cms.infn.it//${LFN_DY.slice(1)}/A1.root`,
      `root://xrootd-cms.infn.it//${LFN_DY.slice(1)}/B2.root`,
    ]);
    // dbs_instance reaches DAS as instance=..., and is kept in the metadata.
    const priv = await readJson(join(dir, "out/Private.json"));
    assert.deepEqual(priv.Private_2017.files, [
      "root://xrootd-cms.infn.it//store/user/someone/private/E5.root",
    ]);
    assert.equal(priv.Private_2017.metadata.dbs_instance, "prod/phys03");
    assert.equal(priv.Private_2017.metadata.nevents, "1234");
    await assert.rejects(() => Deno.stat(log), "Rucio is not asked when a redirector is given");
    await assert.rejects(() => Deno.stat(join(dir, "out/DYJetsToLL_redirector.json")));
  });
});

Deno.test("datasets build: a missing tool and an unknown dataset are clear errors (exit 2)", async () => {
  await withDefinition(async (dir, definition) => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (text: string) => errors.push(text);
    try {
      assert.equal(
        await main([
          "datasets",
          "build",
          definition,
          "--dasgoclient",
          join(dir, "nope"),
          "--redirector",
          "root://r/",
        ]),
        2,
      );
      await Deno.writeTextFile(
        definition,
        JSON.stringify({
          X: {
            sample: "X",
            files: [{
              das_names: ["/No/Such/NANOAODSIM"],
              metadata: { year: 2018, isMC: true, xsec: 1 },
            }],
          },
        }),
      );
      assert.equal(
        await main([
          "datasets",
          "build",
          definition,
          "--dasgoclient",
          `${BIN}/dasgoclient`,
          "--redirector",
          "root://r/",
        ]),
        2,
      );
    } finally {
      console.error = original;
    }
    assert.match(errors[0], /^error: Cannot query DAS for "\/DYJets.*": ".*nope" could not be run/);
    assert.equal(
      errors[1],
      'error: Cannot build dataset "/No/Such/NANOAODSIM": DAS lists no valid files for it',
    );
  });
});

Deno.test({
  name: "datasets build: local files and globs (YAML definition), events counted by opening them",
  ignore: !hasSharedData("nanoaod/nano_dy.root"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ristretto_local_" });
    try {
      const nanoaod = dirname(sharedDataPath("nanoaod/nano_dy.root"));
      await Deno.writeTextFile(
        join(dir, "definition.yaml"),
        `
# PocketCoffea's layout, with our local source instead of DAS
ZZ:
  sample: ZZ
  json_output: built/zz.json
  files:
    - local_files: ["${nanoaod}/uproot-HZZ-*.root"]
      metadata: {year: "2018", isMC: true, xsec: 0.5}
DATA_DoubleMuon:
  sample: DATA_DoubleMuon
  json_output: built/data.json
  files:
    - local_files: ["${nanoaod}/nano_dimuon.root", "${nanoaod}/nano_d?mu*.root"]
      metadata: {year: "2018", isMC: false, era: B, primaryDataset: DoubleMuon}
    - local_files: ["${nanoaod}/nano_dimuon.root"]
      metadata: {year: "2017", isMC: false, era: C, primaryDataset: DoubleMuon}
`,
      );
      assert.equal(
        await main(["datasets", "build", join(dir, "definition.yaml"), "--filter-years", "2018"]),
        0,
      );
      const zz = await readJson(join(dir, "built/zz.json"));
      assert.deepEqual(
        zz.ZZ_2018.files,
        ["lz4", "lzma", "zlib", "zstd"].map((c) => `${nanoaod}/uproot-HZZ-${c}.root`),
      );
      assert.equal(zz.ZZ_2018.metadata.nevents, String(4 * 2421));
      const data = await readJson(join(dir, "built/data.json"));
      assert.deepEqual(Object.keys(data), ["DATA_DoubleMuon_2018_EraB"]);
      assert.deepEqual(data.DATA_DoubleMuon_2018_EraB.files, [`${nanoaod}/nano_dimuon.root`]);
      assert.equal(
        data.DATA_DoubleMuon_2018_EraB.metadata.size,
        String((await Deno.stat(`${nanoaod}/nano_dimuon.root`)).size),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

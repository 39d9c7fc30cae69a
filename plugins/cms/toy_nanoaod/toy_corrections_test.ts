import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import {
  type Correction,
  decodeCorrectionBytes,
  parseCorrectionSet,
  validateCorrectionSet,
} from "@ristretto/correctionlib";
import { generateEvents } from "./generate_events.ts";
import {
  TOY_JES_SOURCES,
  toyCorrectionPayloads,
  type ToyPayload,
  toyPayloadBytes,
} from "./toy_corrections.ts";

const DEFAULTS = fileURLToPath(new URL("../../../configs/params/defaults.yaml", import.meta.url));

/** The payloads as a reader sees them: gzip bytes decoded, by file name. */
async function written(): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const payload of toyCorrectionPayloads("2018")) {
    out.set(payload.file, decodeCorrectionBytes(await toyPayloadBytes(payload)));
  }
  return out;
}

function correction(documents: Map<string, unknown>, file: string, name: string): Correction {
  return parseCorrectionSet(JSON.stringify(documents.get(file))).get(name) as Correction;
}

Deno.test("toy payloads: valid schema v2, with the files and names the 2018 settings use", async () => {
  const documents = await written();
  for (const [file, document] of documents) {
    const { errors, warnings } = validateCorrectionSet(document);
    assert.deepEqual(errors, [], `${file}: no errors`);
    assert.deepEqual(warnings, [], `${file}: no warnings`);
  }
  type Settings = Record<string, string>;
  const defaults = parseYaml(await Deno.readTextFile(DEFAULTS)) as {
    corrections: { "2018": Record<string, Settings> };
  };
  const shipped = defaults.corrections["2018"];
  const names = (settings: Settings) => {
    if (settings.uncertainty) {
      return TOY_JES_SOURCES.map((source) => settings.uncertainty.replace("{source}", source));
    }
    if (settings.ptResolution) return [settings.ptResolution, settings.scaleFactor];
    return [settings.correction];
  };
  for (const setting of ["pileup", "sf_mu_id", "sf_mu_iso", "sf_mu_trigger", "jes", "jer"]) {
    const { file } = shipped[setting];
    assert.ok(documents.has(file), `${setting}: ${file} written`);
    const set = parseCorrectionSet(JSON.stringify(documents.get(file)));
    for (const name of names(shipped[setting])) assert.ok(set.has(name), `${file}: ${name}`);
  }
  assert.deepEqual(
    toyCorrectionPayloads().map((payload: ToyPayload) => payload.file).sort(),
    [...documents.keys()].sort(),
  );
});

Deno.test("toy payloads: plausible scale factors, resolutions and JES uncertainties", async () => {
  const documents = await written();
  const muo = "MUO_2018_UL_muon_Z.json.gz";
  for (
    const name of [
      "NUM_TightID_DEN_TrackerMuons",
      "NUM_TightRelIso_DEN_TightIDandIPCut",
      "NUM_IsoMu24_DEN_CutBasedIdTight_and_PFIsoTight",
    ]
  ) {
    const sf = correction(documents, muo, name);
    for (const abseta of [0.1, 1.0, 1.5, 2.3]) {
      for (const pt of [27, 35, 45, 80, 300]) {
        const nominal = sf.evaluate("2018_UL", abseta, pt, "sf");
        assert.ok(nominal >= 0.95 && nominal <= 1.02, `${name} (${abseta}, ${pt}): ${nominal}`);
        const up = sf.evaluate("2018_UL", abseta, pt, "systup");
        const down = sf.evaluate("2018_UL", abseta, pt, "systdown");
        assert.ok(down < nominal && nominal < up && up - down < 0.05, `${name} up/down`);
      }
    }
  }
  const jme = "JME_2018_UL_jet_jerc.json.gz";
  const resolution = correction(documents, jme, "Summer19UL18_JRV2_MC_PtResolution_AK4PFchs");
  const scaleFactor = correction(documents, jme, "Summer19UL18_JRV2_MC_ScaleFactor_AK4PFchs");
  const total = correction(documents, jme, "Summer19UL18_V5_MC_Total_AK4PFchs");
  for (const eta of [-2.2, -0.4, 0.3, 1.9]) {
    let previous = Infinity;
    for (const pt of [30, 50, 100, 300, 1000]) {
      const sigma = resolution.evaluate(eta, pt, 20);
      // Jet resolution improves with pt: ~17% at 30 GeV, ~5% at 1 TeV in the tracker.
      assert.ok(sigma >= 0.04 && sigma <= 0.2 && sigma < previous, `sigma(${eta}, ${pt})`);
      previous = sigma;
      const u = total.evaluate(eta, pt);
      assert.ok(u > 0.005 && u < 0.05, `JES Total (${eta}, ${pt}): ${u}`);
    }
    const [nom, up, down] = ["nom", "up", "down"].map((key) => scaleFactor.evaluate(eta, key));
    // Data resolution is worse than simulated: s >= 1.
    assert.ok(down >= 1 && down < nom && nom < up && up < 1.4, `JER SF at ${eta}`);
  }
});

Deno.test("toy payloads: the pileup weights keep the simulated normalisation", async () => {
  const documents = await written();
  const pileup = correction(
    documents,
    "LUM_2018_UL_puWeights.json.gz",
    "Collisions18_UltraLegacy_goldenJSON",
  );
  // A reweighting to another profile changes the shape, not the number of events: the mean
  // weight over the simulated pileup is 1.
  const nTrueInt = generateEvents("wjets", { events: 20_000, seed: 3 }).get(
    "Pileup_nTrueInt",
  ) as Float32Array;
  for (const key of ["nominal", "up", "down"]) {
    let sum = 0;
    for (const n of nTrueInt) sum += pileup.evaluate(n, key);
    const mean = sum / nTrueInt.length;
    assert.ok(Math.abs(mean - 1) < 0.03, `${key}: mean weight ${mean}`);
  }
  // More pileup in "data" than simulated: low-pileup events weigh less, high-pileup more.
  assert.ok(pileup.evaluate(20, "nominal") < 1 && pileup.evaluate(45, "nominal") > 1);
  assert.ok(pileup.evaluate(45, "up") > pileup.evaluate(45, "nominal"));
  assert.ok(pileup.evaluate(45, "down") < pileup.evaluate(45, "nominal"));
});

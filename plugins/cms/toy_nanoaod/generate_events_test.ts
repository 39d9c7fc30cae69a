import assert from "node:assert/strict";
import type { Column, Jagged, NumberArray } from "@ristretto/core/columns";
import { isJagged } from "@ristretto/core/columns";
import { InputError } from "@ristretto/core/errors";
import { generateEvents, TOY_PROCESS_NAMES } from "./generate_events.ts";
import { TOY_PROCESSES } from "./processes.ts";

const Z_MASS = 91.1876;
const Z_WIDTH = 2.4952;
const W_MASS = 80.379;

function jaggedOf(columns: Map<string, Column>, name: string): Jagged<NumberArray> {
  const column = columns.get(name);
  assert.ok(column !== undefined && isJagged(column), `${name} is jagged`);
  return column as Jagged<NumberArray>;
}

function flatOf<T>(columns: Map<string, Column>, name: string, type: new (n: number) => T): T {
  const column = columns.get(name);
  assert.ok(column instanceof type, `${name} is a ${type.name}`);
  return column as T;
}

/** Invariant mass of two (pt, eta, phi, mass) objects. */
function pairMass(
  pt: ArrayLike<number>,
  eta: ArrayLike<number>,
  phi: ArrayLike<number>,
  mass: ArrayLike<number>,
  a: number,
  b: number,
): number {
  let e = 0, px = 0, py = 0, pz = 0;
  for (const k of [a, b]) {
    const x = pt[k] * Math.cos(phi[k]);
    const y = pt[k] * Math.sin(phi[k]);
    const z = pt[k] * Math.sinh(eta[k]);
    px += x;
    py += y;
    pz += z;
    e += Math.sqrt(x * x + y * y + z * z + mass[k] * mass[k]);
  }
  return Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz));
}

/** Mode (centre of the fullest bin after a 3-bin running mean) and FWHM of a histogram. */
function peakAndFwhm(
  counts: Float64Array,
  low: number,
  width: number,
): { peak: number; fwhm: number } {
  const smooth = new Float64Array(counts.length);
  for (let i = 1; i < counts.length - 1; i++) {
    smooth[i] = (counts[i - 1] + counts[i] + counts[i + 1]) / 3;
  }
  let best = 1;
  for (let i = 1; i < smooth.length - 1; i++) if (smooth[i] > smooth[best]) best = i;
  const half = smooth[best] / 2;
  // Linear interpolation of the half-maximum crossings on each side.
  let left = best;
  while (left > 0 && smooth[left] > half) left--;
  let right = best;
  while (right < smooth.length - 1 && smooth[right] > half) right++;
  const leftX = left + (half - smooth[left]) / (smooth[left + 1] - smooth[left]);
  const rightX = right - 1 + (smooth[right - 1] - half) / (smooth[right - 1] - smooth[right]);
  return { peak: low + (best + 0.5) * width, fwhm: (rightX - leftX) * width };
}

/** Histogram of the mass of the two leading prompt opposite-charge muons of Drell-Yan events. */
function dimuonMassHistogram(
  columns: Map<string, Column>,
  low: number,
  high: number,
  width: number,
) {
  const pt = jaggedOf(columns, "Muon_pt");
  const eta = jaggedOf(columns, "Muon_eta").content;
  const phi = jaggedOf(columns, "Muon_phi").content;
  const mass = jaggedOf(columns, "Muon_mass").content;
  const charge = jaggedOf(columns, "Muon_charge").content;
  const flav = jaggedOf(columns, "Muon_genPartFlav").content;
  const counts = new Float64Array(Math.round((high - low) / width));
  const offsets = pt.offsets;
  let pairs = 0;
  for (let event = 0; event < offsets.length - 1; event++) {
    let first = -1, second = -1;
    for (let k = offsets[event]; k < offsets[event + 1]; k++) {
      if (flav[k] !== 1) continue;
      if (first < 0) first = k;
      else if (charge[k] !== charge[first]) {
        second = k;
        break;
      }
    }
    if (second < 0) continue;
    pairs++;
    const m = pairMass(pt.content, eta, phi, mass, first, second);
    if (m >= low && m < high) counts[Math.floor((m - low) / width)]++;
  }
  return { counts, pairs };
}

Deno.test("same seed gives identical columns; another seed different ones", () => {
  for (const process of ["ttbar_semilep", "data"] as const) {
    const a = generateEvents(process, { events: 1500, seed: 42 });
    const b = generateEvents(process, { events: 1500, seed: 42 });
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [name, column] of a) assert.deepEqual(b.get(name), column, `${process} ${name}`);
    const c = generateEvents(process, { events: 1500, seed: 43 });
    assert.notDeepEqual(jaggedOf(c, "Jet_pt").content, jaggedOf(a, "Jet_pt").content);
    assert.notDeepEqual(c.get("MET_pt"), a.get("MET_pt"));
  }
});

Deno.test("branch names and NanoAOD types; data has no simulation-only branches", () => {
  const expected: Record<string, string> = {
    run: "Uint32Array",
    luminosityBlock: "Uint32Array",
    event: "BigUint64Array",
    genWeight: "Float32Array",
    Pileup_nTrueInt: "Float32Array",
    Pileup_nPU: "Int32Array",
    PV_npvs: "Int32Array",
    PV_npvsGood: "Int32Array",
    fixedGridRhoFastjetAll: "Float32Array",
    MET_pt: "Float32Array",
    MET_phi: "Float32Array",
    GenMET_pt: "Float32Array",
    GenMET_phi: "Float32Array",
    HLT_IsoMu24: "Uint8Array",
    HLT_Ele32_WPTight_Gsf: "Uint8Array",
    nMuon: "Uint32Array",
    Muon_pt: "Float32Array",
    Muon_eta: "Float32Array",
    Muon_phi: "Float32Array",
    Muon_mass: "Float32Array",
    Muon_charge: "Int32Array",
    Muon_looseId: "Uint8Array",
    Muon_mediumId: "Uint8Array",
    Muon_tightId: "Uint8Array",
    Muon_pfRelIso03_all: "Float32Array",
    Muon_pfRelIso04_all: "Float32Array",
    Muon_genPartFlav: "Int32Array",
    nElectron: "Uint32Array",
    Electron_pt: "Float32Array",
    Electron_eta: "Float32Array",
    Electron_phi: "Float32Array",
    Electron_mass: "Float32Array",
    Electron_charge: "Int32Array",
    Electron_cutBased: "Int32Array",
    Electron_pfRelIso03_all: "Float32Array",
    Electron_deltaEtaSC: "Float32Array",
    Electron_genPartFlav: "Int32Array",
    nJet: "Uint32Array",
    Jet_pt: "Float32Array",
    Jet_eta: "Float32Array",
    Jet_phi: "Float32Array",
    Jet_mass: "Float32Array",
    Jet_btagDeepFlavB: "Float32Array",
    Jet_jetId: "Int32Array",
    Jet_puId: "Int32Array",
    Jet_area: "Float32Array",
    Jet_rawFactor: "Float32Array",
    Jet_hadronFlavour: "Int32Array",
    Jet_genJetIdx: "Int16Array",
    nGenJet: "Uint32Array",
    GenJet_pt: "Float32Array",
    GenJet_eta: "Float32Array",
    GenJet_phi: "Float32Array",
    GenJet_mass: "Float32Array",
    GenJet_hadronFlavour: "Int32Array",
  };
  const simulationOnly = [
    "genWeight",
    "Pileup_nTrueInt",
    "Pileup_nPU",
    "GenMET_pt",
    "GenMET_phi",
    "Muon_genPartFlav",
    "Electron_genPartFlav",
    "Jet_hadronFlavour",
    "Jet_genJetIdx",
    "nGenJet",
    "GenJet_pt",
    "GenJet_eta",
    "GenJet_phi",
    "GenJet_mass",
    "GenJet_hadronFlavour",
  ];
  for (const process of TOY_PROCESS_NAMES) {
    const columns = generateEvents(process, { events: 300, seed: 5 });
    const names = Object.keys(expected).filter((name) =>
      process !== "data" || !simulationOnly.includes(name)
    );
    assert.deepEqual([...columns.keys()].sort(), names.sort(), process);
    for (const name of names) {
      const column = columns.get(name)!;
      const values = isJagged(column) ? column.content : column;
      assert.equal(values.constructor.name, expected[name], `${process} ${name}`);
      if (!isJagged(column)) assert.equal(column.length, 300, `${process} ${name}`);
    }
    for (const name of ["HLT_IsoMu24", "Muon_tightId"]) {
      const column = columns.get(name)!;
      for (const v of isJagged(column) ? column.content : column as Uint8Array) {
        assert.ok(v === 0 || v === 1);
      }
    }
  }
});

Deno.test("collections: one shared offsets array per collection, matching n<Name>, sorted by pt", () => {
  const columns = generateEvents("ttbar_dilep", { events: 2000, seed: 11 });
  for (const collection of ["Muon", "Electron", "Jet"]) {
    const fields = [...columns.keys()].filter((name) => name.startsWith(collection + "_"));
    const offsets = jaggedOf(columns, fields[0]).offsets;
    for (const name of fields) assert.equal(jaggedOf(columns, name).offsets, offsets, name);
    const counts = flatOf(columns, `n${collection}`, Uint32Array);
    assert.equal(offsets.length, counts.length + 1);
    assert.equal(offsets[0], 0);
    for (let i = 0; i < counts.length; i++) assert.equal(offsets[i + 1] - offsets[i], counts[i]);
    const pt = jaggedOf(columns, `${collection}_pt`).content;
    let unsorted = 0;
    for (let i = 0; i < counts.length; i++) {
      for (let k = offsets[i] + 1; k < offsets[i + 1]; k++) if (pt[k] > pt[k - 1]) unsorted++;
    }
    assert.equal(unsorted, 0, `${collection} sorted by pt`);
  }
  // NanoAOD thresholds and acceptance.
  const jetPt = jaggedOf(columns, "Jet_pt").content;
  const jetEta = jaggedOf(columns, "Jet_eta").content;
  for (let k = 0; k < jetPt.length; k++) {
    assert.ok(jetPt[k] >= 15 && Math.abs(jetEta[k]) < 4.8);
  }
  const muonEta = jaggedOf(columns, "Muon_eta").content;
  for (let k = 0; k < muonEta.length; k++) assert.ok(Math.abs(muonEta[k]) < 2.45);
});

Deno.test("Drell-Yan: m(mumu) peaks at the Z mass with a Breit-Wigner width broadened by resolution", () => {
  const low = 76, high = 106, width = 0.25;
  const smeared = dimuonMassHistogram(
    generateEvents("dy_mumu", { events: 40_000, seed: 1 }),
    low,
    high,
    width,
  );
  const exact = dimuonMassHistogram(
    generateEvents("dy_mumu", { events: 40_000, seed: 1, smearing: false }),
    low,
    high,
    width,
  );
  // Both muons inside |eta| < 2.4 and reconstructed: about half of Z -> mu mu events.
  assert.ok(smeared.pairs > 0.45 * 40_000, `${smeared.pairs} prompt pairs`);
  const withResolution = peakAndFwhm(smeared.counts, low, width);
  const lineshape = peakAndFwhm(exact.counts, low, width);
  assert.ok(Math.abs(lineshape.peak - Z_MASS) < 1, `unsmeared peak ${lineshape.peak}`);
  assert.ok(Math.abs(withResolution.peak - Z_MASS) < 1, `peak ${withResolution.peak}`);
  // Without detector effects the FWHM is the Z width (the 3-bin smoothing adds a little).
  assert.ok(Math.abs(lineshape.fwhm - Z_WIDTH) < 0.35, `unsmeared FWHM ${lineshape.fwhm}`);
  // With ~1-2% muon pT resolution, sigma(m) ~ 1 GeV: a Voigt profile of FWHM
  // 0.5346 G + sqrt(0.2166 G^2 + (2.355 sigma)^2) ~ 3.9 GeV for sigma = 1 GeV.
  const voigt = (sigma: number) =>
    0.5346 * Z_WIDTH + Math.sqrt(0.2166 * Z_WIDTH ** 2 + (2.355 * sigma) ** 2);
  assert.ok(
    withResolution.fwhm > voigt(0.6) && withResolution.fwhm < voigt(1.5),
    `FWHM ${withResolution.fwhm} outside [${voigt(0.6)}, ${voigt(1.5)}]`,
  );
});

Deno.test("ttbar: most events have >= 2 jets with btag > 0.7; light dijets peak near the W mass", () => {
  const columns = generateEvents("ttbar_semilep", { events: 20_000, seed: 2 });
  const pt = jaggedOf(columns, "Jet_pt");
  const eta = jaggedOf(columns, "Jet_eta").content;
  const phi = jaggedOf(columns, "Jet_phi").content;
  const mass = jaggedOf(columns, "Jet_mass").content;
  const btag = jaggedOf(columns, "Jet_btagDeepFlavB").content;
  const jetId = jaggedOf(columns, "Jet_jetId").content;
  const flavour = jaggedOf(columns, "Jet_hadronFlavour").content;
  const offsets = pt.offsets;
  const low = 0, width = 2.5;
  const counts = new Float64Array(80);
  let twoTagged = 0;
  let bJets = 0, bTagged = 0, lightJets = 0, lightTagged = 0;
  for (let event = 0; event < offsets.length - 1; event++) {
    let tagged = 0;
    let first = -1, second = -1;
    for (let k = offsets[event]; k < offsets[event + 1]; k++) {
      if (btag[k] > 0.7) tagged++;
      if (Math.abs(eta[k]) < 2.4) {
        if (flavour[k] === 5) {
          bJets++;
          if (btag[k] > 0.7) bTagged++;
        } else if (flavour[k] === 0) {
          lightJets++;
          if (btag[k] > 0.7) lightTagged++;
        }
      }
      // The two leading central, well-identified, untagged jets: mostly the W -> q q'.
      if (pt.content[k] > 30 && Math.abs(eta[k]) < 2.4 && jetId[k] === 6 && btag[k] < 0.3) {
        if (first < 0) first = k;
        else if (second < 0) second = k;
      }
    }
    if (tagged >= 2) twoTagged++;
    if (second >= 0) {
      const m = pairMass(pt.content, eta, phi, mass, first, second);
      if (m < low + counts.length * width) counts[Math.floor((m - low) / width)]++;
    }
  }
  const events = offsets.length - 1;
  assert.ok(twoTagged / events > 0.6, `${twoTagged / events} of events with 2 b tags`);
  assert.ok(bTagged / bJets > 0.85, `b-tag efficiency ${bTagged / bJets}`);
  assert.ok(lightTagged / lightJets < 0.03, `mistag rate ${lightTagged / lightJets}`);
  const { peak } = peakAndFwhm(counts, low, width);
  assert.ok(Math.abs(peak - W_MASS) < 5, `m(jj) peak ${peak}`);
});

Deno.test("genWeight: the configured fraction of negative weights, one magnitude", () => {
  const events = 40_000;
  for (const [fraction, options] of [[0.05, {}], [0.2, { negativeWeightFraction: 0.2 }]] as const) {
    const columns = generateEvents("dy_mumu", { events, seed: 9, ...options });
    const weights = flatOf(columns, "genWeight", Float32Array);
    let negative = 0;
    for (const w of weights) {
      assert.equal(Math.abs(w), Math.fround(TOY_PROCESSES.dy_mumu.genWeight));
      if (w < 0) negative++;
    }
    const sigma = Math.sqrt((fraction * (1 - fraction)) / events);
    assert.ok(
      Math.abs(negative / events - fraction) < 5 * sigma,
      `${negative / events} vs ${fraction}`,
    );
  }
});

Deno.test("physics sanity: MET from neutrinos, triggers follow leptons, objects selections matter", () => {
  const mean = (values: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    return sum / values.length;
  };
  const dy = generateEvents("dy_mumu", { events: 5000, seed: 3 });
  const wjets = generateEvents("wjets", { events: 5000, seed: 3 });
  const tt = generateEvents("ttbar_dilep", { events: 5000, seed: 3 });
  const dyMet = mean(flatOf(dy, "MET_pt", Float32Array));
  const wMet = mean(flatOf(wjets, "MET_pt", Float32Array));
  const ttMet = mean(flatOf(tt, "MET_pt", Float32Array));
  assert.ok(dyMet < wMet && wMet < ttMet, `MET means ${dyMet} ${wMet} ${ttMet}`);
  assert.ok(mean(flatOf(dy, "GenMET_pt", Float32Array)) < 1, "no neutrinos in Z -> mu mu");
  const muonRate = mean(flatOf(dy, "HLT_IsoMu24", Uint8Array));
  const electronRate = mean(flatOf(dy, "HLT_Ele32_WPTight_Gsf", Uint8Array));
  assert.ok(muonRate > 0.5 && electronRate < 0.02, `trigger rates ${muonRate} ${electronRate}`);
  // Not every muon is a good one: some fail tight ID, some are not isolated.
  const tight = jaggedOf(tt, "Muon_tightId").content;
  const iso = jaggedOf(tt, "Muon_pfRelIso04_all").content;
  assert.ok(mean(tight) > 0.7 && mean(tight) < 0.99);
  let nonIsolated = 0;
  for (const value of iso) if (value > 0.25) nonIsolated++;
  assert.ok(nonIsolated > 0.05 * iso.length);
});

Deno.test("event numbers continue from firstEvent; MC runs are 1", () => {
  const columns = generateEvents("wjets", { events: 10, seed: 1, firstEvent: 5000 });
  const event = flatOf(columns, "event", BigUint64Array);
  assert.deepEqual([...event], Array.from({ length: 10 }, (_, i) => BigInt(5001 + i)));
  assert.deepEqual([...flatOf(columns, "run", Uint32Array)], new Array(10).fill(1));
  assert.equal(
    flatOf(generateEvents("dy_ee", { events: 0, seed: 1 }), "nJet", Uint32Array).length,
    0,
  );
});

Deno.test("bad process, year or event count: InputError", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => generateEvents("dy_mumumu" as any, { events: 1, seed: 1 }),
    (error: unknown) => error instanceof InputError && /did you mean "dy_mumu"/.test(error.message),
  );
  assert.throws(() => generateEvents("wjets", { events: 1, seed: 1, year: "1999" }), /known years/);
  assert.throws(() => generateEvents("wjets", { events: -1, seed: 1 }), InputError);
});

Deno.test("generator-level jets: Jet_genJetIdx points at the GenJet each reco jet smears", () => {
  const columns = generateEvents("ttbar_semilep", { events: 4000, seed: 21 });
  const jetPt = jaggedOf(columns, "Jet_pt");
  const jetEta = jaggedOf(columns, "Jet_eta").content;
  const jetPhi = jaggedOf(columns, "Jet_phi").content;
  const jetFlavour = jaggedOf(columns, "Jet_hadronFlavour").content;
  const genIndex = jaggedOf(columns, "Jet_genJetIdx").content;
  const genPt = jaggedOf(columns, "GenJet_pt");
  const genEta = jaggedOf(columns, "GenJet_eta").content;
  const genPhi = jaggedOf(columns, "GenJet_phi").content;
  const genFlavour = jaggedOf(columns, "GenJet_hadronFlavour").content;
  let matched = 0;
  let unmatched = 0;
  let sumPull = 0;
  let sumPull2 = 0;
  for (let e = 0; e < 4000; e++) {
    const genCount = genPt.offsets[e + 1] - genPt.offsets[e];
    for (let k = genPt.offsets[e] + 1; k < genPt.offsets[e + 1]; k++) {
      assert.ok(genPt.content[k] <= genPt.content[k - 1], "GenJet sorted by pt");
    }
    for (let j = jetPt.offsets[e]; j < jetPt.offsets[e + 1]; j++) {
      const g = genIndex[j];
      if (g < 0) {
        unmatched++;
        continue;
      }
      assert.ok(g < genCount, `event ${e}: index ${g} of ${genCount} gen jets`);
      const k = genPt.offsets[e] + g;
      // Same direction up to the 0.01 smearing of eta and phi, same flavour.
      const dPhi = Math.abs(((jetPhi[j] - genPhi[k] + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
      assert.ok(Math.hypot(jetEta[j] - genEta[k], dPhi) < 0.1, `event ${e}: jet near its gen jet`);
      assert.equal(jetFlavour[j], genFlavour[k]);
      assert.ok(genPt.content[k] >= 10, "gen jets above 10 GeV");
      // The response (reco - gen) / gen in units of the detector resolution the generator
      // documents: sqrt(2.5^2/pt^2 + 0.8^2/pt + 0.04^2), x1.3 beyond |eta| 2.5.
      const pt = genPt.content[k];
      const sigma = Math.sqrt(6.25 / (pt * pt) + 0.64 / pt + 0.0016) *
        (Math.abs(genEta[k]) > 2.5 ? 1.3 : 1);
      if (pt < 40) continue; // below, the 15 GeV reco threshold biases the response
      const pull = (jetPt.content[j] - pt) / pt / sigma;
      matched++;
      sumPull += pull;
      sumPull2 += pull * pull;
    }
  }
  const mean = sumPull / matched;
  const rms = Math.sqrt(sumPull2 / matched - mean * mean);
  assert.ok(matched > 10_000, `${matched} matched jets above 40 GeV`);
  assert.ok(Math.abs(mean) < 0.05, `unbiased response: mean pull ${mean}`);
  assert.ok(Math.abs(rms - 1) < 0.05, `resolution as documented: pull RMS ${rms}`);
  // Pileup jets (and electrons clustered as jets) have no gen jet.
  assert.ok(unmatched > 0.02 * (matched + unmatched), `${unmatched} unmatched jets`);
});

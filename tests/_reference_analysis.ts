/**
 * The default example analysis (configs/example/analysis.yaml) written out by hand, event by
 * event, as a physicist would check it: plain loops over the rows of the generated Parquet
 * files, read with hyparquet directly. Nothing from core/ or plugins/ is used but the
 * correctionlib evaluator, for the table lookups of the corrections (pileup weight, muon scale
 * factor, jet resolution and its scale factor, JES uncertainty, and the hashprng random
 * numbers of the JER smearing): the JER smearing, JES shifts, MET propagation, selection and
 * fills are written out here, so a bug in the framework's calibrators, weights, expressions,
 * collections, kinematics, histograms, merging or normalisation cannot hide itself by also
 * being in the reference.
 *
 * Keep this in step with the example: the end-to-end test fails when the example fills a
 * histogram, category or variation this file does not know.
 * @module
 */
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import {
  type Correction,
  loadCorrectionSetSync,
  parseCorrectionSet,
} from "@ristretto/correctionlib";

/** Binning of one histogram axis, as written in the config. */
export interface ReferenceAxis {
  readonly kind: "regular" | "integer" | "variable";
  /** Number of bins (integer axis: stop - start; variable: edges - 1). */
  readonly bins: number;
  readonly start: number;
  readonly stop: number;
  /** Bin edges of a variable axis. */
  readonly edges?: readonly number[];
  /** Flow bins (both on unless the config turns one off). */
  readonly underflow: boolean;
  readonly overflow: boolean;
}

/** One event after the object selection, as the histograms see it. */
export interface SelectedEvent {
  /** Indices of the good muons, good jets and b jets in the event's Muon / Jet lists. */
  readonly goodMuons: readonly number[];
  readonly goodJets: readonly number[];
  readonly bJets: readonly number[];
  /** Jet pt after the calibration of this shape variation. */
  readonly jetPt: readonly number[];
  readonly jetEta: readonly number[];
  readonly muonPt: readonly number[];
  readonly muonEta: readonly number[];
  /** m(mu mu) of the two leading good muons; NaN with fewer than two. */
  readonly dimuonMass: number;
  /** MET after the calibration of this shape variation. */
  readonly met: number;
  readonly metPhi: number;
  /** Jet mass after the calibration of this shape variation. */
  readonly jetMass: readonly number[];
  readonly muonCharge: readonly number[];
}

/** One histogram: its axis, the categories it is filled in, and its entries per event. */
export interface ReferenceHistogramSpec {
  readonly axis: ReferenceAxis;
  readonly categories: readonly string[];
  /** The values to fill for one event (NaN entries are skipped). */
  readonly values: (event: SelectedEvent) => readonly number[];
}

/** The categories of the example, in config order. */
export const CATEGORIES = ["Zmumu", "ttbar_1b", "ttbar_2b"] as const;
type Category = (typeof CATEGORIES)[number];

/** Weight variations of simulation, filled with the nominal jets. */
export const WEIGHT_VARIATIONS = [
  "nominal",
  "pileupUp",
  "pileupDown",
  "sf_mu_idUp",
  "sf_mu_idDown",
] as const;
/**
 * Shape variations of simulation (jet energy scale and resolution), filled with the nominal
 * weight.
 */
export const SHAPE_VARIATIONS = ["JES_TotalUp", "JES_TotalDown", "JERUp", "JERDown"] as const;
/** Every variation bin of a simulated histogram; data has only the nominal. */
export const MC_VARIATIONS = [...WEIGHT_VARIATIONS, ...SHAPE_VARIATIONS] as const;

const ALL = [...CATEGORIES];

function regular(bins: number, start: number, stop: number, flow = {}): ReferenceAxis {
  return { kind: "regular", bins, start, stop, underflow: true, overflow: true, ...flow };
}
function integer(start: number, stop: number): ReferenceAxis {
  return { kind: "integer", bins: stop - start, start, stop, underflow: true, overflow: true };
}

/** The i-th element of a selection, NaN when the event has fewer (a missing object). */
function at(values: readonly number[], indices: readonly number[], i: number): number {
  return i < indices.length ? values[indices[i]] : NaN;
}

/** Every histogram of the example (configs/example/analysis.yaml) with its binning. */
export const HISTOGRAMS: Readonly<Record<string, ReferenceHistogramSpec>> = {
  dimuon_mass: {
    axis: regular(60, 60, 120),
    categories: ["Zmumu"],
    values: (e) => [e.dimuonMass],
  },
  muon_pt: {
    axis: regular(50, 0, 250),
    categories: ALL,
    values: (e) => [at(e.muonPt, e.goodMuons, 0)],
  },
  muon_eta: {
    axis: regular(48, -2.4, 2.4),
    categories: ALL,
    values: (e) => [at(e.muonEta, e.goodMuons, 0)],
  },
  // One entry per good jet.
  jet_pt: {
    axis: regular(50, 0, 500),
    categories: ALL,
    values: (e) => e.goodJets.map((j) => e.jetPt[j]),
  },
  njets: { axis: integer(0, 10), categories: ALL, values: (e) => [e.goodJets.length] },
  nbjets: { axis: integer(0, 5), categories: ALL, values: (e) => [e.bJets.length] },
  ht: {
    axis: regular(40, 0, 1200),
    categories: ALL,
    values: (e) => [e.goodJets.reduce((sum, j) => sum + e.jetPt[j], 0)],
  },
  met: { axis: regular(40, 0, 400), categories: ALL, values: (e) => [e.met] },
};

/**
 * Histograms the test adds to the example (EXTRA_HISTOGRAMS_YAML) to reach what the example
 * alone does not: missing objects (NaN, never filled) in every category, a variable axis, and
 * axes without an underflow or overflow bin.
 */
export const EXTRA_HISTOGRAMS: Readonly<Record<string, ReferenceHistogramSpec>> = {
  leading_jet_pt: {
    axis: regular(25, 30, 230, { overflow: false }),
    categories: ALL,
    values: (e) => [at(e.jetPt, e.goodJets, 0)],
  },
  second_jet_eta: {
    axis: regular(20, -2.5, 2.5),
    categories: ALL,
    values: (e) => [at(e.jetEta, e.goodJets, 1)],
  },
  dimuon_mass_upper: {
    axis: regular(30, 80, 110, { underflow: false }),
    categories: ALL,
    values: (e) => [e.dimuonMass],
  },
  muon_pt_variable: {
    axis: {
      kind: "variable",
      bins: 6,
      start: 30,
      stop: 150,
      edges: [30, 35, 40, 50, 70, 100, 150],
      underflow: true,
      overflow: true,
    },
    categories: ALL,
    values: (e) => [at(e.muonPt, e.goodMuons, 0)],
  },
  // Integers exactly on the edges: a value equal to an edge belongs to the bin above it, and
  // one equal to stop to the overflow.
  njets_narrow: { axis: integer(1, 4), categories: ALL, values: (e) => [e.goodJets.length] },
  njets_regular: { axis: regular(4, 0, 4), categories: ALL, values: (e) => [e.goodJets.length] },
  nbjets_variable: {
    axis: {
      kind: "variable",
      bins: 3,
      start: 0,
      stop: 3,
      edges: [0, 1, 2, 3],
      underflow: true,
      overflow: true,
    },
    categories: ALL,
    values: (e) => [e.bJets.length],
  },
  // The JES shifts scale the jet mass too, and turn MET.
  jet_mass: {
    axis: regular(25, 0, 50),
    categories: ALL,
    values: (e) => e.goodJets.map((j) => e.jetMass[j]),
  },
  met_phi: { axis: regular(16, -3.2, 3.2), categories: ALL, values: (e) => [e.metPhi] },
  // A product with a missing muon's charge is NaN (not filled); a comparison with NaN is
  // false, and its negation true - both filled.
  charge_product: {
    axis: regular(4, -2, 2),
    categories: ALL,
    values: (e) => [at(e.muonCharge, e.goodMuons, 0) * at(e.muonCharge, e.goodMuons, 1)],
  },
  low_mass_flag: {
    axis: integer(0, 2),
    categories: ALL,
    values: (e) => [Number(e.dimuonMass < 80)],
  },
  not_high_mass_flag: {
    axis: integer(0, 2),
    categories: ALL,
    values: (e) => [Number(!(e.dimuonMass >= 80))],
  },
};

/** The config text of EXTRA_HISTOGRAMS, to insert into the example's `histograms:` map. */
export const EXTRA_HISTOGRAMS_YAML = `
  leading_jet_pt:
    axes:
      - { expr: "GoodJet[0].pt", bins: 25, start: 30, stop: 230, overflow: false }
  second_jet_eta:
    axes:
      - { expr: "GoodJet[1].eta", bins: 20, start: -2.5, stop: 2.5 }
  dimuon_mass_upper:
    axes:
      - { expr: "mass(GoodMuon[0], GoodMuon[1])", bins: 30, start: 80, stop: 110, underflow: false }
  muon_pt_variable:
    axes:
      - { expr: "GoodMuon[0].pt", edges: [30, 35, 40, 50, 70, 100, 150] }
  njets_narrow:
    axes:
      - { expr: count(GoodJet), start: 1, stop: 4, integer: true }
  njets_regular:
    axes:
      - { expr: count(GoodJet), bins: 4, start: 0, stop: 4 }
  nbjets_variable:
    axes:
      - { expr: count(BJet), edges: [0, 1, 2, 3] }
  jet_mass:
    axes:
      - { expr: GoodJet.mass, bins: 25, start: 0, stop: 50 }
  met_phi:
    axes:
      - { expr: MET.phi, bins: 16, start: -3.2, stop: 3.2 }
  charge_product:
    axes:
      - { expr: "GoodMuon[0].charge * GoodMuon[1].charge", bins: 4, start: -2, stop: 2 }
  low_mass_flag:
    axes:
      - { expr: "mass(GoodMuon[0], GoodMuon[1]) < 80", start: 0, stop: 2, integer: true }
  not_high_mass_flag:
    axes:
      - { expr: "!(mass(GoodMuon[0], GoodMuon[1]) >= 80)", start: 0, stop: 2, integer: true }
`;

const ALL_HISTOGRAMS = { ...HISTOGRAMS, ...EXTRA_HISTOGRAMS };

/** Sums in one histogram slice, in storage order (underflow first and overflow last, if kept). */
export interface ReferenceBins {
  /** Sum of weights per bin. */
  readonly values: Float64Array;
  /** Sum of squared weights per bin. */
  readonly variances: Float64Array;
  /** Sum of |weight| per bin: the scale of the rounding error of `values`. */
  readonly sumAbs: Float64Array;
  /** Entries per bin. */
  readonly entries: Float64Array;
  /** Entries skipped because their value was NaN (a missing object). */
  missing: number;
  /** Entries dropped because they fell in a flow bin the axis does not keep. */
  dropped: number;
}

/** Events and sum of weights after one step. */
export interface ReferenceStep {
  events: number;
  sumw: number;
}

/** Everything the reference computes for one dataset (unscaled sums). */
export interface ReferenceDataset {
  readonly name: string;
  readonly sample: string;
  readonly isMC: boolean;
  readonly year: string;
  /** Cross section in pb (MC). */
  readonly xsec: number;
  /** Events the generator says it wrote (metadata nevents). */
  readonly nevents: number;
  /** Events and sum of genWeight before any cut (data: events, events). */
  readonly initial: ReferenceStep;
  /** Events with a negative genWeight before any cut. */
  readonly negativeWeights: number;
  /**
   * Per shape (nominal, then the JES shifts for MC): initial, skim, presel, then one step per
   * category (categories: sum of the nominal weight; the other steps: sum of genWeight).
   */
  readonly cutflow: Record<string, Record<string, ReferenceStep>>;
  /** histogram -> category -> variation -> bins. */
  readonly histograms: Record<string, Record<string, Record<string, ReferenceBins>>>;
  /** xsec * lumi / sum(genWeight) for MC, 1 for data. */
  readonly scale: number;
  /** Jets smeared by the JER scaling method (matched gen jet) and stochastically, all shapes. */
  readonly jerMethods: { scaling: number; stochastic: number };
}

/** One Parquet row with the branches the example reads (NanoAOD names, flattened). */
interface Row {
  genWeight?: number;
  Pileup_nTrueInt?: number;
  run: number;
  luminosityBlock: number;
  event: bigint;
  fixedGridRhoFastjetAll: number;
  Jet_genJetIdx?: number[];
  GenJet_pt?: number[];
  GenJet_eta?: number[];
  GenJet_phi?: number[];
  HLT_IsoMu24: boolean;
  HLT_Ele32_WPTight_Gsf: boolean;
  MET_pt: number;
  MET_phi: number;
  Muon_pt: number[];
  Muon_eta: number[];
  Muon_phi: number[];
  Muon_mass: number[];
  Muon_charge: number[];
  Muon_tightId: boolean[];
  Muon_pfRelIso04_all: number[];
  Jet_pt: number[];
  Jet_eta: number[];
  Jet_phi: number[];
  Jet_mass: number[];
  Jet_jetId: number[];
  Jet_btagDeepFlavB: number[];
}

/** Simulation-only branches: the pileup weight's input and the JER smearing's gen jets. */
const MC_BRANCHES = [
  "genWeight",
  "Pileup_nTrueInt",
  "Jet_genJetIdx",
  "GenJet_pt",
  "GenJet_eta",
  "GenJet_phi",
];

const BRANCHES = [
  "run",
  "luminosityBlock",
  "event",
  "fixedGridRhoFastjetAll",
  "HLT_IsoMu24",
  "HLT_Ele32_WPTight_Gsf",
  "MET_pt",
  "MET_phi",
  "Muon_pt",
  "Muon_eta",
  "Muon_phi",
  "Muon_mass",
  "Muon_charge",
  "Muon_tightId",
  "Muon_pfRelIso04_all",
  "Jet_pt",
  "Jet_eta",
  "Jet_phi",
  "Jet_mass",
  "Jet_jetId",
  "Jet_btagDeepFlavB",
];

/** Z boson mass used by the Zmumu window, GeV. */
const Z_MASS = 91.19;

/** A built-dataset JSON entry (PocketCoffea layout) as the generator writes it. */
interface BuiltEntry {
  metadata: Record<string, string>;
  files: string[];
}

/** The run's settings the reference needs. */
export interface ReferenceSettings {
  /** Integrated luminosity in pb^-1 the MC is normalised to. */
  readonly lumi: number;
  /** The folder of the correction payloads the example reads (the generator's toy ones). */
  readonly correctionsDir: string;
  /**
   * The trigger: "example" is the example's (SingleMuon: IsoMu24); "egamma-first" adds
   * EGamma: Ele32_WPTight_Gsf with priority [EGamma, SingleMuon], so simulation takes
   * IsoMu24 || Ele32 and SingleMuon data takes IsoMu24 && !Ele32 (those events belong to the
   * EGamma stream).
   */
  readonly trigger?: "example" | "egamma-first";
}

/** Runs the example by hand over every dataset of a built-dataset JSON. */
export async function referenceAnalysis(
  datasetsJson: string,
  settings: ReferenceSettings,
): Promise<Map<string, ReferenceDataset>> {
  const built = JSON.parse(await Deno.readTextFile(datasetsJson)) as Record<string, BuiltEntry>;
  const out = new Map<string, ReferenceDataset>();
  for (const [name, entry] of Object.entries(built)) {
    out.set(name, await referenceDataset(name, entry, settings));
  }
  return out;
}

async function referenceDataset(
  name: string,
  entry: BuiltEntry,
  settings: ReferenceSettings,
): Promise<ReferenceDataset> {
  const isMC = entry.metadata.isMC === "True";
  const variations = isMC ? [...MC_VARIATIONS] : ["nominal"];
  // Jet energy scale and resolution shifts are simulation-only systematics: (JER systematic,
  // JES direction) per shape.
  const shapes: Record<string, { jer: "nom" | "up" | "down"; jes: number }> = isMC
    ? {
      nominal: { jer: "nom", jes: 0 },
      JES_TotalUp: { jer: "nom", jes: +1 },
      JES_TotalDown: { jer: "nom", jes: -1 },
      JERUp: { jer: "up", jes: 0 },
      JERDown: { jer: "down", jes: 0 },
    }
    : { nominal: { jer: "nom", jes: 0 } };
  const corrections = referenceCorrections(settings.correctionsDir);
  const histograms: ReferenceDataset["histograms"] = {};
  for (const [histogram, spec] of Object.entries(ALL_HISTOGRAMS)) {
    histograms[histogram] = {};
    for (const category of spec.categories) {
      histograms[histogram][category] = {};
      for (const variation of variations) {
        const extent = spec.axis.bins + Number(spec.axis.underflow) + Number(spec.axis.overflow);
        histograms[histogram][category][variation] = {
          values: new Float64Array(extent),
          variances: new Float64Array(extent),
          sumAbs: new Float64Array(extent),
          entries: new Float64Array(extent),
          missing: 0,
          dropped: 0,
        };
      }
    }
  }
  const step = (): ReferenceStep => ({ events: 0, sumw: 0 });
  const cutflow: Record<string, Record<string, ReferenceStep>> = {};
  for (const shape of Object.keys(shapes)) {
    cutflow[shape] = { initial: step(), skim: step(), presel: step() };
    for (const category of CATEGORIES) cutflow[shape][category] = step();
  }
  let negativeWeights = 0;
  const jerMethods = { scaling: 0, stochastic: 0 };

  for (const file of entry.files) {
    const bytes = await Deno.readFile(file);
    const rows = await parquetReadObjects({
      file: bytes.buffer,
      compressors,
      columns: isMC ? [...MC_BRANCHES, ...BRANCHES] : BRANCHES,
    }) as unknown as Row[];
    for (const row of rows) {
      // Data carries no genWeight branch: every event counts once and is never rescaled.
      const genWeight = isMC ? row.genWeight! : 1;
      if (genWeight < 0) negativeWeights++;
      for (const shape in shapes) add(cutflow[shape].initial, genWeight);

      // Skim: at least one muon above 20 GeV, and the single-muon trigger (MC: OR of the
      // listed paths; data from the SingleMuon primary dataset: its own path) - both IsoMu24.
      let muonsAbove20 = 0;
      for (const pt of row.Muon_pt) if (pt > 20) muonsAbove20++;
      const isoMu24 = row.HLT_IsoMu24;
      const ele32 = row.HLT_Ele32_WPTight_Gsf;
      const triggered = settings.trigger !== "egamma-first"
        ? isoMu24
        : isMC
        ? isoMu24 || ele32
        : isoMu24 && !ele32;
      if (!(muonsAbove20 >= 1) || !triggered) continue;
      for (const shape in shapes) add(cutflow[shape].skim, genWeight);

      // Pileup weight of the event (simulation only): nominal, up, down.
      const pileup = isMC
        ? (["nominal", "up", "down"] as const).map((key) =>
          corrections.pileup.evaluate(Number(row.Pileup_nTrueInt), key)
        )
        : [1, 1, 1];
      for (const [shape, { jer, jes }] of Object.entries(shapes)) {
        const calibrated = isMC
          ? calibrateJets(row, corrections, { jer, jes, tally: jerMethods })
          : { jetPt: row.Jet_pt, jetMass: row.Jet_mass, met: row.MET_pt, metPhi: row.MET_phi };
        // A shape variation fills its own bin with the nominal weight; the weight variations
        // ride on the nominal shape. The muon ID scale factor is the product over the good
        // muons (sf, systup, systdown); lumi and XS come at the end.
        const weightsOf = (goodMuons: readonly number[]): Record<string, number> => {
          if (!isMC) return { nominal: 1 };
          const muonSf = (["sf", "systup", "systdown"] as const).map((key) => {
            let product = 1;
            for (const m of goodMuons) {
              product *= corrections.muonId.evaluate(
                "2018_UL",
                Math.abs(row.Muon_eta[m]),
                row.Muon_pt[m],
                key,
              );
            }
            return product;
          });
          const nominal = genWeight * pileup[0] * muonSf[0];
          return shape !== "nominal" ? { [shape]: nominal } : {
            nominal,
            pileupUp: genWeight * pileup[1] * muonSf[0],
            pileupDown: genWeight * pileup[2] * muonSf[0],
            sf_mu_idUp: genWeight * pileup[0] * muonSf[1],
            sf_mu_idDown: genWeight * pileup[0] * muonSf[2],
          };
        };
        selectAndFill(row, calibrated, genWeight, weightsOf, cutflow[shape], histograms);
      }
    }
  }

  const initial = { ...cutflow.nominal.initial };
  const xsec = Number(entry.metadata.xsec);
  return {
    name,
    sample: entry.metadata.sample,
    isMC,
    year: entry.metadata.year,
    xsec,
    nevents: Number(entry.metadata.nevents),
    initial,
    negativeWeights,
    cutflow,
    histograms,
    scale: isMC ? (xsec * settings.lumi) / initial.sumw : 1,
    jerMethods,
  };
}

/**
 * Objects, preselection, categories and histograms of one event for one jet calibration;
 * `weightsOf(goodMuons)` maps each variation bin to fill to the event's weight there.
 */
function selectAndFill(
  row: Row,
  calibrated: {
    jetPt: readonly number[];
    jetMass: readonly number[];
    met: number;
    metPhi: number;
  },
  genWeight: number,
  weightsOf: (goodMuons: readonly number[]) => Record<string, number>,
  cutflow: Record<string, ReferenceStep>,
  histograms: ReferenceDataset["histograms"],
): void {
  const { jetPt } = calibrated;
  // Objects, in the order the config declares them (no re-sorting: the file's pt order).
  const goodMuons: number[] = [];
  for (let m = 0; m < row.Muon_pt.length; m++) {
    if (
      row.Muon_pt[m] > 26 && Math.abs(row.Muon_eta[m]) < 2.4 && row.Muon_tightId[m] &&
      row.Muon_pfRelIso04_all[m] < 0.15
    ) goodMuons.push(m);
  }
  const goodJets: number[] = [];
  for (let j = 0; j < jetPt.length; j++) {
    if (!(jetPt[j] > 30 && Math.abs(row.Jet_eta[j]) < 2.4 && row.Jet_jetId[j] >= 2)) continue;
    // Cleaning: a jet survives only if it is farther than 0.4 from every good muon.
    let isolated = true;
    for (const m of goodMuons) {
      const dEta = row.Jet_eta[j] - row.Muon_eta[m];
      const dPhi = wrapPhi(row.Jet_phi[j] - row.Muon_phi[m]);
      if (!(Math.sqrt(dEta * dEta + dPhi * dPhi) > 0.4)) isolated = false;
    }
    if (isolated) goodJets.push(j);
  }
  const bJets = goodJets.filter((j) => row.Jet_btagDeepFlavB[j] > 0.2783);

  if (!(goodMuons.length >= 1)) return;
  add(cutflow.presel, genWeight);

  const leading = goodMuons[0];
  const subleading = goodMuons.length > 1 ? goodMuons[1] : -1;
  const event: SelectedEvent = {
    goodMuons,
    goodJets,
    bJets,
    jetPt,
    jetEta: row.Jet_eta,
    muonPt: row.Muon_pt,
    muonEta: row.Muon_eta,
    // A missing muon gives NaN: the mass is then not filled and fails every comparison.
    dimuonMass: subleading >= 0 ? invariantMass(row, leading, subleading) : NaN,
    met: calibrated.met,
    metPhi: calibrated.metPhi,
    jetMass: calibrated.jetMass,
    muonCharge: row.Muon_charge,
  };

  const passes: Record<Category, boolean> = {
    Zmumu: goodMuons.length === 2 &&
      row.Muon_charge[leading] * row.Muon_charge[subleading] < 0 &&
      Math.abs(event.dimuonMass - Z_MASS) < 15,
    ttbar_1b: goodMuons.length === 1 && goodJets.length >= 4 && bJets.length === 1,
    ttbar_2b: goodMuons.length === 1 && goodJets.length >= 4 && bJets.length >= 2,
  };
  // The cutflow counts the nominal weight of this calibration (genWeight x pileup x sf_mu_id).
  const weights = weightsOf(goodMuons);
  const nominalWeight = Object.values(weights)[0];
  for (const category of CATEGORIES) {
    if (!passes[category]) continue;
    add(cutflow[category], nominalWeight);
    for (const [histogram, spec] of Object.entries(ALL_HISTOGRAMS)) {
      if (!spec.categories.includes(category)) continue;
      const values = spec.values(event);
      for (const [variation, weight] of Object.entries(weights)) {
        const bins = histograms[histogram][category][variation];
        for (const value of values) fill(bins, spec.axis, value, weight);
      }
    }
  }
}

/** The corrections the example reads (configs/params/defaults.yaml, corrections.2018). */
interface ReferenceCorrections {
  readonly pileup: Correction;
  readonly muonId: Correction;
  readonly resolution: Correction;
  readonly resolutionScaleFactor: Correction;
  readonly jesTotal: Correction;
  /** A standard normal number per (run, luminosityBlock, event, jet index). */
  readonly random: Correction;
}

const loadedCorrections = new Map<string, ReferenceCorrections>();

/** The example's payloads, by the file and correction names of the 2018 UL settings. */
function referenceCorrections(folder: string): ReferenceCorrections {
  let found = loadedCorrections.get(folder);
  if (found) return found;
  const jme = loadCorrectionSetSync(`${folder}/JME_2018_UL_jet_jerc.json.gz`);
  const get = (set: ReturnType<typeof loadCorrectionSetSync>, name: string) =>
    set.get(name) as Correction;
  // The JER random numbers: a hashprng node over the four integers, as the smearing in
  // correctionlib's JERSmear draws its Gaussian (here with the inputs the plugin documents).
  const random = parseCorrectionSet(JSON.stringify({
    schema_version: 2,
    corrections: [{
      name: "z",
      version: 1,
      inputs: ["run", "luminosityBlock", "event", "jetIndex"].map((input) => ({
        name: input,
        type: "int",
      })),
      output: { name: "z", type: "real" },
      data: {
        nodetype: "hashprng",
        inputs: ["run", "luminosityBlock", "event", "jetIndex"],
        distribution: "stdnormal",
      },
    }],
  }));
  found = {
    pileup: get(
      loadCorrectionSetSync(`${folder}/LUM_2018_UL_puWeights.json.gz`),
      "Collisions18_UltraLegacy_goldenJSON",
    ),
    muonId: get(
      loadCorrectionSetSync(`${folder}/MUO_2018_UL_muon_Z.json.gz`),
      "NUM_TightID_DEN_TrackerMuons",
    ),
    resolution: get(jme, "Summer19UL18_JRV2_MC_PtResolution_AK4PFchs"),
    resolutionScaleFactor: get(jme, "Summer19UL18_JRV2_MC_ScaleFactor_AK4PFchs"),
    jesTotal: get(jme, "Summer19UL18_V5_MC_Total_AK4PFchs"),
    random: get(random, "z"),
  };
  loadedCorrections.set(folder, found);
  return found;
}

/** Jets entering the MET propagation are above this pt before each change (GeV). */
const MET_JET_MIN_PT = 15;

/**
 * The jets and MET of one simulated event after the JER smearing (systematic `jer`), then,
 * when `jes` is +-1, the JES Total shift. Each step stores pt, mass and MET as float32, like
 * the NanoAOD branches they replace, and moves MET by minus the change of the jets' pt.
 */
function calibrateJets(
  row: Row,
  corrections: ReferenceCorrections,
  options: {
    jer: "nom" | "up" | "down";
    jes: number;
    tally: { scaling: number; stochastic: number };
  },
): { jetPt: number[]; jetMass: number[]; met: number; metPhi: number } {
  const { jer, jes, tally } = options;
  const genIndex = row.Jet_genJetIdx!;
  const genPt = row.GenJet_pt!;
  const genEta = row.GenJet_eta!;
  const genPhi = row.GenJet_phi!;
  // Hybrid smearing: scale the jet's distance to its gen jet when they match (deltaR < R/2
  // = 0.2 and |pt - pt_gen| < 3 sigma pt), else smear by a Gaussian of width
  // sigma sqrt(s^2 - 1); a negative factor means no jet energy left.
  const factors = row.Jet_pt.map((pt, j) => {
    const sigma = corrections.resolution.evaluate(
      row.Jet_eta[j],
      pt,
      row.fixedGridRhoFastjetAll,
    );
    const s = corrections.resolutionScaleFactor.evaluate(row.Jet_eta[j], jer);
    const g = genIndex[j];
    if (g >= 0 && g < genPt.length) {
      const dEta = row.Jet_eta[j] - genEta[g];
      const dPhi = wrapPhi(row.Jet_phi[j] - genPhi[g]);
      if (Math.sqrt(dEta * dEta + dPhi * dPhi) < 0.2 && Math.abs(pt - genPt[g]) < 3 * sigma * pt) {
        tally.scaling++;
        return Math.max(1 + (s - 1) * (pt - genPt[g]) / pt, 0);
      }
    }
    tally.stochastic++;
    const z = corrections.random.evaluate(row.run, row.luminosityBlock, row.event, j);
    return Math.max(1 + z * sigma * Math.sqrt(Math.max(s * s - 1, 0)), 0);
  });
  let step = scaleJets(row.Jet_pt, row.Jet_mass, row.Jet_phi, row.MET_pt, row.MET_phi, factors);
  if (jes !== 0) {
    const shifts = step.jetPt.map((pt, j) =>
      1 + jes * corrections.jesTotal.evaluate(row.Jet_eta[j], pt)
    );
    step = scaleJets(step.jetPt, step.jetMass, row.Jet_phi, step.met, step.metPhi, shifts);
  }
  return step;
}

/** Jets' pt and mass times `factors`; MET minus the change of the jets above 15 GeV. */
function scaleJets(
  pt: readonly number[],
  mass: readonly number[],
  phi: readonly number[],
  met: number,
  metPhi: number,
  factors: readonly number[],
): { jetPt: number[]; jetMass: number[]; met: number; metPhi: number } {
  let metX = met * Math.cos(metPhi);
  let metY = met * Math.sin(metPhi);
  for (let j = 0; j < pt.length; j++) {
    if (!(pt[j] > MET_JET_MIN_PT)) continue;
    metX -= pt[j] * (factors[j] - 1) * Math.cos(phi[j]);
    metY -= pt[j] * (factors[j] - 1) * Math.sin(phi[j]);
  }
  return {
    jetPt: pt.map((value, j) => Math.fround(value * factors[j])),
    jetMass: mass.map((value, j) => Math.fround(value * factors[j])),
    met: Math.fround(Math.sqrt(metX * metX + metY * metY)),
    metPhi: Math.fround(Math.atan2(metY, metX)),
  };
}

function add(step: ReferenceStep, weight: number): void {
  step.events++;
  step.sumw += weight;
}

/** An angle difference brought into [-pi, pi). */
function wrapPhi(dPhi: number): number {
  while (dPhi >= Math.PI) dPhi -= 2 * Math.PI;
  while (dPhi < -Math.PI) dPhi += 2 * Math.PI;
  return dPhi;
}

/** m(mu mu) from the two muons' (pt, eta, phi, mass) four-vectors. */
function invariantMass(row: Row, a: number, b: number): number {
  let e = 0, px = 0, py = 0, pz = 0;
  for (const m of [a, b]) {
    const pt = row.Muon_pt[m];
    const eta = row.Muon_eta[m];
    const phi = row.Muon_phi[m];
    const mass = row.Muon_mass[m];
    const momentum = pt * Math.cosh(eta);
    px += pt * Math.cos(phi);
    py += pt * Math.sin(phi);
    pz += pt * Math.sinh(eta);
    e += Math.sqrt(momentum * momentum + mass * mass);
  }
  return Math.sqrt(Math.max(e * e - px * px - py * py - pz * pz, 0));
}

/**
 * Storage position of a value: underflow first (if kept), then the bins, then overflow (if
 * kept); -1 when it falls in a flow bin the axis does not keep.
 */
export function binOf(axis: ReferenceAxis, value: number): number {
  const underflow = Number(axis.underflow);
  let bin: number;
  if (value < axis.start) bin = -1;
  else if (value >= axis.stop) bin = axis.bins;
  else if (axis.kind === "integer") bin = Math.floor(value - axis.start);
  else if (axis.kind === "regular") {
    bin = Math.floor(((value - axis.start) * axis.bins) / (axis.stop - axis.start));
  } else {
    bin = axis.edges!.findLastIndex((edge) => edge <= value);
  }
  if (bin < 0) return axis.underflow ? 0 : -1;
  if (bin >= axis.bins) return axis.overflow ? axis.bins + underflow : -1;
  return bin + underflow;
}

function fill(bins: ReferenceBins, axis: ReferenceAxis, value: number, weight: number): void {
  if (Number.isNaN(value)) {
    bins.missing++;
    return;
  }
  const bin = binOf(axis, value);
  if (bin < 0) {
    bins.dropped++;
    return;
  }
  bins.values[bin] += weight;
  bins.variances[bin] += weight * weight;
  bins.sumAbs[bin] += Math.abs(weight);
  bins.entries[bin]++;
}

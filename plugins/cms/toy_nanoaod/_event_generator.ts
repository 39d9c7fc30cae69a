/**
 * The toy physics: hard processes (Drell-Yan, ttbar, W+jets) built from two-body decays, and
 * a parametrised detector (resolutions, efficiencies, b-tagging, pileup, fakes, MET). Private
 * to the generator; every number here is a plausible round value, not a CMS measurement.
 * @module
 */
import type { Random } from "./_random.ts";
import { CollectionBuilder, type FieldSpec } from "./_collection_builder.ts";
import {
  decayTwoBody,
  eta as etaOf,
  type FourVector,
  fourVector,
  phi as phiOf,
  pt as ptOf,
  setPtEtaPhiMass,
  setPtRapidityPhiMass,
} from "./_kinematics.ts";

/** Z boson mass (PDG), GeV. */
export const Z_MASS = 91.1876;
/** Z boson total width (PDG), GeV. */
export const Z_WIDTH = 2.4952;
/** W boson mass (PDG 2018), GeV. */
export const W_MASS = 80.379;
/** W boson total width (PDG), GeV. */
export const W_WIDTH = 2.085;
/** Top quark mass used by the CMS samples, GeV. */
export const TOP_MASS = 172.5;
/** Top quark width at that mass, GeV. */
export const TOP_WIDTH = 1.32;
const MUON_MASS = 0.1056584;
const ELECTRON_MASS = 0.000511;
const B_MASS = 4.78;

/**
 * NanoAOD genPartFlav codes (1 prompt, 15 from tau, 5 from b, 4 from c, 3 light, 0 unmatched).
 * NanoAOD stores them as UChar; here they are Int32 because a Ristretto Uint8Array means Bool
 * (the Parquet writer would turn them into booleans).
 */
const PROMPT = 1;
const FROM_B = 5;
const FAKE = 0;

const MUON_FIELDS: FieldSpec[] = [
  { name: "pt", type: "float32" },
  { name: "eta", type: "float32" },
  { name: "phi", type: "float32" },
  { name: "mass", type: "float32" },
  { name: "charge", type: "int32" },
  { name: "looseId", type: "bool" },
  { name: "mediumId", type: "bool" },
  { name: "tightId", type: "bool" },
  { name: "pfRelIso03_all", type: "float32" },
  { name: "pfRelIso04_all", type: "float32" },
  { name: "genPartFlav", type: "int32", mcOnly: true },
];

const ELECTRON_FIELDS: FieldSpec[] = [
  { name: "pt", type: "float32" },
  { name: "eta", type: "float32" },
  { name: "phi", type: "float32" },
  { name: "mass", type: "float32" },
  { name: "charge", type: "int32" },
  { name: "cutBased", type: "int32" },
  { name: "pfRelIso03_all", type: "float32" },
  { name: "deltaEtaSC", type: "float32" },
  { name: "genPartFlav", type: "int32", mcOnly: true },
];

const JET_FIELDS: FieldSpec[] = [
  { name: "pt", type: "float32" },
  { name: "eta", type: "float32" },
  { name: "phi", type: "float32" },
  { name: "mass", type: "float32" },
  { name: "btagDeepFlavB", type: "float32" },
  { name: "jetId", type: "int32" },
  { name: "puId", type: "int32" },
  { name: "area", type: "float32" },
  { name: "rawFactor", type: "float32" },
  { name: "hadronFlavour", type: "int32", mcOnly: true },
  // Index into GenJet (-1: no generator-level jet, e.g. a pileup jet), Short_t as in NanoAOD.
  { name: "genJetIdx", type: "int16", mcOnly: true },
];

/** Generator-level jets (ak4GenJetsNoNu): the true momentum of the partons' jets. */
const GEN_JET_FIELDS: FieldSpec[] = [
  { name: "pt", type: "float32", mcOnly: true },
  { name: "eta", type: "float32", mcOnly: true },
  { name: "phi", type: "float32", mcOnly: true },
  { name: "mass", type: "float32", mcOnly: true },
  { name: "hadronFlavour", type: "int32", mcOnly: true },
];

/** NanoAOD stores generator-level jets above this pt (GeV). */
const GEN_JET_MIN_PT = 10;

/** Kinds of jets: from the hard process, extra radiation, or another pp collision. */
const HARD = 0;
const RADIATION = 1;
const PILEUP = 2;

/** The simulated hard processes (data mixes these). */
export type HardProcess = "dy_mumu" | "dy_ee" | "ttbar_semilep" | "ttbar_dilep" | "wjets";

/** Generates one event at a time into collection builders; event-level values are fields. */
export class ToyEventGenerator {
  readonly muons: CollectionBuilder;
  readonly electrons: CollectionBuilder;
  readonly jets: CollectionBuilder;
  readonly genJets: CollectionBuilder;
  /** Event-level results of the last finished event. */
  nTrueInt = 0;
  nPU = 0;
  npvs = 0;
  npvsGood = 0;
  rho = 0;
  metPt = 0;
  metPhi = 0;
  genMetPt = 0;
  genMetPhi = 0;
  hltIsoMu24 = 0;
  hltEle32 = 0;

  readonly #random: Random;
  /**
   * A second stream for generator-level quantities added later (gen-jet masses): drawing them
   * from #random would shift every number after them and change all existing branches.
   */
  readonly #truth: Random;
  readonly #smearing: boolean;
  readonly #pileupMean: number;
  // Transverse momentum of the neutrinos (gen MET) and of the reco MET being built.
  #genMetX = 0;
  #genMetY = 0;
  #metX = 0;
  #metY = 0;
  // Scratch four-vectors, reused by every event.
  readonly #system = fourVector();
  readonly #top = fourVector();
  readonly #antiTop = fourVector();
  readonly #wPlus = fourVector();
  readonly #wMinus = fourVector();
  readonly #bottom = fourVector();
  readonly #antiBottom = fourVector();
  readonly #first = fourVector();
  readonly #second = fourVector();
  readonly #object = fourVector();

  constructor(
    random: Random,
    events: number,
    options: { smearing: boolean; pileupMean: number; truth: Random },
  ) {
    this.#random = random;
    this.#truth = options.truth;
    this.#smearing = options.smearing;
    this.#pileupMean = options.pileupMean;
    this.muons = new CollectionBuilder("Muon", MUON_FIELDS, events, 1.5);
    this.electrons = new CollectionBuilder("Electron", ELECTRON_FIELDS, events, 1.5);
    this.jets = new CollectionBuilder("Jet", JET_FIELDS, events, 6);
    this.genJets = new CollectionBuilder("GenJet", GEN_JET_FIELDS, events, 5);
  }

  /** Generates one event of `process` (staged, not yet committed). */
  generate(process: HardProcess): void {
    this.#beginEvent();
    switch (process) {
      case "dy_mumu":
        this.#drellYan(13);
        break;
      case "dy_ee":
        this.#drellYan(11);
        break;
      case "ttbar_semilep":
        this.#ttbar(1);
        break;
      case "ttbar_dilep":
        this.#ttbar(2);
        break;
      case "wjets":
        this.#wJets();
        break;
    }
    this.#underlyingAndPileup();
    this.#finishEvent();
  }

  /** Appends the staged objects of the current event to the collections. */
  commit(): void {
    this.muons.commit();
    this.electrons.commit();
    // GenJet first: its pt sort decides where each Jet_genJetIdx points.
    this.genJets.commit();
    const genJetIdx = this.jets.staged.genJetIdx;
    for (let k = 0; k < this.jets.count; k++) {
      if (genJetIdx[k] >= 0) genJetIdx[k] = this.genJets.committedPosition(genJetIdx[k]);
    }
    this.jets.commit();
  }

  // -------------------------------------------------------------------------------------------
  // Hard processes

  #drellYan(flavour: 11 | 13): void {
    const r = this.#random;
    const z = this.#system;
    // Z lineshape: Breit-Wigner, m(ll) > 50 GeV as in the M-50 samples.
    const m = r.breitWigner(Z_MASS, Z_WIDTH, 50, 250);
    setPtRapidityPhiMass(z, this.#bosonPt(), r.gaussian(0, 1.9), r.range(-Math.PI, Math.PI), m);
    // 1 + cos^2(theta) for q qbar -> Z -> l l (accept-reject: at most twice as many draws).
    let cosTheta: number;
    do cosTheta = 2 * r.uniform() - 1; while (2 * r.uniform() > 1 + cosTheta * cosTheta);
    const leptonMass = flavour === 13 ? MUON_MASS : ELECTRON_MASS;
    decayTwoBody(z, leptonMass, leptonMass, this.#first, this.#second, r, cosTheta);
    this.#lepton(flavour, this.#first, -1, PROMPT);
    this.#lepton(flavour, this.#second, +1, PROMPT);
    this.#recoil(z, 0.35, 0.04, 0.08);
  }

  #wJets(): void {
    const r = this.#random;
    const w = this.#system;
    const m = r.breitWigner(W_MASS, W_WIDTH, 40, 250);
    setPtRapidityPhiMass(w, this.#bosonPt(), r.gaussian(0, 2.0), r.range(-Math.PI, Math.PI), m);
    // More W+ than W- at the LHC (u valence quarks).
    const charge = r.chance(0.58) ? +1 : -1;
    const flavour = r.chance(0.5) ? 13 : 11;
    this.#leptonicW(w, flavour, charge);
    this.#recoil(w, 0.6, 0.03, 0.09);
  }

  #ttbar(leptonicWs: 1 | 2): void {
    const r = this.#random;
    const tt = this.#system;
    const topMass = r.breitWigner(TOP_MASS, TOP_WIDTH, 160, 185);
    const antiTopMass = r.breitWigner(TOP_MASS, TOP_WIDTH, 160, 185);
    // m(ttbar): threshold plus a falling tail (peak near 400 GeV as at 13 TeV).
    const mtt = topMass + antiTopMass + 15 + r.exponential(50) + r.exponential(50);
    setPtRapidityPhiMass(
      tt,
      r.exponential(35),
      r.gaussian(0, 1.0),
      r.range(-Math.PI, Math.PI),
      mtt,
    );
    decayTwoBody(tt, topMass, antiTopMass, this.#top, this.#antiTop, r);
    const wPlusMass = r.breitWigner(W_MASS, W_WIDTH, 60, topMass - B_MASS - 1);
    const wMinusMass = r.breitWigner(W_MASS, W_WIDTH, 60, antiTopMass - B_MASS - 1);
    decayTwoBody(this.#top, wPlusMass, B_MASS, this.#wPlus, this.#bottom, r);
    decayTwoBody(this.#antiTop, wMinusMass, B_MASS, this.#wMinus, this.#antiBottom, r);
    this.#jet(this.#bottom, 5, HARD);
    this.#jet(this.#antiBottom, 5, HARD);
    // Semileptonic: either W may be the leptonic one.
    const plusIsLeptonic = leptonicWs === 2 || r.chance(0.5);
    const minusIsLeptonic = leptonicWs === 2 || !plusIsLeptonic;
    if (plusIsLeptonic) this.#leptonicW(this.#wPlus, r.chance(0.5) ? 13 : 11, +1);
    else this.#hadronicW(this.#wPlus);
    if (minusIsLeptonic) this.#leptonicW(this.#wMinus, r.chance(0.5) ? 13 : 11, -1);
    else this.#hadronicW(this.#wMinus);
    this.#recoil(tt, 0.8, 0.05, 0.1);
  }

  /** W -> l nu: the lepton is reconstructed, the neutrino goes into the (gen) MET. */
  #leptonicW(w: FourVector, flavour: 11 | 13, charge: number): void {
    const lepton = this.#first;
    const neutrino = this.#second;
    decayTwoBody(w, flavour === 13 ? MUON_MASS : ELECTRON_MASS, 0, lepton, neutrino, this.#random);
    this.#lepton(flavour, lepton, charge, PROMPT);
    this.#invisible(neutrino);
  }

  /** W -> q q': half of the hadronic decays are c s, giving one c jet. */
  #hadronicW(w: FourVector): void {
    decayTwoBody(w, 0, 0, this.#first, this.#second, this.#random);
    const charm = this.#random.chance(0.5);
    this.#jet(this.#first, charm ? 4 : 0, HARD);
    this.#jet(this.#second, 0, HARD);
  }

  /**
   * The hadronic recoil against a boson or ttbar system: a few radiated jets plus one jet
   * carrying the rest of the balancing transverse momentum, so that sum(pT) = 0 before
   * detector effects and MET comes only from neutrinos and mismeasurement.
   */
  #recoil(system: FourVector, extraJets: number, bFraction: number, cFraction: number): void {
    const r = this.#random;
    let restX = -system[0];
    let restY = -system[1];
    const n = r.poisson(extraJets);
    for (let i = 0; i < n; i++) {
      const jetPt = 20 + r.exponential(25);
      const jetPhi = r.range(-Math.PI, Math.PI);
      setPtEtaPhiMass(this.#object, jetPt, r.gaussian(0, 2.0), jetPhi, 0);
      restX -= this.#object[0];
      restY -= this.#object[1];
      this.#jet(this.#object, this.#radiationFlavour(bFraction, cFraction), HARD);
    }
    const restPt = Math.hypot(restX, restY);
    if (restPt > 1) {
      setPtEtaPhiMass(this.#object, restPt, r.gaussian(0, 1.8), Math.atan2(restY, restX), 0);
      this.#jet(this.#object, this.#radiationFlavour(bFraction, cFraction), HARD);
    }
  }

  #radiationFlavour(bFraction: number, cFraction: number): number {
    const u = this.#random.uniform();
    return u < bFraction ? 5 : u < bFraction + cFraction ? 4 : 0;
  }

  /** Vector-boson pT: a soft peak of a few GeV and a falling tail. */
  #bosonPt(): number {
    const r = this.#random;
    return r.chance(0.75) ? r.exponential(4.5) + r.exponential(4.5) : 5 + r.exponential(28);
  }

  // -------------------------------------------------------------------------------------------
  // Detector

  #beginEvent(): void {
    const r = this.#random;
    this.#genMetX =
      this.#genMetY =
      this.#metX =
      this.#metY =
        0;
    let nTrueInt: number;
    do nTrueInt = r.gaussian(this.#pileupMean, 0.3 * this.#pileupMean); while (
      nTrueInt < 1 || nTrueInt > 99
    );
    this.nTrueInt = nTrueInt;
    this.nPU = r.poisson(nTrueInt);
    this.npvs = Math.max(1, r.poisson(0.72 * this.nPU + 0.5));
    this.npvsGood = Math.max(1, Math.round(this.npvs * r.range(0.85, 1)));
    this.rho = Math.max(0, 0.52 * this.nPU + r.gaussian(2, 1.5));
  }

  /** A particle no detector sees: it counts in gen MET and, through the balance, in MET. */
  #invisible(p: FourVector): void {
    this.#genMetX += p[0];
    this.#genMetY += p[1];
    this.#metX += p[0];
    this.#metY += p[1];
  }

  /** Records a reconstructed object that was mismeasured by (reco - true) pT along phi. */
  #mismeasured(truePt: number, recoPt: number, phi: number): void {
    this.#metX -= (recoPt - truePt) * Math.cos(phi);
    this.#metY -= (recoPt - truePt) * Math.sin(phi);
  }

  #lepton(flavour: 11 | 13, p: FourVector, charge: number, origin: number): void {
    const r = this.#random;
    const truePt = ptOf(p);
    const eta = etaOf(p);
    const phi = phiOf(p);
    const absEta = Math.abs(eta);
    const isMuon = flavour === 13;
    const efficiency = isMuon ? (truePt > 10 ? 0.97 : 0.85) : (truePt > 20 ? 0.92 : 0.7);
    if (absEta > (isMuon ? 2.4 : 2.5) || !r.chance(efficiency)) {
      // A lost lepton's momentum is missing from the reconstructed event.
      this.#metX += p[0];
      this.#metY += p[1];
      return;
    }
    let resolution = 0;
    if (this.#smearing) {
      resolution = isMuon
        ? Math.hypot(absEta < 0.9 ? 0.01 : absEta < 1.2 ? 0.015 : 0.02, 1e-4 * truePt)
        : Math.hypot(0.03 / Math.sqrt(truePt * Math.cosh(eta)), absEta < 1.479 ? 0.012 : 0.022);
    }
    const recoPt = truePt * (1 + resolution * r.gaussian());
    if (recoPt < (isMuon ? 3 : 5)) return;
    this.#mismeasured(truePt, recoPt, phi);
    const recoEta = this.#smearing ? eta + r.gaussian(0, 0.0005) : eta;
    if (isMuon) this.#stageMuon(recoPt, recoEta, phi, charge, origin);
    else this.#stageElectron(recoPt, recoEta, phi, charge, origin);
  }

  #stageMuon(pt: number, eta: number, phi: number, charge: number, origin: number): void {
    const r = this.#random;
    const k = this.muons.add();
    if (k < 0) return;
    const s = this.muons.staged;
    const prompt = origin === PROMPT;
    s.pt[k] = pt;
    s.eta[k] = eta;
    s.phi[k] = phi;
    s.mass[k] = MUON_MASS;
    s.charge[k] = charge;
    const medium = prompt ? r.chance(0.985) : r.chance(0.7);
    const tight = medium && (prompt ? r.chance(0.975) : r.chance(0.6));
    s.looseId[k] = medium || r.chance(0.9) ? 1 : 0;
    s.mediumId[k] = medium ? 1 : 0;
    s.tightId[k] = tight ? 1 : 0;
    // Prompt muons are isolated up to pileup; muons from b decays and fakes sit in jets.
    const iso04 = prompt
      ? r.exponential(0.02) + 0.0006 * this.nPU * r.uniform()
      : origin === FROM_B
      ? 0.15 + r.exponential(0.5)
      : 0.05 + r.exponential(0.4);
    s.pfRelIso04_all[k] = iso04;
    s.pfRelIso03_all[k] = iso04 * r.range(0.6, 0.9);
    s.genPartFlav[k] = origin;
  }

  #stageElectron(pt: number, eta: number, phi: number, charge: number, origin: number): void {
    const r = this.#random;
    const k = this.electrons.add();
    if (k < 0) return;
    const s = this.electrons.staged;
    const prompt = origin === PROMPT;
    s.pt[k] = pt;
    s.eta[k] = eta;
    s.phi[k] = phi;
    s.mass[k] = ELECTRON_MASS;
    s.charge[k] = charge;
    // cutBased: 0 fail, 1 veto, 2 loose, 3 medium, 4 tight.
    const u = r.uniform();
    s.cutBased[k] = prompt
      ? (u < 0.78 ? 4 : u < 0.9 ? 3 : u < 0.95 ? 2 : u < 0.98 ? 1 : 0)
      : (u < 0.5 ? 0 : u < 0.75 ? 1 : u < 0.9 ? 2 : u < 0.96 ? 3 : 4);
    s.pfRelIso03_all[k] = prompt
      ? r.exponential(0.02) + 0.0006 * this.nPU * r.uniform()
      : 0.1 + r.exponential(0.35);
    s.deltaEtaSC[k] = r.gaussian(0, 0.01);
    s.genPartFlav[k] = origin;
    // A prompt electron is also clustered as a jet (NanoAOD does not clean jets): analyses
    // remove it by Delta R or by the lepton veto bit of jetId.
    if (prompt && r.chance(0.7)) {
      const jetPt = pt * r.gaussian(1.0, 0.05);
      if (jetPt >= 15) this.#stageJet(jetPt, eta, phi, 0, 0.1, 2, 7, -1);
    }
  }

  /** A jet from a parton of the given hadron flavour (5 b, 4 c, 0 light). */
  #jet(p: FourVector, flavour: number, kind: number): void {
    const r = this.#random;
    const truePt = ptOf(p);
    const eta = etaOf(p);
    const phi = phiOf(p);
    const absEta = Math.abs(eta);
    if (absEta > 4.7) return;
    // Jets of the hard process and the underlying event have a generator-level jet at the
    // true momentum; pileup jets come from another collision and have none.
    const genIndex = kind === PILEUP ? -1 : this.#stageGenJet(truePt, eta, phi, flavour);
    let resolution = 0;
    if (this.#smearing) {
      // Calorimeter jet resolution: noise, stochastic and constant terms; worse beyond the tracker.
      resolution = Math.sqrt(6.25 / (truePt * truePt) + 0.64 / truePt + 0.0016) *
        (absEta > 2.5 ? 1.3 : 1);
    }
    const recoPt = truePt * Math.max(0.1, 1 + resolution * r.gaussian());
    if (recoPt < 15) return; // NanoAOD keeps jets above 15 GeV; softer ones are unclustered
    if (kind === HARD) this.#mismeasured(truePt, recoPt, phi);
    const recoEta = this.#smearing ? eta + r.gaussian(0, 0.01) : eta;
    const recoPhi = this.#smearing ? phi + r.gaussian(0, 0.01) : phi;
    const jetMass = recoPt * Math.max(0.02, r.gaussian(0.11, 0.04)) + (flavour === 5 ? 3 : 0);
    const u = r.uniform();
    const jetId = kind === PILEUP
      ? (u < 0.8 ? 6 : u < 0.9 ? 2 : 0)
      : (u < 0.95 ? 6 : u < 0.985 ? 2 : 0);
    const v = r.uniform();
    const puId = kind === PILEUP
      ? (v < 0.6 ? 0 : v < 0.8 ? 4 : v < 0.9 ? 6 : 7)
      : (v < 0.9 ? 7 : v < 0.95 ? 6 : v < 0.98 ? 4 : 0);
    this.#stageJet(recoPt, recoEta, recoPhi, flavour, jetMass, jetId, puId, genIndex);
    // About a fifth of b jets hold a (non-isolated) lepton from the semileptonic b decay.
    if (flavour === 5 && r.chance(0.2)) {
      const leptonPt = recoPt * r.range(0.05, 0.35);
      const leptonEta = recoEta + r.gaussian(0, 0.05);
      const leptonPhi = recoPhi + r.gaussian(0, 0.05);
      const charge = r.chance(0.5) ? 1 : -1;
      if (r.chance(0.5)) {
        if (leptonPt > 3 && Math.abs(leptonEta) < 2.4) {
          this.#stageMuon(leptonPt, leptonEta, leptonPhi, charge, FROM_B);
        }
      } else if (leptonPt > 5 && Math.abs(leptonEta) < 2.5) {
        this.#stageElectron(leptonPt, leptonEta, leptonPhi, charge, FROM_B);
      }
    }
  }

  #stageJet(
    pt: number,
    eta: number,
    phi: number,
    flavour: number,
    mass: number,
    jetId: number,
    puId: number,
    genIndex: number,
  ): void {
    const r = this.#random;
    const k = this.jets.add();
    if (k < 0) return;
    const s = this.jets.staged;
    s.pt[k] = pt;
    s.eta[k] = eta;
    s.phi[k] = phi > Math.PI ? phi - 2 * Math.PI : phi < -Math.PI ? phi + 2 * Math.PI : phi;
    s.mass[k] = mass;
    s.btagDeepFlavB[k] = this.#btag(flavour, Math.abs(eta));
    s.jetId[k] = jetId;
    // NanoAOD fills puId only below 50 GeV; harder jets pass every working point.
    s.puId[k] = pt > 50 ? 7 : puId;
    s.area[k] = r.gaussian(0.5, 0.02);
    s.rawFactor[k] = Math.min(0.5, Math.max(0, r.gaussian(0.04 + 1.5 / pt, 0.02)));
    s.hadronFlavour[k] = flavour;
    s.genJetIdx[k] = genIndex;
  }

  /** Stages a generator-level jet; its staging index, or -1 below the NanoAOD threshold. */
  #stageGenJet(pt: number, eta: number, phi: number, flavour: number): number {
    if (pt < GEN_JET_MIN_PT) return -1;
    const k = this.genJets.add();
    if (k < 0) return -1;
    const s = this.genJets.staged;
    s.pt[k] = pt;
    s.eta[k] = eta;
    s.phi[k] = phi;
    s.mass[k] = pt * Math.max(0.02, this.#truth.gaussian(0.1, 0.04)) + (flavour === 5 ? 3 : 0);
    s.hadronFlavour[k] = flavour;
    return k;
  }

  /** DeepJet b-tag score: b jets mostly above 0.7, c jets sometimes, light jets rarely. */
  #btag(flavour: number, absEta: number): number {
    const r = this.#random;
    if (absEta > 2.5) return r.exponential(0.01) % 1; // no tracks, no tag
    const tagged = r.uniform() < (flavour === 5 ? 0.9 : flavour === 4 ? 0.15 : 0.01);
    if (tagged) return 1 - 0.3 * r.uniform() ** 3;
    if (flavour === 5) return 0.7 * r.uniform();
    return Math.min(0.699, r.exponential(flavour === 4 ? 0.15 : 0.03));
  }

  #underlyingAndPileup(): void {
    const r = this.#random;
    // Soft radiation / underlying-event jets.
    const soft = r.poisson(1.0);
    for (let i = 0; i < soft; i++) {
      setPtEtaPhiMass(
        this.#object,
        12 + r.exponential(8),
        r.gaussian(0, 2.3),
        r.range(-Math.PI, Math.PI),
        0,
      );
      this.#jet(this.#object, this.#radiationFlavour(0.02, 0.06), RADIATION);
    }
    // Jets from other pp collisions, mostly forward-ish and soft.
    const pileupJets = r.poisson(0.05 * this.nPU);
    for (let i = 0; i < pileupJets; i++) {
      setPtEtaPhiMass(
        this.#object,
        10 + r.exponential(9),
        r.range(-4.7, 4.7),
        r.range(-Math.PI, Math.PI),
        0,
      );
      this.#jet(this.#object, 0, PILEUP);
    }
    // Fake and non-prompt leptons from light jets and hadron decays.
    const fakeMuons = r.poisson(0.08);
    for (let i = 0; i < fakeMuons; i++) {
      const eta = r.range(-2.4, 2.4);
      this.#stageMuon(
        3 + r.exponential(4),
        eta,
        r.range(-Math.PI, Math.PI),
        r.chance(0.5) ? 1 : -1,
        FAKE,
      );
    }
    const fakeElectrons = r.poisson(0.15);
    for (let i = 0; i < fakeElectrons; i++) {
      const eta = r.range(-2.5, 2.5);
      this.#stageElectron(
        5 + r.exponential(7),
        eta,
        r.range(-Math.PI, Math.PI),
        r.chance(0.5) ? 1 : -1,
        FAKE,
      );
    }
  }

  #finishEvent(): void {
    const r = this.#random;
    // Unclustered energy and pileup smear each MET component.
    if (this.#smearing) {
      const sigma = Math.sqrt(25 + 4 * this.nPU);
      this.#metX += r.gaussian(0, sigma);
      this.#metY += r.gaussian(0, sigma);
    }
    this.metPt = Math.hypot(this.#metX, this.#metY);
    this.metPhi = Math.atan2(this.#metY, this.#metX);
    this.genMetPt = Math.hypot(this.#genMetX, this.#genMetY);
    this.genMetPhi = Math.atan2(this.#genMetY, this.#genMetX);
    // Triggers: isolated leptons above a turn-on with a plateau efficiency, plus a tiny rate
    // of unrelated firings.
    let muonFired = r.chance(0.001);
    const mu = this.muons.staged;
    for (let k = 0; k < this.muons.count && !muonFired; k++) {
      if (mu.pfRelIso04_all[k] > 0.3) continue;
      const efficiency = 0.93 / (1 + Math.exp(-(mu.pt[k] - 25.5) / 0.8));
      muonFired = r.chance(efficiency);
    }
    let electronFired = r.chance(0.001);
    const el = this.electrons.staged;
    for (let k = 0; k < this.electrons.count && !electronFired; k++) {
      if (el.cutBased[k] < 2 || el.pfRelIso03_all[k] > 0.3) continue;
      const efficiency = 0.9 / (1 + Math.exp(-(el.pt[k] - 34) / 1.2));
      electronFired = r.chance(efficiency);
    }
    this.hltIsoMu24 = muonFired ? 1 : 0;
    this.hltEle32 = electronFired ? 1 : 0;
  }
}

/**
 * `generateEvents`: toy NanoAOD events (Drell-Yan, ttbar, W+jets, pseudo-data) as columns with
 * NanoAOD branch names and types, reproducible from a seed.
 * @module
 */
import type { Column } from "@ristretto/core/columns";
import { didYouMean, InputError } from "@ristretto/core/errors";
import { Random } from "./_random.ts";
import { type HardProcess, ToyEventGenerator } from "./_event_generator.ts";
import { SIMULATED_PROCESSES, totalToyXsec, TOY_PROCESSES, type ToyProcess } from "./processes.ts";
import { type LumiSections, pileupMean, syntheticLumiSections } from "./lumi_sections.ts";

/** Options of {@link generateEvents}. */
export interface GenerateOptions {
  /** Number of events. */
  events: number;
  /** Seed: equal seeds (and options) give identical columns. */
  seed: number;
  /** Data-taking year: run numbers and pileup; default "2018". */
  year?: string;
  /** Number of events before this batch in its dataset: `event` starts at firstEvent + 1. */
  firstEvent?: number;
  /**
   * Pseudo-data only: the lumi sections the events are spread over, in proportion to their
   * recorded luminosity. Default: a synthetic period of events / sum(xsec) pb^-1.
   */
  lumiSections?: LumiSections;
  /** Simulation only: fraction of negative genWeights; default the process's own. */
  negativeWeightFraction?: number;
  /** Detector resolutions and MET noise; false gives perfectly measured objects (for studies). */
  smearing?: boolean;
}

/** The random stream (of the same seed) of the generator-level quantities added later. */
const TRUTH_STREAM = 1;

/** Every process name `generateEvents` accepts. */
export const TOY_PROCESS_NAMES: readonly ToyProcess[] = [...SIMULATED_PROCESSES, "data"];

/**
 * Generates toy NanoAOD events of one process.
 *
 * Branches (types as in NanoAOD): run, luminosityBlock (UInt32), event (UInt64), genWeight,
 * Pileup_nTrueInt (Float32), Pileup_nPU, PV_npvs, PV_npvsGood (Int32),
 * fixedGridRhoFastjetAll, MET_pt, MET_phi, GenMET_pt, GenMET_phi (Float32), HLT_IsoMu24,
 * HLT_Ele32_WPTight_Gsf (Bool as Uint8Array), and the collections Muon (pt, eta, phi, mass,
 * charge, looseId, mediumId, tightId, pfRelIso03_all, pfRelIso04_all, genPartFlav),
 * Electron (pt, eta, phi, mass, charge, cutBased, pfRelIso03_all, deltaEtaSC, genPartFlav)
 * Jet (pt, eta, phi, mass, btagDeepFlavB, jetId, puId, area, rawFactor, hadronFlavour, and
 * genJetIdx as Int16: the index of the jet's GenJet, -1 for pileup jets and jets without one)
 * and GenJet (pt, eta, phi, mass, hadronFlavour: the true momentum of the jets of the hard
 * process and the underlying event above 10 GeV, which the reco jets smear), each with a
 * UInt32 counter `n<Name>` and jagged fields sharing one offsets array, sorted by pt
 * descending. "data" has no simulation-only branches (genWeight, Pileup_*, GenMET_*,
 * *_genPartFlav, Jet_hadronFlavour, Jet_genJetIdx, GenJet). The generator-level jets come
 * from a second random stream of the seed, so adding them left every other branch as it was.
 *
 * @example
 * ```ts
 * import { generateEvents } from "./generate_events.ts";
 * const columns = generateEvents("dy_mumu", { events: 100, seed: 1 });
 * if (!(columns.get("MET_pt") instanceof Float32Array)) throw new Error();
 * ```
 */
export function generateEvents(process: ToyProcess, options: GenerateOptions): Map<string, Column> {
  if (!TOY_PROCESS_NAMES.includes(process)) {
    throw new InputError(
      "TOY_UNKNOWN_PROCESS",
      `Cannot generate toy process "${process}": known processes are ${
        TOY_PROCESS_NAMES.join(", ")
      }` +
        didYouMean(process, TOY_PROCESS_NAMES),
    );
  }
  const events = options.events;
  if (!Number.isInteger(events) || events < 0) {
    throw new InputError(
      "TOY_BAD_OPTION",
      `Cannot generate "${process}": events must be a non-negative integer, got ${events}`,
    );
  }
  const year = options.year ?? "2018";
  const isMC = process !== "data";
  const random = new Random(options.seed);
  const generator = new ToyEventGenerator(random, events, {
    smearing: options.smearing ?? true,
    pileupMean: pileupMean(year),
    truth: new Random(options.seed, TRUTH_STREAM),
  });

  const run = new Uint32Array(events);
  const luminosityBlock = new Uint32Array(events);
  const eventNumber = new BigUint64Array(events);
  const genWeight = new Float32Array(events);
  const nTrueInt = new Float32Array(events);
  const nPU = new Int32Array(events);
  const npvs = new Int32Array(events);
  const npvsGood = new Int32Array(events);
  const rho = new Float32Array(events);
  const metPt = new Float32Array(events);
  const metPhi = new Float32Array(events);
  const genMetPt = new Float32Array(events);
  const genMetPhi = new Float32Array(events);
  const hltIsoMu24 = new Uint8Array(events);
  const hltEle32 = new Uint8Array(events);

  const firstEvent = options.firstEvent ?? 0;
  if (isMC) {
    const info = TOY_PROCESSES[process];
    const negative = options.negativeWeightFraction ?? info.negativeWeightFraction;
    for (let i = 0; i < events; i++) {
      run[i] = 1;
      // MC lumi blocks only group events (one per 1000 here, as production jobs do).
      luminosityBlock[i] = 1 + Math.floor((firstEvent + i) / 1000);
      eventNumber[i] = BigInt(firstEvent + i + 1);
      genWeight[i] = random.chance(negative) ? -info.genWeight : info.genWeight;
    }
  } else {
    assignLumiSections(
      random,
      run,
      luminosityBlock,
      options.lumiSections ??
        syntheticLumiSections(events / totalToyXsec(), { year, seed: options.seed }),
    );
    for (let i = 0; i < events; i++) eventNumber[i] = BigInt(firstEvent + i + 1);
  }

  // Pseudo-data draws each event's process with probability proportional to its cross section.
  const cumulative = new Float64Array(SIMULATED_PROCESSES.length);
  let sum = 0;
  SIMULATED_PROCESSES.forEach((name, k) => cumulative[k] = sum += TOY_PROCESSES[name].xsec);
  for (let i = 0; i < events; i++) {
    let hard: HardProcess;
    if (isMC) hard = process as HardProcess;
    else {
      const u = random.uniform() * sum;
      let k = 0;
      while (k < cumulative.length - 1 && u >= cumulative[k]) k++;
      hard = SIMULATED_PROCESSES[k];
    }
    generator.generate(hard);
    generator.commit();
    nTrueInt[i] = generator.nTrueInt;
    nPU[i] = generator.nPU;
    npvs[i] = generator.npvs;
    npvsGood[i] = generator.npvsGood;
    rho[i] = generator.rho;
    metPt[i] = generator.metPt;
    metPhi[i] = generator.metPhi;
    genMetPt[i] = generator.genMetPt;
    genMetPhi[i] = generator.genMetPhi;
    hltIsoMu24[i] = generator.hltIsoMu24;
    hltEle32[i] = generator.hltEle32;
  }

  const columns = new Map<string, Column>();
  columns.set("run", run);
  columns.set("luminosityBlock", luminosityBlock);
  columns.set("event", eventNumber);
  if (isMC) {
    columns.set("genWeight", genWeight);
    columns.set("Pileup_nTrueInt", nTrueInt);
    columns.set("Pileup_nPU", nPU);
  }
  columns.set("PV_npvs", npvs);
  columns.set("PV_npvsGood", npvsGood);
  columns.set("fixedGridRhoFastjetAll", rho);
  columns.set("MET_pt", metPt);
  columns.set("MET_phi", metPhi);
  if (isMC) {
    columns.set("GenMET_pt", genMetPt);
    columns.set("GenMET_phi", genMetPhi);
  }
  columns.set("HLT_IsoMu24", hltIsoMu24);
  columns.set("HLT_Ele32_WPTight_Gsf", hltEle32);
  generator.muons.finish(columns, isMC);
  generator.electrons.finish(columns, isMC);
  generator.jets.finish(columns, isMC);
  if (isMC) generator.genJets.finish(columns, isMC);
  return columns;
}

/** Spreads events over lumi sections in proportion to recorded luminosity, in (run, ls) order. */
function assignLumiSections(
  random: Random,
  run: Uint32Array,
  luminosityBlock: Uint32Array,
  sections: LumiSections,
): void {
  const n = sections.recorded.length;
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += sections.recorded[i];
  if (!(total > 0)) {
    throw new InputError(
      "TOY_BAD_OPTION",
      "Cannot generate pseudo-data: the lumi sections record no luminosity",
    );
  }
  const picks = new Int32Array(run.length);
  for (let i = 0; i < picks.length; i++) {
    const u = random.uniform() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle] <= u) low = middle + 1;
      else high = middle;
    }
    picks[i] = low;
  }
  // Files of real data are written in (run, lumi) order.
  picks.sort();
  for (let i = 0; i < picks.length; i++) {
    run[i] = sections.run[picks[i]];
    luminosityBlock[i] = sections.luminosityBlock[picks[i]];
  }
}

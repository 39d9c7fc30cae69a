/**
 * The physics processes the toy NanoAOD generator knows, with 13 TeV cross sections.
 * @module
 */

/** A process the toy generator can make. "data" is pseudo-data: a cross-section-weighted mix. */
export type ToyProcess = "dy_mumu" | "dy_ee" | "ttbar_semilep" | "ttbar_dilep" | "wjets" | "data";

/** What the normalisation needs to know about one simulated process. */
export interface ToyProcessInfo {
  /** The process key, e.g. "dy_mumu". */
  readonly name: Exclude<ToyProcess, "data">;
  /** One line for humans. */
  readonly description: string;
  /** Cross section in pb at 13 TeV, times the branching ratios of the decays generated. */
  readonly xsec: number;
  /** Fraction of events generated with a negative genWeight (NLO generators make some). */
  readonly negativeWeightFraction: number;
  /** |genWeight| of every event: arbitrary, as in real samples, so only xsec*lumi/sum(genWeight) is meaningful. */
  readonly genWeight: number;
  /** A CMS-style dataset name for the built-dataset metadata. */
  readonly datasetName: string;
}

/** Z/gamma* -> ll, m(ll) > 50 GeV, NNLO (FEWZ), summed over e, mu, tau: 6077.22 pb. */
export const DY_M50_XSEC = 6077.22;
/** ttbar at NNLO+NNLL for m_top = 172.5 GeV: 833.9 pb. */
export const TTBAR_XSEC = 833.9;
/** W(-> l nu) + jets, summed over e, mu, tau, NNLO: 61526.7 pb. */
export const WJETS_LNU_XSEC = 61526.7;
/** BR(W -> l nu) for one lepton flavour (PDG average of e, mu, tau). */
export const BR_W_LNU = 0.1086;
/** BR(W -> hadrons) (PDG). */
export const BR_W_HADRONS = 0.6741;

/** BR(W -> e nu or mu nu): taus are not generated. */
const BR_W_E_OR_MU = 2 * BR_W_LNU;

/**
 * The simulated processes. Only electrons and muons are generated, so the cross sections carry
 * the e/mu branching ratios: DY per flavour is a third of the l+l- cross section; ttbar
 * semileptonic is 2 x BR(W->had) x BR(W->e/mu); W+jets keeps 2 of 3 flavours.
 */
export const TOY_PROCESSES: Readonly<Record<Exclude<ToyProcess, "data">, ToyProcessInfo>> = {
  dy_mumu: {
    name: "dy_mumu",
    description: "Drell-Yan Z/gamma* -> mu mu, m > 50 GeV",
    xsec: DY_M50_XSEC / 3,
    negativeWeightFraction: 0.05,
    genWeight: 24843.3,
    datasetName: "/DYJetsToMuMu_M-50_TuneCP5_13TeV-toy/Ristretto-Toy/NANOAODSIM",
  },
  dy_ee: {
    name: "dy_ee",
    description: "Drell-Yan Z/gamma* -> e e, m > 50 GeV",
    xsec: DY_M50_XSEC / 3,
    negativeWeightFraction: 0.05,
    genWeight: 24843.3,
    datasetName: "/DYJetsToEE_M-50_TuneCP5_13TeV-toy/Ristretto-Toy/NANOAODSIM",
  },
  ttbar_semilep: {
    name: "ttbar_semilep",
    description: "ttbar -> b l nu b q q' (l = e, mu)",
    xsec: TTBAR_XSEC * 2 * BR_W_HADRONS * BR_W_E_OR_MU,
    negativeWeightFraction: 0.005,
    genWeight: 72.9,
    datasetName: "/TTToSemiLeptonic_TuneCP5_13TeV-toy/Ristretto-Toy/NANOAODSIM",
  },
  ttbar_dilep: {
    name: "ttbar_dilep",
    description: "ttbar -> b l nu b l nu (l = e, mu)",
    xsec: TTBAR_XSEC * BR_W_E_OR_MU * BR_W_E_OR_MU,
    negativeWeightFraction: 0.005,
    genWeight: 72.9,
    datasetName: "/TTTo2L2Nu_TuneCP5_13TeV-toy/Ristretto-Toy/NANOAODSIM",
  },
  wjets: {
    name: "wjets",
    description: "W -> l nu + jets (l = e, mu)",
    xsec: WJETS_LNU_XSEC * (2 / 3),
    negativeWeightFraction: 0.01,
    genWeight: 1.0,
    datasetName: "/WJetsToLNu_TuneCP5_13TeV-toy/Ristretto-Toy/NANOAODSIM",
  },
};

/** The simulated process keys in a fixed order (the pseudo-data mix draws in this order). */
export const SIMULATED_PROCESSES: readonly Exclude<ToyProcess, "data">[] = [
  "dy_mumu",
  "dy_ee",
  "ttbar_semilep",
  "ttbar_dilep",
  "wjets",
];

/** Sum of the simulated cross sections (pb): pseudo-data of N events corresponds to N / this pb^-1. */
export function totalToyXsec(): number {
  let total = 0;
  for (const name of SIMULATED_PROCESSES) total += TOY_PROCESSES[name].xsec;
  return total;
}

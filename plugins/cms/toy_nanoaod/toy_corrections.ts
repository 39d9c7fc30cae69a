/**
 * Toy correctionlib payloads for the toy NanoAOD: pileup weights, muon scale factors, jet energy
 * scale uncertainties and the jet energy resolution (PtResolution + ScaleFactor), with the file
 * names, correction names, inputs and layout of the 2018 UL POG files the CMS plugins read, so
 * the shipped settings (`corrections.2018` in configs/params/defaults.yaml) work on them once
 * `correctionsDir` points at their folder. The numbers are plausible round values, not CMS
 * measurements; the jet resolution is the one the generator smears its jets with.
 * @module
 */
import { pileupMean } from "./lumi_sections.ts";

/** One payload: its file name (as the POG's) and its correctionlib (schema v2) content. */
export interface ToyPayload {
  readonly file: string;
  readonly json: Record<string, unknown>;
}

/** The JES uncertainty sources of the toy JME file (`Summer19UL18_V5_MC_<source>_AK4PFchs`). */
export const TOY_JES_SOURCES: readonly string[] = [
  "Total",
  "AbsoluteStat",
  "AbsoluteScale",
  "FlavorQCD",
  "RelativeBal",
  "RelativeSample",
  "PileUpPtRef",
];

/**
 * The generator's relative jet pt resolution: noise N, stochastic S and constant C terms,
 * sqrt(N^2/pt^2 + S^2/pt + C^2), 30% worse beyond the tracker (|eta| > 2.5).
 */
export const TOY_JET_RESOLUTION = { noise: 2.5, stochastic: 0.8, constant: 0.04, forward: 1.3 };

const DESCRIPTION = "Toy payload written by Ristretto's toy NanoAOD generator " +
  "(plugins/cms/toy_nanoaod): the layout of the CMS 2018 UL file, made-up plausible numbers";

/** Every toy payload for `year` (the pileup profile follows that year's toy pileup). */
export function toyCorrectionPayloads(year = "2018"): ToyPayload[] {
  return [
    { file: "LUM_2018_UL_puWeights.json.gz", json: payload([toyPileup(pileupMean(year))]) },
    {
      file: "MUO_2018_UL_muon_Z.json.gz",
      json: payload([
        toyMuonScaleFactor("NUM_TightID_DEN_TrackerMuons", MUON_PT_EDGES, 0.99, 0.004),
        toyMuonScaleFactor("NUM_TightRelIso_DEN_TightIDandIPCut", MUON_PT_EDGES, 0.997, 0.002),
        toyMuonScaleFactor(
          "NUM_IsoMu24_DEN_CutBasedIdTight_and_PFIsoTight",
          TRIGGER_PT_EDGES,
          0.975,
          0.008,
        ),
      ]),
    },
    {
      file: "JME_2018_UL_jet_jerc.json.gz",
      json: payload([
        toyPtResolution(),
        toyJerScaleFactor(),
        ...TOY_JES_SOURCES.map(toyJesUncertainty),
      ]),
    },
  ];
}

/** The payload files as written: gzip-compressed JSON (as the POG ships them). */
export async function toyPayloadBytes(payload: ToyPayload): Promise<Uint8Array> {
  const text = new TextEncoder().encode(JSON.stringify(payload.json));
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function payload(corrections: unknown[]): Record<string, unknown> {
  return { schema_version: 2, description: DESCRIPTION, corrections };
}

// ---------------------------------------------------------------------------------------------
// Pileup

/** Probability of [low, high) under a normal distribution. */
function normalProbability(low: number, high: number, mean: number, sigma: number): number {
  return 0.5 *
    (erf((high - mean) / (sigma * Math.SQRT2)) - erf((low - mean) / (sigma * Math.SQRT2)));
}

/** The error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 +
                t * (-1.453152027 + t * 1.061405429)))) *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/**
 * Pileup weights per unit of NumTrueInteractions: the ratio of a "data" profile to the
 * generator's (a normal of mean mu and width 0.3 mu cut to [1, 99]). The data profile has 2%
 * more pileup; up and down scale it by +-4.6% (the minimum-bias cross-section uncertainty).
 */
function toyPileup(mean: number): Record<string, unknown> {
  const edges = Array.from({ length: 100 }, (_, i) => i);
  const profile = (scale: number) => {
    const probabilities = edges.slice(0, -1).map((n) =>
      normalProbability(Math.max(n, 1), Math.max(n + 1, 1), scale * mean, 0.3 * scale * mean)
    );
    const sum = probabilities.reduce((a, b) => a + b, 0);
    return probabilities.map((p) => p / sum);
  };
  const simulated = profile(1);
  const weights = (scale: number) =>
    profile(scale).map((p, i) => simulated[i] > 1e-9 ? round(Math.min(p / simulated[i], 5), 6) : 1);
  const content = [["nominal", 1.02], ["up", 1.02 * 1.046], ["down", 1.02 * 0.954]].map((
    [key, scale],
  ) => ({
    key,
    value: {
      nodetype: "binning",
      input: "NumTrueInteractions",
      flow: "clamp",
      edges,
      content: weights(scale as number),
    },
  }));
  return {
    name: "Collisions18_UltraLegacy_goldenJSON",
    version: 0,
    inputs: [
      { name: "NumTrueInteractions", type: "real", description: "Number of true interactions" },
      { name: "weights", type: "string", description: "nominal, up, or down" },
    ],
    output: { name: "weight", type: "real", description: "Event weight for pileup reweighting" },
    data: { nodetype: "category", input: "weights", content },
  };
}

// ---------------------------------------------------------------------------------------------
// Muon scale factors

const MUON_ABSETA_EDGES = [0, 0.9, 1.2, 2.1, 2.4];
const MUON_PT_EDGES = [15, 20, 25, 30, 40, 50, 60, 120, Infinity];
const TRIGGER_PT_EDGES = [26, 30, 40, 50, 60, 120, 200, Infinity];

/**
 * A muon scale factor in the MUO layout (year -> abseta -> pt -> ValType): `sf` a little
 * lower in the endcaps and at low pt, `systup`/`systdown` = sf +- the total uncertainty
 * (larger at low pt and high |eta|), `stat` and `syst` its parts.
 */
function toyMuonScaleFactor(
  name: string,
  ptEdges: readonly number[],
  barrel: number,
  uncertainty: number,
): Record<string, unknown> {
  const etaBins = MUON_ABSETA_EDGES.length - 1;
  const ptBins = ptEdges.length - 1;
  const content = Array.from({ length: etaBins }, (_, e) => ({
    nodetype: "binning",
    input: "pt",
    edges: ptEdges.map((edge) => edge === Infinity ? "inf" : edge),
    flow: "error",
    content: Array.from({ length: ptBins }, (_, p) => {
      // Below 25 GeV the identification is less efficient in data than simulated.
      const lowPt = Math.max(0, (25 - ptEdges[p]) / 5);
      const sf = round(barrel - 0.006 * e - 0.004 * lowPt, 6);
      const total = round(uncertainty * (1 + 0.3 * e + 0.5 * lowPt), 6);
      return {
        nodetype: "category",
        input: "ValType",
        content: [
          { key: "sf", value: sf },
          { key: "systup", value: round(sf + total, 6) },
          { key: "systdown", value: round(sf - total, 6) },
          { key: "stat", value: round(total * 0.6, 6) },
          { key: "syst", value: round(total * 0.8, 6) },
        ],
      };
    }),
  }));
  return {
    name,
    description: name,
    version: 1,
    inputs: [
      { name: "year", type: "string", description: "year/scenario: example 2016preVFP, 2017 etc" },
      { name: "abseta", type: "real", description: "Probe abseta" },
      { name: "pt", type: "real", description: "Probe pt" },
      {
        name: "ValType",
        type: "string",
        description: "sf (nominal), systup and systdown (total uncertainty), stat, syst",
      },
    ],
    output: { name: "weight", type: "real", description: "Output scale factor or uncertainty" },
    data: {
      nodetype: "category",
      input: "year",
      content: [{
        key: "2018_UL",
        value: {
          nodetype: "binning",
          input: "abseta",
          edges: MUON_ABSETA_EDGES,
          flow: "error",
          content,
        },
      }],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Jet energy scale and resolution

const JET_INPUTS = {
  eta: { name: "JetEta", type: "real", description: "pseudorapidity of the jet" },
  pt: { name: "JetPt", type: "real", description: "pT of the jet" },
  rho: { name: "Rho", type: "real", description: "energy density rho (as measure of PU)" },
};
const JET_OUTPUT = { name: "correction", type: "real", description: null };
const RESOLUTION_FORMULA =
  "sqrt([2]*abs([2])/(max(min(x,[1]),[0])*max(min(x,[1]),[0]))+[3]*[3]*pow(max(min(x,[1]),[0]),[5])+[4]*[4])";

/** PtResolution: JetEta -> Rho -> the POG's resolution formula with the generator's terms. */
function toyPtResolution(): Record<string, unknown> {
  const { noise, stochastic, constant, forward } = TOY_JET_RESOLUTION;
  const formula = (scale: number) => ({
    nodetype: "binning",
    input: "Rho",
    edges: [0, 90],
    flow: "clamp",
    content: [{
      nodetype: "formula",
      expression: RESOLUTION_FORMULA,
      parser: "TFormula",
      variables: ["JetPt"],
      parameters: [15, 3000, noise * scale, stochastic * scale, constant * scale, -1],
    }],
  });
  return {
    name: "Summer19UL18_JRV2_MC_PtResolution_AK4PFchs",
    description: "PtResolution for AK4PFchs (toy: the generator's jet resolution)",
    version: 1,
    inputs: [JET_INPUTS.eta, JET_INPUTS.pt, JET_INPUTS.rho],
    output: JET_OUTPUT,
    data: {
      nodetype: "binning",
      input: "JetEta",
      edges: [-4.7, -2.5, 2.5, 4.7],
      flow: "clamp",
      content: [formula(forward), formula(1), formula(forward)],
    },
  };
}

/** ScaleFactor: JetEta -> systematic (nom/up/down); data's resolution is 10-25% worse. */
function toyJerScaleFactor(): Record<string, unknown> {
  const bins: [number, number][] = [[1.25, 0.1], [1.15, 0.06], [1.1, 0.05], [1.15, 0.06], [
    1.25,
    0.1,
  ]];
  return {
    name: "Summer19UL18_JRV2_MC_ScaleFactor_AK4PFchs",
    description: "ScaleFactor for AK4PFchs (toy)",
    version: 1,
    inputs: [JET_INPUTS.eta, {
      name: "systematic",
      type: "string",
      description: "systematics: nom, up, down",
    }],
    output: JET_OUTPUT,
    data: {
      nodetype: "binning",
      input: "JetEta",
      edges: [-5.191, -2.5, -1.3, 1.3, 2.5, 5.191],
      flow: "clamp",
      content: bins.map(([nominal, uncertainty]) => ({
        nodetype: "category",
        input: "systematic",
        content: [
          { key: "nom", value: nominal },
          { key: "up", value: round(nominal + uncertainty, 6) },
          { key: "down", value: round(nominal - uncertainty, 6) },
        ],
      })),
    },
  };
}

const JES_ETA_EDGES = [-5.4, -4, -3, -2.5, -2, -1.3, -0.5, 0, 0.5, 1.3, 2, 2.5, 3, 4, 5.4];
const JES_PT_EDGES = [9, 15, 20, 30, 50, 80, 120, 200, 400, 800, 1500, 3000, 6538];

/** Relative uncertainty of one toy source at (pt, |eta|). */
function jesSource(source: string, pt: number, absEta: number): number {
  switch (source) {
    case "AbsoluteStat":
      return 0.002 + 0.02 / pt;
    case "AbsoluteScale":
      return 0.005;
    case "FlavorQCD":
      return 0.006 + 0.3 / pt;
    case "RelativeBal":
      return 0.003 + 0.004 * absEta;
    case "RelativeSample":
      return 0.002 + 0.003 * absEta;
    case "PileUpPtRef":
      return 0.4 / pt;
    default: {
      // Total: the sources above and a remainder of 0.8% in quadrature.
      let sum = 0.008 * 0.008;
      for (const part of TOY_JES_SOURCES.slice(1)) sum += jesSource(part, pt, absEta) ** 2;
      return Math.sqrt(sum);
    }
  }
}

/**
 * A JES uncertainty source in the JME layout: JetEta -> JetPt -> a linear interpolation
 * `[0]*max(min(x,[3]),[2])+[1]` between the values at the pt bin edges.
 */
function toyJesUncertainty(source: string): Record<string, unknown> {
  const first = JES_PT_EDGES[0];
  const last = JES_PT_EDGES[JES_PT_EDGES.length - 1];
  const content = JES_ETA_EDGES.slice(0, -1).map((low, e) => {
    const absEta = Math.abs((low + JES_ETA_EDGES[e + 1]) / 2);
    return {
      nodetype: "binning",
      input: "JetPt",
      edges: JES_PT_EDGES,
      flow: "clamp",
      content: JES_PT_EDGES.slice(0, -1).map((a, p) => {
        const b = JES_PT_EDGES[p + 1];
        const at = (pt: number) => jesSource(source, pt, absEta) * (absEta > 3 ? 1.5 : 1);
        const slope = (at(b) - at(a)) / (b - a);
        return {
          nodetype: "formularef",
          index: 0,
          parameters: [round(slope, 12), round(at(a) - slope * a, 9), first, last],
        };
      }),
    };
  });
  return {
    name: `Summer19UL18_V5_MC_${source}_AK4PFchs`,
    description: `${source} for AK4PFchs (toy)`,
    version: 1,
    inputs: [JET_INPUTS.eta, JET_INPUTS.pt],
    output: JET_OUTPUT,
    generic_formulas: [{
      nodetype: "formula",
      expression: "[0]*max(min(x,[3]),[2])+[1]",
      parser: "TFormula",
      variables: ["JetPt"],
    }],
    data: {
      nodetype: "binning",
      input: "JetEta",
      edges: JES_ETA_EDGES,
      flow: "clamp",
      content,
    },
  };
}

function round(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}

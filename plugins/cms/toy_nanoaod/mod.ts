/**
 * Toy NanoAOD: a seeded generator of physically plausible CMS events (Drell-Yan, ttbar,
 * W+jets, pseudo-data) with NanoAOD branch names and types, for the project's own example.
 * @module
 */
export { generateEvents, type GenerateOptions, TOY_PROCESS_NAMES } from "./generate_events.ts";
export {
  BR_W_HADRONS,
  BR_W_LNU,
  DY_M50_XSEC,
  SIMULATED_PROCESSES,
  totalToyXsec,
  TOY_PROCESSES,
  type ToyProcess,
  type ToyProcessInfo,
  TTBAR_XSEC,
  WJETS_LNU_XSEC,
} from "./processes.ts";
export {
  type LumiSections,
  pileupMean,
  syntheticGoldenJson,
  type SyntheticLumiOptions,
  syntheticLumiSections,
  toBrilcalcCsv,
  TOY_YEARS,
} from "./lumi_sections.ts";
export { writeSample, type WriteSampleOptions } from "./write_sample.ts";
export {
  TOY_JES_SOURCES,
  TOY_JET_RESOLUTION,
  toyCorrectionPayloads,
  type ToyPayload,
  toyPayloadBytes,
} from "./toy_corrections.ts";

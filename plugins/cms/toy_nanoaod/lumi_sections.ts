/**
 * A synthetic data-taking period for the pseudo-data: runs, lumi sections and their recorded
 * luminosity, with the matching golden JSON and brilcalc CSV, so that the example analysis
 * exercises lumi masking and luminosity computation on data the project made itself.
 * @module
 */
import { InputError } from "@ristretto/core/errors";
import { Random } from "./_random.ts";

/** Recorded luminosity per lumi section: three parallel columns. */
export interface LumiSections {
  readonly run: Uint32Array;
  readonly luminosityBlock: Uint32Array;
  /** Recorded integrated luminosity of each lumi section, /pb. */
  readonly recorded: Float64Array;
}

/** First run number of each year the generator knows (real CMS numbering). */
const FIRST_RUN: Record<string, number> = {
  "2016": 273158,
  "2017": 297050,
  "2018": 315252,
  "2022": 355100,
  "2023": 366403,
  "2024": 378981,
};

/** Average pileup (true interactions) per year. */
const PILEUP_MEAN: Record<string, number> = {
  "2016": 25,
  "2017": 32,
  "2018": 32,
  "2022": 46,
  "2023": 48,
  "2024": 52,
};

/** The years the generator knows. */
export const TOY_YEARS: readonly string[] = Object.keys(FIRST_RUN);

/** Mean pileup of `year`; InputError for a year the generator does not know. */
export function pileupMean(year: string): number {
  checkYear(year);
  return PILEUP_MEAN[year];
}

function checkYear(year: string): void {
  if (!(year in FIRST_RUN)) {
    throw new InputError(
      "TOY_UNKNOWN_YEAR",
      `Cannot generate toy events for year "${year}": known years are ${TOY_YEARS.join(", ")}`,
    );
  }
}

/** Options of {@link syntheticLumiSections}. */
export interface SyntheticLumiOptions {
  /** Data-taking year (sets the run numbers); default "2018". */
  year?: string;
  /** Number of runs; default 8. */
  runs?: number;
  /** Seed of the run lengths and luminosity profile; default 1. */
  seed?: number;
}

/**
 * Runs of 150-550 lumi sections whose instantaneous luminosity decays through the fill, scaled
 * so that the recorded luminosity sums to `luminosity` (/pb). The first two sections of each
 * run have zero recorded luminosity (DAQ not yet running), as brilcalc shows for real runs.
 */
export function syntheticLumiSections(
  luminosity: number,
  options: SyntheticLumiOptions = {},
): LumiSections {
  const year = options.year ?? "2018";
  checkYear(year);
  const random = new Random(options.seed ?? 1);
  const runCount = options.runs ?? 8;
  const lengths: number[] = [];
  for (let i = 0; i < runCount; i++) lengths.push(150 + random.integer(400));
  const total = lengths.reduce((a, b) => a + b, 0);
  const run = new Uint32Array(total);
  const luminosityBlock = new Uint32Array(total);
  const recorded = new Float64Array(total);
  let row = 0;
  let runNumber = FIRST_RUN[year];
  for (const length of lengths) {
    runNumber += 3 + random.integer(40);
    const peak = random.range(0.7, 1.3);
    for (let ls = 1; ls <= length; ls++) {
      run[row] = runNumber;
      luminosityBlock[row] = ls;
      recorded[row] = ls <= 2 ? 0 : peak * Math.exp(-ls / (1.5 * length)) * random.range(0.97, 1);
      row++;
    }
  }
  let sum = 0;
  for (let i = 0; i < total; i++) sum += recorded[i];
  for (let i = 0; i < total; i++) recorded[i] *= luminosity / sum;
  return { run, luminosityBlock, recorded };
}

/**
 * A golden JSON for the synthetic period: every section with recorded luminosity is certified
 * except one whole run (a "bad" run, the third) and one block of ~5% of each other run, so a
 * lumi mask visibly removes events.
 */
export function syntheticGoldenJson(
  sections: LumiSections,
  options: { seed?: number } = {},
): Record<string, [number, number][]> {
  const random = new Random(options.seed ?? 2);
  const golden: Record<string, [number, number][]> = {};
  let runIndex = -1;
  for (let begin = 0; begin < sections.run.length;) {
    const runNumber = sections.run[begin];
    let end = begin;
    while (end < sections.run.length && sections.run[end] === runNumber) end++;
    runIndex++;
    const first = sections.luminosityBlock[begin] + 2; // the DAQ-off sections
    const last = sections.luminosityBlock[end - 1];
    const length = last - first + 1;
    if (runIndex !== 2 && length > 0) {
      const gap = Math.max(1, Math.round(0.05 * length));
      const gapStart = first + 1 + random.integer(Math.max(1, length - gap - 2));
      const ranges: [number, number][] = [];
      if (gapStart > first) ranges.push([first, gapStart - 1]);
      if (gapStart + gap <= last) ranges.push([gapStart + gap, last]);
      golden[String(runNumber)] = ranges;
    }
    begin = end;
  }
  return golden;
}

/**
 * The sections as `brilcalc lumi --byls -u /pb` would print them (CSV with '#' header and
 * summary lines), readable by `integratedLuminosity`.
 */
export function toBrilcalcCsv(sections: LumiSections, options: { fill?: number } = {}): string {
  const fill = options.fill ?? 7000;
  const lines = [
    "#Data tag : ristretto-toy , Norm tag: None",
    "#run:fill,ls,time,beamstatus,E(GeV),delivered(/pb),recorded(/pb),avgpu,source",
  ];
  let delivered = 0;
  let recorded = 0;
  const start = Date.UTC(2018, 4, 1) / 1000;
  for (let i = 0; i < sections.run.length; i++) {
    const value = sections.recorded[i];
    const deliveredValue = value === 0 ? 0.01 * (sections.recorded[i + 2] ?? 0) : value / 0.93;
    delivered += deliveredValue;
    recorded += value;
    const time = new Date((start + 23.31 * i) * 1000).toISOString().replace("T", " ").slice(0, 19);
    const cmsLs = value === 0 ? 0 : sections.luminosityBlock[i];
    lines.push(
      `${sections.run[i]}:${fill},${
        sections.luminosityBlock[i]
      }:${cmsLs},${time},STABLE BEAMS,6500,` +
        `${deliveredValue.toFixed(9)},${value.toFixed(9)},32.0,HFET`,
    );
  }
  lines.push("#Summary:");
  lines.push("#nfill,nrun,nls,ncms,totdelivered(/pb),totrecorded(/pb)");
  const runs = new Set(sections.run).size;
  lines.push(`#1,${runs},${sections.run.length},${sections.run.length},${delivered},${recorded}`);
  return lines.join("\n") + "\n";
}

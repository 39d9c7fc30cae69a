/**
 * Generates the example dataset the default analysis runs on: toy NanoAOD Parquet files for
 * Drell-Yan, ttbar, W+jets and pseudo-data, a PocketCoffea-style built-dataset JSON
 * (`<out>/datasets.json`), and the matching golden JSON, brilcalc luminosity CSV and a
 * luminosity summary (`<out>/lumi/`) for the pseudo-data, and toy correctionlib payloads
 * (`<out>/corrections/`: pileup, muon scale factors, JES and JER, with the 2018 UL POG files'
 * names and layout) with the parameter layers that point the CMS plugins at them.
 *
 *   deno run --allow-read --allow-write configs/generate.ts [--out DIR] [--scale X]
 *     [--files N] [--seed S] [--year YYYY] [--events sample=N,...]
 *
 * Event counts are small so the example runs in seconds; the cross sections are the real
 * 13 TeV ones, so xsec * lumi / sum(genWeight) gives realistic yields, and the pseudo-data
 * size fixes the luminosity: N(data) / sum(xsec) pb^-1.
 * @module
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  generateEvents,
  integratedLuminosity,
  LumiMask,
  type LumiSections,
  SIMULATED_PROCESSES,
  syntheticGoldenJson,
  syntheticLumiSections,
  toBrilcalcCsv,
  totalToyXsec,
  TOY_PROCESSES,
  toyCorrectionPayloads,
  toyPayloadBytes,
  type ToyProcess,
  writeSample,
} from "@ristretto/cms";
import { writeFileAtomic } from "@ristretto/core/store";

/** Default events per simulated sample. */
const DEFAULT_EVENTS: Record<Exclude<ToyProcess, "data">, number> = {
  dy_mumu: 200_000,
  dy_ee: 100_000,
  ttbar_semilep: 100_000,
  ttbar_dilep: 50_000,
  wjets: 100_000,
};

/** Built-dataset key label and PocketCoffea sample name of each process. */
const DATASETS: Record<ToyProcess, { label: string; sample: string; part?: string }> = {
  dy_mumu: { label: "DYJetsToMuMu_M-50", sample: "DYJetsToLL", part: "MuMu" },
  dy_ee: { label: "DYJetsToEE_M-50", sample: "DYJetsToLL", part: "EE" },
  ttbar_semilep: { label: "TTToSemiLeptonic", sample: "TTToSemiLeptonic" },
  ttbar_dilep: { label: "TTTo2L2Nu", sample: "TTTo2L2Nu" },
  wjets: { label: "WJetsToLNu", sample: "WJetsToLNu" },
  data: { label: "DATA_SingleMuon", sample: "DATA_SingleMuon" },
};

const USAGE = `Usage: deno task generate [options]
  --out DIR         output folder (default .cache/example-data)
  --scale X         multiply every sample size by X (default 1)
  --files N         files per sample (default 4)
  --seed S          base seed (default 20260101)
  --year YYYY       data-taking year (default 2018)
  --events LIST     sizes, e.g. dy_mumu=50000,wjets=20000 (data defaults to the MC total)
  --format F        root or parquet (default parquet)
  --help`;

/** Where the default example's data lives (inside the repository, ignored by git). */
export const EXAMPLE_DATA_DIR = fileURLToPath(new URL("../.cache/example-data", import.meta.url));
/** The built-dataset JSON of the default example. */
export const EXAMPLE_DATASETS = `${EXAMPLE_DATA_DIR}/datasets.json`;
/**
 * The parameter layer pointing correctionsDir at the toy payloads (absent from example data
 * written before the payloads existed: such data must be generated again).
 */
export const EXAMPLE_CORRECTIONS_PARAMS = `${EXAMPLE_DATA_DIR}/params_payloads.yaml`;

/** Options of {@link generateExampleData}. */
export interface ExampleDataOptions {
  /** Output folder (default: the example's folder). */
  out?: string;
  /** Multiply every sample size by this (default 1). */
  scale?: number;
  /** Files per sample (default 4). */
  files?: number;
  seed?: number;
  year?: string;
  /** Sizes per process, overriding the defaults. */
  events?: Partial<Record<ToyProcess, number>>;
  /** Print what was written (default true). */
  verbose?: boolean;
  /** File format of the samples (default parquet). */
  format?: "root" | "parquet";
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: EXAMPLE_DATA_DIR },
      scale: { type: "string", default: "1" },
      files: { type: "string", default: "4" },
      seed: { type: "string", default: "20260101" },
      year: { type: "string", default: "2018" },
      events: { type: "string", default: "" },
      format: { type: "string", default: "parquet" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const events: Partial<Record<ToyProcess, number>> = {};
  for (const item of values.events.split(",").filter((s) => s !== "")) {
    const [name, count] = item.split("=");
    if (!(name in DATASETS) || !(Number(count) >= 0)) {
      throw new Error(`Cannot generate: bad --events item "${item}"\n${USAGE}`);
    }
    events[name as ToyProcess] = Math.round(Number(count));
  }
  if (values.format !== "root" && values.format !== "parquet") {
    throw new Error(`Cannot generate: --format must be root or parquet\n${USAGE}`);
  }
  await generateExampleData({
    format: values.format,
    out: values.out,
    scale: Number(values.scale),
    files: Number(values.files),
    seed: Number(values.seed),
    year: values.year,
    events,
  });
}

/**
 * Writes the example's toy NanoAOD (Parquet), its built-dataset JSON, the pseudo-data's golden
 * JSON and brilcalc CSV, and `params.yaml` with the pseudo-data's luminosity (so MC normalised
 * by xsec * lumi / sum(genWeight) compares with the pseudo-data), and `params_lumimask.yaml` with
 * the certified luminosity and the golden JSON (`lumiMask`) for analyses that apply the mask,
 * the toy correction payloads in `corrections/` with `params_payloads.yaml` (correctionsDir:
 * always the toy payloads, as the default example uses) and `params_payloads_fallback.yaml`
 * (correctionsFallbackDir: the toy payloads only where correctionsDir lacks a file, so the CMS
 * payloads are used when present).
 */
export async function generateExampleData(options: ExampleDataOptions = {}): Promise<void> {
  const out = resolve(options.out ?? EXAMPLE_DATA_DIR);
  const scale = options.scale ?? 1;
  const filesPerSample = options.files ?? 4;
  const seed = options.seed ?? 20260101;
  const year = options.year ?? "2018";
  const log = options.verbose === false ? () => {} : console.log;
  if (
    !(scale > 0) || !(Number.isInteger(filesPerSample) && filesPerSample > 0) ||
    !Number.isFinite(seed)
  ) {
    throw new Error(`Cannot generate: bad scale, files or seed\n${USAGE}`);
  }
  const sizes = new Map<ToyProcess, number>();
  for (const name of SIMULATED_PROCESSES) sizes.set(name, Math.round(DEFAULT_EVENTS[name] * scale));
  for (const [name, count] of Object.entries(options.events ?? {})) {
    sizes.set(name as ToyProcess, count);
  }
  if (!sizes.has("data")) {
    let total = 0;
    for (const name of SIMULATED_PROCESSES) total += sizes.get(name)!;
    sizes.set("data", total);
  }

  // The pseudo-data luminosity: N events of the cross-section mix are N / sum(xsec) pb^-1.
  const dataEvents = sizes.get("data")!;
  const luminosity = dataEvents / totalToyXsec();
  const sections = syntheticLumiSections(luminosity, { year, seed });
  const golden = syntheticGoldenJson(sections, { seed });
  const csv = toBrilcalcCsv(sections);
  await Deno.mkdir(`${out}/lumi`, { recursive: true });
  await Deno.writeTextFile(`${out}/lumi/golden_${year}.json`, JSON.stringify(golden) + "\n");
  await Deno.writeTextFile(`${out}/lumi/brilcalc_byls_${year}.csv`, csv);
  const certified = integratedLuminosity(csv, { mask: LumiMask.fromObject(golden) });

  const built: Record<string, { metadata: Record<string, string>; files: string[] }> = {};
  const started = performance.now();
  let generated = 0;
  for (const [sampleIndex, process] of ([...SIMULATED_PROCESSES, "data"] as const).entries()) {
    const total = sizes.get(process)!;
    if (total === 0) continue;
    const dataset = DATASETS[process];
    const files: string[] = [];
    let size = 0;
    const split = process === "data"
      ? splitSections(sections, total, filesPerSample)
      : splitEvenly(total, filesPerSample).map((events) => ({ events, sections: undefined }));
    let firstEvent = 0;
    for (const [fileIndex, part] of split.entries()) {
      if (part.events === 0) continue;
      const columns = generateEvents(process, {
        events: part.events,
        seed: seed * 1000 + sampleIndex * 100 + fileIndex,
        year,
        firstEvent,
        lumiSections: part.sections,
      });
      const path = `${out}/${process}/${process}_${year}_${fileIndex}.${
        options.format ?? "parquet"
      }`;
      await writeSample(path, columns);
      size += (await Deno.stat(path)).size;
      files.push(path);
      firstEvent += part.events;
      generated += part.events;
    }
    const isMC = process !== "data";
    const key = isMC ? `${dataset.label}_${year}` : `${dataset.label}_${year}_EraA`;
    const metadata: Record<string, string> = {
      // PocketCoffea writes str(list): "['/A/B/NANOAODSIM']".
      das_names: `['${
        isMC ? TOY_PROCESSES[process].datasetName : `/Toy/Run${year}A-Ristretto-Toy/NANOAOD`
      }']`,
      sample: dataset.sample,
      year,
      isMC: isMC ? "True" : "False",
    };
    if (isMC) metadata.xsec = String(TOY_PROCESSES[process].xsec);
    else {
      metadata.era = "A";
      metadata.primaryDataset = "SingleMuon";
    }
    if (dataset.part) metadata.part = dataset.part;
    metadata.nevents = String(total);
    metadata.size = String(size);
    metadata.toy_process = process;
    built[key] = { metadata, files };
    log(`${key}: ${total} events in ${files.length} files`);
  }
  const seconds = (performance.now() - started) / 1000;
  // The numbers an analysis needs to normalise to the pseudo-data, in one place.
  const summary = {
    year,
    recorded_pb: luminosity,
    certified_pb: certified,
    golden_json: `${out}/lumi/golden_${year}.json`,
    brilcalc_csv: `${out}/lumi/brilcalc_byls_${year}.csv`,
    datasets: `${out}/datasets.json`,
  };
  await Deno.writeTextFile(`${out}/lumi/summary.json`, JSON.stringify(summary, null, 2) + "\n");
  // The analysis layers this on the shipped parameters: MC is normalised to the pseudo-data.
  await Deno.writeTextFile(
    `${out}/params.yaml`,
    `# Written by configs/generate.ts: the pseudo-data's recorded luminosity.\nlumi:\n  picobarn:\n    "${year}": ${luminosity}\n`,
  );
  // For analyses that apply the golden JSON ({use: lumimask}): MC is normalised to the
  // certified luminosity, and the cut reads the golden JSON (an absolute path).
  await Deno.writeTextFile(
    `${out}/params_lumimask.yaml`,
    `# Written by configs/generate.ts: the pseudo-data's certified luminosity and golden JSON.\n` +
      `lumi:\n  picobarn:\n    "${year}": ${certified}\n` +
      `lumiMask:\n  "${year}": ${JSON.stringify(`${out}/lumi/golden_${year}.json`)}\n`,
  );
  // Toy correction payloads, and the layers that point the CMS plugins at them.
  const corrections = `${out}/corrections`;
  await Deno.mkdir(corrections, { recursive: true });
  for (const payload of toyCorrectionPayloads(year)) {
    await writeFileAtomic(`${corrections}/${payload.file}`, await toyPayloadBytes(payload));
  }
  await Deno.writeTextFile(
    `${out}/params_payloads.yaml`,
    `# Written by configs/generate.ts: the toy correction payloads (pileup, muon scale factors,
` +
      `# JES, JER) beside the toy data, in place of the CMS ones.
` +
      `correctionsDir: ${JSON.stringify(corrections)}
`,
  );
  await Deno.writeTextFile(
    `${out}/params_payloads_fallback.yaml`,
    `# Written by configs/generate.ts: the toy correction payloads where correctionsDir (the CMS
` +
      `# payloads, see configs/params/defaults.yaml) has no such file.
` +
      `correctionsFallbackDir: ${JSON.stringify(corrections)}
`,
  );
  // Written last: its presence means the example data is complete.
  await Deno.writeTextFile(`${out}/datasets.json`, JSON.stringify(built, null, 2) + "\n");
  log(
    `wrote ${generated} events in ${seconds.toFixed(1)} s (${
      Math.round(generated / seconds)
    } events/s) to ${out}`,
  );
  log(
    `pseudo-data: ${luminosity.toFixed(4)} /pb recorded, ${certified.toFixed(4)} /pb certified ` +
      `(lumi/golden_${year}.json, lumi/brilcalc_byls_${year}.csv)`,
  );
}

/** `total` split into `parts` sizes differing by at most one. */
function splitEvenly(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor((total * (i + 1)) / parts) - Math.floor((total * i) / parts),
  );
}

/**
 * Contiguous blocks of lumi sections, one per file, with event counts in proportion to their
 * recorded luminosity (as real data files follow the data-taking order).
 */
function splitSections(
  sections: LumiSections,
  total: number,
  parts: number,
): { events: number; sections: LumiSections }[] {
  const n = sections.recorded.length;
  let luminosity = 0;
  for (let i = 0; i < n; i++) luminosity += sections.recorded[i];
  const result: { events: number; sections: LumiSections }[] = [];
  let begin = 0;
  let cumulative = 0;
  let assigned = 0;
  for (let part = 0; part < parts; part++) {
    let end = begin;
    const target = (luminosity * (part + 1)) / parts;
    let blockLuminosity = 0;
    while (end < n && (part === parts - 1 || cumulative + sections.recorded[end] <= target)) {
      cumulative += sections.recorded[end];
      blockLuminosity += sections.recorded[end];
      end++;
    }
    const events = part === parts - 1
      ? total - assigned
      : Math.round((total * cumulative) / luminosity) - assigned;
    assigned += events;
    result.push({
      events: blockLuminosity > 0 ? events : 0,
      sections: {
        run: sections.run.slice(begin, end),
        luminosityBlock: sections.luminosityBlock.slice(begin, end),
        recorded: sections.recorded.slice(begin, end),
      },
    });
    begin = end;
  }
  return result;
}

if (import.meta.main) await main();

/**
 * A synthetic run output for tests and the benchmark: smooth falling spectra for a few MC
 * samples with weight and shape variations, Poisson-fluctuated pseudo-data, a cutflow and the
 * metadata, as `run` writes them. Deterministic (a fixed LCG), so renders can be compared.
 * @module
 */
import { join } from "node:path";
import { Hist, regular, strCategory, stringifyUHI, toUHI } from "@ristretto/core/hist";
import type { CutflowJson, RunMetadata, RunOutput } from "./model.ts";

/** Options of {@link syntheticOutput}. */
export interface SyntheticOptions {
  histograms?: number;
  categories?: number;
  years?: readonly string[];
  bins?: number;
}

const SAMPLES = [
  { sample: "DYJetsToLL", fraction: 0.6, slope: 0.05 },
  { sample: "TTToSemiLeptonic", fraction: 0.25, slope: 0.02 },
  { sample: "WJetsToLNu", fraction: 0.15, slope: 0.035 },
];

/** A run output in memory (see {@link writeSyntheticOutput} for the folder). */
export function syntheticOutput(options: SyntheticOptions = {}): RunOutput {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const poisson = (mean: number) => {
    // Normal approximation above 30, exact inversion below: enough for pseudo-data.
    if (mean > 30) {
      const u = Math.max(random(), 1e-12);
      const v = random();
      return Math.max(
        0,
        Math.round(
          mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v),
        ),
      );
    }
    let k = 0;
    let p = Math.exp(-mean);
    let s = p;
    const u = random();
    while (u > s && k < 1000) {
      k++;
      p *= mean / k;
      s += p;
    }
    return k;
  };
  const years = options.years ?? ["2018"];
  const categories = Array.from({ length: options.categories ?? 2 }, (_, i) => `cat${i}`);
  const nbins = options.bins ?? 20;
  const histograms = new Map<string, Record<string, Hist>>();
  const datasets: RunMetadata["datasets"][number][] = [];
  const cutflow: CutflowJson = {};
  const variations = ["nominal", "wtUp", "wtDown", "JESUp", "JESDown"];
  for (const year of years) {
    for (const s of SAMPLES) {
      datasets.push({ name: `${s.sample}_${year}`, sample: s.sample, year, isMC: true });
    }
    datasets.push({ name: `DATA_${year}`, sample: "DATA", year, isMC: false });
  }
  for (let h = 0; h < (options.histograms ?? 2); h++) {
    const name = `var${h}`;
    const entries: Record<string, Hist> = {};
    const expected = new Map<string, Float64Array>(); // per category+year: total MC nominal
    for (const d of datasets) {
      const hist = new Hist([
        strCategory("cat", categories),
        strCategory("variation", d.isMC ? variations : ["nominal"]),
        regular(name, { bins: nbins, start: 0, stop: 200, label: `p_T^{(${h})} [GeV]` }),
      ]);
      const s = SAMPLES.find((x) => x.sample === d.sample);
      const values = hist.storageArray("values");
      const variances = hist.storageArray("variances");
      const extent = nbins + 2;
      categories.forEach((_, c) => {
        const key = `${c}|${d.year}`;
        const total = expected.get(key) ?? new Float64Array(extent);
        expected.set(key, total);
        for (let v = 0; v < (d.isMC ? variations.length : 1); v++) {
          const offset = (c * (d.isMC ? variations.length : 1) + v) * extent;
          for (let b = 0; b < extent; b++) {
            const x = (b - 0.5) * (200 / nbins);
            if (s) {
              const shift = variations[v] === "JESUp"
                ? 1.04
                : variations[v] === "JESDown"
                ? 0.97
                : 1;
              const weight = variations[v] === "wtUp"
                ? 1.05
                : variations[v] === "wtDown"
                ? 0.96
                : 1;
              const mean = b === 0 ? 0 : 20000 * (c + 1) * s.fraction * s.slope *
                Math.exp(-s.slope * Math.max(0, x) / shift) * weight;
              values[offset + b] = mean;
              variances[offset + b] = mean * 0.01;
              if (v === 0) total[b] += mean;
            } else {
              const n = poisson(total[b]);
              values[offset + b] = n;
              variances[offset + b] = n;
            }
          }
        }
      });
      hist.metadata = {
        name,
        sample: d.sample,
        dataset: d.name,
        year: d.year,
        isMC: d.isMC,
        scale: 1,
      };
      entries[`${d.sample}/${d.name}`] = hist;
    }
    histograms.set(name, entries);
  }
  for (const d of datasets) {
    const steps: Record<string, { events: number; sumw: number; sumw_scaled: number }> = {};
    ["initial", "skim", "presel", ...categories].forEach((step, i) => {
      const events = Math.round(100000 / (i + 1));
      steps[step] = { events, sumw: events, sumw_scaled: events * (d.isMC ? 0.3 : 1) };
    });
    cutflow[d.name] = { [d.sample]: { nominal: steps } };
  }
  return {
    dir: "",
    histograms,
    cutflow,
    metadata: { config: "synthetic", datasets },
  };
}

/** Writes {@link syntheticOutput} as a run's output folder (histograms/, cutflow.json, metadata.json). */
export async function writeSyntheticOutput(
  dir: string,
  options: SyntheticOptions = {},
): Promise<void> {
  const output = syntheticOutput(options);
  await Deno.mkdir(join(dir, "histograms"), { recursive: true });
  for (const [name, entries] of output.histograms) {
    await Deno.writeTextFile(
      join(dir, "histograms", `${name}.json`),
      stringifyUHI(toUHI(entries)) + "\n",
    );
  }
  await Deno.writeTextFile(join(dir, "cutflow.json"), JSON.stringify(output.cutflow));
  await Deno.writeTextFile(join(dir, "metadata.json"), JSON.stringify(output.metadata));
}

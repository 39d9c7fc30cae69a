/**
 * What processing one work item produces, and how results are merged. Everything here is
 * additive (sums of weights, histogram bins, concatenated columns), so the merged result does
 * not depend on how the work was split - only on the merge order, which is fixed by key.
 * @module
 */
import type { Column } from "../columns/types.ts";
import type { Hist } from "../hist/hist.ts";
import { histFromUHI, histToUHI } from "../hist/uhi.ts";

/** Events and sum of weights passing one step of the cutflow. */
export interface CutflowEntry {
  events: number;
  sumw: number;
}

/** Cutflow of one sample: per variation, per step (initial, skim, presel, categories). */
export type SampleCutflow = Record<string, Record<string, CutflowEntry>>;

/** Per-sample results (a subsample counts as a sample: `TTbar__ttB`). */
export interface SampleOutput {
  cutflow: SampleCutflow;
  histograms: Record<string, Hist>;
  /** export name -> category -> field -> values (event-level exports: flat arrays). */
  columns: Record<string, Record<string, Record<string, Column>>>;
}

/** The result of one work item (or of several merged) for one dataset. */
export interface DatasetOutput {
  dataset: string;
  /** Events before any cut. */
  events: number;
  /** Sum of genWeight before any cut (MC); the number of events for data. */
  sumGenWeight: number;
  samples: Record<string, SampleOutput>;
}

/** Adds `from` into `into` (same dataset). Histograms add bin by bin; columns concatenate. */
export function mergeDatasetOutput(into: DatasetOutput, from: DatasetOutput): DatasetOutput {
  if (into.dataset !== from.dataset) {
    throw new RangeError(`Cannot merge outputs of "${into.dataset}" and "${from.dataset}"`);
  }
  into.events += from.events;
  into.sumGenWeight += from.sumGenWeight;
  for (const [sample, output] of Object.entries(from.samples)) {
    const target = into.samples[sample];
    if (!target) {
      into.samples[sample] = output;
      continue;
    }
    for (const [variation, steps] of Object.entries(output.cutflow)) {
      const targetSteps = target.cutflow[variation] ??= {};
      for (const [step, entry] of Object.entries(steps)) {
        const t = targetSteps[step] ??= { events: 0, sumw: 0 };
        t.events += entry.events;
        t.sumw += entry.sumw;
      }
    }
    for (const [name, hist] of Object.entries(output.histograms)) {
      if (target.histograms[name]) target.histograms[name].add(hist);
      else target.histograms[name] = hist;
    }
    for (const [name, byCategory] of Object.entries(output.columns)) {
      const targetExport = target.columns[name] ??= {};
      for (const [category, fields] of Object.entries(byCategory)) {
        const existing = targetExport[category];
        if (!existing) {
          targetExport[category] = fields;
          continue;
        }
        for (const [field, values] of Object.entries(fields)) {
          existing[field] = concatenate(existing[field], values);
        }
      }
    }
  }
  return into;
}

function concatenate(a: Column, b: Column): Column {
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) {
    throw new RangeError("Cannot concatenate jagged exported columns");
  }
  const joined = new (a.constructor as Float64ArrayConstructor)(a.length + b.length);
  joined.set(a as Float64Array, 0);
  joined.set(b as Float64Array, a.length);
  return joined;
}

/** A JSON-safe form of a DatasetOutput (histograms as UHI, columns as number lists). */
export function datasetOutputToJSON(output: DatasetOutput): unknown {
  const samples: Record<string, unknown> = {};
  for (const [sample, result] of Object.entries(output.samples)) {
    const histograms: Record<string, unknown> = {};
    for (const [name, hist] of Object.entries(result.histograms)) {
      histograms[name] = histToUHI(hist);
    }
    const columns: Record<
      string,
      Record<string, Record<string, { type: string; values: number[] }>>
    > = {};
    for (const [name, byCategory] of Object.entries(result.columns)) {
      columns[name] = {};
      for (const [category, fields] of Object.entries(byCategory)) {
        columns[name][category] = {};
        for (const [field, values] of Object.entries(fields)) {
          const array = values as Float64Array;
          columns[name][category][field] = {
            type: array.constructor.name,
            values: Array.from(array),
          };
        }
      }
    }
    samples[sample] = { cutflow: result.cutflow, histograms, columns };
  }
  return {
    dataset: output.dataset,
    events: output.events,
    sumGenWeight: output.sumGenWeight,
    samples,
  };
}

/** Inverse of datasetOutputToJSON. */
export function datasetOutputFromJSON(json: unknown): DatasetOutput {
  const value = json as {
    dataset: string;
    events: number;
    sumGenWeight: number;
    samples: Record<
      string,
      {
        cutflow: SampleCutflow;
        histograms: Record<string, unknown>;
        columns: Record<string, Record<string, Record<string, { type: string; values: number[] }>>>;
      }
    >;
  };
  const samples: Record<string, SampleOutput> = {};
  for (const [sample, result] of Object.entries(value.samples)) {
    const histograms: Record<string, Hist> = {};
    for (const [name, hist] of Object.entries(result.histograms)) {
      histograms[name] = histFromUHI(hist);
    }
    const columns: SampleOutput["columns"] = {};
    for (const [name, byCategory] of Object.entries(result.columns)) {
      columns[name] = {};
      for (const [category, fields] of Object.entries(byCategory)) {
        columns[name][category] = {};
        for (const [field, { values }] of Object.entries(fields)) {
          columns[name][category][field] = Float64Array.from(values);
        }
      }
    }
    samples[sample] = { cutflow: result.cutflow, histograms, columns };
  }
  return {
    dataset: value.dataset,
    events: value.events,
    sumGenWeight: value.sumGenWeight,
    samples,
  };
}

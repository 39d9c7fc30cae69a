/**
 * The output folder of a run:
 *
 * ```
 * histograms/<name>.json   UHI JSON; one entry per "<sample>/<dataset>", normalised
 * cutflow.json             per dataset, sample, variation and step: events, sumw, sumw_scaled
 * sumw.json                per dataset: events and sum of genWeight before any cut, scale
 * metadata.json            config name and hash, tool version, datasets, timing, failures
 * columns/<export>/<sample>/<dataset>__<category>.<ext>   exported columns
 * ```
 *
 * Every file is written atomically.
 * @module
 */
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Column } from "../columns/types.ts";
import type { Hist } from "../hist/hist.ts";
import { stringifyUHI, toUHI } from "../hist/uhi.ts";
import type { Registry } from "../plugin/registry.ts";
import type { ColumnsWriter } from "../plugin/types.ts";
import { writeFileAtomic } from "../store/atomic_write.ts";
import type { AnalysisResult } from "./run_analysis.ts";

/** The Ristretto version written into outputs. */
export const TOOL_VERSION = "0.1.0";

/** Extra facts for metadata.json. */
export interface OutputInfo {
  readonly configName: string;
  readonly configHash: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/** Writes every output of a run under `folder`; returns the files written (relative). */
export async function writeOutputs(
  folder: string,
  result: AnalysisResult,
  options: { registry: Registry; info: OutputInfo },
): Promise<string[]> {
  const written: string[] = [];
  const write = async (relative: string, data: string | Uint8Array) => {
    await writeFileAtomic(join(folder, relative), data);
    written.push(relative);
  };
  const byName = new Map(result.datasets.map((dataset) => [dataset.name, dataset]));

  const histograms = new Map<string, Record<string, Hist>>();
  const cutflow: Record<string, unknown> = {};
  const sumw: Record<string, unknown> = {};
  for (const [name, output] of [...result.outputs].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    const dataset = byName.get(name)!;
    const scale = result.scales.get(name) ?? 1;
    sumw[name] = { events: output.events, sumGenWeight: output.sumGenWeight, scale };
    const samples: Record<string, unknown> = {};
    for (const [sample, sampleOutput] of Object.entries(output.samples)) {
      const variations: Record<string, unknown> = {};
      for (const [variation, steps] of Object.entries(sampleOutput.cutflow)) {
        const withScaled: Record<string, unknown> = {};
        for (const [step, entry] of Object.entries(steps)) {
          withScaled[step] = { ...entry, sumw_scaled: entry.sumw * scale };
        }
        variations[variation] = withScaled;
      }
      samples[sample] = variations;
      for (const [histogram, hist] of Object.entries(sampleOutput.histograms)) {
        const scaled = hist.copy().scale(scale);
        scaled.metadata = {
          ...(hist.metadata ?? {}),
          sample,
          dataset: name,
          year: dataset.year,
          isMC: dataset.isMC,
          scale,
        };
        const entries = histograms.get(histogram) ?? {};
        entries[`${sample}/${name}`] = scaled;
        histograms.set(histogram, entries);
      }
      for (const [exportName, byCategory] of Object.entries(sampleOutput.columns)) {
        const writer = options.registry.all<ColumnsWriter>("columns-writer")[0];
        if (!writer) continue;
        for (const [category, fields] of Object.entries(byCategory)) {
          const relative = join(
            "columns",
            exportName,
            sample,
            `${name}__${category}.${writer.extension}`,
          );
          await mkdir(dirname(join(folder, relative)), { recursive: true });
          await writer.write(
            join(folder, relative),
            new Map<string, Column>(Object.entries(fields)),
          );
          written.push(relative);
        }
      }
    }
    cutflow[name] = samples;
  }
  for (const [name, entries] of [...histograms].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    await write(join("histograms", `${name}.json`), stringifyUHI(toUHI(entries)) + "\n");
  }
  await write("cutflow.json", JSON.stringify(cutflow, null, 1) + "\n");
  await write("sumw.json", JSON.stringify(sumw, null, 1) + "\n");
  const info = options.info;
  await write(
    "metadata.json",
    JSON.stringify(
      {
        tool: "ristretto",
        toolVersion: TOOL_VERSION,
        config: info.configName,
        configHash: info.configHash,
        plugins: result.plugins,
        datasets: result.datasets.map((dataset) => ({
          name: dataset.name,
          sample: dataset.sample,
          year: dataset.year,
          isMC: dataset.isMC,
          xsec: dataset.xsec,
          files: dataset.files.length,
        })),
        workItems: result.items.length,
        events: result.events,
        failed: result.failed,
        partial: result.failed.length > 0,
        skipped: result.skipped,
        computed: result.computed,
        reused: result.reused,
        stages: result.stageKeys,
        startedAt: info.startedAt.toISOString(),
        finishedAt: info.finishedAt.toISOString(),
        seconds: (info.finishedAt.getTime() - info.startedAt.getTime()) / 1000,
      },
      null,
      1,
    ) + "\n",
  );
  return written;
}

/**
 * The cutflow table printed at the end of a run: one row per sample (datasets of a sample
 * added), events after each step, then the normalised yield per category.
 */
export function cutflowTable(result: AnalysisResult): string {
  const steps = ["initial", "skim", "presel", ...result.plan.categories.map((c) => c.name)];
  const rows = new Map<string, number[]>();
  const yields = new Map<string, number[]>();
  for (const [name, output] of result.outputs) {
    const scale = result.scales.get(name) ?? 1;
    for (const [sample, sampleOutput] of Object.entries(output.samples)) {
      const nominal = sampleOutput.cutflow.nominal ?? {};
      const row = rows.get(sample) ?? steps.map(() => 0);
      const scaled = yields.get(sample) ?? steps.map(() => 0);
      steps.forEach((step, i) => {
        row[i] += nominal[step]?.events ?? 0;
        scaled[i] += (nominal[step]?.sumw ?? 0) * scale;
      });
      rows.set(sample, row);
      yields.set(sample, scaled);
    }
  }
  const header = ["sample", ...steps];
  const body = [...rows.keys()].sort().map((sample) => [
    sample,
    ...rows.get(sample)!.map((n) => String(n)),
  ]);
  const yieldHeader = ["yield (normalised)", ...steps.slice(3)];
  const yieldBody = [...yields.keys()].sort().map((sample) => [
    sample,
    ...yields.get(sample)!.slice(3).map((y) => y.toPrecision(6)),
  ]);
  return formatTable(header, body) + "\n\n" + formatTable(yieldHeader, yieldBody);
}

function formatTable(header: string[], body: string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...body.map((row) => row[i].length))
  );
  const line = (cells: string[]) =>
    cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/**
 * Combine datacards: one text card per channel, with its shapes beside it as a ROOT file of
 * TH1Ds (`<channel>_shapes.root`: data_obs, `<process>`, `<process>_<systematic>Up/Down`,
 * written with the ROOT histogram writer of plugins/root), and the same histograms as UHI JSON
 * (`<channel>_shapes.json`) for Python's `hist` and for checks without ROOT.
 * @module
 */
import { join } from "node:path";
import { Hist, stringifyUHI, toUHI, variable } from "@ristretto/core/hist";
import { type HistData, writeHistogramFile } from "@ristretto/root";
import type { StatsConfig } from "./config.ts";
import type { ChannelTemplates } from "./templates.ts";
import { lnNFactors } from "./workspace.ts";

/** One datacard in memory. */
export interface Datacard {
  readonly channel: string;
  /** The card text. */
  readonly text: string;
  /** Shapes file name (ROOT, relative to the card). */
  readonly shapesFile: string;
  /** Shapes: histogram name -> 1D histogram. */
  readonly shapes: Readonly<Record<string, Hist>>;
}

function number(value: number): string {
  // Enough digits that the rates read back equal the integrals to ~1e-12.
  return Number.isInteger(value) ? String(value) : value.toPrecision(12).replace(/\.?0+$/, "");
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd())
    .join("\n");
}

function shapeHist(edges: Float64Array, values: Float64Array, variances?: Float64Array): Hist {
  const axis = variable("x", [...edges], { underflow: false, overflow: false });
  return Hist.fromArrays([axis], {
    arrays: {
      values: Float64Array.from(values),
      variances: Float64Array.from(variances ?? values.map(() => 0)),
    },
  });
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

/**
 * The datacard of one channel: signals get process indices <= 0, backgrounds > 0; lnN rows
 * carry kappa or kappaDown/kappaUp; shape rows 1 where the process has the variation;
 * `autoMCStats` when MC statistics are enabled; `lumi` as an lnN row.
 */
export function buildDatacard(config: StatsConfig, channel: ChannelTemplates): Datacard {
  const bin = channel.name;
  const shapesFile = `${bin}_shapes.root`;
  const signals = channel.processes.filter((p) => p.signal);
  const backgrounds = channel.processes.filter((p) => !p.signal);
  const ordered = [...signals, ...backgrounds];
  const indices = ordered.map((p, i) => (p.signal ? -i : i - signals.length + 1));
  const rows: string[][] = [];
  if (config.lumi) {
    const kappa = number(1 + config.lumi.uncertainty);
    rows.push(["lumi", "lnN", ...ordered.map(() => kappa)]);
  }
  for (const systematic of config.systematics) {
    if (systematic.channels && !systematic.channels.includes(bin)) continue;
    if (systematic.type === "lnN") {
      const cells = ordered.map((p) => {
        const value = systematic.processes[p.name];
        if (value === undefined) return "-";
        const { hi, lo } = lnNFactors(value);
        return typeof value === "number" ? number(hi) : `${number(lo)}/${number(hi)}`;
      });
      if (cells.some((c) => c !== "-")) rows.push([systematic.name, "lnN", ...cells]);
    } else {
      const cells = ordered.map((p) => (p.variations.has(systematic.name) ? "1" : "-"));
      if (cells.some((c) => c !== "-")) rows.push([systematic.name, "shape", ...cells]);
    }
  }
  const shapes: Record<string, Hist> = {
    data_obs: shapeHist(channel.edges, channel.data, channel.data),
  };
  for (const process of ordered) {
    shapes[process.name] = shapeHist(channel.edges, process.nominal, process.variances);
    for (const [name, variation] of process.variations) {
      shapes[`${process.name}_${name}Up`] = shapeHist(channel.edges, variation.up);
      shapes[`${process.name}_${name}Down`] = shapeHist(channel.edges, variation.down);
    }
  }
  const rule = "-".repeat(80);
  const lines = [
    `# Combine datacard written by Ristretto: model "${config.name}", channel "${bin}"`,
    `# observable: ${channel.histogram} in category ${channel.category}, ${
      channel.edges.length - 1
    } bins; data: ${channel.asimov ? "Asimov (sum of the processes at mu = 1)" : "observed"}`,
    `# shapes: ${shapesFile} (TH1D); the same histograms as UHI JSON in ${bin}_shapes.json`,
    `imax 1 number of channels`,
    `jmax ${ordered.length - 1} number of processes minus 1`,
    `kmax ${rows.length} number of nuisance parameters`,
    rule,
    `shapes * ${bin} ${shapesFile} $PROCESS $PROCESS_$SYSTEMATIC`,
    rule,
    `bin ${bin}`,
    `observation ${number(sum(channel.data))}`,
    rule,
    table([
      ["bin", "", ...ordered.map(() => bin)],
      ["process", "", ...ordered.map((p) => p.name)],
      ["process", "", ...indices.map(String)],
      ["rate", "", ...ordered.map((p) => number(sum(p.nominal)))],
    ]),
    rule,
    ...(rows.length ? [table(rows)] : []),
  ];
  if (config.mcStats.enabled) lines.push(`${bin} autoMCStats ${number(config.mcStats.threshold)}`);
  return { channel: bin, text: lines.join("\n") + "\n", shapesFile, shapes };
}

/** A 1D shape as the ROOT writer takes it (empty flow bins). */
function rootShape(hist: Hist, label: string): HistData {
  const values = hist.values();
  const variances = hist.variances();
  const withFlow = (array: Float64Array) => {
    const out = new Float64Array(array.length + 2);
    out.set(array, 1);
    return out;
  };
  const axis = hist.axes[0];
  return {
    edges: [axis.edges()],
    values: withFlow(values),
    variances: withFlow(variances),
    labels: [label],
  };
}

/** Options of {@link writeDatacards}. */
export interface WriteDatacardsOptions {
  /** The folder to write into (created when missing). */
  dir: string;
}

/**
 * Writes, per channel, the datacard `<channel>.txt`, its shapes `<channel>_shapes.root`
 * (TH1Ds) and `<channel>_shapes.json` (UHI) into `options.dir`; returns the paths written.
 */
export async function writeDatacards(
  config: StatsConfig,
  templates: readonly ChannelTemplates[],
  options: WriteDatacardsOptions,
): Promise<string[]> {
  const dir = options.dir;
  await Deno.mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const channel of templates) {
    const card = buildDatacard(config, channel);
    const cardPath = join(dir, `${card.channel}.txt`);
    const rootPath = join(dir, card.shapesFile);
    const jsonPath = join(dir, `${card.channel}_shapes.json`);
    await writeHistogramFile(
      rootPath,
      Object.entries(card.shapes).map(([name, hist]) => ({
        path: name,
        hist: rootShape(hist, channel.label),
      })),
    );
    await Deno.writeTextFile(jsonPath, stringifyUHI(toUHI(card.shapes)) + "\n");
    await Deno.writeTextFile(cardPath, card.text);
    written.push(cardPath, rootPath, jsonPath);
  }
  return written;
}

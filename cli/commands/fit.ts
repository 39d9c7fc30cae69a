/**
 * The statistics commands over an analysis output and a stats model (YAML):
 * - `fit`: maximum-likelihood fit of the signal strength; prints the result table and writes
 *   `<stats-dir>/fit.json`, and with `--scan` the profile-likelihood scan as `scan.json` and
 *   `scan.svg`;
 * - `datacards`: one Combine datacard per channel with its shapes as TH1Ds in a ROOT file (and
 *   the same as UHI JSON) in `<stats-dir>/datacards/`;
 * - `workspace`: the HistFactory (pyhf) JSON workspace (`<stats-dir>/workspace.json`).
 * `<stats-dir>` defaults to `<output>/stats`.
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { InputError } from "@ristretto/core/errors";
import {
  asimovData,
  compileModel,
  type FitReport,
  fitReport,
  formatFitReport,
  parseScan,
  prepareModel,
  type PyhfWorkspace,
  scanSvg,
  writeDatacards,
} from "@ristretto/stats";

/** The example's stats model, relative to the repository. */
export const DEFAULT_STATS_MODEL = fileURLToPath(
  new URL("../../configs/example/stats.yaml", import.meta.url),
);

/** Flags of `fit`. */
export interface FitFlags {
  output?: string;
  model: string;
  pyhf?: string;
  scan?: number[];
  asimov?: boolean;
  statsDir?: string;
  quiet?: boolean;
}

function statsDir(flags: { output?: string; statsDir?: string; pyhf?: string }): string {
  if (flags.statsDir) return resolve(flags.statsDir);
  if (flags.output) return join(resolve(flags.output), "stats");
  if (flags.pyhf) return join(dirname(resolve(flags.pyhf)), `${basename(flags.pyhf, ".json")}_fit`);
  throw new InputError("STATS_NO_OUTPUT", "Cannot fit: give --output DIR (or --pyhf FILE)");
}

/** Runs `fit`; returns the report (tests call this directly). */
export async function fitCommandAction(flags: FitFlags): Promise<FitReport> {
  let model;
  if (flags.pyhf) {
    let workspace: PyhfWorkspace;
    try {
      workspace = JSON.parse(await Deno.readTextFile(resolve(flags.pyhf)));
    } catch (error) {
      throw new InputError(
        "STATS_BAD_WORKSPACE",
        `Cannot read workspace "${flags.pyhf}": ${error}`,
      );
    }
    model = compileModel(workspace);
  } else {
    if (!flags.output) {
      throw new InputError("STATS_NO_OUTPUT", "Cannot fit: give --output DIR (or --pyhf FILE)");
    }
    model = (await prepareModel(resolve(flags.output), resolve(flags.model))).model;
  }
  const data = flags.asimov ? asimovData(model, { poi: 1 }) : model.observed;
  const report = fitReport(model, data, { scan: flags.scan });
  const dir = statsDir(flags);
  await Deno.mkdir(dir, { recursive: true });
  const { scan, ...summary } = report;
  await Deno.writeTextFile(
    join(dir, "fit.json"),
    JSON.stringify({ ...summary, data: flags.asimov ? "asimov" : "observed" }, null, 2) + "\n",
  );
  if (scan) {
    await Deno.writeTextFile(
      join(dir, "scan.json"),
      JSON.stringify(
        {
          poi: report.poi,
          poiHat: report.poiHat,
          interval: report.interval,
          nll: report.nll,
          points: scan,
        },
        null,
        2,
      ) + "\n",
    );
    await Deno.writeTextFile(join(dir, "scan.svg"), scanSvg(scan, { poi: report.poi }));
  }
  if (!flags.quiet) {
    console.log(formatFitReport(report));
    console.log(`\nwritten: ${join(dir, "fit.json")}${scan ? ", scan.json, scan.svg" : ""}`);
  }
  return report;
}

function scanOption(value: string): number[] {
  try {
    return parseScan(value);
  } catch (error) {
    throw new InputError("STATS_BAD_SCAN", `Cannot scan: ${(error as Error).message}`);
  }
}

/** The commander definitions of `fit`, `datacards` and `workspace`. */
export function statsCommands(): Command[] {
  const fit = new Command("fit")
    .description("Fit the signal strength of a stats model to an analysis output")
    .option("-o, --output <dir>", "output folder written by run (histograms/ inside)")
    .option("-m, --model <file>", "stats model (YAML)", DEFAULT_STATS_MODEL)
    .option("--pyhf <file>", "fit a HistFactory (pyhf) JSON workspace instead of a stats model")
    .option(
      "--scan <low:high:points>",
      "profile-likelihood scan of the POI, e.g. 0:2:41",
      scanOption,
    )
    .option("--asimov", "fit the Asimov dataset at POI = 1 (nominal nuisances) instead of the data")
    .option("--stats-dir <dir>", "where to write fit.json/scan.* (default <output>/stats)")
    .option("-q, --quiet", "print nothing")
    .action(async (flags: FitFlags) => {
      await fitCommandAction(flags);
    });
  const datacards = new Command("datacards")
    .description(
      "Write one Combine datacard per channel with its shapes (ROOT TH1Ds, and UHI JSON)",
    )
    .requiredOption("-o, --output <dir>", "output folder written by run")
    .option("-m, --model <file>", "stats model (YAML)", DEFAULT_STATS_MODEL)
    .option("--stats-dir <dir>", "default <output>/stats; cards go to <stats-dir>/datacards")
    .option("-q, --quiet", "print nothing")
    .action(
      async (flags: { output: string; model: string; statsDir?: string; quiet?: boolean }) => {
        const prepared = await prepareModel(resolve(flags.output), resolve(flags.model));
        const dir = join(statsDir(flags), "datacards");
        const written = await writeDatacards(prepared.config, prepared.templates, { dir });
        if (!flags.quiet) console.log(`${written.length} files written under ${dir}`);
      },
    );
  const workspace = new Command("workspace")
    .description("Write the HistFactory (pyhf) JSON workspace of a stats model")
    .requiredOption("-o, --output <dir>", "output folder written by run")
    .option("-m, --model <file>", "stats model (YAML)", DEFAULT_STATS_MODEL)
    .option("--stats-dir <dir>", "default <output>/stats")
    .option("-q, --quiet", "print nothing")
    .action(
      async (flags: { output: string; model: string; statsDir?: string; quiet?: boolean }) => {
        const prepared = await prepareModel(resolve(flags.output), resolve(flags.model));
        const dir = statsDir(flags);
        await Deno.mkdir(dir, { recursive: true });
        const path = join(dir, "workspace.json");
        await Deno.writeTextFile(path, JSON.stringify(prepared.workspace, null, 1) + "\n");
        if (!flags.quiet) console.log(`written: ${path}`);
      },
    );
  return [fit, datacards, workspace];
}

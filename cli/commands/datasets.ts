/**
 * `ristretto datasets`: build and check datasets.
 *   datasets build DEFINITION [--output DIR] [--filter-samples a,b] [--filter-years 2018]
 *                  [--redirector root://...] [--allowlist-sites T2_A,T2_B] [--blocklist-sites ..]
 *                  [--regex-sites RE] [--dasgoclient PATH] [--rucio PATH] [--no-count]
 *       writes the built JSON (PocketCoffea's layout) of a definition file
 *   datasets check BUILT.json [--tree Events] [--json]
 *       opens every file through the byte sources and readers, counts entries; exit 2 when a
 *       file is unreachable or the entries differ from metadata.nevents
 * @module
 */
import { Command } from "commander";
import { RistrettoError } from "@ristretto/core/errors";
import type { DatasetSource, Registry } from "@ristretto/core/plugin";
import { openDataFile } from "@ristretto/core/processor";
import {
  buildDatasets,
  checkBuiltDatasets,
  dasSource,
  readDefinition,
  rucioSource,
  writeBuiltDatasets,
} from "@ristretto/datasets";
import { builtinRegistry } from "../builtins.ts";

/** Options of {@link datasetsCommand}. */
export interface DatasetsCommandOptions {
  /** Where output lines go (default console.log); tests capture it. */
  readonly write?: (text: string) => void;
  /** The registry (default: the built-in plugins). */
  readonly registry?: () => Registry;
}

const _list = (value: string) => value.split(",").map((s) => s.trim()).filter((s) => s);

/** Builds the `datasets` command and its subcommands. */
export function datasetsCommand(options: DatasetsCommandOptions = {}): Command {
  const write = options.write ?? ((text: string) => console.log(text));
  const registry = options.registry ?? builtinRegistry;
  const command = new Command("datasets")
    .description("Build dataset files from definitions (DAS, Rucio, local, HTTP) and check them");

  command.command("build")
    .description("Build PocketCoffea-layout dataset JSON from a definition file (JSON or YAML)")
    .argument("<definition>", "dataset definition file")
    .option("--output <dir>", "write the built files here (default: each json_output)")
    .option("--filter-samples <list>", "only these samples (comma-separated)", _list)
    .option("--filter-years <list>", "only these years (comma-separated)", _list)
    .option("--redirector <url>", "XRootD redirector for DAS files (no Rucio lookup)")
    .option("--allowlist-sites <list>", "Rucio: only these sites, in preference order", _list)
    .option("--blocklist-sites <list>", "Rucio: never these sites", _list)
    .option("--regex-sites <regex>", "Rucio: only sites matching this regular expression")
    .option("--dasgoclient <path>", "the dasgoclient executable (default: on PATH)")
    .option("--rucio <path>", "the rucio executable (default: on PATH)")
    .option("--no-count", "do not open local/HTTP files to count their events")
    .action(async (definitionFile: string, flags: Record<string, unknown>) => {
      const plugins = registry();
      const openFile = (url: string) => openDataFile(plugins, url);
      let sources = plugins.all<DatasetSource>("dataset-source");
      const replace = (source: DatasetSource) =>
        sources = [...sources.filter((s) => s.name !== source.name), source];
      if (typeof flags.dasgoclient === "string") {
        replace(dasSource({ executable: flags.dasgoclient }));
      }
      if (typeof flags.rucio === "string") replace(rucioSource({ executable: flags.rucio }));
      const definition = await readDefinition(definitionFile);
      const result = await buildDatasets(definition, {
        sources,
        filterSamples: flags.filterSamples as string[] | undefined,
        filterYears: flags.filterYears as string[] | undefined,
        redirector: flags.redirector as string | undefined,
        sites: {
          allow: flags.allowlistSites as string[] | undefined,
          block: flags.blocklistSites as string[] | undefined,
          regex: flags.regexSites as string | undefined,
        },
        countEvents: flags.count === false ? undefined : async (url) => {
          const opened = await openFile(url);
          try {
            return opened.entries(opened.trees().includes("Events") ? "Events" : opened.trees()[0]);
          } finally {
            await opened.close();
          }
        },
        onProgress: (message) => write(message),
      });
      const written = await writeBuiltDatasets(result, {
        outputDir: flags.output as string | undefined,
      });
      // writeBuiltDatasets writes the outputs in their order: pair each path with its datasets.
      const counts = [...result.outputs.values()].map((layout) => Object.keys(layout).length);
      written.forEach((path, i) => write(`wrote ${path} (${counts[i]} datasets)`));
      if (written.length === 0) write("no dataset passed the filters: nothing written");
    });

  command.command("check")
    .description("Open every file of a built dataset JSON and count its entries")
    .argument("<built>", "built dataset JSON")
    .option("--tree <name>", "tree whose entries are counted", "Events")
    .option("--json", "print the report as JSON")
    .action(async (built: string, flags: { tree: string; json?: boolean }) => {
      const plugins = registry();
      const reports = await checkBuiltDatasets(built, {
        open: (url) => openDataFile(plugins, url),
        tree: flags.tree,
      });
      let unreachable = 0, mismatched = 0, total = 0;
      for (const report of reports) {
        total += report.files.length;
        const mismatch = report.expected !== undefined && report.expected !== 0 &&
          report.reachable === report.files.length && report.expected !== report.entries;
        unreachable += report.files.length - report.reachable;
        if (mismatch) mismatched++;
        if (flags.json) continue;
        write(
          `${report.name}: ${report.reachable}/${report.files.length} files reachable, ${report.entries} entries` +
            (report.expected !== undefined ? ` (metadata.nevents ${report.expected})` : "") +
            (mismatch ? " MISMATCH" : ""),
        );
        for (const file of report.files) {
          if (!file.ok) write(`  unreachable ${file.url}: ${file.error}`);
        }
      }
      if (flags.json) write(JSON.stringify(reports, null, 2));
      if (unreachable > 0 || mismatched > 0) {
        // The report is printed; the error makes the command exit 2 like every failed check.
        throw new RistrettoError(
          "DATASETS_CHECK_FAILED",
          `Cannot check "${built}": ${unreachable} of ${total} files unreachable, ${mismatched} dataset(s) with entries different from metadata.nevents`,
        );
      }
    });
  return command;
}

/**
 * `plugins check SPEC`: loads a plugin package exactly as a config's `plugins:` entry would and
 * runs the contract suite of each plugin's kind (core/testing), printing every check.
 * @module
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { loadAnalysisConfig } from "@ristretto/core/config";
import { RistrettoError } from "@ristretto/core/errors";
import type { Events } from "@ristretto/core/events";
import {
  type AnyPlugin,
  type CalibrationContext,
  loadPluginPackage,
  type PluginSpec,
  pluginSpecUse,
} from "@ristretto/core/plugin";
import {
  checkPluginConformance,
  type ConformanceFixtures,
  type ContractReport,
  DEFAULT_CONTEXT,
  type EventsFixture,
  fixtureKeyOf,
} from "@ristretto/core/testing";
import { generateEvents } from "@ristretto/cms";

const SHIPPED_PARAMETERS = fileURLToPath(
  new URL("../../configs/params/defaults.yaml", import.meta.url),
);

/** Options of {@link pluginsCheckAction}. */
export interface PluginsCheckOptions {
  /** An analysis config: relative specs start from its folder, its parameters feed the plugins. */
  readonly config?: string;
  /** Print the reports as JSON instead of text. */
  readonly json?: boolean;
}

/** What a package may export as `conformance`: fixtures, or a function of a scratch folder. */
type ConformanceExport =
  | ConformanceFixtures
  | ((helpers: { dir: string }) => ConformanceFixtures | Promise<ConformanceFixtures>);

/**
 * The default events for weights, calibrators, cuts and variables of a package that exports no
 * `conformance.events`: 200 toy semileptonic ttbar events (muons, electrons, jets, MET,
 * pileup), with the analysis objects GoodMuon, GoodElectron and GoodJet as copies of the
 * NanoAOD collections.
 */
export function defaultEventsFixture(context: CalibrationContext): EventsFixture {
  return {
    branches: generateEvents("ttbar_semilep", { events: 200, seed: 7 }),
    objects: (events: Events) => {
      let out = events;
      for (const [name, from] of [["GoodMuon", "Muon"], ["GoodElectron", "Electron"]]) {
        if (out.has(from)) out = out.withCollection(name, out.collection(from));
      }
      if (out.has("Jet")) out = out.withCollection("GoodJet", out.collection("Jet"));
      return out;
    },
    context,
  };
}

/**
 * Runs the conformance suites on every plugin of a package; returns the exit code: 0 when
 * every check passed, 1 when one failed, 2 when the package (or the config) cannot be loaded.
 */
export async function pluginsCheckAction(
  spec: string,
  options: PluginsCheckOptions = {},
): Promise<number> {
  const scratch = await Deno.makeTempDir({ prefix: "ristretto_plugins_check_" });
  try {
    const { reports, source, resolved, fixtureOrigin } = await runChecks(spec, options, scratch);
    const ok = reports.every((report) => report.ok);
    if (options.json) {
      console.log(JSON.stringify({ source, resolved, ok, reports }, null, 2));
    } else {
      printReports(reports, source, fixtureOrigin);
    }
    return ok ? 0 : 1;
  } catch (error) {
    if (error instanceof RistrettoError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

async function runChecks(spec: string, options: PluginsCheckOptions, scratch: string) {
  let baseDir = Deno.cwd();
  let parameters: Record<string, unknown>;
  let listed: PluginSpec = spec;
  const dataset = DEFAULT_CONTEXT.dataset;
  if (options.config) {
    const loaded = await loadAnalysisConfig(resolve(options.config), {
      defaultParameterFiles: [SHIPPED_PARAMETERS],
    });
    baseDir = loaded.baseDir;
    parameters = loaded.parameters;
    // The options the config gives this package, when it lists it.
    const entries = (loaded.config as { plugins?: PluginSpec[] }).plugins ?? [];
    listed = entries.find((entry) => pluginSpecUse(entry) === spec) ?? spec;
  } else {
    parameters = parse(await readFile(SHIPPED_PARAMETERS, "utf8")) as Record<string, unknown>;
  }
  const loaded = await loadPluginPackage(listed, { baseDir });
  const module = await import(loaded.resolved) as { conformance?: ConformanceExport };
  const exported = typeof module.conformance === "function"
    ? await module.conformance({ dir: scratch })
    : module.conformance;
  let fixtures: ConformanceFixtures = exported ?? {};
  const needsEvents = loaded.plugins.some((plugin: AnyPlugin) =>
    fixtureKeyOf(plugin.kind) === "events" &&
    fixtures.byPlugin?.[plugin.name]?.events === undefined
  );
  let fixtureOrigin = exported ? "the package's conformance export" : "the default fixtures";
  if (needsEvents && fixtures.events === undefined) {
    fixtures = { ...fixtures, events: defaultEventsFixture({ dataset, parameters }) };
    fixtureOrigin = exported
      ? "the package's conformance export, and the default toy ttbar events"
      : "the default toy ttbar events";
  }
  const reports: ContractReport[] = [];
  for (const plugin of loaded.plugins) {
    reports.push(await checkPluginConformance(plugin, fixtures));
  }
  return { reports, source: loaded.source, resolved: loaded.resolved, fixtureOrigin };
}

function printReports(reports: ContractReport[], source: string, fixtureOrigin: string): void {
  console.log(`Checking ${source} (fixtures: ${fixtureOrigin})`);
  let failedChecks = 0;
  let checks = 0;
  for (const report of reports) {
    console.log(`${report.kind} plugin "${report.plugin}": ${report.ok ? "conforms" : "FAILS"}`);
    for (const check of report.checks) {
      checks++;
      if (check.status === "fail") failedChecks++;
      const mark = check.status === "pass" ? "PASS" : check.status === "fail" ? "FAIL" : "SKIP";
      console.log(`  ${mark} ${check.name}${check.reason ? `: ${check.reason}` : ""}`);
    }
  }
  const failedPlugins = reports.filter((report) => !report.ok).length;
  console.log(
    `${reports.length} plugin${
      reports.length === 1 ? "" : "s"
    } checked, ${failedPlugins} failing; ` +
      `${checks} checks, ${failedChecks} failed`,
  );
}

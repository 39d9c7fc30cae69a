/**
 * One entry point for every contract suite: the suite of a plugin's kind, run with the fixture
 * of that kind. `plugins check` uses it, with the fixtures a package exports as `conformance`.
 * @module
 */
import type {
  AnyPlugin,
  ByteSourceProvider,
  Calibrator,
  ColumnsWriter,
  CutProvider,
  DatasetSource,
  Plotter,
  Reader,
  VariableProvider,
  WeightProvider,
} from "../plugin/types.ts";
import { CheckList, type ContractReport } from "./_contract_checks.ts";
import {
  checkCalibratorConformance,
  checkCutConformance,
  checkVariableConformance,
  checkWeightConformance,
  type EventsFixture,
} from "./event_plugin_conformance.ts";
import {
  checkColumnsWriterConformance,
  checkReaderConformance,
  type ColumnsWriterFixture,
  type ReaderFixture,
} from "./file_plugin_conformance.ts";
import {
  type ByteSourceFixture,
  checkByteSourceConformance,
  checkDatasetSourceConformance,
  checkPlotterConformance,
  type DatasetSourceFixture,
  type PlotterFixture,
} from "./source_plugin_conformance.ts";

/**
 * Fixtures by what they feed; a package exports them as `conformance` (or a function of a
 * scratch folder returning them) for `plugins check`. A fixture may also be given per plugin
 * name under `byPlugin`.
 */
export interface ConformanceFixtures {
  /** Weights, calibrators, cuts and variables. */
  readonly events?: EventsFixture;
  /** Readers. */
  readonly file?: ReaderFixture;
  /** Columns writers. */
  readonly writer?: ColumnsWriterFixture;
  /** Byte sources. */
  readonly bytes?: ByteSourceFixture;
  /** Dataset sources. */
  readonly dataset?: DatasetSourceFixture;
  /** Plotters. */
  readonly output?: PlotterFixture;
  /** Fixtures for one plugin, by its name (they win over the shared ones). */
  readonly byPlugin?: Readonly<Record<string, Omit<ConformanceFixtures, "byPlugin">>>;
}

const FIXTURE_OF_KIND: Readonly<Record<string, keyof ConformanceFixtures>> = {
  weight: "events",
  calibrator: "events",
  cut: "events",
  variable: "events",
  reader: "file",
  "columns-writer": "writer",
  "byte-source": "bytes",
  "dataset-source": "dataset",
  plotter: "output",
};

/** The fixture key a kind's suite needs (`events`, `file`, ...), undefined for kinds without a suite here. */
export function fixtureKeyOf(kind: string): keyof ConformanceFixtures | undefined {
  return FIXTURE_OF_KIND[kind];
}

/**
 * Runs the suite of the plugin's kind. A missing fixture is a failed check naming what to
 * export; executors are skipped (their suite, checkExecutorConformance, runs an analysis).
 */
export async function checkPluginConformance(
  plugin: AnyPlugin,
  fixtures: ConformanceFixtures,
): Promise<ContractReport> {
  const key = FIXTURE_OF_KIND[plugin.kind];
  const checks = new CheckList();
  if (key === undefined) {
    checks.skip(
      "conformance suite",
      plugin.kind === "executor"
        ? "executors are checked by checkExecutorConformance (core/testing) in the package's own tests: it runs a whole analysis"
        : `no suite for plugin kind "${plugin.kind}"`,
    );
    return checks.report(plugin);
  }
  const own = fixtures.byPlugin?.[plugin.name] ?? {};
  const fixture = (own as ConformanceFixtures)[key] ?? fixtures[key];
  if (fixture === undefined) {
    await checks.check("fixture", () => {
      throw new Error(
        `the ${plugin.kind} suite needs a "${key}" fixture: export it from the package as conformance.${key}`,
      );
    });
    return checks.report(plugin);
  }
  switch (plugin.kind) {
    case "weight":
      return await checkWeightConformance(plugin as WeightProvider, fixture as EventsFixture);
    case "calibrator":
      return await checkCalibratorConformance(plugin as Calibrator, fixture as EventsFixture);
    case "cut":
      return await checkCutConformance(plugin as CutProvider, fixture as EventsFixture);
    case "variable":
      return await checkVariableConformance(plugin as VariableProvider, fixture as EventsFixture);
    case "reader":
      return await checkReaderConformance(plugin as Reader, fixture as ReaderFixture);
    case "columns-writer":
      return await checkColumnsWriterConformance(
        plugin as ColumnsWriter,
        fixture as ColumnsWriterFixture,
      );
    case "byte-source":
      return await checkByteSourceConformance(
        plugin as ByteSourceProvider,
        fixture as ByteSourceFixture,
      );
    case "dataset-source":
      return await checkDatasetSourceConformance(
        plugin as DatasetSource,
        fixture as DatasetSourceFixture,
      );
    default:
      return await checkPlotterConformance(plugin as Plotter, fixture as PlotterFixture);
  }
}

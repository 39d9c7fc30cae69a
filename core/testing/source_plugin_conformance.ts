/**
 * Contract suites of the plugins that find and fetch inputs and draw outputs: byte sources
 * (compared byte for byte with the file's known content), dataset sources (accepts, a
 * deterministic build) and plotters (the files they report exist, inside the output folder).
 * @module
 */
import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, normalize } from "node:path";
import type {
  ByteSource,
  ByteSourceProvider,
  DatasetSource,
  DatasetSourceOptions,
  DatasetSourceResult,
  PlotOptions,
  Plotter,
} from "../plugin/types.ts";
import {
  checkIdentity,
  CheckList,
  type ContractReport,
  describe,
  expect,
  expectNameList,
  sameArray,
} from "./_contract_checks.ts";

/** A file for the byte source suite, with its content as known otherwise. */
export interface ByteSourceFixture {
  /** A URL the provider opens, e.g. `root://localhost:1094//data/file.root`. */
  readonly url: string;
  /** The file's bytes (e.g. read from the local copy the server serves). */
  readonly expected: Uint8Array;
}

/**
 * The byte source suite: the provider names the fixture URL's scheme; the opened source has
 * the right size; single reads at the start, middle and last byte and a vector read of
 * overlapping, unordered ranges give exactly the known bytes; a read past the end is an error;
 * `close` works.
 */
export async function checkByteSourceConformance(
  plugin: ByteSourceProvider,
  fixture: ByteSourceFixture,
): Promise<ContractReport> {
  const checks = new CheckList();
  await checkIdentity(checks, plugin, "byte-source");
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(fixture.url)?.[1]?.toLowerCase() ?? "file";
  await checks.check(`handles the fixture's "${scheme}" scheme`, () => {
    expectNameList(plugin.schemes, "schemes");
    for (const name of plugin.schemes) {
      expect(/^[a-z][a-z0-9+.-]*$/.test(name), `scheme "${name}" is not lower case without ":"`);
    }
    expect(plugin.schemes.includes(scheme), `schemes ${plugin.schemes.join(", ")} lack it`);
  });
  const expected = fixture.expected;
  let source: ByteSource | undefined;
  const opened = await checks.check("opens the fixture URL", async () => {
    source = await plugin.open(fixture.url);
  });
  if (!opened || source === undefined) return checks.report(plugin);
  const s = source;
  try {
    await checks.check("size is the file's size", async () => {
      const size = await s.size();
      expect(size === expected.length, `size() is ${size}, the file has ${expected.length} bytes`);
    });
    const n = expected.length;
    const ranges = [
      { offset: 0, length: Math.min(n, 100) },
      { offset: Math.floor(n / 2), length: Math.min(n - Math.floor(n / 2), 4096) },
      { offset: n - 1, length: Math.min(n, 1) },
    ].filter((range) => range.offset >= 0 && range.length > 0);
    await checks.check("reads give exactly the file's bytes", async () => {
      for (const { offset, length } of ranges) {
        const bytes = await s.read(offset, length);
        expect(
          bytes instanceof Uint8Array &&
            sameArray(bytes.slice(), expected.slice(offset, offset + length)),
          `read(${offset}, ${length}) gave other bytes (${describe(bytes)})`,
        );
      }
    });
    await checks.check("a vector read of unordered, overlapping ranges", async () => {
      const vector = [...ranges].reverse();
      if (n > 10) vector.push({ offset: 2, length: 8 }, { offset: 0, length: 10 });
      const parts = await s.readMany(vector);
      expect(
        Array.isArray(parts) && parts.length === vector.length,
        `readMany of ${vector.length} ranges gave ${describe(parts)}`,
      );
      vector.forEach(({ offset, length }, i) => {
        expect(
          sameArray(parts[i].slice(), expected.slice(offset, offset + length)),
          `readMany range ${i} (${offset}, ${length}) gave other bytes`,
        );
      });
    });
    await checks.check("a read past the end is an error", async () => {
      let threw = false;
      try {
        await s.read(Math.max(n - 4, 0), 64);
      } catch {
        threw = true;
      }
      expect(threw, `read(${Math.max(n - 4, 0)}, 64) of a ${n}-byte file did not fail`);
    });
  } finally {
    await checks.check("closes", () => s.close());
  }
  return checks.report(plugin);
}

/** A definition entry the source builds, and what `datasets build` passes with it. */
export interface DatasetSourceFixture {
  readonly entry: Readonly<Record<string, unknown>>;
  readonly options: DatasetSourceOptions;
}

/**
 * The dataset source suite: it accepts the fixture entry but not an empty one; `build` gives
 * distinct file names, the same list in the same order twice, and sensible totals.
 */
export async function checkDatasetSourceConformance(
  plugin: DatasetSource,
  fixture: DatasetSourceFixture,
): Promise<ContractReport> {
  const checks = new CheckList();
  await checkIdentity(checks, plugin, "dataset-source");
  await checks.check("accepts the fixture entry, not an empty one", () => {
    expect(plugin.accepts(fixture.entry) === true, "accepts(fixture entry) is not true");
    expect(plugin.accepts({}) === false, "accepts({}) is not false");
  });
  let first: DatasetSourceResult | undefined;
  await checks.check("builds distinct files with sensible totals", async () => {
    first = await plugin.build(fixture.entry, fixture.options);
    expectNameList(first.files, "files");
    for (const key of ["nevents", "size"] as const) {
      const value = first[key];
      expect(
        value === undefined || (Number.isInteger(value) && value >= 0),
        `${key} is ${value}, expected a non-negative integer or nothing`,
      );
    }
  });
  if (first === undefined) return checks.report(plugin);
  await checks.check("a second build gives the same files in the same order", async () => {
    const again = await plugin.build(fixture.entry, fixture.options);
    expect(
      JSON.stringify(again.files) === JSON.stringify(first!.files),
      `the order differs: [${first!.files.slice(0, 3).join(", ")}, ...] then [${
        again.files.slice(0, 3).join(", ")
      }, ...]`,
    );
    expect(
      again.nevents === first!.nevents && again.size === first!.size,
      "the totals differ",
    );
  });
  return checks.report(plugin);
}

/** An output folder (as `run` writes it) for the plotter suite. */
export interface PlotterFixture {
  readonly outputDir: string;
  /** Options for `plot`; default none (the plotter's defaults). */
  readonly options?: PlotOptions;
  /** An empty scratch folder, to check that plotting an empty output is an error. */
  readonly emptyDir?: string;
}

/**
 * The plotter suite: `plot` returns paths relative to the output folder, each an existing,
 * non-empty file inside it; a second plot reports the same files; plotting a folder without
 * an output is an error.
 */
export async function checkPlotterConformance(
  plugin: Plotter,
  fixture: PlotterFixture,
): Promise<ContractReport> {
  const checks = new CheckList();
  await checkIdentity(checks, plugin, "plotter");
  let files: string[] | undefined;
  await checks.check("the files it reports exist inside the output folder", async () => {
    files = await plugin.plot(fixture.outputDir, fixture.options);
    expect(Array.isArray(files) && files.length > 0, `plot() returned ${describe(files)}`);
    for (const file of files) {
      expect(
        typeof file === "string" && !isAbsolute(file) && !normalize(file).startsWith(".."),
        `${JSON.stringify(file)} is not a path inside the output folder`,
      );
      const info = await stat(join(fixture.outputDir, file)).catch(() => undefined);
      expect(info?.isFile() && info.size > 0, `"${file}" is missing or empty`);
    }
  });
  if (files !== undefined) {
    await checks.check("a second plot reports the same files", async () => {
      const again = await plugin.plot(fixture.outputDir, fixture.options);
      expect(
        JSON.stringify([...again].sort()) === JSON.stringify([...files!].sort()),
        "the list of files differs",
      );
    });
  }
  if (fixture.emptyDir === undefined) {
    checks.skip("plotting an empty folder is an error", "the fixture has no emptyDir");
  } else {
    const empty = fixture.emptyDir;
    await checks.check("plotting an empty folder is an error", async () => {
      let threw = false;
      try {
        await plugin.plot(empty, fixture.options);
      } catch {
        threw = true;
      }
      const left = await readdir(empty);
      expect(threw, `plot() of an empty folder succeeded (and wrote ${left.length} entries)`);
    });
  }
  return checks.report(plugin);
}

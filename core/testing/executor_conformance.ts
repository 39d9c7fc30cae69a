/**
 * The executor conformance suite: whatever runs the items, the merged outputs must be the same
 * bytes as the reference run's (items processed one by one in this process), every item must
 * get exactly one outcome, a rerun must compute nothing, and a store missing some results must
 * be completed by computing exactly those; progress reports stay consistent and end with every
 * item done.
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { readdir, readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import type { LoadedConfig } from "../config/load_config.ts";
import { API_VERSION, type Executor, type ExecutorProgress } from "../plugin/types.ts";
import type { Registry } from "../plugin/registry.ts";
import { type AnalysisResult, runAnalysis, type RunOptions } from "../processor/run_analysis.ts";
import { writeOutputs } from "../processor/write_outputs.ts";
import { encodeResult } from "../store/result_codec.ts";
import { ResultStore } from "../store/result_store.ts";

/** What the suite runs: an analysis, its plugins, and a scratch folder. */
export interface ConformanceOptions {
  /** The analysis, e.g. the default example on small generated data. */
  readonly loaded: LoadedConfig;
  /** Its plugins (an executor under test that starts processes must load the same ones). */
  readonly registry: Registry;
  /** A scratch folder; stores and outputs are created inside. */
  readonly dir: string;
  /** Events per work item (small, so there are many items); default 700. */
  readonly chunkSize?: number;
}

/** Figures of a conformance run. */
export interface ConformanceReport {
  readonly items: number;
  readonly datasets: number;
  readonly events: number;
}

/**
 * The reference: one item at a time in this process, through `processHere`. Deliberately not
 * the `local` executor, which is itself under test.
 */
export function referenceExecutor(): Executor {
  return {
    kind: "executor",
    name: "conformance-reference",
    version: "1.0.0",
    apiVersion: API_VERSION,
    async *run(items, context) {
      for (const item of items) {
        try {
          await context.processHere(item);
          yield { item, ok: true, attempts: 1 };
        } catch (error) {
          yield { item, ok: false, error: (error as Error).message, attempts: 1 };
        }
      }
    },
  };
}

/** The bytes of every merged output, per dataset (uncompressed, so equal bytes = equal bits). */
export function mergedBytes(result: AnalysisResult): Map<string, Uint8Array> {
  return new Map(
    [...result.outputs].sort(([a], [b]) => a < b ? -1 : 1).map((
      [name, output],
    ) => [name, encodeResult(output, {}, { codec: "none" })]),
  );
}

/** Asserts two runs merged to identical bytes, dataset by dataset. */
export function assertSameMerged(actual: AnalysisResult, expected: AnalysisResult, what: string) {
  const a = mergedBytes(actual);
  const b = mergedBytes(expected);
  deepEqual([...a.keys()], [...b.keys()], `${what}: datasets`);
  for (const [name, bytes] of b) {
    equal(
      sameBytes(a.get(name), bytes),
      true,
      `${what}: merged output of ${name} differs from the reference`,
    );
  }
}

/**
 * Runs the suite for one executor: `factory` gives a fresh executor for each run. Throws an
 * AssertionError on the first difference.
 */
export async function checkExecutorConformance(
  factory: () => Executor,
  options: ConformanceOptions,
): Promise<ConformanceReport> {
  const { loaded, registry, dir } = options;
  const chunkSize = options.chunkSize ?? 700;
  const run = (executor: Executor, store: string, onProgress?: RunOptions["onProgress"]) =>
    runAnalysis(loaded, { registry, executor, chunkSize, store, backoffMs: 10, onProgress });

  const reference = await run(referenceExecutor(), join(dir, "reference-store"));
  equal(reference.failed.length, 0, "the reference run has no failures");

  // 1. A fresh store: every item computed once, identical merged bytes and written files, and
  // a progress display fed with consistent counts that end at "all done, none running".
  const store = join(dir, "store");
  const reports: ExecutorProgress[] = [];
  const first = await run(factory(), store, (progress) => reports.push(progress));
  const total = reference.items.length;
  ok(reports.length > 0, "the executor reports progress");
  for (const { done, failed, running, total: reported } of reports) {
    equal(reported, total, "progress: total is every item");
    ok(
      done >= 0 && failed >= 0 && running >= 0 && done + failed + running <= total,
      `progress: done ${done} + failed ${failed} + running ${running} within ${total} items`,
    );
  }
  const last = reports[reports.length - 1];
  deepEqual(
    { done: last.done, failed: last.failed, running: last.running },
    { done: total, failed: 0, running: 0 },
    "progress: the last report says every item is done and none runs",
  );
  equal(first.failed.length, 0, `no failures (${first.failed.map((f) => f.error).join("; ")})`);
  equal(first.computed, reference.items.length, "every item computed once");
  equal(first.events, reference.events, "every event counted once");
  assertSameMerged(first, reference, "fresh store");
  await writeOutputs(join(dir, "out-reference"), reference, { registry, info: info(loaded) });
  await writeOutputs(join(dir, "out"), first, { registry, info: info(loaded) });
  await assertSameFolders(join(dir, "out"), join(dir, "out-reference"));

  // 2. A rerun computes nothing.
  const again = await run(factory(), store);
  equal(again.computed, 0, "a rerun computes nothing");
  equal(again.reused, reference.items.length, "a rerun reuses every item");
  assertSameMerged(again, reference, "rerun");

  // 3. A store that lost every other result (and its merges) computes exactly those.
  const results = new ResultStore(store);
  let removed = 0;
  for (const [index, item] of (await results.list("results")).entries()) {
    if (index % 2 === 0) {
      await rm(item.path);
      removed++;
    }
  }
  for (const merged of await results.list("merged")) await rm(merged.path);
  const resumed = await run(factory(), store);
  equal(resumed.computed, removed, "only the missing items are computed");
  assertSameMerged(resumed, reference, "resumed");
  return {
    items: reference.items.length,
    datasets: reference.outputs.size,
    events: reference.events,
  };
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function info(loaded: LoadedConfig) {
  const at = new Date(0);
  return { configName: loaded.config.name, configHash: "-", startedAt: at, finishedAt: at };
}

/** Asserts every file of two output folders is byte-identical (metadata.json aside: it names the executor). */
async function assertSameFolders(actual: string, expected: string): Promise<void> {
  const list = async (root: string): Promise<string[]> => {
    const out: string[] = [];
    const walk = async (folder: string) => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walk(path);
        else out.push(relative(root, path));
      }
    };
    await walk(root);
    return out.sort();
  };
  const files = await list(expected);
  deepEqual(await list(actual), files, "the same files are written");
  for (const file of files) {
    const a = await readFile(join(actual, file));
    const b = await readFile(join(expected, file));
    if (file === "metadata.json") {
      const strip = (text: Uint8Array) => {
        const { plugins: _p, computed: _c, reused: _r, ...rest } = JSON.parse(
          new TextDecoder().decode(text),
        );
        return rest;
      };
      deepEqual(strip(a), strip(b), "metadata.json");
      continue;
    }
    equal(sameBytes(a, b), true, `${file} differs`);
  }
}

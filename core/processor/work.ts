/**
 * What every worker runs, in-process or in a batch job: take items from an items file, process
 * each, and write its result to the store (atomically) or a failure record. The items file
 * carries what a worker cannot recompute cheaply or identically - the branch schema the plan
 * was compiled against, the datasets' metadata, the expected config hash and plugin
 * fingerprints - so a job needs only the repo, the config, the items file and the store.
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LoadedConfig } from "../config/load_config.ts";
import { resolveFrom } from "../config/load_config.ts";
import type { BuiltDataset } from "../datasets/built_dataset.ts";
import { InputError, RistrettoError } from "../errors/ristretto_error.ts";
import type { Registry } from "../plugin/registry.ts";
import type {
  BranchInfo,
  Calibrator,
  CutProvider,
  ExecutorItem,
  OpenedFile,
  VariableProvider,
  WeightProvider,
} from "../plugin/types.ts";
import type { ResultStore } from "../store/result_store.ts";
import { loadAnalysisModule } from "./analysis_module.ts";
import { compilePlan, type Plan } from "./plan.ts";
import { processChunk } from "./process_chunk.ts";
import {
  onlyBranches,
  SkimSelection,
  type SkimSettings,
  SkimWriter,
  useRecordedSums,
} from "./skim_output.ts";
import {
  configHash,
  type DatasetIdentityJSON,
  openDataFile,
  type PlannedItem,
  pluginFingerprint,
} from "./run_plan.ts";
import { workItemKey } from "./work_item.ts";

/** The items file `work --items` reads. */
export interface WorkFile {
  readonly format: "ristretto-work";
  readonly version: 1;
  /** The config hash the worker's config must have. */
  readonly configHash: string;
  /** The plugin fingerprints the worker's registry must have. */
  readonly plugins: readonly string[];
  /** The branches the plan is compiled against. */
  readonly schema: readonly BranchInfo[];
  /** Metadata of the datasets the items belong to. */
  readonly datasets: Readonly<Record<string, DatasetIdentityJSON>>;
  readonly items: readonly PlannedItem[];
  /** Skims to write (the config's skimOutput, its folder resolved). */
  readonly skim?: SkimSettings;
}

/** True when a parsed JSON value is an items file. */
export function isWorkFile(value: unknown): value is WorkFile {
  return typeof value === "object" && value !== null &&
    (value as { format?: unknown }).format === "ristretto-work";
}

/** Reads an items file. */
export async function readWorkFile(path: string): Promise<WorkFile> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    throw new InputError(
      "WORK_ITEMS",
      `Cannot read items file "${path}": ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  if (!isWorkFile(value) || value.version !== 1) {
    throw new InputError(
      "WORK_ITEMS",
      `Cannot read items file "${path}": not a Ristretto items file`,
    );
  }
  return value;
}

/** The same items file holding only `hashes` (for executors that split work into jobs). */
export function workFileSubset(work: WorkFile, subset: readonly ExecutorItem[]): WorkFile {
  const wanted = new Set(subset.map((item) => item.hash));
  const items = work.items.filter((item) => wanted.has(item.hash));
  const names = new Set(items.map((item) => item.dataset));
  const datasets = Object.fromEntries(
    Object.entries(work.datasets).filter(([name]) => names.has(name)),
  );
  return { ...work, datasets, items };
}

/** A worker: a compiled plan ready to process items of one items file. */
export interface WorkSession {
  readonly work: WorkFile;
  /**
   * Processes the item with this hash and stores its result; a no-op when the store already
   * has it. On failure, records it in the store and rethrows.
   */
  process(hash: string): Promise<void>;
  /** Closes the files kept open (`keepFilesOpen`); the session is not used afterwards. */
  close(): Promise<void>;
}

/** Options of {@link openWorkSession}. */
export interface WorkSessionOptions {
  readonly registry: Registry;
  readonly store: ResultStore;
  /** A plan already compiled from the same config and schema (skips compiling it again). */
  readonly plan?: Plan;
  /**
   * Honour RISTRETTO_TEST_KILL (the process kills itself with SIGKILL at a matching item): only
   * for worker subprocesses, never in a process that runs the orchestrator or tests.
   */
  readonly allowKillHook?: boolean;
  /**
   * Input files kept open between items (default 0: each item opens and closes its file).
   * Worker processes keep a few: reopening parses the file's trees again (~30 ms a file) and
   * loses the baskets an item shares with the next. Call `close()` when done.
   */
  readonly keepFilesOpen?: number;
}

/**
 * Checks that `loaded` and the registry are what the items file was planned with, compiles
 * the plan, and returns a session that processes items.
 */
export async function openWorkSession(
  loaded: LoadedConfig,
  work: WorkFile,
  options: WorkSessionOptions,
): Promise<WorkSession> {
  const { registry, store } = options;
  const hash = await configHash(loaded);
  if (hash !== work.configHash) {
    throw new InputError(
      "WORK_CONFIG_MISMATCH",
      `Cannot work on these items: they were planned with config ${
        work.configHash.slice(0, 12)
      }, this config (${loaded.document.file}) hashes to ${hash.slice(0, 12)}`,
    );
  }
  const plugins = pluginFingerprint(registry, loaded.parameters);
  if (plugins.join("\n") !== work.plugins.join("\n")) {
    const missing = work.plugins.filter((p) => !plugins.includes(p));
    const extra = plugins.filter((p) => !work.plugins.includes(p));
    throw new InputError(
      "WORK_PLUGIN_MISMATCH",
      `Cannot work on these items: the plugins differ from the planning run's (missing: ${
        missing.join(", ") || "none"
      }; extra: ${extra.join(", ") || "none"})`,
    );
  }
  const plan = options.plan ?? compilePlan(loaded, [...work.schema], {
    calibrators: registry.all<Calibrator>("calibrator"),
    weightProviders: registry.all<WeightProvider>("weight"),
    cutProviders: registry.all<CutProvider>("cut"),
    variableProviders: registry.all<VariableProvider>("variable"),
    module: loaded.config.module
      ? await loadAnalysisModule(resolveFrom(loaded.baseDir, loaded.config.module))
      : undefined,
  });
  const byHash = new Map(work.items.map((item) => [item.hash, item]));
  const branchList = [...plan.branches];
  const hooks = testHooks();
  const skim = work.skim ? new SkimWriter(work.skim, registry) : undefined;

  const files = new OpenFiles(registry, options.keepFilesOpen ?? 0);
  const compute = async (item: PlannedItem) => {
    const dataset = { ...work.datasets[item.dataset], files: [] } as BuiltDataset;
    const opened = await files.open(item.file);
    try {
      // A branch the analysis can use but this file lacks (genWeight in data) is not read;
      // an expression that needs it fails with the file named below.
      const available = new Set(opened.branches(item.tree).map((branch) => branch.name));
      const names = branchList.filter((branch) => available.has(branch));
      const fileBranches = skim ? opened.branches(item.tree) : [];
      const columns = await opened.read(
        item.tree,
        skim?.branchesToRead(names, fileBranches) ?? names,
        { start: item.start, stop: item.stop },
      );
      const selection = skim ? new SkimSelection() : undefined;
      const output = processChunk(plan, skim ? onlyBranches(columns, names) : columns, {
        dataset,
        entries: item.stop - item.start,
        file: item.file,
        parameters: loaded.parameters,
        onSelection: selection?.record,
      });
      await useRecordedSums(output, { opened, item, dataset });
      const skimmed = await skim?.write(item, {
        columns,
        branches: fileBranches,
        selection: selection!,
        isMC: dataset.isMC,
      });
      return { output, skimmed };
    } finally {
      await files.release(item.file, opened);
    }
  };

  return {
    work,
    close: () => files.closeAll(),
    async process(hash: string): Promise<void> {
      const item = byHash.get(hash);
      if (!item) {
        throw new InputError(
          "WORK_UNKNOWN_ITEM",
          `Cannot work on item ${hash}: not in the items file`,
        );
      }
      if (store.has("results", hash)) return;
      const key = workItemKey(item);
      try {
        await hooks.beforeItem(store, item, key, options.allowKillHook ?? false);
        const { output, skimmed } = await compute(item);
        await store.putResult("results", hash, output, {
          key,
          config: work.configHash,
          events: item.stop - item.start,
          at: new Date().toISOString(),
          ...(skimmed ? { skim: skimmed } : {}),
        });
        await store.remove("failures", hash);
      } catch (error) {
        const message = describe(error, item);
        await store.recordFailure(hash, key, message);
        throw new RistrettoError("WORK_ITEM_FAILED", message, { cause: error });
      }
    },
  };
}

/** The last `keep` files a session read, left open for its next items (least recent closed). */
class OpenFiles {
  readonly #open = new Map<string, OpenedFile>();
  constructor(readonly registry: Registry, readonly keep: number) {}

  async open(file: string): Promise<OpenedFile> {
    const cached = this.#open.get(file);
    if (cached) {
      this.#open.delete(file); // one item at a time uses it (concurrent items open their own)
      return cached;
    }
    return await openDataFile(this.registry, file);
  }

  async release(file: string, opened: OpenedFile): Promise<void> {
    if (this.keep <= 0 || this.#open.has(file)) return await opened.close();
    this.#open.set(file, opened);
    for (const [name, old] of this.#open) {
      if (this.#open.size <= this.keep) break;
      this.#open.delete(name);
      await old.close();
    }
  }

  async closeAll(): Promise<void> {
    const files = [...this.#open.values()];
    this.#open.clear();
    for (const opened of files) await opened.close();
  }
}

function describe(error: unknown, item: PlannedItem): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.includes(item.file)
    ? message
    : `Cannot process "${item.file}" entries [${item.start}, ${item.stop}): ${message}`;
}

/**
 * Test hooks, read from the environment once per session:
 * - RISTRETTO_TEST_FAIL="<key substring>:<times>[,...]" - a matching item fails its first
 *   `times` attempts (counted in the store, so across processes), or every one with `always`;
 * - RISTRETTO_TEST_KILL="<key substring>" - a worker subprocess kills itself with SIGKILL the
 *   first time it reaches a matching item (a marker in the store makes it once);
 * - RISTRETTO_TEST_DELAY_MS="<ms>" - every item waits this long first (so a test can kill a
 *   run in the middle).
 */
function testHooks(): {
  beforeItem(store: ResultStore, item: PlannedItem, key: string, allowKill: boolean): Promise<void>;
} {
  const env = (name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined; // no --allow-env: no hooks
    }
  };
  const fail = (env("RISTRETTO_TEST_FAIL") ?? "").split(",").filter(Boolean).map((spec) => {
    const at = spec.lastIndexOf(":");
    const times = spec.slice(at + 1);
    return { match: spec.slice(0, at), times: times === "always" ? Infinity : Number(times) };
  });
  const kill = env("RISTRETTO_TEST_KILL");
  const delay = Number(env("RISTRETTO_TEST_DELAY_MS") ?? 0);
  return {
    async beforeItem(store, item, key, allowKill) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const folder = join(store.folder, ".test_hooks");
      if (kill && allowKill && key.includes(kill)) {
        const marker = join(folder, `${item.hash}.killed`);
        if (!existsSync(marker)) {
          await mkdir(folder, { recursive: true });
          await writeFile(marker, "");
          Deno.kill(Deno.pid, "SIGKILL");
        }
      }
      const rule = fail.find((rule) => key.includes(rule.match));
      if (!rule) return;
      await mkdir(folder, { recursive: true });
      const counter = join(folder, `${item.hash}.failures`);
      const count = existsSync(counter) ? Number(await readFile(counter, "utf8")) : 0;
      if (count < rule.times) {
        await writeFile(counter, String(count + 1));
        throw new RistrettoError(
          "TEST_HOOK_FAILURE",
          `RISTRETTO_TEST_FAIL made this item fail (failure ${count + 1})`,
        );
      }
    },
  };
}

/**
 * `cache ls` and `cache gc`: what the result store holds, and removing what the current
 * config no longer references.
 * @module
 */
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { loadAnalysisConfig } from "@ristretto/core/config";
import { configSnapshot, STORE_FORMAT } from "@ristretto/core/processor";
import {
  hashValue,
  ResultStore,
  STORE_KINDS,
  type StoreEntry,
  type StoreKind,
} from "@ristretto/core/store";
import { DEFAULT_CONFIG, DEFAULT_PARAMETERS } from "./_defaults.ts";
import { planFromFlags, type SelectionFlags, withSelectionFlags } from "./status.ts";

/** What `cache gc` keeps and removes. */
export interface GcReport {
  kept: number;
  removed: StoreEntry[];
  bytesRemoved: number;
}

/**
 * Removes every store entry the current selection does not reference: results and failure
 * records of other items, merges of other item sets, preprocess records of other files,
 * other config snapshots, and every items file (they are rewritten by each run - so do not
 * collect a store while a run uses it).
 */
export async function gcStore(
  flags: SelectionFlags,
  options: { dryRun?: boolean } = {},
): Promise<GcReport> {
  const { loaded, planned, store } = await planFromFlags(flags);
  const items = new Set(planned.items.map((item) => item.hash));
  const merged = new Set<string>();
  for (const dataset of planned.datasets) {
    const hashes = planned.items.filter((item) =>
      item.dataset === dataset.name && store.has("results", item.hash)
    ).map((item) => item.hash);
    if (hashes.length > 0) {
      merged.add(hashValue({ format: STORE_FORMAT, stage: "merge", items: hashes }));
    }
  }
  const keep: Record<StoreKind, Set<string>> = {
    results: items,
    failures: items,
    merged,
    preprocess: new Set(planned.preprocessHashes),
    schemas: new Set(planned.schemaHashes),
    configs: new Set([hashValue(configSnapshot(loaded))]),
    jobs: new Set(),
  };
  const report: GcReport = { kept: 0, removed: [], bytesRemoved: 0 };
  for (const kind of STORE_KINDS) {
    for (const entry of await store.list(kind)) {
      if (keep[kind].has(entry.hash)) {
        report.kept++;
        continue;
      }
      report.removed.push(entry);
      report.bytesRemoved += entry.bytes;
      if (!options.dryRun) await rm(entry.path, { force: true });
    }
  }
  return report;
}

/** Sizes per kind of a store. */
export async function listStore(store: ResultStore): Promise<
  { kind: StoreKind; entries: number; bytes: number }[]
> {
  const rows = [];
  for (const kind of STORE_KINDS) {
    const entries = await store.list(kind);
    rows.push({ kind, entries: entries.length, bytes: entries.reduce((s, e) => s + e.bytes, 0) });
  }
  return rows;
}

/** The commander definition of `cache` (`ls`, `gc`). */
export function cacheCommand(): Command {
  const cache = new Command("cache").description("Inspect and clean the result store");
  cache.addCommand(
    new Command("ls")
      .description("Entries and sizes of the store, per kind (with --long, every result)")
      .option("-c, --config <file>", "analysis configuration (YAML)", DEFAULT_CONFIG)
      .option("-o, --output <dir>", "output folder (default out/<analysis name>)")
      .option("--store <dir>", "result store (default <output>/.store)")
      .option("-l, --long", "one line per stored result: hash, bytes, key")
      .option("--json", "print JSON")
      .action(async (flags: {
        config: string;
        output?: string;
        store?: string;
        long?: boolean;
        json?: boolean;
      }) => {
        let folder = flags.store;
        if (!folder) {
          const loaded = await loadAnalysisConfig(resolve(flags.config), {
            defaultParameterFiles: [DEFAULT_PARAMETERS],
          });
          folder = join(resolve(flags.output ?? `out/${loaded.config.name}`), ".store");
        }
        const store = new ResultStore(resolve(folder));
        const rows = await listStore(store);
        const results = [];
        if (flags.long) {
          for (const entry of await store.list("results")) {
            const header = await store.getResultHeader("results", entry.hash).catch(() => ({}));
            results.push({ hash: entry.hash, bytes: entry.bytes, ...header });
          }
        }
        if (flags.json) {
          console.log(JSON.stringify({ store: store.folder, kinds: rows, results }, null, 1));
          return;
        }
        console.log(`store ${store.folder}`);
        for (const row of rows) {
          console.log(
            `${row.kind.padEnd(10)} ${String(row.entries).padStart(7)} entries ${
              formatBytes(row.bytes).padStart(10)
            }`,
          );
        }
        for (const result of results as { hash: string; bytes: number; key?: string }[]) {
          console.log(
            `${result.hash.slice(0, 16)} ${formatBytes(result.bytes).padStart(10)} ${
              result.key ?? ""
            }`,
          );
        }
      }),
  );
  cache.addCommand(
    withSelectionFlags(
      new Command("gc").description(
        "Remove store entries the current config (and selection flags) no longer references",
      ),
    )
      .option("-n, --dry-run", "only list what would be removed")
      .action(async (flags: SelectionFlags & { dryRun?: boolean }) => {
        const report = await gcStore(flags, { dryRun: flags.dryRun });
        for (const entry of report.removed) {
          console.log(`${flags.dryRun ? "would remove" : "removed"} ${entry.kind}/${entry.hash}`);
        }
        console.log(
          `${report.removed.length} entr${report.removed.length === 1 ? "y" : "ies"} (${
            formatBytes(report.bytesRemoved)
          }) ${flags.dryRun ? "to remove" : "removed"}, ${report.kept} kept`,
        );
      }),
  );
  return cache;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

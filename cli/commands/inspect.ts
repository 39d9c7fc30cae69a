/**
 * `ristretto inspect FILE`: what is in a data file - trees, entries, branches with their types,
 * counters and interpretation, compression - and, with `--stats`, per-branch value statistics.
 * @module
 */
import { Command } from "commander";
import { isJagged, type NumericArray } from "@ristretto/core/columns";
import { InputError } from "@ristretto/core/errors";
import { openByteSource } from "@ristretto/core/io";
import type { BranchInfo, LeafType, OpenedFile, Reader } from "@ristretto/core/plugin";
import { RootTreeFile } from "@ristretto/root";

/** Options of inspectFile. */
export interface InspectOptions {
  /** Readers to choose from (by canRead on the URL and first bytes). */
  readonly readers: readonly Reader[];
  /** Tree to show; default: `Events` when present, else the first tree. */
  readonly tree?: string;
  /** Only these branches (default: all). */
  readonly branches?: readonly string[];
  /** Read every numeric branch and report values/sum/min/max instead of the layout. */
  readonly stats?: boolean;
}

/** One branch in the layout report. */
export interface InspectBranch {
  readonly name: string;
  readonly type: LeafType;
  readonly typename: string;
  readonly counter: string | null;
  readonly interpretation: string;
  readonly title?: string;
  readonly compressedBytes?: number;
  readonly uncompressedBytes?: number;
}

/** The layout report of a file (default mode). */
export interface InspectLayout {
  readonly file: string;
  readonly reader: string;
  readonly trees: string[];
  readonly tree: string;
  readonly entries: number;
  readonly compression?: {
    readonly algorithm: string;
    readonly level: number;
    readonly setting: number;
  };
  readonly compressedBytes?: number;
  readonly uncompressedBytes?: number;
  readonly branches: InspectBranch[];
}

/** Statistics of one branch's flattened values (sum in float64, NaN excluded from min/max). */
export interface BranchStats {
  readonly values: number;
  readonly sum: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly nan: number;
}

/** The `--stats` report. */
export interface InspectStats {
  readonly tree: string;
  readonly entries: number;
  readonly branches: Record<string, BranchStats>;
}

const _TYPENAMES: Record<LeafType, string> = {
  bool: "bool",
  int8: "int8_t",
  uint8: "uint8_t",
  int16: "int16_t",
  uint16: "uint16_t",
  int32: "int32_t",
  uint32: "uint32_t",
  int64: "int64_t",
  uint64: "uint64_t",
  float32: "float",
  float64: "double",
};

const _ALGORITHMS: Record<number, string> = {
  0: "ZLIB",
  1: "ZLIB",
  2: "LZMA",
  3: "OLD",
  4: "LZ4",
  5: "ZSTD",
};

/** Opens `url` with the first reader that accepts it (magic bytes first, then the name). */
export async function openWithReaders(
  url: string,
  readers: readonly Reader[],
): Promise<OpenedFile> {
  const source = await openByteSource(url);
  try {
    const size = await source.size();
    const first = await source.read(0, Math.min(size, 16));
    const reader = readers.find((r) => r.canRead(url, first)) ??
      readers.find((r) => r.canRead(url));
    if (reader === undefined) {
      throw new InputError(
        "INSPECT_NO_READER",
        `Cannot inspect "${url}": no reader understands it (readers: ${
          readers.map((r) => r.name).join(", ") || "none"
        })`,
      );
    }
    return await reader.open(source);
  } catch (error) {
    await source.close();
    throw error;
  }
}

function _pickTree(file: OpenedFile, tree: string | undefined): string {
  if (tree !== undefined) {
    file.entries(tree); // raises the reader's unknown-tree error, with its suggestion
    return tree;
  }
  const trees = file.trees();
  if (trees.length === 0) {
    throw new InputError("INSPECT_NO_TREE", `Cannot inspect "${file.url}": it holds no tree`);
  }
  return trees.includes("Events") ? "Events" : trees[0];
}

function _select(all: BranchInfo[], names: readonly string[] | undefined): BranchInfo[] {
  if (names === undefined || names.length === 0) return all;
  const byName = new Map(all.map((b) => [b.name, b]));
  return names.map((n) => byName.get(n) ?? { name: n, type: "uint8" as LeafType });
}

/**
 * Inspects a file: its layout, or with `stats` the statistics of every selected numeric branch.
 * Pure logic (no printing), so tests and other commands can use it.
 */
export async function inspectFile(
  url: string,
  options: InspectOptions,
): Promise<InspectLayout | InspectStats> {
  const file = await openWithReaders(url, options.readers);
  try {
    const tree = _pickTree(file, options.tree);
    const selected = _select(file.branches(tree), options.branches);
    if (options.stats) {
      const columns = await file.read(tree, selected.map((b) => b.name));
      const branches: Record<string, BranchStats> = {};
      for (const b of selected) {
        const column = columns.get(b.name)!;
        branches[b.name] = branchStats(isJagged(column) ? column.content : column);
      }
      return { tree, entries: file.entries(tree), branches };
    }
    const root = file instanceof RootTreeFile ? file.tree(tree) : undefined;
    if (root !== undefined && options.branches) {
      for (const name of options.branches) root.branch(name); // unknown names: did-you-mean error
    }
    const branches: InspectBranch[] = selected.map((b) => {
      const detail = root?.branch(b.name);
      const typename = _TYPENAMES[b.type] + (b.counter === undefined ? "" : "[]");
      return {
        name: b.name,
        type: b.type,
        typename,
        counter: b.counter ?? null,
        interpretation: detail?.interpretation ??
          (b.counter === undefined ? b.type : `jagged ${b.type}`),
        ...(b.title ? { title: b.title } : {}),
        ...(detail
          ? { compressedBytes: detail.record.zipBytes, uncompressedBytes: detail.record.totBytes }
          : {}),
      };
    });
    const layout: InspectLayout = {
      file: file.url,
      reader: root ? "root-reader" : options.readers.find((r) => r.canRead(url))?.name ?? "unknown",
      trees: file.trees(),
      tree,
      entries: file.entries(tree),
      ...(file instanceof RootTreeFile
        ? {
          compression: {
            setting: file.file.header.compress,
            algorithm: _ALGORITHMS[Math.floor(file.file.header.compress / 100)] ?? "unknown",
            level: file.file.header.compress % 100,
          },
          compressedBytes: branches.reduce((n, b) => n + (b.compressedBytes ?? 0), 0),
          uncompressedBytes: branches.reduce((n, b) => n + (b.uncompressedBytes ?? 0), 0),
        }
        : {}),
      branches,
    };
    return layout;
  } finally {
    await file.close();
  }
}

/** values/sum/min/max/NaN count of flattened values; the sum is compensated (Neumaier). */
export function branchStats(values: NumericArray): BranchStats {
  let sum = 0, compensation = 0, nan = 0;
  let min = Infinity, max = -Infinity;
  const big = values instanceof BigInt64Array || values instanceof BigUint64Array;
  for (let i = 0; i < values.length; i++) {
    const x = big ? Number(values[i]) : values[i] as number;
    if (x !== x) {
      nan++;
      continue;
    }
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return {
    values: values.length,
    sum: nan > 0 ? NaN : sum + compensation,
    min: min === Infinity ? null : min,
    max: max === -Infinity ? null : max,
    nan,
  };
}

/** Human-readable layout, like uproot's `show()`, with a header of file facts. */
export function formatLayout(layout: InspectLayout): string {
  const lines = [
    `file         ${layout.file}`,
    `reader       ${layout.reader}`,
    `trees        ${layout.trees.join(", ")}`,
    `tree         ${layout.tree}`,
    `entries      ${layout.entries}`,
  ];
  if (layout.compression) {
    const c = layout.compression;
    lines.push(`compression  ${c.algorithm} level ${c.level} (fCompress ${c.setting})`);
    if (layout.compressedBytes) {
      const ratio = (layout.uncompressedBytes ?? 0) / layout.compressedBytes;
      lines.push(
        `bytes        ${layout.compressedBytes} compressed, ${layout.uncompressedBytes} uncompressed (x${
          ratio.toFixed(2)
        })`,
      );
    }
  }
  lines.push(`branches     ${layout.branches.length}`, "");
  const rows = layout.branches.map((b) => [b.name, b.typename, b.counter ?? "", b.interpretation]);
  const header = ["name", "typename", "counter", "interpretation"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join(" | ").trimEnd();
  lines.push(fmt(header), widths.map((w) => "-".repeat(w)).join("-+-"));
  for (const r of rows) lines.push(fmt(r));
  return lines.join("\n");
}

function _formatStats(stats: InspectStats): string {
  const lines = [`tree ${stats.tree}, ${stats.entries} entries`, ""];
  const rows = Object.entries(stats.branches).map(([name, s]) => [
    name,
    String(s.values),
    String(s.sum),
    String(s.min),
    String(s.max),
  ]);
  const header = ["name", "values", "sum", "min", "max"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join("  ").trimEnd();
  lines.push(fmt(header));
  for (const r of rows) lines.push(fmt(r));
  return lines.join("\n");
}

/** JSON with NaN/Infinity written as the strings "nan"/"inf"/"-inf" (as the reference files). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) {
      return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }
    return v;
  }, 2);
}

/** The `inspect` subcommand over the given readers. */
export function inspectCommand(readers: Reader[]): Command {
  return new Command("inspect")
    .description("Show the trees, branches, types and compression of a ROOT or Parquet file")
    .argument("<file>", "path or URL (file, http, https)")
    .option("--tree <name>", "tree to show (default: Events, else the first)")
    .option("--json", "print JSON instead of a table")
    .option("--stats", "read every numeric branch and print values, sum, min, max")
    .option("--branches <list>", "comma-separated branch names")
    .action(
      async (
        file: string,
        opts: { tree?: string; json?: boolean; stats?: boolean; branches?: string },
      ) => {
        const branches = opts.branches?.split(",").map((b) => b.trim()).filter((b) => b.length > 0);
        const result = await inspectFile(file, {
          readers,
          ...(opts.tree === undefined ? {} : { tree: opts.tree }),
          ...(branches === undefined ? {} : { branches }),
          stats: opts.stats ?? false,
        });
        if (opts.json) console.log(toJson(result));
        else if ("branches" in result && Array.isArray(result.branches)) {
          console.log(formatLayout(result as InspectLayout));
        } else console.log(_formatStats(result as InspectStats));
      },
    );
}

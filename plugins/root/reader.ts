import type { Column } from "@ristretto/core/columns";
import { didYouMean, RistrettoError } from "@ristretto/core/errors";
import { openByteSource } from "@ristretto/core/io";
import {
  API_VERSION,
  type BranchInfo,
  type ByteSource,
  type EntryRange,
  type OpenedFile,
  type Reader,
} from "@ristretto/core/plugin";
import { parseTree } from "./_objects.ts";
import { rootError } from "./_fail.ts";
import { openRootFile, type RootFile } from "./file.ts";
import { type ReadOptions, RootTree } from "./tree.ts";

/** Version of this reader; it enters work-item hashes. */
export const ROOT_READER_VERSION = "0.1.0";

/** Options of rootReader. */
export interface RootReaderOptions {
  /** Bytes between baskets below which one read covers both (default 256 KiB). */
  readonly coalesceGap?: number;
  /** Largest single coalesced read, and the read-ahead window (default 8 MiB). */
  readonly maxReadBytes?: number;
}

/** Defaults of RootReaderOptions. */
export const defaults: Required<RootReaderOptions> = {
  coalesceGap: 256 * 1024,
  maxReadBytes: 8 * 1024 * 1024,
};

/** An open ROOT file with its trees parsed: the OpenedFile of the root reader. */
export class RootTreeFile implements OpenedFile {
  /** Path or URL of the file. */
  readonly url: string;
  /** The underlying file (header, keys, record reads). */
  readonly file: RootFile;
  readonly #trees = new Map<string, RootTree | RistrettoError>();
  readonly #options: ReadOptions;

  /** Use openRootTrees or rootReader().open rather than this constructor. */
  constructor(file: RootFile, trees: Map<string, RootTree | RistrettoError>, options: ReadOptions) {
    this.url = file.url;
    this.file = file;
    this.#trees = trees;
    this.#options = options;
  }

  /** Names of the top-level trees (an unreadable one is listed; using it raises its error). */
  trees(): string[] {
    return [...this.#trees.keys()];
  }

  /** The parsed tree, or the error that made every cycle of it unreadable. */
  tree(name: string): RootTree {
    const tree = this.#trees.get(name);
    if (tree === undefined) {
      throw rootError(
        "ROOT_UNKNOWN_TREE",
        "find a tree in",
        { file: this.url },
        `there is no tree "${name}"${didYouMean(name, this.#trees.keys())}; trees: ${
          this.trees().join(", ") || "none"
        }`,
      );
    }
    if (tree instanceof RistrettoError) throw tree;
    return tree;
  }

  /** Number of entries of a tree. */
  entries(tree: string): number {
    return this.tree(tree).entries;
  }

  /** The readable (numeric, one-leaf) branches of a tree. */
  branches(tree: string): BranchInfo[] {
    return this.tree(tree).branches();
  }

  read(
    tree: string,
    branches: readonly string[],
    range?: EntryRange,
  ): Promise<Map<string, Column>> {
    try {
      return this.tree(tree).read(branches, range, this.#options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Closes the byte source. */
  close(): Promise<void> {
    return this.file.source.close();
  }
}

/**
 * Opens a ROOT file and parses its top-level trees. The newest cycle of each tree is used;
 * when it cannot be parsed, older cycles are tried before giving up on that tree.
 *
 * @example
 * ```ts ignore
 * const file = await openRootTrees(await openLocalFile("nano_dy.root"));
 * const cols = await file.read("Events", ["nJet", "Jet_pt"], { start: 0, stop: 10 });
 * ```
 */
export async function openRootTrees(
  source: ByteSource,
  options: RootReaderOptions = {},
): Promise<RootTreeFile> {
  const file = await openRootFile(source);
  const trees = new Map<string, RootTree | RistrettoError>();
  const names = [...new Set(file.keys.filter((k) => k.className === "TTree").map((k) => k.name))];
  for (const name of names) {
    let lastError: RistrettoError | undefined;
    for (const key of file.cycles(name).filter((k) => k.className === "TTree")) {
      const context = { file: file.url, tree: name, object: `TTree ${name};${key.cycle}` };
      try {
        const record = await file.readRecord(key, context);
        trees.set(
          name,
          new RootTree(file, parseTree(record.data, { origin: record.origin, name, context })),
        );
        lastError = undefined;
        break;
      } catch (error) {
        if (!(error instanceof RistrettoError)) throw error;
        lastError = error;
      }
    }
    if (lastError) trees.set(name, lastError);
  }
  return new RootTreeFile(file, trees, {
    coalesceGap: options.coalesceGap ?? defaults.coalesceGap,
    maxReadBytes: options.maxReadBytes ?? defaults.maxReadBytes,
  });
}

/** Opens a ROOT file by path or URL (file, http, https). */
export async function openRootUrl(
  url: string,
  options: RootReaderOptions = {},
): Promise<RootTreeFile> {
  const source = await openByteSource(url);
  try {
    return await openRootTrees(source, options);
  } catch (error) {
    await source.close();
    throw error;
  }
}

/**
 * The ROOT TTree reader plugin: columnar reads of flat and jagged numeric branches in every
 * ROOT codec (zlib, LZMA, LZ4, zstd).
 */
export function rootReader(options: RootReaderOptions = {}): Reader {
  return {
    kind: "reader",
    name: "root-reader",
    version: ROOT_READER_VERSION,
    apiVersion: API_VERSION,
    cacheKey: () => `root-reader@${ROOT_READER_VERSION}`,
    canRead(url: string, firstBytes?: Uint8Array): boolean {
      if (firstBytes !== undefined && firstBytes.length >= 4) {
        return firstBytes[0] === 0x72 && firstBytes[1] === 0x6f && firstBytes[2] === 0x6f &&
          firstBytes[3] === 0x74;
      }
      return /\.root(\?.*)?$/i.test(url);
    },
    async open(source: ByteSource): Promise<OpenedFile> {
      return await openRootTrees(source, options);
    },
  };
}

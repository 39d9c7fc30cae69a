/**
 * The content-addressed output store: one file per finished work item, named by the item's
 * hash, written atomically; plus the records of the other stages. Any process that can see
 * the folder (a local worker, a batch job on a shared filesystem) reads and writes it; no
 * file is ever modified in place, so concurrent writers of the same hash are harmless (they
 * write the same bytes).
 *
 * ```
 * <store>/STORE.json                 format marker
 *         results/<h[0..2]>/<h>.rres one work item's result (result_codec.ts)
 *         merged/<h>.rres            one dataset's merged result (merge stage)
 *         failures/<h>.json          why item <h> failed, attempts since its last success
 *         preprocess/<h>.json        entries and schema of a file, by file identity
 *         schemas/<h>.json           a branch list (files of a dataset share one)
 *         configs/<h>.json           config snapshots that `work --config` loads
 *         jobs/<h>.json              items files that `work --items` reads
 * ```
 * @module
 */
import { existsSync, rmSync } from "node:fs";
import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic, writeFileAtomicSync } from "./atomic_write.ts";
import { decodeResult, encodeResult, readResultHeader, type ResultCodec } from "./result_codec.ts";

/** The kinds of entries a store holds (its sub-folders). */
export type StoreKind =
  | "results"
  | "merged"
  | "failures"
  | "preprocess"
  | "schemas"
  | "configs"
  | "jobs";

/** Every kind, in the order `cache ls` shows them. */
export const STORE_KINDS: readonly StoreKind[] = [
  "results",
  "merged",
  "failures",
  "preprocess",
  "schemas",
  "configs",
  "jobs",
];

const EXTENSION: Record<StoreKind, string> = {
  results: ".rres",
  merged: ".rres",
  failures: ".json",
  preprocess: ".json",
  schemas: ".json",
  configs: ".json",
  jobs: ".json",
};

/** Why a work item failed, kept until it succeeds. */
export interface FailureRecord {
  readonly hash: string;
  /** The item's readable key (dataset|file|tree|start-stop). */
  readonly key: string;
  readonly error: string;
  /** Failed attempts since the item last succeeded (over every run). */
  readonly attempts: number;
  /** ISO time of the last failure. */
  readonly at: string;
}

/** One entry of a store listing. */
export interface StoreEntry {
  readonly kind: StoreKind;
  readonly hash: string;
  readonly path: string;
  readonly bytes: number;
}

/** A store folder. Cheap to create: it only remembers the path. */
export class ResultStore {
  /** The store folder (absolute or relative to the cwd). */
  readonly folder: string;
  readonly #codec: ResultCodec;

  constructor(folder: string, options: { codec?: ResultCodec } = {}) {
    this.folder = folder;
    this.#codec = options.codec ?? "zstd";
  }

  /** Creates the folder and its marker file when absent. */
  async init(): Promise<this> {
    await mkdir(this.folder, { recursive: true });
    const marker = join(this.folder, "STORE.json");
    if (!existsSync(marker)) {
      await writeFileAtomic(
        marker,
        JSON.stringify({ format: "ristretto-store", version: 1 }) + "\n",
      );
    }
    return this;
  }

  /** The path of entry `hash` of `kind` (whether it exists or not). */
  path(kind: StoreKind, hash: string): string {
    checkHash(hash);
    return kind === "results"
      ? join(this.folder, kind, hash.slice(0, 2), hash + EXTENSION[kind])
      : join(this.folder, kind, hash + EXTENSION[kind]);
  }

  /** True when entry `hash` of `kind` exists. */
  has(kind: StoreKind, hash: string): boolean {
    return existsSync(this.path(kind, hash));
  }

  /**
   * Stores a result (kind `results` or `merged`) atomically. The write is synchronous (see
   * writeFileAtomicSync); the method stays async, as a store on a remote service would be.
   */
  // deno-lint-ignore require-await
  async putResult(
    kind: "results" | "merged",
    hash: string,
    value: unknown,
    header: Record<string, unknown> = {},
  ): Promise<void> {
    writeFileAtomicSync(
      this.path(kind, hash),
      encodeResult(value, { hash, ...header }, { codec: this.#codec }),
    );
  }

  /** Reads a stored result back. */
  async getResult(kind: "results" | "merged", hash: string): Promise<unknown> {
    return decodeResult(await readFile(this.path(kind, hash)));
  }

  /** The uncompressed header of a stored result (for listings). */
  async getResultHeader(
    kind: "results" | "merged",
    hash: string,
  ): Promise<Record<string, unknown>> {
    const file = await Deno.open(this.path(kind, hash));
    try {
      const start = new Uint8Array(12);
      await readFull(file, start);
      const length = new DataView(start.buffer).getUint32(8, true);
      const whole = new Uint8Array(12 + length);
      whole.set(start);
      await readFull(file, whole.subarray(12));
      return readResultHeader(whole);
    } finally {
      file.close();
    }
  }

  /** Stores a JSON record atomically (synchronously, as putResult). */
  // deno-lint-ignore require-await
  async putJSON(kind: StoreKind, hash: string, value: unknown): Promise<string> {
    const path = this.path(kind, hash);
    writeFileAtomicSync(path, JSON.stringify(value) + "\n");
    return path;
  }

  /** Reads a JSON record, or undefined when there is none. */
  async getJSON<T>(kind: StoreKind, hash: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path(kind, hash), "utf8")) as T;
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** Records a failed attempt of item `hash` (attempts add up until it succeeds). */
  async recordFailure(hash: string, key: string, error: string): Promise<FailureRecord> {
    const previous = await this.getJSON<FailureRecord>("failures", hash);
    const record: FailureRecord = {
      hash,
      key,
      error,
      attempts: (previous?.attempts ?? 0) + 1,
      at: new Date().toISOString(),
    };
    await this.putJSON("failures", hash, record);
    return record;
  }

  /** Removes an entry (no error when it is absent; synchronously, as putResult). */
  // deno-lint-ignore require-await
  async remove(kind: StoreKind, hash: string): Promise<void> {
    rmSync(this.path(kind, hash), { force: true });
  }

  /** Every entry of `kind` (temporary files of interrupted writes are skipped). */
  async list(kind: StoreKind): Promise<StoreEntry[]> {
    const folders = kind === "results"
      ? (await readdirSafe(join(this.folder, kind))).map((shard) => join(kind, shard))
      : [kind];
    const entries: StoreEntry[] = [];
    for (const folder of folders) {
      for (const name of await readdirSafe(join(this.folder, folder))) {
        if (name.startsWith(".") || !name.endsWith(EXTENSION[kind])) continue;
        const path = join(this.folder, folder, name);
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile()) continue;
        entries.push({
          kind,
          hash: name.slice(0, -EXTENSION[kind].length),
          path,
          bytes: info.size,
        });
      }
    }
    return entries.sort((a, b) => a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);
  }
}

async function readdirSafe(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).sort();
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw error;
  }
}

async function readFull(file: Deno.FsFile, into: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < into.byteLength) {
    const n = await file.read(into.subarray(offset));
    if (n === null) throw new RangeError("Cannot read a stored result: the file is truncated");
    offset += n;
  }
}

function checkHash(hash: string): void {
  // Hashes name files: refuse anything that could leave the store folder.
  if (!/^[0-9a-f]{8,128}$/.test(hash)) throw new RangeError(`Not a store hash: "${hash}"`);
}

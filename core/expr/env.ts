import type { Column } from "../columns/types.ts";
import { isJagged } from "../columns/jagged.ts";

/**
 * What an expression reads when it runs: the columns of one batch of events.
 *
 * Paths are dotted: `Jet.pt` (jagged, collection `Jet`), `MET.pt`, `HLT.IsoMu24`, `genWeight`
 * (one value per event). Jagged columns of one collection share its offsets.
 */
export interface ExprEnv {
  /** Number of events in the batch. */
  readonly length: number;
  /** Whether the column `path` exists. */
  has(path: string): boolean;
  /** The column at `path` (flat for per-event values, jagged for object fields). */
  column(path: string): Column;
  /** The offsets of collection `name` (what its jagged fields share). */
  collectionOffsets(name: string): Int32Array;
  /** All column paths. */
  names(): string[];
}

/** How the checker sees one path: per event, or jagged (one value per object of `collection`). */
export interface ExprFieldKind {
  readonly jagged: boolean;
  /** The collection of a jagged field, e.g. `Jet` for `Jet.pt`. */
  readonly collection?: string;
  /** `bool` for flags (`Muon.tightId`, `HLT.IsoMu24`); numbers otherwise (the default). */
  readonly type?: "number" | "bool";
}

/** What the type checker knows about the columns, without any data. */
export interface ExprSchema {
  /** How `path` is shaped, or `undefined` when there is no such column. */
  kindOf(path: string): ExprFieldKind | undefined;
  /** All column paths (for "did you mean" suggestions). */
  names(): string[];
  /** Whether `name` is a collection (`Jet`, `GoodMuon`), i.e. something one can index or count. */
  isCollection(name: string): boolean;
}

/** Options of {@linkcode schemaOf}. */
export interface SchemaOfOptions {
  /** Paths to type as booleans (e.g. `Muon.tightId`), since a byte column may be a flag or a small integer. */
  readonly bools?: Iterable<string>;
}

/**
 * The schema of an environment: a path is jagged when its column is, and a jagged path
 * `Jet.pt` belongs to collection `Jet` (the part before the last dot). It reads every column
 * once to see its shape; for core/events' Events (lazily read fields) use `eventsSchema`.
 *
 * @example
 * ```ts
 * import { columnsEnv, schemaOf } from "./env.ts";
 * const env = columnsEnv({ "Jet.pt": { offsets: Int32Array.of(0, 1), content: Float32Array.of(40) } });
 * if (schemaOf(env).kindOf("Jet.pt")?.collection !== "Jet") throw new Error();
 * ```
 */
export function schemaOf(env: ExprEnv, options: SchemaOfOptions = {}): ExprSchema {
  const bools = new Set(options.bools ?? []);
  const kinds = new Map<string, ExprFieldKind>();
  const collections = new Set<string>();
  for (const path of env.names()) {
    const column = env.column(path);
    const type = bools.has(path) ? "bool" : "number";
    if (isJagged(column)) {
      const collection = path.slice(0, Math.max(0, path.lastIndexOf(".")));
      collections.add(collection);
      kinds.set(path, { jagged: true, collection, type });
    } else {
      kinds.set(path, { jagged: false, type });
    }
  }
  return {
    kindOf: (path) => kinds.get(path),
    names: () => [...kinds.keys()],
    isCollection: (name) => collections.has(name),
  };
}

/**
 * An environment over plain columns keyed by dotted path (tests, small tools). Collection
 * offsets are taken from the first jagged field of each collection.
 *
 * @example
 * ```ts
 * import { columnsEnv } from "./env.ts";
 * const env = columnsEnv({ genWeight: Float64Array.of(1, -1) });
 * if (env.length !== 2 || !env.has("genWeight")) throw new Error();
 * ```
 */
export function columnsEnv(columns: Record<string, Column> | Map<string, Column>): ExprEnv {
  const map = columns instanceof Map ? columns : new Map(Object.entries(columns));
  const offsets = new Map<string, Int32Array>();
  let length: number | undefined;
  for (const [path, column] of map) {
    const events = isJagged(column) ? column.offsets.length - 1 : column.length;
    if (length !== undefined && events !== length) {
      throw new RangeError(
        `Cannot build an environment: "${path}" has ${events} events, others ${length}`,
      );
    }
    length = events;
    if (isJagged(column)) {
      const collection = path.slice(0, Math.max(0, path.lastIndexOf(".")));
      if (!offsets.has(collection)) offsets.set(collection, column.offsets);
    }
  }
  return {
    length: length ?? 0,
    has: (path) => map.has(path),
    column(path) {
      const column = map.get(path);
      if (column === undefined) throw new RangeError(`No column "${path}"`);
      return column;
    },
    collectionOffsets(name) {
      const found = offsets.get(name);
      if (found === undefined) throw new RangeError(`No collection "${name}"`);
      return found;
    },
    names: () => [...map.keys()],
  };
}

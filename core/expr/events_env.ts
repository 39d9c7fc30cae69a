import type { Column } from "../columns/types.ts";
import { isJagged } from "../columns/jagged.ts";
import type { ExprEnv, ExprFieldKind, ExprSchema, SchemaOfOptions } from "./env.ts";

/**
 * What expressions need from core/events' `Events` (structural, so either side can grow
 * without breaking the other): dotted names, columns, collections with their offsets.
 */
export interface EventsLike {
  readonly length: number;
  has(name: string): boolean;
  column(path: string): Column;
  /** Every column in dotted form (`Jet.pt`, `MET.pt`, `nJet`, ...). */
  names(): string[];
  collectionNames(): string[];
  collection(name: string): { readonly offsets: Int32Array; has(field: string): boolean };
}

/**
 * Events as an expression environment: `Jet.pt` reads `events.column("Jet.pt")`, and the
 * offsets of `Jet` are its collection's.
 *
 * @example
 * ```ts
 * import type { Column } from "../columns/types.ts";
 * import { eventsFromBranches } from "../events/mod.ts";
 * import { compileExpression, eventsEnv, eventsSchema } from "./mod.ts";
 * const events = eventsFromBranches(new Map<string, Column>([
 *   ["Jet_pt", { offsets: Int32Array.of(0, 2, 3), content: Float32Array.of(50, 30, 40) }],
 * ]));
 * const n = compileExpression("count(Jet.pt > 35)", eventsSchema(events)).evaluate(eventsEnv(events));
 * if ((n as Float64Array)[0] !== 1 || (n as Float64Array)[1] !== 1) throw new Error();
 * ```
 */
export function eventsEnv(events: EventsLike): ExprEnv {
  return {
    length: events.length,
    has: (path) => events.has(path),
    column: (path) => events.column(path),
    collectionOffsets: (name) => events.collection(name).offsets,
    names: () => events.names(),
  };
}

/**
 * The schema of Events, from names alone: no lazily read field is loaded to check it.
 * A path `X.y` is a jagged field when `X` is a collection; other names are per event.
 *
 * @example
 * ```ts
 * import type { Column } from "../columns/types.ts";
 * import { eventsFromBranches } from "../events/mod.ts";
 * import { eventsSchema } from "./events_env.ts";
 * const events = eventsFromBranches(new Map<string, Column>([
 *   ["Muon_pt", { offsets: Int32Array.of(0, 1), content: Float32Array.of(30) }],
 *   ["HLT_IsoMu24", Uint8Array.of(1)],
 * ]));
 * const schema = eventsSchema(events, { bools: ["HLT.IsoMu24"] });
 * if (schema.kindOf("Muon.pt")?.collection !== "Muon") throw new Error();
 * if (schema.kindOf("HLT.IsoMu24")?.type !== "bool") throw new Error();
 * ```
 */
export function eventsSchema(events: EventsLike, options: SchemaOfOptions = {}): ExprSchema {
  const bools = new Set(options.bools ?? []);
  const collections = new Set(events.collectionNames());
  const names = events.names();
  const known = new Set(names);
  return {
    kindOf(path: string): ExprFieldKind | undefined {
      if (!known.has(path)) return undefined;
      const type = bools.has(path) ? "bool" : "number";
      const dot = path.indexOf(".");
      const group = dot > 0 ? path.slice(0, dot) : "";
      if (collections.has(group)) return { jagged: true, collection: group, type };
      // Top-level columns are already in memory; a jagged one belongs to no collection.
      if (dot < 0 && isJagged(events.column(path))) return undefined;
      return { jagged: false, type };
    },
    names: () => names,
    isCollection: (name) => collections.has(name),
  };
}

/**
 * Events: the columns of one chunk of NanoAOD, grouped the NanoAOD way. `Jet_pt` with
 * counter `nJet` becomes collection `Jet` (field `pt`); flat groups such as `MET_pt`,
 * `HLT_IsoMu24` and `Flag_goodVertices` become records (`MET.pt`, `HLT.IsoMu24`); plain
 * branches (`run`, `event`, `genWeight`, the counters `nJet`) stay at the top level.
 * @module
 */
import type { Column, Jagged, NumericArray } from "../columns/types.ts";
import { eventCount, isJagged } from "../columns/jagged.ts";
import { checkSameLayout } from "../columns/_check.ts";
import { filterEvents } from "../columns/filter.ts";
import { didYouMean, InputError } from "../errors/mod.ts";
import { Collection, type FieldSource } from "./collection.ts";
import { alignedContent } from "./_align.ts";
import { bit } from "../columns/_bits.ts";

/** Options of `eventsFromBranches`. */
export interface EventsOptions {
  /** Number of events; needed when there are no branches, checked against them otherwise. */
  length?: number;
}

/** Flat per-event fields of one group, e.g. `MET` -> {pt, phi, ...}. */
export type EventRecord = Readonly<Record<string, NumericArray>>;

/** A value, or a function computing it on first use (skims and calibrations stay lazy). */
type Lazy<T> = T | (() => T);

interface EventsParts {
  length: number;
  top: Map<string, Lazy<Column>>;
  collections: Map<string, Collection>;
  records: Map<string, Map<string, Lazy<NumericArray>>>;
}

/** The value at `key`, computing (and keeping) it if it is still a function. */
function resolved<T>(map: Map<string, Lazy<T>>, key: string): T | undefined {
  const value = map.get(key);
  if (typeof value !== "function") return value;
  const computed = (value as () => T)();
  map.set(key, computed);
  return computed;
}

/**
 * One chunk of events. Immutable: `withCollection`, `withColumn` and `selectEvents` return
 * new Events sharing the columns.
 *
 * @example
 * ```ts
 * import type { Column } from "../columns/types.ts";
 * import { eventsFromBranches } from "./events.ts";
 * const offsets = Int32Array.of(0, 2, 3);
 * const events = eventsFromBranches(new Map<string, Column>([
 *   ["nJet", Int32Array.of(2, 1)],
 *   ["Jet_pt", { offsets, content: Float32Array.of(50, 30, 40) }],
 *   ["MET_pt", Float32Array.of(12, 80)],
 * ]));
 * if (events.length !== 2 || events.collection("Jet").get("pt").content[2] !== 40) {
 *   throw new Error();
 * }
 * if ((events.column("MET.pt") as Float32Array)[1] !== 80) throw new Error();
 * ```
 */
export class Events {
  /** Number of events. */
  readonly length: number;
  readonly #top: Map<string, Lazy<Column>>;
  readonly #collections: Map<string, Collection>;
  readonly #records: Map<string, Map<string, Lazy<NumericArray>>>;

  /** Use `eventsFromBranches`; this constructor takes already grouped parts. */
  constructor(parts: EventsParts) {
    this.length = parts.length;
    this.#top = parts.top;
    this.#collections = parts.collections;
    this.#records = parts.records;
  }

  /** True for any addressable column (`Jet.pt`, `Jet_pt`, `nJet`), collection or record name. */
  has(name: string): boolean {
    return this.#collections.has(name) || this.#records.has(name) ||
      this.#find(name) !== undefined;
  }

  /**
   * A column by path: `Jet.pt`, `MET.pt`, `HLT.IsoMu24`, `genWeight`, `nJet`, or the raw
   * branch name `Jet_pt`. Unknown names throw an InputError (`EVENTS_UNKNOWN_FIELD`) with a
   * did-you-mean.
   */
  column(path: string): Column {
    const found = this.#find(path);
    if (found !== undefined) return found;
    if (this.#collections.has(path) || this.#records.has(path)) {
      throw new InputError(
        "EVENTS_UNKNOWN_FIELD",
        `Cannot read column "${path}": it is a group of columns; name a field, e.g. "${path}.${
          this.#fieldsOf(path)[0] ?? "pt"
        }"`,
      );
    }
    throw this.#unknown("column", path);
  }

  /** A collection of objects (`Jet`, `Muon`, or one added with `withCollection`). */
  collection(name: string): Collection {
    const found = this.#collections.get(name);
    if (found) return found;
    throw this.#unknown("collection", name, this.collectionNames());
  }

  /** A flat group as an object of per-event arrays, e.g. `record("MET").pt`. */
  record(name: string): EventRecord {
    const found = this.#records.get(name);
    if (found) {
      return Object.fromEntries([...found.keys()].map((key) => [key, resolved(found, key)!]));
    }
    throw this.#unknown("record", name, [...this.#records.keys()]);
  }

  /** Names of the collections, sorted. */
  collectionNames(): string[] {
    return [...this.#collections.keys()].sort();
  }

  /** Every addressable column in dotted form (`Jet.pt`, `MET.pt`, `nJet`, ...), sorted. */
  names(): string[] {
    const names = [...this.#top.keys()];
    for (const [name, collection] of this.#collections) {
      for (const field of collection.fields()) names.push(`${name}.${field}`);
    }
    for (const [name, fields] of this.#records) {
      for (const field of fields.keys()) names.push(`${name}.${field}`);
    }
    return names.sort();
  }

  /**
   * New Events with a collection added or replaced (e.g. `GoodMuon`, or calibrated `Jet`),
   * sharing every other column.
   */
  withCollection(name: string, collection: Collection): Events {
    if (collection.length !== this.length) {
      throw new RangeError(
        `Cannot add collection "${name}": it has ${collection.length} events but the events have ${this.length}`,
      );
    }
    const collections = new Map(this.#collections);
    collections.set(name, collection.name === name ? collection : collection.renamed(name));
    return new Events({ ...this.#parts(), collections });
  }

  /** New Events with a top-level column added or replaced (e.g. a per-event weight). */
  withColumn(name: string, column: Column): Events {
    if (eventCount(column) !== this.length) {
      throw new RangeError(
        `Cannot add column "${name}": it has ${
          eventCount(column)
        } events but the events have ${this.length}`,
      );
    }
    const top = new Map(this.#top);
    top.set(name, column);
    return new Events({ ...this.#parts(), top });
  }

  /**
   * New Events with fields of a record added or replaced (e.g. MET.pt and MET.phi after a
   * jet calibration is propagated), sharing every other column.
   */
  withRecordFields(
    name: string,
    fields: Readonly<Record<string, NumericArray | (() => NumericArray)>>,
  ): Events {
    const records = new Map(this.#records);
    const merged = new Map(records.get(name) ?? []);
    for (const [field, values] of Object.entries(fields)) {
      // A function is computed on first read (e.g. MET after a jet calibration: often unused).
      if (typeof values === "function") {
        const length = this.length;
        merged.set(field, () => {
          const computed = values();
          if (computed.length !== length) {
            throw new RangeError(
              `Cannot set "${name}.${field}": it has ${computed.length} values but the events have ${length}`,
            );
          }
          return computed;
        });
        continue;
      }
      if (values.length !== this.length) {
        throw new RangeError(
          `Cannot set "${name}.${field}": it has ${values.length} values but the events have ${this.length}`,
        );
      }
      merged.set(field, values);
    }
    records.set(name, merged);
    return new Events({ ...this.#parts(), records });
  }

  /** The events where an event-level mask is true; collections filter their fields lazily. */
  selectEvents(mask: Uint8Array): Events {
    if (mask.length !== this.length) {
      throw new RangeError(
        `Cannot select events: the mask has ${mask.length} entries but there are ${this.length} events`,
      );
    }
    let kept = 0;
    for (let i = 0; i < mask.length; i++) kept += bit(mask[i] !== 0);
    // Immutable, so "every event" (an empty skim) can share everything.
    if (kept === this.length) return this;
    // Columns are skimmed on first read: most of them never are after a tight selection.
    const top = new Map<string, Lazy<Column>>();
    for (const name of this.#top.keys()) {
      top.set(name, () => filterEvents(resolved(this.#top, name)!, mask));
    }
    const collections = new Map<string, Collection>();
    for (const [name, collection] of this.#collections) {
      collections.set(name, collection.selectEvents(mask));
    }
    const records = new Map<string, Map<string, Lazy<NumericArray>>>();
    for (const [name, fields] of this.#records) {
      const selected = new Map<string, Lazy<NumericArray>>();
      for (const field of fields.keys()) {
        selected.set(field, () => filterEvents(resolved(fields, field)!, mask) as NumericArray);
      }
      records.set(name, selected);
    }
    return new Events({ length: kept, top, collections, records });
  }

  #parts(): EventsParts {
    return {
      length: this.length,
      top: this.#top,
      collections: this.#collections,
      records: this.#records,
    };
  }

  #fieldsOf(group: string): string[] {
    const collection = this.#collections.get(group);
    if (collection) return collection.fields();
    return [...(this.#records.get(group)?.keys() ?? [])];
  }

  #find(path: string): Column | undefined {
    const top = resolved(this.#top, path);
    if (top !== undefined) return top;
    // "Jet.pt" first; then raw "Jet_pt" (the group name never contains "_" in NanoAOD).
    for (const separator of [".", "_"]) {
      const at = path.indexOf(separator);
      if (at <= 0) continue;
      const group = path.slice(0, at);
      const field = path.slice(at + 1);
      const collection = this.#collections.get(group);
      if (collection?.has(field)) return collection.get(field);
      const fields = this.#records.get(group);
      const record = fields ? resolved(fields, field) : undefined;
      if (record !== undefined) return record;
    }
    return undefined;
  }

  #unknown(what: string, name: string, known: string[] = this.names()): InputError {
    // Suggest in dotted form even when the raw branch name was given.
    const dotted = !name.includes(".") && name.includes("_") ? name.replace("_", ".") : name;
    const hint = didYouMean(dotted, known) || didYouMean(name, known);
    return new InputError(
      "EVENTS_UNKNOWN_FIELD",
      `Cannot read ${what} "${name}": the events have no such ${what}${hint}`,
    );
  }
}

/**
 * Group NanoAOD branches (as a reader returns them) into Events. Jagged `X_y` branches form
 * collection `X`; flat `X_y` branches form record `X` unless `X` is a collection; anything
 * else stays top level. The counter `nX` is checked against collection `X`.
 *
 * @example
 * ```ts
 * import type { Column } from "../columns/types.ts";
 * import { eventsFromBranches } from "./events.ts";
 * const events = eventsFromBranches(new Map<string, Column>([
 *   ["HLT_IsoMu24", Uint8Array.of(1, 0)],
 *   ["genWeight", Float32Array.of(1, -1)],
 * ]));
 * if ((events.column("HLT.IsoMu24") as Uint8Array)[0] !== 1) throw new Error();
 * if (!events.has("genWeight") || events.names().join() !== "HLT.IsoMu24,genWeight") {
 *   throw new Error();
 * }
 * ```
 */
export function eventsFromBranches(
  branches: Map<string, Column>,
  options: EventsOptions = {},
): Events {
  let length = options.length;
  for (const [name, column] of branches) {
    const n = eventCount(column);
    if (length === undefined) length = n;
    else if (n !== length) {
      throw new InputError(
        "EVENTS_LENGTH_MISMATCH",
        `Cannot group branch "${name}": it has ${n} events but ${
          options.length === undefined ? "the other branches have" : "the events have"
        } ${length}`,
      );
    }
  }
  const jaggedGroups = new Map<string, Map<string, Jagged>>();
  const top = new Map<string, Column>();
  const flatGrouped: [string, string, NumericArray][] = [];
  for (const [name, column] of branches) {
    const at = name.indexOf("_");
    const grouped = at > 0 && at < name.length - 1;
    if (!grouped) {
      top.set(name, column);
    } else if (isJagged(column)) {
      const group = name.slice(0, at);
      if (!jaggedGroups.has(group)) jaggedGroups.set(group, new Map());
      jaggedGroups.get(group)!.set(name.slice(at + 1), column);
    } else {
      flatGrouped.push([name.slice(0, at), name.slice(at + 1), column]);
    }
  }
  const collections = new Map<string, Collection>();
  for (const [group, fields] of jaggedGroups) {
    collections.set(group, collectionOfBranches(group, fields, top.get(`n${group}`)));
  }
  const records = new Map<string, Map<string, NumericArray>>();
  for (const [group, field, values] of flatGrouped) {
    if (collections.has(group)) {
      top.set(`${group}_${field}`, values); // a flat branch beside a collection: keep it raw
      continue;
    }
    if (!records.has(group)) records.set(group, new Map());
    records.get(group)!.set(field, values);
  }
  return new Events({ length: length ?? 0, top, collections, records });
}

function collectionOfBranches(
  group: string,
  fields: Map<string, Jagged>,
  counter: Column | undefined,
): Collection {
  const [firstName, first] = fields.entries().next().value!;
  const offsets = first.offsets;
  const sources = new Map<string, FieldSource>();
  for (const [field, column] of fields) {
    try {
      checkSameLayout(offsets, column.offsets, `group ${group}`, `${group}_${field}`);
    } catch (cause) {
      throw new InputError(
        "EVENTS_INCONSISTENT_COLLECTION",
        `Cannot group branch "${group}_${field}" into collection "${group}": its objects per event differ from "${group}_${firstName}" (${
          (cause as Error).message
        })`,
        { cause },
      );
    }
    sources.set(field, alignedContent(offsets, column));
  }
  if (counter !== undefined && !isJagged(counter)) {
    for (let i = 0; i < counter.length; i++) {
      if (Number(counter[i]) !== offsets[i + 1] - offsets[i]) {
        throw new InputError(
          "EVENTS_INCONSISTENT_COLLECTION",
          `Cannot group collection "${group}": n${group} is ${
            counter[i]
          } in event ${i} but the branches have ${offsets[i + 1] - offsets[i]} objects`,
        );
      }
    }
  }
  return new Collection(group, offsets, sources);
}

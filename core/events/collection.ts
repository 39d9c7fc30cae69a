/**
 * A collection of physics objects (Jet, Muon, GoodMuon, ...): jagged fields that share one
 * offsets array. Fields are computed on first use, so filtering a 30-field collection costs
 * only the fields an analysis reads.
 * @module
 */
import type { Jagged, NumericArray } from "../columns/types.ts";
import { isJagged } from "../columns/jagged.ts";
import { checkSameLayout, eventsOfOffsets, sameTypeArray } from "../columns/_check.ts";
import { objectSelection } from "../columns/_selection.ts";
import { argsort } from "../columns/sort.ts";
import { didYouMean, InputError } from "../errors/mod.ts";
import { alignedContent } from "./_align.ts";
import { keptEvents } from "./_kept.ts";

/**
 * A field of a derived collection (filtered, skimmed, reordered): the values of an original
 * content at positions `index` (`content[k] = base()[index[k]]`). Chains of selections compose
 * their index arrays, so reading a field of `Jet -> GoodJet -> preselected GoodJet` is one
 * gather over the kept objects, never a full-size intermediate per step.
 */
export interface GatheredField {
  readonly base: () => NumericArray;
  /** Computed on first read, and shared by every field derived through the same selections. */
  readonly index: () => Int32Array;
}

/** A field's content, a function computing it on first use, or a gather from another content. */
export type FieldSource = NumericArray | (() => NumericArray) | GatheredField;

function isGathered(source: FieldSource): source is GatheredField {
  return typeof source === "object" && "index" in source && "base" in source;
}

/** The function computing `compute()` once. */
function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as T;
  };
}

/** `base[index[k]]` for k in [start, stop), in an array of the base's type. */
function gatherContent(base: NumericArray, index: Int32Array, start: number, stop: number) {
  const out = sameTypeArray(base, index.length);
  const source = base as unknown as Float64Array; // element type kept by sameTypeArray
  const target = out as unknown as Float64Array;
  for (let k = start; k < stop; k++) target[k] = source[index[k]];
  return out;
}

/** Options of `Collection.sortedBy`. */
export interface SortOptions {
  /** Largest first (as for pt ordering). Default false. */
  descending?: boolean;
}

/**
 * Jagged fields of one kind of object, all sharing `offsets`; field contents are indexed by
 * absolute content index (`content[offsets[i] + k]` is object k of event i).
 *
 * @example
 * ```ts
 * import { Collection } from "./collection.ts";
 * const jets = new Collection("Jet", Int32Array.of(0, 2, 3), {
 *   pt: Float32Array.of(30, 50, 40),
 *   eta: Float32Array.of(0.1, -2.0, 1.2),
 * });
 * const leadingFirst = jets.sortedBy("pt", { descending: true });
 * if (leadingFirst.get("eta").content[0] !== -2) throw new Error();
 * ```
 */
export class Collection {
  /** The collection name, e.g. `Jet`. */
  readonly name: string;
  /** Offsets shared by every field. */
  readonly offsets: Int32Array;
  readonly #sources: Map<string, FieldSource>;
  readonly #loaded = new Map<string, Jagged>();

  constructor(
    name: string,
    offsets: Int32Array,
    fields: Map<string, FieldSource> | Record<string, FieldSource>,
  ) {
    eventsOfOffsets(offsets, `collection ${name}`);
    this.name = name;
    this.offsets = offsets;
    this.#sources = fields instanceof Map ? new Map(fields) : new Map(Object.entries(fields));
  }

  /** Number of events. */
  get length(): number {
    return this.offsets.length - 1;
  }

  /** Field names, in the order they were given. */
  fields(): string[] {
    return [...this.#sources.keys()];
  }

  /** True when the collection has this field. */
  has(field: string): boolean {
    return this.#sources.has(field);
  }

  /** Number of objects per event. */
  counts(): Int32Array {
    const n = this.length;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.offsets[i + 1] - this.offsets[i];
    return out;
  }

  /** A field as a jagged array sharing `offsets`; unknown fields throw an InputError. */
  get(field: string): Jagged {
    const loaded = this.#loaded.get(field);
    if (loaded) return loaded;
    const source = this.#sources.get(field);
    if (source === undefined) {
      throw new InputError(
        "EVENTS_UNKNOWN_FIELD",
        `Cannot read field "${this.name}.${field}": collection ${this.name} has no field "${field}"${
          didYouMean(field, this.#sources.keys())
        }`,
      );
    }
    const content = typeof source === "function"
      ? source()
      : isGathered(source)
      ? gatherContent(source.base(), source.index(), this.offsets[0], this.offsets[this.length])
      : source;
    const last = this.offsets[this.length];
    if (content.length < last) {
      throw new RangeError(
        `Cannot read field "${this.name}.${field}": content has ${content.length} values but the offsets end at ${last}`,
      );
    }
    const result = { offsets: this.offsets, content };
    this.#loaded.set(field, result);
    return result;
  }

  /** A copy under another name, sharing fields (and already computed contents). */
  renamed(name: string): Collection {
    return new Collection(name, this.offsets, this.#sharedSources());
  }

  /**
   * The collection with one more (or a replaced) field, e.g. a corrected pt. A jagged value
   * must have the same number of objects per event; a flat one is content indexed like the
   * collection's fields.
   */
  withField(field: string, value: NumericArray | Jagged): Collection {
    const sources = this.#sharedSources();
    if (isJagged(value)) {
      checkSameLayout(this.offsets, value.offsets, `withField ${this.name}.${field}`, "the field");
      sources.set(field, alignedContent(this.offsets, value));
    } else {
      sources.set(field, value);
    }
    return new Collection(this.name, this.offsets, sources);
  }

  /** Objects where an object-level mask is true; all fields share one new offsets array. */
  filter(mask: Jagged<Uint8Array>): Collection {
    // Offsets and selection in one pass: a filtered collection is nearly always read.
    const { offsets, selection } = objectSelection(this.offsets, mask);
    return this.#derived(offsets, () => selection);
  }

  /** Objects picked or reordered by event-local indices (e.g. from `argsort`). */
  take(localIndex: Jagged<Int32Array>): Collection {
    const offsets = localIndex.offsets;
    const n = this.length;
    if (offsets.length - 1 !== n) {
      throw new RangeError(
        `Cannot take objects of "${this.name}": the index has ${
          offsets.length - 1
        } events, the collection ${n}`,
      );
    }
    // Checked now, so a bad index fails where it is made, not at the first field read.
    const selection = new Int32Array(offsets[n]);
    for (let i = 0; i < n; i++) {
      const first = this.offsets[i];
      const count = this.offsets[i + 1] - first;
      for (let k = offsets[i]; k < offsets[i + 1]; k++) {
        const local = localIndex.content[k];
        if (!(local >= 0 && local < count)) {
          throw new RangeError(
            `Cannot take objects of "${this.name}": index ${local} in event ${i}, which has ${count} objects`,
          );
        }
        selection[k] = first + local;
      }
    }
    return this.#derived(offsets, () => selection);
  }

  /** The objects ordered by a field within each event (stable, NaN last). */
  sortedBy(field: string, options: SortOptions = {}): Collection {
    return this.take(argsort(this.get(field), options));
  }

  /** The events where an event-level mask is true (a skim), offsets starting at 0. */
  selectEvents(mask: Uint8Array): Collection {
    if (mask.length !== this.length) {
      throw new RangeError(
        `Cannot select events of "${this.name}": the mask has ${mask.length} entries but there are ${this.length} events`,
      );
    }
    const events = keptEvents(mask);
    const kept = events.length;
    if (kept === this.length) return this;
    const offsets = new Int32Array(kept + 1);
    for (let e = 0; e < kept; e++) {
      const i = events[e];
      offsets[e + 1] = offsets[e] + this.offsets[i + 1] - this.offsets[i];
    }
    return this.#derived(offsets, () => {
      const selection = new Int32Array(offsets[kept]);
      for (let e = 0, k = 0; e < kept; e++) {
        const last = this.offsets[events[e] + 1];
        for (let j = this.offsets[events[e]]; j < last; j++) selection[k++] = j;
      }
      return selection;
    });
  }

  #sharedSources(): Map<string, FieldSource> {
    const sources = new Map<string, FieldSource>();
    for (const name of this.#sources.keys()) {
      const loaded = this.#loaded.get(name);
      sources.set(name, loaded ? loaded.content : this.#sources.get(name)!);
    }
    return sources;
  }

  /**
   * A collection whose content position k holds this collection's content at `selection()[k]`.
   * Nothing is computed here: the selection, and its composition with earlier selections, run
   * on the first read of a field, once for all fields that share them.
   */
  #derived(offsets: Int32Array, selection: () => Int32Array): Collection {
    const shared = once(selection);
    const composed = new Map<() => Int32Array, () => Int32Array>();
    const sources = new Map<string, FieldSource>();
    for (const [name, source] of this.#sources) {
      const loaded = this.#loaded.get(name);
      if (loaded) {
        sources.set(name, { base: () => loaded.content, index: shared });
      } else if (isGathered(source)) {
        let index = composed.get(source.index);
        if (!index) {
          const inner = source.index;
          index = once(() => {
            const outer = shared();
            const innerIndex = inner();
            const result = new Int32Array(outer.length);
            for (let k = 0; k < outer.length; k++) result[k] = innerIndex[outer[k]];
            return result;
          });
          composed.set(inner, index);
        }
        sources.set(name, { base: source.base, index });
      } else if (typeof source === "function") {
        // Memoised so collections derived from this one share the computation.
        const memo = once(source);
        this.#sources.set(name, memo);
        sources.set(name, { base: memo, index: shared });
      } else {
        sources.set(name, { base: () => source, index: shared });
      }
    }
    return new Collection(this.name, offsets, sources);
  }
}

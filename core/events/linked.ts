/**
 * NanoAOD cross-links: integer fields holding an event-local index into another (or the
 * same) collection, e.g. `Jet_muonIdx1` -> Muon, `Muon_jetIdx` -> Jet,
 * `GenPart_genPartIdxMother` -> GenPart. -1 means "no link".
 * @module
 */
import type { Jagged, NumericArray } from "../columns/types.ts";
import { gatherJagged } from "../columns/gather.ts";
import { Collection, type FieldSource } from "./collection.ts";
import type { Events } from "./events.ts";

/** Which link to follow. */
export interface LinkOptions {
  /** The collection holding the index field (name in `events`, or the collection itself). */
  from: string | Collection;
  /** The index field of `from`, e.g. `muonIdx1` or `genPartIdxMother`. */
  indexField: string;
  /** The collection the indices point into. */
  to: string | Collection;
  /** Name of the result; default `<from>_<indexField>`. */
  name?: string;
}

/**
 * The linked objects, aligned with `from` (one per `from` object, sharing its offsets): every
 * field of `to`, gathered through the index as Float64; missing links (-1, out of range)
 * read NaN.
 *
 * @example
 * ```ts
 * import type { Column } from "../columns/types.ts";
 * import { eventsFromBranches } from "./events.ts";
 * import { linked } from "./linked.ts";
 * const jets = Int32Array.of(0, 2);
 * const muons = Int32Array.of(0, 1);
 * const events = eventsFromBranches(new Map<string, Column>([
 *   ["Jet_muonIdx1", { offsets: jets, content: Int16Array.of(-1, 0) }],
 *   ["Muon_pt", { offsets: muons, content: Float32Array.of(25) }],
 * ]));
 * const jetMuon = linked(events, { from: "Jet", indexField: "muonIdx1", to: "Muon" });
 * const pt = jetMuon.get("pt").content;
 * if (!Number.isNaN(pt[0]) || pt[1] !== 25) throw new Error();
 * ```
 */
export function linked(events: Events, link: LinkOptions): Collection {
  const from = typeof link.from === "string" ? events.collection(link.from) : link.from;
  const to = typeof link.to === "string" ? events.collection(link.to) : link.to;
  const raw = from.get(link.indexField);
  const index: Jagged<Int32Array> = { offsets: raw.offsets, content: indexContent(raw.content) };
  const sources = new Map<string, FieldSource>();
  for (const field of to.fields()) {
    sources.set(field, () => gatherJagged(to.get(field), index).content);
  }
  return new Collection(link.name ?? `${from.name}_${link.indexField}`, from.offsets, sources);
}

/**
 * Indices as Int32: NanoAOD stores them as Short_t or Int_t, and an index read through
 * another link is Float64 with NaN for "missing" - which must become -1, not 0.
 */
function indexContent(content: NumericArray): Int32Array {
  if (content instanceof Int32Array) return content;
  const out = new Int32Array(content.length);
  for (let k = 0; k < content.length; k++) {
    const v = Number(content[k]);
    out[k] = Number.isInteger(v) ? v : -1;
  }
  return out;
}

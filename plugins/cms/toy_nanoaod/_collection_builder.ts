/**
 * Accumulates one NanoAOD collection (Muon, Electron, Jet) event by event into growing typed
 * arrays: objects are staged per event, sorted by pt descending (as NanoAOD stores them) and
 * appended. Private to the generator.
 * @module
 */
import type { Column } from "@ristretto/core/columns";

/** How a field is stored, as NanoAOD does: Float_t, Int_t, Bool_t, UChar_t. */
export type FieldType = "float32" | "int32" | "int16" | "bool" | "uint8";

/** One branch of a collection, e.g. `{ name: "pt", type: "float32" }` for `Muon_pt`. */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** Simulation-only branch (generator truth), absent from data. */
  readonly mcOnly?: boolean;
}

/** Most objects one event may hold; more are dropped (softest first would need a sort first). */
const MAX_STAGED = 96;

type OutputArray = Float32Array | Int32Array | Int16Array | Uint8Array;

function allocate(type: FieldType, length: number): OutputArray {
  if (type === "float32") return new Float32Array(length);
  if (type === "int32") return new Int32Array(length);
  if (type === "int16") return new Int16Array(length);
  return new Uint8Array(length);
}

/** Builds the `n<Name>` counter and `<Name>_<field>` jagged columns of one collection. */
export class CollectionBuilder {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  /** Staging area of the current event: `staged.pt[k]` is the pt of the k-th staged object. */
  readonly staged: Record<string, Float64Array>;
  /** Number of objects staged in the current event. */
  count = 0;
  #order = new Int32Array(MAX_STAGED);
  #position = new Int32Array(MAX_STAGED);
  #outputs: OutputArray[];
  #stagedList: Float64Array[];
  #floatFields: number[] = [];
  #intFields: number[] = [];
  #shortFields: number[] = [];
  #byteFields: number[] = [];
  #counts: Uint32Array;
  #events = 0;
  #length = 0;

  constructor(
    name: string,
    fields: readonly FieldSpec[],
    events: number,
    expectedPerEvent: number,
  ) {
    this.name = name;
    this.fields = fields;
    this.staged = {};
    for (const field of fields) this.staged[field.name] = new Float64Array(MAX_STAGED);
    this.#stagedList = fields.map((field) => this.staged[field.name]);
    fields.forEach((field, f) => {
      if (field.type === "float32") this.#floatFields.push(f);
      else if (field.type === "int32") this.#intFields.push(f);
      else if (field.type === "int16") this.#shortFields.push(f);
      else this.#byteFields.push(f);
    });
    const capacity = Math.max(16, Math.ceil(events * expectedPerEvent));
    this.#outputs = fields.map((field) => allocate(field.type, capacity));
    this.#counts = new Uint32Array(events);
  }

  /** Reserves a staging slot for a new object and returns its index, or -1 when full. */
  add(): number {
    return this.count < MAX_STAGED ? this.count++ : -1;
  }

  /** Sorts the staged objects by pt (descending) and appends them as the next event. */
  commit(): void {
    const n = this.count;
    const order = this.#order;
    const pt = this.staged.pt;
    // Insertion sort: a handful of objects per event.
    for (let i = 0; i < n; i++) {
      let j = i;
      while (j > 0 && pt[order[j - 1]] < pt[i]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }
    if (this.#length + n > this.#outputs[0].length) this.#grow(this.#length + n);
    // One loop per element type keeps each copy loop monomorphic (V8 optimises it well).
    const start = this.#length;
    const outputs = this.#outputs;
    for (const f of this.#floatFields) {
      copySorted(this.#stagedList[f], outputs[f] as Float32Array, order, n, start);
    }
    for (const f of this.#intFields) {
      copySorted(this.#stagedList[f], outputs[f] as Int32Array, order, n, start);
    }
    for (const f of this.#shortFields) {
      copySorted(this.#stagedList[f], outputs[f] as Int16Array, order, n, start);
    }
    for (const f of this.#byteFields) {
      copySorted(this.#stagedList[f], outputs[f] as Uint8Array, order, n, start);
    }
    for (let i = 0; i < n; i++) this.#position[order[i]] = i;
    this.#length += n;
    this.#counts[this.#events++] = n;
    this.count = 0;
  }

  /**
   * Where the object staged at `stagedIndex` landed in its event after the last commit's pt
   * sort (for index branches such as `Jet_genJetIdx` that point into this collection).
   */
  committedPosition(stagedIndex: number): number {
    return this.#position[stagedIndex];
  }

  /** Forgets the current event's staged objects (a rejected event). */
  discard(): void {
    this.count = 0;
  }

  /** Adds `n<Name>` and every `<Name>_<field>` to `columns`; fields share one offsets array. */
  finish(columns: Map<string, Column>, isMC: boolean): void {
    const counts = this.#counts.slice(0, this.#events);
    const offsets = new Int32Array(this.#events + 1);
    for (let i = 0; i < this.#events; i++) offsets[i + 1] = offsets[i] + counts[i];
    columns.set(`n${this.name}`, counts);
    this.fields.forEach((field, f) => {
      if (field.mcOnly && !isMC) return;
      columns.set(`${this.name}_${field.name}`, {
        offsets,
        content: this.#outputs[f].slice(0, this.#length),
      });
    });
  }

  #grow(needed: number): void {
    const capacity = Math.max(needed, this.#outputs[0].length * 2);
    this.#outputs = this.#outputs.map((old, f) => {
      const bigger = allocate(this.fields[f].type, capacity);
      bigger.set(old.subarray(0, this.#length));
      return bigger;
    });
  }
}

function copySorted<T extends Float32Array | Int32Array | Int16Array | Uint8Array>(
  source: Float64Array,
  target: T,
  order: Int32Array,
  n: number,
  start: number,
): void {
  for (let i = 0; i < n; i++) target[start + i] = source[order[i]];
}

import type { Column, NumberArray } from "../columns/types.ts";
import { isJagged } from "../columns/jagged.ts";
import type { ExprType } from "./ast.ts";
import type { CheckedExpression, CheckedNode, ObjectRef, ReduceFunction } from "./check.ts";
import type { ExprEnv } from "./env.ts";
import { ExprError } from "./error.ts";
import { absCompareLoop, binaryLoop, binaryScalarLoop, mathLoop } from "./_loops.ts";
import { bit } from "../columns/_bits.ts";
import { wrapDeltaPhi } from "./_scalar.ts";

// How the kernels run: the events are cut into blocks of consecutive events holding at most
// BLOCK objects of every collection involved (or a single event when one has more). For each
// block, every node of the tree runs one tight loop from its children's registers into its
// own Float64Array register. Registers are small enough to stay in cache, so a chain like
// `count(Jet.pt > 30 && abs(Jet.eta) < 2.4)` costs a few in-cache passes and no allocation
// proportional to the number of objects; only the final result is a full-size array.
//
// On top of that, measured on 1M events (see _bench.ts): columns are read in place instead of
// being copied into registers (`source`); `abs(x) < c` and `count(a && b)` are fused;
// count/any/all use a running count over the block instead of a short loop per event; and
// 0/1 results, indexing and broadcasts avoid data-dependent branches (see `bit`), which
// mispredict on real cuts and cost 2-10x. The whole-array operations of core/columns
// (countTrue, takeAt, broadcast, ...) are not called here on purpose: one call per node would
// allocate a full-size intermediate per node, which is what the blocks avoid.
const BLOCK = 2048;

/** The part of the batch one pass of the kernels covers. */
interface Block {
  /** First event of the block and one past its last. */
  e0: number;
  e1: number;
  /** Per collection slot: the content index of the block's first object, and the object count. */
  readonly start: Int32Array;
  readonly count: Int32Array;
}

type F64 = Float64Array;

// Registers of finished evaluations, handed to the next ones: every evaluation binds fresh
// steps, and a new 16 KB register per step per call was measurable allocation (and GC).
const freeRegisters: F64[] = [];
const MAX_FREE_REGISTERS = 256;

abstract class Step {
  register: F64 = freeRegisters.pop() ?? new Float64Array(BLOCK);
  /** Collection slot of an object-shaped step; -1 for per-event steps. */
  constructor(readonly slot: number) {}

  length(b: Block): number {
    return this.slot < 0 ? b.e1 - b.e0 : b.count[this.slot];
  }

  output(n: number): F64 {
    if (this.register.length < n) this.register = new Float64Array(n);
    return this.register;
  }

  /** Compute this node for block `b`; the values are at [0, length(b)) of the result. */
  abstract run(b: Block): F64;

  /**
   * Where a consumer can read this node's values for block `b` without a copy: the array
   * (see {@linkcode sourceStart} for the first index). Columns are read in place; others run.
   */
  source(b: Block): NumberArray {
    return this.run(b);
  }

  sourceStart(_b: Block): number {
    return 0;
  }
}

class ConstStep extends Step {
  #filled = 0;
  constructor(slot: number, readonly value: number) {
    super(slot);
  }
  run(b: Block): F64 {
    const n = this.length(b);
    const out = this.output(n);
    // Constants never change: fill once (and again only if the register had to grow).
    if (this.#filled < n) {
      out.fill(this.value);
      this.#filled = out.length;
    }
    return out;
  }
}

class EventFieldStep extends Step {
  constructor(readonly values: NumberArray, readonly bool: boolean) {
    super(-1);
  }
  override source(b: Block): NumberArray {
    return this.bool ? this.run(b) : this.values;
  }
  override sourceStart(b: Block): number {
    return this.bool ? 0 : b.e0;
  }
  run(b: Block): F64 {
    const { e0, e1 } = b;
    const values = this.values;
    if (values instanceof Float64Array && !this.bool) return values.subarray(e0, e1);
    const out = this.output(e1 - e0);
    if (this.bool) { for (let e = e0; e < e1; e++) out[e - e0] = bit(values[e] !== 0); }
    else for (let e = e0; e < e1; e++) out[e - e0] = values[e];
    return out;
  }
}

class ObjectFieldStep extends Step {
  constructor(slot: number, readonly content: NumberArray, readonly bool: boolean) {
    super(slot);
  }
  override source(b: Block): NumberArray {
    return this.bool ? this.run(b) : this.content;
  }
  override sourceStart(b: Block): number {
    return this.bool ? 0 : b.start[this.slot];
  }
  run(b: Block): F64 {
    const start = b.start[this.slot];
    const n = b.count[this.slot];
    const content = this.content;
    if (content instanceof Float64Array && !this.bool) return content.subarray(start, start + n);
    const out = this.output(n);
    if (this.bool) { for (let k = 0; k < n; k++) out[k] = bit(content[start + k] !== 0); }
    else for (let k = 0; k < n; k++) out[k] = content[start + k];
    return out;
  }
}

class CountsStep extends Step {
  constructor(readonly offsets: Int32Array) {
    super(-1);
  }
  run(b: Block): F64 {
    const { e0, e1 } = b;
    const offsets = this.offsets;
    const out = this.output(e1 - e0);
    for (let e = e0; e < e1; e++) out[e - e0] = offsets[e + 1] - offsets[e];
    return out;
  }
}

// `Jet[1].pt`, `Jet[-1].pt`, `(2 * Jet.pt)[0]`: one read per event, from the column itself
// when the child is a field. Branch-free: whether the object exists is random from event to
// event, and a branch on it mispredicts; so the read is clamped into bounds and the result
// is `v * ok + fill[ok]` (v when ok is 1, the fill when ok is 0).
class TakeStep extends Step {
  readonly #fills: Float64Array;
  constructor(
    readonly offsets: Int32Array,
    readonly child: Step,
    readonly index: number,
    fill: number,
  ) {
    super(-1);
    this.#fills = Float64Array.of(fill, 0);
  }
  run(b: Block): F64 {
    const { e0, e1 } = b;
    const { offsets, index } = this;
    const fills = this.#fills;
    const child = this.child;
    const values = child.source(b);
    const out = this.output(e1 - e0);
    const last = values.length - 1;
    if (last < 0) {
      out.fill(fills[0], 0, e1 - e0);
      return out;
    }
    // Position in `values` of the object at content index p: p + shift.
    const shift = child.sourceStart(b) - offsets[e0];
    if (index >= 0) {
      for (let e = e0; e < e1; e++) {
        const i = offsets[e] + index;
        const ok = bit(i < offsets[e + 1]);
        out[e - e0] = values[Math.min(i + shift, last)] * ok + fills[ok];
      }
    } else {
      for (let e = e0; e < e1; e++) {
        const i = offsets[e + 1] + index;
        const ok = bit(i >= offsets[e]);
        out[e - e0] = values[Math.max(i + shift, 0)] * ok + fills[ok];
      }
    }
    return out;
  }
}

class ReduceStep extends Step {
  constructor(
    readonly fn: Exclude<ReduceFunction, "count" | "any" | "all">,
    readonly offsets: Int32Array,
    readonly child: Step,
  ) {
    super(-1);
  }
  run(b: Block): F64 {
    const { e0, e1 } = b;
    const offsets = this.offsets;
    const values = this.child.run(b);
    const base = offsets[e0];
    const out = this.output(e1 - e0);
    switch (this.fn) {
      case "sum":
        for (let e = e0; e < e1; e++) {
          let total = 0;
          const end = offsets[e + 1] - base;
          for (let k = offsets[e] - base; k < end; k++) total += values[k];
          out[e - e0] = total;
        }
        return out;
      // An event without objects has no maximum: NaN, like a missing object.
      case "max":
        for (let e = e0; e < e1; e++) {
          let best = NaN;
          const end = offsets[e + 1] - base;
          for (let k = offsets[e] - base; k < end; k++) {
            const v = values[k];
            if (!(v <= best)) best = v;
          }
          out[e - e0] = best;
        }
        return out;
      case "min":
        for (let e = e0; e < e1; e++) {
          let best = NaN;
          const end = offsets[e + 1] - base;
          for (let k = offsets[e] - base; k < end; k++) {
            const v = values[k];
            if (!(v >= best)) best = v;
          }
          out[e - e0] = best;
        }
        return out;
    }
  }
}

// Per-event values repeated over each event's objects. Branch-free again: mark where each
// event's objects start, then a running sum of the marks is the event of every object
// (several empty events at one position add up). Measured 3.5x faster than a loop per event.
class BroadcastStep extends Step {
  #marks = new Int32Array(BLOCK + 1);
  constructor(slot: number, readonly offsets: Int32Array, readonly child: Step) {
    super(slot);
  }
  run(b: Block): F64 {
    const { e0, e1 } = b;
    const offsets = this.offsets;
    const child = this.child;
    const values = child.source(b);
    const start = child.sourceStart(b);
    const base = offsets[e0];
    const n = offsets[e1] - base;
    const out = this.output(n);
    let marks = this.#marks;
    if (marks.length < n + 1) marks = this.#marks = new Int32Array(n + 1);
    marks.fill(0, 0, n + 1);
    for (let e = e0 + 1; e < e1; e++) marks[offsets[e] - base]++;
    let event = start;
    for (let k = 0; k < n; k++) {
      event += marks[k];
      out[k] = values[event];
    }
    return out;
  }
}

class UnaryStep extends Step {
  constructor(slot: number, readonly op: "truthy" | "not" | "negate", readonly child: Step) {
    super(slot);
  }
  run(b: Block): F64 {
    const a = this.child.run(b);
    const n = this.length(b);
    const out = this.output(n);
    switch (this.op) {
      // A number as a condition: non-zero and not NaN (a missing object) is true.
      case "truthy":
        for (let k = 0; k < n; k++) {
          const v = a[k];
          out[k] = bit(v !== 0) & bit(v === v);
        }
        return out;
      case "not":
        for (let k = 0; k < n; k++) out[k] = 1 - a[k];
        return out;
      case "negate":
        for (let k = 0; k < n; k++) out[k] = -a[k];
        return out;
    }
  }
}

class BinaryStep extends Step {
  constructor(
    slot: number,
    readonly op: Extract<CheckedNode, { op: "binary" }>["operator"],
    readonly left: Step,
    readonly right: Step,
  ) {
    super(slot);
  }
  run(b: Block): F64 {
    const n = this.length(b);
    const out = this.output(n);
    const { left, right } = this;
    const a = left.source(b);
    const c = right.source(b);
    binaryLoop(this.op, a, left.sourceStart(b), c, right.sourceStart(b), out, n);
    return out;
  }
}

class BinaryScalarStep extends Step {
  constructor(
    slot: number,
    readonly op: Extract<CheckedNode, { op: "binary" }>["operator"],
    readonly child: Step,
    readonly scalar: number,
    readonly scalarLeft: boolean,
  ) {
    super(slot);
  }
  run(b: Block): F64 {
    const n = this.length(b);
    const out = this.output(n);
    const child = this.child;
    const a = child.source(b);
    binaryScalarLoop(this.op, a, child.sourceStart(b), this.scalar, this.scalarLeft, out, n);
    return out;
  }
}

// `abs(x) < s` in one pass instead of two.
class AbsCompareStep extends Step {
  constructor(
    slot: number,
    readonly op: "<" | "<=" | ">" | ">=",
    readonly child: Step,
    readonly scalar: number,
  ) {
    super(slot);
  }
  run(b: Block): F64 {
    const n = this.length(b);
    const out = this.output(n);
    const child = this.child;
    const a = child.source(b);
    absCompareLoop(this.op, a, child.sourceStart(b), this.scalar, out, n);
    return out;
  }
}

// count/any/all of 0/1 values through a running count over the block: an event's count is
// the difference of two prefix values, so there is no short per-event loop whose exit
// mispredicts (measured: as fast as a hand-written branchless loop). count(a && b) multiplies
// the operands inside the same pass instead of materialising a && b.
class CountStep extends Step {
  #prefix = new Float64Array(BLOCK + 1);
  constructor(
    readonly fn: "count" | "any" | "all",
    readonly offsets: Int32Array,
    readonly left: Step,
    readonly right?: Step,
  ) {
    super(-1);
  }
  run(b: Block): F64 {
    const { e0, e1 } = b;
    const offsets = this.offsets;
    const base = offsets[e0];
    const n = offsets[e1] - base;
    const x = this.left.run(b);
    let prefix = this.#prefix;
    if (prefix.length < n + 1) prefix = this.#prefix = new Float64Array(n + 1);
    let running = 0;
    if (this.right === undefined) {
      for (let k = 0; k < n; k++) {
        prefix[k] = running;
        running += x[k];
      }
    } else {
      const y = this.right.run(b);
      for (let k = 0; k < n; k++) {
        prefix[k] = running;
        running += x[k] * y[k];
      }
    }
    prefix[n] = running;
    const out = this.output(e1 - e0);
    switch (this.fn) {
      case "count":
        for (let e = e0; e < e1; e++) {
          out[e - e0] = prefix[offsets[e + 1] - base] - prefix[offsets[e] - base];
        }
        return out;
      case "any":
        for (let e = e0; e < e1; e++) {
          out[e - e0] = bit(prefix[offsets[e + 1] - base] - prefix[offsets[e] - base] > 0);
        }
        return out;
      case "all":
        for (let e = e0; e < e1; e++) {
          const begin = offsets[e];
          const end = offsets[e + 1];
          out[e - e0] = bit(prefix[end - base] - prefix[begin - base] === end - begin);
        }
        return out;
    }
  }
}

class MathStep extends Step {
  constructor(
    slot: number,
    readonly fn: Extract<CheckedNode, { op: "math" }>["fn"],
    readonly args: Step[],
  ) {
    super(slot);
  }
  run(b: Block): F64 {
    const n = this.length(b);
    const out = this.output(n);
    const [first, second] = this.args;
    const a = first.source(b);
    const c = second?.source(b);
    const j = second === undefined ? 0 : second.sourceStart(b);
    mathLoop(this.fn, a, first.sourceStart(b), c, j, out, n);
    return out;
  }
}

class WhereStep extends Step {
  constructor(
    slot: number,
    readonly condition: Step,
    readonly then: Step,
    readonly otherwise: Step,
  ) {
    super(slot);
  }
  run(b: Block): F64 {
    const n = this.length(b);
    const out = this.output(n);
    const c = this.condition.run(b);
    const x = this.then.run(b);
    const y = this.otherwise.run(b);
    for (let k = 0; k < n; k++) out[k] = c[k] !== 0 ? x[k] : y[k];
    return out;
  }
}

/** The columns of one side of a pair function, bound to an environment. */
interface BoundRef {
  readonly offsets: Int32Array;
  /** Position of the object in each event; undefined for every object of the collection. */
  readonly index: number | undefined;
  readonly pt?: NumberArray;
  readonly eta?: NumberArray;
  readonly phi: NumberArray;
  readonly mass?: NumberArray;
}

type PairFunctionName = "deltaR" | "deltaPhi" | "mass" | "pt";

/** fn of object i of `a` and object j of `b` (content positions). */
function pairValue(fn: PairFunctionName, a: BoundRef, i: number, b: BoundRef, j: number): number {
  const dphi = wrapDeltaPhi(a.phi[i], b.phi[j]);
  if (fn === "deltaPhi") return dphi;
  if (fn === "deltaR") {
    const deta = a.eta![i] - b.eta![j];
    return Math.sqrt(deta * deta + dphi * dphi);
  }
  const pt1 = a.pt![i];
  const pt2 = b.pt![j];
  if (fn === "pt") return Math.sqrt(pt1 * pt1 + pt2 * pt2 + 2 * pt1 * pt2 * Math.cos(dphi));
  const eta1 = a.eta![i];
  const eta2 = b.eta![j];
  const m1 = a.mass === undefined ? 0 : a.mass[i];
  const m2 = b.mass === undefined ? 0 : b.mass[j];
  // m^2 = m1^2 + m2^2 + 2 (E1 E2 - p1.p2), with p1.p2 = pt1 pt2 (cos dphi + sinh eta1 sinh eta2)
  const p1 = pt1 * Math.cosh(eta1);
  const p2 = pt2 * Math.cosh(eta2);
  const energy1 = Math.sqrt(p1 * p1 + m1 * m1);
  const energy2 = Math.sqrt(p2 * p2 + m2 * m2);
  const dot = pt1 * pt2 * (Math.cos(dphi) + Math.sinh(eta1) * Math.sinh(eta2));
  const squared = m1 * m1 + m2 * m2 + 2 * (energy1 * energy2 - dot);
  // Rounding can make a tiny mass squared negative.
  return squared > 0 ? Math.sqrt(squared) : 0;
}

/** Content position of `ref`'s object in event e, or -1 when the event has too few objects. */
function positionOf(ref: BoundRef, index: number, e: number): number {
  const begin = ref.offsets[e];
  const end = ref.offsets[e + 1];
  const i = index < 0 ? end + index : begin + index;
  return i >= begin && i < end ? i : -1;
}

// deltaR / deltaPhi / mass / pt of two objects picked by position (one value per event), or
// of every object of a collection with one picked object (`deltaR(Jet, Muon[0])`, one value
// per jet). Columns are read in place; NaN when a picked object is missing.
class PairStep extends Step {
  #positions = new Int32Array(BLOCK);
  #marks = new Int32Array(BLOCK + 1);
  constructor(
    slot: number,
    readonly fn: PairFunctionName,
    readonly a: BoundRef,
    readonly b: BoundRef,
  ) {
    super(slot);
  }
  run(block: Block): F64 {
    const { e0, e1 } = block;
    const { a, b, fn } = this;
    if (this.slot < 0) {
      const out = this.output(e1 - e0);
      for (let e = e0; e < e1; e++) {
        const i = positionOf(a, a.index!, e);
        const j = positionOf(b, b.index!, e);
        out[e - e0] = i < 0 || j < 0 ? NaN : pairValue(fn, a, i, b, j);
      }
      return out;
    }
    // One side is the whole collection of this step's slot, the other a picked object.
    const wholeIsA = a.index === undefined;
    const whole = wholeIsA ? a : b;
    const picked = wholeIsA ? b : a;
    let positions = this.#positions;
    if (positions.length < e1 - e0) positions = this.#positions = new Int32Array(e1 - e0);
    for (let e = e0; e < e1; e++) positions[e - e0] = positionOf(picked, picked.index!, e);
    const offsets = whole.offsets;
    const base = offsets[e0];
    const n = offsets[e1] - base;
    const out = this.output(n);
    let marks = this.#marks;
    if (marks.length < n + 1) marks = this.#marks = new Int32Array(n + 1);
    marks.fill(0, 0, n + 1);
    for (let e = e0 + 1; e < e1; e++) marks[offsets[e] - base]++;
    let event = 0;
    for (let k = 0; k < n; k++) {
      event += marks[k];
      const j = positions[event];
      out[k] = j < 0
        ? NaN
        : wholeIsA
        ? pairValue(fn, a, base + k, b, j)
        : pairValue(fn, a, j, b, base + k);
    }
    return out;
  }
}

/** A checked expression turned into kernels, ready to run on any environment of its schema. */
export interface CompiledKernel {
  readonly type: ExprType;
  /** Run on a batch: per-event results are flat arrays, per-object results jagged arrays sharing the collection's offsets; numbers as Float64Array, booleans as Uint8Array (0/1). */
  evaluate(env: ExprEnv): Column;
}

class Binder {
  readonly slots: string[] = [];
  readonly offsets: Int32Array[] = [];
  /** Fill a missing boolean object with NaN instead of false (the root `take` only). */
  missingBoolAsNaN = false;
  constructor(readonly source: string, readonly env: ExprEnv) {}

  #fail(reason: string): never {
    throw new ExprError("EXPR_ENVIRONMENT", {
      source: this.source,
      span: { start: 1, end: this.source.length + 1 },
      reason,
    });
  }

  slot(collection: string): number {
    let slot = this.slots.indexOf(collection);
    if (slot < 0) {
      slot = this.slots.length;
      this.slots.push(collection);
      this.offsets.push(this.collectionOffsets(collection));
    }
    return slot;
  }

  collectionOffsets(collection: string): Int32Array {
    const offsets = this.env.collectionOffsets(collection);
    if (offsets.length !== this.env.length + 1) {
      this.#fail(
        `collection "${collection}" has ${offsets.length - 1} events, the batch ${this.env.length}`,
      );
    }
    return offsets;
  }

  column(path: string, jagged: boolean): NumberArray {
    if (!this.env.has(path)) this.#fail(`the environment has no column "${path}"`);
    const column = this.env.column(path);
    if (isJagged(column) !== jagged) {
      this.#fail(`column "${path}" is ${jagged ? "not " : ""}jagged, unlike in the schema`);
    }
    const values = (isJagged(column) ? column.content : column) as NumberArray;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      this.#fail(`column "${path}" holds 64-bit integers, which expressions cannot read`);
    }
    return values;
  }

  ref(ref: ObjectRef): BoundRef {
    const offsets = this.collectionOffsets(ref.collection);
    return {
      offsets,
      index: ref.index,
      pt: ref.pt === "" ? undefined : this.column(ref.pt, true),
      eta: ref.eta === "" ? undefined : this.column(ref.eta, true),
      phi: this.column(ref.phi, true),
      mass: ref.mass === undefined ? undefined : this.column(ref.mass, true),
    };
  }

  /** Every step bound, so their registers can be reused once the evaluation is done. */
  readonly steps: Step[] = [];

  /** `parentSlot`: the shape a constant must take (a constant fills its parent's register). */
  bind(node: CheckedNode, parentSlot = -1): Step {
    const step = this.#make(node, parentSlot);
    this.steps.push(step);
    return step;
  }

  /** Returns the steps' block-sized registers to the pool (never one inside `result`). */
  release(result: Float64Array | Uint8Array): void {
    for (const step of this.steps) {
      const register = step.register;
      if (register.length !== BLOCK || register.buffer === result.buffer) continue;
      if (freeRegisters.length >= MAX_FREE_REGISTERS) return;
      freeRegisters.push(register);
    }
  }

  #make(node: CheckedNode, parentSlot: number): Step {
    const type = node.type;
    const slot = type.shape === "object" ? this.slot(type.collection!) : -1;
    switch (node.op) {
      case "const":
        return new ConstStep(parentSlot, node.value);
      case "field":
        return type.shape === "object"
          ? new ObjectFieldStep(slot, this.column(node.path, true), type.kind === "bool")
          : new EventFieldStep(this.column(node.path, false), type.kind === "bool");
      case "counts":
        return new CountsStep(this.collectionOffsets(node.collection));
      case "take": {
        this.slot(node.collection);
        const fill = type.kind === "bool" && !this.missingBoolAsNaN ? 0 : NaN;
        this.missingBoolAsNaN = false;
        const offsets = this.collectionOffsets(node.collection);
        return new TakeStep(offsets, this.bind(node.child), node.index, fill);
      }
      case "reduce":
        this.slot(node.collection);
        if (node.fn === "count" || node.fn === "any" || node.fn === "all") {
          const offsets = this.collectionOffsets(node.collection);
          const child = node.child;
          return child.op === "binary" && child.operator === "&&"
            ? new CountStep(node.fn, offsets, this.bind(child.left), this.bind(child.right))
            : new CountStep(node.fn, offsets, this.bind(child));
        }
        return new ReduceStep(
          node.fn as "sum" | "max" | "min",
          this.collectionOffsets(node.collection),
          this.bind(node.child),
        );
      case "broadcast":
        return new BroadcastStep(slot, this.offsets[slot], this.bind(node.child));
      case "truthy":
      case "not":
      case "negate":
        return new UnaryStep(slot, node.op, this.bind(node.child));
      case "binary": {
        const { left, right } = node;
        const abs = absComparison(node);
        if (abs !== undefined) {
          return new AbsCompareStep(slot, abs.op, this.bind(abs.x), abs.scalar);
        }
        if (right.op === "const") {
          return new BinaryScalarStep(slot, node.operator, this.bind(left), right.value, false);
        }
        if (left.op === "const") {
          return new BinaryScalarStep(slot, node.operator, this.bind(right), left.value, true);
        }
        return new BinaryStep(slot, node.operator, this.bind(left), this.bind(right));
      }
      case "math":
        return new MathStep(slot, node.fn, node.args.map((arg) => this.bind(arg, slot)));
      case "where":
        return new WhereStep(
          slot,
          this.bind(node.condition, slot),
          this.bind(node.then, slot),
          this.bind(node.otherwise, slot),
        );
      case "pair":
        return new PairStep(slot, node.fn, this.ref(node.a), this.ref(node.b));
    }
  }
}

const MIRROR = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;

// `abs(x) op s` or `s op abs(x)` for an ordering op, as `abs(x) op' s`.
function absComparison(
  node: Extract<CheckedNode, { op: "binary" }>,
): { op: "<" | "<=" | ">" | ">="; x: CheckedNode; scalar: number } | undefined {
  const op = node.operator;
  if (op !== "<" && op !== "<=" && op !== ">" && op !== ">=") return undefined;
  const { left, right } = node;
  if (left.op === "math" && left.fn === "abs" && right.op === "const") {
    return { op, x: left.args[0], scalar: right.value };
  }
  if (right.op === "math" && right.fn === "abs" && left.op === "const") {
    return { op: MIRROR[op], x: right.args[0], scalar: left.value };
  }
  return undefined;
}

// The next block: as many events as fit BLOCK objects of every collection (at least one).
function nextBlock(b: Block, events: number, offsets: Int32Array[]): void {
  const e0 = b.e1;
  let e1 = Math.min(events, e0 + BLOCK);
  for (let s = 0; s < offsets.length; s++) {
    const o = offsets[s];
    const limit = o[e0] + BLOCK;
    if (o[e1] > limit) {
      // Largest e1 with o[e1] <= limit (binary search; o never decreases).
      let lo = e0 + 1;
      let hi = e1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (o[mid] <= limit) lo = mid;
        else hi = mid - 1;
      }
      e1 = lo;
    }
  }
  b.e0 = e0;
  b.e1 = e1;
  for (let s = 0; s < offsets.length; s++) {
    b.start[s] = offsets[s][e0];
    b.count[s] = offsets[s][e1] - offsets[s][e0];
  }
}

/**
 * Turn a checked expression into a kernel.
 *
 * @example
 * ```ts
 * import { checkExpression } from "./check.ts";
 * import { compileChecked } from "./compile.ts";
 * import { columnsEnv, schemaOf } from "./env.ts";
 * const env = columnsEnv({ genWeight: Float64Array.of(2, -1) });
 * const source = "genWeight * 3";
 * const kernel = compileChecked(source, checkExpression(source, schemaOf(env)));
 * const out = kernel.evaluate(env) as Float64Array;
 * if (out[0] !== 6 || out[1] !== -3) throw new Error();
 * ```
 */
export function compileChecked(
  source: string,
  checked: CheckedExpression,
  options: { missingAsNaN?: boolean } = {},
): CompiledKernel {
  const type = checked.type;
  // For values (histogram axes, exported columns) a missing object must stay missing: a
  // boolean field of an absent object becomes NaN, and the result is numeric.
  const boolTake = options.missingAsNaN === true && type.kind === "bool" &&
    checked.root.op === "take";
  return {
    type,
    evaluate(env: ExprEnv): Column {
      const events = env.length;
      const binder = new Binder(source, env);
      binder.missingBoolAsNaN = boolTake;
      // Bind the result's collection first so its slot is 0.
      if (type.shape === "object") binder.slot(type.collection!);
      const root = binder.bind(checked.root);
      const offsets = binder.offsets;
      const resultOffsets = type.shape === "object" ? offsets[0] : undefined;
      const size = resultOffsets === undefined ? events : resultOffsets[events];
      const result = type.kind === "bool" && !boolTake
        ? new Uint8Array(size)
        : new Float64Array(size);
      const block: Block = {
        e0: 0,
        e1: 0,
        start: new Int32Array(offsets.length),
        count: new Int32Array(offsets.length),
      };
      // A number result is written in place: the root's register for a block is the block's
      // slice of the result, which saves a copy pass.
      const inPlace = result instanceof Float64Array && type.shape !== "scalar";
      while (block.e1 < events) {
        nextBlock(block, events, offsets);
        const at = resultOffsets === undefined ? block.e0 : block.start[0];
        const n = root.length(block);
        if (inPlace) root.register = result.subarray(at, at + n);
        const values = root.run(block);
        if (type.shape === "scalar") {
          result.fill(values[0], block.e0, block.e1);
        } else if (values === root.register && inPlace) {
          continue;
        } else if (result instanceof Float64Array) {
          // A step may hand back a column's own array (a Float64 field read as is).
          result.set(n === values.length ? values : values.subarray(0, n), at);
        } else {
          for (let k = 0; k < n; k++) result[at + k] = values[k];
        }
      }
      binder.release(result);
      return resultOffsets === undefined ? result : { offsets: resultOffsets, content: result };
    },
  };
}

/**
 * Compiles the content tree of a validated correction into two evaluators per node:
 * - a scalar closure tree (one call per value, the reference semantics), and
 * - a columnar kernel that works on a set of rows at once: binning and category nodes compute
 *   the bin of every row (binary search into a Float64Array, or uniform arithmetic), group the
 *   rows by bin with a counting sort and hand each group to the child kernel; formulas run as
 *   vector tapes over the group; leaves are written directly. The tree is walked once per group,
 *   not once per value. Shapes that CMS files use a lot get flatter paths: a binning whose bins
 *   all hold one formula (JEC) runs that formula once over all rows with a per-bin parameter
 *   table, a binning of such binnings (JER resolution) too, and nodes fixed by scalar inputs
 *   (a category on the systematic name) resolve to plain lookups.
 * Semantics follow C++ correctionlib 2.9 (find_bin_idx, Category, Transform, HashPRNG).
 * @module
 */
import { didYouMean } from "@ristretto/core/errors";
import { CorrectionError } from "./errors.ts";
import { compileFormula, parseFormula, type ScalarFormula } from "./formula.ts";
import { compileVectorFormula, type VectorFormula } from "./_formula_vec.ts";
import { type PrngDistribution, PrngPacker } from "./_hashprng.ts";
import { parseEdge } from "./validate.ts";
import type {
  BinningJson,
  CategoryJson,
  ContentJson,
  FormulaJson,
  HashPrngJson,
  MultiBinningJson,
  TransformJson,
  UniformBinningJson,
  VariableJson,
} from "./schema.ts";

/** A value of one input in scalar evaluation: real/int as number (int64 beyond 2^53 as bigint). */
export type ScalarValue = number | bigint | string;

/** Input columns in the internal layout of the kernels. */
export interface ColumnData {
  /** Number of rows. */
  readonly length: number;
  /** Per input: values as doubles (real and int inputs); an empty array for string inputs. */
  readonly real: Float64Array[];
  /** Per int input given as BigInt64Array: the exact values (for hashing and keys). */
  readonly bigint: (BigInt64Array | undefined)[];
  /** Per string input given as a column: the values (scalar strings are in `constant`). */
  readonly strings: (readonly string[] | undefined)[];
  /** Per input given as one scalar for all rows: that value (kernels may skip per-row work). */
  readonly constant: (ScalarValue | undefined)[];
}

/** Evaluates rows[start..end) of `data`, writing `out[row]`. */
export type ColumnKernel = (
  data: ColumnData,
  rows: Int32Array,
  start: number,
  end: number,
  out: Float64Array,
) => void;

/** A compiled content node. */
export interface CompiledNode {
  readonly scalar: (values: ScalarValue[]) => number;
  readonly column: ColumnKernel;
  /** Set for numeric leaves, so parents can write them without a call. */
  readonly constant?: number;
  /**
   * The node's value when it is the same for every row of `data` because the inputs it reads
   * are given as scalars (a category on a scalar systematic name, ...), else undefined.
   */
  readonly resolve?: (data: ColumnData) => number | undefined;
  /** Set for binnings whose bins all hold the same formula (see binnedFormula). */
  readonly binned?: BinnedInfo;
  /** Set for formula and formularef nodes: the shared compiled formula and its parameters. */
  readonly formula?: { readonly compiled: CompiledFormula; readonly parameters: readonly number[] };
}

/** A binning of one formula with per-bin parameters, as its parent may flatten it. */
export interface BinnedInfo {
  readonly input: number;
  readonly axis: Axis;
  readonly compiled: CompiledFormula;
  readonly table: Float64Array;
  readonly stride: number;
  /** The default's value (flow given as a number), or undefined for clamp/error/wrap. */
  readonly fallback: number | undefined;
}

/** What a node needs to know about its correction, for compiling and for error messages. */
export interface CompileScope {
  readonly file: string;
  readonly correction: string;
  readonly inputs: readonly VariableJson[];
  /** The correction's generic formulas, compiled once for all formularef nodes. */
  readonly generic: readonly CompiledFormula[];
  /** Formula nodes with the same expression and variables share one compiled formula. */
  readonly formulas?: Map<string, CompiledFormula>;
}

/** A formula compiled both ways, with its variables bound to input positions. */
export interface CompiledFormula {
  readonly scalar: ScalarFormula;
  readonly vector: VectorFormula;
  readonly variables: readonly number[];
}

/** Compiles a formula (or generic formula) JSON node of a correction. */
export function compileFormulaJson(
  json: FormulaJson,
  scope: Pick<CompileScope, "inputs">,
): CompiledFormula {
  const ast = parseFormula(json.expression);
  const variables = json.variables.map((name) => {
    const index = scope.inputs.findIndex((input) => input.name === name);
    if (index < 0) throw new Error(`internal: input ${name} not found after validation`);
    return index;
  });
  return { scalar: compileFormula(ast, variables), vector: compileVectorFormula(ast), variables };
}

/** Formats a value for an error message. */
export function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return value.toString();
  return String(value);
}

function evaluationError(
  scope: CompileScope,
  code: "CORRECTION_OUT_OF_RANGE" | "CORRECTION_UNKNOWN_KEY",
  inputIndex: number,
  value: unknown,
  reason: string,
  row: number | undefined,
): CorrectionError {
  const input = scope.inputs[inputIndex].name;
  const at = row === undefined ? "" : ` at row ${row}`;
  return new CorrectionError(
    code,
    `Cannot evaluate "${scope.correction}" from ${scope.file}${at}: input "${input}" = ${
      showValue(value)
    } ${reason}`,
    { file: scope.file, correction: scope.correction, input, value, row },
  );
}

function inputIndex(scope: CompileScope, name: string): number {
  const index = scope.inputs.findIndex((input) => input.name === name);
  if (index < 0) throw new Error(`internal: input ${name} not found after validation`);
  return index;
}

/** Compiles a content node (numbers and every node type). */
export function compileContent(json: ContentJson, scope: CompileScope): CompiledNode {
  if (typeof json === "number") return constantNode(json);
  switch (json.nodetype) {
    case "binning":
      return compileBinning(json, scope);
    case "multibinning":
      return compileMultiBinning(json, scope);
    case "category":
      return compileCategory(json, scope);
    case "formula":
      return compileFormulaNode(json, scope);
    case "formularef":
      return formulaNode(scope.generic[json.index], json.parameters);
    case "transform":
      return compileTransform(json, scope);
    case "hashprng":
      return compileHashPrng(json, scope);
  }
}

function constantNode(value: number): CompiledNode {
  return {
    constant: value,
    scalar: () => value,
    column: (_data, rows, start, end, out) => {
      for (let k = start; k < end; k++) out[rows[k]] = value;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Formulas

function formulaNode(formula: CompiledFormula, parameters: readonly number[]): CompiledNode {
  const { scalar, vector, variables } = formula;
  // a formula of parameters only (JEC files have "1" for L3Absolute in MC) is a leaf
  if (vector.constant) return constantNode(vector.constantValue(parameters));
  return {
    formula: { compiled: formula, parameters },
    scalar: (values) => scalar(values, parameters),
    column: (data, rows, start, end, out) => {
      const columns = variables.map((index) => data.real[index]);
      vector.run(columns, rows, start, end, parameters, out);
    },
  };
}

function compileFormulaNode(json: FormulaJson, scope: CompileScope): CompiledNode {
  const key = `${json.expression}\u0000${json.variables.join("\u0000")}`;
  let compiled = scope.formulas?.get(key);
  if (compiled === undefined) {
    compiled = compileFormulaJson(json, scope);
    scope.formulas?.set(key, compiled);
  }
  return formulaNode(compiled, json.parameters ?? []);
}

/**
 * When every bin of a binning holds the same formula (JEC and JER files: one formula, other
 * parameters per bin), a table of the parameters by bin lets the formula run once over all
 * rows instead of once per group of rows.
 */
function binnedFormula(children: readonly CompiledNode[], nbins: number) {
  const first = children[0]?.formula;
  if (first === undefined) return undefined;
  for (let b = 0; b < nbins; b++) {
    if (children[b].formula?.compiled !== first.compiled) return undefined;
  }
  const rows = children.slice(0, nbins).map((child) => child.formula!.parameters);
  const { table, stride } = first.compiled.vector.prepareTable(rows);
  return { compiled: first.compiled, table, stride };
}

// ---------------------------------------------------------------------------------------------
// Binning

type FlowMode = "clamp" | "error" | "wrap" | "value";

/** Bin lookup of one axis: returns a bin in [0, n), n for "use the default", or -1/-2 for errors. */
export interface Axis {
  readonly n: number;
  readonly low: number;
  readonly high: number;
  /** Non-uniform edges without wrapping: the kernels inline the search over them. */
  readonly edges?: Float64Array;
  /** The bin of values below the first edge / at or above the last (or a negative error code). */
  readonly under: number;
  readonly over: number;
  find(value: number): number;
}

const BELOW = -1;
const ABOVE = -2;

function makeAxis(edgesJson: BinningJson["edges"], flow: FlowMode): Axis {
  if (!Array.isArray(edgesJson)) return uniformAxis(edgesJson, flow);
  const edges = Float64Array.from(edgesJson, (edge) => parseEdge(edge)!);
  const m = edges.length;
  const n = m - 1;
  const low = edges[0];
  const high = edges[m - 1];
  const width = high - low;
  const wrap = flow === "wrap";
  return {
    n,
    low,
    high,
    edges: wrap ? undefined : edges,
    under: flow === "value" ? n : flow === "error" ? BELOW : 0,
    over: flow === "value" ? n : flow === "error" ? ABOVE : n - 1,
    find(value: number): number {
      if (wrap) {
        // correctionlib re-wraps every value, in range or not, the same way
        let norm = (value - low) / width;
        norm -= Math.floor(norm);
        value = low + norm * width;
      }
      // std::upper_bound: the first edge strictly greater than the value
      let lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (value < edges[mid]) hi = mid;
        else lo = mid + 1;
      }
      if (lo === 0) { // below the first edge
        if (flow === "value") return n;
        if (flow === "error") return BELOW;
        return 0;
      }
      if (lo === m) { // at or above the last edge, or NaN
        if (flow === "value") return n;
        if (flow === "error") return ABOVE;
        return n - 1;
      }
      return lo - 1;
    },
  };
}

function uniformAxis(edges: UniformBinningJson, flow: FlowMode): Axis {
  const { n, low, high } = edges;
  const width = high - low;
  return {
    n,
    low,
    high,
    // uniform axes have no `edges`: their kernels call find, which handles the flow itself
    under: 0,
    over: 0,
    find(value: number): number {
      const outside = value < low || value >= high;
      if (outside || value !== value) {
        // NaN: C++ converts NaN to an index (undefined behaviour); here it is an overflow,
        // as the non-uniform lookup (std::upper_bound) makes it
        switch (flow) {
          case "value":
            return n;
          case "clamp":
            return value < low ? 0 : n - 1;
          case "error":
            return value < low ? BELOW : ABOVE;
          case "wrap":
            if (value !== value) return n - 1;
            break;
        }
      }
      let norm = (value - low) / width;
      if (outside) norm -= Math.floor(norm);
      // rounding can give exactly n for values just below `high`: that is the last bin
      const bin = Math.floor(n * norm);
      return bin < n - 1 ? bin : n - 1;
    },
  };
}

/**
 * Bins of values[rows[k]] for k in [start, end) into slots[k - start]. Returns the first k whose
 * value is out of range with flow "error", or -1. The binary search (std::upper_bound) is
 * written out here, not called per value.
 */
function fillBins(
  axis: Axis,
  values: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
  slots: Int32Array,
): number {
  const edges = axis.edges;
  if (edges === undefined) {
    for (let k = start; k < end; k++) {
      const bin = axis.find(values[rows[k]]);
      if (bin < 0) return k;
      slots[k - start] = bin;
    }
    return -1;
  }
  const m = edges.length;
  const under = axis.under;
  const over = axis.over;
  for (let k = start; k < end; k++) {
    const value = values[rows[k]];
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value < edges[mid]) hi = mid;
      else lo = mid + 1;
    }
    const bin = lo === 0 ? under : lo === m ? over : lo - 1;
    if (bin < 0) return k;
    slots[k - start] = bin;
  }
  return -1;
}

/** The bin of one value (the search written out when the edges allow). */
function binOf(axis: Axis, value: number): number {
  const edges = axis.edges;
  if (edges === undefined) return axis.find(value);
  const m = edges.length;
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo === 0 ? axis.under : lo === m ? axis.over : lo - 1;
}

/**
 * A binning whose bins are all binnings of one formula on the same input (JER resolution: eta,
 * then rho, then a formula of pt): both bins are found per row and the formula runs once over
 * all rows, with one table holding every inner binning's parameters.
 */
function flattenNested(children: readonly CompiledNode[], nbins: number) {
  const first = children[0]?.binned;
  if (first === undefined) return undefined;
  const inner: BinnedInfo[] = [];
  for (let b = 0; b < nbins; b++) {
    const info = children[b].binned;
    if (info === undefined || info.compiled !== first.compiled || info.input !== first.input) {
      return undefined;
    }
    inner.push(info);
  }
  const offsets = new Int32Array(nbins);
  let rows = 0;
  for (let b = 0; b < nbins; b++) {
    offsets[b] = rows;
    rows += inner[b].table.length / first.stride;
  }
  const table = new Float64Array(rows * first.stride);
  for (let b = 0; b < nbins; b++) table.set(inner[b].table, offsets[b] * first.stride);
  return {
    inner,
    offsets,
    table,
    stride: first.stride,
    compiled: first.compiled,
    input: first.input,
  };
}

function flowMode(flow: BinningJson["flow"]): FlowMode {
  return flow === "clamp" || flow === "error" || flow === "wrap" ? flow : "value";
}

function rangeReason(axis: Axis, code: number, nodeName: string): string {
  return `is ${code === BELOW ? "below" : "above"} the range [${axis.low}, ${axis.high}) of a ` +
    `${nodeName} whose flow is "error"`;
}

/**
 * Runs children over groups of rows: `slots[k]` is the child of rows[start + k]. Numeric leaves
 * are written straight away; other children get their rows grouped by a counting sort.
 */
function dispatch(
  children: readonly CompiledNode[],
  slots: Int32Array,
  data: ColumnData,
  rows: Int32Array,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const count = end - start;
  const nslots = children.length;
  const counts = new Int32Array(nslots + 1);
  let grouped = 0;
  for (let k = 0; k < count; k++) {
    const child = children[slots[k]];
    if (child.constant !== undefined) out[rows[start + k]] = child.constant;
    else {
      counts[slots[k] + 1]++;
      grouped++;
    }
  }
  if (grouped === 0) return;
  for (let s = 0; s < nslots; s++) counts[s + 1] += counts[s];
  const sorted = new Int32Array(grouped);
  const fill = counts.slice(0, nslots);
  for (let k = 0; k < count; k++) {
    const child = children[slots[k]];
    if (child.constant === undefined) sorted[fill[slots[k]]++] = rows[start + k];
  }
  for (let s = 0; s < nslots; s++) {
    if (counts[s + 1] > counts[s]) children[s].column(data, sorted, counts[s], counts[s + 1], out);
  }
}

function compileBinning(json: BinningJson, scope: CompileScope): CompiledNode {
  const index = inputIndex(scope, json.input);
  const flow = flowMode(json.flow);
  const axis = makeAxis(json.edges, flow);
  const children = json.content.map((item) => compileContent(item, scope));
  // the default (flow node) sits after the last bin, as in correctionlib
  children.push(
    flow === "value" ? compileContent(json.flow as ContentJson, scope) : constantNode(0),
  );
  const leaves = children.every((child) => child.constant !== undefined)
    ? Float64Array.from(children, (child) => child.constant!)
    : undefined;
  const isInt = scope.inputs[index].type === "int";
  const binned = leaves === undefined ? binnedFormula(children, axis.n) : undefined;
  const fallback = children[axis.n];
  const nested = leaves === undefined && binned === undefined &&
      (flow !== "value" || fallback.constant !== undefined)
    ? flattenNested(children, axis.n)
    : undefined;
  const resolvable = leaves === undefined &&
    children.every((child) => child.constant !== undefined || child.resolve !== undefined);

  const scalar = (values: ScalarValue[]): number => {
    const raw = values[index];
    const value = isInt ? Number(raw) : raw as number;
    const bin = axis.find(value);
    if (bin < 0) {
      throw evaluationError(
        scope,
        "CORRECTION_OUT_OF_RANGE",
        index,
        raw,
        rangeReason(axis, bin, "binning"),
        undefined,
      );
    }
    return children[bin].scalar(values);
  };

  const column: ColumnKernel = (data, rows, start, end, out) => {
    const values = data.real[index];
    const slots = new Int32Array(end - start);
    const failed = fillBins(axis, values, rows, start, end, slots);
    if (failed >= 0) {
      const row = rows[failed];
      throw evaluationError(
        scope,
        "CORRECTION_OUT_OF_RANGE",
        index,
        data.bigint[index]?.[row] ?? values[row],
        rangeReason(axis, axis.find(values[row]), "binning"),
        row,
      );
    }
    if (leaves !== undefined) {
      for (let k = start; k < end; k++) out[rows[k]] = leaves[slots[k - start]];
      return;
    }
    if (resolvable) {
      // children fixed by scalar inputs (e.g. a category on the systematic): a plain lookup
      const resolved = new Float64Array(children.length);
      let all = true;
      for (let c = 0; c < children.length && all; c++) {
        const value = children[c].constant ?? children[c].resolve?.(data);
        if (value === undefined) all = false;
        else resolved[c] = value;
      }
      if (all) {
        for (let k = start; k < end; k++) out[rows[k]] = resolved[slots[k - start]];
        return;
      }
    }
    if (nested !== undefined) {
      runNested(nested, slots, data, rows, start, end, out);
      return;
    }
    if (binned !== undefined) {
      const { compiled, table, stride } = binned;
      const columns = compiled.variables.map((variable) => data.real[variable]);
      compiled.vector.runBinned(columns, rows, start, end, { table, stride, bins: slots }, out);
      // rows outside the edges (flow given as a content node) take the default instead
      const n = axis.n;
      let defaults = 0;
      for (let k = 0; k < end - start; k++) if (slots[k] === n) defaults++;
      if (defaults === 0) return;
      if (fallback.constant !== undefined) {
        const value = fallback.constant;
        for (let k = start; k < end; k++) if (slots[k - start] === n) out[rows[k]] = value;
        return;
      }
      const selected = new Int32Array(defaults);
      let j = 0;
      for (let k = start; k < end; k++) if (slots[k - start] === n) selected[j++] = rows[k];
      fallback.column(data, selected, 0, defaults, out);
      return;
    }
    dispatch(children, slots, data, rows, start, end, out);
  };
  const runNested = (
    plan: NonNullable<ReturnType<typeof flattenNested>>,
    slots: Int32Array,
    data: ColumnData,
    rows: Int32Array,
    start: number,
    end: number,
    out: Float64Array,
  ): void => {
    const { inner, offsets, table, stride, compiled } = plan;
    const values = data.real[plan.input];
    const count = end - start;
    const bins = new Int32Array(count);
    // rows that take a default: 1 the outer one, 2 their inner binning's
    const special = new Uint8Array(count);
    let specials = 0;
    const n = axis.n;
    for (let k = 0; k < count; k++) {
      const outer = slots[k];
      if (outer === n) {
        special[k] = 1;
        specials++;
        continue;
      }
      const info = inner[outer];
      const row = rows[start + k];
      const bin = binOf(info.axis, values[row]);
      if (bin < 0) {
        throw evaluationError(
          scope,
          "CORRECTION_OUT_OF_RANGE",
          plan.input,
          values[row],
          rangeReason(info.axis, bin, "binning"),
          row,
        );
      }
      if (bin === info.axis.n) {
        special[k] = 2;
        specials++;
      }
      bins[k] = offsets[outer] + bin;
    }
    const columns = compiled.variables.map((variable) => data.real[variable]);
    compiled.vector.runBinned(columns, rows, start, end, { table, stride, bins }, out);
    if (specials === 0) return;
    for (let k = 0; k < count; k++) {
      if (special[k] === 1) out[rows[start + k]] = fallback.constant!;
      else if (special[k] === 2) out[rows[start + k]] = inner[slots[k]].fallback!;
    }
  };

  // every bin and the default give the same number (MC L3Absolute in JEC files): a leaf
  if (
    flow !== "error" && leaves !== undefined && leaves.every((value) => Object.is(value, leaves[0]))
  ) {
    return constantNode(leaves[0]);
  }
  // a parent may flatten this binning when its default is a number (or never used)
  const binnedInfo: BinnedInfo | undefined =
    binned !== undefined && (flow !== "value" || fallback.constant !== undefined)
      ? {
        input: index,
        axis,
        compiled: binned.compiled,
        table: binned.table,
        stride: binned.stride,
        fallback: flow === "value" ? fallback.constant : undefined,
      }
      : undefined;
  return { scalar, column, binned: binnedInfo };
}

function compileMultiBinning(json: MultiBinningJson, scope: CompileScope): CompiledNode {
  const flow = flowMode(json.flow);
  const indices = json.inputs.map((name) => inputIndex(scope, name));
  const axes = json.edges.map((edges) => makeAxis(edges, flow));
  const ndim = axes.length;
  // row-major: the last input has stride 1
  const strides = new Array<number>(ndim);
  let total = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    strides[d] = total;
    total *= axes[d].n;
  }
  const children = json.content.map((item) => compileContent(item, scope));
  children.push(
    flow === "value" ? compileContent(json.flow as ContentJson, scope) : constantNode(0),
  );
  const isInt = indices.map((index) => scope.inputs[index].type === "int");

  /** The content slot of one point, or a negative code: -(2*d + 1) below / -(2*d + 2) above. */
  const locate = (value: (d: number) => number): number => {
    let slot = 0;
    for (let d = 0; d < ndim; d++) {
      const bin = axes[d].find(value(d));
      if (bin < 0) return bin === BELOW ? -(2 * d + 1) : -(2 * d + 2);
      if (bin === axes[d].n) return total; // the default
      slot += bin * strides[d];
    }
    return slot;
  };
  const fail = (code: number, raw: (d: number) => unknown, row: number | undefined) => {
    const d = Math.floor((-code - 1) / 2);
    const side = (-code - 1) % 2 === 0 ? BELOW : ABOVE;
    return evaluationError(
      scope,
      "CORRECTION_OUT_OF_RANGE",
      indices[d],
      raw(d),
      rangeReason(axes[d], side, "multibinning"),
      row,
    );
  };

  const scalar = (values: ScalarValue[]): number => {
    const raw = (d: number) => values[indices[d]];
    const slot = locate((d) => isInt[d] ? Number(raw(d)) : raw(d) as number);
    if (slot < 0) throw fail(slot, raw, undefined);
    return children[slot].scalar(values);
  };

  const leaves = children.every((child) => child.constant !== undefined)
    ? Float64Array.from(children, (child) => child.constant!)
    : undefined;

  const column: ColumnKernel = (data, rows, start, end, out) => {
    const columns = indices.map((index) => data.real[index]);
    const slots = new Int32Array(end - start);
    for (let k = start; k < end; k++) {
      const row = rows[k];
      let slot = 0;
      for (let d = 0; d < ndim; d++) {
        const axis = axes[d];
        const bin = binOf(axis, columns[d][row]);
        if (bin < 0) {
          const code = bin === BELOW ? -(2 * d + 1) : -(2 * d + 2);
          throw fail(code, (dim) => columns[dim][row], row);
        }
        if (bin === axis.n) { // the default
          slot = total;
          break;
        }
        slot += bin * strides[d];
      }
      slots[k - start] = slot;
    }
    if (leaves !== undefined) {
      for (let k = start; k < end; k++) out[rows[k]] = leaves[slots[k - start]];
      return;
    }
    dispatch(children, slots, data, rows, start, end, out);
  };
  return { scalar, column };
}

// ---------------------------------------------------------------------------------------------
// Category

function compileCategory(json: CategoryJson, scope: CompileScope): CompiledNode {
  const index = inputIndex(scope, json.input);
  const isString = scope.inputs[index].type === "string";
  const keys = new Map<number | string, number>();
  const children: CompiledNode[] = [];
  for (const item of json.content) {
    // duplicate keys: the first one wins, as std::map::try_emplace does in correctionlib
    if (keys.has(item.key)) continue;
    keys.set(item.key, children.length);
    children.push(compileContent(item.value, scope));
  }
  const hasDefault = json.default !== undefined && json.default !== null;
  const defaultSlot = hasDefault ? children.length : -1;
  if (hasDefault) children.push(compileContent(json.default as ContentJson, scope));
  const knownKeys = [...keys.keys()];

  const missing = (value: unknown, row: number | undefined) => {
    const shown = knownKeys.slice(0, 12).map(showValue).join(", ") +
      (knownKeys.length > 12 ? ", ..." : "");
    const hint = typeof value === "string" ? didYouMean(value, knownKeys.map(String)) : "";
    return evaluationError(
      scope,
      "CORRECTION_UNKNOWN_KEY",
      index,
      value,
      `is not a key of a category without default${hint}; the keys are ${shown}`,
      row,
    );
  };
  const slotOf = (value: ScalarValue): number => {
    // int64 keys beyond 2^53 are compared as doubles
    const key = typeof value === "bigint" ? Number(value) : value;
    return keys.get(key) ?? defaultSlot;
  };

  const scalar = (values: ScalarValue[]): number => {
    const slot = slotOf(values[index]);
    if (slot < 0) throw missing(values[index], undefined);
    return children[slot].scalar(values);
  };

  const resolve = (data: ColumnData): number | undefined => {
    const constant = data.constant[index];
    if (constant === undefined) return undefined;
    const slot = slotOf(constant);
    if (slot < 0) return undefined; // the column kernel raises the error
    return children[slot].constant ?? children[slot].resolve?.(data);
  };

  const column: ColumnKernel = (data, rows, start, end, out) => {
    const constant = data.constant[index];
    if (constant !== undefined) {
      // one key for every row (e.g. the systematic name given as a scalar): one lookup
      const slot = slotOf(constant);
      if (slot < 0) throw missing(constant, rows[start]);
      const child = children[slot];
      if (child.constant === undefined) child.column(data, rows, start, end, out);
      else for (let k = start; k < end; k++) out[rows[k]] = child.constant;
      return;
    }
    const slots = new Int32Array(end - start);
    if (isString) {
      const strings = data.strings[index]!;
      for (let k = start; k < end; k++) {
        const slot = keys.get(strings[rows[k]]) ?? defaultSlot;
        if (slot < 0) throw missing(strings[rows[k]], rows[k]);
        slots[k - start] = slot;
      }
    } else {
      const values = data.real[index];
      const exact = data.bigint[index];
      for (let k = start; k < end; k++) {
        const slot = keys.get(values[rows[k]]) ?? defaultSlot;
        if (slot < 0) throw missing(exact ? exact[rows[k]] : values[rows[k]], rows[k]);
        slots[k - start] = slot;
      }
    }
    dispatch(children, slots, data, rows, start, end, out);
  };
  return { scalar, column, resolve };
}

// ---------------------------------------------------------------------------------------------
// Transform

/** C++ std::round: halves away from zero (Math.round rounds -2.5 to -2). */
function cppRound(value: number): number {
  const truncated = Math.trunc(value);
  return Math.abs(value - truncated) >= 0.5 ? truncated + Math.sign(value) : truncated;
}

/** The rows of `data` listed in rows[start..end), as a dense ColumnData of end - start rows. */
function compact(data: ColumnData, rows: Int32Array, start: number, end: number): ColumnData {
  const n = end - start;
  const real = data.real.map((column) => {
    if (column.length === 0) return column;
    const copy = new Float64Array(n);
    for (let k = 0; k < n; k++) copy[k] = column[rows[start + k]];
    return copy;
  });
  const bigint = data.bigint.map((column) => {
    if (column === undefined) return undefined;
    const copy = new BigInt64Array(n);
    for (let k = 0; k < n; k++) copy[k] = column[rows[start + k]];
    return copy;
  });
  const strings = data.strings.map((column) => {
    if (column === undefined) return undefined;
    const copy = new Array<string>(n);
    for (let k = 0; k < n; k++) copy[k] = column[rows[start + k]];
    return copy;
  });
  return { length: n, real, bigint, strings, constant: data.constant.slice() };
}

let identity = new Int32Array(0);

/** 0, 1, ..., n-1 (a view of one shared, growing array: kernels never write row lists). */
export function identityRows(n: number): Int32Array {
  if (identity.length < n) {
    identity = new Int32Array(Math.max(n, 2 * identity.length));
    for (let i = 0; i < identity.length; i++) identity[i] = i;
  }
  return identity.subarray(0, n);
}

function compileTransform(json: TransformJson, scope: CompileScope): CompiledNode {
  const index = inputIndex(scope, json.input);
  const isInt = scope.inputs[index].type === "int";
  const rule = compileContent(json.rule, scope);
  const content = compileContent(json.content, scope);

  const scalar = (values: ScalarValue[]): number => {
    const replaced = values.slice();
    const value = rule.scalar(values);
    replaced[index] = isInt ? cppRound(value) : value;
    return content.scalar(replaced);
  };

  const column: ColumnKernel = (data, rows, start, end, out) => {
    // work on a dense copy of the selected rows, so the rewrite never touches the caller's data
    const n = end - start;
    const local = compact(data, rows, start, end);
    const identity = identityRows(n);
    const rewritten = new Float64Array(n);
    rule.column(local, identity, 0, n, rewritten);
    if (isInt) { for (let k = 0; k < n; k++) rewritten[k] = cppRound(rewritten[k]); }
    local.real[index] = rewritten;
    local.bigint[index] = undefined;
    local.constant[index] = undefined;
    const result = new Float64Array(n);
    content.column(local, identity, 0, n, result);
    for (let k = 0; k < n; k++) out[rows[start + k]] = result[k];
  };
  return { scalar, column };
}

// ---------------------------------------------------------------------------------------------
// HashPRNG

function compileHashPrng(json: HashPrngJson, scope: CompileScope): CompiledNode {
  const indices = json.inputs.map((name) => inputIndex(scope, name));
  const isInt = indices.map((index) => scope.inputs[index].type === "int");
  const distribution = json.distribution as PrngDistribution;
  const packer = new PrngPacker(indices.length);

  const scalar = (values: ScalarValue[]): number => {
    for (let i = 0; i < indices.length; i++) {
      const value = values[indices[i]] as number | bigint;
      if (isInt[i]) packer.setInt(i, value);
      else packer.setReal(i, value as number);
    }
    return packer.draw(distribution);
  };

  const column: ColumnKernel = (data, rows, start, end, out) => {
    for (let k = start; k < end; k++) {
      const row = rows[k];
      for (let i = 0; i < indices.length; i++) {
        const index = indices[i];
        if (isInt[i]) packer.setInt(i, data.bigint[index]?.[row] ?? data.real[index][row]);
        else packer.setReal(i, data.real[index][row]);
      }
      out[row] = packer.draw(distribution);
    }
  };
  return { scalar, column };
}

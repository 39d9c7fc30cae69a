/**
 * Columnar evaluation of a formula AST: the tree is flattened once into a tape of vector
 * instructions (with common subexpressions merged and parameter-only subtrees computed once per
 * call), then run over rows in cache-sized chunks, each instruction a tight loop over a
 * Float64Array. This removes the per-value tree walk that a closure tree costs.
 * @module
 */
import { binaryFunction, type FormulaNode, formulaUsage, unaryFunction } from "./formula.ts";
import { cppPow } from "./_math.ts";

/** Rows per chunk: small enough that all registers stay in cache. */
const CHUNK = 1024;

const enum Op {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Max,
  Min,
  Eq,
  Ne,
  Gt,
  Lt,
  Ge,
  Le,
  Atan2,
}

const BINARY_OPS: Readonly<Record<string, Op>> = {
  "+": Op.Add,
  "-": Op.Sub,
  "*": Op.Mul,
  "/": Op.Div,
  "^": Op.Pow,
  pow: Op.Pow,
  max: Op.Max,
  min: Op.Min,
  "==": Op.Eq,
  "!=": Op.Ne,
  ">": Op.Gt,
  "<": Op.Lt,
  ">=": Op.Ge,
  "<=": Op.Le,
  atan2: Op.Atan2,
};

/**
 * An operand: a vector register (0 <= r < TABLE), a scalar slot (encoded as -1 - slot), or in
 * binned tapes a column of the per-bin table (TABLE + column).
 */
type Operand = number;
const TABLE = 1 << 20;

type Instruction =
  | { kind: "gather"; variable: number; dst: number }
  | { kind: "parameter"; index: number; dst: number }
  | { kind: "negate"; a: number; dst: number }
  | { kind: "abs"; a: number; dst: number }
  | { kind: "sqrt"; a: number; dst: number }
  | { kind: "log"; a: number; dst: number }
  | { kind: "log10"; a: number; dst: number }
  | { kind: "exp"; a: number; dst: number }
  | { kind: "call1"; fn: (x: number) => number; a: number; dst: number }
  | { kind: "binary"; op: Op; a: Operand; b: Operand; dst: number }
  /** A vector and a table column, in this order when `tableFirst` is false. */
  | { kind: "binaryTable"; op: Op; v: number; column: number; tableFirst: boolean; dst: number };

/** A table column computed per bin from earlier columns (a subtree of parameters only). */
interface DerivedColumn {
  readonly column: number;
  readonly fn: (row: Float64Array, slots: Float64Array) => number;
}

type ScalarFn = (params: readonly number[], slots: Float64Array) => number;

/** A formula compiled for columns. */
export interface VectorFormula {
  /** True when the formula reads no variable: its value depends on the parameters only. */
  readonly constant: boolean;
  /** The value of a constant formula for these parameters. */
  constantValue(params: readonly number[]): number;
  /**
   * Evaluates the formula for rows[start..end): variable i of the formula reads
   * `columns[i][row]`; the result goes to `out[row]`.
   */
  run(
    columns: readonly Float64Array[],
    rows: Int32Array,
    start: number,
    end: number,
    params: readonly number[],
    out: Float64Array,
  ): void;
  /**
   * Like `run`, but each row takes its parameters from row `bins[k - start]` of `table`
   * (`stride` values per row): one pass for all the bins of a binning of this formula.
   */
  /**
   * The per-bin table for `runBinned`: one row per bin (plus a NaN row for default rows) with
   * the parameters and the values of every parameter-only subexpression.
   */
  prepareTable(
    parameterRows: readonly (readonly number[])[],
  ): { table: Float64Array; stride: number };
  runBinned(
    columns: readonly Float64Array[],
    rows: Int32Array,
    start: number,
    end: number,
    perRow: RowParameters,
    out: Float64Array,
  ): void;
}

/**
 * Registers shared by every formula: a run never calls another kernel, so one pool serves all
 * (thousands of formulas in a JEC file would otherwise each hold their own buffers).
 */
const sharedRegisters: Float64Array[] = [];

function registerPool(count: number): Float64Array[] {
  while (sharedRegisters.length < count) sharedRegisters.push(new Float64Array(CHUNK));
  return sharedRegisters;
}

interface Tape {
  readonly scalarFns: ScalarFn[];
  readonly tape: Instruction[];
  readonly registers: number;
  readonly root: Operand;
  readonly slots: Float64Array;
  /** Binned tapes: parameters take columns [0, parameters), derived columns follow. */
  readonly parameters: number;
  readonly derived: readonly DerivedColumn[];
  readonly stride: number;
}

/**
 * Flattens a formula AST into a vector tape. With `parametersPerRow`, parameters are vectors
 * too (each row reads the parameters of its own bin from a table), so a binning whose bins all
 * hold the same formula runs as one tape over all its rows, without grouping them by bin.
 */
function buildTape(ast: FormulaNode, parametersPerRow: boolean): Tape {
  const scalarFns: ScalarFn[] = [];
  const tape: Instruction[] = [];
  let registers = 0;
  // common subexpressions: structural key -> operand
  const seen = new Map<string, { operand: Operand; key: string }>();

  const scalarSlot = (fn: ScalarFn): Operand => {
    scalarFns.push(fn);
    return -scalarFns.length; // slot k is encoded as -1 - k
  };
  const slotOf = (operand: Operand): number => -1 - operand;
  const isRegister = (operand: Operand) => operand >= 0 && operand < TABLE;
  const parameters = parametersPerRow ? formulaUsage(ast).maxParameter + 1 : 0;
  const derived: DerivedColumn[] = [];
  let columns = parameters;
  /** How a derived column reads an operand that is a table column or a scalar slot. */
  const reader = (operand: Operand): (row: Float64Array, slots: Float64Array) => number => {
    if (operand >= TABLE) {
      const column = operand - TABLE;
      return (row) => row[column];
    }
    const slot = slotOf(operand);
    return (_row, slots) => slots[slot];
  };
  const derive = (fn: DerivedColumn["fn"]): Operand => {
    const column = columns++;
    derived.push({ column, fn });
    return TABLE + column;
  };

  // returns the operand and a structural key of the node
  const visit = (node: FormulaNode): { operand: Operand; key: string } => {
    let result: { operand: Operand; key: string };
    switch (node.kind) {
      case "literal": {
        // Object.is keeps -0 apart from 0 (1/-0 is not 1/0)
        const key = Object.is(node.value, -0) ? "L-0" : `L${node.value}`;
        const value = node.value;
        result = seen.get(key) ?? { operand: scalarSlot(() => value), key };
        break;
      }
      case "parameter": {
        const key = `P${node.index}`;
        const index = node.index;
        const existing = seen.get(key);
        if (existing) result = existing;
        else if (parametersPerRow) result = { operand: TABLE + index, key };
        else result = { operand: scalarSlot((params) => params[index]), key };
        break;
      }
      case "variable": {
        const key = `V${node.index}`;
        const existing = seen.get(key);
        if (existing) {
          result = existing;
        } else {
          const dst = registers++;
          tape.push({ kind: "gather", variable: node.index, dst });
          result = { operand: dst, key };
        }
        break;
      }
      case "negate":
      case "call1": {
        const arg = visit(node.arg);
        const name = node.kind === "negate" ? "neg" : node.fn;
        const key = `${name}(${arg.key})`;
        const existing = seen.get(key);
        if (existing) {
          result = existing;
        } else if (arg.operand < 0) {
          const slot = slotOf(arg.operand);
          const fn = node.kind === "negate" ? (x: number) => -x : unaryFunction(node.fn);
          result = { operand: scalarSlot((_p, slots) => fn(slots[slot])), key };
        } else if (arg.operand >= TABLE) {
          // a function of parameters only: computed once per bin into the table
          const fn = node.kind === "negate" ? (x: number) => -x : unaryFunction(node.fn);
          const read = reader(arg.operand);
          result = { operand: derive((row, slots) => fn(read(row, slots))), key };
        } else {
          const dst = registers++;
          const a = arg.operand;
          if (name === "neg") tape.push({ kind: "negate", a, dst });
          else if (name === "abs") tape.push({ kind: "abs", a, dst });
          else if (name === "sqrt") tape.push({ kind: "sqrt", a, dst });
          // the common functions get their own loops, so the call is direct (and inlinable)
          else if (name === "log") tape.push({ kind: "log", a, dst });
          else if (name === "log10") tape.push({ kind: "log10", a, dst });
          else if (name === "exp") tape.push({ kind: "exp", a, dst });
          else tape.push({ kind: "call1", fn: unaryFunction(name as never), a, dst });
          result = { operand: dst, key };
        }
        break;
      }
      case "call2":
      case "binary": {
        const name = node.kind === "call2" ? node.fn : node.op;
        const left = visit(node.left);
        const right = visit(node.right);
        const key = `${name}(${left.key},${right.key})`;
        const existing = seen.get(key);
        if (existing) {
          result = existing;
        } else if (left.operand < 0 && right.operand < 0) {
          const fn = binaryFunction(name);
          const a = slotOf(left.operand);
          const b = slotOf(right.operand);
          result = { operand: scalarSlot((_p, slots) => fn(slots[a], slots[b])), key };
        } else if (!isRegister(left.operand) && !isRegister(right.operand)) {
          // parameters (and literals) only: computed once per bin into the table
          const fn = binaryFunction(name);
          const a = reader(left.operand);
          const b = reader(right.operand);
          result = { operand: derive((row, slots) => fn(a(row, slots), b(row, slots))), key };
        } else if (left.operand >= TABLE || right.operand >= TABLE) {
          const dst = registers++;
          const tableFirst = left.operand >= TABLE;
          tape.push({
            kind: "binaryTable",
            op: BINARY_OPS[name],
            v: tableFirst ? right.operand : left.operand,
            column: (tableFirst ? left.operand : right.operand) - TABLE,
            tableFirst,
            dst,
          });
          result = { operand: dst, key };
        } else {
          const dst = registers++;
          tape.push({
            kind: "binary",
            op: BINARY_OPS[name],
            a: left.operand,
            b: right.operand,
            dst,
          });
          result = { operand: dst, key };
        }
        break;
      }
    }
    seen.set(result.key, result);
    return result;
  };
  let root = visit(ast).operand;
  if (root >= TABLE) { // the whole formula is a parameter expression: read it per row
    const dst = registers++;
    tape.push({ kind: "parameter", index: root - TABLE, dst });
    root = dst;
  }
  return {
    scalarFns,
    tape,
    registers,
    root,
    slots: new Float64Array(scalarFns.length),
    parameters,
    derived,
    stride: Math.max(1, columns),
  };
}

/** Where the parameters of each row come from in a binned run. */
export interface RowParameters {
  readonly table: Float64Array;
  readonly stride: number;
  /** bins[k - start]: the bin (row of the table) of rows[k]. */
  readonly bins: Int32Array;
}

function execute(
  t: Tape,
  columns: readonly Float64Array[],
  rows: Int32Array,
  start: number,
  end: number,
  params: readonly number[],
  perRow: RowParameters | undefined,
  out: Float64Array,
): void {
  const { scalarFns, tape, root, slots } = t;
  // scalar slots depend only on literals and parameters: once per call
  for (let i = 0; i < scalarFns.length; i++) slots[i] = scalarFns[i](params, slots);
  if (root < 0) {
    const value = slots[-1 - root];
    for (let k = start; k < end; k++) out[rows[k]] = value;
    return;
  }
  const regs = registerPool(t.registers);
  for (let base = start; base < end; base += CHUNK) {
    const n = Math.min(CHUNK, end - base);
    for (const ins of tape) {
      const dst = regs[ins.dst];
      switch (ins.kind) {
        case "gather": {
          const column = columns[ins.variable];
          for (let i = 0; i < n; i++) dst[i] = column[rows[base + i]];
          break;
        }
        case "parameter": {
          const { table, stride, bins } = perRow!;
          const offset = base - start;
          const index = ins.index;
          for (let i = 0; i < n; i++) dst[i] = table[bins[offset + i] * stride + index];
          break;
        }
        case "negate": {
          const a = regs[ins.a];
          for (let i = 0; i < n; i++) dst[i] = -a[i];
          break;
        }
        case "abs": {
          const a = regs[ins.a];
          for (let i = 0; i < n; i++) dst[i] = Math.abs(a[i]);
          break;
        }
        case "sqrt": {
          const a = regs[ins.a];
          for (let i = 0; i < n; i++) dst[i] = Math.sqrt(a[i]);
          break;
        }
        case "log": {
          const a = regs[ins.a];
          for (let i = 0; i < n; i++) dst[i] = Math.log(a[i]);
          break;
        }
        case "log10": {
          const a = regs[ins.a];
          for (let i = 0; i < n; i++) dst[i] = Math.log10(a[i]);
          break;
        }
        case "exp": {
          const a = regs[ins.a];
          for (let i = 0; i < n; i++) dst[i] = Math.exp(a[i]);
          break;
        }
        case "call1": {
          const a = regs[ins.a];
          const fn = ins.fn;
          for (let i = 0; i < n; i++) dst[i] = fn(a[i]);
          break;
        }
        case "binaryTable": {
          const { table, stride, bins } = perRow!;
          const offset = base - start;
          if (ins.tableFirst) {
            binaryTV(ins.op, table, stride, ins.column, bins, offset, regs[ins.v], dst, n);
          } else binaryVT(ins.op, regs[ins.v], table, stride, ins.column, bins, offset, dst, n);
          break;
        }
        case "binary":
          if (ins.a >= 0 && ins.b >= 0) binaryVV(ins.op, regs[ins.a], regs[ins.b], dst, n);
          else if (ins.a >= 0) binaryVS(ins.op, regs[ins.a], slots[-1 - ins.b], dst, n);
          else binarySV(ins.op, slots[-1 - ins.a], regs[ins.b], dst, n);
          break;
      }
    }
    const result = regs[root];
    for (let i = 0; i < n; i++) out[rows[base + i]] = result[i];
  }
}

/** Compiles a formula AST for columns (see the module comment). */
export function compileVectorFormula(ast: FormulaNode): VectorFormula {
  const shared = buildTape(ast, false);
  let binned: Tape | undefined;
  return {
    constant: shared.root < 0,
    constantValue(params) {
      const { scalarFns, slots } = shared;
      for (let i = 0; i < scalarFns.length; i++) slots[i] = scalarFns[i](params, slots);
      return slots[-1 - shared.root];
    },
    run(columns, rows, start, end, params, out) {
      execute(shared, columns, rows, start, end, params, undefined, out);
    },
    prepareTable(parameterRows) {
      binned ??= buildTape(ast, true);
      const { stride, parameters, derived, scalarFns, slots } = binned;
      // the scalar slots of a binned tape hold literals only
      for (let i = 0; i < scalarFns.length; i++) slots[i] = scalarFns[i]([], slots);
      const table = new Float64Array((parameterRows.length + 1) * stride).fill(NaN);
      parameterRows.forEach((params, r) => {
        const row = table.subarray(r * stride, (r + 1) * stride);
        for (let i = 0; i < parameters && i < params.length; i++) row[i] = params[i];
        for (const column of derived) row[column.column] = column.fn(row, slots);
      });
      return { table, stride };
    },
    runBinned(columns, rows, start, end, perRow, out) {
      binned ??= buildTape(ast, true);
      execute(binned, columns, rows, start, end, [], perRow, out);
    },
  };
}

function binaryVV(op: Op, a: Float64Array, b: Float64Array, d: Float64Array, n: number): void {
  switch (op) {
    case Op.Add:
      for (let i = 0; i < n; i++) d[i] = a[i] + b[i];
      return;
    case Op.Sub:
      for (let i = 0; i < n; i++) d[i] = a[i] - b[i];
      return;
    case Op.Mul:
      for (let i = 0; i < n; i++) d[i] = a[i] * b[i];
      return;
    case Op.Div:
      for (let i = 0; i < n; i++) d[i] = a[i] / b[i];
      return;
    case Op.Pow:
      for (let i = 0; i < n; i++) d[i] = cppPow(a[i], b[i]);
      return;
    case Op.Max:
      for (let i = 0; i < n; i++) d[i] = a[i] < b[i] ? b[i] : a[i];
      return;
    case Op.Min:
      for (let i = 0; i < n; i++) d[i] = b[i] < a[i] ? b[i] : a[i];
      return;
    case Op.Eq:
      for (let i = 0; i < n; i++) d[i] = a[i] === b[i] ? 1 : 0;
      return;
    case Op.Ne:
      for (let i = 0; i < n; i++) d[i] = a[i] !== b[i] ? 1 : 0;
      return;
    case Op.Gt:
      for (let i = 0; i < n; i++) d[i] = a[i] > b[i] ? 1 : 0;
      return;
    case Op.Lt:
      for (let i = 0; i < n; i++) d[i] = a[i] < b[i] ? 1 : 0;
      return;
    case Op.Ge:
      for (let i = 0; i < n; i++) d[i] = a[i] >= b[i] ? 1 : 0;
      return;
    case Op.Le:
      for (let i = 0; i < n; i++) d[i] = a[i] <= b[i] ? 1 : 0;
      return;
    case Op.Atan2:
      for (let i = 0; i < n; i++) d[i] = Math.atan2(a[i], b[i]);
      return;
  }
}

function binaryVS(op: Op, a: Float64Array, b: number, d: Float64Array, n: number): void {
  switch (op) {
    case Op.Add:
      for (let i = 0; i < n; i++) d[i] = a[i] + b;
      return;
    case Op.Sub:
      for (let i = 0; i < n; i++) d[i] = a[i] - b;
      return;
    case Op.Mul:
      for (let i = 0; i < n; i++) d[i] = a[i] * b;
      return;
    case Op.Div:
      for (let i = 0; i < n; i++) d[i] = a[i] / b;
      return;
    case Op.Pow:
      for (let i = 0; i < n; i++) d[i] = cppPow(a[i], b);
      return;
    case Op.Max:
      for (let i = 0; i < n; i++) d[i] = a[i] < b ? b : a[i];
      return;
    case Op.Min:
      for (let i = 0; i < n; i++) d[i] = b < a[i] ? b : a[i];
      return;
    case Op.Eq:
      for (let i = 0; i < n; i++) d[i] = a[i] === b ? 1 : 0;
      return;
    case Op.Ne:
      for (let i = 0; i < n; i++) d[i] = a[i] !== b ? 1 : 0;
      return;
    case Op.Gt:
      for (let i = 0; i < n; i++) d[i] = a[i] > b ? 1 : 0;
      return;
    case Op.Lt:
      for (let i = 0; i < n; i++) d[i] = a[i] < b ? 1 : 0;
      return;
    case Op.Ge:
      for (let i = 0; i < n; i++) d[i] = a[i] >= b ? 1 : 0;
      return;
    case Op.Le:
      for (let i = 0; i < n; i++) d[i] = a[i] <= b ? 1 : 0;
      return;
    case Op.Atan2:
      for (let i = 0; i < n; i++) d[i] = Math.atan2(a[i], b);
      return;
  }
}

function binarySV(op: Op, a: number, b: Float64Array, d: Float64Array, n: number): void {
  switch (op) {
    case Op.Add:
      for (let i = 0; i < n; i++) d[i] = a + b[i];
      return;
    case Op.Sub:
      for (let i = 0; i < n; i++) d[i] = a - b[i];
      return;
    case Op.Mul:
      for (let i = 0; i < n; i++) d[i] = a * b[i];
      return;
    case Op.Div:
      for (let i = 0; i < n; i++) d[i] = a / b[i];
      return;
    case Op.Pow:
      for (let i = 0; i < n; i++) d[i] = cppPow(a, b[i]);
      return;
    case Op.Max:
      for (let i = 0; i < n; i++) d[i] = a < b[i] ? b[i] : a;
      return;
    case Op.Min:
      for (let i = 0; i < n; i++) d[i] = b[i] < a ? b[i] : a;
      return;
    case Op.Eq:
      for (let i = 0; i < n; i++) d[i] = a === b[i] ? 1 : 0;
      return;
    case Op.Ne:
      for (let i = 0; i < n; i++) d[i] = a !== b[i] ? 1 : 0;
      return;
    case Op.Gt:
      for (let i = 0; i < n; i++) d[i] = a > b[i] ? 1 : 0;
      return;
    case Op.Lt:
      for (let i = 0; i < n; i++) d[i] = a < b[i] ? 1 : 0;
      return;
    case Op.Ge:
      for (let i = 0; i < n; i++) d[i] = a >= b[i] ? 1 : 0;
      return;
    case Op.Le:
      for (let i = 0; i < n; i++) d[i] = a <= b[i] ? 1 : 0;
      return;
    case Op.Atan2:
      for (let i = 0; i < n; i++) d[i] = Math.atan2(a, b[i]);
      return;
  }
}

/** A vector op a table column (the parameters of each row's bin). */
function binaryVT(
  op: Op,
  a: Float64Array,
  t: Float64Array,
  stride: number,
  col: number,
  bins: Int32Array,
  offset: number,
  d: Float64Array,
  n: number,
): void {
  switch (op) {
    case Op.Add:
      for (let i = 0; i < n; i++) d[i] = a[i] + t[bins[offset + i] * stride + col];
      return;
    case Op.Sub:
      for (let i = 0; i < n; i++) d[i] = a[i] - t[bins[offset + i] * stride + col];
      return;
    case Op.Mul:
      for (let i = 0; i < n; i++) d[i] = a[i] * t[bins[offset + i] * stride + col];
      return;
    case Op.Div:
      for (let i = 0; i < n; i++) d[i] = a[i] / t[bins[offset + i] * stride + col];
      return;
    case Op.Pow:
      for (let i = 0; i < n; i++) d[i] = cppPow(a[i], t[bins[offset + i] * stride + col]);
      return;
    case Op.Max:
      for (let i = 0; i < n; i++) {
        d[i] = a[i] < t[bins[offset + i] * stride + col]
          ? t[bins[offset + i] * stride + col]
          : a[i];
      }
      return;
    case Op.Min:
      for (let i = 0; i < n; i++) {
        d[i] = t[bins[offset + i] * stride + col] < a[i]
          ? t[bins[offset + i] * stride + col]
          : a[i];
      }
      return;
    case Op.Eq:
      for (let i = 0; i < n; i++) d[i] = a[i] === t[bins[offset + i] * stride + col] ? 1 : 0;
      return;
    case Op.Ne:
      for (let i = 0; i < n; i++) d[i] = a[i] !== t[bins[offset + i] * stride + col] ? 1 : 0;
      return;
    case Op.Gt:
      for (let i = 0; i < n; i++) d[i] = a[i] > t[bins[offset + i] * stride + col] ? 1 : 0;
      return;
    case Op.Lt:
      for (let i = 0; i < n; i++) d[i] = a[i] < t[bins[offset + i] * stride + col] ? 1 : 0;
      return;
    case Op.Ge:
      for (let i = 0; i < n; i++) d[i] = a[i] >= t[bins[offset + i] * stride + col] ? 1 : 0;
      return;
    case Op.Le:
      for (let i = 0; i < n; i++) d[i] = a[i] <= t[bins[offset + i] * stride + col] ? 1 : 0;
      return;
    case Op.Atan2:
      for (let i = 0; i < n; i++) d[i] = Math.atan2(a[i], t[bins[offset + i] * stride + col]);
      return;
  }
}

/** A table column op a vector. */
function binaryTV(
  op: Op,
  t: Float64Array,
  stride: number,
  col: number,
  bins: Int32Array,
  offset: number,
  b: Float64Array,
  d: Float64Array,
  n: number,
): void {
  switch (op) {
    case Op.Add:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] + b[i];
      return;
    case Op.Sub:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] - b[i];
      return;
    case Op.Mul:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] * b[i];
      return;
    case Op.Div:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] / b[i];
      return;
    case Op.Pow:
      for (let i = 0; i < n; i++) d[i] = cppPow(t[bins[offset + i] * stride + col], b[i]);
      return;
    case Op.Max:
      for (let i = 0; i < n; i++) {
        d[i] = t[bins[offset + i] * stride + col] < b[i]
          ? b[i]
          : t[bins[offset + i] * stride + col];
      }
      return;
    case Op.Min:
      for (let i = 0; i < n; i++) {
        d[i] = b[i] < t[bins[offset + i] * stride + col]
          ? b[i]
          : t[bins[offset + i] * stride + col];
      }
      return;
    case Op.Eq:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] === b[i] ? 1 : 0;
      return;
    case Op.Ne:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] !== b[i] ? 1 : 0;
      return;
    case Op.Gt:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] > b[i] ? 1 : 0;
      return;
    case Op.Lt:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] < b[i] ? 1 : 0;
      return;
    case Op.Ge:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] >= b[i] ? 1 : 0;
      return;
    case Op.Le:
      for (let i = 0; i < n; i++) d[i] = t[bins[offset + i] * stride + col] <= b[i] ? 1 : 0;
      return;
    case Op.Atan2:
      for (let i = 0; i < n; i++) d[i] = Math.atan2(t[bins[offset + i] * stride + col], b[i]);
      return;
  }
}

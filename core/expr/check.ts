import { didYouMean } from "../errors/mod.ts";
import type { BinaryOperator, CallNode, ExprNode, ExprType, Span } from "./ast.ts";
import type { ExprSchema } from "./env.ts";
import { ExprError, type ExprErrorCode } from "./error.ts";
import { parseExpression } from "./parser.ts";
import { applyBinary, applyMath, MATH_FUNCTIONS, type MathFunction } from "./_scalar.ts";

/** A reduction over the objects of each event. */
export type ReduceFunction = "count" | "sum" | "max" | "min" | "any" | "all";

/** A function of two single objects (or, for deltaPhi, of two angles). */
export type PairFunction = "deltaR" | "deltaPhi" | "mass" | "pt";

/** One object of a collection picked by position: `GoodMuon[1]`. */
export interface ObjectRef {
  readonly collection: string;
  /**
   * Position in the event; negative counts from the end (`Jet[-1]` is the last jet).
   * Undefined for the whole collection (`deltaR(Jet, Muon[0])`: one value per jet).
   */
  readonly index: number | undefined;
  /** The paths of the kinematic fields the pair functions read. */
  readonly pt: string;
  readonly eta: string;
  readonly phi: string;
  /** Absent when the collection has no mass field (treated as massless). */
  readonly mass?: string;
}

/**
 * The checked tree: every name resolved, every node typed, broadcasts explicit, numbers used
 * as conditions wrapped in `truthy`, constants folded. This is what `compile` turns into kernels.
 */
export type CheckedNode =
  | { readonly op: "const"; readonly type: ExprType; readonly value: number }
  | { readonly op: "field"; readonly type: ExprType; readonly path: string }
  | {
    readonly op: "take";
    readonly type: ExprType;
    readonly collection: string;
    readonly index: number;
    readonly child: CheckedNode;
  }
  | { readonly op: "counts"; readonly type: ExprType; readonly collection: string }
  | {
    readonly op: "reduce";
    readonly type: ExprType;
    readonly fn: ReduceFunction;
    readonly collection: string;
    readonly child: CheckedNode;
  }
  | {
    readonly op: "broadcast";
    readonly type: ExprType;
    readonly collection: string;
    readonly child: CheckedNode;
  }
  | { readonly op: "truthy"; readonly type: ExprType; readonly child: CheckedNode }
  | { readonly op: "not"; readonly type: ExprType; readonly child: CheckedNode }
  | { readonly op: "negate"; readonly type: ExprType; readonly child: CheckedNode }
  | {
    readonly op: "binary";
    readonly type: ExprType;
    readonly operator: BinaryOperator;
    readonly left: CheckedNode;
    readonly right: CheckedNode;
  }
  | {
    readonly op: "math";
    readonly type: ExprType;
    readonly fn: MathFunction;
    readonly args: readonly CheckedNode[];
  }
  | {
    readonly op: "where";
    readonly type: ExprType;
    readonly condition: CheckedNode;
    readonly then: CheckedNode;
    readonly otherwise: CheckedNode;
  }
  | {
    readonly op: "pair";
    readonly type: ExprType;
    readonly fn: PairFunction;
    readonly a: ObjectRef;
    readonly b: ObjectRef;
  };

/** The result of {@linkcode checkExpression}. */
export interface CheckedExpression {
  readonly root: CheckedNode;
  readonly type: ExprType;
  /** The dotted column paths the expression reads. */
  readonly fields: Set<string>;
  /** The collections whose offsets the expression needs. */
  readonly collections: Set<string>;
}

/** Options of {@linkcode checkExpression}. */
export interface CheckOptions {
  /**
   * The collection whose objects are being selected: bare names are its fields first
   * (`pt` means `Muon.pt` when selecting from `Muon`).
   */
  readonly collection?: string;
  /** The already parsed tree of `source` (parsed here when absent). */
  readonly tree?: ExprNode;
}

// A value, or a reference that only some functions accept.
type Checked =
  | { readonly ref: "value"; readonly node: CheckedNode; readonly span: Span }
  | { readonly ref: "collection"; readonly collection: string; readonly span: Span }
  | {
    readonly ref: "object";
    readonly collection: string;
    readonly index: number;
    readonly span: Span;
  };

type Value = Extract<Checked, { ref: "value" }>;

const REDUCTIONS = new Set<string>(["count", "sum", "max", "min", "any", "all"]);
const PAIRS = new Set<string>(["deltaR", "deltaPhi", "mass", "pt"]);
const ARITHMETIC = new Set<string>(["+", "-", "*", "/", "%", "**"]);
const ORDERING = new Set<string>(["<", "<=", ">", ">="]);

/** Every function name of the language (for "did you mean" and documentation). */
export const FUNCTION_NAMES: readonly string[] = [
  ...MATH_FUNCTIONS.keys(),
  "pow",
  "where",
  ...REDUCTIONS,
  ...PAIRS,
].filter((name, i, all) => all.indexOf(name) === i).sort();

// Types without an `collection: undefined` key, so they compare equal to literals.
function makeType(
  kind: ExprType["kind"],
  shape: ExprType["shape"],
  collection?: string,
): ExprType {
  return shape === "object" ? { kind, shape, collection } : { kind, shape };
}

const NUMBER_SCALAR: ExprType = { kind: "number", shape: "scalar" };

class Checker {
  readonly fields = new Set<string>();
  readonly collections = new Set<string>();
  readonly #source: string;
  readonly #schema: ExprSchema;
  readonly #current?: string;

  constructor(source: string, schema: ExprSchema, current?: string) {
    this.#source = source;
    this.#schema = schema;
    this.#current = current;
  }

  error(code: ExprErrorCode, span: Span, reason: string, hint?: string): ExprError {
    return new ExprError(code, { source: this.#source, span, reason, hint });
  }

  check(node: ExprNode): Checked {
    switch (node.kind) {
      case "number":
        return this.#value(
          { op: "const", type: NUMBER_SCALAR, value: node.value },
          node.span,
        );
      case "boolean":
        return this.#value(
          { op: "const", type: { kind: "bool", shape: "scalar" }, value: node.value ? 1 : 0 },
          node.span,
        );
      case "name":
        return this.#name(node.name, node.span);
      case "member":
        return this.#member(node);
      case "index":
        return this.#index(node);
      case "unary": {
        const operand = this.value(this.check(node.operand), "an operand of " + node.operator);
        if (node.operator === "!") {
          const condition = this.condition(operand);
          if (condition.node.op === "const") {
            return this.#constant(condition.node.value ? 0 : 1, "bool", node.span);
          }
          return this.#value(
            { op: "not", type: condition.node.type, child: condition.node },
            node.span,
          );
        }
        this.number(operand, 'unary "-"');
        if (operand.node.op === "const") {
          return this.#constant(-operand.node.value, "number", node.span);
        }
        return this.#value(
          { op: "negate", type: operand.node.type, child: operand.node },
          node.span,
        );
      }
      case "binary":
        return this.#binary(node);
      case "call":
        return this.#call(node);
    }
  }

  #value(node: CheckedNode, span: Span): Value {
    return { ref: "value", node, span };
  }

  #constant(value: number, kind: "number" | "bool", span: Span): Value {
    return this.#value({ op: "const", type: { kind, shape: "scalar" }, value }, span);
  }

  #field(path: string, span: Span): Value | undefined {
    const kind = this.#schema.kindOf(path);
    if (kind === undefined) return undefined;
    this.fields.add(path);
    const type: ExprType = kind.jagged
      ? { kind: kind.type ?? "number", shape: "object", collection: kind.collection }
      : { kind: kind.type ?? "number", shape: "event" };
    if (kind.jagged) this.collections.add(kind.collection!);
    return this.#value({ op: "field", type, path }, span);
  }

  #known(): string[] {
    const names = this.#schema.names();
    const known = new Set(names);
    for (const path of names) {
      const dot = path.lastIndexOf(".");
      if (dot > 0 && this.#schema.isCollection(path.slice(0, dot))) known.add(path.slice(0, dot));
    }
    if (this.#current !== undefined) {
      const prefix = this.#current + ".";
      for (const path of names) if (path.startsWith(prefix)) known.add(path.slice(prefix.length));
    }
    return [...known];
  }

  #name(name: string, span: Span): Checked {
    if (this.#current !== undefined) {
      const own = this.#field(`${this.#current}.${name}`, span);
      if (own !== undefined) return own;
    }
    const field = this.#field(name, span);
    if (field !== undefined) return field;
    if (this.#schema.isCollection(name)) return { ref: "collection", collection: name, span };
    // NanoAOD's counter branches: nJet is the number of jets even when not a column.
    if (name.length > 1 && name[0] === "n" && this.#schema.isCollection(name.slice(1))) {
      const collection = name.slice(1);
      this.collections.add(collection);
      return this.#value(
        { op: "counts", type: { kind: "number", shape: "event" }, collection },
        span,
      );
    }
    throw this.error(
      "EXPR_UNKNOWN_NAME",
      span,
      `unknown name "${name}"`,
      didYouMean(name, this.#known()),
    );
  }

  // `a.b.c` as a dotted path, or undefined when the chain does not start from plain names.
  #dottedPath(node: ExprNode): string | undefined {
    if (node.kind === "name") return node.name;
    if (node.kind === "member") {
      const base = this.#dottedPath(node.object);
      return base === undefined ? undefined : `${base}.${node.field}`;
    }
    return undefined;
  }

  #member(node: Extract<ExprNode, { kind: "member" }>): Checked {
    const path = this.#dottedPath(node);
    if (path !== undefined) {
      if (this.#current !== undefined) {
        const own = this.#field(`${this.#current}.${path}`, node.span);
        if (own !== undefined) return own;
      }
      const field = this.#field(path, node.span);
      if (field !== undefined) return field;
      throw this.error(
        "EXPR_UNKNOWN_NAME",
        node.span,
        `unknown field "${path}"`,
        didYouMean(path, this.#known()),
      );
    }
    const object = this.check(node.object);
    if (object.ref === "object") {
      const path = `${object.collection}.${node.field}`;
      const field = this.#field(path, node.span);
      if (field === undefined) {
        throw this.error(
          "EXPR_UNKNOWN_NAME",
          node.fieldSpan,
          `unknown field "${path}"`,
          didYouMean(path, this.#schema.names()),
        );
      }
      return this.#take(field, object.index, node.span);
    }
    throw this.error(
      "EXPR_TYPE",
      node.fieldSpan,
      `cannot take field "${node.field}" of ${this.#describe(object)}`,
    );
  }

  #take(child: Value, index: number, span: Span): Value {
    const type = child.node.type;
    return this.#value({
      op: "take",
      type: { kind: type.kind, shape: "event" },
      collection: type.collection!,
      index,
      child: child.node,
    }, span);
  }

  #index(node: Extract<ExprNode, { kind: "index" }>): Checked {
    let index: number | undefined;
    const i = node.index;
    if (i.kind === "number") index = i.value;
    else if (i.kind === "unary" && i.operator === "-" && i.operand.kind === "number") {
      index = -i.operand.value;
    }
    if (index === undefined || !Number.isInteger(index)) {
      throw this.error(
        "EXPR_TYPE",
        i.span,
        "an index must be a whole number such as 0 or 1 (or -1 for the last object)",
      );
    }
    const object = this.check(node.object);
    if (object.ref === "collection") {
      this.collections.add(object.collection);
      return { ref: "object", collection: object.collection, index, span: node.span };
    }
    if (object.ref === "value" && object.node.type.shape === "object") {
      return this.#take(object, index, node.span);
    }
    throw this.error(
      "EXPR_TYPE",
      node.object.span,
      `cannot index ${
        this.#describe(object)
      }: only collections and per-object values have positions`,
    );
  }

  #describe(checked: Checked): string {
    if (checked.ref === "collection") return `the collection ${checked.collection}`;
    if (checked.ref === "object") return `the object ${checked.collection}[${checked.index}]`;
    const type = checked.node.type;
    const what = type.kind === "bool" ? "a boolean" : "a number";
    if (type.shape === "object") return `${what} per object of ${type.collection}`;
    return type.shape === "event" ? `${what} per event` : `a constant`;
  }

  /** A value, not a collection or object reference. */
  value(checked: Checked, role: string): Value {
    if (checked.ref === "value") return checked;
    const example = checked.ref === "collection"
      ? `${checked.collection}.pt or count(${checked.collection})`
      : `${checked.collection}[${checked.index}].pt`;
    throw this.error(
      "EXPR_TYPE",
      checked.span,
      `${this.#describe(checked)} cannot be used as ${role}; use a field such as ${example}`,
    );
  }

  number(value: Value, role: string): void {
    if (value.node.type.kind === "bool") {
      throw this.error(
        "EXPR_TYPE",
        value.span,
        `a boolean cannot be used as ${role}; use where(cond, 1, 0) to turn it into a number`,
      );
    }
  }

  // Numbers are accepted as conditions: non-zero and not NaN is true (flags stored as bytes).
  condition(value: Value): Value {
    if (value.node.type.kind === "bool") return value;
    if (value.node.op === "const") {
      const v = value.node.value;
      return this.#constant(v !== 0 && v === v ? 1 : 0, "bool", value.span);
    }
    return this.#value(
      { op: "truthy", type: { ...value.node.type, kind: "bool" }, child: value.node },
      value.span,
    );
  }

  // The common shape of several operands; event-shaped operands of an object-shaped result
  // get an explicit broadcast.
  unify(
    values: Value[],
    at: Span,
  ): { shape: ExprType["shape"]; collection?: string; nodes: CheckedNode[] } {
    let shape: ExprType["shape"] = "scalar";
    let collection: string | undefined;
    for (const value of values) {
      const type = value.node.type;
      if (type.shape === "object") {
        if (collection !== undefined && collection !== type.collection) {
          throw this.error(
            "EXPR_TYPE",
            at,
            `cannot combine objects of ${collection} with objects of ${type.collection}` +
              " (reduce one side first, e.g. with count(), max() or an index like [0])",
          );
        }
        collection = type.collection;
        shape = "object";
      } else if (type.shape === "event" && shape === "scalar") {
        shape = "event";
      }
    }
    const nodes = values.map((value): CheckedNode =>
      shape === "object" && value.node.type.shape === "event"
        ? {
          op: "broadcast",
          type: makeType(value.node.type.kind, "object", collection),
          collection: collection!,
          child: value.node,
        }
        : value.node
    );
    return { shape, collection, nodes };
  }

  #binary(node: Extract<ExprNode, { kind: "binary" }>): Value {
    const op = node.operator;
    const role = `an operand of "${op}"`;
    let left = this.value(this.check(node.left), role);
    let right = this.value(this.check(node.right), role);
    let kind: "number" | "bool";
    if (ARITHMETIC.has(op)) {
      this.number(left, role);
      this.number(right, role);
      kind = "number";
    } else if (op === "&&" || op === "||") {
      left = this.condition(left);
      right = this.condition(right);
      kind = "bool";
    } else {
      const lk = left.node.type.kind;
      const rk = right.node.type.kind;
      if (ORDERING.has(op) && (lk === "bool" || rk === "bool")) {
        throw this.error(
          "EXPR_TYPE",
          lk === "bool" ? left.span : right.span,
          `a boolean cannot be ordered with "${op}"`,
        );
      }
      if (lk !== rk) {
        throw this.error(
          "EXPR_TYPE",
          node.operatorSpan,
          `cannot compare a boolean with a number using "${op}"`,
        );
      }
      kind = "bool";
    }
    const { shape, collection, nodes } = this.unify([left, right], node.operatorSpan);
    if (shape === "scalar") {
      return this.#constant(
        applyBinary(
          op,
          nodes[0].op === "const" ? nodes[0].value : 0,
          nodes[1].op === "const" ? nodes[1].value : 0,
        ),
        kind,
        node.span,
      );
    }
    return this.#value({
      op: "binary",
      type: makeType(kind, shape, collection),
      operator: op,
      left: nodes[0],
      right: nodes[1],
    }, node.span);
  }

  #arity(node: CallNode, counts: number[]): void {
    if (counts.includes(node.args.length)) return;
    const wanted = counts.length === 1
      ? `${counts[0]} argument${counts[0] === 1 ? "" : "s"}`
      : `${counts.join(" or ")} arguments`;
    throw this.error(
      "EXPR_ARITY",
      node.calleeSpan,
      `${node.callee} takes ${wanted}, got ${node.args.length}`,
    );
  }

  #call(node: CallNode): Checked {
    const name = node.callee;
    if (name === "min" || name === "max") {
      this.#arity(node, [1, 2]);
      if (node.args.length === 1) return this.#reduce(node);
      return this.#math(node, name);
    }
    if (REDUCTIONS.has(name)) {
      this.#arity(node, [1]);
      return this.#reduce(node);
    }
    if (name === "where") {
      this.#arity(node, [3]);
      const args = node.args.map((arg) => this.value(this.check(arg), "an argument of where"));
      const condition = this.condition(args[0]);
      if (args[1].node.type.kind !== args[2].node.type.kind) {
        throw this.error(
          "EXPR_TYPE",
          args[2].span,
          "where(cond, a, b) needs a and b of the same kind (both numbers or both booleans)",
        );
      }
      const kind = args[1].node.type.kind;
      const { shape, collection, nodes } = this.unify(
        [condition, args[1], args[2]],
        node.calleeSpan,
      );
      if (shape === "scalar") {
        return this.#constant(
          (nodes[0] as { value: number }).value
            ? (nodes[1] as { value: number }).value
            : (nodes[2] as { value: number }).value,
          kind,
          node.span,
        );
      }
      return this.#value({
        op: "where",
        type: makeType(kind, shape, collection),
        condition: nodes[0],
        then: nodes[1],
        otherwise: nodes[2],
      }, node.span);
    }
    if (PAIRS.has(name)) return this.#pair(node);
    const fn = name === "pow" ? "pow" : MATH_FUNCTIONS.has(name) ? name as MathFunction : undefined;
    if (fn === undefined) {
      throw this.error(
        "EXPR_UNKNOWN_FUNCTION",
        node.calleeSpan,
        `unknown function "${name}"`,
        didYouMean(name, FUNCTION_NAMES),
      );
    }
    this.#arity(node, [MATH_FUNCTIONS.get(fn)!]);
    return this.#math(node, fn);
  }

  #math(node: CallNode, fn: MathFunction): Value {
    const role = `an argument of ${node.callee}`;
    const args = node.args.map((arg) => this.value(this.check(arg), role));
    for (const arg of args) this.number(arg, role);
    const { shape, collection, nodes } = this.unify(args, node.calleeSpan);
    if (shape === "scalar") {
      const values = nodes.map((n) => (n as { value: number }).value);
      return this.#constant(applyMath(fn, values[0], values[1] ?? 0), "number", node.span);
    }
    return this.#value(
      { op: "math", type: makeType("number", shape, collection), fn, args: nodes },
      node.span,
    );
  }

  #reduce(node: CallNode): Value {
    const fn = node.callee as ReduceFunction;
    const checked = this.check(node.args[0]);
    if (checked.ref === "collection" && fn === "count") {
      this.collections.add(checked.collection);
      return this.#value(
        { op: "counts", type: { kind: "number", shape: "event" }, collection: checked.collection },
        node.span,
      );
    }
    let value = this.value(checked, `the argument of ${fn}`);
    const type = value.node.type;
    if (type.shape !== "object") {
      const hint = fn === "max" || fn === "min" ? ` (${fn} of two values is ${fn}(a, b))` : "";
      throw this.error(
        "EXPR_TYPE",
        value.span,
        `${fn} reduces the objects of each event, but its argument is ${
          this.#describe(value)
        }${hint}`,
      );
    }
    if (fn === "count" || fn === "any" || fn === "all") {
      value = this.condition(value);
    } else if (type.kind === "bool") {
      throw this.error(
        "EXPR_TYPE",
        value.span,
        `${fn} needs numbers, but its argument is a boolean` +
          (fn === "sum" ? "; use count() to count true values" : ""),
      );
    }
    const kind = fn === "any" || fn === "all" ? "bool" : "number";
    return this.#value({
      op: "reduce",
      type: { kind, shape: "event" },
      fn,
      collection: type.collection!,
      child: value.node,
    }, node.span);
  }

  #objectRef(checked: Checked, fn: string): ObjectRef {
    if (checked.ref === "value") {
      throw this.error(
        "EXPR_TYPE",
        checked.span,
        `${fn} takes objects such as Muon[0] (or a whole collection such as Jet), but got ${
          this.#describe(checked)
        }`,
      );
    }
    this.collections.add(checked.collection);
    const field = (name: string, required: boolean): string | undefined => {
      const path = `${checked.collection}.${name}`;
      if (this.#schema.kindOf(path) === undefined) {
        if (!required) return undefined;
        throw this.error(
          "EXPR_UNKNOWN_NAME",
          checked.span,
          `${fn} needs the field "${path}", which does not exist`,
        );
      }
      this.fields.add(path);
      return path;
    };
    const pt = fn === "deltaR" || fn === "deltaPhi" ? undefined : field("pt", true);
    const eta = fn === "deltaPhi" ? undefined : field("eta", true);
    const phi = field("phi", true)!;
    const mass = fn === "mass" ? field("mass", false) : undefined;
    return {
      collection: checked.collection,
      index: checked.ref === "object" ? checked.index : undefined,
      pt: pt ?? "",
      eta: eta ?? "",
      phi,
      mass,
    };
  }

  #pair(node: CallNode): Value {
    const fn = node.callee as PairFunction;
    this.#arity(node, [2]);
    const args = node.args.map((arg) => this.check(arg));
    // deltaPhi of two angles (deltaPhi(Jet[0].phi, MET.phi)) is plain elementwise math.
    if (fn === "deltaPhi" && args[0].ref === "value" && args[1].ref === "value") {
      return this.#math(node, "deltaPhi");
    }
    const a = this.#objectRef(args[0], fn);
    const b = this.#objectRef(args[1], fn);
    if (a.index === undefined && b.index === undefined) {
      throw this.error(
        "EXPR_TYPE",
        args[1].span,
        `${fn} of two whole collections would need a pairing; pick one object, e.g. ${b.collection}[0]`,
      );
    }
    const whole = a.index === undefined ? a : b.index === undefined ? b : undefined;
    return this.#value({
      op: "pair",
      type: makeType("number", whole === undefined ? "event" : "object", whole?.collection),
      fn,
      a,
      b,
    }, node.span);
  }
}

/**
 * Resolve and type-check a parsed expression against a schema.
 *
 * @throws {ExprError} `EXPR_UNKNOWN_NAME`, `EXPR_UNKNOWN_FUNCTION`, `EXPR_ARITY` or
 * `EXPR_TYPE`, with the column of the offending token.
 *
 * @example
 * ```ts
 * import { checkExpression } from "./check.ts";
 * import { columnsEnv, schemaOf } from "./env.ts";
 * const env = columnsEnv({ "Jet.pt": { offsets: Int32Array.of(0, 1), content: Float32Array.of(40) } });
 * const checked = checkExpression("count(Jet.pt > 30)", schemaOf(env));
 * if (checked.type.shape !== "event") throw new Error();
 * ```
 */
export function checkExpression(
  source: string,
  schema: ExprSchema,
  options: CheckOptions = {},
): CheckedExpression {
  const tree = options.tree ?? parseExpression(source);
  if (options.collection !== undefined && !schema.isCollection(options.collection)) {
    throw new ExprError("EXPR_UNKNOWN_NAME", {
      source,
      span: { start: 1, end: source.length + 1 },
      reason: `the selection is on "${options.collection}", which is not a collection`,
    });
  }
  const checker = new Checker(source, schema, options.collection);
  const root = checker.value(checker.check(tree), "the result");
  return {
    root: root.node,
    type: root.node.type,
    fields: checker.fields,
    collections: checker.collections,
  };
}

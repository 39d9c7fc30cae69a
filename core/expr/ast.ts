/**
 * The syntax tree of a Ristretto expression, as the parser builds it (before type checking).
 *
 * Every node carries a {@linkcode Span}: the 1-based column of its first character and the
 * column just past its last, so errors can point at the exact token of the source.
 * @module
 */

/** Where a node sits in the source: `source.slice(start - 1, end - 1)` is its text. */
export interface Span {
  /** 1-based column of the first character. */
  readonly start: number;
  /** 1-based column just past the last character. */
  readonly end: number;
}

/** The binary operators, after keyword aliases (`and` -> `&&`, `or` -> `||`) are folded. */
export type BinaryOperator =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "**"
  | "<"
  | "<="
  | ">"
  | ">="
  | "=="
  | "!="
  | "&&"
  | "||";

/** The prefix operators (`not` is folded to `!`). */
export type UnaryOperator = "-" | "!";

/** A number literal: `30`, `2.4`, `1e3`, `.5`. */
export interface NumberNode {
  readonly kind: "number";
  readonly value: number;
  readonly span: Span;
}

/** `true` or `false`. */
export interface BooleanNode {
  readonly kind: "boolean";
  readonly value: boolean;
  readonly span: Span;
}

/** A bare identifier: `genWeight`, `nJet`, `Jet`, or `pt` inside an object selection. */
export interface NameNode {
  readonly kind: "name";
  readonly name: string;
  readonly span: Span;
}

/** Field access `object.field`: `Jet.pt`, `HLT.IsoMu24`, `Jet[0].pt`. */
export interface MemberNode {
  readonly kind: "member";
  readonly object: ExprNode;
  readonly field: string;
  /** Span of the field name alone (the part after the dot). */
  readonly fieldSpan: Span;
  readonly span: Span;
}

/** Indexing `object[index]`: `Jet[0]`, `GoodMuon[1]`, `Jet.pt[0]`. */
export interface IndexNode {
  readonly kind: "index";
  readonly object: ExprNode;
  readonly index: ExprNode;
  readonly span: Span;
}

/** A function call `name(arg, ...)`: `abs(Jet.eta)`, `count(Jet.pt > 30)`, `mass(a, b)`. */
export interface CallNode {
  readonly kind: "call";
  readonly callee: string;
  /** Span of the function name alone. */
  readonly calleeSpan: Span;
  readonly args: readonly ExprNode[];
  readonly span: Span;
}

/** A prefix operation: `-x`, `!x`, `not x`. */
export interface UnaryNode {
  readonly kind: "unary";
  readonly operator: UnaryOperator;
  readonly operand: ExprNode;
  readonly span: Span;
}

/** A binary operation: `a + b`, `a && b`, `a < b`, `a ** b`. */
export interface BinaryNode {
  readonly kind: "binary";
  readonly operator: BinaryOperator;
  readonly left: ExprNode;
  readonly right: ExprNode;
  /** Span of the operator token. */
  readonly operatorSpan: Span;
  readonly span: Span;
}

/** Any node of the syntax tree. */
export type ExprNode =
  | NumberNode
  | BooleanNode
  | NameNode
  | MemberNode
  | IndexNode
  | CallNode
  | UnaryNode
  | BinaryNode;

/**
 * The type of a checked expression.
 *
 * - `kind`: a number or a boolean (a cut);
 * - `shape`: one value per `event`, one per `object` of `collection`, or a `scalar`
 *   (a constant, the same for every event).
 */
export interface ExprType {
  readonly kind: "number" | "bool";
  readonly shape: "event" | "object" | "scalar";
  /** The collection whose objects an `object`-shaped value follows, e.g. `Jet`. */
  readonly collection?: string;
}

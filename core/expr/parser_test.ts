import assert from "node:assert/strict";
import type { ExprNode } from "./ast.ts";
import { tokenize } from "./lexer.ts";
import { parseExpression } from "./parser.ts";

// Render a tree with explicit parentheses, to check precedence and associativity.
function show(node: ExprNode): string {
  switch (node.kind) {
    case "number":
      return String(node.value);
    case "boolean":
      return String(node.value);
    case "name":
      return node.name;
    case "member":
      return `${show(node.object)}.${node.field}`;
    case "index":
      return `${show(node.object)}[${show(node.index)}]`;
    case "call":
      return `${node.callee}(${node.args.map(show).join(", ")})`;
    case "unary":
      return `(${node.operator}${show(node.operand)})`;
    case "binary":
      return `(${show(node.left)} ${node.operator} ${show(node.right)})`;
  }
}

Deno.test("numbers in every spelling", () => {
  const values = tokenize("1e3 .5 2.5 1E-2 7 3.").filter((t) => t.kind === "number").map((t) =>
    t.value
  );
  assert.deepEqual(values, [1000, 0.5, 2.5, 0.01, 7, 3]);
});

Deno.test("precedence and associativity", () => {
  const cases: [string, string][] = [
    ["1 + 2 * 3", "(1 + (2 * 3))"],
    ["1 - 2 - 3", "((1 - 2) - 3)"],
    ["2 ** 3 ** 2", "(2 ** (3 ** 2))"],
    ["-2 ** 2", "(-(2 ** 2))"],
    ["2 ** -1", "(2 ** (-1))"],
    ["a || b && c", "(a || (b && c))"],
    ["a and b or not c", "((a && b) || (!c))"],
    ["!a && b", "((!a) && b)"],
    ["x < 1 == y > 2", "((x < 1) == (y > 2))"],
    ["a + b > c * d", "((a + b) > (c * d))"],
    ["(1 + 2) * 3", "((1 + 2) * 3)"],
    ["10 % 3 * 2", "((10 % 3) * 2)"],
    ["Jet[0].pt", "Jet[0].pt"],
    ["GoodMuon[-1].eta", "GoodMuon[(-1)].eta"],
    ["count(Jet.pt > 30 && abs(Jet.eta) < 2.4)", "count(((Jet.pt > 30) && (abs(Jet.eta) < 2.4)))"],
    ["mass(Muon[0], Muon[1])", "mass(Muon[0], Muon[1])"],
    ["where(c, 1, 0)", "where(c, 1, 0)"],
  ];
  for (const [source, expected] of cases) {
    assert.equal(show(parseExpression(source)), expected, source);
  }
});

Deno.test("every node carries its source span", () => {
  //           1234567890123456789
  const source = "count(Jet.pt > 30)";
  const tree = parseExpression(source);
  assert.equal(tree.kind, "call");
  assert.deepEqual(tree.span, { start: 1, end: 19 });
  if (tree.kind !== "call") return;
  assert.deepEqual(tree.calleeSpan, { start: 1, end: 6 });
  const comparison = tree.args[0];
  assert.deepEqual(comparison.span, { start: 7, end: 18 });
  if (comparison.kind !== "binary") throw new Error("expected a comparison");
  assert.deepEqual(comparison.operatorSpan, { start: 14, end: 15 });
  assert.deepEqual(comparison.left.span, { start: 7, end: 13 });
  assert.equal(
    source.slice(comparison.left.span.start - 1, comparison.left.span.end - 1),
    "Jet.pt",
  );
  assert.deepEqual(comparison.right.span, { start: 16, end: 18 });
});

Deno.test("parentheses stay in the span of what they group", () => {
  const tree = parseExpression("2 * (a + b)");
  if (tree.kind !== "binary") throw new Error("expected a product");
  assert.deepEqual(tree.right.span, { start: 5, end: 12 });
});

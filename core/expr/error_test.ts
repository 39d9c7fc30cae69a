import assert from "node:assert/strict";
import { InputError } from "../errors/mod.ts";
import { ExprError } from "./error.ts";
import { fixtureSchema } from "./_fixture.ts";
import { compileExpression } from "./mod.ts";

function failure(source: string, options: { collection?: string } = {}): ExprError {
  try {
    compileExpression(source, fixtureSchema, options);
  } catch (error) {
    if (error instanceof ExprError) return error;
    throw new Error(`"${source}" threw a non-ExprError: ${error}`);
  }
  throw new Error(`"${source}" compiled but should not`);
}

Deno.test("the message shows the expression and a caret under the column", () => {
  const error = failure("count(Jet.ptt > 30)");
  assert.ok(error instanceof InputError);
  assert.equal(error.code, "EXPR_UNKNOWN_NAME");
  assert.equal(error.column, 7);
  assert.equal(error.source, "count(Jet.ptt > 30)");
  assert.equal(
    error.message,
    'Cannot compile "count(Jet.ptt > 30)": unknown field "Jet.ptt" at column 7 ' +
      '(did you mean "Jet.pt"?)\n' +
      "  count(Jet.ptt > 30)\n" +
      "        ^~~~~~~",
  );
});

// [source, code, column, a piece of the reason]
const CASES: [string, string, number, string][] = [
  ["", "EXPR_SYNTAX", 1, "empty expression"],
  ["   ", "EXPR_SYNTAX", 1, "empty expression"],
  // "Jet.pt >" has 8 characters: the value is missing at column 9
  ["Jet.pt >", "EXPR_SYNTAX", 9, "ends where a value was expected"],
  ["(Jet.pt > 30", "EXPR_SYNTAX", 1, 'unbalanced "("'],
  ["Jet.pt > 30)", "EXPR_SYNTAX", 12, 'unbalanced ")"'],
  ["abs(Jet.eta", "EXPR_SYNTAX", 4, 'unbalanced "("'],
  ["MET.pt > 30 40", "EXPR_SYNTAX", 13, "after a complete expression"],
  ["MET.pt = 30", "EXPR_SYNTAX", 8, 'use "=="'],
  ["MET.pt > 30 & HLT.IsoMu24", "EXPR_SYNTAX", 13, 'use "&&"'],
  ["MET.pt > 3 $", "EXPR_SYNTAX", 12, 'unexpected character "$"'],
  ["1e+ > 2", "EXPR_SYNTAX", 1, "malformed number"],
  ["3pt > 2", "EXPR_SYNTAX", 1, 'malformed number "3pt"'],
  ["1 < MET.pt < 3", "EXPR_SYNTAX", 12, "cannot be chained"],
  ["Jet.pt[0", "EXPR_SYNTAX", 9, 'expected "]"'],
  ["Jet[].pt", "EXPR_SYNTAX", 5, "expected an index"],
  ["MET.", "EXPR_SYNTAX", 5, "expected a field name"],
  ["3(4)", "EXPR_SYNTAX", 2, "only functions can be called"],
  ["max(Jet.pt,)", "EXPR_SYNTAX", 12, "expected a value"],
  ["()", "EXPR_SYNTAX", 2, "empty parentheses"],
  ["MET.pt > and", "EXPR_SYNTAX", 10, 'keyword "and"'],
  ["genWeigth > 0", "EXPR_UNKNOWN_NAME", 1, 'unknown name "genWeigth"'],
  ["Jett[0].pt > 30", "EXPR_UNKNOWN_NAME", 1, 'unknown name "Jett"'],
  ["Muon[0].ptt > 3", "EXPR_UNKNOWN_NAME", 9, 'unknown field "Muon.ptt"'],
  ["MET.pt > 30 && HLT.IsoMu2", "EXPR_UNKNOWN_NAME", 16, 'unknown field "HLT.IsoMu2"'],
  ["sqroot(MET.pt)", "EXPR_UNKNOWN_FUNCTION", 1, 'unknown function "sqroot"'],
  ["1 + lenght(Jet)", "EXPR_UNKNOWN_FUNCTION", 5, 'unknown function "lenght"'],
  ["max(Jet.pt, MET.pt, 3)", "EXPR_ARITY", 1, "max takes 1 or 2 arguments, got 3"],
  ["2 * abs()", "EXPR_ARITY", 5, "abs takes 1 argument, got 0"],
  ["mass(Muon[0])", "EXPR_ARITY", 1, "mass takes 2 arguments, got 1"],
  ["where(HLT.IsoMu24, 1)", "EXPR_ARITY", 1, "where takes 3 arguments"],
  [
    "Jet.pt > 30 && Muon.pt > 3",
    "EXPR_TYPE",
    13,
    "cannot combine objects of Jet with objects of Muon",
  ],
  ["Jet.pt + (MET.pt > 3)", "EXPR_TYPE", 10, "a boolean cannot be used as an operand"],
  ["-HLT.IsoMu24", "EXPR_TYPE", 2, "a boolean cannot be used"],
  ["Jet[0]", "EXPR_TYPE", 1, "the object Jet[0] cannot be used as the result"],
  ["Jet > 3", "EXPR_TYPE", 1, "the collection Jet cannot be used"],
  ["Jet[0.5].pt", "EXPR_TYPE", 5, "an index must be a whole number"],
  ["Jet[nJet].pt", "EXPR_TYPE", 5, "an index must be a whole number"],
  ["MET.pt[0] > 3", "EXPR_TYPE", 1, "cannot index a number per event"],
  ["count(MET.pt > 3)", "EXPR_TYPE", 7, "count reduces the objects of each event"],
  ["max(genWeight)", "EXPR_TYPE", 5, "(max of two values is max(a, b))"],
  ["sum(Jet.pt > 30)", "EXPR_TYPE", 5, "use count() to count true values"],
  ["deltaR(Muon.pt, Jet[0])", "EXPR_TYPE", 8, "deltaR takes objects such as Muon[0]"],
  ["deltaR(Muon, Jet)", "EXPR_TYPE", 14, "two whole collections"],
  ["deltaR(Jet, Muon[0]) > 0.4 && Muon.pt > 3", "EXPR_TYPE", 28, "cannot combine objects of Jet"],
  ["Jet.pt == true", "EXPR_TYPE", 8, "cannot compare a boolean with a number"],
  ["Jet.pt > true", "EXPR_TYPE", 10, 'a boolean cannot be ordered with ">"'],
  ["HLT.IsoMu24 < MET.pt", "EXPR_TYPE", 1, 'a boolean cannot be ordered with "<"'],
  ["where(MET.pt > 3, 1, true)", "EXPR_TYPE", 22, "same kind"],
  ["pt > 25 && Jet.pt > 30", "EXPR_UNKNOWN_NAME", 1, 'unknown name "pt"'],
];

Deno.test("malformed expressions give the right code and column", async (t) => {
  for (const [source, code, column, reason] of CASES) {
    await t.step(source || "(empty)", () => {
      const error = failure(source);
      assert.equal(error.code, code, error.message);
      assert.equal(error.column, column, error.message);
      assert.ok(error.message.includes(reason), error.message);
      // The caret line points at the column.
      const caretLine = error.message.split("\n")[2];
      assert.equal(caretLine.indexOf("^"), column + 1, error.message);
    });
  }
});

Deno.test("unknown names suggest the closest known name", () => {
  assert.match(failure("genWeigth > 0").message, /did you mean "genWeight"\?/);
  assert.match(failure("Jett[0].pt > 30").message, /did you mean "Jet"\?/);
  assert.match(failure("sqroot(MET.pt)").message, /did you mean "sqrt"\?/);
  assert.match(failure("ptt > 25", { collection: "Muon" }).message, /did you mean "pt"\?/);
});

Deno.test("a selection on something that is not a collection is refused", () => {
  const error = failure("pt > 25", { collection: "Muonz" });
  assert.equal(error.code, "EXPR_UNKNOWN_NAME");
  assert.equal(error.column, 1);
});

Deno.test("hostile input is an ExprError, never a JavaScript exception", () => {
  // "constructor" and friends are plain names, not operators inherited from Object
  assert.equal(failure("MET.pt constructor 3").code, "EXPR_SYNTAX");
  assert.equal(failure("constructor > 3").code, "EXPR_UNKNOWN_NAME");
  assert.equal(failure("__proto__(3)").code, "EXPR_UNKNOWN_FUNCTION");
  assert.equal(failure("Jet.__proto__ > 3").code, "EXPR_UNKNOWN_NAME");
  // absurd nesting is refused before the stack overflows
  const deep = "(".repeat(5000) + "1" + ")".repeat(5000);
  assert.equal(failure(deep).code, "EXPR_SYNTAX");
  assert.equal(failure("-".repeat(5000) + "1").code, "EXPR_SYNTAX");
  // but reasonable nesting is fine
  const nested = "(".repeat(50) + "MET.pt" + ")".repeat(50) + " > 3";
  assert.deepEqual(compileExpression(nested, fixtureSchema).type, { kind: "bool", shape: "event" });
});

Deno.test("a multi-line expression keeps its columns in the caret line", () => {
  // 13 characters, a newline, two spaces, "count(": the J of Jet.ptt is character 23
  const error = failure("MET.pt > 3 &&\n  count(Jet.ptt > 1) > 0");
  assert.equal(error.column, 23);
  const lines = error.message.split("\n");
  assert.equal(lines.length, 3);
  assert.equal(lines[1].slice(2 + 22, 2 + 29), "Jet.ptt");
  assert.equal(lines[2].indexOf("^"), 2 + 22);
});

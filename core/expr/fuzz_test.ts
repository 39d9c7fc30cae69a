// Random token soup: whatever is typed into a config, compiling gives an ExprError or a
// kernel, and a kernel runs; never a bare JavaScript exception.
import assert from "node:assert/strict";
import { ExprError } from "./error.ts";
import { fixtureEnv, fixtureSchema } from "./_fixture.ts";
import { compileExpression } from "./mod.ts";

const PIECES = [
  "Jet",
  "Muon",
  "Jet.pt",
  "Jet.eta",
  "Muon.pt",
  "Muon.tightId",
  "MET.pt",
  "genWeight",
  "HLT.IsoMu24",
  "nJet",
  "pt",
  "eta",
  "tightId",
  "[0]",
  "[1]",
  "[-1]",
  "[",
  "]",
  ".pt",
  ".",
  "(",
  ")",
  ",",
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "<",
  "<=",
  ">",
  ">=",
  "==",
  "!=",
  "&&",
  "||",
  "!",
  "and",
  "or",
  "not",
  "true",
  "false",
  "0",
  "1",
  "2.5",
  "1e3",
  ".5",
  "30",
  "abs(",
  "count(",
  "sum(",
  "max(",
  "min(",
  "any(",
  "all(",
  "where(",
  "deltaR(",
  "deltaPhi(",
  "mass(",
  "pt(",
  "sqrt(",
  "pow(",
  "atan2(",
  "=",
  "&",
  "$",
  "cosh(",
];

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

Deno.test("random expressions compile or fail with an ExprError, and compiled ones run", () => {
  const next = random(7);
  let compiled = 0;
  for (let i = 0; i < 4000; i++) {
    const length = 1 + Math.floor(next() * 9);
    const pieces: string[] = [];
    for (let j = 0; j < length; j++) pieces.push(PIECES[Math.floor(next() * PIECES.length)]);
    const source = pieces.join(next() < 0.5 ? " " : "");
    const collection = next() < 0.3 ? "Muon" : undefined;
    let expression;
    try {
      expression = compileExpression(source, fixtureSchema, { collection });
    } catch (error) {
      assert.ok(error instanceof ExprError, `${source}: ${error}`);
      assert.ok(error.column >= 1 && error.column <= source.length + 1, source);
      continue;
    }
    compiled++;
    const result = expression.evaluate(fixtureEnv);
    assert.ok(result !== undefined, source);
  }
  // The soup must exercise the kernels too, not only the error paths.
  assert.ok(compiled > 100, `only ${compiled} expressions compiled`);
});

const LEAVES = [
  "Jet.pt",
  "Jet.eta",
  "Muon.pt",
  "Muon.tightId",
  "MET.pt",
  "genWeight",
  "HLT.IsoMu24",
  "nJet",
  "Jet[0].pt",
  "Muon[1].pt",
  "Jet[-1].eta",
  "Jet.pt[1]",
  "30",
  "2.5",
  "true",
  "count(Jet)",
];
const OPERATORS = ["+", "-", "*", "/", "%", "**", "<", "<=", ">", ">=", "==", "!=", "&&", "||"];
const FUNCTIONS: [string, number][] = [
  ["abs", 1],
  ["sqrt", 1],
  ["count", 1],
  ["sum", 1],
  ["max", 1],
  ["min", 2],
  ["any", 1],
  ["all", 1],
  ["where", 3],
  ["atan2", 2],
  ["cosh", 1],
];
const PAIRS = ["deltaR", "deltaPhi", "mass", "pt"];
const OBJECTS = ["Jet[0]", "Jet[1]", "Muon[0]", "Muon[-1]", "Jet", "Muon"];

function generate(next: () => number, depth: number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const r = next();
  if (depth <= 0 || r < 0.3) return pick(LEAVES);
  if (r < 0.4) return `${pick(["-", "!", "not "])}${generate(next, depth - 1)}`;
  if (r < 0.7) {
    return `(${generate(next, depth - 1)} ${pick(OPERATORS)} ${generate(next, depth - 1)})`;
  }
  if (r < 0.8) return `${pick(PAIRS)}(${pick(OBJECTS)}, ${pick(OBJECTS)})`;
  const [name, arity] = pick(FUNCTIONS);
  const args = Array.from({ length: arity }, () => generate(next, depth - 1));
  return `${name}(${args.join(", ")})`;
}

Deno.test("random well-formed expressions type-check or fail cleanly, and results have the declared shape", () => {
  const next = random(11);
  let compiled = 0;
  for (let i = 0; i < 3000; i++) {
    const source = generate(next, 4);
    let expression;
    try {
      expression = compileExpression(source, fixtureSchema);
    } catch (error) {
      assert.ok(error instanceof ExprError, `${source}: ${error}`);
      assert.notEqual(error.code, "EXPR_SYNTAX", `${source}: ${error}`);
      continue;
    }
    compiled++;
    const result = expression.evaluate(fixtureEnv);
    const { kind, shape, collection } = expression.type;
    const values = shape === "object"
      ? (result as { offsets: Int32Array; content: Float64Array | Uint8Array })
      : undefined;
    if (values !== undefined) {
      assert.equal(values.offsets, fixtureEnv.collectionOffsets(collection!), source);
      assert.ok(values.content instanceof (kind === "bool" ? Uint8Array : Float64Array), source);
    } else {
      assert.ok(result instanceof (kind === "bool" ? Uint8Array : Float64Array), source);
      assert.equal((result as Float64Array).length, fixtureEnv.length, source);
    }
  }
  assert.ok(compiled > 500, `only ${compiled} expressions compiled`);
});

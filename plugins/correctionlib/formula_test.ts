import assert from "node:assert/strict";
import { compileFormula, CorrectionError, parseFormula, parseFormulaDetailed } from "./mod.ts";
import { compileVectorFormula } from "./_formula_vec.ts";
import { erf } from "./_math.ts";

/** Evaluates an expression with x, y, z, t = values and parameters, both ways; checks they agree. */
function evaluate(expression: string, values: number[] = [], parameters: number[] = []): number {
  const ast = parseFormula(expression);
  const scalar = compileFormula(ast, [0, 1, 2, 3])(values, parameters);
  const columns = [0, 1, 2, 3].map((i) => Float64Array.of(values[i] ?? NaN));
  const out = new Float64Array(1);
  compileVectorFormula(ast).run(columns, Int32Array.of(0), 0, 1, parameters, out);
  assert.ok(
    Object.is(out[0], scalar) || (Number.isNaN(out[0]) && Number.isNaN(scalar)),
    expression,
  );
  return scalar;
}

Deno.test("formula: precedence of + - * / and left associativity", () => {
  assert.equal(evaluate("1+2*3"), 7);
  assert.equal(evaluate("(1+2)*3"), 9);
  assert.equal(evaluate("10-4-3"), 3); // (10-4)-3
  assert.equal(evaluate("64/4/2"), 8); // (64/4)/2
  assert.equal(evaluate("2*3/4"), 1.5);
  assert.equal(evaluate("1 + 2 * 3 - 4 / 2"), 5);
});

Deno.test("formula: ^ is power, right-associative, tighter than * and unary minus", () => {
  assert.equal(evaluate("2^3"), 8);
  assert.equal(evaluate("2^3^2"), 512); // 2^(3^2)
  assert.equal(evaluate("3*2^2"), 12);
  // correctionlib applies unary minus to the atom: -x^2 is (-x)^2, and -2 is a literal
  assert.equal(evaluate("-x^2", [3]), 9);
  assert.equal(evaluate("-2^2"), 4);
  assert.equal(evaluate("0-x^2", [3]), -9);
  assert.equal(evaluate("-(x^2)", [3]), -9);
});

Deno.test("formula: unary minus and signed literals", () => {
  assert.equal(evaluate("-x", [2]), -2);
  assert.equal(evaluate("x-2", [5]), 3);
  assert.equal(evaluate("x - -2", [5]), 7);
  assert.equal(evaluate("2*-x", [5]), -10);
  assert.equal(evaluate("-[0]*x", [2], [3]), -6);
  assert.equal(evaluate("-(1+2)"), -3);
  assert.equal(evaluate("-exp(0)"), -1);
});

Deno.test("formula: comparisons give 1 or 0 and bind loosest", () => {
  assert.equal(evaluate("x>1", [2]), 1);
  assert.equal(evaluate("x<1", [2]), 0);
  assert.equal(evaluate("x>=2", [2]), 1);
  assert.equal(evaluate("x<=1.5", [2]), 0);
  assert.equal(evaluate("x==2", [2]), 1);
  assert.equal(evaluate("x!=2", [2]), 0);
  assert.equal(evaluate("1+1==2"), 1); // (1+1)==2
  assert.equal(evaluate("(x<10)*5+(x>=10)*7", [12]), 7);
  assert.equal(evaluate("1<2==1"), 1); // == is looser than <
});

Deno.test("formula: literals, parameters and variables", () => {
  assert.equal(evaluate("1.5e3"), 1500);
  assert.equal(evaluate("2.5e-1"), 0.25);
  assert.equal(evaluate("2."), 2);
  assert.equal(evaluate("[0]+[1]*x+[2]*y", [2, 3], [1, 10, 100]), 321);
  assert.equal(evaluate("x+y+z+t", [1, 2, 3, 4]), 10);
  assert.equal(evaluate("  x  *  2  ", [4]), 8);
});

Deno.test("formula: functions", () => {
  assert.equal(evaluate("exp(0)"), 1);
  assert.equal(evaluate("log(1)"), 0);
  assert.equal(evaluate("log10(1000)"), 3);
  assert.equal(evaluate("sqrt(16)"), 4);
  assert.equal(evaluate("abs(-3)"), 3);
  assert.equal(evaluate("pow(2,10)"), 1024);
  assert.equal(evaluate("max(1,2)"), 2);
  assert.equal(evaluate("min(1,2)"), 1);
  assert.equal(evaluate("atan2(1,1)"), Math.PI / 4);
  assert.equal(evaluate("cos(0)+sin(0)+tan(0)"), 1);
  assert.equal(evaluate("acos(1)+asin(0)+atan(0)"), 0);
  assert.equal(evaluate("cosh(0)+sinh(0)+tanh(0)"), 1);
  assert.equal(evaluate("acosh(1)+asinh(0)+atanh(0)"), 0);
  assert.equal(evaluate("erf(0)"), 0);
  assert.equal(evaluate("max(0.0001,pow(x,2))", [0.001]), 0.0001);
  // std::max/min keep the first argument when the comparison is false (NaN)
  assert.ok(Number.isNaN(evaluate("max(x,1)", [NaN])));
  assert.equal(evaluate("max(1,x)", [NaN]), 1);
  // C pow(1, NaN) is 1
  assert.equal(evaluate("pow(1,x)", [NaN]), 1);
});

Deno.test("formula: TMath:: aliases (extension) are flagged", () => {
  assert.equal(evaluate("TMath::Power(x,2)+TMath::Max(1,2)", [3]), 11);
  assert.equal(evaluate("TMath::Log(TMath::Exp(2))"), 2);
  assert.equal(evaluate("TMath::Pi()"), Math.PI);
  assert.equal(parseFormulaDetailed("TMath::Sqrt(x)").usesExtensions, true);
  assert.equal(parseFormulaDetailed("sqrt(x)").usesExtensions, false);
  assert.throws(() => parseFormula("TMath::Sqrt(x)", { tmath: false }), CorrectionError);
});

Deno.test("formula: syntax errors name the column", () => {
  const cases: [string, number][] = [
    ["x*/2", 3],
    ["(x+1", 5],
    ["foo(x)", 1],
    ["x+", 3],
    ["log(x", 6],
    ["max(x)", 6],
    ["2x", 2],
    ["1e+5", 2], // correctionlib's literals have no "+" in the exponent
    ["- 2", 3], // a sign must touch its digits
    ["[a]", 1],
    ["", 1],
  ];
  for (const [expression, column] of cases) {
    assert.throws(
      () => parseFormula(expression),
      (error: unknown) => {
        assert.ok(error instanceof CorrectionError, expression);
        assert.equal(error.code, "CORRECTION_FORMULA");
        assert.equal(error.details.column, column, `${expression}: ${error.message}`);
        assert.match(error.message, new RegExp(`column ${column}`));
        return true;
      },
    );
  }
});

Deno.test("formula: the vector tape shares subexpressions and handles many rows", () => {
  const ast = parseFormula("max(min(x,[1]),[0])*max(min(x,[1]),[0])+[2]*abs([2])");
  const n = 5000; // several chunks
  const x = Float64Array.from({ length: n }, (_v, i) => i / 100 - 10);
  const rows = Int32Array.from({ length: n }, (_v, i) => n - 1 - i); // any order
  const out = new Float64Array(n);
  compileVectorFormula(ast).run([x], rows, 0, n, [-5, 20, -2], out);
  const scalar = compileFormula(ast, [0]);
  for (let i = 0; i < n; i++) assert.equal(out[i], scalar([x[i]], [-5, 20, -2]));
});

Deno.test("erf matches known values", () => {
  assert.equal(erf(0), 0);
  assert.equal(erf(Infinity), 1);
  assert.equal(erf(-Infinity), -1);
  assert.ok(Number.isNaN(erf(NaN)));
  const known: [number, number][] = [
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [-1.5, -0.9661051464753108],
    [3, 0.9999779095030014],
    [1e-10, 1.1283791670955126e-10],
  ];
  for (const [x, value] of known) {
    assert.ok(Math.abs(erf(x) - value) <= 2e-16 * Math.abs(value), `erf(${x}) = ${erf(x)}`);
  }
});

import assert from "node:assert/strict";
import { InputError } from "@ristretto/core/errors";
import { type ContentJson, CorrectionError, parseCorrectionSet, type VariableJson } from "./mod.ts";
import type { ColumnInput, InputValue } from "./mod.ts";

const X: VariableJson = { name: "x", type: "real" };
const Y: VariableJson = { name: "y", type: "real" };
const N: VariableJson = { name: "n", type: "int" };
const S: VariableJson = { name: "s", type: "string" };

/** A one-correction set. */
function correction(inputs: VariableJson[], data: ContentJson, extra: object = {}) {
  return parseCorrectionSet({
    schema_version: 2,
    corrections: [{
      name: "c",
      version: 1,
      inputs,
      output: { name: "out", type: "real" },
      data,
      ...extra,
    }],
  }, { file: "test.json" }).get("c");
}

/** Evaluates points one by one and as columns (checking both agree); errors as "error". */
function run(
  c: ReturnType<typeof correction>,
  points: InputValue[][],
): (number | "error")[] {
  const scalar = points.map((point) => {
    try {
      return c.evaluate(...point);
    } catch (error) {
      assert.ok(error instanceof CorrectionError, String(error));
      return "error" as const;
    }
  });
  const good = points.filter((_p, i) => scalar[i] !== "error");
  if (good.length > 0) {
    const columns: ColumnInput[] = c.inputs.map((input, j) =>
      input.type === "string"
        ? good.map((p) => p[j] as string)
        : input.type === "int"
        ? Int32Array.from(good, (p) => Number(p[j]))
        : Float64Array.from(good, (p) => p[j] as number)
    );
    const columnar = [...c.evaluateColumns(columns)];
    assert.deepEqual(columnar, scalar.filter((v) => v !== "error"));
  }
  return scalar;
}

const EDGES = [0, 1, 2, 4];

Deno.test("binning: bins are [low, high), the last edge is overflow", () => {
  for (const flow of ["clamp", "error", "wrap", 99] as const) {
    const c = correction([X], {
      nodetype: "binning",
      input: "x",
      edges: EDGES,
      content: [10, 20, 30],
      flow,
    });
    assert.deepEqual(run(c, [[0], [0.5], [1], [1.999], [2], [3.9]]), [10, 10, 20, 20, 30, 30]);
  }
});

Deno.test("binning: flow clamp / error / value node / wrap", () => {
  const make = (flow: ContentJson | "clamp" | "error" | "wrap") =>
    correction([X], { nodetype: "binning", input: "x", edges: EDGES, content: [10, 20, 30], flow });
  const outside = [[-1], [4], [100], [-Number.MIN_VALUE]];
  assert.deepEqual(run(make("clamp"), outside), [10, 30, 30, 10]);
  assert.deepEqual(run(make("error"), outside), ["error", "error", "error", "error"]);
  assert.deepEqual(run(make(-5), outside), [-5, -5, -5, -5]);
  assert.deepEqual(
    run(
      make({ nodetype: "formula", expression: "x*2", parser: "TFormula", variables: ["x"] }),
      outside,
    ),
    [-2, 8, 200, -2 * Number.MIN_VALUE],
  );
  // wrap: period 4 starting at 0: 4 -> 0, 5 -> 1, -1 -> 3, -3.5 -> 0.5
  assert.deepEqual(run(make("wrap"), [[4], [5], [-1], [-3.5], [9.5]]), [10, 20, 30, 10, 20]);
  // one ulp outside the edges
  const below = -Number.MIN_VALUE;
  const above = 4 + 2 ** -50;
  assert.deepEqual(run(make("error"), [[below], [above], [4 - 2 ** -50]]), ["error", "error", 30]);
});

Deno.test("binning: uniform edges {n, low, high}", () => {
  const make = (flow: ContentJson | "clamp" | "error" | "wrap") =>
    correction([X], {
      nodetype: "binning",
      input: "x",
      edges: { n: 4, low: 0, high: 2 },
      content: [1, 2, 3, 4],
      flow,
    });
  assert.deepEqual(run(make("error"), [[0], [0.49], [0.5], [1.5], [1.999999], [2], [-0.1]]), [
    1,
    1,
    2,
    4,
    4,
    "error",
    "error",
  ]);
  assert.deepEqual(run(make("clamp"), [[-3], [7]]), [1, 4]);
  assert.deepEqual(run(make(0), [[-3], [2]]), [0, 0]);
  assert.deepEqual(run(make("wrap"), [[2.25], [-0.25], [4.75]]), [1, 4, 2]);
});

Deno.test("binning: edges may be 'inf' strings; int inputs are binned as doubles", () => {
  const c = correction([N], {
    nodetype: "binning",
    input: "n",
    edges: ["-inf", 0, 10, "+inf"],
    content: [1, 2, 3],
    flow: "error",
  });
  assert.deepEqual(run(c, [[-100], [0], [9], [10], [123456]]), [1, 2, 2, 3, 3]);
});

Deno.test("multibinning: row-major content, shared flow", () => {
  const make = (flow: ContentJson | "clamp" | "error" | "wrap") =>
    correction([X, Y], {
      nodetype: "multibinning",
      inputs: ["x", "y"],
      edges: [[0, 1, 2], { n: 3, low: 0, high: 3 }],
      content: [11, 12, 13, 21, 22, 23],
      flow,
    });
  assert.deepEqual(run(make("error"), [[0.5, 0.5], [0.5, 2.5], [1.5, 0], [1.5, 2.9]]), [
    11,
    13,
    21,
    23,
  ]);
  assert.deepEqual(run(make("error"), [[2, 0], [0, -1]]), ["error", "error"]);
  assert.deepEqual(run(make("clamp"), [[5, 5], [-1, -1], [0.5, 7]]), [23, 11, 13]);
  assert.deepEqual(run(make(-1), [[5, 0.5], [0.5, 5], [0.5, 0.5]]), [-1, -1, 11]);
});

Deno.test("category: int and string keys, default, unknown keys", () => {
  const ints = correction([N], {
    nodetype: "category",
    input: "n",
    content: [{ key: 0, value: 1.5 }, { key: 5, value: 2.5 }, { key: -1, value: 3.5 }],
  });
  assert.deepEqual(run(ints, [[0], [5], [-1], [7]]), [1.5, 2.5, 3.5, "error"]);
  const strings = correction([S, X], {
    nodetype: "category",
    input: "s",
    content: [
      { key: "nom", value: 1 },
      {
        key: "up",
        value: { nodetype: "formula", expression: "1+x", parser: "TFormula", variables: ["x"] },
      },
    ],
    default: 0.5,
  });
  assert.deepEqual(run(strings, [["nom", 3], ["up", 3], ["down", 3], ["", 3]]), [1, 4, 0.5, 0.5]);
  // the message names the file, correction, input and value, and suggests a key
  const noDefault = correction([S], {
    nodetype: "category",
    input: "s",
    content: [{ key: "central", value: 1 }, { key: "up", value: 2 }],
  });
  assert.throws(() => noDefault.evaluate("centrl"), (error: unknown) => {
    assert.ok(error instanceof CorrectionError && error instanceof InputError);
    assert.equal(error.code, "CORRECTION_UNKNOWN_KEY");
    assert.match(error.message, /"c" from test\.json/);
    assert.match(error.message, /input "s" = "centrl"/);
    assert.match(error.message, /did you mean "central"/);
    assert.equal(error.details.input, "s");
    assert.equal(error.details.value, "centrl");
    return true;
  });
});

Deno.test("formula and formularef (generic formulas with parameters)", () => {
  const formula = correction([X, Y], {
    nodetype: "formula",
    expression: "[0]*x+[1]*y",
    parser: "TFormula",
    variables: ["y", "x"], // x in the expression is the input y
    parameters: [2, 3],
  });
  assert.deepEqual(run(formula, [[1, 10], [0, 0]]), [23, 0]);
  const ref = correction(
    [X],
    {
      nodetype: "binning",
      input: "x",
      edges: [0, 10, 20],
      content: [
        { nodetype: "formularef", index: 0, parameters: [1, 2] },
        { nodetype: "formularef", index: 0, parameters: [3, 4] },
      ],
      flow: "clamp",
    },
    {
      generic_formulas: [{
        nodetype: "formula",
        expression: "[0]+[1]*x",
        parser: "TFormula",
        variables: ["x"],
      }],
    },
  );
  assert.deepEqual(run(ref, [[5], [15], [25]]), [11, 63, 103]);
});

Deno.test("transform: rewrites an input (ints rounded half away from zero)", () => {
  const real = correction([X], {
    nodetype: "transform",
    input: "x",
    rule: { nodetype: "formula", expression: "abs(x)", parser: "TFormula", variables: ["x"] },
    content: { nodetype: "binning", input: "x", edges: [0, 1, 2], content: [5, 6], flow: "clamp" },
  });
  assert.deepEqual(run(real, [[-1.5], [0.5], [-0.5]]), [6, 5, 5]);
  const int = correction([X, N], {
    nodetype: "transform",
    input: "n",
    rule: { nodetype: "formula", expression: "x", parser: "TFormula", variables: ["x"] },
    content: {
      nodetype: "category",
      input: "n",
      content: [{ key: 2, value: 20 }, { key: -3, value: -30 }, { key: 0, value: 0 }],
    },
  });
  assert.deepEqual(run(int, [[2.5, 0], [1.5, 0], [-2.5, 0], [0.49999999999999994, 9]]), [
    "error", // 2.5 -> 3
    20, // 1.5 -> 2
    -30, // -2.5 -> -3
    0,
  ]);
});

Deno.test("hashprng: deterministic, in [0, 1) for stdflat", () => {
  const c = correction([X, N], {
    nodetype: "hashprng",
    inputs: ["x", "n"],
    distribution: "stdflat",
  });
  const a = c.evaluate(1.5, 3);
  assert.equal(c.evaluate(1.5, 3), a);
  assert.notEqual(c.evaluate(1.5, 4), a);
  assert.ok(a >= 0 && a < 1);
  const column = c.evaluateColumns([Float64Array.of(1.5, 1.5), Int32Array.of(3, 4)]);
  assert.deepEqual([...column], [a, c.evaluate(1.5, 4)]);
});

Deno.test("inputs are checked by name and type", () => {
  const c = correction([X, N, S], {
    nodetype: "category",
    input: "s",
    content: [{ key: "a", value: 1 }],
  });
  assert.equal(c.evaluate(1.5, 2, "a"), 1);
  assert.equal(c.evaluate({ x: 1.5, n: 2, s: "a" }), 1);
  assert.equal(c.evaluate(1.5, 2n, "a"), 1);
  const expectError = (fn: () => unknown, code: string, pattern: RegExp) =>
    assert.throws(fn, (error: unknown) => {
      assert.ok(error instanceof CorrectionError);
      assert.equal(error.code, code);
      assert.match(error.message, pattern);
      return true;
    });
  expectError(
    () => c.evaluate(1.5, 2),
    "CORRECTION_INPUT_COUNT",
    /missing input "s" \(string, argument 3 of 3\)/,
  );
  expectError(
    () => c.evaluate(1.5, 2, "a", 4),
    "CORRECTION_INPUT_COUNT",
    /got 4 inputs, expected 3/,
  );
  expectError(
    () => c.evaluate("1.5", 2, "a"),
    "CORRECTION_INPUT_TYPE",
    /input "x" expects real, got string "1.5"/,
  );
  expectError(
    () => c.evaluate(1.5, 2.5, "a"),
    "CORRECTION_INPUT_TYPE",
    /input "n" expects int, got real 2.5/,
  );
  expectError(() => c.evaluate(1.5, 2, 3), "CORRECTION_INPUT_TYPE", /input "s" expects string/);
  expectError(() => c.evaluate({ x: 1.5, n: 2 }), "CORRECTION_INPUT_COUNT", /missing input "s"/);
  expectError(
    () => c.evaluate({ x: 1.5, n: 2, s: "a", ss: 1 }),
    "CORRECTION_INPUT_COUNT",
    /unknown input "ss" \(did you mean "s"\?\)/,
  );
  expectError(
    () => c.evaluateColumns([Float64Array.of(1, 2), Int32Array.of(1, 2, 3), "a"]),
    "CORRECTION_COLUMN_LENGTH",
    /input "n" has 3 values/,
  );
  expectError(
    () => c.evaluateColumns([Float64Array.of(1), Float64Array.of(1.5), "a"]),
    "CORRECTION_INPUT_TYPE",
    /input "n" expects int/,
  );
  // scalars broadcast to the column length
  assert.deepEqual([...c.evaluateColumns([Float64Array.of(1, 2, 3), 7, "a"])], [1, 1, 1]);
  assert.deepEqual([...c.evaluateColumns({ x: 1, n: 2, s: ["a", "a"] })], [1, 1]);
});

Deno.test("out-of-range errors name the input, value and row", () => {
  const c = correction([X], {
    nodetype: "binning",
    input: "x",
    edges: [0, 1],
    content: [1],
    flow: "error",
  });
  assert.throws(() => c.evaluate(1), (error: unknown) => {
    assert.ok(error instanceof CorrectionError);
    assert.equal(error.code, "CORRECTION_OUT_OF_RANGE");
    assert.match(error.message, /input "x" = 1 is above the range \[0, 1\)/);
    return true;
  });
  assert.throws(() => c.evaluateColumns([Float64Array.of(0.5, 0.2, -3)]), (error: unknown) => {
    assert.ok(error instanceof CorrectionError);
    assert.equal(error.details.row, 2);
    assert.match(error.message, /at row 2: input "x" = -3 is below/);
    return true;
  });
});

Deno.test("compound corrections: input_op, output_op, stack", () => {
  const set = parseCorrectionSet({
    schema_version: 2,
    corrections: [
      {
        name: "scale",
        version: 1,
        inputs: [X],
        output: { name: "f", type: "real" },
        data: {
          nodetype: "binning",
          input: "x",
          edges: [0, 10, 100],
          content: [2, 0.5],
          flow: "clamp",
        },
      },
      {
        name: "shift",
        version: 1,
        inputs: [Y, X],
        output: { name: "f", type: "real" },
        data: { nodetype: "formula", expression: "x+y", parser: "TFormula", variables: ["x", "y"] },
      },
    ],
    compound_corrections: [
      ...(["+", "*", "/", "last"] as const).map((op) => ({
        name: `chain${op}`,
        inputs: [X, Y],
        output: { name: "f", type: "real" as const },
        inputs_update: ["x"],
        input_op: "*" as const,
        output_op: op,
        stack: ["scale", "shift", "scale"],
      })),
    ],
  }, { file: "compound.json" });
  // x=8, y=1: scale(8)=2 -> x=16; shift(y=1,x=16)=17 -> x=272; scale(272)=0.5 -> x=136
  const expected: Record<string, number> = {
    "chain+": 2 + 17 + 0.5,
    "chain*": 2 * 17 * 0.5,
    "chain/": 2 / 17 / 0.5,
    "chainlast": 0.5,
  };
  for (const [name, value] of Object.entries(expected)) {
    const compound = set.get(name);
    assert.equal(compound.kind, "compound");
    assert.equal(compound.evaluate(8, 1), value, name);
    const x = Float64Array.of(8, 8);
    assert.deepEqual([...compound.evaluateColumns([x, Float64Array.of(1, 1)])], [value, value]);
    assert.deepEqual([...x], [8, 8]); // the caller's column is not modified
  }
});

Deno.test("unknown correction names suggest the closest", () => {
  const set = parseCorrectionSet({
    schema_version: 2,
    corrections: [{
      name: "muon_sf",
      version: 1,
      inputs: [X],
      output: { name: "o", type: "real" },
      data: 1,
    }],
  }, { file: "f.json" });
  assert.throws(() => set.get("muon_fs"), (error: unknown) => {
    assert.ok(error instanceof CorrectionError);
    assert.equal(error.code, "CORRECTION_UNKNOWN");
    assert.match(
      error.message,
      /Cannot find correction "muon_fs" in f\.json \(did you mean "muon_sf"\?\)/,
    );
    return true;
  });
  assert.equal(set.get("muon_sf").evaluate(3), 1);
});

Deno.test("columnar fast paths: scalar keys, binnings of one formula, nested binnings", () => {
  const formula = (a: number, b: number) => ({
    nodetype: "formula" as const,
    expression: "[0]+[1]*x",
    parser: "TFormula" as const,
    variables: ["x"],
    parameters: [a, b],
  });
  const inner = (offset: number, flow: ContentJson | "clamp" | "error") => ({
    nodetype: "binning" as const,
    input: "y",
    edges: [0, 1, 2],
    content: [formula(offset, 1), formula(offset + 1, 2)],
    flow,
  });
  for (const innerFlow of [-7, "clamp", "error"] as const) {
    const c = correction([X, Y, S], {
      nodetype: "category",
      input: "s",
      content: [
        {
          key: "nested",
          value: {
            nodetype: "binning",
            input: "x",
            edges: [0, 10, 20],
            content: [inner(100, innerFlow), inner(200, innerFlow)],
            flow: 5,
          },
        },
        {
          key: "keys",
          value: {
            nodetype: "binning",
            input: "x",
            edges: [0, 10, 20],
            content: [
              {
                nodetype: "category",
                input: "s",
                content: [{ key: "keys", value: 1 }],
                default: 2,
              },
              { nodetype: "category", input: "s", content: [{ key: "keys", value: 3 }] },
            ],
            flow: "clamp",
          },
        },
      ],
    });
    const xs = Float64Array.of(1, 5, 15, 25, -1, 12, 3);
    const ys = Float64Array.of(0.5, 1.5, 0.2, 0.5, 0.5, 3, -1);
    for (const key of ["nested", "keys"]) {
      const points = [...xs].map((x, i) => [x, ys[i], key]);
      const scalar = points.map((point) => {
        try {
          return c.evaluate(...point);
        } catch {
          return "error";
        }
      });
      const ok = points.filter((_p, i) => scalar[i] !== "error");
      // the key as a scalar takes the constant paths; as a column, the general ones
      const asScalar = c.evaluateColumns([
        Float64Array.from(ok, (p) => p[0] as number),
        Float64Array.from(ok, (p) => p[1] as number),
        key,
      ]);
      const asColumn = c.evaluateColumns([
        Float64Array.from(ok, (p) => p[0] as number),
        Float64Array.from(ok, (p) => p[1] as number),
        ok.map(() => key),
      ]);
      const expected = scalar.filter((v) => v !== "error");
      assert.deepEqual([...asScalar], expected, `${key} ${innerFlow}`);
      assert.deepEqual([...asColumn], expected, `${key} ${innerFlow}`);
      if (scalar.includes("error")) {
        assert.throws(() => c.evaluateColumns([xs, ys, key]), CorrectionError);
      }
    }
    // hand-checked: x=5 (first outer bin), y=1.5 (second inner bin): 101 + 2*5
    assert.equal(c.evaluate(5, 1.5, "nested"), 111);
    assert.equal(c.evaluate(25, 0.5, "nested"), 5); // outer default
    assert.equal(c.evaluate(15, 0.5, "keys"), 3);
  }
});

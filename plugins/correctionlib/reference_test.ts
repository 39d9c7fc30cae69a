/**
 * Every correction of every shared correction file, on the reference points computed with
 * C++ correctionlib 2.9.0: same numbers (1e-12 relative; exact where we are exact), errors
 * exactly where correctionlib raised, and the columnar path equal to the scalar path.
 */
import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { CorrectionError, type CorrectionSet, loadCorrectionSetSync } from "./mod.ts";
import type { ColumnInput, InputValue } from "./mod.ts";
import {
  parseJsonWithBigInts,
  referenceNumber,
  type ReferenceOutput,
  relativeDifference,
  sameNumber,
} from "./_test_helpers.ts";

const INDEX = "reference/corrections/_index.json";

interface Reference {
  file: string;
  correction: string;
  kind: string;
  input_types: string[];
  inputs: InputValue[][];
  outputs: ReferenceOutput[];
  probe_input: number[];
  nodetypes?: string[];
}

function columnsOf(reference: Reference, points: InputValue[][]): ColumnInput[] {
  return reference.input_types.map((type, j) => {
    if (type === "string") return points.map((point) => point[j] as string);
    if (type === "int") return Int32Array.from(points, (point) => Number(point[j]));
    return Float64Array.from(points, (point) => point[j] as number);
  });
}

Deno.test({
  name: "reference outputs of C++ correctionlib 2.9.0 for every shipped correction",
  ignore: !hasSharedData(INDEX),
  fn() {
    const index = JSON.parse(Deno.readTextFileSync(sharedDataPath(INDEX))) as Record<
      string,
      { n: number; errors: number }
    >;
    const sets = new Map<string, CorrectionSet>();
    const failures: string[] = [];
    let points = 0;
    let passed = 0;
    let exact = 0;
    let errors = 0;
    let maxDifference = 0;
    let columnarChecked = 0;
    for (const key of Object.keys(index)) {
      const reference = parseJsonWithBigInts(
        Deno.readTextFileSync(sharedDataPath(`reference/corrections/${key}`)),
      ) as Reference;
      let set = sets.get(reference.file);
      if (set === undefined) {
        set = loadCorrectionSetSync(sharedDataPath(`corrections/${reference.file}`));
        sets.set(reference.file, set);
      }
      const correction = set.get(reference.correction);
      assert.equal(correction.kind, reference.kind);
      const scalar: (number | undefined)[] = [];
      // without formulas every output is a number copied from the file: it must be exact
      const mustBeExact = reference.nodetypes !== undefined &&
        !reference.nodetypes.some((type) => type === "formula" || type === "formularef");
      reference.inputs.forEach((point, i) => {
        points++;
        const expected = reference.outputs[i];
        let got: number | CorrectionError;
        try {
          got = correction.evaluate(...point);
        } catch (error) {
          if (!(error instanceof CorrectionError)) throw error;
          got = error;
        }
        const want = referenceNumber(expected);
        let ok: boolean;
        if (want === undefined) {
          ok = got instanceof CorrectionError;
          if (ok) errors++;
        } else if (typeof got === "number") {
          const difference = relativeDifference(got, want);
          maxDifference = Math.max(maxDifference, difference);
          if (difference === 0) exact++;
          ok = mustBeExact ? difference === 0 : difference <= 1e-12;
        } else ok = false;
        scalar.push(typeof got === "number" ? got : undefined);
        if (ok) passed++;
        else {
          failures.push(
            `${key}[${i}] inputs ${
              JSON.stringify(point, (_k, v) => typeof v === "bigint" ? String(v) : v)
            } ` +
              `probe ${reference.probe_input[i]}: expected ${JSON.stringify(expected)}, got ${
                got instanceof Error ? `error ${got.message}` : got
              }`,
          );
        }
      });
      // columnar path: all good points at once must give the scalar numbers bit for bit
      const good = reference.inputs.filter((_p, i) => scalar[i] !== undefined);
      const columnar = correction.evaluateColumns(columnsOf(reference, good));
      const goodScalar = scalar.filter((value) => value !== undefined) as number[];
      columnar.forEach((value, i) => {
        columnarChecked++;
        if (!sameNumber(value, goodScalar[i])) {
          failures.push(`${key}: columnar ${value} != scalar ${goodScalar[i]} for ${good[i]}`);
        }
      });
      // and every point that errors must make the columnar evaluation raise too
      reference.inputs.forEach((point, i) => {
        if (scalar[i] !== undefined) return;
        columnarChecked++;
        assert.throws(
          () => correction.evaluateColumns(columnsOf(reference, [point])),
          CorrectionError,
          `${key}[${i}] columnar should fail`,
        );
      });
    }
    console.log(
      `reference: ${passed}/${points} points pass (${exact} exact, ${errors} expected errors, ` +
        `max relative difference ${maxDifference.toExponential(2)}), ` +
        `${columnarChecked} columnar checks, ${Object.keys(index).length} corrections`,
    );
    assert.deepEqual(failures.slice(0, 20), []);
    assert.equal(passed, points);
  },
});

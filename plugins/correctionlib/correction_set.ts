/**
 * Loading a correctionlib file and evaluating its corrections, one value at a time or over
 * columns.
 * @module
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { didYouMean } from "@ristretto/core/errors";
import type { NumberArray } from "@ristretto/core/columns";
import { CorrectionError } from "./errors.ts";
import { parseCorrectionJson } from "./_json.ts";
import type {
  CompoundCorrectionJson,
  CorrectionJson,
  CorrectionSetJson,
  VariableJson,
} from "./schema.ts";
import { validateCorrectionSet, type ValidationIssue } from "./validate.ts";
import {
  type ColumnData,
  compileContent,
  type CompiledNode,
  compileFormulaJson,
  type CompileScope,
  identityRows,
  type ScalarValue,
  showValue,
} from "./_compile.ts";

/** One input value for scalar evaluation. Int inputs take integer numbers or bigints. */
export type InputValue = number | bigint | string;

/** One input for columnar evaluation: a column, or a scalar broadcast to the column length. */
export type ColumnInput =
  | NumberArray
  | BigInt64Array
  | readonly string[]
  | number
  | bigint
  | string;

/** Options of {@link parseCorrectionSet} and {@link loadCorrectionSet}. */
export interface LoadOptions {
  /** The name of the file in error messages (default: the path, or "<memory>"). */
  readonly file?: string;
  /** SHA-256 (hex) of the file's bytes, when known; exposed as `CorrectionSet.digest`. */
  readonly digest?: string;
}

/** What both kinds of correction offer. */
export interface Evaluator {
  /** "correction" or "compound". */
  readonly kind: "correction" | "compound";
  /** The name in its file. */
  readonly name: string;
  /** The description ("" when absent). */
  readonly description: string;
  /** The inputs, in the order `evaluate` takes them. */
  readonly inputs: readonly VariableJson[];
  /** The output variable (always real). */
  readonly output: VariableJson;
  /**
   * Evaluates one point: inputs in order (`evaluate(pt, eta)`), or one object by input name
   * (`evaluate({ pt, eta })`).
   * @throws CorrectionError on a missing, extra or mistyped input, an out-of-range value with
   * flow "error", or an unknown category key.
   */
  evaluate(...inputs: InputValue[] | [Readonly<Record<string, InputValue>>]): number;
  /**
   * Evaluates columns (in input order, or an object by input name); scalars are broadcast.
   * @throws CorrectionError as `evaluate` does (naming the row), or for columns of different lengths.
   */
  evaluateColumns(
    inputs: readonly ColumnInput[] | Readonly<Record<string, ColumnInput>>,
  ): Float64Array;
}

// ---------------------------------------------------------------------------------------------
// Input checking and normalisation

interface Owner {
  readonly file: string;
  readonly name: string;
  readonly inputs: readonly VariableJson[];
}

function inputError(
  owner: Owner,
  code: "CORRECTION_INPUT_COUNT" | "CORRECTION_INPUT_TYPE" | "CORRECTION_COLUMN_LENGTH",
  message: string,
  details: { input?: string; value?: unknown } = {},
): CorrectionError {
  return new CorrectionError(
    code,
    `Cannot evaluate "${owner.name}" from ${owner.file}: ${message}`,
    { file: owner.file, correction: owner.name, ...details },
  );
}

function signature(owner: Owner): string {
  return owner.inputs.map((input) => `${input.name}: ${input.type}`).join(", ");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !ArrayBuffer.isView(value);
}

/** Orders inputs given by name; reports unknown and missing names. */
function byName<T>(owner: Owner, record: Readonly<Record<string, T>>): T[] {
  const names = owner.inputs.map((input) => input.name);
  for (const key of Object.keys(record)) {
    if (!names.includes(key)) {
      throw inputError(
        owner,
        "CORRECTION_INPUT_COUNT",
        `unknown input "${key}"${didYouMean(key, names)}; it takes (${signature(owner)})`,
        { input: key },
      );
    }
  }
  return owner.inputs.map((input) => {
    if (!(input.name in record)) {
      throw inputError(
        owner,
        "CORRECTION_INPUT_COUNT",
        `missing input "${input.name}" (${input.type}); it takes (${signature(owner)})`,
        { input: input.name },
      );
    }
    return record[input.name];
  });
}

function checkCount(owner: Owner, count: number): void {
  const expected = owner.inputs.length;
  if (count < expected) {
    const input = owner.inputs[count];
    throw inputError(
      owner,
      "CORRECTION_INPUT_COUNT",
      `missing input "${input.name}" (${input.type}, argument ${count + 1} of ${expected}); ` +
        `it takes (${signature(owner)})`,
      { input: input.name },
    );
  }
  if (count > expected) {
    throw inputError(
      owner,
      "CORRECTION_INPUT_COUNT",
      `got ${count} inputs, expected ${expected} (${signature(owner)})`,
    );
  }
}

function typeName(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "real";
  if (typeof value === "bigint") return "int";
  if (typeof value === "string") return "string";
  if (Array.isArray(value)) return "array";
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return value === null ? "null" : typeof value;
}

function wrongType(owner: Owner, index: number, value: unknown, what = ""): CorrectionError {
  const input = owner.inputs[index];
  return inputError(
    owner,
    "CORRECTION_INPUT_TYPE",
    `input "${input.name}" expects ${input.type}, got ${what || typeName(value)} ${
      typeof value === "object" ? "" : showValue(value)
    }`.trimEnd(),
    { input: input.name, value },
  );
}

/** Checks scalar inputs against the signature; returns them normalised (ints as numbers when safe). */
function scalarValues(owner: Owner, args: readonly unknown[]): ScalarValue[] {
  const given = args.length === 1 && isRecord(args[0])
    ? byName(owner, args[0] as Record<string, unknown>)
    : args;
  checkCount(owner, given.length);
  const values = new Array<ScalarValue>(given.length);
  for (let i = 0; i < given.length; i++) {
    const value = given[i];
    switch (owner.inputs[i].type) {
      case "real":
        if (typeof value !== "number") throw wrongType(owner, i, value);
        values[i] = value;
        break;
      case "int":
        if (typeof value === "bigint") {
          if (value < -(2n ** 63n) || value >= 2n ** 63n) {
            throw wrongType(owner, i, value, "an integer outside int64");
          }
          values[i] = Number.isSafeInteger(Number(value)) &&
              BigInt(Number(value)) === value
            ? Number(value)
            : value;
        } else if (typeof value === "number" && Number.isInteger(value)) {
          values[i] = value;
        } else throw wrongType(owner, i, value);
        break;
      case "string":
        if (typeof value !== "string") throw wrongType(owner, i, value);
        values[i] = value;
        break;
    }
  }
  return values;
}

/** Checks column inputs and converts them to the kernels' layout (broadcasting scalars). */
function columnData(
  owner: Owner,
  inputs: readonly unknown[] | Record<string, unknown>,
): ColumnData {
  const given = isRecord(inputs) ? byName(owner, inputs) : inputs as readonly unknown[];
  checkCount(owner, given.length);
  let length = -1;
  given.forEach((value, i) => {
    if (Array.isArray(value) || ArrayBuffer.isView(value)) {
      const n = (value as ArrayLike<unknown>).length;
      if (length >= 0 && n !== length) {
        throw inputError(
          owner,
          "CORRECTION_COLUMN_LENGTH",
          `input "${owner.inputs[i].name}" has ${n} values, the previous columns ${length}`,
          { input: owner.inputs[i].name },
        );
      }
      length = n;
    }
  });
  if (length < 0) length = 1; // only scalars: one row
  const real: Float64Array[] = [];
  const bigint: (BigInt64Array | undefined)[] = [];
  const strings: (readonly string[] | undefined)[] = [];
  const constant: (ScalarValue | undefined)[] = [];
  given.forEach((value, i) => {
    const type = owner.inputs[i].type;
    real.push(new Float64Array(0));
    bigint.push(undefined);
    strings.push(undefined);
    constant.push(undefined);
    if (type === "string") {
      if (typeof value === "string") {
        // kernels use the constant; a column of copies is only made if one needs it
        constant[i] = value;
      } else if (Array.isArray(value)) {
        for (let k = 0; k < value.length; k++) {
          if (typeof value[k] !== "string") {
            throw wrongType(owner, i, value[k], `${typeName(value[k])} at row ${k}:`);
          }
        }
        strings[i] = value as string[];
      } else throw wrongType(owner, i, value);
      return;
    }
    if (typeof value === "number") {
      if (type === "int" && !Number.isInteger(value)) throw wrongType(owner, i, value);
      real[i] = new Float64Array(length).fill(value);
      constant[i] = value;
    } else if (typeof value === "bigint") {
      if (type !== "int") throw wrongType(owner, i, value);
      real[i] = new Float64Array(length).fill(Number(value));
      bigint[i] = new BigInt64Array(length).fill(value);
      constant[i] = Number.isSafeInteger(Number(value)) ? Number(value) : value;
    } else if (value instanceof BigInt64Array) {
      if (type !== "int") throw wrongType(owner, i, value);
      real[i] = Float64Array.from(value, Number);
      bigint[i] = value;
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      if (value instanceof BigUint64Array) throw wrongType(owner, i, value);
      const array = value as NumberArray;
      const column = array instanceof Float64Array ? array : Float64Array.from(array);
      if (type === "int" && (array instanceof Float64Array || array instanceof Float32Array)) {
        for (let k = 0; k < column.length; k++) {
          if (!Number.isInteger(column[k])) {
            throw wrongType(owner, i, column[k], `a non-integer at row ${k}:`);
          }
        }
      }
      real[i] = column;
    } else throw wrongType(owner, i, value);
  });
  return { length, real, bigint, strings, constant };
}

// ---------------------------------------------------------------------------------------------
// Corrections

/** One correction of a set: compiled on first use. */
export class Correction implements Evaluator {
  /** Always "correction". */
  readonly kind = "correction" as const;
  /** The correction's name in its file. */
  readonly name: string;
  /** Its description ("" when absent). */
  readonly description: string;
  /** Its version number. */
  readonly version: number;
  /** The inputs, in the order `evaluate` takes them. */
  readonly inputs: readonly VariableJson[];
  /** The output variable (always real). */
  readonly output: VariableJson;
  /** The file it came from (for messages). */
  readonly file: string;
  /** The JSON it was built from. */
  readonly json: CorrectionJson;
  #root: CompiledNode | undefined;

  /** Wraps a validated correction JSON (see {@link CorrectionSet}, which validates). */
  constructor(json: CorrectionJson, options: { file: string }) {
    this.json = json;
    this.name = json.name;
    this.description = json.description ?? "";
    this.version = json.version;
    this.inputs = json.inputs;
    this.output = json.output;
    this.file = options.file;
  }

  /** The compiled tree (compiled once, on first use; compound corrections run it directly). */
  get root(): CompiledNode {
    if (this.#root === undefined) {
      const base = { file: this.file, correction: this.name, inputs: this.inputs };
      const generic = (this.json.generic_formulas ?? []).map((formula) =>
        compileFormulaJson(formula, base)
      );
      const scope: CompileScope = { ...base, generic, formulas: new Map() };
      this.#root = compileContent(this.json.data, scope);
    }
    return this.#root;
  }

  /** See {@link Evaluator.evaluate}. */
  evaluate(...inputs: InputValue[] | [Readonly<Record<string, InputValue>>]): number {
    return this.root.scalar(scalarValues(this, inputs));
  }

  /** See {@link Evaluator.evaluateColumns}. */
  evaluateColumns(
    inputs: readonly ColumnInput[] | Readonly<Record<string, ColumnInput>>,
  ): Float64Array {
    const data = columnData(this, inputs as readonly unknown[]);
    const out = new Float64Array(data.length);
    this.root.column(data, identityRows(data.length), 0, data.length, out);
    return out;
  }
}

type UpdateOp = "+" | "*" | "/" | "last";

function apply(op: UpdateOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "last":
      return b;
  }
}

/**
 * A compound correction: its stack is evaluated in order; after each step the `inputs_update`
 * inputs are combined with the step's output by `input_op`, and the outputs are combined by
 * `output_op`, as correctionlib does.
 */
export class CompoundCorrection implements Evaluator {
  /** Always "compound". */
  readonly kind = "compound" as const;
  /** The compound correction's name in its file. */
  readonly name: string;
  /** Its description ("" when absent). */
  readonly description: string;
  /** The inputs, in the order `evaluate` takes them. */
  readonly inputs: readonly VariableJson[];
  /** The output variable (always real). */
  readonly output: VariableJson;
  /** The file it came from (for messages). */
  readonly file: string;
  /** The JSON it was built from. */
  readonly json: CompoundCorrectionJson;
  /** The corrections of the stack, in order. */
  readonly stack: readonly Correction[];
  readonly #maps: readonly number[][];
  readonly #updates: readonly number[];

  /** Wraps a validated compound correction; `corrections` are the set's corrections by name. */
  constructor(
    json: CompoundCorrectionJson,
    options: { file: string; corrections: ReadonlyMap<string, Correction> },
  ) {
    this.json = json;
    this.name = json.name;
    this.description = json.description ?? "";
    this.inputs = json.inputs;
    this.output = json.output;
    this.file = options.file;
    const position = (name: string) => json.inputs.findIndex((input) => input.name === name);
    this.stack = json.stack.map((name) => options.corrections.get(name)!);
    this.#maps = this.stack.map((correction) =>
      correction.inputs.map((input) => position(input.name))
    );
    this.#updates = json.inputs_update.map(position);
  }

  /** See {@link Evaluator.evaluate}. */
  evaluate(...inputs: InputValue[] | [Readonly<Record<string, InputValue>>]): number {
    const values = scalarValues(this, inputs);
    const inputOp = this.json.input_op;
    const outputOp = this.json.output_op;
    let out = 0;
    this.stack.forEach((correction, step) => {
      const sf = correction.root.scalar(this.#maps[step].map((position) => values[position]));
      for (const position of this.#updates) {
        values[position] = apply(inputOp, values[position] as number, sf);
      }
      out = step === 0 ? sf : apply(outputOp, out, sf);
    });
    return out;
  }

  /** See {@link Evaluator.evaluateColumns}. */
  evaluateColumns(
    inputs: readonly ColumnInput[] | Readonly<Record<string, ColumnInput>>,
  ): Float64Array {
    const data = columnData(this, inputs as readonly unknown[]);
    const n = data.length;
    // the updated inputs are rewritten step by step: work on copies, never the caller's arrays
    const real = data.real.slice();
    for (const position of this.#updates) real[position] = Float64Array.from(real[position]);
    const rows = identityRows(n);
    const out = new Float64Array(n);
    const sf = new Float64Array(n);
    const inputOp = this.json.input_op;
    const outputOp = this.json.output_op;
    this.stack.forEach((correction, step) => {
      // a step that is the constant 1 changes nothing under * and / (x * 1 is x exactly)
      const constant = correction.root.constant;
      if (
        constant === 1 && step > 0 && (inputOp === "*" || inputOp === "/") &&
        (outputOp === "*" || outputOp === "/")
      ) return;
      const map = this.#maps[step];
      const stepData: ColumnData = {
        length: n,
        real: map.map((position) => real[position]),
        bigint: map.map((position) => data.bigint[position]),
        strings: map.map((position) => data.strings[position]),
        // an updated input stops being the same for every row after the first step
        constant: map.map((position) =>
          step > 0 && this.#updates.includes(position) ? undefined : data.constant[position]
        ),
      };
      correction.root.column(stepData, rows, 0, n, sf);
      for (const position of this.#updates) {
        const column = real[position];
        switch (inputOp) {
          case "+":
            for (let i = 0; i < n; i++) column[i] += sf[i];
            break;
          case "*":
            for (let i = 0; i < n; i++) column[i] *= sf[i];
            break;
          case "/":
            for (let i = 0; i < n; i++) column[i] /= sf[i];
            break;
        }
      }
      if (step === 0) out.set(sf);
      else {
        switch (outputOp) {
          case "+":
            for (let i = 0; i < n; i++) out[i] += sf[i];
            break;
          case "*":
            for (let i = 0; i < n; i++) out[i] *= sf[i];
            break;
          case "/":
            for (let i = 0; i < n; i++) out[i] /= sf[i];
            break;
          case "last":
            out.set(sf);
            break;
        }
      }
    });
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Correction sets

/** A loaded, validated correctionlib file. */
export class CorrectionSet {
  /** The file name used in messages. */
  readonly file: string;
  /** The set's description ("" when absent). */
  readonly description: string;
  /** Always 2. */
  readonly schemaVersion: number;
  /** The validated document. */
  readonly json: CorrectionSetJson;
  /** Non-fatal findings of validation (unknown keys, duplicate keys, extensions). */
  readonly warnings: readonly ValidationIssue[];
  /**
   * SHA-256 (hex) of the bytes it was read from (undefined for a parsed object): what a plugin's
   * cacheKey should include, since results change when the file does.
   */
  readonly digest: string | undefined;
  readonly #corrections = new Map<string, Correction>();
  readonly #compounds = new Map<string, CompoundCorrection>();

  /**
   * Builds a set from a parsed document.
   * @throws CorrectionError (CORRECTION_SCHEMA) listing the schema errors with their JSON paths.
   */
  constructor(json: unknown, options: LoadOptions = {}) {
    this.file = options.file ?? "<memory>";
    const { errors, warnings } = validateCorrectionSet(json);
    if (errors.length > 0) {
      const shown = errors.slice(0, 20).map((issue) => `  ${issue.path}: ${issue.message}`);
      if (errors.length > 20) shown.push(`  ... and ${errors.length - 20} more`);
      throw new CorrectionError(
        "CORRECTION_SCHEMA",
        `Cannot load correction set "${this.file}": ${errors.length} schema error${
          errors.length === 1 ? "" : "s"
        }\n${shown.join("\n")}`,
        { file: this.file, path: errors[0].path },
      );
    }
    this.warnings = warnings;
    this.digest = options.digest;
    this.json = json as CorrectionSetJson;
    this.description = this.json.description ?? "";
    this.schemaVersion = this.json.schema_version;
    for (const correction of this.json.corrections) {
      this.#corrections.set(correction.name, new Correction(correction, { file: this.file }));
    }
    for (const compound of this.json.compound_corrections ?? []) {
      this.#compounds.set(
        compound.name,
        new CompoundCorrection(compound, { file: this.file, corrections: this.#corrections }),
      );
    }
  }

  /** Names of the corrections, then of the compound corrections, in file order. */
  names(): string[] {
    return [...this.#corrections.keys(), ...this.#compounds.keys()];
  }

  /** The corrections, in file order. */
  get corrections(): Correction[] {
    return [...this.#corrections.values()];
  }

  /** The compound corrections, in file order. */
  get compoundCorrections(): CompoundCorrection[] {
    return [...this.#compounds.values()];
  }

  /** True when a correction or compound correction has this name. */
  has(name: string): boolean {
    return this.#corrections.has(name) || this.#compounds.has(name);
  }

  /**
   * The correction or compound correction of this name.
   * @throws CorrectionError (CORRECTION_UNKNOWN) with the closest name as a suggestion.
   */
  get(name: string): Correction | CompoundCorrection {
    const found = this.#corrections.get(name) ?? this.#compounds.get(name);
    if (found !== undefined) return found;
    const names = this.names();
    throw new CorrectionError(
      "CORRECTION_UNKNOWN",
      `Cannot find correction "${name}" in ${this.file}${
        didYouMean(name, names)
      }; it has ${names.length} correction(s)${names.length <= 10 ? ": " + names.join(", ") : ""}`,
      { file: this.file, correction: name },
    );
  }
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** Decodes file bytes (gzip detected by its magic bytes, as correctionlib does) to a document. */
export function decodeCorrectionBytes(bytes: Uint8Array, options: LoadOptions = {}): unknown {
  const file = options.file ?? "<memory>";
  let text: string;
  try {
    const raw = bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1 ? gunzipSync(bytes) : bytes;
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch (error) {
    throw new CorrectionError(
      "CORRECTION_FILE",
      `Cannot read correction set "${file}": ${(error as Error).message}`,
      { file },
      { cause: error },
    );
  }
  try {
    return parseCorrectionJson(text);
  } catch (error) {
    throw new CorrectionError(
      "CORRECTION_FILE",
      `Cannot read correction set "${file}": invalid JSON (${(error as Error).message})`,
      { file },
      { cause: error },
    );
  }
}

/**
 * Builds a correction set from JSON text, bytes (plain or gzip) or an already parsed document.
 * Text and bytes are parsed as correctionlib parses files (rapidjson's rounding of long
 * decimals, NaN/Inf accepted); an object parsed elsewhere keeps JSON.parse's numbers, which can
 * differ from correctionlib's in the last bit for 17-digit values.
 * @throws CorrectionError (CORRECTION_FILE or CORRECTION_SCHEMA).
 */
export function parseCorrectionSet(
  source: string | Uint8Array | object,
  options: LoadOptions = {},
): CorrectionSet {
  let document: unknown = source;
  let bytes: Uint8Array | undefined;
  if (typeof source === "string") bytes = new TextEncoder().encode(source);
  else if (source instanceof Uint8Array) bytes = source;
  if (bytes !== undefined) document = decodeCorrectionBytes(bytes, options);
  const digest = options.digest ??
    (bytes === undefined ? undefined : createHash("sha256").update(bytes).digest("hex"));
  return new CorrectionSet(document, { ...options, digest });
}

function readError(path: string, error: unknown): CorrectionError {
  return new CorrectionError(
    "CORRECTION_FILE",
    `Cannot read correction set "${path}": ${(error as Error).message}`,
    { file: path },
    { cause: error },
  );
}

/**
 * Reads and validates a correctionlib file (.json or .json.gz).
 * @throws CorrectionError (CORRECTION_FILE or CORRECTION_SCHEMA).
 */
export async function loadCorrectionSet(
  path: string,
  options: LoadOptions = {},
): Promise<CorrectionSet> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw readError(path, error);
  }
  return parseCorrectionSet(bytes, { file: options.file ?? path });
}

/** {@link loadCorrectionSet}, synchronously. */
export function loadCorrectionSetSync(path: string, options: LoadOptions = {}): CorrectionSet {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw readError(path, error);
  }
  return parseCorrectionSet(bytes, { file: options.file ?? path });
}

/**
 * Structural and semantic validation of a correctionlib schema v2 document, reporting every
 * problem with its JSON path (`corrections[3].data.content[2].edges: expected an array of
 * numbers`). It checks what C++ correctionlib refuses at load time (shapes, types, edge order,
 * content sizes, input names and types, formula syntax, references) so that evaluation can
 * trust the document.
 * @module
 */
import { didYouMean } from "@ristretto/core/errors";
import { type FormulaNode, formulaUsage, parseFormulaDetailed } from "./formula.ts";
import { CorrectionError } from "./errors.ts";

/** One problem found in a document. */
export interface ValidationIssue {
  /** JSON path, e.g. `corrections[3].data.content[2].edges`. */
  readonly path: string;
  /** What is wrong there. */
  readonly message: string;
}

/** The outcome of {@link validateCorrectionSet}. */
export interface ValidationResult {
  /** Problems that make the document unusable (C++ correctionlib would refuse it too). */
  readonly errors: ValidationIssue[];
  /** Oddities that do not stop evaluation (unknown keys, duplicate category keys, extensions). */
  readonly warnings: ValidationIssue[];
}

/** Options of {@link validateCorrectionSet}. */
export interface ValidateOptions {
  /** Stop collecting errors after this many (default 200). */
  readonly maxErrors?: number;
}

const NODE_TYPES = [
  "binning",
  "multibinning",
  "category",
  "formula",
  "formularef",
  "transform",
  "hashprng",
];

const NODE_KEYS: Readonly<Record<string, readonly string[]>> = {
  binning: ["nodetype", "input", "edges", "content", "flow"],
  multibinning: ["nodetype", "inputs", "edges", "content", "flow"],
  category: ["nodetype", "input", "content", "default"],
  formula: ["nodetype", "expression", "parser", "variables", "parameters"],
  formularef: ["nodetype", "index", "parameters"],
  transform: ["nodetype", "input", "rule", "content"],
  hashprng: ["nodetype", "inputs", "distribution"],
};

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: Json): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "..." : value)}`;
  }
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** Parses a bin edge as correctionlib does: a number or "inf", "+inf", "-inf". */
export function parseEdge(edge: Json): number | undefined {
  if (typeof edge === "number") return edge;
  if (edge === "inf" || edge === "+inf") return Infinity;
  if (edge === "-inf") return -Infinity;
  return undefined;
}

interface InputInfo {
  readonly name: string;
  readonly type: string;
}

class Validator {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];
  constructor(readonly maxErrors: number) {}

  error(path: string, message: string): void {
    if (this.errors.length < this.maxErrors) this.errors.push({ path, message });
  }

  warn(path: string, message: string): void {
    if (this.warnings.length < this.maxErrors) this.warnings.push({ path, message });
  }

  full(): boolean {
    return this.errors.length >= this.maxErrors;
  }

  unknownKeys(object: JsonObject, known: readonly string[], path: string): void {
    for (const key of Object.keys(object)) {
      if (!known.includes(key)) {
        this.warn(`${path}.${key}`, `unknown key "${key}"${didYouMean(key, known)} is ignored`);
      }
    }
  }

  string(object: JsonObject, key: string, path: string, optional = false): string | undefined {
    const value = object[key];
    if (value === undefined || (optional && value === null)) {
      if (!optional) this.error(`${path}.${key}`, "required but missing");
      return undefined;
    }
    if (typeof value !== "string") {
      this.error(`${path}.${key}`, `expected a string, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  integer(object: JsonObject, key: string, path: string): number | undefined {
    const value = object[key];
    if (value === undefined) {
      this.error(`${path}.${key}`, "required but missing");
      return undefined;
    }
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.error(`${path}.${key}`, `expected an integer, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  numberArray(value: Json, path: string): number[] | undefined {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "number")) {
      this.error(path, `expected an array of numbers, got ${describe(value)}`);
      return undefined;
    }
    return value as number[];
  }

  stringArray(value: Json, path: string): string[] | undefined {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
      this.error(path, `expected an array of strings, got ${describe(value)}`);
      return undefined;
    }
    return value as string[];
  }

  variables(value: Json, path: string): InputInfo[] {
    if (value === undefined) {
      this.error(path, "required but missing");
      return [];
    }
    if (!Array.isArray(value)) {
      this.error(path, `expected an array of variables, got ${describe(value)}`);
      return [];
    }
    const result: InputInfo[] = [];
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const info = this.variable(item, `${path}[${i}]`);
      if (info === undefined) return;
      if (seen.has(info.name)) this.error(`${path}[${i}].name`, `duplicate input "${info.name}"`);
      seen.add(info.name);
      result.push(info);
    });
    return result;
  }

  variable(value: Json, path: string): InputInfo | undefined {
    if (!isObject(value)) {
      this.error(path, `expected a variable object {name, type}, got ${describe(value)}`);
      return undefined;
    }
    this.unknownKeys(value, ["name", "type", "description"], path);
    const name = this.string(value, "name", path);
    const type = this.string(value, "type", path);
    this.string(value, "description", path, true);
    if (type !== undefined && type !== "real" && type !== "int" && type !== "string") {
      this.error(`${path}.type`, `expected "real", "int" or "string", got ${describe(type)}`);
      return undefined;
    }
    if (name === undefined || type === undefined) return undefined;
    return { name, type };
  }

  /** Finds an input by name; reports unknown names (with a suggestion) and string inputs. */
  input(
    name: Json,
    inputs: readonly InputInfo[],
    path: string,
    what: string,
    allowString: boolean,
  ): InputInfo | undefined {
    if (typeof name !== "string") {
      this.error(path, `expected an input name, got ${describe(name)}`);
      return undefined;
    }
    const found = inputs.find((input) => input.name === name);
    if (found === undefined) {
      const names = inputs.map((input) => input.name);
      this.error(
        path,
        `unknown input "${name}"${didYouMean(name, names)}; the inputs are ${
          names.map((n) => `"${n}"`).join(", ") || "none"
        }`,
      );
      return undefined;
    }
    if (!allowString && found.type === "string") {
      this.error(path, `${what} cannot use the string input "${name}"`);
      return undefined;
    }
    return found;
  }
}

/** Per-correction state while walking its tree. */
interface Scope {
  readonly inputs: readonly InputInfo[];
  /** Parsed generic formulas (undefined where they failed to validate). */
  readonly generic: readonly (FormulaNode | undefined)[];
}

function validateEdges(v: Validator, value: Json, path: string): number | undefined {
  if (Array.isArray(value)) {
    const edges: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const edge = parseEdge(value[i]);
      if (edge === undefined) {
        v.error(path, `expected an array of numbers, got ${describe(value[i])} at [${i}]`);
        return undefined;
      }
      edges.push(edge);
    }
    if (edges.length < 2) {
      v.error(path, `expected at least 2 edges, got ${edges.length}`);
      return undefined;
    }
    for (let i = 1; i < edges.length; i++) {
      if (!(edges[i - 1] < edges[i])) {
        v.error(
          `${path}[${i}]`,
          `edges are not strictly increasing: ${edges[i - 1]} then ${edges[i]}`,
        );
        return undefined;
      }
    }
    return edges.length - 1;
  }
  if (isObject(value)) {
    v.unknownKeys(value, ["n", "low", "high"], path);
    const n = v.integer(value, "n", path);
    const low = value.low;
    const high = value.high;
    if (typeof low !== "number") v.error(`${path}.low`, `expected a number, got ${describe(low)}`);
    if (typeof high !== "number") {
      v.error(`${path}.high`, `expected a number, got ${describe(high)}`);
    }
    if (n !== undefined && n <= 0) v.error(`${path}.n`, `expected at least one bin, got ${n}`);
    if (typeof low === "number" && typeof high === "number" && !(low < high)) {
      v.error(path, `uniform binning needs low < high, got low ${low} and high ${high}`);
    }
    return n !== undefined && n > 0 ? n : undefined;
  }
  v.error(
    path,
    `expected an array of numbers or a uniform binning {n, low, high}, got ${describe(value)}`,
  );
  return undefined;
}

function validateFlow(v: Validator, value: Json, path: string, scope: Scope): void {
  if (value === undefined) {
    v.error(path, "required but missing");
    return;
  }
  if (typeof value === "string") {
    if (value !== "clamp" && value !== "error" && value !== "wrap") {
      v.error(
        path,
        `expected "clamp", "error", "wrap" or a content node, got ${describe(value)}${
          didYouMean(value, ["clamp", "error", "wrap"])
        }`,
      );
    }
    return;
  }
  validateContent(v, value, path, scope);
}

function validateFormula(
  v: Validator,
  node: JsonObject,
  path: string,
  inputs: readonly InputInfo[],
  generic: boolean,
): FormulaNode | undefined {
  const expression = v.string(node, "expression", path);
  const parser = v.string(node, "parser", path);
  if (parser !== undefined && parser !== "TFormula") {
    v.error(`${path}.parser`, `only the "TFormula" parser is supported, got ${describe(parser)}`);
  }
  const variables = v.stringArray(node.variables, `${path}.variables`) ?? [];
  variables.forEach((name, i) => {
    const input = v.input(name, inputs, `${path}.variables[${i}]`, "A formula", false);
    if (input && input.type !== "real") {
      v.error(
        `${path}.variables[${i}]`,
        `formulas only accept real inputs, but "${name}" is ${input.type}`,
      );
    }
  });
  let parameters: number[] | undefined;
  if (node.parameters !== undefined && node.parameters !== null) {
    parameters = v.numberArray(node.parameters, `${path}.parameters`);
  }
  if (expression === undefined) return undefined;
  let parsed;
  try {
    parsed = parseFormulaDetailed(expression);
  } catch (error) {
    if (error instanceof CorrectionError) {
      v.error(`${path}.expression`, error.message.replace(/^Cannot parse formula: /, ""));
      return undefined;
    }
    throw error;
  }
  if (parsed.usesExtensions) {
    v.warn(
      `${path}.expression`,
      "uses TMath:: spellings, which C++ correctionlib does not accept",
    );
  }
  const usage = formulaUsage(parsed.ast);
  if (usage.maxVariable >= variables.length) {
    v.error(
      `${path}.variables`,
      `the expression uses ${"xyzt"[usage.maxVariable]} but only ${variables.length} ` +
        `variable(s) are listed`,
    );
  }
  if (!generic && usage.maxParameter >= (parameters?.length ?? 0)) {
    v.error(
      `${path}.parameters`,
      `the expression uses [${usage.maxParameter}] but ${parameters?.length ?? 0} ` +
        `parameter(s) are given`,
    );
  }
  return parsed.ast;
}

function validateContent(v: Validator, value: Json, path: string, scope: Scope): void {
  if (v.full()) return;
  if (typeof value === "number") return;
  if (!isObject(value)) {
    v.error(path, `expected a number or a content node, got ${describe(value)}`);
    return;
  }
  const nodetype = value.nodetype;
  if (typeof nodetype !== "string" || !NODE_TYPES.includes(nodetype)) {
    v.error(
      `${path}.nodetype`,
      typeof nodetype === "string"
        ? `unknown node type "${nodetype}"${didYouMean(nodetype, NODE_TYPES)}`
        : `expected one of ${NODE_TYPES.join(", ")}, got ${describe(nodetype)}`,
    );
    return;
  }
  v.unknownKeys(value, NODE_KEYS[nodetype], path);
  const { inputs } = scope;
  switch (nodetype) {
    case "binning": {
      v.input(value.input, inputs, `${path}.input`, "A binning", false);
      const nbins = validateEdges(v, value.edges, `${path}.edges`);
      const content = value.content;
      if (!Array.isArray(content)) {
        v.error(`${path}.content`, `expected an array of content nodes, got ${describe(content)}`);
      } else {
        if (nbins !== undefined && content.length !== nbins) {
          v.error(
            `${path}.content`,
            `expected ${nbins} content nodes (one per bin), got ${content.length}`,
          );
        }
        content.forEach((item, i) => validateContent(v, item, `${path}.content[${i}]`, scope));
      }
      validateFlow(v, value.flow, `${path}.flow`, scope);
      return;
    }
    case "multibinning": {
      const names = v.stringArray(value.inputs, `${path}.inputs`);
      names?.forEach((name, i) =>
        v.input(name, inputs, `${path}.inputs[${i}]`, "A multibinning", false)
      );
      if (names !== undefined && names.length === 0) {
        v.error(`${path}.inputs`, "expected at least one input");
      }
      let total: number | undefined = 1;
      if (!Array.isArray(value.edges)) {
        v.error(`${path}.edges`, `expected an array of edge lists, got ${describe(value.edges)}`);
        total = undefined;
      } else {
        if (names !== undefined && value.edges.length !== names.length) {
          v.error(
            `${path}.edges`,
            `expected ${names.length} edge lists (one per input), got ${value.edges.length}`,
          );
        }
        value.edges.forEach((dimension, i) => {
          const n = validateEdges(v, dimension, `${path}.edges[${i}]`);
          total = n === undefined || total === undefined ? undefined : total * n;
        });
      }
      const content = value.content;
      if (!Array.isArray(content)) {
        v.error(`${path}.content`, `expected an array of content nodes, got ${describe(content)}`);
      } else {
        if (total !== undefined && content.length !== total) {
          v.error(
            `${path}.content`,
            `expected ${total} content nodes (the product of the bin counts), got ${content.length}`,
          );
        }
        content.forEach((item, i) => validateContent(v, item, `${path}.content[${i}]`, scope));
      }
      validateFlow(v, value.flow, `${path}.flow`, scope);
      return;
    }
    case "category": {
      const input = v.input(value.input, inputs, `${path}.input`, "A category", true);
      if (input && input.type === "real") {
        v.error(
          `${path}.input`,
          `a category needs an int or string input, "${input.name}" is real`,
        );
      }
      const content = value.content;
      if (!Array.isArray(content)) {
        v.error(
          `${path}.content`,
          `expected an array of {key, value} items, got ${describe(content)}`,
        );
      } else {
        const keys = new Set<unknown>();
        content.forEach((item, i) => {
          const itemPath = `${path}.content[${i}]`;
          if (!isObject(item) || !("key" in item) || !("value" in item)) {
            v.error(itemPath, `expected a {key, value} item, got ${describe(item)}`);
            return;
          }
          v.unknownKeys(item, ["key", "value"], itemPath);
          const key = item.key;
          if (typeof key === "string") {
            if (input && input.type !== "string") {
              v.error(
                `${itemPath}.key`,
                `a string key, but the input "${input.name}" is ${input.type}`,
              );
            }
          } else if (typeof key === "number" && Number.isInteger(key)) {
            if (input && input.type !== "int") {
              v.error(
                `${itemPath}.key`,
                `an integer key, but the input "${input.name}" is ${input.type}`,
              );
            }
          } else {
            v.error(`${itemPath}.key`, `expected an integer or a string, got ${describe(key)}`);
          }
          if (keys.has(key)) {
            // C++ correctionlib keeps the first value; the Python schema refuses duplicates
            v.warn(
              `${itemPath}.key`,
              `duplicate key ${JSON.stringify(key)}: the first one is used`,
            );
          }
          keys.add(key);
          validateContent(v, item.value, `${itemPath}.value`, scope);
        });
      }
      if (value.default !== undefined && value.default !== null) {
        validateContent(v, value.default, `${path}.default`, scope);
      }
      return;
    }
    case "formula":
      validateFormula(v, value, path, inputs, false);
      return;
    case "formularef": {
      const index = v.integer(value, "index", path);
      const parameters = v.numberArray(value.parameters, `${path}.parameters`);
      if (index === undefined) return;
      if (index < 0 || index >= scope.generic.length) {
        v.error(
          `${path}.index`,
          `no generic formula ${index}: the correction has ${scope.generic.length}`,
        );
        return;
      }
      const ast = scope.generic[index];
      if (ast && parameters) {
        const { maxParameter } = formulaUsage(ast);
        if (maxParameter >= parameters.length) {
          v.error(
            `${path}.parameters`,
            `generic formula ${index} uses [${maxParameter}] but ${parameters.length} parameter(s) are given`,
          );
        }
      }
      return;
    }
    case "transform": {
      v.input(value.input, inputs, `${path}.input`, "A transform", false);
      if (value.rule === undefined) v.error(`${path}.rule`, "required but missing");
      else validateContent(v, value.rule, `${path}.rule`, scope);
      if (value.content === undefined) v.error(`${path}.content`, "required but missing");
      else validateContent(v, value.content, `${path}.content`, scope);
      return;
    }
    case "hashprng": {
      const names = v.stringArray(value.inputs, `${path}.inputs`);
      names?.forEach((name, i) =>
        v.input(name, inputs, `${path}.inputs[${i}]`, "A hashprng node", false)
      );
      const distribution = value.distribution;
      const known = ["stdflat", "stdnormal", "normal"];
      if (typeof distribution !== "string" || !known.includes(distribution)) {
        v.error(
          `${path}.distribution`,
          `expected one of ${known.join(", ")}, got ${describe(distribution)}${
            typeof distribution === "string" ? didYouMean(distribution, known) : ""
          }`,
        );
      }
      return;
    }
  }
}

function validateCorrection(v: Validator, value: Json, path: string): InputInfo[] | undefined {
  if (!isObject(value)) {
    v.error(path, `expected a correction object, got ${describe(value)}`);
    return undefined;
  }
  v.unknownKeys(
    value,
    ["name", "description", "version", "inputs", "output", "generic_formulas", "data"],
    path,
  );
  v.string(value, "name", path);
  v.string(value, "description", path, true);
  v.integer(value, "version", path);
  const inputs = v.variables(value.inputs, `${path}.inputs`);
  if (value.output === undefined) v.error(`${path}.output`, "required but missing");
  else {
    const output = v.variable(value.output, `${path}.output`);
    if (output && output.type !== "real") {
      v.error(`${path}.output.type`, `outputs can only be real, got "${output.type}"`);
    }
  }
  const generic: (FormulaNode | undefined)[] = [];
  if (value.generic_formulas !== undefined && value.generic_formulas !== null) {
    if (!Array.isArray(value.generic_formulas)) {
      v.error(
        `${path}.generic_formulas`,
        `expected an array of formulas, got ${describe(value.generic_formulas)}`,
      );
    } else {
      value.generic_formulas.forEach((item, i) => {
        const itemPath = `${path}.generic_formulas[${i}]`;
        if (!isObject(item) || item.nodetype !== "formula") {
          v.error(itemPath, `expected a formula node, got ${describe(item)}`);
          generic.push(undefined);
          return;
        }
        v.unknownKeys(item, NODE_KEYS.formula, itemPath);
        generic.push(validateFormula(v, item, itemPath, inputs, true));
      });
    }
  }
  if (value.data === undefined) v.error(`${path}.data`, "required but missing");
  else validateContent(v, value.data, `${path}.data`, { inputs, generic });
  return inputs;
}

function validateCompound(
  v: Validator,
  value: Json,
  path: string,
  corrections: ReadonlyMap<string, InputInfo[] | undefined>,
): void {
  if (!isObject(value)) {
    v.error(path, `expected a compound correction object, got ${describe(value)}`);
    return;
  }
  v.unknownKeys(
    value,
    ["name", "description", "inputs", "output", "inputs_update", "input_op", "output_op", "stack"],
    path,
  );
  v.string(value, "name", path);
  v.string(value, "description", path, true);
  const inputs = v.variables(value.inputs, `${path}.inputs`);
  if (value.output === undefined) v.error(`${path}.output`, "required but missing");
  else {
    const output = v.variable(value.output, `${path}.output`);
    if (output && output.type !== "real") {
      v.error(`${path}.output.type`, `outputs can only be real, got "${output.type}"`);
    }
  }
  const updates = v.stringArray(value.inputs_update, `${path}.inputs_update`) ?? [];
  updates.forEach((name, i) => {
    const input = v.input(name, inputs, `${path}.inputs_update[${i}]`, "inputs_update", true);
    if (input && input.type !== "real") {
      v.error(
        `${path}.inputs_update[${i}]`,
        `updatable inputs must be real, "${name}" is ${input.type}`,
      );
    }
  });
  if (!["+", "*", "/"].includes(value.input_op as string)) {
    v.error(`${path}.input_op`, `expected "+", "*" or "/", got ${describe(value.input_op)}`);
  }
  if (!["+", "*", "/", "last"].includes(value.output_op as string)) {
    v.error(
      `${path}.output_op`,
      `expected "+", "*", "/" or "last", got ${describe(value.output_op)}`,
    );
  }
  const stack = v.stringArray(value.stack, `${path}.stack`) ?? [];
  stack.forEach((name, i) => {
    const itemPath = `${path}.stack[${i}]`;
    if (!corrections.has(name)) {
      v.error(itemPath, `unknown correction "${name}"${didYouMean(name, corrections.keys())}`);
      return;
    }
    for (const input of corrections.get(name) ?? []) {
      const own = inputs.find((candidate) => candidate.name === input.name);
      if (own === undefined) {
        v.error(
          itemPath,
          `"${name}" needs the input "${input.name}", which the compound correction does not have`,
        );
      } else if (own.type !== input.type) {
        v.error(
          itemPath,
          `"${name}" takes "${input.name}" as ${input.type}, the compound correction as ${own.type}`,
        );
      }
    }
  });
}

/**
 * Validates a parsed correctionlib JSON document against schema v2 and the rules the C++
 * evaluator enforces when loading.
 */
export function validateCorrectionSet(
  document: unknown,
  options: ValidateOptions = {},
): ValidationResult {
  const v = new Validator(options.maxErrors ?? 200);
  if (!isObject(document)) {
    v.error("$", `expected a CorrectionSet object, got ${describe(document)}`);
    return { errors: v.errors, warnings: v.warnings };
  }
  v.unknownKeys(
    document,
    ["schema_version", "description", "corrections", "compound_corrections"],
    "$",
  );
  const version = document.schema_version;
  if (version !== 2) {
    v.error(
      "schema_version",
      version === undefined ? "required but missing" : `expected 2, got ${describe(version)}`,
    );
    return { errors: v.errors, warnings: v.warnings };
  }
  v.string(document, "description", "$", true);
  const corrections = new Map<string, InputInfo[] | undefined>();
  if (!Array.isArray(document.corrections)) {
    v.error(
      "corrections",
      `expected an array of corrections, got ${describe(document.corrections)}`,
    );
  } else {
    document.corrections.forEach((item, i) => {
      const path = `corrections[${i}]`;
      const inputs = validateCorrection(v, item, path);
      const name = isObject(item) ? item.name : undefined;
      if (typeof name === "string") {
        if (corrections.has(name)) v.error(`${path}.name`, `duplicate correction name "${name}"`);
        corrections.set(name, inputs);
      }
    });
  }
  const compounds = document.compound_corrections;
  if (compounds !== undefined && compounds !== null) {
    if (!Array.isArray(compounds)) {
      v.error("compound_corrections", `expected an array, got ${describe(compounds)}`);
    } else {
      const seen = new Set<string>();
      compounds.forEach((item, i) => {
        const path = `compound_corrections[${i}]`;
        validateCompound(v, item, path, corrections);
        const name = isObject(item) ? item.name : undefined;
        if (typeof name === "string") {
          if (seen.has(name)) {
            v.error(`${path}.name`, `duplicate compound correction name "${name}"`);
          }
          seen.add(name);
        }
      });
    }
  }
  // "$." is only a prefix for keys of the root object
  const tidy = (issue: ValidationIssue) => ({ ...issue, path: issue.path.replace(/^\$\./, "") });
  return { errors: v.errors.map(tidy), warnings: v.warnings.map(tidy) };
}

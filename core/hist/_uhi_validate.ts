/**
 * A hand-written validator for the UHI histogram schema (uhi_schema 1): the same rules as the
 * JSON schema, with messages that name the histogram and the JSON path. The tests check that it
 * agrees with ajv on the schema.
 * @module
 */
import { InputError } from "../errors/mod.ts";

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Problem extends Error {}

function fail(path: string, reason: string): never {
  throw new Problem(`${path} ${reason}`);
}

function checkKeys(
  value: Record<string, Json>,
  path: string,
  required: readonly string[],
  allowed: readonly string[],
): void {
  for (const key of required) {
    if (!Object.hasOwn(value, key)) fail(path, `must contain "${key}"`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      fail(path, `has unknown property "${key}" (allowed: ${allowed.join(", ")})`);
    }
  }
}

function checkScalar(value: Json, path: string): void {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    fail(path, "must be a string, a number or a boolean (metadata cannot nest)");
  }
}

function checkMetadata(value: Json, path: string): void {
  if (!isObject(value)) fail(path, "must be an object");
  for (const [key, item] of Object.entries(value)) {
    if (key === "") fail(path, "has an empty key");
    checkScalar(item, `${path}.${key}`);
  }
}

function checkWriterInfo(value: Json, path: string): void {
  if (!isObject(value)) fail(path, "must be an object");
  for (const [key, item] of Object.entries(value)) {
    if (key === "") fail(path, "has an empty key");
    checkMetadata(item, `${path}.${key}`);
  }
}

function checkBoolean(value: Json, path: string): void {
  if (typeof value !== "boolean") fail(path, "must be a boolean");
}

function checkNumber(value: Json, path: string): void {
  if (typeof value !== "number") fail(path, "must be a number");
}

function checkUniqueArray(value: Json, path: string, item: "string" | "integer"): void {
  if (!Array.isArray(value)) fail(path, "must be an array");
  const seen = new Set<Json>();
  value.forEach((x, i) => {
    if (item === "string" ? typeof x !== "string" : !Number.isInteger(x)) {
      fail(`${path}[${i}]`, `must be ${item === "string" ? "a string" : "an integer"}`);
    }
    if (seen.has(x)) fail(path, `must not repeat ${JSON.stringify(x)}`);
    seen.add(x);
  });
}

const AXIS_FIELDS: Record<string, { required: string[]; allowed: string[] }> = {
  regular: {
    required: ["type", "lower", "upper", "bins", "underflow", "overflow", "circular"],
    allowed: ["metadata", "writer_info"],
  },
  variable: {
    required: ["type", "edges", "underflow", "overflow", "circular"],
    allowed: ["metadata", "writer_info"],
  },
  category_str: { required: ["type", "categories", "flow"], allowed: ["metadata", "writer_info"] },
  category_int: { required: ["type", "categories", "flow"], allowed: ["metadata", "writer_info"] },
  boolean: { required: ["type"], allowed: ["metadata", "writer_info"] },
};

function checkAxis(axis: Json, path: string): void {
  if (!isObject(axis)) fail(path, "must be an object");
  const type = axis.type;
  if (typeof type !== "string" || !Object.hasOwn(AXIS_FIELDS, type)) {
    fail(
      `${path}.type`,
      `must be one of ${Object.keys(AXIS_FIELDS).join(", ")}, got ${JSON.stringify(type)}`,
    );
  }
  const fields = AXIS_FIELDS[type];
  checkKeys(axis, path, fields.required, [...fields.required, ...fields.allowed]);
  if (axis.metadata !== undefined) checkMetadata(axis.metadata, `${path}.metadata`);
  if (axis.writer_info !== undefined) checkWriterInfo(axis.writer_info, `${path}.writer_info`);
  for (const flag of ["underflow", "overflow", "circular", "flow"]) {
    if (axis[flag] !== undefined) checkBoolean(axis[flag], `${path}.${flag}`);
  }
  switch (type) {
    case "regular":
      checkNumber(axis.lower, `${path}.lower`);
      checkNumber(axis.upper, `${path}.upper`);
      if (!Number.isInteger(axis.bins) || (axis.bins as number) < 0) {
        fail(`${path}.bins`, "must be an integer >= 0");
      }
      break;
    case "variable":
      if (typeof axis.edges !== "string") {
        if (!Array.isArray(axis.edges)) {
          fail(`${path}.edges`, "must be an array of numbers or a path");
        }
        axis.edges.forEach((x, i) => checkNumber(x, `${path}.edges[${i}]`));
      }
      break;
    case "category_str":
      checkUniqueArray(axis.categories, `${path}.categories`, "string");
      break;
    case "category_int":
      checkUniqueArray(axis.categories, `${path}.categories`, "integer");
      break;
  }
}

const STORAGE_DATA: Record<string, string[]> = {
  int: ["values"],
  double: ["values"],
  weighted: ["values", "variances"],
  mean: ["counts", "values", "variances"],
  weighted_mean: ["sum_of_weights", "sum_of_weights_squared", "values", "variances"],
};

function checkNdarray(value: Json, path: string): void {
  if (!Array.isArray(value)) fail(path, "must be a (nested) array of numbers");
  value.forEach((x, i) => {
    if (Array.isArray(x)) checkNdarray(x, `${path}[${i}]`);
    else if (typeof x !== "number") fail(`${path}[${i}]`, "must be a number or an array");
  });
}

function checkStorage(storage: Json, path: string): void {
  if (!isObject(storage)) fail(path, "must be an object");
  const type = storage.type;
  if (typeof type !== "string" || !Object.hasOwn(STORAGE_DATA, type)) {
    fail(
      `${path}.type`,
      `must be one of ${Object.keys(STORAGE_DATA).join(", ")}, got ${JSON.stringify(type)}`,
    );
  }
  const data = STORAGE_DATA[type];
  checkKeys(storage, path, ["type"], ["type", "index", ...data]);
  const present = data.filter((field) => Object.hasOwn(storage, field));
  const hasIndex = Object.hasOwn(storage, "index");
  if (present.length === 0 && !hasIndex) return; // empty: metadata-only histogram
  if (present.length !== data.length) {
    const missing = data.filter((field) => !present.includes(field));
    fail(
      path,
      `must be empty (type only) or have all of ${data.join(", ")}; missing ${missing.join(", ")}`,
    );
  }
  for (const field of data) {
    if (typeof storage[field] !== "string") checkNdarray(storage[field], `${path}.${field}`);
  }
  if (hasIndex && typeof storage.index !== "string") {
    const index = storage.index;
    if (!Array.isArray(index)) fail(`${path}.index`, "must be a 2D array of integers or a path");
    index.forEach((row, i) => {
      if (!Array.isArray(row)) fail(`${path}.index[${i}]`, "must be an array of integers");
      row.forEach((x, j) => {
        if (!Number.isInteger(x)) fail(`${path}.index[${i}][${j}]`, "must be an integer");
      });
    });
  }
}

const HIST_FIELDS = ["uhi_schema", "writer_info", "metadata", "axes", "storage"];

/**
 * Checks one histogram entry against the UHI schema; throws InputError naming the entry.
 */
export function validateHistogramEntry(entry: Json, name: string): void {
  try {
    const path = `data.${name}`;
    if (!isObject(entry)) fail(path, "must be an object");
    checkKeys(entry, path, ["axes", "storage"], HIST_FIELDS);
    if (entry.uhi_schema !== undefined && entry.uhi_schema !== 1) {
      fail(`${path}.uhi_schema`, `must be 1, got ${JSON.stringify(entry.uhi_schema)}`);
    }
    if (entry.metadata !== undefined) checkMetadata(entry.metadata, `${path}.metadata`);
    if (entry.writer_info !== undefined) checkWriterInfo(entry.writer_info, `${path}.writer_info`);
    if (!Array.isArray(entry.axes)) fail(`${path}.axes`, "must be an array");
    entry.axes.forEach((axis, i) => checkAxis(axis, `${path}.axes[${i}]`));
    checkStorage(entry.storage, `${path}.storage`);
  } catch (error) {
    if (error instanceof Problem) {
      throw new InputError("UHI_INVALID", `Cannot read UHI histogram "${name}": ${error.message}`);
    }
    throw error;
  }
}

/**
 * Checks a whole UHI document (histogram name -> histogram) against the schema; throws an
 * InputError with code UHI_INVALID and the JSON path of the first problem.
 */
export function validateUHI(document: unknown): void {
  if (!isObject(document)) {
    throw new InputError(
      "UHI_INVALID",
      `Cannot read UHI document "<root>": must be an object of name -> histogram`,
    );
  }
  for (const [name, entry] of Object.entries(document)) {
    if (name === "") {
      throw new InputError(
        "UHI_INVALID",
        `Cannot read UHI histogram "": histogram names must not be empty`,
      );
    }
    validateHistogramEntry(entry, name);
  }
}

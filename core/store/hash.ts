/**
 * Content hashing: a canonical JSON form (sorted keys, no undefined) and SHA-256 over it, so
 * that two equal values hash the same whatever order their keys were built in.
 * @module
 */
import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level; `undefined` members are left out (as
 * JSON.stringify does) and non-finite numbers are written as strings so they stay distinct.
 *
 * @example
 * ```ts
 * import { canonicalJSON } from "./hash.ts";
 * if (canonicalJSON({ b: 1, a: [NaN, { d: undefined, c: 2 }] }) !== '{"a":["NaN",{"c":2}],"b":1}') {
 *   throw new Error();
 * }
 * ```
 */
export function canonicalJSON(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") {
    return Number.isFinite(value) ? JSON.stringify(value) : `"${value}"`;
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "bigint") return `"${value}n"`;
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(",")}]`;
  if (ArrayBuffer.isView(value)) {
    return canonicalJSON(Array.from(value as unknown as ArrayLike<number>));
  }
  if (typeof value === "object") {
    const entries = Object.keys(value).sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) =>
        `${JSON.stringify(key)}:${canonicalJSON((value as Record<string, unknown>)[key])}`
      );
    return `{${entries.join(",")}}`;
  }
  throw new TypeError(`Cannot hash a ${typeof value}`);
}

/** SHA-256 of a string or bytes, as 64 lowercase hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of the canonical JSON of `value`. */
export function hashValue(value: unknown): string {
  return sha256Hex(canonicalJSON(value));
}

/**
 * What the contract suites share: a list of named checks that each pass, fail with a reason or
 * are skipped, the identity check every plugin gets, and comparisons of columns.
 * @module
 */
import { AssertionError } from "node:assert/strict";
import type { Column, NumericArray } from "../columns/types.ts";
import { isJagged } from "../columns/jagged.ts";
import { API_VERSION, type PluginBase } from "../plugin/types.ts";

/** The outcome of one check of a contract suite. */
export interface ContractCheck {
  /** What was checked, e.g. `compute "pileup" on only its declared inputs`. */
  readonly name: string;
  readonly status: "pass" | "fail" | "skip";
  /** Why it failed or was skipped. */
  readonly reason?: string;
}

/** Every check a contract suite ran on one plugin. */
export interface ContractReport {
  readonly plugin: string;
  readonly kind: string;
  /** True when no check failed. */
  readonly ok: boolean;
  readonly checks: readonly ContractCheck[];
}

/** Collects checks: a check fails when its function throws, with the error's message. */
export class CheckList {
  readonly #checks: ContractCheck[] = [];

  /** Runs one check; returns true when it passed. */
  async check(name: string, fn: () => void | Promise<void>): Promise<boolean> {
    try {
      await fn();
      this.#checks.push({ name, status: "pass" });
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#checks.push({ name, status: "fail", reason });
      return false;
    }
  }

  /** Records a check that could not run. */
  skip(name: string, reason: string): void {
    this.#checks.push({ name, status: "skip", reason });
  }

  /** The report of everything checked so far. */
  report(plugin: { readonly name?: unknown; readonly kind?: unknown }): ContractReport {
    return {
      plugin: String(plugin.name),
      kind: String(plugin.kind),
      ok: this.#checks.every((check) => check.status !== "fail"),
      checks: [...this.#checks],
    };
  }
}

/** Throws a plain Error (a failed check's reason) unless `condition` holds. */
export function expect(condition: unknown, reason: string): asserts condition {
  if (!condition) throw new Error(reason);
}

/** Throws an AssertionError listing every failed check of the report (for `Deno.test`). */
export function assertConformance(report: ContractReport): void {
  const failed = report.checks.filter((check) => check.status === "fail");
  if (failed.length === 0) return;
  throw new AssertionError({
    message: `${report.kind} plugin "${report.plugin}" fails ${failed.length} conformance check${
      failed.length === 1 ? "" : "s"
    }:\n${failed.map((check) => `  - ${check.name}: ${check.reason}`).join("\n")}`,
  });
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The checks every plugin gets: kind, kebab-case name, semver version, API version, cacheKey. */
export async function checkIdentity(
  checks: CheckList,
  plugin: PluginBase & { readonly kind: string },
  kind: string,
): Promise<void> {
  await checks.check("identity: kind, name, version and apiVersion", () => {
    expect(plugin.kind === kind, `kind is "${plugin.kind}", expected "${kind}"`);
    expect(
      typeof plugin.name === "string" && KEBAB.test(plugin.name),
      `name ${JSON.stringify(plugin.name)} is not kebab-case (e.g. "my-weight")`,
    );
    expect(
      typeof plugin.version === "string" && SEMVER.test(plugin.version),
      `version ${JSON.stringify(plugin.version)} is not a semver version (e.g. "1.0.0")`,
    );
    expect(
      plugin.apiVersion === API_VERSION,
      `apiVersion is ${plugin.apiVersion}, this Ristretto speaks plugin API ${API_VERSION}`,
    );
  });
  if (plugin.cacheKey === undefined) return;
  await checks.check("cacheKey is a string, the same on every call", () => {
    const first = plugin.cacheKey!();
    expect(typeof first === "string", `cacheKey() returned ${typeof first}, expected a string`);
    expect(first === plugin.cacheKey!(), "cacheKey() changed between two calls");
  });
}

/** Checks a declared name list: an array of distinct non-empty strings. */
export function expectNameList(list: unknown, what: string, allowEmpty = false): void {
  expect(Array.isArray(list), `${what} is not an array`);
  expect(allowEmpty || list.length > 0, `${what} is empty`);
  for (const name of list) {
    expect(typeof name === "string" && name.length > 0, `${what} holds ${JSON.stringify(name)}`);
  }
  const repeated = list.find((name, index) => list.indexOf(name) !== index);
  expect(repeated === undefined, `${what} names "${repeated}" twice`);
}

/** The bytes of a TypedArray (a view, not a copy). */
export function bytesOf(array: NumericArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** True when two arrays have the same type and the same bytes (NaN payloads included). */
export function sameArray(a: NumericArray, b: NumericArray): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  const x = bytesOf(a);
  const y = bytesOf(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** A deep copy of a column, to detect later modification. */
export function copyColumn(column: Column): Column {
  if (isJagged(column)) return { offsets: column.offsets.slice(), content: column.content.slice() };
  return column.slice();
}

/** True when two columns hold the same values (and the same layout for jagged ones). */
export function sameColumn(a: Column, b: Column): boolean {
  if (isJagged(a) !== isJagged(b)) return false;
  if (isJagged(a) && isJagged(b)) {
    return sameCounts(a.offsets, b.offsets) && sameArray(
      a.content.subarray(a.offsets[0], a.offsets[a.offsets.length - 1]),
      b.content.subarray(b.offsets[0], b.offsets[b.offsets.length - 1]),
    );
  }
  return sameArray(a as NumericArray, b as NumericArray);
}

/** True when two offsets arrays give the same number of entries to every event. */
export function sameCounts(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 1; i < a.length; i++) {
    if (a[i] - a[i - 1] !== b[i] - b[i - 1]) return false;
  }
  return true;
}

/** A short description of a value's type, for failure reasons. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(${(value as Uint8Array).length})`;
  }
  if (isJagged(value)) return `jagged ${describe((value as { content: unknown }).content)}`;
  return typeof value === "object" ? value.constructor?.name ?? "object" : typeof value;
}

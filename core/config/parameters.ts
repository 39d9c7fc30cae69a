/**
 * Layered parameters: a period's defaults, then the analysis's own files and inline maps, each
 * layer overriding the ones before it key by key (maps merge deeply, lists and scalars replace).
 * @module
 */

/** A tree of parameters, as read from YAML. */
export type Parameters = Record<string, unknown>;

/**
 * Merges `override` on top of `base` without modifying either.
 *
 * @example
 * ```ts
 * import { mergeParameters } from "./parameters.ts";
 * const merged = mergeParameters({ lumi: { 2018: 59.7 }, jets: { pt: 30 } }, { jets: { pt: 25 } });
 * if (merged.jets && (merged.jets as { pt: number }).pt !== 25) throw new Error();
 * ```
 */
export function mergeParameters(base: Parameters, override: Parameters): Parameters {
  const merged: Parameters = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const previous = merged[key];
    merged[key] = isPlainMap(previous) && isPlainMap(value)
      ? mergeParameters(previous, value)
      : value;
  }
  return merged;
}

/** The value at a dotted path such as `lumi.2018`, or undefined. */
export function parameterAt(parameters: Parameters, dottedPath: string): unknown {
  let current: unknown = parameters;
  for (const step of dottedPath.split(".")) {
    if (!isPlainMap(current)) return undefined;
    current = current[step];
  }
  return current;
}

function isPlainMap(value: unknown): value is Parameters {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

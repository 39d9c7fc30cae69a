/**
 * Where the CMS correction payloads (correctionlib JSON, golden JSON) are, how a plugin finds its
 * settings for a data-taking period in the layered parameters, and the domain of a correction's
 * inputs (for clamping). Shared by the weight providers, calibrators and cuts of this package.
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parameterAt } from "@ristretto/core/config";
import { InputError } from "@ristretto/core/errors";
import {
  type CompoundCorrection,
  type Correction,
  type CorrectionSet,
  loadCorrectionSetSync,
} from "@ristretto/correctionlib";
import type { ContentJson, EdgeJson } from "@ristretto/correctionlib";
import { LumiMask } from "./lumi/lumi_mask.ts";

/** The parameter naming the folder of the correction payloads. */
export const CORRECTIONS_DIR_PARAMETER = "correctionsDir";
/**
 * The parameter naming a second folder, searched for a relative payload that
 * {@link correctionsDir} does not hold (the example's toy payloads, when the CMS ones are absent).
 */
export const CORRECTIONS_FALLBACK_DIR_PARAMETER = "correctionsFallbackDir";

/**
 * The folder relative payload paths resolve against: the parameter `correctionsDir` (relative
 * to the working directory when relative), else the environment variable RISTRETTO_CORRECTIONS,
 * else `<RISTRETTO_SHARED_DATA>/corrections`, else `../shared/data/corrections` beside the
 * repository (where the CMS payloads live on the development machines; they are never copied
 * into the repository).
 */
export function correctionsDir(parameters: Readonly<Record<string, unknown>>): string {
  const fromParameters = parameterAt(parameters, CORRECTIONS_DIR_PARAMETER);
  if (typeof fromParameters === "string" && fromParameters !== "") return resolve(fromParameters);
  const fromEnv = envVariable("RISTRETTO_CORRECTIONS");
  if (fromEnv) return resolve(fromEnv);
  const shared = envVariable("RISTRETTO_SHARED_DATA");
  if (shared) return resolve(shared, "corrections");
  return fileURLToPath(new URL("../../../shared/data/corrections", import.meta.url));
}

function envVariable(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    // Without --allow-env the default folder applies.
    return undefined;
  }
}

/**
 * The absolute path of an existing payload named in the parameters: absolute paths kept,
 * relative ones under {@link correctionsDir}, else under `correctionsFallbackDir` when set;
 * undefined when neither holds it.
 */
export function findPayload(
  parameters: Readonly<Record<string, unknown>>,
  file: string,
): string | undefined {
  if (isAbsolute(file)) return existsSync(file) ? file : undefined;
  const path = resolve(correctionsDir(parameters), file);
  if (existsSync(path)) return path;
  const fallback = parameterAt(parameters, CORRECTIONS_FALLBACK_DIR_PARAMETER);
  if (typeof fallback === "string" && fallback !== "") {
    const second = resolve(fallback, file);
    if (existsSync(second)) return second;
  }
  return undefined;
}

/**
 * The absolute path of a payload named in the parameters (see {@link findPayload}).
 * @throws InputError (CORRECTIONS_MISSING_FILE) naming the file and the parameters to set.
 */
export function payloadPath(
  parameters: Readonly<Record<string, unknown>>,
  file: string,
  parameter: string,
): string {
  const found = findPayload(parameters, file);
  if (found) return found;
  const path = isAbsolute(file) ? file : resolve(correctionsDir(parameters), file);
  throw new InputError(
    "CORRECTIONS_MISSING_FILE",
    `Cannot load "${path}" (parameter ${parameter}): the file does not exist; set the parameter ` +
      `${CORRECTIONS_DIR_PARAMETER} or the environment variable RISTRETTO_CORRECTIONS to the ` +
      `folder holding the CMS correction payloads, or give ${parameter} as an absolute path`,
  );
}

// Payloads are read once per process: every chunk of a run shares them.
const correctionSets = new Map<string, CorrectionSet>();
const lumiMasks = new Map<string, LumiMask>();

/** The correction set at an absolute path, read once per process. */
export function correctionSetAt(path: string): CorrectionSet {
  let set = correctionSets.get(path);
  if (!set) {
    set = loadCorrectionSetSync(path);
    correctionSets.set(path, set);
  }
  return set;
}

/** The golden JSON at an absolute path as a LumiMask, read once per process. */
export function lumiMaskAt(path: string): LumiMask {
  let mask = lumiMasks.get(path);
  if (!mask) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new InputError(
        "LUMI_MASK_UNREADABLE",
        `Cannot read lumi mask "${path}": ${(error as Error).message}`,
        { cause: error },
      );
    }
    mask = LumiMask.fromText(text, { source: path });
    lumiMasks.set(path, mask);
  }
  return mask;
}

/** What a plugin knows about the chunk: the dataset's period and the merged parameters. */
export interface PeriodContext {
  readonly dataset: { readonly name: string; readonly year: string };
  readonly parameters: Readonly<Record<string, unknown>>;
}

/**
 * The settings map `corrections.<year>.<name>` of the dataset's period.
 * @throws InputError (CORRECTIONS_NO_SETTINGS) naming the parameter and the periods that have it.
 */
export function periodSettings(
  context: PeriodContext,
  name: string,
  what: string,
): { settings: Readonly<Record<string, unknown>>; parameter: string } {
  const year = context.dataset.year;
  const parameter = `corrections.${year}.${name}`;
  const settings = parameterAt(context.parameters, parameter);
  if (!isMap(settings)) {
    const all = parameterAt(context.parameters, "corrections");
    const periods = isMap(all)
      ? Object.entries(all).filter(([, byName]) => isMap(byName) && isMap(byName[name])).map((
        [period],
      ) => period)
      : [];
    throw new InputError(
      "CORRECTIONS_NO_SETTINGS",
      `Cannot ${what} for dataset "${context.dataset.name}": no parameter ${parameter} ` +
        `(the correction file, name and inputs for year "${year}"); periods that have it: ${
          periods.join(", ") || "none"
        }`,
    );
  }
  return { settings, parameter };
}

/** A string setting; InputError (CORRECTIONS_BAD_SETTING) when absent or not a string. */
export function stringSetting(
  settings: Readonly<Record<string, unknown>>,
  key: string,
  parameter: string,
): string {
  const value = settings[key];
  if (typeof value !== "string" || value === "") {
    throw new InputError(
      "CORRECTIONS_BAD_SETTING",
      `Cannot read parameter ${parameter}.${key}: expected a non-empty string, got ${
        JSON.stringify(value) ?? "nothing"
      }`,
    );
  }
  return value;
}

/** The correction `settings.<key>` of the file `settings.file` (resolved, loaded once). */
export function correctionFrom(
  context: PeriodContext,
  settings: Readonly<Record<string, unknown>>,
  parameter: string,
  key = "correction",
): Correction | CompoundCorrection {
  const file = stringSetting(settings, "file", parameter);
  const set = correctionSetAt(payloadPath(context.parameters, file, `${parameter}.file`));
  return set.get(stringSetting(settings, key, parameter));
}

/** True for a plain map (not a list). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The interval [low, high) an input must lie in for the correction not to fail. */
export interface InputDomain {
  readonly low: number;
  readonly high: number;
}

const domains = new WeakMap<object, Map<string, InputDomain>>();

/**
 * For each real/int input, the interval its binnings with flow "error" accept: the largest
 * first edge and the smallest last edge over those binnings (so a clamped value is valid in
 * every branch of the tree). Inputs no error-flow binning reads are unbounded.
 */
export function inputDomains(
  correction: Correction | CompoundCorrection,
): Map<string, InputDomain> {
  const cached = domains.get(correction);
  if (cached) return cached;
  const result = new Map<string, InputDomain>();
  const narrow = (input: string, low: number, high: number) => {
    const previous = result.get(input) ?? { low: -Infinity, high: Infinity };
    result.set(input, { low: Math.max(previous.low, low), high: Math.min(previous.high, high) });
  };
  const edgeValue = (edge: EdgeJson): number =>
    typeof edge === "number" ? edge : edge === "-inf" ? -Infinity : Infinity;
  const walk = (node: ContentJson): void => {
    if (typeof node === "number") return;
    switch (node.nodetype) {
      case "binning": {
        if (node.flow === "error") {
          const edges = node.edges;
          if (Array.isArray(edges)) {
            narrow(node.input, edgeValue(edges[0]), edgeValue(edges[edges.length - 1]));
          } else narrow(node.input, edges.low, edges.high);
        } else if (typeof node.flow === "object" || typeof node.flow === "number") walk(node.flow);
        node.content.forEach(walk);
        return;
      }
      case "multibinning": {
        if (node.flow === "error") {
          node.inputs.forEach((input, i) => {
            const edges = node.edges[i];
            if (Array.isArray(edges)) {
              narrow(input, edgeValue(edges[0]), edgeValue(edges[edges.length - 1]));
            } else narrow(input, edges.low, edges.high);
          });
        } else if (typeof node.flow === "object" || typeof node.flow === "number") walk(node.flow);
        node.content.forEach(walk);
        return;
      }
      case "category":
        node.content.forEach((item) => walk(item.value));
        if (node.default !== undefined && node.default !== null) walk(node.default);
        return;
      case "transform":
        walk(node.rule);
        walk(node.content);
        return;
      default:
        return;
    }
  };
  const corrections = correction.kind === "compound" ? correction.stack : [correction];
  for (const step of corrections) walk(step.json.data);
  domains.set(correction, result);
  return result;
}

/**
 * `value` moved into [low, high): below low gives low, at or above high gives the largest
 * value just below high (a relative step of 1e-9: clearly inside the last bin, whose edges are
 * far wider).
 */
export function clampInto(value: number, domain: InputDomain): number {
  if (value < domain.low) return domain.low;
  if (value >= domain.high) return domain.high - Math.max(Math.abs(domain.high), 1) * 1e-9;
  return value;
}

// Digests are computed once per file version (path, size, times, inode) per process.
const digests = new Map<string, string>();

/** The SHA-256 of a file's bytes (hex), memoised while its size, times and inode are unchanged. */
export function payloadDigest(path: string): string {
  const info = statSync(path);
  const key =
    `${path}\u0000${info.size}\u0000${info.mtimeMs}\u0000${info.ctimeMs}\u0000${info.ino}`;
  let digest = digests.get(key);
  if (!digest) {
    digest = createHash("sha256").update(readFileSync(path)).digest("hex");
    digests.set(key, digest);
  }
  return digest;
}

/**
 * A plugin's cache key: its own settings plus the SHA-256 of every payload its parameters
 * name, `corrections.<year>.<name>.file` (and nested `file`s) for each period and each of
 * `names` (or, with
 * `parameter`, the file at `<parameter>.<year>`, e.g. `lumiMask.2018`), so a payload whose
 * bytes change recomputes the work items. Absent files count as "missing" (using them fails
 * later, with a clear error); without parameters only the settings count.
 */
export function payloadCacheKey(
  settings: unknown,
  parameters: Readonly<Record<string, unknown>> | undefined,
  options: { readonly names?: readonly string[]; readonly parameter?: string },
): string {
  const payloads: Record<string, string> = {};
  const digestOf = (file: unknown): string => {
    if (typeof file !== "string" || file === "") return "none";
    const path = findPayload(parameters!, file);
    return path ? `${file}:${payloadDigest(path)}` : `${file}:missing`;
  };
  if (parameters && options.names) {
    const byPeriod = parameterAt(parameters, "corrections");
    if (isMap(byPeriod)) {
      for (const [period, byName] of Object.entries(byPeriod)) {
        if (!isMap(byName)) continue;
        for (const name of options.names) {
          const entry = byName[name];
          if (!isMap(entry)) continue;
          // Every `file` in the entry: its own, and nested ones (e.g. btag efficiency.file).
          const walk = (map: Record<string, unknown>, at: string): void => {
            if ("file" in map) payloads[at] = digestOf(map.file);
            for (const [key, value] of Object.entries(map)) {
              if (isMap(value)) walk(value, `${at}.${key}`);
            }
          };
          walk(entry, `${period}.${name}`);
        }
      }
    }
  }
  if (parameters && options.parameter) {
    const byPeriod = parameterAt(parameters, options.parameter);
    if (isMap(byPeriod)) {
      for (const [period, file] of Object.entries(byPeriod)) {
        payloads[`${options.parameter}.${period}`] = digestOf(file);
      }
    }
  }
  return JSON.stringify({ settings, payloads });
}

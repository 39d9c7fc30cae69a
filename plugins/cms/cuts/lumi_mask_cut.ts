/**
 * The golden-JSON lumi mask as a cut an analysis names in its skim: `{use: lumimask}`.
 * @module
 */
import type { Events } from "@ristretto/core/events";
import { parameterAt } from "@ristretto/core/config";
import { didYouMean, InputError } from "@ristretto/core/errors";
import { API_VERSION, type CalibrationContext, type CutProvider } from "@ristretto/core/plugin";
import { isMap, lumiMaskAt, payloadCacheKey, payloadPath } from "../_payloads.ts";

/** Options of {@link lumiMaskCut}. */
export interface LumiMaskCutOptions {
  /** The cut name used in `use:` (default `lumimask`). */
  cut?: string;
  /** The parameter map holding one golden JSON per year (default `lumiMask`). */
  parameter?: string;
}

/** Defaults of {@link lumiMaskCut}. */
export const defaults: Required<LumiMaskCutOptions> = {
  cut: "lumimask",
  parameter: "lumiMask",
};

/**
 * Plugin `lumi-mask`: cut `lumimask` keeps the data events whose (run, luminosityBlock) the
 * golden JSON of their year certifies; simulation passes untouched. The golden JSON is the
 * parameter `lumiMask.<year>` (relative paths under `correctionsDir`, or absolute), or the
 * cut's own `params: {file: ...}` in the config.
 *
 * ```yaml
 * skim:
 *   - { use: lumimask }
 * ```
 */
export function lumiMaskCut(options: LumiMaskCutOptions = {}): CutProvider {
  const settings = { ...defaults, ...options };
  return {
    kind: "cut",
    name: "lumi-mask",
    version: "0.1.0",
    apiVersion: API_VERSION,
    cuts: [settings.cut],
    inputs: ["run", "luminosityBlock"],
    // The golden JSONs' digests: a changed file recomputes the work items.
    cacheKey: (parameters) =>
      payloadCacheKey(settings, parameters, { parameter: settings.parameter }),
    mask(
      name: string,
      events: Events,
      context: CalibrationContext & { readonly params: Readonly<Record<string, unknown>> },
    ): Uint8Array {
      if (name !== settings.cut) {
        throw new InputError(
          "CUT_UNKNOWN",
          `Cannot apply cut "${name}" with plugin "lumi-mask": it provides "${settings.cut}"${
            didYouMean(name, [settings.cut])
          }`,
        );
      }
      if (context.dataset.isMC) return new Uint8Array(events.length).fill(1);
      const year = context.dataset.year;
      const parameter = `${settings.parameter}.${year}`;
      const fromParams = context.params.file;
      const file = typeof fromParams === "string"
        ? fromParams
        : parameterAt(context.parameters, parameter);
      if (typeof file !== "string" || file === "") {
        const all = parameterAt(context.parameters, settings.parameter);
        const years = isMap(all) ? Object.keys(all) : [];
        throw new InputError(
          "LUMI_MASK_NO_FILE",
          `Cannot apply cut "${name}" to data "${context.dataset.name}": no parameter ${parameter} ` +
            `(the golden JSON of year ${year}); years with one: ${years.join(", ") || "none"}`,
        );
      }
      const mask = lumiMaskAt(
        payloadPath(
          context.parameters,
          file,
          typeof fromParams === "string" ? `params.file of cut "${name}"` : parameter,
        ),
      );
      for (const column of ["run", "luminosityBlock"]) {
        if (!events.has(column)) {
          throw new InputError(
            "LUMI_MASK_NO_INPUT",
            `Cannot apply cut "${name}" to data "${context.dataset.name}": the events have no "${column}" column`,
          );
        }
      }
      return mask.apply(
        events.column("run") as ArrayLike<number>,
        events.column("luminosityBlock") as ArrayLike<number>,
      );
    },
  };
}

/**
 * The TypeScript escape hatch of an analysis: a module named by `module:` in the config may
 * export variables, cuts, weights and hooks that the YAML then names. What the expression
 * language cannot say is written here, in plain TypeScript over columns.
 *
 * ```ts ignore
 * // my_analysis.ts
 * import type { AnalysisModule } from "@ristretto/core/processor";
 * export const analysis: AnalysisModule = {
 *   variables: {
 *     // per event: usable as `leptonHT` in expressions
 *     leptonHT: { compute: (events) => ... },
 *     // per object of GoodJet: usable as `GoodJet.isForward`
 *     isForward: { collection: "GoodJet", type: "bool", compute: (events) => ... },
 *   },
 *   cuts: { twoOppositeSign: (events, params) => mask },  // skim: [{use: twoOppositeSign}]
 *   weights: { topPt: (events) => ({ nominal, up, down }) }, // weights: [topPt]
 *   hooks: { afterPreselection: (events) => events },
 * };
 * ```
 * @module
 */
import type { Column } from "../columns/types.ts";
import { isJagged } from "../columns/jagged.ts";
import type { Events } from "../events/events.ts";
import { InputError } from "../errors/ristretto_error.ts";

/** What a module's functions may know about the chunk. */
export interface ModuleContext {
  readonly dataset: {
    readonly name: string;
    readonly sample: string;
    readonly year: string;
    readonly isMC: boolean;
  };
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A variable computed in TypeScript: per event, or per object of `collection`. */
export interface ModuleVariable {
  /** Per-object variables name their collection (a NanoAOD one or an analysis object). */
  readonly collection?: string;
  /** "bool" for conditions; numbers by default. */
  readonly type?: "number" | "bool";
  /** One value per event (flat), or a jagged array aligned with the collection. */
  compute(events: Events, context: ModuleContext): Column;
}

/** A cut computed in TypeScript: one 0/1 byte per event. */
export type ModuleCut = (
  events: Events,
  params: Readonly<Record<string, unknown>>,
  context: ModuleContext,
) => Uint8Array;

/** A weight computed in TypeScript: per-event nominal values, optionally up and down. */
export type ModuleWeight = (
  events: Events,
  context: ModuleContext,
) => { nominal: Float64Array; up?: Float64Array; down?: Float64Array };

/** A hook: receives the events after a step and returns them (possibly with new columns). */
export type ModuleHook = (events: Events, context: ModuleContext) => Events;

/** Everything an analysis module may export (as `analysis` or as its default export). */
export interface AnalysisModule {
  /** NanoAOD branches the module's functions read that no expression names (e.g. `Muon_dxy`). */
  readonly inputs?: readonly string[];
  readonly variables?: Readonly<Record<string, ModuleVariable>>;
  readonly cuts?: Readonly<Record<string, ModuleCut>>;
  readonly weights?: Readonly<Record<string, ModuleWeight>>;
  readonly hooks?: {
    readonly afterSkim?: ModuleHook;
    readonly afterObjects?: ModuleHook;
    readonly afterPreselection?: ModuleHook;
  };
}

/** Imports and checks an analysis module; every problem names the file. */
export async function loadAnalysisModule(path: string): Promise<AnalysisModule> {
  let imported: Record<string, unknown>;
  try {
    imported = await import(path.startsWith("/") ? `file://${path}` : path);
  } catch (cause) {
    throw new InputError(
      "MODULE_IMPORT",
      `Cannot load analysis module "${path}": ${(cause as Error).message}`,
      { cause },
    );
  }
  const candidate = (imported.analysis ?? imported.default) as AnalysisModule | undefined;
  const fail = (reason: string): never => {
    throw new InputError("MODULE_INVALID", `Cannot load analysis module "${path}": ${reason}`);
  };
  if (typeof candidate !== "object" || candidate === null) {
    fail("it must export `analysis` (or a default export) of type AnalysisModule");
  }
  const module = candidate as AnalysisModule;
  for (const [name, variable] of Object.entries(module.variables ?? {})) {
    if (typeof variable?.compute !== "function") {
      fail(`variables.${name}.compute must be a function`);
    }
    if (variable.type !== undefined && variable.type !== "number" && variable.type !== "bool") {
      fail(`variables.${name}.type must be "number" or "bool"`);
    }
  }
  for (const [name, cut] of Object.entries(module.cuts ?? {})) {
    if (typeof cut !== "function") fail(`cuts.${name} must be a function`);
  }
  for (const [name, weight] of Object.entries(module.weights ?? {})) {
    if (typeof weight !== "function") fail(`weights.${name} must be a function`);
  }
  for (const [name, hook] of Object.entries(module.hooks ?? {})) {
    if (!["afterSkim", "afterObjects", "afterPreselection"].includes(name)) {
      fail(`unknown hook "${name}"; hooks are afterSkim, afterObjects, afterPreselection`);
    }
    if (typeof hook !== "function") fail(`hooks.${name} must be a function`);
  }
  return module;
}

/**
 * Adds the module's variables to the events: per-event ones as top-level columns, per-object
 * ones as fields of their collection. Shapes are checked so a wrong length fails loudly.
 */
export function addModuleVariables(
  module: AnalysisModule,
  events: Events,
  context: ModuleContext & { only?: (name: string) => boolean },
): Events {
  for (const [name, variable] of Object.entries(module.variables ?? {})) {
    if (context.only && !context.only(name)) continue;
    const values = variable.compute(events, context);
    if (variable.collection) {
      if (!isJagged(values)) {
        throw new InputError(
          "MODULE_BAD_VARIABLE",
          `Cannot add variable "${variable.collection}.${name}": compute() must return a jagged array aligned with ${variable.collection}`,
        );
      }
      const collection = events.collection(variable.collection);
      events = events.withCollection(variable.collection, collection.withField(name, values));
    } else {
      if (isJagged(values) || values.length !== events.length) {
        throw new InputError(
          "MODULE_BAD_VARIABLE",
          `Cannot add variable "${name}": compute() must return one value per event (${events.length})`,
        );
      }
      events = events.withColumn(name, values);
    }
  }
  return events;
}

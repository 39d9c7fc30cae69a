/**
 * Variables from `variable` plugins (VariableProvider): declared to the expression schema when
 * the plan is compiled, computed in the chunk at the stage their first use needs - those of a
 * NanoAOD collection (and per-event ones an object `where` reads) before the objects are built,
 * the others before the preselection when it reads them, else after it on fewer events. Only
 * variables some expression names are computed.
 * @module
 */
import { isJagged } from "../columns/jagged.ts";
import type { Events } from "../events/events.ts";
import { InputError } from "../errors/ristretto_error.ts";
import { didYouMean } from "../errors/did_you_mean.ts";
import type { CompiledExpression } from "../expr/mod.ts";
import type { CalibrationContext, VariableProvider } from "../plugin/types.ts";
import type { BranchSchema } from "./branch_schema.ts";

/** When in a chunk a plugin variable is computed. */
export type VariableStage = "objects" | "preselection" | "after";

/** A plugin variable the analysis uses. */
export interface PlannedVariable {
  readonly name: string;
  readonly provider: VariableProvider;
  readonly collection?: string;
  readonly stage: VariableStage;
}

/** A declared variable before we know whether and where it is used. */
interface DeclaredVariable {
  readonly name: string;
  readonly provider: VariableProvider;
  readonly collection?: string;
}

/**
 * Declares plugin variables to the schema in two rounds: `round: "files"` before the objects
 * (per-event ones and those of NanoAOD collections, so objects derived later inherit them),
 * `round: "objects"` after them (those of analysis objects). Returns the variables declared.
 *
 * @throws {InputError} for a collection neither the files nor the analysis's objects have, or
 * a variable two plugins (or a plugin and the analysis module) both provide.
 */
export function declarePluginVariables(
  providers: readonly VariableProvider[],
  schema: BranchSchema,
  options: { round: "files" | "objects"; objectNames: readonly string[]; taken?: Set<string> },
): DeclaredVariable[] {
  const declared: DeclaredVariable[] = [];
  const taken = options.taken ?? new Set<string>();
  for (const provider of providers) {
    for (const [name, spec] of Object.entries(provider.variables)) {
      const collection = spec.collection;
      const isObject = collection !== undefined && options.objectNames.includes(collection);
      if ((options.round === "objects") !== isObject) continue;
      if (collection !== undefined && !isObject && !schema.isCollection(collection)) {
        const known = [
          ...new Set(schema.names().filter((n) => n.includes(".")).map((n) => n.split(".")[0])),
        ].filter((n) => schema.isCollection(n)).concat(options.objectNames);
        throw new InputError(
          "PLUGIN_BAD_VARIABLE",
          `Cannot use variable "${collection}.${name}" of plugin "${provider.name}": the files have no collection "${collection}" and the analysis defines no such object${
            didYouMean(collection, known)
          }`,
        );
      }
      const path = collection ? `${collection}.${name}` : name;
      if (taken.has(path) || schema.kindOf(path)) {
        throw new InputError(
          "PLUGIN_BAD_VARIABLE",
          `Cannot use variable "${path}" of plugin "${provider.name}": that name is already a branch or another provider's variable`,
        );
      }
      taken.add(path);
      schema.addVariable(name, { collection, type: spec.type });
      declared.push({ name, provider, collection });
    }
  }
  return declared;
}

/**
 * The declared variables some expression uses, each with the stage it must be computed at.
 * `used` holds every field path the compiled expressions read; `objectWheres` and
 * `preselection` the expressions of those steps.
 */
export function plannedVariables(
  declared: readonly DeclaredVariable[],
  schema: BranchSchema,
  options: {
    used: ReadonlySet<string>;
    objectNames: readonly string[];
    objectWheres: readonly CompiledExpression[];
    preselection: readonly CompiledExpression[];
  },
): PlannedVariable[] {
  const reads = (expressions: readonly CompiledExpression[], test: (path: string) => boolean) =>
    expressions.some((expr) => [...expr.fields].some(test));
  const planned: PlannedVariable[] = [];
  for (const variable of declared) {
    const { name, collection } = variable;
    // A field of a file collection is also read through the objects derived from it.
    const matches = (path: string) => {
      if (!collection) return path === name;
      const dot = path.indexOf(".");
      if (dot < 0 || path.slice(dot + 1) !== name) return false;
      const head = path.slice(0, dot);
      return head === collection ||
        (!options.objectNames.includes(collection) && schema.originOf(head) === collection);
    };
    if (![...options.used].some(matches)) continue;
    const fileCollection = collection !== undefined && !options.objectNames.includes(collection);
    const stage: VariableStage = fileCollection || reads(options.objectWheres, matches)
      ? "objects"
      : reads(options.preselection, matches)
      ? "preselection"
      : "after";
    planned.push({ ...variable, stage });
  }
  return planned;
}

/**
 * Adds the plugin variables of one stage to the events: per-event ones as top-level columns,
 * per-object ones as fields of their collection. Shapes are checked so a wrong length fails
 * with the plugin's name.
 */
export function addPluginVariables(
  variables: readonly PlannedVariable[],
  events: Events,
  context: CalibrationContext & { readonly stage: VariableStage },
): Events {
  for (const variable of variables) {
    if (variable.stage !== context.stage) continue;
    const { name, provider, collection } = variable;
    const values = provider.compute(name, events, context);
    if (collection) {
      const target = events.collection(collection);
      if (!isJagged(values) || values.offsets.length !== target.offsets.length) {
        throw new InputError(
          "PLUGIN_BAD_VARIABLE",
          `Cannot add variable "${collection}.${name}" of plugin "${provider.name}": compute() must return a jagged array aligned with ${collection} (${target.length} events)`,
        );
      }
      events = events.withCollection(collection, target.withField(name, values));
    } else {
      if (isJagged(values) || values.length !== events.length) {
        throw new InputError(
          "PLUGIN_BAD_VARIABLE",
          `Cannot add variable "${name}" of plugin "${provider.name}": compute() must return one value per event (${events.length})`,
        );
      }
      events = events.withColumn(name, values);
    }
  }
  return events;
}

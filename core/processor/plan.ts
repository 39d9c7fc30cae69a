/**
 * From a validated configuration and a file's branch list to a compiled plan: every
 * expression parsed, checked and compiled once, every name resolved, and the set of branches
 * to read. Expression errors are reported at file:line:column of the expression in the config.
 * @module
 */
import { ConfigError } from "../config/config_error.ts";
import type { LoadedConfig } from "../config/load_config.ts";
import type { AxisSpec, CutSpec, HistogramSpec } from "../config/schema.ts";
import type { ValuePath } from "../config/yaml_document.ts";
import { didYouMean } from "../errors/did_you_mean.ts";
import { type CompiledExpression, compileExpression, ExprError } from "../expr/mod.ts";
import type {
  BranchInfo,
  Calibrator,
  CutProvider,
  VariableProvider,
  WeightProvider,
} from "../plugin/types.ts";
import { type CategoryDefinition, expandCategories } from "../selection/categories.ts";
import type { TriggerSpec } from "../selection/trigger.ts";
import { BranchSchema } from "./branch_schema.ts";
import type { AnalysisModule, ModuleCut, ModuleWeight } from "./analysis_module.ts";
import { type EarlyPreselection, splitPreselection } from "./_early_preselection.ts";
import {
  declarePluginVariables,
  type PlannedVariable,
  plannedVariables,
} from "./plugin_variables.ts";

/** A cut ready to run: an expression, or the trigger selection. */
export type PlannedCut =
  | { readonly kind: "expr"; readonly name: string; readonly expr: CompiledExpression }
  | {
    readonly kind: "module";
    readonly name: string;
    readonly cut: ModuleCut;
    readonly params: Readonly<Record<string, unknown>>;
  }
  | {
    readonly kind: "plugin";
    readonly name: string;
    readonly use: string;
    readonly provider: CutProvider;
    readonly params: Readonly<Record<string, unknown>>;
  }
  | { readonly kind: "trigger"; readonly name: string; readonly spec: TriggerSpec };

/** A named object collection derived from another. */
export interface PlannedObject {
  readonly name: string;
  readonly from: string;
  readonly where?: CompiledExpression;
  readonly sortBy?: string;
  readonly cleanAgainst: readonly { readonly objects: string; readonly deltaR: number }[];
}

/** A category: its cuts, ANDed. */
export interface PlannedCategory {
  readonly name: string;
  readonly cuts: readonly CompiledExpression[];
}

/** A per-event weight: built in (genWeight), applied at postprocessing (lumi, XS) or an expression. */
export type PlannedWeight =
  | { readonly kind: "genWeight"; readonly name: "genWeight" }
  | { readonly kind: "normalisation"; readonly name: "lumi" | "XS" }
  | { readonly kind: "module"; readonly name: string; readonly compute: ModuleWeight }
  | { readonly kind: "plugin"; readonly name: string; readonly provider: WeightProvider }
  | {
    readonly kind: "expr";
    readonly name: string;
    readonly nominal: CompiledExpression;
    readonly up?: CompiledExpression;
    readonly down?: CompiledExpression;
  };

/** Which weights apply where (PocketCoffea's weights layout, resolved). */
export interface WeightLists {
  readonly common: {
    readonly inclusive: readonly string[];
    readonly bycategory: Readonly<Record<string, readonly string[]>>;
  };
  readonly bysample: Readonly<
    Record<
      string,
      {
        readonly inclusive: readonly string[];
        readonly bycategory: Readonly<Record<string, readonly string[]>>;
      }
    >
  >;
}

/** A histogram axis with its compiled expression. */
export interface PlannedAxis {
  readonly name: string;
  readonly spec: AxisSpec;
  readonly expr: CompiledExpression;
}

/** A histogram to fill. `collection` is set when its values are one per object. */
export interface PlannedHistogram {
  readonly name: string;
  readonly spec: HistogramSpec;
  readonly axes: readonly PlannedAxis[];
  readonly collection?: string;
}

/** A columns export: named per-event values written to Parquet per category. */
export interface PlannedColumns {
  readonly name: string;
  readonly fields: readonly { readonly name: string; readonly expr: CompiledExpression }[];
  readonly onlySamples?: readonly string[];
  readonly onlyCategories?: readonly string[];
  readonly collection?: string;
}

/** Everything a chunk needs, compiled. */
export interface Plan {
  readonly schema: BranchSchema;
  readonly skim: readonly PlannedCut[];
  readonly objects: readonly PlannedObject[];
  readonly preselection: readonly PlannedCut[];
  readonly categories: readonly PlannedCategory[];
  readonly subsamples: Readonly<
    Record<string, readonly { readonly name: string; readonly cut: CompiledExpression }[]>
  >;
  readonly weights: ReadonlyMap<string, PlannedWeight>;
  readonly weightLists: WeightLists;
  /** Weights whose up/down shifts fill the variation axis. */
  readonly weightVariations: readonly string[];
  /** Calibrators in the order they apply. */
  readonly calibrators: readonly Calibrator[];
  /** Shape variations (base names; each gives Up and Down) for all samples, and per sample. */
  readonly shapeVariations: {
    readonly common: readonly string[];
    readonly bysample: Readonly<Record<string, readonly string[]>>;
  };
  readonly histograms: readonly PlannedHistogram[];
  readonly columns: readonly PlannedColumns[];
  /** Branches the analysis reads (NanoAOD names). */
  readonly branches: ReadonlySet<string>;
  /** The analysis module (empty when the config names none). */
  readonly module: AnalysisModule;
  /**
   * Module variables the preselection reads: computed before it. The others are computed after
   * it, on the fewer events that pass.
   */
  readonly variablesForPreselection: ReadonlySet<string>;
  /** Variables of `variable` plugins the analysis uses, with the step each is computed at. */
  readonly pluginVariables: readonly PlannedVariable[];
  /** The preselection conjuncts no calibrator can change (run once, before the variations). */
  readonly earlyPreselection?: EarlyPreselection;
}

const BUILTIN_WEIGHTS = ["genWeight", "lumi", "XS"];

/**
 * Compiles a loaded configuration against the branches of the files it will read.
 *
 * @throws {ConfigError} naming file:line:column for unknown names, malformed expressions or
 * type errors, with "did you mean" suggestions.
 */
export function compilePlan(
  loaded: LoadedConfig,
  branches: readonly BranchInfo[],
  options: {
    calibrators?: readonly Calibrator[];
    weightProviders?: readonly WeightProvider[];
    cutProviders?: readonly CutProvider[];
    variableProviders?: readonly VariableProvider[];
    module?: AnalysisModule;
  } = {},
): Plan {
  const module = options.module ?? {};
  const { config } = loaded;
  const schema = new BranchSchema(branches);
  const fields = new Set<string>();
  const collections = new Set<string>();
  const compile = (
    source: string,
    path: ValuePath,
    collection?: string,
    missingAsNaN = false,
  ): CompiledExpression => {
    try {
      const compiled = compileExpression(source, schema, { collection, missingAsNaN });
      for (const field of compiled.fields) fields.add(field);
      for (const used of compiled.collections) collections.add(used);
      if (collection) collections.add(collection);
      return compiled;
    } catch (error) {
      if (error instanceof ExprError) throw exprConfigError(loaded, path, error);
      throw error;
    }
  };
  const fail = (code: string, path: ValuePath, message: string, key = false): never => {
    throw new ConfigError(code, `Cannot load config "${loaded.document.file}": ${message}`, {
      position: loaded.document.locate(path, { key }),
    });
  };

  const cuts = (section: "skim" | "preselection", specs: readonly CutSpec[]): PlannedCut[] =>
    specs.map((spec, index): PlannedCut => {
      if (typeof spec === "string") {
        return { kind: "expr", name: spec, expr: compile(spec, [section, index]) };
      }
      if ("expr" in spec) {
        return {
          kind: "expr",
          name: spec.name,
          expr: compile(spec.expr, [section, index, "expr"]),
        };
      }
      const moduleCut = module.cuts?.[spec.use];
      if (moduleCut) {
        return {
          kind: "module",
          name: spec.name ?? spec.use,
          cut: moduleCut,
          params: spec.params ?? {},
        };
      }
      const provider = options.cutProviders?.find((candidate) => candidate.cuts.includes(spec.use));
      if (provider && spec.use !== "trigger") {
        usedCutProviders.add(provider);
        return {
          kind: "plugin",
          name: spec.name ?? spec.use,
          use: spec.use,
          provider,
          params: spec.params ?? {},
        };
      }
      if (spec.use !== "trigger") {
        const known = [
          "trigger",
          ...Object.keys(module.cuts ?? {}),
          ...(options.cutProviders ?? []).flatMap((candidate) => candidate.cuts),
        ];
        return fail(
          "CONFIG_UNKNOWN_CUT",
          [section, index, "use"],
          `unknown cut "${spec.use}"${didYouMean(spec.use, known)}; known: ${known.join(", ")}`,
        );
      }
      if (!config.trigger) {
        return fail(
          "CONFIG_INVALID",
          [section, index, "use"],
          `cut "trigger" needs a trigger section`,
        );
      }
      for (const paths of Object.values(config.trigger.paths)) {
        for (const path of paths) {
          const name = path.replace(/^HLT_/, "");
          if (schema.kindOf(`HLT.${name}`)) fields.add(`HLT.${name}`);
        }
      }
      return { kind: "trigger", name: spec.name ?? "trigger", spec: config.trigger };
    });

  const usedCutProviders = new Set<CutProvider>();
  // Filled while weight names are checked, read when the branches to load are listed.
  const usedProviders = new Set<WeightProvider>();
  const skim = cuts("skim", config.skim);

  const objectNames = Object.keys(config.objects);
  const variableOptions = { objectNames, taken: new Set<string>() };
  const variableProviders = options.variableProviders ?? [];
  const declaredVariables = declarePluginVariables(variableProviders, schema, {
    ...variableOptions,
    round: "files",
  });
  const objects: PlannedObject[] = [];
  for (const [name, spec] of Object.entries(config.objects)) {
    if (!schema.isCollection(spec.from)) {
      const known = [
        ...new Set(schema.names().filter((n) => n.includes(".")).map((n) => n.split(".")[0])),
      ].filter((n) => schema.isCollection(n));
      fail(
        "CONFIG_UNKNOWN_NAME",
        ["objects", name, "from"],
        `objects.${name}.from: unknown collection "${spec.from}"${didYouMean(spec.from, known)}`,
      );
    }
    const where = spec.where
      ? compile(spec.where, ["objects", name, "where"], spec.from)
      : undefined;
    if (where && !(where.type.kind === "bool" && where.type.shape === "object")) {
      fail(
        "CONFIG_EXPR",
        ["objects", name, "where"],
        `objects.${name}.where must be a condition on each ${spec.from} object, e.g. "pt > 25 && abs(eta) < 2.4"`,
      );
    }
    for (const [index, clean] of spec.cleanAgainst.entries()) {
      if (!schema.isCollection(clean.objects)) {
        fail(
          "CONFIG_UNKNOWN_NAME",
          ["objects", name, "cleanAgainst", index, "objects"],
          `unknown collection "${clean.objects}"${
            didYouMean(clean.objects, objects.map((o) => o.name))
          }`,
        );
      }
      for (const collection of [spec.from, clean.objects]) {
        fields.add(`${collection}.eta`);
        fields.add(`${collection}.phi`);
      }
    }
    if (spec.sortBy) {
      if (!schema.kindOf(`${spec.from}.${spec.sortBy}`)) {
        fail(
          "CONFIG_UNKNOWN_NAME",
          ["objects", name, "sortBy"],
          `unknown field "${spec.from}.${spec.sortBy}"${
            didYouMean(spec.sortBy, schema.fieldsOf(spec.from))
          }`,
        );
      }
      fields.add(`${spec.from}.${spec.sortBy}`);
    }
    collections.add(spec.from);
    schema.addDerived(name, spec.from);
    objects.push({
      name,
      from: spec.from,
      where,
      sortBy: spec.sortBy,
      cleanAgainst: spec.cleanAgainst,
    });
  }

  declaredVariables.push(
    ...declarePluginVariables(variableProviders, schema, { ...variableOptions, round: "objects" }),
  );
  for (const [name, variable] of Object.entries(module.variables ?? {})) {
    if (variable.collection && !schema.isCollection(variable.collection)) {
      fail(
        "CONFIG_UNKNOWN_NAME",
        ["module"],
        `the analysis module's variable "${name}" belongs to unknown collection "${variable.collection}"`,
      );
    }
    schema.addVariable(name, { collection: variable.collection, type: variable.type });
  }

  const preselection = cuts("preselection", config.preselection);

  const categories = expandCategories(config.categories).map((category: CategoryDefinition) => ({
    name: category.name,
    cuts: category.cuts.map((cut, i) =>
      eventCondition(compile(cut, category.origins[i]), category.origins[i])
    ),
  }));
  const categoryNames = categories.map((category) => category.name);

  const subsamples: Record<string, { name: string; cut: CompiledExpression }[]> = {};
  for (const [sample, cutsBySubsample] of Object.entries(config.subsamples)) {
    subsamples[sample] = Object.entries(cutsBySubsample).map(([name, cut]) => ({
      name,
      cut: eventCondition(compile(cut, ["subsamples", sample, name]), ["subsamples", sample, name]),
    }));
  }

  const weights = new Map<string, PlannedWeight>();
  weights.set("genWeight", { kind: "genWeight", name: "genWeight" });
  weights.set("lumi", { kind: "normalisation", name: "lumi" });
  weights.set("XS", { kind: "normalisation", name: "XS" });
  for (const provider of options.weightProviders ?? []) {
    for (const name of provider.weights) weights.set(name, { kind: "plugin", name, provider });
  }
  for (const [name, compute] of Object.entries(module.weights ?? {})) {
    weights.set(name, { kind: "module", name, compute });
  }
  for (const [name, definition] of Object.entries(config.weightDefinitions)) {
    if (BUILTIN_WEIGHTS.includes(name)) {
      fail(
        "CONFIG_INVALID",
        ["weightDefinitions", name],
        `weight "${name}" is built in and cannot be redefined`,
        true,
      );
    }
    const at = (key: string) => ["weightDefinitions", name, key];
    weights.set(name, {
      kind: "expr",
      name,
      nominal: eventNumber(compile(definition.expr, at("expr")), at("expr")),
      up: definition.up ? eventNumber(compile(definition.up, at("up")), at("up")) : undefined,
      down: definition.down
        ? eventNumber(compile(definition.down, at("down")), at("down"))
        : undefined,
    });
  }
  const checkWeightNames = (
    lists: typeof config.weights,
    section: string,
    needsVariation: boolean,
  ) => {
    const check = (names: readonly string[], path: ValuePath) =>
      names.forEach((name, index) => {
        const weight = weights.get(name);
        if (weight?.kind === "plugin") usedProviders.add(weight.provider);
        if (!weight) {
          fail(
            "CONFIG_UNKNOWN_WEIGHT",
            [...path, index],
            `unknown weight "${name}"${didYouMean(name, weights.keys())}; known: ${
              [...weights.keys()].join(", ")
            }`,
          );
        }
        const varies = weight!.kind === "module" || weight!.kind === "plugin" ||
          (weight!.kind === "expr" && weight!.up && weight!.down);
        if (needsVariation && !varies) {
          fail(
            "CONFIG_INVALID",
            [...path, index],
            `weight "${name}" has no up/down variation to vary`,
          );
        }
      });
    const checkCategories = (byCategory: Record<string, string[]>, path: ValuePath) => {
      for (const [category, names] of Object.entries(byCategory)) {
        if (!categoryNames.includes(category)) {
          fail(
            "CONFIG_UNKNOWN_NAME",
            [...path, category],
            `unknown category "${category}"${didYouMean(category, categoryNames)}`,
            true,
          );
        }
        check(names, [...path, category]);
      }
    };
    check(lists.common.inclusive, [section, "common", "inclusive"]);
    checkCategories(lists.common.bycategory, [section, "common", "bycategory"]);
    for (const [sample, list] of Object.entries(lists.bysample)) {
      check(list.inclusive, [section, "bysample", sample, "inclusive"]);
      checkCategories(list.bycategory, [section, "bysample", sample, "bycategory"]);
    }
  };
  checkWeightNames(config.weights, "weights", false);
  const weightVariations: string[] = [];
  if (config.variations.weights) {
    checkWeightNames(config.variations.weights, "variations", true);
    const lists = config.variations.weights;
    const all = [
      ...lists.common.inclusive,
      ...Object.values(lists.common.bycategory).flat(),
      ...Object.values(lists.bysample).flatMap((
        list,
      ) => [...list.inclusive, ...Object.values(list.bycategory).flat()]),
    ];
    for (const name of all) if (!weightVariations.includes(name)) weightVariations.push(name);
  }
  const available = options.calibrators ?? [];
  const calibrators = config.calibrators.map((name, index) => {
    const calibrator = available.find((candidate) => candidate.name === name);
    if (!calibrator) {
      const known = available.map((candidate) => candidate.name);
      return fail(
        "CONFIG_UNKNOWN_CALIBRATOR",
        ["calibrators", index],
        `unknown calibrator "${name}"${didYouMean(name, known)}; registered: ${
          known.join(", ") || "none"
        }`,
      );
    }
    return calibrator;
  });
  const calibratorInputs = new Set(calibrators.flatMap((calibrator) => calibrator.inputs));
  const shapeVariations = { common: [] as string[], bysample: {} as Record<string, string[]> };
  if (config.variations.shape) {
    const provided = calibrators.flatMap((calibrator) => calibrator.variations);
    const check = (names: readonly string[], path: ValuePath) =>
      names.forEach((name, index) => {
        if (!provided.includes(name)) {
          fail(
            "CONFIG_UNKNOWN_VARIATION",
            [...path, index],
            `shape variation "${name}" is provided by no calibrator in "calibrators"${
              didYouMean(name, provided)
            }; provided: ${provided.join(", ") || "none"}`,
          );
        }
      });
    const lists = config.variations.shape;
    check(lists.common.inclusive, ["variations", "shape", "common", "inclusive"]);
    shapeVariations.common = [...lists.common.inclusive];
    for (const [sample, list] of Object.entries(lists.bysample)) {
      check(list.inclusive, ["variations", "shape", "bysample", sample, "inclusive"]);
      shapeVariations.bysample[sample] = [...list.inclusive];
    }
  }

  const histograms: PlannedHistogram[] = [];
  for (const [name, spec] of Object.entries(config.histograms)) {
    checkSelectionNames(
      spec.onlyCategories,
      ["histograms", name, "onlyCategories"],
      categoryNames,
      fail,
    );
    checkSelectionNames(
      spec.excludeCategories,
      ["histograms", name, "excludeCategories"],
      categoryNames,
      fail,
    );
    let collection: string | undefined;
    const axes = spec.axes.map((axis, index) => {
      const path = ["histograms", name, "axes", index, "expr"];
      const expr = compile(axis.expr, path, undefined, true);
      if (expr.type.kind !== "number" && expr.type.kind !== "bool") {
        fail(
          "CONFIG_EXPR",
          path,
          `histogram axis "${axis.expr}" must give a number per event or per object`,
        );
      }
      const shapeCollection = expr.type.shape === "object" ? expr.type.collection : undefined;
      if (index > 0 && shapeCollection !== collection) {
        fail(
          "CONFIG_EXPR",
          path,
          `axes of histogram "${name}" mix ${
            collection ? `objects of ${collection}` : "per-event values"
          } with ${shapeCollection ? `objects of ${shapeCollection}` : "per-event values"}`,
        );
      }
      collection = shapeCollection;
      checkBinning(axis, ["histograms", name, "axes", index], fail);
      return {
        name: axis.name ?? (spec.axes.length === 1 ? name : `${name}_${index}`),
        spec: axis,
        expr,
      };
    });
    histograms.push({ name, spec, axes, collection });
  }

  const columns: PlannedColumns[] = config.columns.map((spec, index) => {
    checkSelectionNames(
      spec.onlyCategories,
      ["columns", index, "onlyCategories"],
      categoryNames,
      fail,
    );
    let collection: string | undefined;
    const exported = Object.entries(spec.fields).map(([field, source], position) => {
      const path = ["columns", index, "fields", field];
      const expr = compile(source, path, undefined, true);
      const shapeCollection = expr.type.shape === "object" ? expr.type.collection : undefined;
      if (position > 0 && shapeCollection !== collection) {
        fail(
          "CONFIG_EXPR",
          path,
          `columns "${spec.name}" mix per-event values and objects; export them separately`,
        );
      }
      collection = shapeCollection;
      return { name: field, expr };
    });
    return {
      name: spec.name,
      fields: exported,
      onlySamples: spec.onlySamples,
      onlyCategories: spec.onlyCategories,
      collection,
    };
  });

  fields.add("genWeight");
  const branchesToRead = schema.branchesFor(
    [...fields].filter((field) => field !== "genWeight" || schema.kindOf("genWeight")),
    collections,
  );
  const branchNames = branches.map((branch) => branch.name);
  for (const input of module.inputs ?? []) {
    if (!branchNames.includes(input)) {
      fail(
        "CONFIG_UNKNOWN_NAME",
        ["module"],
        `the analysis module reads branch "${input}", which the files do not have${
          didYouMean(input, branchNames)
        }`,
      );
    }
  }
  const pluginVariables = plannedVariables(declaredVariables, schema, {
    used: fields,
    objectNames,
    objectWheres: objects.flatMap((object) => object.where ? [object.where] : []),
    preselection: preselection.flatMap((cut) => cut.kind === "expr" ? [cut.expr] : []),
  });
  const providerInputs = [
    ...usedProviders,
    ...usedCutProviders,
    ...new Set(pluginVariables.map((variable) => variable.provider)),
  ].flatMap((provider) => provider.inputs);
  for (const input of [...calibratorInputs, ...providerInputs, ...(module.inputs ?? [])]) {
    if (branches.some((branch) => branch.name === input)) branchesToRead.add(input);
  }
  return {
    schema,
    skim,
    objects,
    preselection,
    categories,
    subsamples,
    weights,
    weightLists: config.weights,
    weightVariations,
    calibrators,
    shapeVariations,
    histograms,
    columns,
    branches: branchesToRead,
    module,
    variablesForPreselection: new Set(
      Object.entries(module.variables ?? {})
        .filter(([name, variable]) => {
          const path = variable.collection ? `${variable.collection}.${name}` : name;
          return preselection.some((cut) => cut.kind === "expr" && cut.expr.fields.has(path));
        })
        .map(([name]) => name),
    ),
    pluginVariables,
    earlyPreselection: splitPreselection(preselection, {
      objects,
      calibrators,
      schema,
      compile: (source, index) => compile(source, ["preselection", index]),
    }),
  };

  function eventCondition(expr: CompiledExpression, path: ValuePath): CompiledExpression {
    if (expr.type.shape === "object") {
      fail(
        "CONFIG_EXPR",
        path,
        `"${expr.source}" gives one value per ${expr.type.collection} object, but a cut needs one per event: use count(), any() or all()`,
      );
    }
    return expr;
  }
  function eventNumber(expr: CompiledExpression, path: ValuePath): CompiledExpression {
    if (expr.type.shape === "object" || expr.type.kind !== "number") {
      fail("CONFIG_EXPR", path, `weight "${expr.source}" must give one number per event`);
    }
    return expr;
  }
}

function checkSelectionNames(
  names: readonly string[] | undefined,
  path: ValuePath,
  known: readonly string[],
  fail: (code: string, path: ValuePath, message: string) => never,
): void {
  names?.forEach((name, index) => {
    if (!known.includes(name)) {
      fail(
        "CONFIG_UNKNOWN_NAME",
        [...path, index],
        `unknown category "${name}"${didYouMean(name, known)}; known: ${known.join(", ")}`,
      );
    }
  });
}

function checkBinning(
  axis: AxisSpec,
  path: ValuePath,
  fail: (code: string, path: ValuePath, message: string) => never,
): void {
  if (axis.edges) {
    for (let i = 1; i < axis.edges.length; i++) {
      if (!(axis.edges[i] > axis.edges[i - 1])) {
        fail("CONFIG_INVALID", [...path, "edges", i], "edges must increase strictly");
      }
    }
    return;
  }
  if (axis.start === undefined || axis.stop === undefined) {
    fail(
      "CONFIG_INVALID",
      path,
      "an axis needs either edges, or start and stop (and bins unless integer: true)",
    );
  }
  if (!(axis.stop! > axis.start!)) {
    fail(
      "CONFIG_INVALID",
      [...path, "stop"],
      `stop (${axis.stop}) must be greater than start (${axis.start})`,
    );
  }
  if (!axis.integer && axis.bins === undefined) {
    fail("CONFIG_INVALID", path, "a regular axis needs bins");
  }
}

/** Re-anchors an expression error at the expression's place in the config file. */
function exprConfigError(loaded: LoadedConfig, path: ValuePath, error: ExprError): ConfigError {
  const start = loaded.document.locate(path);
  const lineText = loaded.text.split("\n")[start.line - 1] ?? "";
  const quoted = lineText[start.column - 1] === '"' || lineText[start.column - 1] === "'";
  const column = start.column + (quoted ? 1 : 0) + error.column - 1;
  const caret = " ".repeat(error.column - 1) + "^" +
    "~".repeat(Math.max(0, error.endColumn - error.column - 1));
  return new ConfigError(
    error.code,
    `${error.message.split("\n")[0]}\n  ${error.source}\n  ${caret}`,
    { position: { file: start.file, line: start.line, column }, cause: error },
  );
}

/**
 * One work item through PocketCoffea's step order: initial count and sum of genWeight -> skim
 * -> (per shape variation) objects -> preselection -> categories -> weights -> histograms,
 * columns, cutflow. With shape variations, the preselection cuts no calibrator can change run
 * once before them (see _early_preselection.ts). Everything is columnar: masks and index lists
 * over TypedArrays.
 * @module
 */
import type { Column, Jagged } from "../columns/types.ts";
import { isJagged } from "../columns/jagged.ts";
import type { BuiltDataset } from "../datasets/built_dataset.ts";
import { type Events, eventsFromBranches } from "../events/events.ts";
import type { Collection } from "../events/collection.ts";
import { cleanedMask } from "../events/kinematics.ts";
import { Hist } from "../hist/hist.ts";
import { type Axis, integer, regular, strCategory, variable } from "../hist/axes.ts";
import { triggerMask } from "../selection/trigger.ts";
import type { AxisSpec } from "../config/schema.ts";
import type { CutflowEntry, DatasetOutput } from "./chunk_output.ts";
import { eventsEnv } from "../expr/events_env.ts";
import { addModuleVariables, type ModuleContext } from "./analysis_module.ts";
import { addPluginVariables } from "./plugin_variables.ts";
import { InputError } from "../errors/ristretto_error.ts";
import type { Plan, PlannedCut, PlannedHistogram, PlannedObject } from "./plan.ts";
import type { CompiledExpression } from "../expr/mod.ts";

/** What a chunk knows about where it comes from. */
export interface ChunkContext {
  readonly dataset: BuiltDataset;
  /** Number of events in the chunk (needed when no branch is read). */
  readonly entries: number;
  /** The file, for error messages. */
  readonly file?: string;
  /** The run's merged parameters (calibrators read their settings here). */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /**
   * Gets the skim mask over the chunk, then each shape variation's preselection mask over the
   * skimmed events, nominal first (for skim output).
   */
  readonly onSelection?: (step: "skim" | "preselection", mask: Uint8Array) => void;
}

/** The separator PocketCoffea uses between a sample and its subsample: `TTbar__ttB`. */
export const SUBSAMPLE_SEPARATOR = "__";

/** Runs the plan on the columns of one chunk. */
export function processChunk(
  plan: Plan,
  branches: Map<string, Column>,
  context: ChunkContext,
): DatasetOutput {
  const { dataset } = context;
  let events = eventsFromBranches(branches, { length: context.entries });
  let genWeight = genWeightsOf(events, dataset.isMC);
  const initial = entryOf(genWeight);

  const moduleContext = { dataset, parameters: context.parameters ?? {} };
  const hooks = plan.module.hooks ?? {};
  const skimMask = cutsMask(plan.skim, events, context);
  context.onSelection?.("skim", skimMask);
  events = events.selectEvents(skimMask);
  genWeight = select(genWeight, skimMask);
  if (hooks.afterSkim) events = hooks.afterSkim(events, moduleContext);
  const skimmed = entryOf(genWeight);

  const output: DatasetOutput = {
    dataset: dataset.name,
    events: initial.events,
    sumGenWeight: initial.sumw,
    samples: {},
  };

  const { samples, shapes, weightVariations, allVariations } = datasetLayout(plan, dataset);
  const calibration = { dataset, parameters: context.parameters ?? {} };

  // One Hist per sample and histogram, filled by every shape variation in turn.
  const histograms = new Map<string, Map<string, Hist>>();
  for (const sample of samples) {
    const bySample = new Map<string, Hist>();
    for (const histogram of plan.histograms) {
      if (!histogramApplies(histogram, dataset.sample, sample.name)) continue;
      bySample.set(
        histogram.name,
        new Hist([
          strCategory("cat", categoriesOf(plan, histogram)),
          strCategory("variation", histogram.spec.variations ? allVariations : ["nominal"]),
          ...histogram.axes.map((axis) => axisOf(axis.name, axis.spec)),
        ], { metadata: { name: histogram.name, sample: sample.name, dataset: dataset.name } }),
      );
    }
    histograms.set(sample.name, bySample);
    output.samples[sample.name] = {
      cutflow: {},
      histograms: Object.fromEntries(bySample),
      columns: {},
    };
  }

  // Preselection conjuncts no calibrator can change run once, here (see _early_preselection.ts):
  // the variations then calibrate, select and count only the events those keep.
  const earlyCut = shapes.length > 0 && !hooks.afterObjects ? plan.earlyPreselection : undefined;
  let earlyMask: Uint8Array | undefined;
  if (earlyCut) {
    earlyMask = cutsMask(earlyCut.cuts, applyObjects(earlyCut.objects, events, new Map()), context);
    events = events.selectEvents(earlyMask);
    genWeight = select(genWeight, earlyMask);
  }
  const preselection = earlyCut ? earlyCut.rest : plan.preselection;

  const objectCache: ObjectCache = new Map();
  for (const shape of ["nominal", ...shapes]) {
    let varied = events;
    for (const calibrator of plan.calibrators) {
      const provides = calibrator.variations.some((name) =>
        shape === `${name}Up` || shape === `${name}Down`
      );
      varied = calibrator.calibrate(varied, {
        ...calibration,
        variation: provides ? shape : undefined,
      });
    }
    const variables = plan.pluginVariables;
    varied = addPluginVariables(variables, varied, { ...calibration, stage: "objects" });
    varied = applyObjects(plan.objects, varied, objectCache);
    if (hooks.afterObjects) varied = hooks.afterObjects(varied, moduleContext);
    const early = plan.variablesForPreselection;
    varied = addModuleVariables(plan.module, varied, {
      ...moduleContext,
      only: (v) => early.has(v),
    });
    varied = addPluginVariables(variables, varied, { ...calibration, stage: "preselection" });
    const preselMask = cutsMask(preselection, varied, context);
    if (context.onSelection) {
      context.onSelection("preselection", earlyMask ? widen(preselMask, earlyMask) : preselMask);
    }
    varied = varied.selectEvents(preselMask);
    varied = addModuleVariables(plan.module, varied, {
      ...moduleContext,
      only: (v) => !early.has(v),
    });
    varied = addPluginVariables(variables, varied, { ...calibration, stage: "after" });
    if (hooks.afterPreselection) varied = hooks.afterPreselection(varied, moduleContext);
    const weightsAfterPresel = select(genWeight, preselMask);
    const env = eventsEnv(varied);
    const categoryMasks = plan.categories.map((category) => {
      const mask = new Uint8Array(varied.length).fill(1);
      for (const cut of category.cuts) andInto(mask, cut.evaluate(env));
      return mask;
    });
    const weights = new WeightCache(plan, varied, weightsAfterPresel, moduleContext);
    const histogramValues = new Map<string, Column[]>();
    for (const histogram of plan.histograms) {
      if (shape !== "nominal" && !histogram.spec.variations) continue;
      histogramValues.set(histogram.name, histogram.axes.map((axis) => axis.expr.evaluate(env)));
    }
    // Weight variations ride on the nominal shape; a shape variation uses nominal weights.
    const fills = shape === "nominal"
      ? weightVariations.map((name) => ({ bin: name, weights: name }))
      : [{ bin: shape, weights: "nominal" }];

    for (const sample of samples) {
      const result = output.samples[sample.name];
      const sampleMask = sample.cut ? asMask(sample.cut.evaluate(env), varied.length) : undefined;
      const steps: Record<string, CutflowEntry> = { initial: { ...initial }, skim: { ...skimmed } };
      steps.presel = entryOf(weightsAfterPresel, sampleMask);
      const selected = plan.categories.map((category, c) => {
        const indices = passingIndices(categoryMasks[c], sampleMask);
        const nominal = weights.total(dataset.sample, sample.name, category.name, "nominal");
        steps[category.name] = { events: indices.length, sumw: sumAt(nominal, indices) };
        return indices;
      });
      result.cutflow[shape] = steps;

      for (const [name, hist] of histograms.get(sample.name)!) {
        const values = histogramValues.get(name);
        if (!values) continue;
        const histogram = plan.histograms.find((candidate) => candidate.name === name)!;
        const categories = categoriesOf(plan, histogram);
        const histFills = histogram.spec.variations
          ? fills
          : fills.filter((f) => f.bin === "nominal");
        for (const [c, category] of plan.categories.entries()) {
          if (!categories.includes(category.name)) continue;
          const entries = fillEntries(values, selected[c]);
          if (entries.eventOf.length === 0) continue;
          for (const fill of histFills) {
            const total = weights.total(dataset.sample, sample.name, category.name, fill.weights);
            const weight = valuesAt(total, entries.eventOf);
            const columns: Record<string, Float64Array | string> = {
              cat: category.name,
              variation: fill.bin,
            };
            histogram.axes.forEach((axis, k) => columns[axis.name] = entries.values[k]);
            hist.fill(columns, { weight });
          }
        }
      }

      if (shape !== "nominal") continue;
      for (const exported of plan.columns) {
        if (
          exported.onlySamples && !exported.onlySamples.includes(dataset.sample) &&
          !exported.onlySamples.includes(sample.name)
        ) continue;
        const byCategory: Record<string, Record<string, Column>> = {};
        for (const [c, category] of plan.categories.entries()) {
          if (exported.onlyCategories && !exported.onlyCategories.includes(category.name)) continue;
          const fields: Record<string, Column> = {};
          const nominal = weights.total(dataset.sample, sample.name, category.name, "nominal");
          for (const field of exported.fields) {
            fields[field.name] = gatherValues(field.expr.evaluate(env), selected[c]);
          }
          fields.weight = gatherValues(nominal, selected[c]);
          byCategory[category.name] = fields;
        }
        result.columns[exported.name] = byCategory;
      }
    }
  }
  return output;
}

function categoriesOf(plan: Plan, histogram: PlannedHistogram): string[] {
  return plan.categories.map((category) => category.name).filter((name) =>
    (!histogram.spec.onlyCategories || histogram.spec.onlyCategories.includes(name)) &&
    !(histogram.spec.excludeCategories ?? []).includes(name)
  );
}

/**
 * Objects already built in this chunk, by name, with the input collections they were built
 * from: a shape variation that leaves those inputs untouched (JES does not change muons)
 * reuses the result instead of selecting again.
 */
type ObjectCache = Map<string, { inputs: Collection[]; result: Collection }>;

/** Objects in declaration order: filter by `where`, clean by deltaR, sort. */
function applyObjects(
  objects: readonly PlannedObject[],
  events: Events,
  cache: ObjectCache,
): Events {
  for (const object of objects) {
    const source = events.collection(object.from);
    const inputs = [
      source,
      ...object.cleanAgainst.map((clean) => events.collection(clean.objects)),
    ];
    const cached = cache.get(object.name);
    if (cached && cached.inputs.every((input, i) => input === inputs[i])) {
      events = events.withCollection(object.name, cached.result);
      continue;
    }
    let collection = source;
    if (object.where) {
      const mask = object.where.evaluate(eventsEnv(events));
      collection = collection.filter(mask as Jagged<Uint8Array>);
    }
    for (const [i, clean] of object.cleanAgainst.entries()) {
      collection = collection.filter(
        cleanedMask(collection, inputs[i + 1], { minDeltaR: clean.deltaR }),
      );
    }
    if (object.sortBy) collection = collection.sortedBy(object.sortBy, { descending: true });
    const result = collection.renamed(object.name);
    // Reusable only when the selection reads nothing but its own collection's fields.
    if (!object.where || onlyReads(object.where, object.from)) {
      cache.set(object.name, { inputs, result });
    }
    events = events.withCollection(object.name, result);
  }
  return events;
}

function onlyReads(expr: CompiledExpression, collection: string): boolean {
  return [...expr.fields].every((field) => field.startsWith(`${collection}.`)) &&
    [...expr.collections].every((name) => name === collection);
}

/** AND of every cut of a list (skim or preselection) as an event mask. */
function cutsMask(cuts: readonly PlannedCut[], events: Events, context: ChunkContext): Uint8Array {
  const mask = new Uint8Array(events.length).fill(1);
  const env = eventsEnv(events);
  for (const cut of cuts) {
    if (cut.kind === "expr") {
      andInto(mask, cut.expr.evaluate(env));
    } else if (cut.kind === "module") {
      const parameters = context.parameters ?? {};
      andInto(mask, cut.cut(events, cut.params, { dataset: context.dataset, parameters }));
    } else if (cut.kind === "plugin") {
      const parameters = context.parameters ?? {};
      andInto(
        mask,
        cut.provider.mask(cut.use, events, {
          dataset: context.dataset,
          parameters,
          params: cut.params,
        }),
      );
    } else {
      andInto(
        mask,
        triggerMask(cut.spec, {
          length: events.length,
          isMC: context.dataset.isMC,
          primaryDataset: context.dataset.primaryDataset,
          file: context.file,
          flag: (path) =>
            events.has(`HLT.${path}`) ? events.column(`HLT.${path}`) as Uint8Array : undefined,
        }),
      );
    }
  }
  return mask;
}

/** A mask over the events `within` kept, as a mask over all of `within`'s events. */
function widen(mask: Uint8Array, within: Uint8Array): Uint8Array {
  const out = new Uint8Array(within.length);
  for (let i = 0, k = 0; i < within.length; i++) if (within[i] !== 0) out[i] = mask[k++];
  return out;
}

function andInto(mask: Uint8Array, column: Column): void {
  const condition = asMask(column, mask.length);
  for (let i = 0; i < mask.length; i++) mask[i] &= condition[i];
}

/** A per-event condition as 0/1 bytes: numbers count as true when non-zero and not NaN. */
function asMask(column: Column, length: number): Uint8Array {
  if (isJagged(column)) {
    throw new RangeError("Cannot use a per-object value as an event condition");
  }
  if (column.length !== length) {
    throw new RangeError(`Cannot use a condition of ${column.length} values for ${length} events`);
  }
  if (column instanceof Uint8Array) return column;
  const mask = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const value = Number(column[i]);
    mask[i] = value !== 0 && value === value ? 1 : 0;
  }
  return mask;
}

function genWeightsOf(events: Events, isMC: boolean): Float64Array {
  if (isMC && events.has("genWeight")) {
    return Float64Array.from(events.column("genWeight") as ArrayLike<number>);
  }
  return new Float64Array(events.length).fill(1);
}

function select(values: Float64Array, mask: Uint8Array): Float64Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] ? 1 : 0;
  const out = new Float64Array(n);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) out[j++] = values[i];
  return out;
}

// Per-event loops live in small helpers like these, never inline in processChunk: a hot loop
// makes V8 compile its whole function on the stack, and processChunk (with all it inlines)
// took ~0.3 s of compiler time per process, over and over (V8 --trace-opt).

/** The sum of `values` at `indices`. */
function sumAt(values: Float64Array, indices: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < indices.length; i++) sum += values[indices[i]];
  return sum;
}

/** `product[i] *= factor[i]` for every event. */
function multiplyInto(product: Float64Array, factor: Float64Array): void {
  for (let i = 0; i < product.length; i++) product[i] *= factor[i];
}

/** `values` at `indices`, in their order. */
function valuesAt(values: Float64Array, indices: Int32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}

function entryOf(weights: Float64Array, mask?: Uint8Array): CutflowEntry {
  let events = 0;
  let sumw = 0;
  for (let i = 0; i < weights.length; i++) {
    if (mask && !mask[i]) continue;
    events++;
    sumw += weights[i];
  }
  return { events, sumw };
}

function passingIndices(mask: Uint8Array, sampleMask?: Uint8Array): Int32Array {
  const indices = new Int32Array(mask.length);
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] && (!sampleMask || sampleMask[i])) indices[n++] = i;
  }
  return indices.subarray(0, n);
}

/**
 * The entries to fill for the selected events: per-event values of those events, or every
 * object of those events; entries where any axis value is NaN (a missing object) are skipped.
 */
function fillEntries(
  columns: readonly Column[],
  events: Int32Array,
): { values: Float64Array[]; eventOf: Int32Array } {
  const first = columns[0];
  if (!isJagged(first)) {
    const keep = new Int32Array(events.length);
    let n = 0;
    outer: for (let i = 0; i < events.length; i++) {
      for (const column of columns) {
        const value = Number((column as ArrayLike<number>)[events[i]]);
        if (value !== value) continue outer;
      }
      keep[n++] = events[i];
    }
    const eventOf = keep.subarray(0, n);
    const values = columns.map((column) => {
      const out = new Float64Array(n);
      const source = column as ArrayLike<number>;
      for (let i = 0; i < n; i++) out[i] = Number(source[eventOf[i]]);
      return out;
    });
    return { values, eventOf };
  }
  const offsets = first.offsets;
  let total = 0;
  for (let i = 0; i < events.length; i++) total += offsets[events[i] + 1] - offsets[events[i]];
  const eventOf = new Int32Array(total);
  const values = columns.map(() => new Float64Array(total));
  let n = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    objects: for (let j = offsets[event]; j < offsets[event + 1]; j++) {
      for (let k = 0; k < columns.length; k++) {
        const content = (columns[k] as Jagged).content as ArrayLike<number>;
        const value = Number(content[j]);
        if (value !== value) continue objects;
        values[k][n] = value;
      }
      eventOf[n++] = event;
    }
  }
  return { values: values.map((v) => v.subarray(0, n)), eventOf: eventOf.subarray(0, n) };
}

function gatherValues(column: Column, events: Int32Array): Column {
  if (isJagged(column)) {
    const entries = fillEntries([column], events);
    return entries.values[0];
  }
  const out = new Float64Array(events.length);
  for (let i = 0; i < events.length; i++) out[i] = Number(column[events[i]]);
  return out;
}

function histogramApplies(histogram: PlannedHistogram, sample: string, subsample: string): boolean {
  const { onlySamples, excludeSamples } = histogram.spec;
  if (onlySamples && !onlySamples.includes(sample) && !onlySamples.includes(subsample)) {
    return false;
  }
  return !(excludeSamples ?? []).some((name) => name === sample || name === subsample);
}

/** The Hist axis for an axis of the configuration. */
export function axisOf(name: string, spec: AxisSpec): Axis {
  const common = { label: spec.label ?? "", underflow: spec.underflow, overflow: spec.overflow };
  if (spec.edges) return variable(name, spec.edges, common);
  if (spec.integer) return integer(name, { start: spec.start!, stop: spec.stop!, ...common });
  return regular(name, { bins: spec.bins!, start: spec.start!, stop: spec.stop!, ...common });
}

/**
 * Per-event weights of the events after preselection, computed once per weight and combined
 * per sample, category and variation (the product of the weights that apply there; a weight
 * variation swaps that weight's nominal values for its up or down values).
 */
class WeightCache {
  readonly #plan: Plan;
  readonly #events: Events;
  readonly #genWeight: Float64Array;
  readonly #isMC: boolean;
  readonly #context: ModuleContext;
  readonly #arrays = new Map<string, Float64Array>();
  readonly #totals = new Map<string, Float64Array>();
  readonly #products = new Map<string, Float64Array>();

  constructor(plan: Plan, events: Events, genWeight: Float64Array, context: ModuleContext) {
    this.#plan = plan;
    this.#events = events;
    this.#genWeight = genWeight;
    this.#isMC = context.dataset.isMC;
    this.#context = context;
  }

  /** The weight of each event for (sample, category, variation). */
  total(sample: string, subsample: string, category: string, variation: string): Float64Array {
    const key = `${subsample}\u0000${category}\u0000${variation}`;
    let total = this.#totals.get(key);
    if (total) return total;
    const lists = this.#plan.weightLists;
    const names = this.#isMC
      ? [
        ...lists.common.inclusive,
        ...(lists.common.bycategory[category] ?? []),
        ...(lists.bysample[sample]?.inclusive ?? []),
        ...(lists.bysample[sample]?.bycategory[category] ?? []),
        ...(subsample !== sample ? lists.bysample[subsample]?.inclusive ?? [] : []),
      ]
      : [];
    // Categories and variations with the same weights (and shift) share one product.
    const varied = names.some((name) => variation === `${name}Up` || variation === `${name}Down`);
    const productKey = `${names.join("\u0001")}\u0000${varied ? variation : "nominal"}`;
    total = this.#products.get(productKey);
    if (total) {
      this.#totals.set(key, total);
      return total;
    }
    total = new Float64Array(this.#events.length).fill(1);
    this.#products.set(productKey, total);
    if (this.#isMC) {
      for (const name of names) {
        let shift: "nominal" | "up" | "down" = "nominal";
        if (variation === `${name}Up`) shift = "up";
        if (variation === `${name}Down`) shift = "down";
        const values = this.#weight(name, shift);
        if (!values) continue;
        multiplyInto(total, values);
      }
    }
    this.#totals.set(key, total);
    return total;
  }

  /** One weight's per-event values (undefined for lumi and XS, applied at postprocessing). */
  #weight(name: string, shift: "nominal" | "up" | "down"): Float64Array | undefined {
    const key = `${name}\u0000${shift}`;
    const cached = this.#arrays.get(key);
    if (cached) return cached;
    const weight = this.#plan.weights.get(name)!;
    let values: Float64Array | undefined;
    if (weight.kind === "genWeight") values = this.#genWeight;
    else if (weight.kind === "module" || weight.kind === "plugin") {
      const computed = weight.kind === "module"
        ? weight.compute(this.#events, this.#context)
        : weight.provider.compute(name, this.#events, this.#context);
      for (const [which, array] of Object.entries(computed)) {
        if (
          array !== undefined &&
          (!(array instanceof Float64Array) || array.length !== this.#events.length)
        ) {
          throw new InputError(
            "WEIGHT_BAD_VALUES",
            `Cannot use weight "${name}": its ${which} values must be a Float64Array of ${this.#events.length} entries`,
          );
        }
      }
      values = shift === "nominal" ? computed.nominal : computed[shift];
      if (!values) {
        throw new InputError(
          "WEIGHT_BAD_VALUES",
          `Cannot vary weight "${name}": the analysis module returned no ${shift} values`,
        );
      }
    } else if (weight.kind === "expr") {
      const expr = shift === "up" ? weight.up! : shift === "down" ? weight.down! : weight.nominal;
      const result = expr.evaluate(eventsEnv(this.#events));
      // A number result is a fresh Float64Array already: no copy.
      values = result instanceof Float64Array
        ? result
        : Float64Array.from(result as ArrayLike<number>);
    }
    if (values) this.#arrays.set(key, values);
    return values;
  }
}

/** What every chunk of one dataset fills: its samples (or subsamples) and variations. */
interface DatasetLayout {
  readonly samples: readonly { name: string; cut: CompiledExpression | undefined }[];
  /** Shape variations, `<name>Up` and `<name>Down`. */
  readonly shapes: readonly string[];
  /** "nominal", then the weight variations (MC only). */
  readonly weightVariations: readonly string[];
  /** Weight variations (with "nominal" first), then the shape variations. */
  readonly allVariations: readonly string[];
}

/**
 * Layouts per plan and dataset name, built on a dataset's first chunk. Besides saving the work,
 * this keeps lookups keyed by a dataset's sample name out of processChunk: its strings are
 * fresh for every item, and such keyed lookups made V8 deoptimise processChunk on each chunk.
 */
const layouts = new WeakMap<
  Plan,
  Map<string, { sample: string; isMC: boolean; layout: DatasetLayout }>
>();

function datasetLayout(plan: Plan, dataset: ChunkContext["dataset"]): DatasetLayout {
  let byDataset = layouts.get(plan);
  if (!byDataset) layouts.set(plan, byDataset = new Map());
  const known = byDataset.get(dataset.name);
  if (known && known.sample === dataset.sample && known.isMC === dataset.isMC) return known.layout;
  const samples = plan.subsamples[dataset.sample]?.map((subsample) => ({
    name: `${dataset.sample}${SUBSAMPLE_SEPARATOR}${subsample.name}`,
    cut: subsample.cut as CompiledExpression | undefined,
  })) ?? [{ name: dataset.sample, cut: undefined as CompiledExpression | undefined }];
  const shapes = dataset.isMC
    ? [
      ...plan.shapeVariations.common,
      ...(plan.shapeVariations.bysample[dataset.sample] ?? []),
    ].flatMap((name) => [`${name}Up`, `${name}Down`])
    : [];
  const weightVariations = dataset.isMC
    ? ["nominal", ...plan.weightVariations.flatMap((name) => [`${name}Up`, `${name}Down`])]
    : ["nominal"];
  const layout = {
    samples,
    shapes,
    weightVariations,
    allVariations: [...weightVariations, ...shapes],
  };
  byDataset.set(dataset.name, { sample: dataset.sample, isMC: dataset.isMC, layout });
  return layout;
}

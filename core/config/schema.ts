/**
 * The shape of an analysis configuration (YAML), section by section, as PocketCoffea users
 * know it: datasets, parameters, skim, objects, preselection, categories, subsamples, weights,
 * variations, histograms, columns. Validation errors are turned into file:line:column messages
 * by validate_config.ts.
 * @module
 */
import { z } from "zod";

/** A cut: an expression string, or a named expression, or a cut from a plugin's library. */
export const CutSchema = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), expr: z.string().min(1) }),
  z.strictObject({
    name: z.string().min(1).optional(),
    use: z.string().min(1),
    params: z.record(z.string(), z.unknown()).optional(),
  }),
]);

const DatasetMetadataSchema = z.looseObject({
  sample: z.string().min(1),
  year: z.union([z.string(), z.number()]).transform(String),
  isMC: z.union([z.boolean(), z.enum(["True", "False", "true", "false"])]),
  xsec: z.union([z.number(), z.string()]).optional(),
  era: z.string().optional(),
  primaryDataset: z.string().optional(),
  part: z.string().optional(),
});

const InlineDatasetSchema = z.strictObject({
  metadata: DatasetMetadataSchema,
  files: z.array(z.string().min(1)).min(1),
});

const DatasetsSchema = z.strictObject({
  jsons: z.array(z.string().min(1)).default([]),
  inline: z.record(z.string(), InlineDatasetSchema).default({}),
  filter: z.strictObject({
    samples: z.array(z.string()).optional(),
    samplesExclude: z.array(z.string()).optional(),
    years: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
  }).default({}),
});

const ObjectSchema = z.strictObject({
  from: z.string().min(1),
  where: z.string().min(1).optional(),
  sortBy: z.string().min(1).optional(),
  cleanAgainst: z.array(z.strictObject({
    objects: z.string().min(1),
    deltaR: z.number().positive(),
  })).default([]),
});

const CartesianGroupSchema = z.strictObject({
  name: z.string().min(1),
  cuts: z.record(z.string(), z.string().min(1)),
});

const CategoriesSchema = z.union([
  z.record(z.string(), z.string().min(1)),
  z.strictObject({
    cartesian: z.array(CartesianGroupSchema).min(1),
    common: z.record(z.string(), z.string().min(1)).default({}),
  }),
]);

const WeightListSchema = z.strictObject({
  inclusive: z.array(z.string().min(1)).default([]),
  bycategory: z.record(z.string(), z.array(z.string().min(1))).default({}),
});

const WeightsSchema = z.strictObject({
  common: WeightListSchema.default({ inclusive: [], bycategory: {} }),
  bysample: z.record(z.string(), WeightListSchema).default({}),
});

const WeightDefinitionSchema = z.strictObject({
  expr: z.string().min(1),
  up: z.string().min(1).optional(),
  down: z.string().min(1).optional(),
});

const AxisSchema = z.strictObject({
  expr: z.string().min(1),
  name: z.string().min(1).optional(),
  label: z.string().optional(),
  bins: z.number().int().positive().optional(),
  start: z.number().optional(),
  stop: z.number().optional(),
  edges: z.array(z.number()).min(2).optional(),
  integer: z.boolean().optional(),
  underflow: z.boolean().default(true),
  overflow: z.boolean().default(true),
});

const HistogramSchema = z.strictObject({
  axes: z.array(AxisSchema).min(1),
  onlySamples: z.array(z.string()).optional(),
  excludeSamples: z.array(z.string()).optional(),
  onlyCategories: z.array(z.string()).optional(),
  excludeCategories: z.array(z.string()).optional(),
  variations: z.boolean().default(true),
});

const ColumnsExportSchema = z.strictObject({
  name: z.string().min(1),
  fields: z.record(z.string(), z.string().min(1)),
  onlySamples: z.array(z.string()).optional(),
  onlyCategories: z.array(z.string()).optional(),
});

const TriggerSchema = z.strictObject({
  /** HLT paths per primary dataset, e.g. SingleMuon: [IsoMu24]. */
  paths: z.record(z.string(), z.array(z.string().min(1))),
  /** Primary datasets in priority order: data from a later one vetoes the earlier ones' paths. */
  priority: z.array(z.string()).optional(),
  missingPath: z.enum(["false", "error"]).default("error"),
});

/**
 * A plugin package to load: a local path (relative to the config's folder), a file:// URL or an
 * npm:/jsr: specifier, alone or with the options its factory gets.
 */
export const PluginSpecSchema = z.union([
  z.string().min(1),
  z.strictObject({
    use: z.string().min(1),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
]);

/**
 * Permissions a sandboxed run grants beyond those derived from the config (see
 * core/plugin/permissions.ts): paths (relative to the config's folder), hosts, programs; `"*"`
 * grants all of one kind.
 */
export const PermissionsSchema = z.strictObject({
  read: z.array(z.string().min(1)).optional(),
  write: z.array(z.string().min(1)).optional(),
  net: z.array(z.string().min(1)).optional(),
  run: z.array(z.string().min(1)).optional(),
});

/**
 * Skimmed NanoAOD written by the run (PocketCoffea's save_skimmed_files): the events passing
 * the skim (or the skim and the nominal preselection), one file per work item, with a built-
 * dataset JSON beside them that a later run reads instead of the inputs.
 */
const SkimOutputSchema = z.strictObject({
  enabled: z.boolean().default(true),
  after: z.enum(["skim", "preselection"]).default("skim"),
  /** Branch names or glob patterns (`Jet_*`, `HLT_IsoMu*`); every branch of the input by default. */
  branches: z.array(z.string().min(1)).min(1).optional(),
  /** Where the files go; a relative folder is inside the run's output folder. */
  folder: z.string().min(1).default("skimmed"),
  /** A codec of the tree-writer plugin (ROOT: ZSTD, ZLIB, LZ4, LZMA) and a level 0-9. */
  compression: z.strictObject({
    codec: z.string().min(1).optional(),
    level: z.number().int().min(0).max(9).optional(),
  }).optional(),
});

/** The whole analysis configuration. */
export const AnalysisConfigSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  module: z.string().optional(),
  /** Plugin packages loaded into the registry before anything else (see core/plugin/load_plugins.ts). */
  plugins: z.array(PluginSpecSchema).optional(),
  /** Extra Deno permissions for plugins that read, write, connect or run beyond the derived set. */
  permissions: PermissionsSchema.optional(),
  datasets: DatasetsSchema,
  parameters: z.array(z.union([z.string().min(1), z.record(z.string(), z.unknown())])).default(
    [],
  ),
  trigger: TriggerSchema.optional(),
  /** Calibrator plugins applied in order (nominal), whose variations `variations.shape` names. */
  calibrators: z.array(z.string().min(1)).default([]),
  skim: z.array(CutSchema).default([]),
  objects: z.record(z.string(), ObjectSchema).default({}),
  preselection: z.array(CutSchema).default([]),
  categories: CategoriesSchema.default({ baseline: "true" }),
  subsamples: z.record(z.string(), z.record(z.string(), z.string().min(1))).default({}),
  weightDefinitions: z.record(z.string(), WeightDefinitionSchema).default({}),
  weights: WeightsSchema.default({
    common: { inclusive: [], bycategory: {} },
    bysample: {},
  }),
  variations: z.strictObject({
    weights: WeightsSchema.optional(),
    shape: WeightsSchema.optional(),
  }).default({}),
  histograms: z.record(z.string(), HistogramSchema).default({}),
  columns: z.array(ColumnsExportSchema).default([]),
  skimOutput: SkimOutputSchema.optional(),
});

/** An analysis configuration after validation (defaults filled in). */
export type AnalysisConfig = z.output<typeof AnalysisConfigSchema>;
/** A cut as written in the configuration. */
export type CutSpec = z.output<typeof CutSchema>;
/** A histogram as written in the configuration. */
export type HistogramSpec = z.output<typeof HistogramSchema>;
/** A histogram axis as written in the configuration. */
export type AxisSpec = z.output<typeof AxisSchema>;
/** The skimOutput section after validation. */
export type SkimOutputSpec = z.output<typeof SkimOutputSchema>;

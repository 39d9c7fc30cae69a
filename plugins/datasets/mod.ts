/**
 * Dataset definitions and sources: PocketCoffea's definition layout (label -> {sample,
 * json_output, files: [{das_names, metadata, dbs_instance}]}) in JSON or YAML, built into its
 * output layout (key -> {metadata, files}) through dataset-source plugins - `das` (dasgoclient),
 * `rucio` (replicas, site filters), `local` (paths and globs), `http` (an index page) - and a
 * check that opens every built file.
 *
 * @example
 * ```ts ignore
 * import { buildDatasets, readDefinition, localSource } from "@ristretto/datasets";
 * const definition = await readDefinition("datasets/definitions.yaml");
 * const { datasets } = await buildDatasets(definition, { sources: [localSource()] });
 * ```
 * @module
 */
export {
  type DatasetDefinition,
  datasetKey,
  type DefinitionFile,
  type DefinitionFiles,
  parseDefinition,
  readDefinition,
} from "./definition.ts";
export {
  buildDatasets,
  type BuildOptions,
  type BuildResult,
  type BuiltEntry,
  type BuiltLayout,
  writeBuiltDatasets,
} from "./build.ts";
export {
  checkBuiltDatasets,
  type CheckOptions,
  type DatasetCheck,
  type FileCheck,
} from "./check.ts";
export {
  type DasFile,
  type DasOptions,
  dasSource,
  DEFAULT_REDIRECTOR,
  parseDasFiles,
  queryDas,
  withRedirector,
} from "./das.ts";
export {
  chooseReplicas,
  parseRucioReplicas,
  type Replica,
  type RucioOptions,
  rucioSource,
  siteAllowed,
} from "./rucio.ts";
export { expandGlob, globToRegExp, localSource } from "./local.ts";
export { type HttpListingOptions, httpListingSource, parseIndexLinks } from "./http.ts";

// The package as a plugin package: `export default` is its PluginFactory.
export { datasetPlugins, datasetPlugins as default } from "./install.ts";

/**
 * Analysis configuration: YAML with source positions, the schema, validation with
 * file:line:column errors, layered parameters.
 * @module
 */
export { ConfigError, type SourcePosition } from "./config_error.ts";
export {
  configFromText,
  loadAnalysisConfig,
  type LoadConfigOptions,
  type LoadedConfig,
  readConfigText,
  resolveFrom,
} from "./load_config.ts";
export { mergeParameters, parameterAt, type Parameters } from "./parameters.ts";
export {
  type AnalysisConfig,
  AnalysisConfigSchema,
  type AxisSpec,
  type CutSpec,
  type HistogramSpec,
} from "./schema.ts";
export { describePath, validateDocument } from "./validate_config.ts";
export { type LocatedDocument, parseLocatedYaml, type ValuePath } from "./yaml_document.ts";

/**
 * Parquet for Ristretto: a `Reader` plugin that turns NanoAOD stored as Parquet into the same
 * columns a ROOT file gives, and a writer for columns exports.
 * @module
 */
export {
  defaults,
  PARQUET_READER_VERSION,
  PARQUET_TREE,
  parquetReader,
  type ParquetReaderOptions,
} from "./reader.ts";
export { ParquetError, type ParquetErrorCode } from "./errors.ts";
export {
  type ParquetCompression,
  writeDefaults,
  writeParquet,
  type WriteParquetOptions,
} from "./writer.ts";

// The package as a plugin package: `export default` is its PluginFactory.
export { parquetColumnsWriter } from "./columns_writer.ts";
export { parquetPlugins, parquetPlugins as default } from "./install.ts";

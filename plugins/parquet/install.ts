import type { PluginFactory } from "@ristretto/core/plugin";
import { parquetReader, type ParquetReaderOptions } from "./reader.ts";
import { parquetColumnsWriter } from "./columns_writer.ts";

/**
 * The package's plugin factory (its mod.ts default export): the Parquet reader (with the
 * reader options given) and the Parquet columns writer.
 */
export const parquetPlugins: PluginFactory<ParquetReaderOptions> = (options = {}) => (registry) => {
  registry.add(parquetReader(options));
  registry.add(parquetColumnsWriter());
};

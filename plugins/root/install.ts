import type { PluginFactory } from "@ristretto/core/plugin";
import { rootReader, type RootReaderOptions } from "./reader.ts";
import { rootTreeWriter } from "./tree_writer_plugin.ts";

/**
 * The package's plugin factory (its mod.ts default export): the ROOT reader, with the reader
 * options given, and the tree writer skims are written with. Built-ins are installed exactly
 * as a third-party package is.
 */
export const rootPlugins: PluginFactory<RootReaderOptions> = (options = {}) => (registry) => {
  registry.add(rootReader(options));
  registry.add(rootTreeWriter());
};

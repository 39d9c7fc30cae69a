import type { PluginFactory } from "@ristretto/core/plugin";
import { dasSource } from "./das.ts";
import { rucioSource } from "./rucio.ts";
import { localSource } from "./local.ts";
import { httpListingSource } from "./http.ts";

/** The package's plugin factory (its mod.ts default export): the dataset sources. */
export const datasetPlugins: PluginFactory<Record<string, never>> = () => (registry) => {
  registry.add(dasSource());
  registry.add(rucioSource());
  registry.add(localSource());
  registry.add(httpListingSource());
};

import type { PluginFactory } from "@ristretto/core/plugin";
import type { HttpSourceOptions } from "@ristretto/core/io";
import { httpByteSource, xrootdByteSource } from "./providers.ts";
import type { XRootDOptions } from "./xrootd_file.ts";

/** Options of {@link xrootdPlugins}: settings of each byte source. */
export interface XRootDPluginOptions {
  readonly xrootd: XRootDOptions;
  readonly http: HttpSourceOptions;
}

/** The package's plugin factory (its mod.ts default export): `root://` and `http(s)://` sources. */
export const xrootdPlugins: PluginFactory<XRootDPluginOptions> = (options = {}) => (registry) => {
  registry.add(xrootdByteSource(options.xrootd));
  registry.add(httpByteSource(options.http));
};

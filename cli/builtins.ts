/**
 * The built-in plugins, installed exactly as a third-party plugin package is: each built-in
 * package's default-exported factory runs through the loader's checks, then the config's own
 * `plugins:` are loaded on top (registryFor).
 * @module
 */
import type { LoadedConfig } from "@ristretto/core/config";
import {
  installPlugins,
  type LoadedPluginPackage,
  pluginPackageFromModule,
  Registry,
} from "@ristretto/core/plugin";
import * as parquetPackage from "@ristretto/parquet";
import * as rootPackage from "@ristretto/root";
import * as cmsPackage from "@ristretto/cms";
import * as xrootdPackage from "@ristretto/xrootd";
import * as datasetsPackage from "@ristretto/datasets";

export { parquetColumnsWriter } from "@ristretto/parquet";

/** The built-in plugin packages, already imported, in registration order. */
const BUILTIN_PACKAGES: readonly { readonly name: string; readonly module: unknown }[] = [
  { name: "@ristretto/root", module: rootPackage },
  { name: "@ristretto/parquet", module: parquetPackage },
  { name: "@ristretto/cms", module: cmsPackage },
  { name: "@ristretto/xrootd", module: xrootdPackage },
  { name: "@ristretto/datasets", module: datasetsPackage },
];

/** The built-in packages with their plugins; `source` is `builtin:<package>`. */
export function builtinPackages(): LoadedPluginPackage[] {
  return BUILTIN_PACKAGES.map(({ name, module }) =>
    pluginPackageFromModule(module, { source: `builtin:${name}` })
  );
}

/** A registry holding every built-in plugin. */
export function builtinRegistry(): Registry {
  const registry = new Registry();
  for (const loaded of builtinPackages()) loaded.plugins.forEach((plugin) => registry.add(plugin));
  return registry;
}

/** A registry of a config's plugins and where each came from. */
export interface ConfigRegistry {
  readonly registry: Registry;
  /** The built-in packages, then the config's `plugins:` in order. */
  readonly packages: readonly LoadedPluginPackage[];
}

/**
 * The built-ins plus the packages the config lists under `plugins:` (paths relative to the
 * config's folder), with the packages for `plugins list`.
 */
export async function configRegistry(loaded: LoadedConfig): Promise<ConfigRegistry> {
  const registry = new Registry();
  const packages = builtinPackages();
  for (const builtin of packages) builtin.plugins.forEach((plugin) => registry.add(plugin));
  const specs = loaded.config.plugins ?? [];
  packages.push(
    ...await installPlugins(specs, registry, {
      baseDir: loaded.baseDir,
      listedIn: (index) => {
        const at = loaded.document.locate(["plugins", index]);
        return `${at.file}:${at.line}:${at.column}`;
      },
    }),
  );
  return { registry, packages };
}

/** The registry a run of this config uses: the built-ins plus the config's `plugins:`. */
export async function registryFor(loaded: LoadedConfig): Promise<Registry> {
  return (await configRegistry(loaded)).registry;
}

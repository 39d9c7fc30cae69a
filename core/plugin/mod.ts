/**
 * The plugin contracts (see types.ts) and the explicit Registry plugins are installed in.
 * @module
 */
export * from "./types.ts";
export { Registry } from "./registry.ts";
export {
  checkPlugin,
  installPlugins,
  type LoadedPluginPackage,
  type LoadPluginOptions,
  loadPluginPackage,
  pluginPackageFromModule,
  type PluginSpec,
  pluginSpecUse,
  resolvePluginSpecifier,
} from "./load_plugins.ts";
export {
  denoCacheDir,
  derivePermissions,
  type DerivePermissionsOptions,
  executorCommands,
  type Grant,
  guardPlugin,
  inputHost,
  isPermissionDenial,
  type PermissionCulprit,
  PermissionError,
  permissionErrorFrom,
  permissionFlags,
  type PermissionGrants,
  type PermissionName,
  type PermissionSet,
  pluginPackageRoot,
  PROJECT_ROOT,
  workerPermissions,
} from "./permissions.ts";

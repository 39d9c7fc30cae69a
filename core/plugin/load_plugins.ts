/**
 * Loading plugin packages: a config's `plugins:` entries (a local path, a `file:` URL or an
 * `npm:` / `jsr:` specifier, optionally with options) are imported, their default-exported
 * factory is called with the options, and the installer it returns registers the plugins.
 * Built-in packages go through the same checks (see {@link pluginPackageFromModule}).
 * @module
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { didYouMean } from "../errors/did_you_mean.ts";
import { InputError } from "../errors/ristretto_error.ts";
import { type AnyPlugin, API_VERSION, PLUGIN_KINDS, type PluginRegistrar } from "./types.ts";

/** One `plugins:` entry: what to import, and the options its factory gets. */
export type PluginSpec = string | {
  readonly use: string;
  readonly options?: Readonly<Record<string, unknown>>;
};

/** A package whose plugins were created and checked. */
export interface LoadedPluginPackage {
  /** The spec's `use` as written (`./my-plugin/mod.ts`, `npm:@me/plugin@1`), or `builtin:<name>`. */
  readonly source: string;
  /** What was imported: a file:// URL, or the npm:/jsr: specifier. */
  readonly resolved: string;
  /** The plugins its installer registered, checked, in registration order. */
  readonly plugins: AnyPlugin[];
}

/** Options of {@link loadPluginPackage} and {@link installPlugins}. */
export interface LoadPluginOptions {
  /** Folder relative paths start from (the config's folder). */
  readonly baseDir: string;
  /**
   * Where the spec is listed, for error messages: e.g. `analysis.yaml:12:5`, or a function of
   * the entry's index in the list.
   */
  readonly listedIn?: string | ((index: number) => string);
}

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** What each kind must have besides name, version and apiVersion: functions, then arrays. */
const REQUIRED_MEMBERS: Readonly<Record<string, { fns: string[]; arrays: string[] }>> = {
  "byte-source": { fns: ["open"], arrays: ["schemes"] },
  reader: { fns: ["canRead", "open"], arrays: [] },
  executor: { fns: ["run"], arrays: [] },
  "columns-writer": { fns: ["write"], arrays: [] },
  calibrator: { fns: ["calibrate"], arrays: ["variations", "inputs"] },
  weight: { fns: ["compute"], arrays: ["weights", "inputs"] },
  cut: { fns: ["mask"], arrays: ["cuts", "inputs"] },
  variable: { fns: ["compute"], arrays: ["inputs"] },
  plotter: { fns: ["plot"], arrays: [] },
  "dataset-source": { fns: ["accepts", "build"], arrays: [] },
  "tree-writer": { fns: ["open"], arrays: ["codecs"] },
};

/** The `use` part of a spec. */
export function pluginSpecUse(spec: PluginSpec): string {
  return typeof spec === "string" ? spec : spec.use;
}

/**
 * What a spec's `use` imports: `npm:` and `jsr:` specifiers and `file:` URLs as written; a
 * path (relative to `baseDir`) as a file URL - a folder stands for its deno.json `exports`
 * entry, else its mod.ts.
 */
export function resolvePluginSpecifier(use: string, options: { baseDir: string }): string {
  if (/^(npm|jsr):/.test(use)) return use;
  if (use.startsWith("file:")) return new URL(use).href;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(use)) {
    throw new InputError(
      "PLUGIN_SPEC",
      `Cannot load plugin package "${use}": use a local path, a file:// URL or an npm:/jsr: specifier`,
    );
  }
  let path = isAbsolute(use) ? use : resolve(options.baseDir, use);
  if (existsSync(path) && statSync(path).isDirectory()) path = entryOfFolder(path);
  return pathToFileURL(path).href;
}

/** The entry module of a plugin folder: its deno.json `exports` ("." or the string), else mod.ts. */
function entryOfFolder(folder: string): string {
  for (const name of ["deno.json", "deno.jsonc"]) {
    const file = join(folder, name);
    if (!existsSync(file)) continue;
    try {
      const exports = (JSON.parse(readFileSync(file, "utf8")) as { exports?: unknown }).exports;
      const entry = typeof exports === "string"
        ? exports
        : (exports as Record<string, unknown> | undefined)?.["."];
      if (typeof entry === "string") return resolve(folder, entry);
    } catch {
      // A deno.jsonc with comments, or no exports: fall back to mod.ts.
    }
  }
  return join(folder, "mod.ts");
}

/**
 * Imports a plugin package, calls its default-exported factory with the spec's options and
 * collects the plugins its installer registers, each checked (shape and API version).
 *
 * @throws {InputError} naming the spec (and where it is listed) when the import fails, the
 * default export is not a factory, or a plugin is malformed or targets another API version.
 */
export async function loadPluginPackage(
  spec: PluginSpec,
  options: LoadPluginOptions,
): Promise<LoadedPluginPackage> {
  const use = pluginSpecUse(spec);
  const listed = typeof options.listedIn === "string" ? ` (listed in ${options.listedIn})` : "";
  const resolved = resolvePluginSpecifier(use, options);
  let module: unknown;
  try {
    module = await import(resolved);
  } catch (cause) {
    throw new InputError(
      "PLUGIN_IMPORT",
      `Cannot load plugin package "${use}"${listed}: ${
        (cause as Error).message?.split("\n")[0] ?? String(cause)
      }`,
      { cause },
    );
  }
  return pluginPackageFromModule(module, {
    source: use,
    resolved,
    options: typeof spec === "string" ? undefined : spec.options,
    listed,
  });
}

/**
 * Runs an already-imported package module (its default export must be a PluginFactory)
 * and checks the plugins it registers: the path built-ins take, and what
 * {@link loadPluginPackage} does after importing.
 */
export function pluginPackageFromModule(
  module: unknown,
  options: {
    source: string;
    resolved?: string;
    options?: Readonly<Record<string, unknown>>;
    /** Appended to the subject in errors, e.g. ` (listed in a.yaml:3:5)`. */
    listed?: string;
  },
): LoadedPluginPackage {
  const { source } = options;
  const where = `"${source}"${options.listed ?? ""}`;
  const factory = (module as { default?: unknown } | null)?.default;
  if (typeof factory !== "function") {
    throw new InputError(
      "PLUGIN_INVALID",
      `Cannot load plugin package ${where}: its entry module must default-export a plugin factory, (options?) => (registry) => void`,
    );
  }
  let installer: unknown;
  try {
    installer = factory(options.options ?? {});
  } catch (cause) {
    throw new InputError(
      "PLUGIN_INVALID",
      `Cannot configure plugin package ${where}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (typeof installer !== "function") {
    throw new InputError(
      "PLUGIN_INVALID",
      `Cannot load plugin package ${where}: its factory must return an installer, (registry) => void`,
    );
  }
  const plugins: AnyPlugin[] = [];
  const collector: PluginRegistrar = {
    add(plugin: AnyPlugin) {
      checkPlugin(plugin, source);
      plugins.push(plugin);
      return collector;
    },
  };
  try {
    installer(collector);
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    throw new InputError(
      "PLUGIN_INVALID",
      `Cannot install plugin package ${where}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (plugins.length === 0) {
    throw new InputError(
      "PLUGIN_INVALID",
      `Cannot load plugin package ${where}: its installer registered no plugin`,
    );
  }
  return { source, resolved: options.resolved ?? source, plugins };
}

/**
 * Loads every spec in order and adds its plugins to `registry`; returns the packages loaded.
 * A name clash with an already registered plugin of the same kind is an error.
 */
export async function installPlugins(
  specs: readonly PluginSpec[],
  registry: PluginRegistrar,
  options: LoadPluginOptions,
): Promise<LoadedPluginPackage[]> {
  const loaded: LoadedPluginPackage[] = [];
  for (const [index, spec] of specs.entries()) {
    const listedIn = typeof options.listedIn === "function"
      ? options.listedIn(index)
      : options.listedIn;
    const loadedPackage = await loadPluginPackage(spec, { ...options, listedIn });
    for (const plugin of loadedPackage.plugins) {
      try {
        registry.add(plugin);
      } catch (cause) {
        throw new InputError(
          "PLUGIN_INVALID",
          `Cannot load plugin package "${loadedPackage.source}"${
            listedIn ? ` (listed in ${listedIn})` : ""
          }: ${(cause as Error).message}`,
          { cause },
        );
      }
    }
    loaded.push(loadedPackage);
  }
  return loaded;
}

/** Checks one plugin's shape; every problem names the plugin and the package. */
export function checkPlugin(plugin: unknown, source: string): asserts plugin is AnyPlugin {
  const candidate = plugin as Record<string, unknown> | null;
  const label = typeof candidate?.name === "string" ? candidate.name : "?";
  const fail = (reason: string): never => {
    throw new InputError(
      "PLUGIN_INVALID",
      `Cannot load plugin "${label}" from "${source}": ${reason}`,
    );
  };
  if (typeof candidate !== "object" || candidate === null) fail("a plugin must be an object");
  const { name, version, apiVersion, kind } = candidate!;
  if (typeof name !== "string" || !KEBAB_CASE.test(name)) {
    fail(`its name must be kebab-case (e.g. "ttbar-reco"), got ${JSON.stringify(name)}`);
  }
  if (typeof version !== "string" || !SEMVER.test(version)) {
    fail(`its version must be semver (e.g. "1.2.0"), got ${JSON.stringify(version)}`);
  }
  if (typeof apiVersion !== "number" || !Number.isFinite(apiVersion)) {
    fail(`it must declare apiVersion (this Ristretto supports API ${API_VERSION})`);
  }
  if (Math.floor(apiVersion as number) !== API_VERSION) {
    throw new InputError(
      "PLUGIN_API_VERSION",
      `Cannot load plugin "${label}" from "${source}": it targets plugin API ${apiVersion}, this Ristretto supports API ${API_VERSION}`,
    );
  }
  if (typeof kind !== "string" || !PLUGIN_KINDS.includes(kind)) {
    fail(
      `unknown kind ${JSON.stringify(kind)}${
        typeof kind === "string" ? didYouMean(kind, PLUGIN_KINDS) : ""
      }; kinds: ${PLUGIN_KINDS.join(", ")}`,
    );
  }
  const required = REQUIRED_MEMBERS[kind as string];
  for (const member of required.fns) {
    if (typeof candidate![member] !== "function") fail(`a ${kind} plugin needs ${member}()`);
  }
  for (const member of required.arrays) {
    if (!Array.isArray(candidate![member])) fail(`a ${kind} plugin needs ${member}: [...]`);
  }
  if (kind === "variable") {
    const variables = candidate!.variables;
    if (typeof variables !== "object" || variables === null || Array.isArray(variables)) {
      fail(`a variable plugin needs variables: { name: { collection?, type? } }`);
    }
    for (const [variable, spec] of Object.entries(variables as Record<string, unknown>)) {
      const { collection, type } = (spec ?? {}) as Record<string, unknown>;
      if (collection !== undefined && (typeof collection !== "string" || !collection)) {
        fail(`variables.${variable}.collection must be a collection name`);
      }
      if (type !== undefined && type !== "number" && type !== "bool") {
        fail(`variables.${variable}.type must be "number" or "bool"`);
      }
    }
  }
}

/**
 * `plugins list|add|remove|check`: the plugins a config runs with, and editing its `plugins:`
 * list. `add` loads the package first (so a broken one is never listed), then appends the spec
 * to the config (comments and layout kept) and records it in `plugins.lock.json` beside the
 * config: what was imported, the plugins it gave, and the SHA-256 of a local entry module or
 * the npm version resolved. `remove` takes a plugin name or a spec and drops both.
 * @module
 */
import { CommandExit } from "./_command_exit.ts";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import {
  AnalysisConfigSchema,
  ConfigError,
  type LoadedConfig,
  parseLocatedYaml,
  readConfigText,
  validateDocument,
} from "@ristretto/core/config";
import { didYouMean, InputError } from "@ristretto/core/errors";
import {
  type LoadedPluginPackage,
  loadPluginPackage,
  type PluginSpec,
  pluginSpecUse,
} from "@ristretto/core/plugin";
import { sha256Hex, writeFileAtomic } from "@ristretto/core/store";
import { builtinPackages, configRegistry } from "../builtins.ts";
import { pluginsCheckAction } from "./plugins_check.ts";

/** The lock file written beside a config. */
export const LOCK_FILE = "plugins.lock.json";

/** One row of `plugins list`. */
export interface PluginRow {
  readonly name: string;
  readonly version: string;
  readonly kind: string;
  /** `builtin:<package>` or the spec as the config writes it. */
  readonly source: string;
  readonly apiVersion: number;
}

/** One entry of plugins.lock.json. */
export interface LockEntry {
  /** The spec's `use`, as the config lists it. */
  readonly spec: string;
  /** What was imported (file:// URL or npm:/jsr: specifier). */
  readonly resolved: string;
  /** `sha256-<hex>` of a local entry module. */
  readonly integrity?: string;
  /** The npm package version the specifier resolved to, when it could be read. */
  readonly npmVersion?: string;
  readonly plugins: readonly { name: string; kind: string; version: string }[];
}

/** The whole lock file. */
export interface LockFile {
  readonly lockfileVersion: 1;
  readonly plugins: LockEntry[];
}

/**
 * Reads a config for the plugin commands: parsed and validated, without reading its parameter
 * or dataset files (they need not exist to list or edit plugins).
 */
export async function readConfigForPlugins(path: string): Promise<LoadedConfig> {
  const file = resolve(path);
  const text = await readConfigText(file);
  const document = parseLocatedYaml(file, text);
  const config = validateDocument(document, AnalysisConfigSchema);
  return { config, document, baseDir: dirname(file), parameters: {}, text };
}

/** Every plugin the config runs with (built-ins and its `plugins:`), with where it came from. */
export async function pluginRows(configPath?: string): Promise<PluginRow[]> {
  const packages = configPath
    ? (await configRegistry(await readConfigForPlugins(configPath))).packages
    : builtinPackages();
  return packages.flatMap((loaded) =>
    loaded.plugins.map((plugin) => ({
      name: plugin.name,
      version: plugin.version,
      kind: plugin.kind,
      source: loaded.source,
      apiVersion: plugin.apiVersion,
    }))
  );
}

/** `plugins list`: prints a table (or JSON) of every plugin. */
export async function pluginsListAction(
  options: { config?: string; json?: boolean } = {},
): Promise<PluginRow[]> {
  const rows = await pluginRows(options.config);
  if (options.json) {
    console.log(JSON.stringify(rows, null, 2));
    return rows;
  }
  const header = ["name", "version", "kind", "source"];
  const table = [header, ...rows.map((row) => [row.name, row.version, row.kind, row.source])];
  const widths = header.map((_, c) => Math.max(...table.map((line) => line[c].length)));
  for (const line of table) {
    console.log(line.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd());
  }
  return rows;
}

/**
 * `plugins add SPEC`: loads the package (it must be a valid plugin package whose plugins do
 * not clash with the config's), appends the spec to the config and records it in the lock.
 * A path is taken relative to the working directory and written relative to the config.
 */
export async function pluginsAddAction(
  spec: string,
  options: { config: string; options?: Record<string, unknown> },
): Promise<LockEntry> {
  const configPath = resolve(options.config);
  const loaded = await readConfigForPlugins(configPath);
  const use = specForConfig(spec, loaded.baseDir);
  const listed = (loaded.config.plugins ?? []).map(pluginSpecUse);
  if (listed.includes(use)) {
    throw new InputError(
      "PLUGIN_ALREADY_LISTED",
      `Cannot add plugin package "${use}": ${configPath} already lists it`,
    );
  }
  const entry: PluginSpec = options.options ? { use, options: options.options } : use;
  // The config's registry with the new package on top: a clash fails here, before any write.
  const { registry } = await configRegistry(loaded);
  const added = await loadPluginPackage(entry, { baseDir: loaded.baseDir });
  for (const plugin of added.plugins) {
    try {
      registry.add(plugin);
    } catch (cause) {
      throw new InputError(
        "PLUGIN_INVALID",
        `Cannot add plugin package "${use}": ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  const document = parseDocument(loaded.text);
  const root = document.contents;
  if (!isMap(root)) {
    throw new ConfigError("CONFIG_INVALID", `Cannot add a plugin to "${configPath}": not a map`);
  }
  const node = document.createNode(entry);
  const plugins = root.get("plugins", true);
  if (isSeq(plugins)) {
    plugins.items.push(node);
  } else {
    // A new `plugins:` section goes right after the config's header keys.
    const pair = document.createPair("plugins", [entry]);
    const header = ["name", "description", "module"];
    let at = 0;
    root.items.forEach((item, index) => {
      if (header.includes(String((item.key as { value?: unknown })?.value ?? item.key))) {
        at = index + 1;
      }
    });
    (root as YAMLMap).items.splice(at, 0, pair);
  }
  const lockEntry = await lockEntryOf(added);
  const lock = await readLock(loaded.baseDir);
  const entries = lock.plugins.filter((existing) => existing.spec !== use);
  entries.push(lockEntry);
  await writeFileAtomic(configPath, document.toString({ lineWidth: 0 }));
  await writeLock(loaded.baseDir, { lockfileVersion: 1, plugins: entries });
  return lockEntry;
}

/**
 * `plugins remove NAME`: drops the package that provides plugin NAME (or whose spec is NAME)
 * from the config and from the lock.
 */
export async function pluginsRemoveAction(
  name: string,
  options: { config: string },
): Promise<string> {
  const configPath = resolve(options.config);
  const loaded = await readConfigForPlugins(configPath);
  const specs = (loaded.config.plugins ?? []).map(pluginSpecUse);
  const lock = await readLock(loaded.baseDir);
  let index = specs.indexOf(name);
  if (index < 0) index = specs.indexOf(specForConfig(name, loaded.baseDir));
  const provided = new Map<string, string>();
  for (const entry of lock.plugins) {
    for (const plugin of entry.plugins) provided.set(plugin.name, entry.spec);
  }
  if (index < 0 && !provided.has(name)) {
    // Not in the lock (written by hand?): load the listed packages to learn their plugins.
    for (const spec of loaded.config.plugins ?? []) {
      const loadedPackage = await loadPluginPackage(spec, { baseDir: loaded.baseDir })
        .catch(() => undefined);
      for (const plugin of loadedPackage?.plugins ?? []) {
        provided.set(plugin.name, pluginSpecUse(spec));
      }
    }
  }
  if (index < 0 && provided.has(name)) index = specs.indexOf(provided.get(name)!);
  if (index < 0) {
    const known = [...specs, ...provided.keys()];
    throw new InputError(
      "PLUGIN_NOT_LISTED",
      `Cannot remove plugin "${name}": ${configPath} lists no such plugin or package${
        didYouMean(name, known)
      }; listed: ${known.join(", ") || "none"}`,
    );
  }
  const removed = specs[index];
  const document = parseDocument(loaded.text);
  const plugins = (document.contents as YAMLMap).get("plugins", true) as unknown as YAMLSeq;
  plugins.items.splice(index, 1);
  if (plugins.items.length === 0) (document.contents as YAMLMap).delete("plugins");
  await writeFileAtomic(configPath, document.toString({ lineWidth: 0 }));
  await writeLock(loaded.baseDir, {
    lockfileVersion: 1,
    plugins: lock.plugins.filter((entry) => entry.spec !== removed),
  });
  return removed;
}

/** A command-line spec as the config should list it: paths relative to the config's folder. */
function specForConfig(spec: string, baseDir: string): string {
  if (/^(npm|jsr|file):/.test(spec)) return spec;
  const absolute = isAbsolute(spec) ? spec : resolve(spec);
  const path = relative(baseDir, absolute) || ".";
  return path.startsWith(".") || isAbsolute(path) ? path : `./${path}`;
}

async function lockEntryOf(loaded: LoadedPluginPackage): Promise<LockEntry> {
  const plugins = loaded.plugins.map(({ name, kind, version }) => ({ name, kind, version }));
  if (loaded.resolved.startsWith("file:")) {
    const bytes = await readFile(fileURLToPath(loaded.resolved));
    return {
      spec: loaded.source,
      resolved: loaded.resolved,
      integrity: `sha256-${sha256Hex(bytes)}`,
      plugins,
    };
  }
  let npmVersion: string | undefined;
  if (loaded.resolved.startsWith("npm:")) {
    // The package.json of the version the specifier resolved to, when the package exposes it.
    npmVersion = await import(`${loaded.resolved}/package.json`, { with: { type: "json" } })
      .then((module) => String(module.default?.version ?? ""))
      .catch(() => undefined) || undefined;
  }
  return { spec: loaded.source, resolved: loaded.resolved, npmVersion, plugins };
}

async function readLock(baseDir: string): Promise<LockFile> {
  const file = join(baseDir, LOCK_FILE);
  if (!existsSync(file)) return { lockfileVersion: 1, plugins: [] };
  try {
    const value = JSON.parse(await readFile(file, "utf8")) as LockFile;
    if (!Array.isArray(value.plugins)) throw new Error("no plugins list");
    return value;
  } catch (cause) {
    throw new InputError(
      "PLUGIN_LOCK",
      `Cannot read plugin lock "${file}": ${(cause as Error).message}`,
      { cause },
    );
  }
}

async function writeLock(baseDir: string, lock: LockFile): Promise<void> {
  await writeFileAtomic(join(baseDir, LOCK_FILE), `${JSON.stringify(lock, null, 2)}\n`);
}

function parseOptions(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InputError(
      "PLUGIN_OPTIONS",
      `Cannot read --options "${text}": ${(cause as Error).message}`,
      { cause },
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(
      "PLUGIN_OPTIONS",
      `Cannot read --options "${text}": expected a JSON object`,
    );
  }
  return value as Record<string, unknown>;
}

/** The commander definition of `plugins`. */
export function pluginsCommand(): Command {
  const plugins = new Command("plugins").description(
    "List, add, remove and check plugin packages (a config's `plugins:`)",
  );
  plugins.command("list")
    .description("Every plugin a config runs with: name, version, kind, source")
    .option("-c, --config <file>", "analysis config (default: the built-ins only)")
    .option("--json", "print JSON")
    .action(async (flags: { config?: string; json?: boolean }) => {
      await pluginsListAction(flags);
    });
  plugins.command("add")
    .description("Load a plugin package, then list it in the config and plugins.lock.json")
    .argument("<spec>", "a local path (folder or module), file:// URL, or npm:/jsr: specifier")
    .requiredOption("-c, --config <file>", "analysis config to edit")
    .option("--options <json>", "options for the package's factory, as a JSON object")
    .action(async (spec: string, flags: { config: string; options?: string }) => {
      const entry = await pluginsAddAction(spec, {
        config: flags.config,
        options: flags.options ? parseOptions(flags.options) : undefined,
      });
      console.log(
        `Added ${entry.spec}: ${
          entry.plugins.map((p) => `${p.name} ${p.version} (${p.kind})`).join(", ")
        }`,
      );
    });
  plugins.command("remove")
    .description("Remove a plugin package from the config and plugins.lock.json")
    .argument("<name>", "a plugin name, or the package's spec as listed")
    .requiredOption("-c, --config <file>", "analysis config to edit")
    .action(async (name: string, flags: { config: string }) => {
      console.log(`Removed ${await pluginsRemoveAction(name, flags)}`);
    });
  plugins.command("check")
    .description("Run the contract's conformance checks on a plugin package")
    .argument("<spec>", "a local path (folder or module), file:// URL, or npm:/jsr: specifier")
    .option("-c, --config <file>", "analysis config (relative specs start from its folder)")
    .option("--json", "print JSON")
    .action(async (spec: string, flags: { config?: string; json?: boolean }) => {
      const code = await pluginsCheckAction(spec, flags);
      if (code !== 0) throw new CommandExit(code);
    });
  return plugins;
}

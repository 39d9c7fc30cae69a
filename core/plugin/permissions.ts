/**
 * Least privilege for processing: the Deno permissions a run needs, derived from its config
 * (inputs, config and plugin folders, output and store, the executor's commands), turned into
 * `--allow-*` flags, and the error a plugin gets when it reaches beyond them.
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadedConfig } from "../config/load_config.ts";
import { resolveFrom } from "../config/load_config.ts";
import {
  type BuiltDataset,
  filterDatasets,
  normaliseDataset,
  readBuiltDatasets,
} from "../datasets/built_dataset.ts";
import { RistrettoError } from "../errors/ristretto_error.ts";
import { pluginSpecUse, resolvePluginSpecifier } from "./load_plugins.ts";

/** One permission: every target (`"all"`), or only these (an empty list denies it). */
export type Grant = "all" | readonly string[];

/** The permissions of a sandboxed run, one grant per Deno permission. */
export interface PermissionSet {
  /** Absolute paths (files or folders) that may be read. */
  readonly read: Grant;
  /** Absolute paths that may be written. */
  readonly write: Grant;
  /** Hosts (`host` or `host:port`) that may be reached. */
  readonly net: Grant;
  /** Programs that may be started (names looked up in PATH, or absolute paths). */
  readonly run: Grant;
  /** Environment variables that may be read. */
  readonly env: Grant;
  /** System information (hostname, memory, CPU count) that may be read. */
  readonly sys: Grant;
  /** Native libraries that may be loaded (npm packages' Node-API modules). */
  readonly ffi: Grant;
}

/** The permissions a user adds in the config's `permissions:` section. */
export interface PermissionGrants {
  readonly read?: readonly string[];
  readonly write?: readonly string[];
  readonly net?: readonly string[];
  readonly run?: readonly string[];
  /** Native-library paths (only callers grant these: e.g. a batch pool's own Deno cache). */
  readonly ffi?: readonly string[];
}

/** Options of {@link derivePermissions}. */
export interface DerivePermissionsOptions {
  /** The executor's name (`local`, `local-workers`, `slurm`, `htcondor`, `dask`). */
  readonly executor: string;
  /** The output folder. */
  readonly output: string;
  /** The result store. */
  readonly store: string;
  /** The repository the CLI runs from (default: this checkout). */
  readonly projectRoot?: string;
  /** Deno's cache folder (default: DENO_DIR, else the platform's cache folder). */
  readonly denoDir?: string;
  /** The run's dataset filters (`--filter-samples`, `--filter-years`). */
  readonly filterSamples?: readonly string[];
  readonly filterYears?: readonly string[];
  /** Extra grants the caller knows of (corrections folder, fonts, a batch system's files). */
  readonly extra?: PermissionGrants;
  /** The programs of the executor (default: {@link executorCommands}). */
  readonly commands?: readonly string[];
}

/** The folder of this checkout: cli/, core/, plugins/, executors/ live there. */
export const PROJECT_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The folders of the project a run imports code or reads shipped data from. */
const PROJECT_FOLDERS = ["cli", "core", "plugins", "executors", "configs/params"];

/**
 * The programs an executor starts: none in-process; this Deno for the worker pool; the batch
 * system's clients otherwise (exactly those the adapters in executors/batch run).
 */
export function executorCommands(
  executor: string,
  options: { condorBin?: string; python?: string } = {},
): string[] {
  const inBin = (name: string) => (options.condorBin ? join(options.condorBin, name) : name);
  switch (executor) {
    case "local":
      return [];
    case "local-workers":
      return [Deno.execPath()];
    case "slurm":
      return ["sbatch", "scontrol", "scancel"];
    case "htcondor":
      return [inBin("condor_submit"), inBin("condor_rm")];
    case "dask":
      return [options.python ?? "/usr/bin/python3"];
    default:
      return [];
  }
}

/** Deno's cache folder: DENO_DIR, else the platform's cache folder (where npm packages live). */
export function denoCacheDir(): string {
  const env = (name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  };
  const fromEnv = env("DENO_DIR");
  if (fromEnv) return resolve(fromEnv);
  const home = env("HOME") ?? env("USERPROFILE") ?? "/";
  if (Deno.build.os === "darwin") return join(home, "Library", "Caches", "deno");
  if (Deno.build.os === "windows") return join(env("LOCALAPPDATA") ?? home, "deno");
  return join(env("XDG_CACHE_HOME") ?? join(home, ".cache"), "deno");
}

const REMOTE = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The host a remote input is read from (any port: XRootD redirects to other ports), or undefined for a local path. */
export function inputHost(url: string): string | undefined {
  if (!REMOTE.test(url) || /^file:/i.test(url)) return undefined;
  const hostname = new URL(url).hostname;
  return hostname.replace(/^\[(.*)\]$/, "$1") || undefined;
}

/**
 * The permissions a run of `loaded` needs. Read: the config's folder, its parameter and dataset
 * files, the folders of local inputs, of the analysis module and of local plugins, the project's
 * code, Deno's cache (npm packages read their own files), the output and the store. Write: the
 * output and the store. Net: the hosts of remote inputs. Run: the executor's programs. Env and
 * sys: all (npm libraries read both; see the README's "Permissions"). FFI: the npm cache only
 * (Node-API modules of LZMA and the PNG renderer). The config's `permissions:` adds to these.
 */
export async function derivePermissions(
  loaded: LoadedConfig,
  options: DerivePermissionsOptions,
): Promise<PermissionSet> {
  const { config, baseDir } = loaded;
  const root = options.projectRoot ?? PROJECT_ROOT;
  const denoDir = options.denoDir ?? denoCacheDir();
  const read = new Set<string>([
    resolve(loaded.document.file),
    baseDir,
    ...PROJECT_FOLDERS.map((folder) => join(root, folder)),
    denoDir,
    resolve(options.output),
    resolve(options.store),
  ]);
  const write = new Set<string>([resolve(options.output), resolve(options.store)]);
  // Skimmed files in a folder of their own (a relative one is inside the output).
  const skimFolder = config.skimOutput?.enabled
    ? resolve(options.output, config.skimOutput.folder)
    : "";
  if (skimFolder) [read, write].forEach((set) => set.add(skimFolder));
  const net = new Set<string>();
  // Skimmed NanoAOD may go to an absolute folder (a relative one is inside the output).
  const skims = (config as { skimOutput?: { folder?: string } }).skimOutput?.folder;
  if (skims !== undefined) {
    const folder = resolve(resolve(options.output), skims);
    read.add(folder);
    write.add(folder);
  }
  for (const layer of config.parameters) {
    if (typeof layer === "string") read.add(resolveFrom(baseDir, layer));
  }
  // Paths in merged parameters (correction payloads, golden JSONs given absolute).
  for (const path of absolutePathsIn(loaded.parameters)) read.add(path);
  if (config.module) read.add(dirname(resolveFrom(baseDir, config.module)));
  for (const spec of config.plugins ?? []) {
    const resolved = resolvePluginSpecifier(pluginSpecUse(spec), { baseDir });
    if (resolved.startsWith("file:")) read.add(pluginPackageRoot(fileURLToPath(resolved)));
  }
  const datasets: BuiltDataset[] = [];
  for (const file of config.datasets.jsons) {
    const path = resolveFrom(baseDir, file);
    read.add(path);
    datasets.push(...await readBuiltDatasets(path));
  }
  for (const [name, entry] of Object.entries(config.datasets.inline)) {
    datasets.push(normaliseDataset(name, entry, { file: loaded.document.file, baseDir }));
  }
  const kept = filterDatasets(filterDatasets(datasets, config.datasets.filter), {
    samples: options.filterSamples,
    years: options.filterYears,
  });
  for (const dataset of kept) {
    for (const file of dataset.files) {
      const host = inputHost(file);
      if (host) net.add(host);
      else read.add(dirname(file.startsWith("file:") ? fileURLToPath(file) : resolve(file)));
    }
  }
  const granted = config.permissions ?? {};
  const extra = options.extra ?? {};
  const paths = (list: readonly string[] | undefined) =>
    (list ?? []).map((path) => (path === "*" ? path : resolveFrom(baseDir, path)));
  const run = new Set([
    ...(options.commands ?? executorCommands(options.executor)),
    ...(extra.run ?? []),
    ...(granted.run ?? []),
  ]);
  return {
    read: outermost(grant(read, paths(extra.read), paths(granted.read))),
    write: outermost(grant(write, paths(extra.write), paths(granted.write))),
    net: grant(net, extra.net ?? [], granted.net ?? []),
    run: grant(run),
    env: "all",
    sys: "all",
    ffi: grant([join(denoDir, "npm")], extra.ffi ?? []),
  };
}

/**
 * The folder of a local plugin package: the entry's folder, or its parent when that holds the
 * package's manifest (`src/mod.ts` beside `deno.json`): the package's own imports are read too.
 */
export function pluginPackageRoot(entry: string): string {
  const folder = dirname(entry);
  const parent = dirname(folder);
  const isPackage = (dir: string) =>
    ["deno.json", "deno.jsonc", "package.json"].some((name) => {
      try {
        return existsSync(join(dir, name));
      } catch {
        return false; // not readable here (inside a sandbox): not granted either
      }
    });
  return !isPackage(folder) && isPackage(parent) && parent !== folder ? parent : folder;
}

/** The set's targets, sorted and without duplicates; `"*"` anywhere grants all. */
function grant(...lists: Iterable<string>[]): Grant {
  const all = new Set<string>();
  for (const list of lists) for (const item of list) all.add(item);
  if (all.has("*")) return "all";
  return [...all].sort();
}

/** The paths of a grant without those inside another of its paths (shorter flags, same access). */
function outermost(paths: Grant): Grant {
  if (paths === "all") return paths;
  const kept: string[] = [];
  const byLength = [...paths].sort((a, b) => a.length - b.length);
  for (const path of byLength) {
    const inside = (folder: string) =>
      path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
    if (!kept.some(inside)) kept.push(path);
  }
  return kept.sort();
}

/** Absolute paths among the string values of a parameters tree. */
function absolutePathsIn(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string") {
    if (isAbsolute(value) && !value.includes("\n")) found.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) absolutePathsIn(item, found);
  } else if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) absolutePathsIn(item, found);
  }
  return found;
}

/** The set without `run`: what `work` jobs get (they start no programs). */
export function workerPermissions(set: PermissionSet): PermissionSet {
  return { ...set, run: [] };
}

const FLAG_ORDER = ["read", "write", "net", "env", "sys", "run", "ffi"] as const;

/**
 * The `--allow-*` flags of a set: `--allow-read=/a,/b` for lists, `--allow-read` for `"all"`,
 * nothing for an empty list (denied). Deno splits the lists at commas with no escape, so a path
 * with a comma is granted through its nearest folder without one.
 */
export function permissionFlags(set: PermissionSet): string[] {
  const flags: string[] = [];
  for (const name of FLAG_ORDER) {
    const value = set[name];
    if (value === "all") flags.push(`--allow-${name}`);
    else if (value.length > 0) {
      const items = new Set(value.map((item) => (item.includes(",") ? withoutComma(item) : item)));
      flags.push(`--allow-${name}=${[...items].join(",")}`);
    }
  }
  return flags;
}

/** The nearest folder of `path` whose path has no comma. */
function withoutComma(path: string): string {
  let folder = path;
  while (folder.includes(",")) folder = dirname(folder);
  return folder;
}

// ---------------------------------------------------------------------------------------------
// The error of an overreach.

/** A Deno permission a run was denied. */
export type PermissionName = "read" | "write" | "net" | "env" | "sys" | "run" | "ffi";

/** Who reached beyond the run's permissions: a plugin, a plugin package, or Ristretto itself. */
export interface PermissionCulprit {
  /** The plugin's name, the package's spec, or the command (`ristretto run`). */
  readonly name: string;
  /** The plugin's kind, `package` for a plugin package being loaded, none for a command. */
  readonly kind?: string;
}

/**
 * A run reached beyond its permissions: names the plugin (or the command), the permission and
 * the path or host, and says how to grant more. Code `PERMISSION_DENIED`.
 */
export class PermissionError extends RistrettoError {
  /** The plugin (or command) that was denied. */
  readonly culprit: PermissionCulprit;
  readonly permission: PermissionName;
  /** The path, host, program or variable asked for. */
  readonly target: string;

  constructor(
    denial: { culprit: PermissionCulprit; permission: PermissionName; target: string },
    options?: { cause?: unknown },
  ) {
    const { culprit, permission, target } = denial;
    const who = culprit.kind === "package"
      ? `load plugin package "${culprit.name}"`
      : culprit.kind
      ? `run plugin "${culprit.name}" (${culprit.kind})`
      : `run "${culprit.name}"`;
    super(
      "PERMISSION_DENIED",
      `Cannot ${who}: it needs ${permission} access to "${target}", ${NOT_GRANTED}. ${
        howToGrant(permission)
      }`,
      options,
    );
    this.culprit = culprit;
    this.permission = permission;
    this.target = target;
  }
}

const NOT_GRANTED = "which this run does not grant";

function howToGrant(permission: PermissionName): string {
  return ["read", "write", "net", "run"].includes(permission)
    ? `Grant it with permissions.${permission} in the analysis config or run with --unsandboxed`
    : "Run with --unsandboxed to grant it";
}

const DENO_DENIAL = /Requires (\w+) access to "?([^"]*?)"?(?:,| run again|$)/;
const DENIAL_AT_START = new RegExp(`^${DENO_DENIAL.source}`);
const NODE_LOOKUP_DENIAL = /getaddrinfo EPERM ([^\s)]+)/;

/**
 * The PermissionError for `error` when it (or one of its causes) is Deno's refusal of a
 * permission (`NotCapable`, `PermissionDenied` with Deno's wording), naming `culprit`; an
 * existing PermissionError is returned as is (the innermost plugin is the culprit); otherwise
 * undefined.
 */
export function permissionErrorFrom(
  error: unknown,
  culprit: PermissionCulprit,
): PermissionError | undefined {
  let who = culprit;
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof PermissionError) return current;
    // A plugin package whose import was refused is the culprit (the loader names it).
    const failedImport = current instanceof RistrettoError && current.code === "PLUGIN_IMPORT"
      ? /^Cannot load plugin package "([^"]+)"/.exec(current.message)
      : null;
    if (failedImport) who = { name: failedImport[1], kind: "package" };
    // NotCapable for calls; imports of files outside the grant throw TypeError, same wording.
    const match = current instanceof Error ? DENIAL_AT_START.exec(current.message) : null;
    if (match) {
      const permission = match[1] as PermissionName;
      return new PermissionError({ culprit: who, permission, target: match[2] }, { cause: error });
    }
    // node:net and node:dns report a refused host as a failed lookup, EPERM.
    const lookup = current instanceof Error ? NODE_LOOKUP_DENIAL.exec(current.message) : null;
    if (lookup) {
      return new PermissionError({ culprit: who, permission: "net", target: lookup[1] }, {
        cause: error,
      });
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * True when an error message (e.g. a failed work item's, from a worker process) reports a
 * permission the run does not grant: such failures are not transient, and the CLI exits on them.
 */
export function isPermissionDenial(message: string): boolean {
  return message.includes(NOT_GRANTED) || DENO_DENIAL.test(message) ||
    NODE_LOOKUP_DENIAL.test(message);
}

// ---------------------------------------------------------------------------------------------
// Guarding plugins: a denial inside a plugin's code names the plugin.

/**
 * `plugin` seen through a proxy whose methods turn a permission denial (thrown, rejected, or
 * thrown by a returned async generator) into a {@link PermissionError} naming the plugin.
 * Methods run with the plugin itself as `this` (private fields keep working).
 */
export function guardPlugin<P extends { readonly name: string; readonly kind: string }>(
  plugin: P,
): P {
  const culprit = { name: plugin.name, kind: plugin.kind };
  const rethrow = (error: unknown): never => {
    throw permissionErrorFrom(error, culprit) ?? error;
  };
  const guarded = new Map<PropertyKey, { original: unknown; guard: unknown }>();
  const guardMethod = (method: (...args: unknown[]) => unknown) =>
    function (...args: unknown[]): unknown {
      let result: unknown;
      try {
        result = method.apply(plugin, args);
      } catch (error) {
        rethrow(error);
      }
      if (result instanceof Promise) return result.catch(rethrow);
      if (Object.prototype.toString.call(result) === "[object AsyncGenerator]") {
        return guardAsyncIterable(result as AsyncGenerator<unknown>, rethrow);
      }
      return result;
    };
  // A fresh target: a frozen plugin's own properties would forbid returning wrapped methods.
  return new Proxy(Object.create(null) as P, {
    get(_target, key) {
      const value = Reflect.get(plugin, key, plugin);
      if (typeof value !== "function" || key === "constructor") return value;
      const known = guarded.get(key);
      if (known?.original === value) return known.guard;
      const guard = guardMethod(value as (...args: unknown[]) => unknown);
      guarded.set(key, { original: value, guard });
      return guard;
    },
    set: (_target, key, value) => Reflect.set(plugin, key, value),
    has: (_target, key) => Reflect.has(plugin, key),
    ownKeys: () => Reflect.ownKeys(plugin),
    getOwnPropertyDescriptor(_target, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(plugin, key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(plugin),
  });
}

async function* guardAsyncIterable<T>(
  source: AsyncGenerator<T>,
  rethrow: (error: unknown) => never,
): AsyncGenerator<T> {
  try {
    return yield* source;
  } catch (error) {
    rethrow(error);
  }
}

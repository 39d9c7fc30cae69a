import { InputError } from "../errors/ristretto_error.ts";
import { didYouMean } from "../errors/did_you_mean.ts";
import { type AnyPlugin, API_VERSION, type ByteSourceProvider, type Reader } from "./types.ts";
import { guardPlugin } from "./permissions.ts";

/** Plugin kinds whose version or settings can change the result of a work item. */
const RESULT_KINDS = new Set(["reader", "calibrator", "weight", "cut", "variable"]);

export type { AnyPlugin };

/**
 * The explicit set of plugins a run uses. Passed around, never global: two analyses in one
 * process can use different plugins.
 */
export class Registry {
  #plugins = new Map<string, Map<string, AnyPlugin>>();

  /**
   * Adds a plugin, checking its API version; a second plugin of the same kind and name replaces
   * nothing and is an error. Its methods are guarded: a permission the run does not grant turns
   * into a PermissionError naming the plugin (core/plugin/permissions.ts).
   */
  add(plugin: AnyPlugin): this {
    if (Math.floor(plugin.apiVersion) !== API_VERSION) {
      throw new InputError(
        "PLUGIN_API_VERSION",
        `Cannot register plugin "${plugin.name}" ${plugin.version}: it targets plugin API ${plugin.apiVersion}, this Ristretto supports API ${API_VERSION}`,
      );
    }
    const ofKind = this.#plugins.get(plugin.kind) ?? new Map<string, AnyPlugin>();
    if (ofKind.has(plugin.name)) {
      throw new InputError(
        "PLUGIN_DUPLICATE",
        `Cannot register plugin "${plugin.name}": a ${plugin.kind} plugin of that name is already registered`,
      );
    }
    // Guarded: a permission the run does not grant, denied inside the plugin, names the plugin.
    ofKind.set(plugin.name, guardPlugin(plugin));
    this.#plugins.set(plugin.kind, ofKind);
    return this;
  }

  /** All plugins of one kind, in registration order. */
  all<P extends AnyPlugin = AnyPlugin>(kind: string): P[] {
    return [...(this.#plugins.get(kind)?.values() ?? [])] as P[];
  }

  /** The plugin of `kind` called `name`, or an error with "did you mean". */
  get<P extends AnyPlugin = AnyPlugin>(kind: string, name: string): P {
    const plugin = this.#plugins.get(kind)?.get(name);
    if (!plugin) {
      const known = [...(this.#plugins.get(kind)?.keys() ?? [])];
      throw new InputError(
        "PLUGIN_UNKNOWN",
        `Cannot find ${kind} plugin "${name}"${didYouMean(name, known)}; registered: ${
          known.join(", ") || "none"
        }`,
      );
    }
    return plugin as P;
  }

  /** The reader that accepts `url` (by extension or first bytes). */
  readerFor(url: string, firstBytes?: Uint8Array): Reader {
    const reader = this.all<Reader>("reader").find((candidate) =>
      candidate.canRead(url, firstBytes)
    );
    if (!reader) {
      throw new InputError(
        "PLUGIN_NO_READER",
        `Cannot read "${url}": no registered reader understands it (readers: ${
          this.all("reader").map((r) => r.name).join(", ") || "none"
        })`,
      );
    }
    return reader;
  }

  /** The byte-source provider for the URL's scheme (`file` for plain paths). */
  byteSourceFor(url: string): ByteSourceProvider | undefined {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase() ?? "file";
    return this.all<ByteSourceProvider>("byte-source").find((provider) =>
      provider.schemes.includes(scheme)
    );
  }

  /**
   * name@version#cacheKey of every plugin that can change a work item's result (readers,
   * calibrators, weights, cuts), sorted: enters the work-item hash. Where the bytes come from,
   * where the work runs and how outputs are drawn do not change results, so byte sources,
   * dataset sources, executors, plotters and writers stay out of it. `parameters` (the run's
   * merged parameters) go to each cacheKey.
   */
  fingerprint(parameters?: Readonly<Record<string, unknown>>): string[] {
    const entries: string[] = [];
    for (const [kind, plugins] of this.#plugins) {
      if (!RESULT_KINDS.has(kind)) continue;
      for (const plugin of plugins.values()) {
        entries.push(
          `${kind}:${plugin.name}@${plugin.version}${
            plugin.cacheKey ? `#${plugin.cacheKey(parameters)}` : ""
          }`,
        );
      }
    }
    return entries.sort();
  }
}

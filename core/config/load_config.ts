import { dirname, isAbsolute, resolve } from "node:path";
import { readFile } from "node:fs/promises";
import { ConfigError, type SourcePosition } from "./config_error.ts";
import { mergeParameters, type Parameters } from "./parameters.ts";
import { type AnalysisConfig, AnalysisConfigSchema } from "./schema.ts";
import { validateDocument } from "./validate_config.ts";
import { type LocatedDocument, parseLocatedYaml } from "./yaml_document.ts";

/** A validated analysis configuration, with where it came from. */
export interface LoadedConfig {
  readonly config: AnalysisConfig;
  /** The parsed file: locate() turns a path in the config into file:line:column. */
  readonly document: LocatedDocument;
  /** Folder of the config file: relative paths in it are relative to this. */
  readonly baseDir: string;
  /** The merged parameters (defaults, then the analysis's layers). */
  readonly parameters: Parameters;
  /** The config file's text, for hashing. */
  readonly text: string;
}

/** Options of loadAnalysisConfig. */
export interface LoadConfigOptions {
  /** Parameter files applied before the analysis's own layers (e.g. shipped period defaults). */
  defaultParameterFiles?: readonly string[];
}

/**
 * Reads, parses and validates an analysis configuration file; every problem is a ConfigError
 * naming file:line:column.
 */
export async function loadAnalysisConfig(
  path: string,
  options: LoadConfigOptions = {},
): Promise<LoadedConfig> {
  const text = await readConfigText(path);
  const document = parseLocatedYaml(path, text);
  const config = validateDocument(document, AnalysisConfigSchema);
  const baseDir = dirname(resolve(path));
  let parameters: Parameters = {};
  for (const file of options.defaultParameterFiles ?? []) {
    parameters = mergeParameters(parameters, await readParameterFile(file));
  }
  for (const [index, layer] of config.parameters.entries()) {
    if (typeof layer === "string") {
      const file = resolveFrom(baseDir, layer);
      parameters = mergeParameters(
        parameters,
        await readParameterFile(file, () => document.locate(["parameters", index])),
      );
    } else {
      parameters = mergeParameters(parameters, layer);
    }
  }
  return { config, document, baseDir, parameters, text };
}

/**
 * A configuration from text already in memory (tests, generated configs); parameter layers
 * must be inline maps, and relative paths resolve against `baseDir` (default: the cwd).
 */
export function configFromText(
  file: string,
  text: string,
  options: { baseDir?: string; parameters?: Parameters } = {},
): LoadedConfig {
  const document = parseLocatedYaml(file, text);
  const config = validateDocument(document, AnalysisConfigSchema);
  let parameters: Parameters = options.parameters ?? {};
  for (const layer of config.parameters) {
    if (typeof layer === "string") {
      throw new ConfigError(
        "CONFIG_INVALID",
        `Cannot load config "${file}": parameter files need loadAnalysisConfig`,
      );
    }
    parameters = mergeParameters(parameters, layer);
  }
  return { config, document, baseDir: options.baseDir ?? Deno.cwd(), parameters, text };
}

/** A path from the config resolved against the config's folder (absolute paths kept). */
export function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/**
 * The text of a configuration file (`what`: "config", "parameter file", "run options"), or a
 * ConfigError naming it - at `position` when another file refers to it there.
 */
export async function readConfigText(
  file: string,
  options: { what?: string; position?: SourcePosition } = {},
): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    throw new ConfigError(
      "CONFIG_READ",
      `Cannot read ${options.what ?? "config"} "${file}": ${(cause as Error).message}`,
      { cause, position: options.position },
    );
  }
}

async function readParameterFile(
  file: string,
  referencedFrom?: () => SourcePosition,
): Promise<Parameters> {
  const text = await readConfigText(file, {
    what: "parameter file",
    position: referencedFrom?.(),
  });
  const value = parseLocatedYaml(file, text).value;
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(
      "CONFIG_INVALID",
      `Cannot load parameter file "${file}": expected a mapping at the top level`,
      { position: { file, line: 1, column: 1 } },
    );
  }
  return value as Parameters;
}

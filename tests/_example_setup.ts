/**
 * The default example on small generated data in a temporary folder: the shipped config text
 * with its data paths pointed there, so the test runs exactly what `deno task run` runs.
 * @module
 */
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { generateExampleData } from "../configs/generate.ts";
import { loadAnalysisConfig, type LoadedConfig } from "@ristretto/core/config";

/** The example config as shipped. */
export const EXAMPLE_CONFIG = fileURLToPath(
  new URL("../configs/example/analysis.yaml", import.meta.url),
);
/** The shipped per-period parameters (the CLI layers the analysis's own on top). */
export const DEFAULT_PARAMETERS = fileURLToPath(
  new URL("../configs/params/defaults.yaml", import.meta.url),
);
/** Loads an analysis config as `run` does: the shipped parameters under its own. */
export function loadAsRun(configPath: string): Promise<LoadedConfig> {
  return loadAnalysisConfig(configPath, { defaultParameterFiles: [DEFAULT_PARAMETERS] });
}

/** The CLI entry point, for subprocess runs. */
export const CLI_MAIN = fileURLToPath(new URL("../cli/main.ts", import.meta.url));

/** Options of {@link cliCommand}: those of Deno.Command, plus Deno's own flags. */
export interface CliCommandOptions extends Omit<Deno.CommandOptions, "args"> {
  /** Flags for `deno run` before the script (after `-A --no-prompt`), e.g. `--no-lock`. */
  readonly denoFlags?: readonly string[];
}

/**
 * The CLI as a subprocess: `deno run -A --no-prompt <denoFlags> cli/main.ts <args>`, to
 * `.output()` or `.spawn()`; stdout and stderr are piped unless the options say otherwise.
 */
export function cliCommand(args: readonly string[], options: CliCommandOptions = {}): Deno.Command {
  const { denoFlags = [], ...command } = options;
  return new Deno.Command(Deno.execPath(), {
    stdout: "piped",
    stderr: "piped",
    ...command,
    args: ["run", "-A", "--no-prompt", ...denoFlags, CLI_MAIN, ...args],
  });
}

/** Where the example's config points for its generated data. */
const EXAMPLE_DATA_REFERENCE = "../../.cache/example-data/";

/** A generated example in a temporary folder. */
export interface ExampleSetup {
  /** The temporary folder (remove it when done). */
  readonly dir: string;
  /** The generated data: datasets.json, params.yaml, one folder per process. */
  readonly dataDir: string;
  /** The example config rewritten to read the data above. */
  readonly configPath: string;
  readonly configText: string;
  /** The built-dataset JSON. */
  readonly datasetsJson: string;
  /** Luminosity (pb^-1) of the pseudo-data, as the generator wrote it in params.yaml. */
  readonly lumi: number;
  /** The flat JES uncertainty of the parameters (the example's layer, else the defaults). */
  readonly jesUncertainty: number;
}

/**
 * Generates small example data (sizes as for `deno task generate --scale`, or per process) in
 * a new temporary folder and writes the example config beside it.
 */
export async function setUpExample(
  options: { scale?: number; events?: Record<string, number>; files?: number } = {},
): Promise<ExampleSetup> {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_e2e_" });
  try {
    const dataDir = `${dir}/data`;
    await generateExampleData({
      out: dataDir,
      scale: options.scale ?? 1,
      events: options.events,
      files: options.files ?? 2,
      verbose: false,
    });
    const shipped = await Deno.readTextFile(EXAMPLE_CONFIG);
    if (!shipped.includes(EXAMPLE_DATA_REFERENCE)) {
      throw new Error(
        `${EXAMPLE_CONFIG} no longer reads ${EXAMPLE_DATA_REFERENCE}: update the test`,
      );
    }
    const configText = shipped.replaceAll(EXAMPLE_DATA_REFERENCE, `${dataDir}/`);
    const configPath = `${dir}/analysis.yaml`;
    await Deno.writeTextFile(configPath, configText);
    type Parameters = {
      lumi?: { picobarn?: Record<string, number> };
      jets?: { jesFlatUncertainty?: number };
    };
    const params = parseYaml(await Deno.readTextFile(`${dataDir}/params.yaml`)) as Parameters;
    const defaults = parseYaml(await Deno.readTextFile(DEFAULT_PARAMETERS)) as Parameters;
    const lumi = params.lumi?.picobarn?.["2018"] ?? NaN;
    if (!(lumi > 0)) throw new Error(`no 2018 luminosity in ${dataDir}/params.yaml`);
    const jesUncertainty = params.jets?.jesFlatUncertainty ??
      defaults.jets?.jesFlatUncertainty ?? NaN;
    if (!(jesUncertainty > 0)) throw new Error(`no jets.jesFlatUncertainty in the parameters`);
    return {
      dir,
      dataDir,
      configPath,
      configText,
      datasetsJson: `${dataDir}/datasets.json`,
      lumi,
      jesUncertainty,
    };
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
}

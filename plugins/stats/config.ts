/**
 * The statistical model declared in YAML (e.g. configs/example/stats.yaml): channels,
 * processes, systematics, data. Problems are reported as `file:line:column: Cannot ...` like
 * the analysis config.
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { ConfigError, parseLocatedYaml, validateDocument } from "@ristretto/core/config";
import { didYouMean } from "@ristretto/core/errors";

const Rebin = z.union([z.number().int().positive(), z.array(z.number()).min(2)]);

const ChannelSchema = z.strictObject({
  /** Channel name (default: the category). */
  name: z.string().regex(/^[A-Za-z0-9_]+$/).optional(),
  /** Analysis category (value of the `cat` axis). */
  category: z.string(),
  /** Histogram name (histograms/<name>.json). */
  histogram: z.string(),
  /** Merge this many bins, or keep only these edges (a subset of the histogram's). */
  rebin: Rebin.optional(),
  /** Keep the bins inside [low, high] (edges must coincide with bin edges). */
  range: z.tuple([z.number(), z.number()]).optional(),
  /** Add the underflow/overflow contents to the first/last bin (default false). */
  flow: z.boolean().optional(),
});

const ProcessSchema = z.strictObject({
  /** Analysis samples summed into the process. */
  samples: z.array(z.string()).min(1),
  /** True for the signal (scaled by the POI). */
  signal: z.boolean().optional(),
});

const LnNValue = z.union([
  z.number().positive(),
  z.tuple([z.number().positive(), z.number().positive()]),
]);

const SystematicSchema = z.discriminatedUnion("type", [
  z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_]+$/),
    type: z.literal("lnN"),
    /** Process -> kappa (symmetric) or [kappaDown, kappaUp]. */
    processes: z.record(z.string(), LnNValue),
    /** Only in these channels (default all). */
    channels: z.array(z.string()).optional(),
  }),
  z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_]+$/),
    type: z.literal("shape"),
    /** Variation name on the variation axis (default the name): `<variation>Up/Down`. */
    variation: z.string().optional(),
    /** Processes it applies to (default every process whose samples have the variation). */
    processes: z.array(z.string()).optional(),
    channels: z.array(z.string()).optional(),
  }),
]);

/** The zod schema of a stats YAML file. */
export const StatsConfigSchema = z.strictObject({
  name: z.string().default("fit"),
  description: z.string().optional(),
  /** Parameter of interest. */
  poi: z.strictObject({
    name: z.string().default("mu"),
    init: z.number().default(1),
    bounds: z.tuple([z.number(), z.number()]).default([0, 10]),
  }).default({ name: "mu", init: 1, bounds: [0, 10] }),
  /** Luminosity uncertainty (relative): a lumi modifier on every MC process. */
  lumi: z.strictObject({ uncertainty: z.number().positive() }).optional(),
  channels: z.array(ChannelSchema).min(1),
  processes: z.record(z.string().regex(/^[A-Za-z0-9_]+$/), ProcessSchema),
  systematics: z.array(SystematicSchema).default([]),
  /** Bin-by-bin MC statistics (staterror / autoMCStats); default enabled. */
  mcStats: z.strictObject({
    enabled: z.boolean().default(true),
    /** Combine's autoMCStats event threshold. */
    threshold: z.number().nonnegative().default(0),
  }).default({ enabled: true, threshold: 0 }),
  /** Observed data: real samples, or the Asimov dataset of the model at POI = 1. */
  data: z.union([
    z.strictObject({ samples: z.array(z.string()).min(1) }),
    z.strictObject({ asimov: z.literal(true) }),
  ]),
});

/** A validated stats config. */
export type StatsConfig = z.output<typeof StatsConfigSchema>;
/** One channel of a {@link StatsConfig}. */
export type StatsChannel = z.output<typeof ChannelSchema>;
/** One systematic of a {@link StatsConfig}. */
export type StatsSystematic = z.output<typeof SystematicSchema>;

/** A loaded stats config with where it came from. */
export interface LoadedStatsConfig {
  readonly config: StatsConfig;
  readonly file: string;
}

/**
 * Parses and validates a stats config from text; `file` is used in error messages.
 * Cross-references (processes named by systematics, channel names, one signal) are checked
 * too, each error at the line and column of the offending entry.
 *
 * @example
 * ```ts
 * import { statsConfigFromText } from "./config.ts";
 * const config = statsConfigFromText("s.yaml", [
 *   "channels: [{category: sr, histogram: ht}]",
 *   "processes: {sig: {samples: [S], signal: true}, bkg: {samples: [B]}}",
 *   "data: {asimov: true}",
 * ].join("\n"));
 * if (config.poi.name !== "mu") throw new Error();
 * ```
 */
export function statsConfigFromText(file: string, text: string): StatsConfig {
  const document = parseLocatedYaml(file, text);
  const config = validateDocument(document, StatsConfigSchema);
  const at = (path: (string | number)[], message: string, key = false): never => {
    throw new ConfigError("CONFIG_INVALID", `Cannot load stats config "${file}": ${message}`, {
      position: document.locate(path, { key }),
    });
  };
  const processNames = Object.keys(config.processes);
  if (processNames.length === 0) at(["processes"], "processes: at least one process is needed");
  const signals = processNames.filter((p) => config.processes[p].signal);
  if (signals.length === 0) {
    at(["processes"], "processes: no process has `signal: true` (the POI scales the signal)");
  }
  const channelNames = new Set<string>();
  config.channels.forEach((channel, i) => {
    const name = channel.name ?? channel.category;
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      at(
        ["channels", i, "category"],
        `channels[${i}]: "${name}" cannot name a channel (use name:)`,
      );
    }
    if (channelNames.has(name)) {
      at(["channels", i], `channels[${i}]: channel "${name}" appears twice`);
    }
    channelNames.add(name);
    if (channel.range && !(channel.range[0] < channel.range[1])) {
      at(["channels", i, "range"], `channels[${i}].range: need low < high`);
    }
  });
  const names = new Set<string>();
  config.systematics.forEach((systematic, i) => {
    if (names.has(systematic.name)) {
      at(["systematics", i, "name"], `systematics[${i}]: "${systematic.name}" appears twice`);
    }
    names.add(systematic.name);
    const listed = systematic.type === "lnN"
      ? Object.keys(systematic.processes)
      : systematic.processes ?? [];
    for (const process of listed) {
      if (!processNames.includes(process)) {
        const path = systematic.type === "lnN"
          ? ["systematics", i, "processes", process]
          : ["systematics", i, "processes", listed.indexOf(process)];
        at(
          path,
          `systematics[${i}] (${systematic.name}): unknown process "${process}"${
            didYouMean(process, processNames)
          }`,
          systematic.type === "lnN",
        );
      }
    }
    (systematic.channels ?? []).forEach((channel, j) => {
      if (!channelNames.has(channel)) {
        at(
          ["systematics", i, "channels", j],
          `systematics[${i}] (${systematic.name}): unknown channel "${channel}"${
            didYouMean(channel, [...channelNames])
          }`,
        );
      }
    });
  });
  return config;
}

/** Reads and validates a stats config file. */
export async function loadStatsConfig(path: string): Promise<LoadedStatsConfig> {
  const file = isAbsolute(path) ? path : resolve(path);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw new ConfigError("CONFIG_MISSING", `Cannot read stats config "${file}": ${error}`);
  }
  return { config: statsConfigFromText(file, text), file };
}

/** The channel name of a channel entry (its `name`, else its category). */
export function channelName(channel: StatsChannel): string {
  return channel.name ?? channel.category;
}

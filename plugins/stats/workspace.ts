/**
 * The pyhf JSON workspace (HistFactory schema 1.0.0) of a stats config and its templates.
 * @module
 */
import type { StatsConfig } from "./config.ts";
import type { ChannelTemplates } from "./templates.ts";
import type {
  PyhfModifier,
  PyhfParameterConfig,
  PyhfSample,
  PyhfWorkspace,
} from "./workspace_types.ts";

/** Options of {@link buildWorkspace}. */
export interface WorkspaceOptions {
  /** Replace the observations by these counts per channel (e.g. pseudo-data). */
  observations?: Readonly<Record<string, Float64Array>>;
}

/** The staterror modifier name of a channel. */
export function staterrorName(channel: string): string {
  return `staterror_${channel}`;
}

/** The normsys (hi, lo) of an lnN value: kappa -> (kappa, 1/kappa); [down, up] -> (up, down). */
export function lnNFactors(value: number | readonly [number, number]): { hi: number; lo: number } {
  return typeof value === "number" ? { hi: value, lo: 1 / value } : { hi: value[1], lo: value[0] };
}

/**
 * Builds the HistFactory workspace: one channel per stats channel, one sample per process with
 * modifiers normfactor (the POI, on signals), lumi, normsys (lnN), histosys (shape variations,
 * the full up/down templates) and staterror (MC statistics, when enabled), the observations,
 * and one measurement with the POI's bounds and the luminosity constraint.
 */
export function buildWorkspace(
  config: StatsConfig,
  templates: readonly ChannelTemplates[],
  options: WorkspaceOptions = {},
): PyhfWorkspace {
  const channels = templates.map((channel) => {
    const samples: PyhfSample[] = channel.processes.map((process) => {
      const modifiers: PyhfModifier[] = [];
      if (process.signal) modifiers.push({ name: config.poi.name, type: "normfactor", data: null });
      if (config.lumi) modifiers.push({ name: "lumi", type: "lumi", data: null });
      for (const systematic of config.systematics) {
        if (systematic.channels && !systematic.channels.includes(channel.name)) continue;
        if (systematic.type === "lnN") {
          const value = systematic.processes[process.name];
          if (value === undefined) continue;
          modifiers.push({ name: systematic.name, type: "normsys", data: lnNFactors(value) });
        } else {
          const variation = process.variations.get(systematic.name);
          if (!variation) continue;
          modifiers.push({
            name: systematic.name,
            type: "histosys",
            data: { hi_data: [...variation.up], lo_data: [...variation.down] },
          });
        }
      }
      if (config.mcStats.enabled) {
        modifiers.push({
          name: staterrorName(channel.name),
          type: "staterror",
          data: Array.from(process.variances, (v) => Math.sqrt(Math.max(0, v))),
        });
      }
      return { name: process.name, data: [...process.nominal], modifiers };
    });
    return { name: channel.name, samples };
  });
  const parameters: PyhfParameterConfig[] = [{
    name: config.poi.name,
    inits: [config.poi.init],
    bounds: [[config.poi.bounds[0], config.poi.bounds[1]]],
  }];
  if (config.lumi) {
    const sigma = config.lumi.uncertainty;
    parameters.push({
      name: "lumi",
      auxdata: [1],
      sigmas: [sigma],
      inits: [1],
      bounds: [[Math.max(0, 1 - 5 * sigma), 1 + 5 * sigma]],
    });
  }
  return {
    channels,
    observations: templates.map((channel) => ({
      name: channel.name,
      data: [...(options.observations?.[channel.name] ?? channel.data)],
    })),
    measurements: [{ name: config.name, config: { poi: config.poi.name, parameters } }],
    version: "1.0.0",
  };
}

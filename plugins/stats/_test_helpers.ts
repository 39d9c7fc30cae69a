/**
 * Test helpers: the HistFactory JSON schema (pyhf 1.0.0) from ../shared/specs, compiled with
 * ajv; pyhf's small validation models turned into workspaces; a minimal datacard reader.
 * @module
 */
import { Ajv } from "ajv";
import { hasSharedSpec, sharedSpecPath } from "@ristretto/core/testing";
import type { PyhfModifier, PyhfSample, PyhfWorkspace } from "./workspace_types.ts";

/** True when the schema folder is there (tests skip otherwise). */
export const schemaPresent: boolean = hasSharedSpec("pyhf-schema-1.0.0/workspace.json");
/** True when the validation models are there. */
export const examplesPresent: boolean = hasSharedSpec("pyhf-examples/1bin_example1.json");

/**
 * A validator of workspaces. The files reference each other by $id (workspace.json ->
 * defs.json): all are added. They declare draft-06, whose keywords used here mean the same in
 * ajv's default draft-07, so the $schema markers are dropped rather than loading a meta-schema.
 */
export function workspaceValidator(): (value: unknown) => string | undefined {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const dir = sharedSpecPath("pyhf-schema-1.0.0/");
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.endsWith(".json")) continue;
    const schema = JSON.parse(Deno.readTextFileSync(dir + entry.name));
    delete schema.$schema;
    ajv.addSchema(schema);
  }
  const validate = ajv.getSchema("https://scikit-hep.org/pyhf/schemas/1.0.0/workspace.json");
  if (!validate) throw new Error("workspace.json schema not found by $id");
  return (value) => validate(value) ? undefined : ajv.errorsText(validate.errors);
}

type BinData = Record<string, number[]>;

function channelData(file: string): Record<string, BinData> {
  const json = JSON.parse(Deno.readTextFileSync(sharedSpecPath(`pyhf-examples/${file}`)));
  if (json.channels) {
    return Object.fromEntries(
      Object.entries(json.channels as Record<string, { bindata: BinData }>).map((
        [name, channel],
      ) => [name, channel.bindata]),
    );
  }
  return { singlechannel: json.bindata as BinData };
}

const mu: PyhfModifier = { name: "mu", type: "normfactor", data: null };

/**
 * The workspace of one validation model; the modifiers follow the model's name (shapesys from
 * `*err`, histosys from `*_up/_dn`, normsys, lumi, shapefactor, staterror).
 */
export function exampleWorkspace(file: string): PyhfWorkspace {
  const channels = channelData(file);
  const lumi = file.includes("lumi");
  const sampleList = (channel: string, data: BinData): PyhfSample[] => {
    const samples: PyhfSample[] = [];
    if (data.sig) {
      samples.push({
        name: "signal",
        data: data.sig,
        modifiers: lumi ? [mu, { name: "lumi", type: "lumi", data: null }] : [mu],
      });
    }
    for (const name of Object.keys(data).filter((k) => /^bkg\d?$/.test(k))) {
      const modifiers: PyhfModifier[] = [];
      if (lumi) modifiers.push({ name: "lumi", type: "lumi", data: null });
      if (file.includes("statex") && data[`${name}err`]) {
        modifiers.push({ name: "stat_firstchannel", type: "staterror", data: data[`${name}err`] });
      } else if (data[`${name}err`]) {
        modifiers.push({
          name: `uncorr_bkguncrt_${channel}`,
          type: "shapesys",
          data: data[`${name}err`],
        });
      }
      if (data[`${name}sys_up`]) {
        modifiers.push({
          name: `${name}_norm`,
          type: "histosys",
          data: { hi_data: data[`${name}sys_up`], lo_data: data[`${name}sys_dn`] },
        });
      }
      if (data[`${name}_up`]) {
        modifiers.push({
          name: name === "bkg1" ? "coupled_histosys" : `${name}_${channel}_histosys`,
          type: "histosys",
          data: { hi_data: data[`${name}_up`], lo_data: data[`${name}_dn`] },
        });
      }
      if (file.includes("normsys") && name === "bkg") {
        modifiers.push({ name: "bkg_norm", type: "normsys", data: { hi: 1.1, lo: 0.9 } });
      }
      if (file.includes("couplednorm")) {
        modifiers.push(
          name === "bkg1"
            ? { name: "coupled_normsys", type: "normsys", data: { hi: 1.1, lo: 0.9 } }
            : { name: "uncoupled_normsys", type: "normsys", data: { hi: 1.05, lo: 0.95 } },
        );
      }
      if (file.includes("coupledshapefactor") && name === "bkg1") {
        modifiers.push({ name: "coupled_shapefactor", type: "shapefactor", data: null });
      }
      samples.push({ name, data: data[name], modifiers });
    }
    return samples;
  };
  return {
    version: "1.0.0",
    channels: Object.entries(channels).map(([name, data]) => ({
      name,
      samples: sampleList(name, data),
    })),
    observations: Object.entries(channels).map(([name, data]) => ({ name, data: data.data })),
    measurements: [{
      name: "validation",
      config: {
        poi: "mu",
        parameters: lumi
          ? [{ name: "lumi", auxdata: [1], sigmas: [0.02], bounds: [[0.5, 1.5]], inits: [1] }]
          : [],
      },
    }],
  };
}

/** The validation model files. */
export function exampleFiles(): string[] {
  return [...Deno.readDirSync(sharedSpecPath("pyhf-examples/"))].map((e) => e.name).filter((n) =>
    n.endsWith(".json")
  ).sort();
}

/** A minimal datacard reader: enough to check the structure and the numbers. */
export function parseDatacard(text: string): ParsedDatacard {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) =>
    l && !l.startsWith("#") && !l.startsWith("---")
  );
  const words = lines.map((l) => l.split(/\s+/));
  const header = (key: string) => Number(words.find((w) => w[0] === key)?.[1]);
  const binLines = words.filter((w) => w[0] === "bin");
  const processLines = words.filter((w) => w[0] === "process");
  const rate = words.find((w) => w[0] === "rate")!;
  const rateIndex = words.indexOf(rate);
  const systematics = words.slice(rateIndex + 1).filter((w) => w[1] !== "autoMCStats");
  return {
    imax: header("imax"),
    jmax: header("jmax"),
    kmax: header("kmax"),
    shapes: words.find((w) => w[0] === "shapes")!,
    bins: binLines[0].slice(1),
    observation: Number(words.find((w) => w[0] === "observation")![1]),
    processBins: binLines[1].slice(1),
    processes: processLines[0].slice(1),
    indices: processLines[1].slice(1).map(Number),
    rates: rate.slice(1).map(Number),
    systematics: systematics.map((w) => ({ name: w[0], type: w[1], values: w.slice(2) })),
    autoMCStats: words.find((w) => w[1] === "autoMCStats"),
  };
}

/** What {@link parseDatacard} reads. */
export interface ParsedDatacard {
  imax: number;
  jmax: number;
  kmax: number;
  shapes: string[];
  bins: string[];
  observation: number;
  processBins: string[];
  processes: string[];
  indices: number[];
  rates: number[];
  systematics: { name: string; type: string; values: string[] }[];
  autoMCStats: string[] | undefined;
}

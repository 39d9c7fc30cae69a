/**
 * `new plugin NAME [--kind K] [--dir D]`: writes a plugin package folder - deno.json with an
 * import map to this Ristretto's core, mod.ts (Options, defaults, the factory and one working
 * plugin of the kind), conformance.ts (the fixture `plugins check` and the tests use),
 * mod_test.ts (the contract suite and a value checkable by hand) and README.md.
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { didYouMean, InputError } from "@ristretto/core/errors";

/** The kinds the scaffold has a template for. */
export const SCAFFOLD_KINDS = ["weight", "cut", "variable", "calibrator", "reader"] as const;

/** One of {@link SCAFFOLD_KINDS}. */
export type ScaffoldKind = typeof SCAFFOLD_KINDS[number];

/** Options of {@link newPluginAction}. */
export interface NewPluginOptions {
  /** Kind of the plugin the package starts with; default `weight`. */
  readonly kind?: string;
  /** Folder the package folder is created in; default the working directory. */
  readonly dir?: string;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** `my-top-weight` -> `myTopWeight`: the name expressions and configs use for what it provides. */
export function camelName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Writes the package folder `<dir>/<name>` and returns its path. The folder is written beside
 * its final place and renamed into it, so a failure leaves nothing half-written.
 */
export async function newPluginAction(
  name: string,
  options: NewPluginOptions = {},
): Promise<string> {
  if (!KEBAB.test(name)) {
    throw new InputError(
      "SCAFFOLD_NAME",
      `Cannot create plugin "${name}": a plugin name is kebab-case - lower-case letters and ` +
        `digits, words joined by "-", starting with a letter (e.g. "top-pt-weight")`,
    );
  }
  const kind = options.kind ?? "weight";
  if (!(SCAFFOLD_KINDS as readonly string[]).includes(kind)) {
    throw new InputError(
      "SCAFFOLD_KIND",
      `Cannot create plugin "${name}": unknown kind "${kind}"${
        didYouMean(kind, SCAFFOLD_KINDS)
      }; ` +
        `kinds: ${SCAFFOLD_KINDS.join(", ")}`,
    );
  }
  const folder = resolve(options.dir ?? ".", name);
  if (existsSync(folder)) {
    throw new InputError(
      "SCAFFOLD_EXISTS",
      `Cannot create plugin "${name}": "${folder}" already exists; choose another name or --dir`,
    );
  }
  const files = await packageFiles(name, kind as ScaffoldKind, folder);
  const staging = `${folder}.partial-${crypto.randomUUID().slice(0, 8)}`;
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await writeFile(join(staging, path), text);
    }
    await formatFolder(staging);
    await mkdir(dirname(folder), { recursive: true });
    await rename(staging, folder);
  } catch (cause) {
    await rm(staging, { recursive: true, force: true });
    throw new InputError(
      "SCAFFOLD_WRITE",
      `Cannot create plugin "${name}" in "${folder}": ${(cause as Error).message}`,
      { cause },
    );
  }
  return folder;
}

/**
 * Formats the new package with `deno fmt` (its deno.json's settings), so generated lines that
 * a long name made long are wrapped; best effort, the files are valid either way.
 */
async function formatFolder(folder: string): Promise<void> {
  try {
    await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", folder],
      cwd: folder,
      stdout: "null",
      stderr: "null",
    }).output();
  } catch {
    // No permission to run deno: the files stay as generated.
  }
}

/** The `new` command (its one subcommand: `plugin`). */
export function newCommand(): Command {
  const command = new Command("new").description("Create a new item from a template");
  command
    .command("plugin")
    .description("Create a plugin package: deno.json, mod.ts, conformance fixture, tests, README")
    .argument("<name>", "kebab-case plugin name, e.g. top-pt-weight")
    .option("--kind <kind>", `kind of plugin: ${SCAFFOLD_KINDS.join(", ")}`, "weight")
    .option("--dir <dir>", "folder to create the package folder in", ".")
    .action(async (name: string, flags: { kind: string; dir: string }) => {
      const folder = await newPluginAction(name, flags);
      const near = relative(Deno.cwd(), folder);
      const shown = near.startsWith("..") ? folder : near;
      console.log(`Created ${flags.kind} plugin package ${shown}/`);
      console.log(`  cd ${shown} && deno test --allow-read     # its tests and the contract suite`);
      console.log(`  deno task cli plugins check ${join(shown, "mod.ts")}`);
      console.log(`  in an analysis config:  plugins: [${shown}]`);
    });
  return command;
}

/** Import map entries for this repository's core, relative to the package folder. */
async function importMap(folder: string): Promise<Record<string, string>> {
  const path = (to: string) => {
    const rel = relative(folder, join(REPO, to));
    return rel.startsWith(".") ? rel : `./${rel}`;
  };
  const core = JSON.parse(await readFile(join(REPO, "core", "deno.json"), "utf8")) as {
    exports: Record<string, string>;
  };
  const map: Record<string, string> = {};
  for (const [key, target] of Object.entries(core.exports)) {
    map[key === "." ? "@ristretto/core" : `@ristretto/core/${key.slice(2)}`] = path(
      join("core", target),
    );
  }
  // Core's own third-party imports (yaml, zod, ...) resolve through this map too.
  const root = JSON.parse(await readFile(join(REPO, "deno.json"), "utf8")) as {
    imports?: Record<string, string>;
  };
  const used = await bareImportsOfCore();
  for (const [key, target] of Object.entries(root.imports ?? {})) {
    if (used.has(key)) map[key] = target;
  }
  return map;
}

/** The bare specifiers (`yaml`, `zod`, ...) core's modules import. */
async function bareImportsOfCore(): Promise<Set<string>> {
  const found = new Set<string>();
  const walk = async (folder: string) => {
    for await (const entry of Deno.readDir(folder)) {
      const path = join(folder, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) {
        const text = await readFile(path, "utf8");
        for (const match of text.matchAll(/from\s+"([^".][^"]*)"/g)) {
          if (!/^(node|npm|jsr|https?):|^@ristretto\//.test(match[1])) found.add(match[1]);
        }
      }
    }
  };
  await walk(join(REPO, "core"));
  return found;
}

async function packageFiles(
  name: string,
  kind: ScaffoldKind,
  folder: string,
): Promise<Record<string, string>> {
  const provided = camelName(name);
  const template = TEMPLATES[kind](name, provided);
  const denoJson = {
    name: `@local/${name}`,
    version: "0.1.0",
    exports: "./mod.ts",
    imports: await importMap(folder),
    tasks: { test: "deno test --allow-read" },
    fmt: { lineWidth: 100 },
  };
  return {
    "deno.json": JSON.stringify(denoJson, null, 2) + "\n",
    "mod.ts": template.mod,
    "conformance.ts": template.conformance,
    "mod_test.ts": template.test,
    "README.md": readme(name, kind, template.summary),
    ...(template.extra ?? {}),
  };
}

interface Template {
  readonly summary: string;
  readonly mod: string;
  readonly conformance: string;
  readonly test: string;
  readonly extra?: Record<string, string>;
}

const EVENTS_FIXTURE = (comment: string) =>
  `/**
 * The fixture of the contract suite (\`plugins check\` and mod_test.ts use it): a few events
 * with the branches this plugin reads. ${comment}
 * @module
 */
import type { Column } from "@ristretto/core/columns";
import type { ConformanceFixtures } from "@ristretto/core/testing";

// Four events with 2, 0, 3 and 1 jets.
const offsets = Int32Array.of(0, 2, 2, 5, 6);

/** What the suites run on. */
export const conformance: ConformanceFixtures = {
  events: {
    branches: new Map<string, Column>([
      ["nJet", Uint32Array.of(2, 0, 3, 1)],
      ["Jet_pt", { offsets, content: Float32Array.of(80, 25, 120, 45, 31, 60) }],
      ["Jet_eta", { offsets, content: Float32Array.of(0.3, -2.8, 1.1, -0.4, 2.2, 0) }],
      ["Jet_mass", { offsets, content: Float32Array.of(10, 4, 15, 6, 5, 8) }],
      ["MET_pt", Float32Array.of(20, 50, 150, 400)],
    ]),
  },
};
`;

const CONTEXT = `{
  dataset: { name: "test_2018", sample: "test", year: "2018", isMC: true },
  parameters: {},
}`;

const TEMPLATES: Record<ScaffoldKind, (name: string, provided: string) => Template> = {
  weight: (name, weight) => ({
    summary: `the weight \`${weight}\`: 1 + slope x (MET - pivot), kept within [0.5, 1.5], ` +
      `with a relative up/down uncertainty`,
    mod: `/**
 * The ${name} plugin package: the weight "${weight}".
 * @module
 */
import { API_VERSION, type PluginFactory, type WeightProvider } from "@ristretto/core/plugin";
import { InputError } from "@ristretto/core/errors";

/** Settings of the weight (a config gives them as \`plugins: [{use: ..., options: {...}}]\`). */
export interface Options {
  /** Change of the weight per GeV of MET. */
  slope: number;
  /** MET (GeV) where the weight is 1. */
  pivot: number;
  /** Relative size of the up/down variations. */
  uncertainty: number;
}

/** The settings used where a config gives none. */
export const defaults: Options = { slope: 0.002, pivot: 50, uncertainty: 0.1 };

/** The weight "${weight}" with the given settings. */
export function createWeight(options: Options): WeightProvider {
  return {
    kind: "weight",
    name: "${name}",
    version: "0.1.0",
    apiVersion: API_VERSION,
    weights: ["${weight}"],
    inputs: ["MET_pt"],
    // The settings change the values: they enter the work-item hash.
    cacheKey: () => JSON.stringify(options),
    compute(weight, events) {
      if (weight !== "${weight}") {
        throw new InputError(
          "WEIGHT_UNKNOWN",
          \`Cannot compute weight "\${weight}": plugin "${name}" provides only "${weight}"\`,
        );
      }
      const met = events.column("MET.pt") as Float32Array;
      const nominal = new Float64Array(events.length);
      const up = new Float64Array(events.length);
      const down = new Float64Array(events.length);
      for (let i = 0; i < events.length; i++) {
        const value = 1 + options.slope * (met[i] - options.pivot);
        nominal[i] = Math.min(1.5, Math.max(0.5, value));
        up[i] = nominal[i] * (1 + options.uncertainty);
        down[i] = nominal[i] * (1 - options.uncertainty);
      }
      return { nominal, up, down };
    },
  };
}

/** The package's factory: options in, an installer registering the weight out. */
const plugin: PluginFactory<Options> = (options = {}) => (registry) => {
  registry.add(createWeight({ ...defaults, ...options }));
};
export default plugin;
export { conformance } from "./conformance.ts";
`,
    conformance: EVENTS_FIXTURE("The weight reads MET_pt only."),
    test: `import assert from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { eventsFromBranches } from "@ristretto/core/events";
import { assertConformance, checkWeightConformance } from "@ristretto/core/testing";
import plugin, { conformance, createWeight, defaults } from "./mod.ts";

Deno.test("${name}: passes the weight contract suite", async () => {
  assertConformance(await checkWeightConformance(createWeight(defaults), conformance.events!));
});

Deno.test("${name}: MET 150 GeV weighs 1 + 0.002 x 100 = 1.2; 1000 GeV is capped at 1.5", () => {
  const events = eventsFromBranches(
    new Map<string, Column>([["MET_pt", Float32Array.of(150, 50, 1000)]]),
  );
  const values = createWeight(defaults).compute("${weight}", events, ${CONTEXT});
  assert.ok(Math.abs(values.nominal[0] - 1.2) < 1e-12);
  assert.equal(values.nominal[1], 1);
  assert.equal(values.nominal[2], 1.5);
  assert.ok(Math.abs(values.up![0] - 1.32) < 1e-12);
  assert.ok(Math.abs(values.down![0] - 1.08) < 1e-12);
});

Deno.test("${name}: the factory registers the weight with the options given", () => {
  const added: unknown[] = [];
  plugin({ slope: 0 })({ add: (p) => added.push(p) });
  assert.equal(added.length, 1);
  const events = eventsFromBranches(new Map<string, Column>([["MET_pt", Float32Array.of(300)]]));
  const weight = added[0] as ReturnType<typeof createWeight>;
  assert.equal(weight.compute("${weight}", events, ${CONTEXT}).nominal[0], 1);
});
`,
  }),
  cut: (name, cut) => ({
    summary: `the cut \`${cut}\`: MET above a threshold (\`{use: ${cut}}\` in a skim or ` +
      `preselection; \`params: {threshold}\` overrides the option per use)`,
    mod: `/**
 * The ${name} plugin package: the cut "${cut}".
 * @module
 */
import { API_VERSION, type CutProvider, type PluginFactory } from "@ristretto/core/plugin";
import { InputError } from "@ristretto/core/errors";

/** Settings of the cut. */
export interface Options {
  /** Events pass when MET is above this (GeV). */
  threshold: number;
}

/** The settings used where a config gives none. */
export const defaults: Options = { threshold: 50 };

/** The cut "${cut}" with the given settings. */
export function createCut(options: Options): CutProvider {
  return {
    kind: "cut",
    name: "${name}",
    version: "0.1.0",
    apiVersion: API_VERSION,
    cuts: ["${cut}"],
    inputs: ["MET_pt"],
    cacheKey: () => JSON.stringify(options),
    mask(cut, events, context) {
      if (cut !== "${cut}") {
        throw new InputError(
          "CUT_UNKNOWN",
          \`Cannot apply cut "\${cut}": plugin "${name}" provides only "${cut}"\`,
        );
      }
      const threshold = typeof context.params.threshold === "number"
        ? context.params.threshold
        : options.threshold;
      const met = events.column("MET.pt") as Float32Array;
      const pass = new Uint8Array(events.length);
      for (let i = 0; i < events.length; i++) pass[i] = met[i] > threshold ? 1 : 0;
      return pass;
    },
  };
}

/** The package's factory: options in, an installer registering the cut out. */
const plugin: PluginFactory<Options> = (options = {}) => (registry) => {
  registry.add(createCut({ ...defaults, ...options }));
};
export default plugin;
export { conformance } from "./conformance.ts";
`,
    conformance: EVENTS_FIXTURE("The cut reads MET_pt only."),
    test: `import assert from "node:assert/strict";
import type { Column } from "@ristretto/core/columns";
import { eventsFromBranches } from "@ristretto/core/events";
import { assertConformance, checkCutConformance } from "@ristretto/core/testing";
import { conformance, createCut, defaults } from "./mod.ts";

Deno.test("${name}: passes the cut contract suite", async () => {
  assertConformance(await checkCutConformance(createCut(defaults), conformance.events!));
});

Deno.test("${name}: MET 20, 50, 150 GeV pass a 50 GeV threshold as 0, 0, 1", () => {
  const events = eventsFromBranches(
    new Map<string, Column>([["MET_pt", Float32Array.of(20, 50, 150)]]),
  );
  const context = { ...${CONTEXT.replaceAll("\n", "\n  ")}, params: {} };
  assert.deepEqual([...createCut(defaults).mask("${cut}", events, context)], [0, 0, 1]);
  const tight = { ...context, params: { threshold: 200 } };
  assert.deepEqual([...createCut(defaults).mask("${cut}", events, tight)], [0, 0, 0]);
});
`,
  }),
  variable: (name, variable) => ({
    summary: `the variables \`${variable}\` (per event: the scalar sum of the pt of jets above ` +
      `minPt) and \`Jet.${variable}Selected\` (per jet: pt above minPt and |eta| below maxEta)`,
    mod: `/**
 * The ${name} plugin package: the variables "${variable}" (per event) and
 * "Jet.${variable}Selected" (per jet).
 * @module
 */
import type { Jagged } from "@ristretto/core/columns";
import { API_VERSION, type PluginFactory, type VariableProvider } from "@ristretto/core/plugin";
import { InputError } from "@ristretto/core/errors";

/** Settings of the variables. */
export interface Options {
  /** Jets count from this pt (GeV). */
  minPt: number;
  /** ... and within this |eta|. */
  maxEta: number;
}

/** The settings used where a config gives none. */
export const defaults: Options = { minPt: 30, maxEta: 2.4 };

/** The variables with the given settings. */
export function createVariables(options: Options): VariableProvider {
  return {
    kind: "variable",
    name: "${name}",
    version: "0.1.0",
    apiVersion: API_VERSION,
    variables: {
      ${variable}: { type: "number" },
      ${variable}Selected: { collection: "Jet", type: "bool" },
    },
    inputs: ["Jet_pt", "Jet_eta"],
    cacheKey: () => JSON.stringify(options),
    compute(variable, events) {
      const jets = events.collection("Jet");
      const pt = jets.get("pt") as Jagged<Float32Array>;
      const eta = jets.get("eta") as Jagged<Float32Array>;
      // One flag per jet, aligned with the jets (same offsets).
      const selected = new Uint8Array(pt.content.length);
      for (let j = pt.offsets[0]; j < pt.offsets[events.length]; j++) {
        selected[j] = pt.content[j] > options.minPt && Math.abs(eta.content[j]) < options.maxEta
          ? 1
          : 0;
      }
      if (variable === "${variable}Selected") return { offsets: pt.offsets, content: selected };
      if (variable !== "${variable}") {
        throw new InputError(
          "VARIABLE_UNKNOWN",
          \`Cannot compute variable "\${variable}": plugin "${name}" provides "${variable}" and "${variable}Selected"\`,
        );
      }
      const sum = new Float64Array(events.length);
      for (let i = 0; i < events.length; i++) {
        for (let j = pt.offsets[i]; j < pt.offsets[i + 1]; j++) {
          if (selected[j]) sum[i] += pt.content[j];
        }
      }
      return sum;
    },
  };
}

/** The package's factory: options in, an installer registering the variables out. */
const plugin: PluginFactory<Options> = (options = {}) => (registry) => {
  registry.add(createVariables({ ...defaults, ...options }));
};
export default plugin;
export { conformance } from "./conformance.ts";
`,
    conformance: EVENTS_FIXTURE("The variables read Jet_pt and Jet_eta."),
    test: `import assert from "node:assert/strict";
import { eventsFromBranches } from "@ristretto/core/events";
import { assertConformance, checkVariableConformance } from "@ristretto/core/testing";
import { conformance, createVariables, defaults } from "./mod.ts";

const context = ${CONTEXT};

Deno.test("${name}: passes the variable contract suite", async () => {
  assertConformance(await checkVariableConformance(createVariables(defaults), conformance.events!));
});

Deno.test("${name}: jets above 30 GeV within |eta| 2.4, by hand", () => {
  // Jets: (80, 0.3) yes, (25, -2.8) no | none | (120, 1.1) yes, (45, -0.4) yes, (31, 2.2) yes
  // | (60, 0) yes.
  const events = eventsFromBranches(new Map(conformance.events!.branches));
  const variables = createVariables(defaults);
  assert.deepEqual([...(variables.compute("${variable}", events, context) as Float64Array)], [
    80,
    0,
    120 + 45 + 31,
    60,
  ]);
  const selected = variables.compute("${variable}Selected", events, context);
  assert.ok("offsets" in selected);
  assert.deepEqual([...selected.content], [1, 0, 1, 1, 1, 1]);
});
`,
  }),
  calibrator: (name, variation) => ({
    summary: `a calibrator with the shape variation \`${variation}\` (\`${variation}Up\` / ` +
      `\`${variation}Down\`): jet pt and mass scaled by 1 +- uncertainty; nominal unchanged`,
    mod: `/**
 * The ${name} plugin package: a jet-energy-scale-like calibrator with the variation
 * "${variation}".
 * @module
 */
import type { Jagged } from "@ristretto/core/columns";
import { API_VERSION, type Calibrator, type PluginFactory } from "@ristretto/core/plugin";
import { InputError } from "@ristretto/core/errors";

/** Settings of the calibrator. */
export interface Options {
  /** Relative jet energy scale uncertainty. */
  uncertainty: number;
}

/** The settings used where a config gives none. */
export const defaults: Options = { uncertainty: 0.02 };

/** The calibrator with the given settings. */
export function createCalibrator(options: Options): Calibrator {
  return {
    kind: "calibrator",
    name: "${name}",
    version: "0.1.0",
    apiVersion: API_VERSION,
    variations: ["${variation}"],
    inputs: ["Jet_pt", "Jet_mass"],
    cacheKey: () => JSON.stringify(options),
    calibrate(events, context) {
      if (context.variation === undefined) return events;
      const factor = context.variation === "${variation}Up"
        ? 1 + options.uncertainty
        : context.variation === "${variation}Down"
        ? 1 - options.uncertainty
        : undefined;
      if (factor === undefined) {
        throw new InputError(
          "CALIBRATOR_VARIATION",
          \`Cannot calibrate with variation "\${context.variation}": plugin "${name}" has ${variation}Up and ${variation}Down\`,
        );
      }
      const jets = events.collection("Jet");
      // New arrays: the input events are never changed.
      const scaled = (field: string) => {
        const column = jets.get(field) as Jagged<Float32Array>;
        return { offsets: column.offsets, content: column.content.map((v) => v * factor) };
      };
      return events.withCollection(
        "Jet",
        jets.withField("pt", scaled("pt")).withField("mass", scaled("mass")),
      );
    },
  };
}

/** The package's factory: options in, an installer registering the calibrator out. */
const plugin: PluginFactory<Options> = (options = {}) => (registry) => {
  registry.add(createCalibrator({ ...defaults, ...options }));
};
export default plugin;
export { conformance } from "./conformance.ts";
`,
    conformance: EVENTS_FIXTURE("The calibrator reads Jet_pt and Jet_mass."),
    test: `import assert from "node:assert/strict";
import { eventsFromBranches } from "@ristretto/core/events";
import { assertConformance, checkCalibratorConformance } from "@ristretto/core/testing";
import { conformance, createCalibrator, defaults } from "./mod.ts";

const context = ${CONTEXT};

Deno.test("${name}: passes the calibrator contract suite", async () => {
  assertConformance(
    await checkCalibratorConformance(createCalibrator(defaults), conformance.events!),
  );
});

Deno.test("${name}: Up scales the 80 GeV jet to 81.6 GeV, Down to 78.4 GeV", () => {
  const events = eventsFromBranches(new Map(conformance.events!.branches));
  const calibrator = createCalibrator(defaults);
  const up = calibrator.calibrate(events, { ...context, variation: "${variation}Up" });
  const down = calibrator.calibrate(events, { ...context, variation: "${variation}Down" });
  assert.equal(up.collection("Jet").get("pt").content[0], Math.fround(80 * 1.02));
  assert.equal(down.collection("Jet").get("pt").content[0], Math.fround(80 * 0.98));
  assert.equal(events.collection("Jet").get("pt").content[0], 80);
});
`,
  }),
  reader: (name) => ({
    summary: "a reader of CSV files (a header line of column names, numbers below) as one " +
      'tree "Events" of float64 branches',
    mod: `/**
 * The ${name} plugin package: a reader of CSV files (header line, numeric rows) as one tree
 * "Events" of float64 branches.
 * @module
 */
import type { Column } from "@ristretto/core/columns";
import {
  API_VERSION,
  type BranchInfo,
  type ByteSource,
  type OpenedFile,
  type PluginFactory,
  type Reader,
} from "@ristretto/core/plugin";
import { InputError } from "@ristretto/core/errors";

/** Settings of the reader. */
export interface Options {
  /** The column separator. */
  separator: string;
}

/** The settings used where a config gives none. */
export const defaults: Options = { separator: "," };

/** The reader with the given settings. */
export function createReader(options: Options): Reader {
  return {
    kind: "reader",
    name: "${name}",
    version: "0.1.0",
    apiVersion: API_VERSION,
    canRead: (url, firstBytes) =>
      /\\.csv$/i.test(url) && (firstBytes === undefined || !firstBytes.includes(0)),
    async open(source: ByteSource): Promise<OpenedFile> {
      const text = new TextDecoder().decode(await source.read(0, await source.size()));
      return parseCsv(source.url, text, options.separator);
    },
  };
}

function parseCsv(url: string, text: string, separator: string): OpenedFile {
  const lines = text.split(/\\r?\\n/).filter((line) => line.trim() !== "");
  const names = (lines[0] ?? "").split(separator).map((name) => name.trim());
  const rows = lines.length - 1;
  const columns = new Map(names.map((name) => [name, new Float64Array(rows)]));
  for (let row = 0; row < rows; row++) {
    const cells = lines[row + 1].split(separator);
    if (cells.length !== names.length) {
      throw new InputError(
        "CSV_ROW",
        \`Cannot read "\${url}": line \${row + 2} has \${cells.length} values, the header names \${names.length}\`,
      );
    }
    names.forEach((name, i) => {
      const value = Number(cells[i]);
      if (Number.isNaN(value) && cells[i].trim() !== "NaN") {
        throw new InputError(
          "CSV_VALUE",
          \`Cannot read "\${url}": line \${row + 2}, column "\${name}": "\${cells[i]}" is not a number\`,
        );
      }
      columns.get(name)![row] = value;
    });
  }
  const branches: BranchInfo[] = names.map((name) => ({ name, type: "float64" }));
  const tree = (name: string) => {
    if (name !== "Events") {
      throw new InputError("CSV_TREE", \`Cannot read tree "\${name}" of "\${url}": it has only "Events"\`);
    }
  };
  return {
    url,
    trees: () => ["Events"],
    entries(name) {
      tree(name);
      return rows;
    },
    branches(name) {
      tree(name);
      return branches;
    },
    read(name, wanted, range) {
      tree(name);
      const start = range?.start ?? 0;
      const stop = range?.stop ?? rows;
      const out = new Map<string, Column>();
      for (const branch of wanted) {
        const values = columns.get(branch);
        if (values === undefined) {
          return Promise.reject(
            new InputError(
              "CSV_BRANCH",
              \`Cannot read branch "\${branch}" of "\${url}": its columns are \${names.join(", ")}\`,
            ),
          );
        }
        out.set(branch, values.slice(start, stop));
      }
      return Promise.resolve(out);
    },
    close: () => Promise.resolve(),
  };
}

/** The package's factory: options in, an installer registering the reader out. */
const plugin: PluginFactory<Options> = (options = {}) => (registry) => {
  registry.add(createReader({ ...defaults, ...options }));
};
export default plugin;
export { conformance } from "./conformance.ts";
`,
    conformance: `/**
 * The fixture of the contract suite (\`plugins check\` and mod_test.ts use it): a small CSV file.
 * @module
 */
import { fileURLToPath } from "node:url";
import type { ConformanceFixtures } from "@ristretto/core/testing";

/** What the suite reads. */
export const conformance: ConformanceFixtures = {
  file: { url: fileURLToPath(new URL("./testdata/events.csv", import.meta.url)) },
};
`,
    test: `import assert from "node:assert/strict";
import { openLocalFile } from "@ristretto/core/io";
import { assertConformance, checkReaderConformance } from "@ristretto/core/testing";
import { conformance, createReader, defaults } from "./mod.ts";

Deno.test("${name}: passes the reader contract suite", async () => {
  assertConformance(await checkReaderConformance(createReader(defaults), conformance.file!));
});

Deno.test("${name}: reads the values written in testdata/events.csv", async () => {
  const source = await openLocalFile(conformance.file!.url);
  const file = await createReader(defaults).open(source);
  try {
    assert.equal(file.entries("Events"), 5);
    const columns = await file.read("Events", ["MET_pt"], { start: 1, stop: 3 });
    assert.deepEqual([...(columns.get("MET_pt") as Float64Array)], [55.5, 120]);
  } finally {
    await file.close();
    await source.close();
  }
});
`,
    extra: {
      "testdata/events.csv": "run,event,MET_pt,nJet\n1,101,20.25,2\n1,102,55.5,0\n1,103,120,3\n" +
        "2,201,8.75,1\n2,202,300,4\n",
    },
  }),
};

function readme(name: string, kind: ScaffoldKind, summary: string): string {
  const guide = join(REPO, "docs", "plugins.md");
  return `# ${name}

A Ristretto ${kind} plugin package: ${summary}.

- \`mod.ts\` - the package: \`Options\`, \`defaults\`, the plugin, and the default-exported factory
  (\`(options?) => (registry) => void\`).
- \`conformance.ts\` - the fixture the contract suite runs on (exported from mod.ts as
  \`conformance\`, which \`plugins check\` uses).
- \`mod_test.ts\` - the contract suite of its kind and a value checked by hand.

\`\`\`sh
deno test --allow-read                                     # in this folder
deno task cli plugins check path/to/${name}/mod.ts          # in the Ristretto repository
\`\`\`

Use it from an analysis config (paths are relative to the config's folder):

\`\`\`yaml
plugins:
  - use: path/to/${name}
    options: {} # any of Options, over the defaults
\`\`\`

\`deno.json\` maps \`@ristretto/core\` to the Ristretto this package was created from. The plugin
guide: ${guide}.
`;
}

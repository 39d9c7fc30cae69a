import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { InputError } from "../errors/ristretto_error.ts";
import {
  installPlugins,
  loadPluginPackage,
  pluginPackageFromModule,
  resolvePluginSpecifier,
} from "./load_plugins.ts";
import { Registry } from "./registry.ts";

const EXAMPLE = fileURLToPath(new URL("../../examples/plugin-ttbar-reco", import.meta.url));

/** A plugin package module text: a factory installing the given plugin literals. */
function packageText(...plugins: string[]): string {
  return `export default (options = {}) => (registry) => {\n${
    plugins.map((plugin) => `  registry.add(${plugin});`).join("\n")
  }\n};\n`;
}
const weight = (fields: Record<string, unknown> = {}) =>
  `{ ...${
    JSON.stringify({
      kind: "weight",
      name: "toy-weight",
      version: "1.0.0",
      apiVersion: 1,
      weights: ["toy"],
      inputs: [],
      ...fields,
    })
  }, compute: () => ({ nominal: new Float64Array(0) }) }`;

async function withPackages(
  files: Record<string, string>,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_plugins_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadPluginPackage: the example package by folder, relative to the config's folder", async () => {
  const loaded = await loadPluginPackage(
    { use: "../../examples/plugin-ttbar-reco", options: { minPt: 40 } },
    { baseDir: fileURLToPath(new URL(".", import.meta.url)) },
  );
  equal(loaded.source, "../../examples/plugin-ttbar-reco");
  // A folder stands for its deno.json "exports" entry.
  equal(loaded.resolved, pathToFileURL(join(EXAMPLE, "mod.ts")).href);
  deepEqual(loaded.plugins.map((p) => `${p.kind}:${p.name}@${p.version}`), [
    "variable:ttbar-reco@1.0.0",
    "weight:top-pt-toy@1.0.0",
  ]);
  // The options reached the factory (they are the plugins' cache key).
  equal(JSON.parse(loaded.plugins[0].cacheKey!()).minPt, 40);
});

Deno.test("loadPluginPackage: another plugin API version is refused with a clear error", async () => {
  await withPackages(
    { "api2.ts": packageText(weight({ name: "future-weight", apiVersion: 2 })) },
    async (dir) => {
      await rejects(
        loadPluginPackage("./api2.ts", { baseDir: dir }),
        (error: InputError) => {
          equal(error.code, "PLUGIN_API_VERSION");
          equal(
            error.message,
            `Cannot load plugin "future-weight" from "./api2.ts": it targets plugin API 2, this Ristretto supports API 1`,
          );
          return true;
        },
      );
    },
  );
});

Deno.test("loadPluginPackage: malformed plugins and packages name what is wrong", async () => {
  const cases: [string, string, RegExp][] = [
    ["name.ts", packageText(weight({ name: "ToyWeight" })), /name must be kebab-case.*"ToyWeight"/],
    ["version.ts", packageText(weight({ version: "1.0" })), /version must be semver.*"1.0"/],
    [
      "kind.ts",
      packageText(weight({ kind: "wieght" })),
      /unknown kind "wieght" \(did you mean "weight"\?\)/,
    ],
    [
      "members.ts",
      packageText(weight({ weights: "toy" })),
      /a weight plugin needs weights: \[\.\.\.\]/,
    ],
    ["nodefault.ts", "export const plugin = 1;\n", /must default-export a plugin factory/],
    ["noinstaller.ts", "export default () => 42;\n", /factory must return an installer/],
    ["empty.ts", "export default () => () => {};\n", /registered no plugin/],
    [
      "throws.ts",
      "export default (o) => { if (o.bad) throw new Error('bad option'); return () => {}; };\n",
      /Cannot configure plugin package "\.\/throws\.ts": bad option/,
    ],
  ];
  await withPackages(Object.fromEntries(cases.map(([file, text]) => [file, text])), async (dir) => {
    for (const [file, , pattern] of cases) {
      const spec = file === "throws.ts"
        ? { use: "./throws.ts", options: { bad: true } }
        : `./${file}`;
      await rejects(loadPluginPackage(spec, { baseDir: dir }), pattern, file);
    }
    const variable = packageText(
      `{ kind: "variable", name: "v", version: "1.0.0", apiVersion: 1, inputs: [], variables: { x: { type: "text" } }, compute: () => new Float64Array(0) }`,
    );
    await Deno.writeTextFile(join(dir, "variable.ts"), variable);
    await rejects(
      loadPluginPackage("./variable.ts", { baseDir: dir }),
      /variables\.x\.type must be "number" or "bool"/,
    );
  });
});

Deno.test("loadPluginPackage: an import failure names the spec and where it is listed", async () => {
  await rejects(
    loadPluginPackage("./no_such_plugin/mod.ts", {
      baseDir: "/nonexistent",
      listedIn: "analysis.yaml:4:5",
    }),
    (error: InputError) => {
      equal(error.code, "PLUGIN_IMPORT");
      ok(
        error.message.startsWith(
          `Cannot load plugin package "./no_such_plugin/mod.ts" (listed in analysis.yaml:4:5): `,
        ),
        error.message,
      );
      return true;
    },
  );
});

Deno.test("installPlugins: registers every package's plugins; a clash names the package", async () => {
  await withPackages({
    "a.ts": packageText(weight()),
    "b.ts": packageText(weight()),
  }, async (dir) => {
    const registry = new Registry();
    const loaded = await installPlugins(["./a.ts"], registry, { baseDir: dir });
    equal(loaded.length, 1);
    equal(registry.get("weight", "toy-weight").version, "1.0.0");
    deepEqual(registry.fingerprint(), ["weight:toy-weight@1.0.0"]);
    await rejects(
      installPlugins(["./b.ts"], registry, {
        baseDir: dir,
        listedIn: (index) => `analysis.yaml:${7 + index}:5`,
      }),
      /Cannot load plugin package "\.\/b\.ts" \(listed in analysis\.yaml:7:5\): Cannot register plugin "toy-weight": a weight plugin of that name is already registered/,
    );
  });
});

Deno.test("pluginPackageFromModule: built-in modules go through the same checks", () => {
  const factory = () => (registry: { add(p: unknown): unknown }) => {
    registry.add({
      kind: "cut",
      name: "my-cut",
      version: "0.1.0",
      apiVersion: 1,
      cuts: ["c"],
      inputs: [],
      mask: () => new Uint8Array(),
    });
  };
  const loaded = pluginPackageFromModule({ default: factory }, { source: "builtin:test" });
  equal(loaded.resolved, "builtin:test");
  equal(loaded.plugins[0].name, "my-cut");
  throws(
    () =>
      pluginPackageFromModule({
        default: () => (r: { add(p: unknown): unknown }) =>
          r.add({ kind: "cut", name: "x", version: "0.1.0", apiVersion: 1 }),
      }, { source: "builtin:bad" }),
    /Cannot load plugin "x" from "builtin:bad": a cut plugin needs mask\(\)/,
  );
});

Deno.test("resolvePluginSpecifier: npm:/jsr: as written, paths to file URLs, other schemes refused", () => {
  equal(resolvePluginSpecifier("npm:@me/plugin@1.2.0", { baseDir: "/x" }), "npm:@me/plugin@1.2.0");
  equal(resolvePluginSpecifier("jsr:@me/plugin", { baseDir: "/x" }), "jsr:@me/plugin");
  equal(resolvePluginSpecifier("./p/mod.ts", { baseDir: "/x/y" }), "file:///x/y/p/mod.ts");
  equal(resolvePluginSpecifier("/abs/mod.ts", { baseDir: "/x" }), "file:///abs/mod.ts");
  equal(resolvePluginSpecifier("file:///abs/mod.ts", { baseDir: "/x" }), "file:///abs/mod.ts");
  throws(
    () => resolvePluginSpecifier("https://example.org/p.ts", { baseDir: "/x" }),
    /use a local path/,
  );
});

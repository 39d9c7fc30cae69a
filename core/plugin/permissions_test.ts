import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { configFromText } from "../config/load_config.ts";
import {
  derivePermissions,
  executorCommands,
  guardPlugin,
  inputHost,
  isPermissionDenial,
  PermissionError,
  permissionErrorFrom,
  permissionFlags,
  pluginPackageRoot,
  workerPermissions,
} from "./permissions.ts";
import { InputError } from "../errors/ristretto_error.ts";
import { join } from "node:path";
import { Registry } from "./registry.ts";
import { API_VERSION } from "./types.ts";

// A config on paths that need not exist: inline datasets, inline parameters.
const CONFIG = `
name: derive
module: module.ts
plugins:
  - ../plugins/mine/mod.ts
datasets:
  inline:
    local_2018:
      metadata: { sample: local, year: "2018", isMC: true, xsec: 1 }
      files: [data/a.parquet, /eos/store/b.root]
    remote_2018:
      metadata: { sample: remote, year: "2018", isMC: true, xsec: 1 }
      files:
        - https://eospublic.cern.ch:443/store/c.root
        - root://xrootd.example.org:1094//store/d.root
parameters:
  - corrections: { file: /corr/pu.json.gz, note: relative/ignored.json }
permissions:
  read: [../extra/list.txt]
  net: [cms-xrd-global.cern.ch]
`;

const OPTIONS = {
  output: "/out/x",
  store: "/out/x/.store",
  projectRoot: "/repo",
  denoDir: "/cache/deno",
};

// By the rules: the config folder (covering the config, module and data/), the project's code
// folders, Deno's cache, the output (covering the store), the plugin's folder, the folder of
// the absolute input, the absolute parameter path and the user's grant.
const READ = [
  "/ana",
  "/cache/deno",
  "/corr/pu.json.gz",
  "/eos/store",
  "/extra/list.txt",
  "/out/x",
  "/plugins/mine",
  "/repo/cli",
  "/repo/configs/params",
  "/repo/core",
  "/repo/executors",
  "/repo/plugins",
];
const NET = ["cms-xrd-global.cern.ch", "eospublic.cern.ch", "xrootd.example.org"];

Deno.test("derivePermissions: a local run reads its inputs, writes its output, starts nothing", async () => {
  const loaded = configFromText("/ana/analysis.yaml", CONFIG, { baseDir: "/ana" });
  const set = await derivePermissions(loaded, { ...OPTIONS, executor: "local" });
  deepEqual(set.read, READ);
  deepEqual(set.write, ["/out/x"]);
  deepEqual(set.net, NET);
  deepEqual(set.run, []);
  deepEqual(permissionFlags(set), [
    `--allow-read=${READ.join(",")}`,
    "--allow-write=/out/x",
    `--allow-net=${NET.join(",")}`,
    "--allow-env",
    "--allow-sys",
    "--allow-ffi=/cache/deno/npm",
  ]);
});

Deno.test("derivePermissions: slurm may start its three client commands, its jobs none", async () => {
  const loaded = configFromText("/ana/analysis.yaml", CONFIG, { baseDir: "/ana" });
  const set = await derivePermissions(loaded, { ...OPTIONS, executor: "slurm" });
  deepEqual(permissionFlags(set), [
    `--allow-read=${READ.join(",")}`,
    "--allow-write=/out/x",
    `--allow-net=${NET.join(",")}`,
    "--allow-env",
    "--allow-sys",
    "--allow-run=sbatch,scancel,scontrol",
    "--allow-ffi=/cache/deno/npm",
  ]);
  equal(
    permissionFlags(workerPermissions(set)).some((flag) => flag.startsWith("--allow-run")),
    false,
  );
});

Deno.test("derivePermissions: dataset filters drop the hosts of datasets not run", async () => {
  const loaded = configFromText("/ana/analysis.yaml", CONFIG, { baseDir: "/ana" });
  const set = await derivePermissions(loaded, {
    ...OPTIONS,
    executor: "local",
    filterSamples: ["local"],
  });
  deepEqual(set.net, ["cms-xrd-global.cern.ch"]);
});

Deno.test("derivePermissions: skims written to an absolute folder are granted there", async () => {
  const text = `${CONFIG}skimOutput:\n  folder: /scratch/skims\n`;
  const loaded = configFromText("/ana/analysis.yaml", text, { baseDir: "/ana" });
  const set = await derivePermissions(loaded, { ...OPTIONS, executor: "local" });
  deepEqual(set.write, ["/out/x", "/scratch/skims"]);
  ok((set.read as string[]).includes("/scratch/skims"));
});

Deno.test('derivePermissions: "*" grants all of a kind', async () => {
  const text = CONFIG.replace("net: [cms-xrd-global.cern.ch]", 'net: ["*"]');
  const loaded = configFromText("/ana/analysis.yaml", text, { baseDir: "/ana" });
  const set = await derivePermissions(loaded, { ...OPTIONS, executor: "local" });
  equal(set.net, "all");
  ok(permissionFlags(set).includes("--allow-net"));
});

Deno.test("executorCommands: each executor's programs", () => {
  deepEqual(executorCommands("local"), []);
  deepEqual(executorCommands("local-workers"), [Deno.execPath()]);
  deepEqual(executorCommands("htcondor", { condorBin: "/opt/condor/bin" }), [
    "/opt/condor/bin/condor_submit",
    "/opt/condor/bin/condor_rm",
  ]);
  deepEqual(executorCommands("dask"), ["/usr/bin/python3"]);
});

Deno.test("permissionFlags: a path with a comma goes by its folder, empty grants omitted", () => {
  deepEqual(
    permissionFlags({
      read: ["/data/a,b/c", "/data/d"],
      write: [],
      net: [],
      run: [],
      env: "all",
      sys: [],
      ffi: [],
    }),
    ["--allow-read=/data,/data/d", "--allow-env"],
  );
});

Deno.test("inputHost: hosts of remote inputs, none for local paths", () => {
  equal(inputHost("root://eoscms.cern.ch:1094//store/x.root"), "eoscms.cern.ch");
  equal(inputHost("https://example.org/x.parquet"), "example.org");
  equal(inputHost("root://[::1]:1094//x.root"), "::1");
  equal(inputHost("/data/x.root"), undefined);
  equal(inputHost("file:///data/x.root"), undefined);
});

// Deno's wording of a denial (what NotCapable carries).
const denial = (what: string, target: string) =>
  new Deno.errors.NotCapable(
    `Requires ${what} access to "${target}", run again with the --allow-${what} flag`,
  );

Deno.test("PermissionError: names the plugin, the permission, the path and how to grant it", () => {
  const error = permissionErrorFrom(denial("read", "/etc/hostname"), {
    name: "evil-weight",
    kind: "weight",
  });
  ok(error instanceof PermissionError);
  equal(error.code, "PERMISSION_DENIED");
  equal(
    error.message,
    'Cannot run plugin "evil-weight" (weight): it needs read access to "/etc/hostname", which ' +
      "this run does not grant. Grant it with permissions.read in the analysis config or run " +
      "with --unsandboxed",
  );
  ok(isPermissionDenial(`Cannot process "x.root": ${error.message}`));
  equal(permissionErrorFrom(new Error("Requires read access"), { name: "x" }), undefined);
  const wrapped = new Error("Cannot open", { cause: denial("net", "example.org:443") });
  equal(permissionErrorFrom(wrapped, { name: "ristretto run" })?.permission, "net");
});

Deno.test("PermissionError: a plugin package whose import is refused is named", () => {
  const deno = new TypeError(
    'Requires read access to "/elsewhere/lib.ts", run again with the --allow-read flag',
  );
  const loading = new InputError(
    "PLUGIN_IMPORT",
    `Cannot load plugin package "./my-plugin" (listed in /ana/analysis.yaml:3:5): ${deno.message}`,
    { cause: deno },
  );
  equal(
    permissionErrorFrom(loading, { name: "ristretto run" })?.message,
    'Cannot load plugin package "./my-plugin": it needs read access to "/elsewhere/lib.ts", ' +
      "which this run does not grant. Grant it with permissions.read in the analysis config or " +
      "run with --unsandboxed",
  );
});

Deno.test("PermissionError: node:net's refused lookup is a net denial of that host", () => {
  // What Deno's node:dns reports when the host is not granted (the XRootD client wraps it).
  const refused = new Error(
    'Cannot open "root://site.example.org:1094//x.root": cannot connect to site.example.org:1094 ' +
      "(getaddrinfo EPERM site.example.org) during kXR_open (after 3 attempts)",
  );
  const error = permissionErrorFrom(refused, { name: "xrootd", kind: "byte-source" });
  equal(error?.permission, "net");
  equal(error?.target, "site.example.org");
  ok(isPermissionDenial(refused.message));
  equal(isPermissionDenial("getaddrinfo ENOTFOUND site.example.org"), false);
});

Deno.test("pluginPackageRoot: the package folder when the entry sits in src/", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_pkg_" });
  try {
    await Deno.mkdir(join(dir, "pkg", "src"), { recursive: true });
    await Deno.mkdir(join(dir, "loose"));
    await Deno.writeTextFile(join(dir, "pkg", "deno.json"), "{}");
    equal(pluginPackageRoot(join(dir, "pkg", "src", "mod.ts")), join(dir, "pkg"));
    equal(pluginPackageRoot(join(dir, "pkg", "mod.ts")), join(dir, "pkg"));
    equal(pluginPackageRoot(join(dir, "loose", "mod.ts")), join(dir, "loose"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("guardPlugin: sync throws, rejections and async generators name the plugin", async () => {
  class Secretive {
    readonly kind = "reader";
    readonly name = "secretive";
    readonly version = "1.0.0";
    readonly apiVersion = API_VERSION;
    #path = "/secret";
    canRead(): boolean {
      throw denial("read", this.#path);
    }
    open(): Promise<never> {
      return Promise.reject(denial("net", "example.org:443"));
    }
    async *walk(): AsyncGenerator<number> {
      yield 1;
      throw denial("run", "curl");
    }
    plain(): string {
      return this.#path;
    }
  }
  const registry = new Registry().add(new Secretive());
  const plugin = registry.get<Secretive & { kind: "reader" }>("reader", "secretive");
  equal(plugin.plain(), "/secret"); // private fields still reachable: `this` is the plugin
  throws(
    () => plugin.canRead(),
    /plugin "secretive" \(reader\): it needs read access to "\/secret"/,
  );
  await rejects(plugin.open(), /needs net access to "example.org:443"/);
  const seen: number[] = [];
  await rejects(async () => {
    for await (const value of plugin.walk()) seen.push(value);
  }, (error: unknown) => error instanceof PermissionError && error.permission === "run");
  deepEqual(seen, [1]);
});

Deno.test("guardPlugin: frozen plugins and other errors pass through unchanged", () => {
  const failure = new RangeError("bad");
  const plugin = Object.freeze({
    kind: "cut",
    name: "frozen",
    version: "1.0.0",
    apiVersion: API_VERSION,
    mask: () => {
      throw failure;
    },
  });
  const guarded = guardPlugin(plugin);
  equal(guarded.name, "frozen");
  deepEqual(Object.keys(guarded), Object.keys(plugin));
  throws(() => guarded.mask(), (error: unknown) => error === failure);
});

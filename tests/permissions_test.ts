/**
 * Least privilege end to end: `run` re-executes itself with the permissions derived from the
 * config; a plugin (tests/fixtures/overreach_plugin, loaded through `plugins:`) that reads a
 * file or reaches a host beyond them stops the run with an error naming the plugin, the
 * permission and the path or host; the config's `permissions:` grants more.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliCommand } from "./_example_setup.ts";
import { loadAnalysisConfig } from "@ristretto/core/config";
import { runPermissions } from "../cli/commands/_sandbox.ts";

const PLUGIN = fileURLToPath(new URL("./fixtures/overreach_plugin/mod.ts", import.meta.url));
const DENO_JSON = fileURLToPath(new URL("../deno.json", import.meta.url));

/** x of the four toy events, each of weight 1: bins [0,1) 1, [1,2) 2, [2,3) 0, [3,4) 1. */
const TOY = { entries: 4, branches: { x: [0.5, 1.5, 1.5, 3.5], genWeight: [1, 1, 1, 1] } };

interface Toy {
  readonly dir: string;
  readonly secret: string;
  readonly secretDir: string;
  config(options: { read?: string; fetch?: string; permissions?: string }): Promise<string>;
  cleanup(): Promise<void>;
}

async function toyAnalysis(): Promise<Toy> {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_perm_" });
  // The secret lives outside the config's folder: nothing grants it but the config.
  const secretDir = await Deno.makeTempDir({ prefix: "ristretto_secret_" });
  const secret = join(secretDir, "secret.txt");
  await Deno.writeTextFile(secret, "not for plugins\n");
  await Deno.writeTextFile(join(dir, "toy.evil"), `EVIL${JSON.stringify(TOY)}`);
  return {
    dir,
    secret,
    secretDir,
    async config({ read, fetch, permissions }) {
      const options = JSON.stringify({ read, fetch });
      const path = join(dir, "analysis.yaml");
      await Deno.writeTextFile(
        path,
        `name: overreach
plugins:
  - use: ${PLUGIN}
    options: ${options}
datasets:
  inline:
    toy_2018:
      metadata: { sample: toy, year: "2018", isMC: true, xsec: 1.0 }
      files: [toy.evil]
weights:
  common:
    inclusive: [overreach]
histograms:
  x:
    axes: [{ expr: x, bins: 4, start: 0, stop: 4 }]
${permissions ?? ""}
`,
      );
      return path;
    },
    async cleanup() {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(secretDir, { recursive: true });
    },
  };
}

/** `deno run -A cli/main.ts run ...` as a user types it: the CLI sandboxes itself. */
async function runCli(
  config: string,
  output: string,
  extra: string[] = [],
): Promise<{ code: number; stderr: string }> {
  const result = await cliCommand(
    ["run", "-c", config, "-o", output, "--no-plot", "-q", "--retries", "0", ...extra],
    { denoFlags: ["--config", DENO_JSON] },
  ).output();
  return { code: result.code, stderr: new TextDecoder().decode(result.stderr) };
}

function assertClearDenial(stderr: string, plugin: string, what: string): void {
  match(stderr, new RegExp(`plugin "${plugin}"`));
  ok(stderr.includes(what), `expected ${JSON.stringify(what)} in: ${stderr}`);
  match(stderr, /which this run does not grant/);
  equal(/^\s+at /m.test(stderr), false, `a stack trace in: ${stderr}`);
}

async function histogramX(output: string): Promise<number[]> {
  const text = await Deno.readTextFile(join(output, "histograms", "x.json"));
  const entry = JSON.parse(text)["toy/toy_2018"] as { storage: { values: number[][][] } };
  return entry.storage.values[0][0]; // category baseline, variation nominal; with flow bins
}

Deno.test("a plugin reading a file the config does not grant stops the run, naming it", async () => {
  const toy = await toyAnalysis();
  try {
    const config = await toy.config({ read: toy.secret });
    const { code, stderr } = await runCli(config, join(toy.dir, "out"));
    equal(code, 2, stderr);
    assertClearDenial(stderr, "evil-weight", `read access to "${toy.secret}"`);
    match(stderr, /Grant it with permissions\.read/);
  } finally {
    await toy.cleanup();
  }
});

Deno.test("local-workers: the workers run inside the same permissions", async () => {
  const toy = await toyAnalysis();
  try {
    const config = await toy.config({ read: toy.secret });
    const { code, stderr } = await runCli(config, join(toy.dir, "out"), [
      "--executor",
      "local-workers",
      "--workers",
      "1",
    ]);
    equal(code, 2, stderr);
    assertClearDenial(stderr, "evil-weight", `read access to "${toy.secret}"`);
  } finally {
    await toy.cleanup();
  }
});

Deno.test("permissions.read in the config grants the file: the same run succeeds", async () => {
  const toy = await toyAnalysis();
  try {
    const config = await toy.config({
      read: toy.secret,
      permissions: `permissions:\n  read: [${toy.secret}]`,
    });
    const output = join(toy.dir, "out");
    const { code, stderr } = await runCli(config, output);
    equal(code, 0, stderr);
    deepEqual(await histogramX(output), [0, 1, 2, 0, 1, 0]);
  } finally {
    await toy.cleanup();
  }
});

Deno.test("--unsandboxed keeps the caller's permissions", async () => {
  const toy = await toyAnalysis();
  try {
    const config = await toy.config({ read: toy.secret });
    const output = join(toy.dir, "out");
    const { code, stderr } = await runCli(config, output, ["--unsandboxed"]);
    equal(code, 0, stderr);
    deepEqual(await histogramX(output), [0, 1, 2, 0, 1, 0]);
  } finally {
    await toy.cleanup();
  }
});

Deno.test("a plugin reaching a host that is not an input's is reported the same way", async () => {
  const toy = await toyAnalysis();
  try {
    const config = await toy.config({ fetch: "http://ristretto-denied.invalid:8123/payload" });
    const { code, stderr } = await runCli(config, join(toy.dir, "out"));
    equal(code, 2, stderr);
    assertClearDenial(stderr, "evil-reader", `net access to "ristretto-denied.invalid:8123"`);
    match(stderr, /Grant it with permissions\.net/);
  } finally {
    await toy.cleanup();
  }
});

Deno.test("permissions.net in the config grants the host: the same run succeeds", async () => {
  const toy = await toyAnalysis();
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    return new Response("payload");
  });
  try {
    const config = await toy.config({
      fetch: `http://127.0.0.1:${server.addr.port}/payload`,
      permissions: "permissions:\n  net: [127.0.0.1]",
    });
    const output = join(toy.dir, "out");
    const { code, stderr } = await runCli(config, output);
    equal(code, 0, stderr);
    ok(requests >= 1, "the plugin reached the granted host");
    deepEqual(await histogramX(output), [0, 1, 2, 0, 1, 0]);
  } finally {
    await server.shutdown();
    await toy.cleanup();
  }
});

Deno.test("htcondor --file-transfer: the run may start git, tar and Deno and read the project", async () => {
  const toy = await toyAnalysis();
  try {
    const loaded = await loadAnalysisConfig(await toy.config({}));
    const paths = { output: join(toy.dir, "out"), store: join(toy.dir, "out", ".store") };
    const shared = await runPermissions(loaded, { executor: "htcondor", ...paths });
    const bundling = await runPermissions(loaded, {
      executor: "htcondor",
      fileTransfer: true,
      ...paths,
    });
    const granted = (grant: unknown) => (Array.isArray(grant) ? grant as string[] : []);
    for (const program of ["git", "tar", Deno.execPath()]) {
      equal(granted(shared.run).includes(program), false, `${program} without --file-transfer`);
      ok(granted(bundling.run).includes(program), `${program} with --file-transfer`);
    }
    const project = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
    ok(
      granted(bundling.read).some((path) => path.replace(/\/$/, "") === project),
      `project root ${project} readable: ${granted(bundling.read).join(", ")}`,
    );
    deepEqual(granted(bundling.write), granted(shared.write), "no extra write grants");
  } finally {
    await toy.cleanup();
  }
});

/**
 * The plugin author's kit end to end: `new plugin` scaffolds a package of each kind whose own
 * tests pass and which `plugins check` accepts; `plugins check` fails a broken plugin naming
 * the failed check; the scaffold refuses bad names, unknown kinds and existing folders.
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../cli/main.ts";
import { camelName, newPluginAction, SCAFFOLD_KINDS } from "../cli/commands/new_plugin.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "ristretto_kit_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs deno with `args` in `cwd`; returns the exit code and the output. */
async function deno(args: string[], cwd: string) {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

const cli = (args: string[]) => deno(["run", "-A", "cli/main.ts", ...args], REPO);

/** Runs the CLI in this process, quietly; returns its exit code. */
async function quietMain(args: string[]): Promise<{ code: number; errors: string }> {
  const log = console.log;
  const error = console.error;
  let errors = "";
  console.log = () => {};
  console.error = (...parts: unknown[]) => (errors += parts.join(" ") + "\n");
  try {
    return { code: await main(args), errors };
  } finally {
    console.log = log;
    console.error = error;
  }
}

for (const kind of SCAFFOLD_KINDS) {
  Deno.test(`new plugin --kind ${kind}: its tests pass and plugins check accepts it`, async () => {
    await withTempDir(async (dir) => {
      const name = `kit-${kind}-plugin`;
      const { code } = await quietMain(["new", "plugin", name, "--kind", kind, "--dir", dir]);
      assert.equal(code, 0);
      const folder = join(dir, name);
      for (const file of ["deno.json", "mod.ts", "conformance.ts", "mod_test.ts", "README.md"]) {
        assert.ok(existsSync(join(folder, file)), `${file} written`);
      }
      // Nothing left beside it (it is staged under another name, then renamed).
      assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), [name]);
      const [tests, check] = await Promise.all([
        deno(["test", "--allow-read", "--no-prompt"], folder),
        cli(["plugins", "check", join(folder, "mod.ts")]),
      ]);
      assert.equal(tests.code, 0, `deno test in the scaffold:\n${tests.stdout}\n${tests.stderr}`);
      assert.match(tests.stdout, /passes the \w+ contract suite \.\.\. ok/);
      assert.match(tests.stdout, /ok \| [2-9] passed \| 0 failed/);
      assert.equal(check.code, 0, `plugins check:\n${check.stdout}\n${check.stderr}`);
      assert.match(check.stdout, new RegExp(`${kind} plugin "${name}": conforms`));
      assert.match(check.stdout, /1 plugin checked, 0 failing; \d+ checks, 0 failed/);
      assert.doesNotMatch(check.stdout, /FAIL /);
    });
  });
}

const BROKEN = `import { API_VERSION, type PluginFactory } from "@ristretto/core/plugin";
// Returns one weight too few: the suite must catch it.
const factory: PluginFactory = () => (registry) => {
  registry.add({
    kind: "weight",
    name: "short-weight",
    version: "1.0.0",
    apiVersion: API_VERSION,
    weights: ["shortWeight"],
    inputs: ["MET_pt"],
    compute: (_name: string, events: { length: number }) => ({
      nominal: new Float64Array(Math.max(events.length - 1, 0)).fill(1),
    }),
  } as never);
};
export default factory;
`;

Deno.test("plugins check: a broken plugin exits 1 naming the failed check and why", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "mod.ts"), BROKEN);
    const check = await cli(["plugins", "check", join(dir, "mod.ts")]);
    assert.equal(check.code, 1, check.stdout + check.stderr);
    // No conformance export: the default toy events (200 of them) are used.
    assert.match(check.stdout, /fixtures: the default toy ttbar events/);
    assert.match(
      check.stdout,
      /FAIL weight "shortWeight" on only its declared inputs: nominal has 199 values for 200 events/,
    );
    assert.match(check.stdout, /weight plugin "short-weight": FAILS/);
    assert.doesNotMatch(check.stderr, /\bat \w+ \(/, "no stack trace");
    const json = await cli(["plugins", "check", join(dir, "mod.ts"), "--json"]);
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.ok, false);
    const failed = parsed.reports[0].checks.filter((c: { status: string }) => c.status === "fail");
    assert.deepEqual(failed.map((c: { name: string }) => c.name), [
      `weight "shortWeight" on only its declared inputs`,
    ]);
  });
});

Deno.test("plugins check: a package that cannot be loaded exits 2 with one clear line", async () => {
  await withTempDir(async (dir) => {
    const missing = join(dir, "absent", "mod.ts");
    const check = await cli(["plugins", "check", missing]);
    assert.equal(check.code, 2);
    assert.match(check.stderr, new RegExp(`error: Cannot load plugin package "${missing}"`));
    assert.doesNotMatch(check.stderr, /\bat \w+ \(/, "no stack trace");
  });
});

Deno.test("new plugin: bad names, unknown kinds and existing folders are refused", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      newPluginAction("My_Plugin", { dir }),
      (error: Error & { code?: string }) =>
        error.code === "SCAFFOLD_NAME" && error.message.includes(`"My_Plugin"`) &&
        error.message.includes("kebab-case"),
    );
    await assert.rejects(
      newPluginAction("top-weight", { dir, kind: "wieght" }),
      (error: Error) =>
        error.message.includes(`unknown kind "wieght" (did you mean "weight"?)`) &&
        error.message.includes("weight, cut, variable, calibrator, reader"),
    );
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing written for refused requests");
    await Deno.mkdir(join(dir, "taken"));
    await Deno.writeTextFile(join(dir, "taken", "keep.txt"), "mine");
    const { code, errors } = await quietMain(["new", "plugin", "taken", "--dir", dir]);
    assert.equal(code, 2);
    assert.match(errors, /Cannot create plugin "taken": ".*taken" already exists/);
    assert.equal(await Deno.readTextFile(join(dir, "taken", "keep.txt")), "mine");
    assert.deepEqual([...Deno.readDirSync(join(dir, "taken"))].map((e) => e.name), ["keep.txt"]);
  });
  assert.equal(camelName("top-pt-weight2"), "topPtWeight2");
});

/**
 * Ctrl-C: `run` with local-workers on the example, sent SIGINT while items run, exits 130 with
 * one line and no stack, leaves no worker process and no output behind, keeps only whole results
 * in the store, and a rerun computes only the rest and writes outputs byte-identical to those of
 * an uninterrupted run.
 * @module
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ResultStore } from "@ristretto/core/store";
import { cliCommand, setUpExample } from "./_example_setup.ts";

const CHUNK = 700;

/** `run` of the example as a subprocess; resolves with the child (stdout/stderr piped). */
function spawnRun(
  example: { configPath: string },
  output: string,
  env: Record<string, string> = {},
): Deno.ChildProcess {
  return cliCommand([
    "run",
    ...["-c", example.configPath, "-o", output, "--chunksize", String(CHUNK), "--no-plot"],
    ...["--executor", "local-workers", "--workers", "2"],
  ], { env }).spawn();
}

/** The pids of processes whose command line mentions `text` (Linux /proc). */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Every output file of a run folder (histograms, cutflow, sumw), path -> bytes. */
async function outputFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of ["cutflow.json", "sumw.json"]) {
    files.set(name, await readFile(join(dir, name), "utf8"));
  }
  for (const name of (await readdir(join(dir, "histograms"))).sort()) {
    files.set(`histograms/${name}`, await readFile(join(dir, "histograms", name), "utf8"));
  }
  return files;
}

Deno.test({
  name: "run: Ctrl-C stops the workers, exits 130, writes nothing; the rerun resumes",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const example = await setUpExample({ scale: 0.02 });
    try {
      // The uninterrupted reference, same flags.
      const reference = join(example.dir, "reference");
      const whole = await spawnRun(example, reference).output();
      equal(whole.code, 0, new TextDecoder().decode(whole.stderr));
      const total = Number(
        new TextDecoder().decode(whole.stdout).match(/(\d+) work item\(s\) computed/)?.[1],
      );
      ok(total >= 10, `the example has ${total} items`);

      const output = join(example.dir, "interrupted");
      const store = join(output, ".store");
      const child = spawnRun(example, output, { RISTRETTO_TEST_DELAY_MS: "200" });
      const stderr = new Response(child.stderr).text();
      const stdout = new Response(child.stdout).text();
      const results = new ResultStore(store);
      const deadline = Date.now() + 120_000;
      while ((await results.list("results").catch(() => [])).length < 2) {
        ok(Date.now() < deadline, "no result stored within 120 s");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill("SIGINT");
      const status = await child.status;
      const message = await stderr;
      await stdout;
      equal(status.signal, null, "run handled SIGINT itself");
      equal(status.code, 130, message);
      const lines = message.split("\n").filter((line) => /interrupted/.test(line));
      equal(lines.length, 1, message);
      match(lines[0], /rerun/);
      ok(!/\n\s+at /.test(message), `no stack trace: ${message}`);

      // No worker outlives the run (they were killed, not left to finish their item).
      deepEqual(await processesMentioning(store), []);
      // Nothing half-done: no outputs; only whole results, each one readable.
      for (const name of ["metadata.json", "cutflow.json", "histograms"]) {
        ok(!existsSync(join(output, name)), `${name} was written`);
      }
      const stored = await results.list("results");
      ok(stored.length >= 2 && stored.length < total, `${stored.length} of ${total} stored`);
      for (const entry of stored) {
        ok(await results.getResult("results", entry.hash), `result ${entry.hash} reads back`);
      }

      // The rerun computes only what is missing; its outputs are the reference's.
      const rerun = await spawnRun(example, output).output();
      equal(rerun.code, 0, new TextDecoder().decode(rerun.stderr));
      const summary = new TextDecoder().decode(rerun.stdout);
      match(
        summary,
        new RegExp(`${total - stored.length} work item\\(s\\) computed, ${stored.length} reused`),
      );
      deepEqual(await outputFiles(output), await outputFiles(reference));
    } finally {
      await Deno.remove(example.dir, { recursive: true });
    }
  },
});

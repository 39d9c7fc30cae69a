/**
 * `work`: process a list of work items and write their results to the store - what every
 * executor's job runs (a local worker, a Slurm array task, an HTCondor job, a Dask task). It
 * needs only the repo, the config, the items file and the store folder.
 * @module
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import process from "node:process";
import { Command } from "commander";
import { loadAnalysisConfig, type LoadedConfig } from "@ristretto/core/config";
import { RistrettoError } from "@ristretto/core/errors";
import {
  configFromSnapshot,
  isConfigSnapshot,
  openWorkSession,
  readWorkFile,
} from "@ristretto/core/processor";
import { ResultStore } from "@ristretto/core/store";
import { registryFor } from "../builtins.ts";
import { DEFAULT_PARAMETERS } from "./_defaults.ts";

/** The parsed flags of `work`. */
export interface WorkFlags {
  config: string;
  items: string;
  store: string;
  /** Read item hashes on stdin and answer each on stdout (the local worker pool). */
  serve?: boolean;
  quiet?: boolean;
}

/**
 * Loads a config for `work`: a snapshot the orchestrator wrote into the store (JSON), or an
 * analysis YAML loaded as `run` loads it.
 */
export async function loadWorkConfig(path: string): Promise<LoadedConfig> {
  if (path.endsWith(".json")) {
    const value = JSON.parse(await readFile(path, "utf8"));
    if (isConfigSnapshot(value)) return configFromSnapshot(value);
  }
  return await loadAnalysisConfig(path, { defaultParameterFiles: [DEFAULT_PARAMETERS] });
}

/**
 * Runs `work`: every item of the items file without a stored result (or, with `serve`, the
 * items named on stdin). Returns the number of failed items.
 */
export async function workCommandAction(flags: WorkFlags): Promise<number> {
  const loaded = await loadWorkConfig(resolve(flags.config));
  const work = await readWorkFile(resolve(flags.items));
  const store = await new ResultStore(resolve(flags.store)).init();
  const session = await openWorkSession(loaded, work, {
    registry: await registryFor(loaded),
    store,
    allowKillHook: true,
    // items of one file follow each other: parse each file's trees once per worker
    keepFilesOpen: 4,
  });
  if (flags.serve) {
    // One reply line per hash line, on stdout, prefixed so module output cannot be mistaken.
    await writeAll(`@ristretto ${JSON.stringify({ ready: true })}\n`);
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    let failed = 0;
    for await (const line of lines) {
      const hash = line.trim();
      if (!hash) continue;
      let reply: { hash: string; ok: boolean; error?: string };
      try {
        await session.process(hash);
        reply = { hash, ok: true };
      } catch (error) {
        failed++;
        reply = { hash, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      await writeAll(`@ristretto ${JSON.stringify(reply)}\n`);
    }
    await session.close();
    return failed;
  }
  let failed = 0;
  for (const [index, item] of work.items.entries()) {
    try {
      await session.process(item.hash);
    } catch (error) {
      failed++;
      console.error(`item ${index + 1}/${work.items.length} failed: ${(error as Error).message}`);
    }
  }
  await session.close();
  if (!flags.quiet) {
    console.error(`work: ${work.items.length - failed} of ${work.items.length} item(s) stored`);
  }
  return failed;
}

async function writeAll(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}

/** The commander definition of `work`. */
export function workCommand(): Command {
  return new Command("work")
    .description("Process work items and store their results (what every executor's job runs)")
    .requiredOption("-c, --config <file>", "analysis config (YAML) or config snapshot (JSON)")
    .requiredOption("-i, --items <file>", "items file (JSON) written by run")
    .requiredOption("-s, --store <dir>", "the store folder results are written to")
    .option("--serve", "read item hashes on stdin, answer on stdout (local worker pool)")
    .option("-q, --quiet", "no summary line")
    .action(async (flags: WorkFlags) => {
      const failed = await workCommandAction(flags);
      if (failed > 0 && !flags.serve) {
        throw new RistrettoError(
          "WORK_FAILED",
          `${failed} item(s) failed; their errors are in ${resolve(flags.store)}/failures/`,
        );
      }
    });
}

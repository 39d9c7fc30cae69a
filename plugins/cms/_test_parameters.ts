/**
 * For tests: the shipped parameters (configs/params/defaults.yaml) with correctionsDir pointing
 * at the shared payloads.
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { sharedDataPath } from "@ristretto/core/testing";

/** The shipped defaults, with `correctionsDir` set to the shared corrections folder. */
export function shippedParameters(): Record<string, unknown> {
  const file = fileURLToPath(new URL("../../configs/params/defaults.yaml", import.meta.url));
  const parsed = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  return { ...parsed, correctionsDir: sharedDataPath("corrections") };
}

/** A simulated 2018 dataset context with the shipped parameters. */
export function context2018(parameters: Record<string, unknown> = shippedParameters()) {
  return {
    dataset: { name: "dy_2018", sample: "DYJetsToLL", year: "2018", isMC: true },
    parameters,
  };
}

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Folder of the shared test data (`../shared/data` beside the repository), or the one named by
 * RISTRETTO_SHARED_DATA. Data is read in place, never copied into the repository.
 */
export function sharedDataDir(): string {
  const fromEnv = Deno.env.get("RISTRETTO_SHARED_DATA");
  if (fromEnv) return fromEnv;
  return fileURLToPath(new URL("../../../shared/data/", import.meta.url));
}

/** Absolute path of a file under the shared data folder. */
export function sharedDataPath(relative: string): string {
  return sharedDataDir().replace(/\/?$/, "/") + relative;
}

/** True when the shared data file exists; tests use `ignore: !hasSharedData(...)`. */
export function hasSharedData(relative = ""): boolean {
  const present = existsSync(sharedDataPath(relative));
  if (!present) {
    console.warn(`skipping: shared test data ${sharedDataPath(relative)} is absent`);
  }
  return present;
}

/** Absolute path of a file under the shared specs folder (`../shared/specs`). */
export function sharedSpecPath(relative: string): string {
  const fromEnv = Deno.env.get("RISTRETTO_SHARED_SPECS");
  const base = fromEnv ?? fileURLToPath(new URL("../../../shared/specs/", import.meta.url));
  return base.replace(/\/?$/, "/") + relative;
}

/** True when the shared spec file exists; tests use `ignore: !hasSharedSpec(...)`. */
export function hasSharedSpec(relative = ""): boolean {
  const present = existsSync(sharedSpecPath(relative));
  if (!present) console.warn(`skipping: shared spec ${sharedSpecPath(relative)} is absent`);
  return present;
}

/**
 * The sandbox of `run`: the CLI loads the config, derives the permissions processing needs
 * (core/plugin/permissions.ts) and runs itself again as a child Deno with only those.
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LoadedConfig } from "@ristretto/core/config";
import { RistrettoError } from "@ristretto/core/errors";
import {
  derivePermissions,
  executorCommands,
  isPermissionDenial,
  permissionFlags,
  type PermissionSet,
  PROJECT_ROOT,
} from "@ristretto/core/plugin";
import { correctionsDir } from "@ristretto/cms";
import { findFonts } from "@ristretto/plot";
import { serviceEnv, servicesDir } from "@ristretto/executor-batch";

/** The CLI's entry module. */
const CLI_MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Set in the child's environment: it is the sandboxed run. */
export const SANDBOXED_ENV = "RISTRETTO_SANDBOXED";
/** The child's permission set (JSON), handed on to the workers and jobs it starts. */
export const PERMISSIONS_ENV = "RISTRETTO_PERMISSIONS";

/** True inside the sandboxed child. */
export function isSandboxed(): boolean {
  try {
    return Deno.env.get(SANDBOXED_ENV) === "1";
  } catch {
    return false;
  }
}

/**
 * True when `run` should re-execute itself sandboxed: this process is the CLI (not a test or a
 * program calling `main()`), it is not the sandboxed child already, and `--unsandboxed` is absent.
 */
export function wantsSandbox(flags: { unsandboxed?: boolean }): boolean {
  return !flags.unsandboxed && !isSandboxed() &&
    Deno.mainModule === pathToFileURL(CLI_MAIN).href;
}

/** What {@link runPermissions} needs besides the config. */
export interface RunPermissionOptions {
  readonly executor: string;
  readonly output: string;
  readonly store: string;
  readonly filterSamples?: readonly string[];
  readonly filterYears?: readonly string[];
  /** False with --no-plot: the fonts of the figures are not needed. */
  readonly plot?: boolean;
  /** htcondor --file-transfer: the run stages a bundle of the project (git, tar, deno cache). */
  readonly fileTransfer?: boolean;
  /** The run-options file (`--run-options`): the sandboxed run reads it again. */
  readonly runOptions?: string;
}

/**
 * The permissions of a run of `loaded`: the derived set plus what the built-in plugins and the
 * executor read (the corrections folder, the figures' fonts, a batch service's files).
 */
export async function runPermissions(
  loaded: LoadedConfig,
  options: RunPermissionOptions,
): Promise<PermissionSet> {
  const read: string[] = [];
  const optional = (path: () => string) => {
    try {
      read.push(path());
    } catch {
      // absent (no corrections folder, no fonts): the plugin that needs it says so itself
    }
  };
  optional(() => resolve(correctionsDir(loaded.parameters)));
  if (options.plot !== false) optional(() => dirname(findFonts().regular));
  const ffi: string[] = [];
  let condorBin: string | undefined;
  if (options.runOptions) read.push(resolve(options.runOptions));
  const bundling = options.executor === "htcondor" && options.fileTransfer === true;
  if (bundling) read.push(PROJECT_ROOT);
  if (["slurm", "htcondor", "dask"].includes(options.executor)) {
    read.push(join(servicesDir(), options.executor));
    const env = await serviceEnv(options.executor);
    condorBin = env?.CONDOR_BIN;
    // HTCondor jobs run with the pool's own Deno cache
    if (env?.CONDOR_DENO_DIR) {
      read.push(env.CONDOR_DENO_DIR);
      ffi.push(join(env.CONDOR_DENO_DIR, "npm"));
    }
  }
  return await derivePermissions(loaded, {
    executor: options.executor,
    output: options.output,
    store: options.store,
    filterSamples: options.filterSamples,
    filterYears: options.filterYears,
    extra: { read, ffi },
    commands: [
      ...executorCommands(options.executor, { condorBin }),
      // The bundle lists the project with git, fills a DENO_DIR with `deno cache`, packs with tar.
      ...(bundling ? ["git", "tar", Deno.execPath()] : []),
    ],
  });
}

/** Inside the sandboxed child: the set the parent derived and started it with. */
export function sandboxPermissions(): PermissionSet | undefined {
  if (!isSandboxed()) return undefined;
  const text = Deno.env.get(PERMISSIONS_ENV);
  return text ? JSON.parse(text) as PermissionSet : undefined;
}

/**
 * Runs `cli/main.ts <args>` as a child Deno with only `permissions` (stdio inherited, SIGINT and
 * SIGTERM forwarded) and returns its exit code. The child has its own process group, so a Ctrl-C
 * reaches it once (forwarded), as the run's own interrupt handling expects.
 */
export async function runSandboxed(
  args: readonly string[],
  permissions: PermissionSet,
): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--config",
      join(PROJECT_ROOT, "deno.json"),
      ...permissionFlags(permissions),
      CLI_MAIN,
      ...args,
    ],
    env: { [SANDBOXED_ENV]: "1", [PERMISSIONS_ENV]: JSON.stringify(permissions) },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
    detached: true,
  }).spawn();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? [] : ["SIGINT", "SIGTERM"];
  const forward = signals.map((signal) => {
    const listener = () => {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    };
    Deno.addSignalListener(signal, listener);
    return () => Deno.removeSignalListener(signal, listener);
  });
  try {
    const status = await child.status;
    return status.signal ? 128 + signalNumber(status.signal) : status.code;
  } finally {
    forward.forEach((remove) => remove());
  }
}

/**
 * In the sandboxed child: exits (137, as killed) when the parent CLI process is gone, e.g. killed
 * with SIGKILL, so a killed `run` does not go on in the background. Polls, without keeping the
 * process alive.
 */
export function exitWithParent(): void {
  const parent = Deno.ppid;
  const timer = setInterval(() => {
    if (Deno.ppid !== parent) Deno.exit(137);
  }, 250);
  Deno.unrefTimer(timer);
}

function signalNumber(signal: Deno.Signal): number {
  return ({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 1;
}

/**
 * Stops a run whose items failed for a permission the sandbox does not grant: retrying cannot
 * help, and the error says how to grant it.
 */
export function throwOnDenial(failed: readonly { readonly error: string }[]): void {
  const denied = failed.find((failure) => isPermissionDenial(failure.error));
  if (denied) throw new RistrettoError("PERMISSION_DENIED", denied.error);
}

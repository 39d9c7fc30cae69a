/**
 * A staged bundle for workers without a shared filesystem: one .tar.gz holding the project as
 * checked out (`project/`: git's tracked and untracked-but-not-ignored files, lock file
 * included), a DENO_DIR pre-filled for the command line (`deno_dir/`: `deno cache --frozen`
 * of project/cli/main.ts, so jobs download nothing) and, optionally, the Deno binary
 * (`bin/deno`). A job unpacks it in its scratch directory and runs
 * `deno run ... project/cli/main.ts work` with `DENO_DIR=$PWD/deno_dir`. Bundles are keyed by
 * their content (commit, every file's bytes, Deno version) and reused while it is unchanged.
 * @module
 */
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { RistrettoError } from "@ristretto/core/errors";
import { sha256Hex, writeFileAtomic } from "@ristretto/core/store";
import { runChecked } from "./_process.ts";

/** Options of {@link stageBundle}. */
export interface BundleOptions {
  /** Where bundles are kept (created when missing). */
  readonly stagingDir: string;
  /** Put this Deno's binary in the bundle (`bin/deno`); default false: jobs find `deno` on PATH. */
  readonly includeDeno?: boolean;
  /** The project's root (default: this checkout). */
  readonly root?: string;
}

/** What {@link stageBundle} made (or found). */
export interface Bundle {
  /** The .tar.gz file. */
  readonly path: string;
  /** The commit the project files are at (with `+changes` when the working tree differs). */
  readonly commit: string;
  readonly files: number;
  /** How a job inside the unpacked bundle starts Deno: `bin/deno` or `deno`. */
  readonly deno: string;
}

/** The project root of this checkout. */
export function projectRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
}

/** Stages the bundle of the project (or reuses the one with the same content). */
export async function stageBundle(options: BundleOptions): Promise<Bundle> {
  const root = options.root ?? projectRoot();
  const git = (args: string[]) => runChecked(["git", "-C", root, ...args], { timeoutMs: 60_000 });
  let files: string[];
  let commit: string;
  try {
    files = (await git(["ls-files", "-co", "--exclude-standard", "-z"])).stdout.split("\0")
      .filter(Boolean).sort();
    commit = (await git(["rev-parse", "HEAD"])).stdout.trim();
    const changed = (await git(["status", "--porcelain"])).stdout.trim() !== "";
    if (changed) commit += "+changes";
  } catch (cause) {
    throw new RistrettoError(
      "BATCH_BUNDLE",
      `Cannot bundle "${root}": it must be a git checkout (${(cause as Error).message})`,
      { cause },
    );
  }
  // Deleted-but-tracked files are listed by git and absent on disk: not part of the bundle.
  const present: string[] = [];
  const digest: string[] = [Deno.version.deno, String(options.includeDeno ?? false)];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(join(root, file));
    } catch {
      continue;
    }
    present.push(file);
    digest.push(file, sha256Hex(bytes));
  }
  const key = sha256Hex(new TextEncoder().encode(digest.join("\n"))).slice(0, 16);
  const path = join(options.stagingDir, `ristretto-bundle-${key}.tar.gz`);
  const bundle = {
    path,
    commit,
    files: present.length,
    deno: options.includeDeno ? "bin/deno" : "deno",
  };
  try {
    await Deno.stat(path);
    return bundle;
  } catch {
    // not staged yet
  }
  await Deno.mkdir(options.stagingDir, { recursive: true });
  const work = await Deno.makeTempDir({ dir: options.stagingDir, prefix: ".staging-" });
  try {
    for (const file of present) {
      const target = join(work, "project", file);
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.copyFile(join(root, file), target);
    }
    // The npm packages and remote modules of the command line, exactly as the lock file says.
    await runChecked(
      [
        Deno.execPath(),
        "cache",
        "--frozen",
        "--config",
        join(work, "project", "deno.json"),
        join(work, "project", "cli", "main.ts"),
      ],
      { env: { DENO_DIR: join(work, "deno_dir") }, timeoutMs: 900_000 },
    );
    if (options.includeDeno) {
      await Deno.mkdir(join(work, "bin"));
      await Deno.copyFile(Deno.execPath(), join(work, "bin", "deno"));
      await Deno.chmod(join(work, "bin", "deno"), 0o755);
    }
    await writeFileAtomic(
      join(work, "bundle.json"),
      JSON.stringify({ commit, files: present.length, deno: Deno.version.deno }, null, 1) + "\n",
    );
    const partial = `${path}.${basename(work)}.tmp`;
    await runChecked(["tar", "-czf", partial, "-C", work, "."], { timeoutMs: 900_000 });
    await Deno.rename(partial, path);
    return bundle;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/**
 * A work command for the unpacked bundle: `deno` (or `bin/deno`) for the Deno binary, and every
 * path inside the project root as the same path under `project/`. Permission lists
 * (`--allow-read=a,b`, write, ffi) keep their paths (inputs are read where they are) and also
 * grant the bundle's copies: `project/...`, `deno_dir/...` for Deno's cache (`denoDir`), and the
 * job's `in/` (its config and items) and `store/` (its results, sent back).
 */
export function commandInBundle(
  command: readonly string[],
  options: { root?: string; deno: string; denoDir?: string },
): string[] {
  const root = options.root ?? projectRoot();
  const under = (path: string, folder: string, as: string) =>
    path === folder || path.startsWith(`${folder}/`) ? join(as, relative(folder, path)) : undefined;
  const inBundle = (path: string) =>
    under(path, root, "project") ??
      (options.denoDir ? under(path, options.denoDir, "deno_dir") : undefined);
  return command.map((word, index) => {
    if (index === 0) return options.deno;
    const grant = /^--allow-(read|write|ffi)=(.+)$/.exec(word);
    if (grant) {
      const [, kind, list] = grant;
      const paths = list.split(",");
      const copies = paths.map(inBundle).filter((path): path is string => path !== undefined);
      const job = kind === "read" ? ["in", "store"] : kind === "write" ? ["store"] : [];
      return `--allow-${kind}=${[...new Set([...paths, ...copies, ...job])].join(",")}`;
    }
    return inBundle(word) ?? word;
  });
}

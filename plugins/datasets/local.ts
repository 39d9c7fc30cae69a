import { stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { RistrettoError } from "@ristretto/core/errors";
import { API_VERSION, type DatasetSource, type DatasetSourceResult } from "@ristretto/core/plugin";

const _WILD = /[*?[]/;

/** A glob (`*`, `?`, `[abc]`, `**` for any folders) as a regular expression over `/` paths. */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      // `**/` matches zero or more folders; a trailing `**` anything below.
      if (pattern[i + 2] === "/") {
        out += "(?:[^/]+/)*";
        i += 2;
      } else {
        out += ".*";
        i += 1;
      }
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        out += `[${pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

async function _walk(dir: string, depth: number, out: string[]): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return; // unreadable or vanished folders simply match nothing
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isFile || entry.isSymlink) out.push(path);
    if (entry.isDirectory && depth > 1) await _walk(path, depth - 1, out);
  }
}

/** Files matching a path or glob (relative to `baseDir`), sorted; absolute paths. */
export async function expandGlob(pattern: string, baseDir: string): Promise<string[]> {
  const absolute = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  if (!_WILD.test(absolute)) {
    try {
      return (await stat(absolute)).isFile() ? [absolute] : [];
    } catch {
      return [];
    }
  }
  const parts = absolute.split("/");
  const firstWild = parts.findIndex((part) => _WILD.test(part));
  const root = parts.slice(0, firstWild).join("/") || "/";
  const rest = parts.slice(firstWild);
  const depth = rest.includes("**") || rest.some((p) => p.includes("**")) ? 64 : rest.length;
  const found: string[] = [];
  await _walk(root, depth, found);
  const regex = globToRegExp(absolute);
  return found.filter((path) => regex.test(path)).sort();
}

/**
 * The `local` dataset source: `local_files` (paths and globs, relative to the definition file)
 * on disk. Sizes come from the file system; events are counted by the builder.
 */
export function localSource(): DatasetSource {
  return {
    kind: "dataset-source",
    name: "local",
    version: "0.1.0",
    apiVersion: API_VERSION,
    accepts: (entry) => Array.isArray(entry.local_files),
    async build(entry, options): Promise<DatasetSourceResult> {
      const files: string[] = [];
      for (const pattern of entry.local_files as string[]) {
        const matched = await expandGlob(String(pattern), options.baseDir);
        if (matched.length === 0) {
          throw new RistrettoError(
            "DATASETS_NO_FILES",
            `Cannot build local files "${pattern}": nothing matches (relative to "${options.baseDir}")`,
          );
        }
        for (const file of matched) if (!files.includes(file)) files.push(file);
      }
      let size = 0;
      for (const file of files) size += (await stat(file)).size;
      return { files, size };
    },
  };
}

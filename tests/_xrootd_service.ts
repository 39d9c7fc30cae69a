/**
 * The XRootD service the remote-reading tests use (.ci/services/xrootd.sh start): where it
 * listens, whether it is up, and a per-test folder inside its data folder that the test copies
 * real NanoAOD files into (and removes afterwards). Nothing is ever copied into the repo.
 * @module
 */
import { copyFile, mkdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";

/** Where .ci/services/xrootd.sh serves (overridable for a service started elsewhere). */
export const XROOTD = {
  host: "127.0.0.1",
  port: Number(Deno.env.get("RISTRETTO_XROOTD_PORT") ?? 1094),
  httpPort: Number(Deno.env.get("RISTRETTO_XROOTD_HTTP_PORT") ?? 8080),
  redirectorPort: Number(Deno.env.get("RISTRETTO_XROOTD_REDIRECTOR_PORT") ?? 1095),
  data: join(
    Deno.env.get("RISTRETTO_XROOTD_BASE") ??
      join(Deno.env.get("RISTRETTO_SERVICES_DIR") ?? "/tmp/ristretto-services", "xrootd"),
    "data",
  ),
};

async function _listening(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: XROOTD.host, port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/** True when the data server, its HTTP port, the redirector and the data folder are there. */
export async function xrootdUp(): Promise<boolean> {
  try {
    if (!(await Deno.stat(XROOTD.data)).isDirectory) return false;
  } catch {
    return false;
  }
  for (const port of [XROOTD.port, XROOTD.httpPort, XROOTD.redirectorPort]) {
    if (!(await _listening(port))) return false;
  }
  return true;
}

/** Checked once per test module: the reason to skip, or undefined when the service is up. */
export const XROOTD_SKIP: string | undefined = await xrootdUp() ? undefined : (() => {
  const reason = `XRootD service not running on root://127.0.0.1:${XROOTD.port} ` +
    `(start it with .ci/services/xrootd.sh start): skipping the XRootD tests`;
  console.warn(reason);
  return reason;
})();

/** A folder of copies of local files in the served data folder; `remove()` deletes it. */
export interface ServedFiles {
  /** Folder name relative to the data root, e.g. `t-1234-ab12`. */
  readonly folder: string;
  /** root:// URL of a copied file (by base name), on the data server or the redirector. */
  rootUrl(name: string, options?: { redirector?: boolean }): string;
  /** http:// URL of a copied file on the server's HTTP port. */
  httpUrl(name: string): string;
  remove(): Promise<void>;
}

/** Copies `files` into a fresh folder of the served data folder. */
export async function serveCopies(files: readonly string[]): Promise<ServedFiles> {
  const folder = `t-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const dir = join(XROOTD.data, folder);
  await mkdir(dir, { recursive: true });
  // The daemon runs as a non-root user: it must be able to list and read what root copied.
  await Deno.chmod(dir, 0o755);
  for (const file of files) {
    const target = join(dir, basename(file));
    await copyFile(file, target);
    await Deno.chmod(target, 0o644);
  }
  return {
    folder,
    rootUrl: (name, options = {}) =>
      `root://${XROOTD.host}:${
        options.redirector ? XROOTD.redirectorPort : XROOTD.port
      }//${folder}/${name}`,
    httpUrl: (name) => `http://${XROOTD.host}:${XROOTD.httpPort}/${folder}/${name}`,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

import { RistrettoError } from "../errors/ristretto_error.ts";
import type { ByteSource } from "../plugin/types.ts";
import { openHttpFile } from "./http_source.ts";
import { openLocalFile } from "./local_file.ts";

/**
 * Opens a byte source by URL scheme: `http:`/`https:` with Range requests, `file:` or a plain
 * path on local disk. Other schemes (e.g. `root:`) need a ByteSourceProvider plugin.
 */
export function openByteSource(url: string): Promise<ByteSource> {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === "file") return openLocalFile(url);
  if (scheme === "http" || scheme === "https") return openHttpFile(url);
  return Promise.reject(
    new RistrettoError(
      "IO_UNSUPPORTED_SCHEME",
      `Cannot open "${url}": no built-in byte source for "${scheme}:" URLs (file, http, https)`,
    ),
  );
}

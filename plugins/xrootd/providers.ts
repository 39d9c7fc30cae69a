import { API_VERSION, type ByteSourceProvider } from "@ristretto/core/plugin";
import { type HttpSourceOptions, openHttpFile } from "@ristretto/core/io";
import { openXRootDFile, type XRootDOptions } from "./xrootd_file.ts";

/** Version of the XRootD client; enters the plugin fingerprint. */
export const XROOTD_CLIENT_VERSION = "0.1.0";

/**
 * The byte-source plugin for `root://` (and `xroot://`) URLs, through the native client.
 *
 * @example
 * ```ts ignore
 * const registry = new Registry().add(xrootdByteSource({ retries: 3 }));
 * ```
 */
export function xrootdByteSource(options: XRootDOptions = {}): ByteSourceProvider {
  return {
    kind: "byte-source",
    name: "xrootd",
    version: XROOTD_CLIENT_VERSION,
    apiVersion: API_VERSION,
    schemes: ["root", "xroot"],
    open: (url) => openXRootDFile(url, options),
  };
}

/**
 * The byte-source plugin for `http://` and `https://` URLs (core/io's Range-request source),
 * so registry-driven code (the pipeline, `datasets check`) reads HTTP URLs too - including an
 * XRootD server's HTTP interface.
 */
export function httpByteSource(options: HttpSourceOptions = {}): ByteSourceProvider {
  return {
    kind: "byte-source",
    name: "http",
    version: "0.1.0",
    apiVersion: API_VERSION,
    schemes: ["http", "https"],
    open: (url) => openHttpFile(url, options),
  };
}

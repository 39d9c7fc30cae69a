/**
 * Remote byte sources: a native XRootD protocol client (`root://host[:port]//path`: handshake,
 * kXR_protocol, kXR_login, kXR_open, kXR_stat, kXR_read, kXR_readv, kXR_close; redirects,
 * kXR_wait, timeouts, reconnect-and-retry) and the byte-source plugins for `root://` and
 * `http(s)://` URLs.
 *
 * @example
 * ```ts ignore
 * import { openXRootDFile } from "@ristretto/xrootd";
 * const file = await openXRootDFile("root://eospublic.cern.ch//eos/opendata/x.root");
 * const [a, b] = await file.readMany([{ offset: 0, length: 4 }, { offset: 100, length: 8 }]);
 * await file.close();
 * ```
 * @module
 */
export {
  defaults,
  openXRootDFile,
  parseRootUrl,
  type RootUrl,
  statXRootD,
  XRootDFile,
  type XRootDOptions,
  type XRootDStat,
} from "./xrootd_file.ts";
export { httpByteSource, XROOTD_CLIENT_VERSION, xrootdByteSource } from "./providers.ts";

// The package as a plugin package: `export default` is its PluginFactory.
export { type XRootDPluginOptions, xrootdPlugins, xrootdPlugins as default } from "./install.ts";

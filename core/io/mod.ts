/**
 * Byte sources: random access to file bytes, local or remote.
 * @module
 */
export { localPath, openLocalFile } from "./local_file.ts";
export { type HttpSourceOptions, openHttpFile } from "./http_source.ts";
export { openByteSource } from "./open_byte_source.ts";

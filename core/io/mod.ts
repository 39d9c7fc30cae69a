/**
 * Byte sources: random access to file bytes, local or remote.
 * @module
 */
export { localPath, openLocalFile } from "./local_file.ts";

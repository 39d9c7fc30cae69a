/**
 * The ROOT writer as a `tree-writer` plugin: what the pipeline writes skimmed NanoAOD with
 * (core cannot import plugins, so it asks the registry for a tree writer).
 * @module
 */
import {
  API_VERSION,
  type TreeWriter,
  type TreeWriterFile,
  type TreeWriterOptions,
} from "@ristretto/core/plugin";
import { didYouMean, InputError } from "@ristretto/core/errors";
import type { Codec } from "./_decompress.ts";
import { createRootFile, treeOptionsFrom, writeDefaults } from "./writer.ts";

/** The codecs the ROOT writer compresses baskets with. */
const CODECS: readonly Codec[] = ["ZSTD", "ZLIB", "LZ4", "LZMA"];

/** Version of the tree-writer plugin. */
export const ROOT_TREE_WRITER_VERSION = "0.1.0";

/**
 * The `root-tree-writer` plugin: TTrees in NanoAOD's layout (counters, leaf types as the
 * reader described them), written to a temporary name and renamed into place on `close`.
 */
export function rootTreeWriter(): TreeWriter {
  return {
    kind: "tree-writer",
    name: "root-tree-writer",
    version: ROOT_TREE_WRITER_VERSION,
    apiVersion: API_VERSION,
    extension: "root",
    codecs: CODECS,
    async open(path: string, options: TreeWriterOptions = {}): Promise<TreeWriterFile> {
      const codec = (options.codec ?? writeDefaults.codec).toUpperCase() as Codec;
      if (!CODECS.includes(codec)) {
        throw new InputError(
          "ROOT_WRITE_CODEC",
          `Cannot write "${path}": unknown codec "${options.codec}"${
            didYouMean(String(options.codec), CODECS)
          }; codecs: ${CODECS.join(", ")}`,
        );
      }
      const level = options.level ?? writeDefaults.level;
      if (!Number.isInteger(level) || level < 0 || level > 9) {
        throw new InputError(
          "ROOT_WRITE_LEVEL",
          `Cannot write "${path}": compression level ${level} is not an integer from 0 to 9`,
        );
      }
      const file = await createRootFile(path, { codec, level });
      return {
        tree(name, treeOptions = {}) {
          const tree = file.tree(name, treeOptionsFrom(treeOptions.branches ?? []));
          return { fill: (columns) => tree.fill(columns) };
        },
        close: () => file.close(),
        abort: () => file.abort(),
      };
    },
  };
}

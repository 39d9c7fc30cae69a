/**
 * Native columnar ROOT TTree reader: file -> directory/keys -> TTree/TBranch/TLeaf -> baskets
 * (zlib, LZMA, LZ4, zstd; on disk or embedded in the tree) -> TypedArrays and jagged columns.
 * And the writer: TTrees of flat and jagged numeric branches (NanoAOD layout, all four
 * codecs, written cluster by cluster) and histogram files (TH1D/TH2D, Combine shapes).
 *
 * @example
 * ```ts ignore
 * import { rootReader } from "@ristretto/root";
 * import { openLocalFile } from "@ristretto/core/io";
 * const file = await rootReader().open(await openLocalFile("nano_dy.root"));
 * const columns = await file.read("Events", ["Jet_pt"]);
 * ```
 * @module
 */
export { type RootContext, type RootErrorCode, RootFormatError } from "./errors.ts";
export {
  type FileHeader,
  openRootFile,
  type OpenRootFileOptions,
  type RootFile,
  type RootKey,
  type RootRecord,
} from "./file.ts";
export {
  type BasketRef,
  emptyStats,
  type ReadOptions,
  type ReadStats,
  type RootBranch,
  RootTree,
} from "./tree.ts";
export {
  defaults,
  openRootTrees,
  openRootUrl,
  ROOT_READER_VERSION,
  rootReader,
  type RootReaderOptions,
  RootTreeFile,
} from "./reader.ts";
export { type CompressOptions, compressRecord, initCompression } from "./_compress.ts";
export {
  type BlockCounts,
  type Codec,
  type DecompressOptions,
  decompressRecord,
} from "./_decompress.ts";
export {
  createRootFile,
  RootFileWriter,
  RootTreeWriter,
  type RootWriteOptions,
  type TreeOptions,
  treeOptionsFrom,
  writeDefaults,
  writeRootTree,
} from "./writer.ts";
export {
  type CombineOptions,
  combineShapes,
  type HistData,
  histData,
  type HistEntry,
  type HistFileOptions,
  writeHistogram,
  writeHistogramFile,
} from "./hist_writer.ts";
export { ROOT_TREE_WRITER_VERSION, rootTreeWriter } from "./tree_writer_plugin.ts";

// The package as a plugin package: `export default` is its PluginFactory.
export { rootPlugins, rootPlugins as default } from "./install.ts";

/**
 * The output store: atomic writes, content hashing, the result codec and the store folder of
 * finished work items (results keyed by content hash).
 * @module
 */
export { writeFileAtomic, writeFileAtomicSync } from "./atomic_write.ts";
export { canonicalJSON, hashValue, sha256Hex } from "./hash.ts";
export { decodeResult, encodeResult, readResultHeader, type ResultCodec } from "./result_codec.ts";
export {
  type FailureRecord,
  ResultStore,
  STORE_KINDS,
  type StoreEntry,
  type StoreKind,
} from "./result_store.ts";

/**
 * Columns: flat TypedArrays and jagged arrays, and the vectorised operations on them.
 * One public operation per small file.
 * @module
 */
export type * from "./types.ts";
export { eventCount, isJagged, jagged, offsetsFromCounts } from "./jagged.ts";
export { LEAF_ARRAYS } from "./leaf_arrays.ts";
export type { ExtremumOptions } from "./reduce.ts";
export { all, any, argmax, argmin, counts, countTrue, max, min, sum } from "./reduce.ts";
export type { FilterObjectsOptions } from "./filter.ts";
export { filterEvents, filterObjects, maskedOffsets } from "./filter.ts";
export type { GatherOptions } from "./gather.ts";
export { gatherJagged, gatherPerEvent, take, takeAt } from "./gather.ts";
export type { ArgsortOptions } from "./sort.ts";
export { argsort } from "./sort.ts";
export { flatten, unflatten } from "./flatten.ts";
export type { Pairing } from "./combinations.ts";
export { combinations } from "./combinations.ts";
export { cartesian } from "./cartesian.ts";
export { broadcast } from "./broadcast.ts";
export {
  abs,
  compare,
  type CompareOptions,
  type Comparison,
  logicalAnd,
  logicalOr,
} from "./elementwise.ts";

/**
 * Columns: flat TypedArrays and jagged arrays, and the vectorised operations on them.
 * One public operation per small file.
 * @module
 */
export type * from "./types.ts";
export { eventCount, isJagged, jagged, offsetsFromCounts } from "./jagged.ts";

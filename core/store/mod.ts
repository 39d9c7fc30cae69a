/**
 * The output store: atomic writes (and, later, results keyed by content hash).
 * @module
 */
export { writeFileAtomic } from "./atomic_write.ts";

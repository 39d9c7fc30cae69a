/**
 * Ristretto core: the contracts and the engine. Depends on nothing else in the repository.
 * @module
 */
export * as columns from "./columns/mod.ts";
export * as errors from "./errors/mod.ts";
export * as io from "./io/mod.ts";
export * as plugin from "./plugin/mod.ts";

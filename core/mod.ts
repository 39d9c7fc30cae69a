/**
 * Ristretto core: the contracts and the engine. Depends on nothing else in the repository.
 * @module
 */
export * as columns from "./columns/mod.ts";
export * as errors from "./errors/mod.ts";
export * as events from "./events/mod.ts";
export * as expr from "./expr/mod.ts";
export * as hist from "./hist/mod.ts";
export * as io from "./io/mod.ts";
export * as plugin from "./plugin/mod.ts";
export * as config from "./config/mod.ts";
export * as datasets from "./datasets/mod.ts";
export * as processor from "./processor/mod.ts";
export * as selection from "./selection/mod.ts";
export * as store from "./store/mod.ts";

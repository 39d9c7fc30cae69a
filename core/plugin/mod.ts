/**
 * The plugin contracts (see types.ts) and the explicit Registry plugins are installed in.
 * @module
 */
export * from "./types.ts";
export { type AnyPlugin, Registry } from "./registry.ts";

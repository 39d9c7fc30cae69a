/**
 * Helpers for tests: where the shared data lives, and (later) the contract conformance suites.
 * @module
 */
export { hasSharedData, sharedDataDir, sharedDataPath } from "./shared_data.ts";

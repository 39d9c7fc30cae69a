/**
 * Where the shipped example and parameters live. A module of its own so that `work`, `status`
 * and `cache` need not load `run` (and with it every executor and the plotter) to know them.
 * @module
 */
import { fileURLToPath } from "node:url";

/** The default example analysis, relative to the repository. */
export const DEFAULT_CONFIG = fileURLToPath(
  new URL("../../configs/example/analysis.yaml", import.meta.url),
);
/** The shipped per-period parameters, layered under every analysis's own. */
export const DEFAULT_PARAMETERS = fileURLToPath(
  new URL("../../configs/params/defaults.yaml", import.meta.url),
);

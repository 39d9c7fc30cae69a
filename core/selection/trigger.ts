import { InputError } from "../errors/ristretto_error.ts";

/** How an analysis declares its triggers for one data-taking period. */
export interface TriggerSpec {
  /** HLT paths per primary dataset, e.g. `{SingleMuon: ["IsoMu24"], EGamma: ["Ele32_WPTight_Gsf"]}`. */
  readonly paths: Readonly<Record<string, readonly string[]>>;
  /** Primary datasets from highest to lowest priority (defaults to the order of `paths`). */
  readonly priority?: readonly string[];
  /** A path absent from a file: treat it as never fired ("false") or fail ("error"). */
  readonly missingPath?: "false" | "error";
}

/** What the trigger mask needs to know about the chunk being processed. */
export interface TriggerContext {
  readonly length: number;
  readonly isMC: boolean;
  /** Primary dataset of a data sample, e.g. `SingleMuon`. */
  readonly primaryDataset?: string;
  /** The HLT bit of a path (name without `HLT_`), or undefined when the file lacks it. */
  flag(path: string): Uint8Array | undefined;
  /** For error messages: the file being read. */
  readonly file?: string;
}

/**
 * The trigger decision per event, PocketCoffea style: MC takes the OR of every listed path;
 * data from a primary dataset takes its own paths and vetoes events that fire any path of a
 * higher-priority primary dataset, so no event is counted in two streams.
 *
 * @example
 * ```ts
 * import { triggerMask } from "./trigger.ts";
 * const bits: Record<string, Uint8Array> = { IsoMu24: Uint8Array.of(1, 0, 1), Ele32: Uint8Array.of(0, 1, 1) };
 * const spec = { paths: { SingleMuon: ["IsoMu24"], EGamma: ["Ele32"] } };
 * const egamma = triggerMask(spec, { length: 3, isMC: false, primaryDataset: "EGamma", flag: (p) => bits[p] });
 * if (egamma.join() !== "0,1,0") throw new Error(); // event 2 belongs to SingleMuon
 * ```
 */
export function triggerMask(spec: TriggerSpec, context: TriggerContext): Uint8Array {
  const order = spec.priority ?? Object.keys(spec.paths);
  for (const dataset of order) {
    if (!(dataset in spec.paths)) {
      throw new InputError(
        "TRIGGER_UNKNOWN_DATASET",
        `Cannot build the trigger selection: priority lists "${dataset}", which has no paths`,
      );
    }
  }
  const pass = new Uint8Array(context.length);
  const orInto = (target: Uint8Array, dataset: string) => {
    for (const path of spec.paths[dataset]) {
      const bits = flagOf(spec, context, path);
      if (!bits) continue;
      for (let i = 0; i < target.length; i++) target[i] |= bits[i] ? 1 : 0;
    }
  };
  if (context.isMC) {
    for (const dataset of order) orInto(pass, dataset);
    return pass;
  }
  const own = context.primaryDataset;
  if (own === undefined || !(own in spec.paths)) {
    throw new InputError(
      "TRIGGER_UNKNOWN_DATASET",
      `Cannot build the trigger selection for data${
        context.file ? ` file "${context.file}"` : ""
      }: primary dataset "${own ?? "(none)"}" has no paths; known: ${order.join(", ")}`,
    );
  }
  orInto(pass, own);
  const vetoed = new Uint8Array(context.length);
  for (const dataset of order) {
    if (dataset === own) break;
    orInto(vetoed, dataset);
  }
  for (let i = 0; i < pass.length; i++) pass[i] &= vetoed[i] ^ 1;
  return pass;
}

function flagOf(spec: TriggerSpec, context: TriggerContext, path: string): Uint8Array | undefined {
  const name = path.replace(/^HLT_/, "");
  const bits = context.flag(name);
  if (bits === undefined && (spec.missingPath ?? "error") === "error") {
    throw new InputError(
      "TRIGGER_MISSING_PATH",
      `Cannot evaluate trigger "HLT_${name}"${
        context.file ? ` in "${context.file}"` : ""
      }: the branch is absent; set trigger.missingPath: "false" to treat it as never fired`,
    );
  }
  return bits;
}

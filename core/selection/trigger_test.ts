import { deepStrictEqual, throws } from "node:assert/strict";
import { triggerMask } from "./trigger.ts";
import { InputError } from "../errors/ristretto_error.ts";

// Five events; which paths fired is written per event so the expected masks can be read off.
//             event:           0  1  2  3  4
const bits: Record<string, Uint8Array> = {
  IsoMu24: Uint8Array.of(1, 0, 1, 0, 0),
  Mu50: Uint8Array.of(0, 0, 0, 1, 0),
  Ele32_WPTight_Gsf: Uint8Array.of(0, 1, 1, 1, 0),
};
const spec = {
  paths: { SingleMuon: ["IsoMu24", "HLT_Mu50"], EGamma: ["Ele32_WPTight_Gsf"] },
  priority: ["SingleMuon", "EGamma"],
};
const context = { length: 5, flag: (path: string) => bits[path] };

Deno.test("MC takes the OR of all paths", () => {
  deepStrictEqual([...triggerMask(spec, { ...context, isMC: true })], [1, 1, 1, 1, 0]);
});

Deno.test("data streams do not double count", () => {
  const muon = triggerMask(spec, { ...context, isMC: false, primaryDataset: "SingleMuon" });
  const egamma = triggerMask(spec, { ...context, isMC: false, primaryDataset: "EGamma" });
  deepStrictEqual([...muon], [1, 0, 1, 1, 0]);
  // Events 2 and 3 fired a muon path too: they belong to SingleMuon only.
  deepStrictEqual([...egamma], [0, 1, 0, 0, 0]);
  // Together the streams cover exactly the MC OR, with no event twice.
  deepStrictEqual(muon.map((m, i) => m + egamma[i]), Uint8Array.of(1, 1, 1, 1, 0));
});

Deno.test("a missing path is an error or never fires, as configured", () => {
  const withMissing = { paths: { SingleMuon: ["IsoMu24", "IsoMu27"] } };
  throws(
    () => triggerMask(withMissing, { ...context, isMC: true, file: "f.root" }),
    (error: unknown) =>
      error instanceof InputError && error.code === "TRIGGER_MISSING_PATH" &&
      error.message.includes("HLT_IsoMu27") && error.message.includes("f.root"),
  );
  const lenient = triggerMask({ ...withMissing, missingPath: "false" }, { ...context, isMC: true });
  deepStrictEqual([...lenient], [1, 0, 1, 0, 0]);
});

Deno.test("data from an unknown primary dataset is rejected", () => {
  throws(
    () => triggerMask(spec, { ...context, isMC: false, primaryDataset: "JetHT" }),
    (error: unknown) => error instanceof InputError && error.message.includes("JetHT"),
  );
});

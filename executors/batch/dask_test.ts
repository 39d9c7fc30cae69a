import assert from "node:assert/strict";
import { batchConformance } from "./conformance.ts";
import { daskBatchSystem, serviceDownReason, serviceEnv } from "./mod.ts";

// Runs against the project's own Dask scheduler + worker (.ci/services/dask.sh start; CI starts it).
const skip = await serviceDownReason("dask");
if (skip) console.log(`dask batch tests skipped: ${skip}`);
const scheduler = (await serviceEnv("dask"))?.DASK_SCHEDULER_ADDRESS ?? "tcp://127.0.0.1:8786";

batchConformance("dask", () => daskBatchSystem({ scheduler }), { skip });

Deno.test({
  name: "dask: an unreachable scheduler is a clear error within the start deadline",
  async fn() {
    const system = daskBatchSystem({ scheduler: "tcp://127.0.0.1:9", startTimeoutMs: 8000 });
    try {
      await assert.rejects(
        system.poll([{ system: "dask", id: "x", name: "x", submission: "x", index: 0 }]),
        /Cannot connect to dask "tcp:\/\/127.0.0.1:9"|Cannot read from the dask bridge/,
      );
    } finally {
      await system.close();
    }
  },
});

Deno.test({
  name: "dask: the gateway path reaches the bridge and fails clearly (dask-gateway is not " +
    "installable here: no real gateway is tested)",
  async fn() {
    const system = daskBatchSystem({
      gateway: { address: "http://127.0.0.1:9" },
      startTimeoutMs: 20_000,
    });
    try {
      // Without the package: "No module named 'dask_gateway'"; with it: the refused connection.
      await assert.rejects(
        system.poll([{ system: "dask", id: "x", name: "x", submission: "x", index: 0 }]),
        /Cannot connect to dask "http:\/\/127\.0\.0\.1:9": .*(dask_gateway|refused|connect)/i,
      );
    } finally {
      await system.close();
    }
  },
});

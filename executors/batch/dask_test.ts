import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { batchConformance } from "./conformance.ts";
import { daskBatchSystem, type DaskGateway, serviceDownReason, serviceEnv } from "./mod.ts";

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
  name: "dask: without the dask_gateway package the gateway path fails clearly",
  async fn() {
    const system = daskBatchSystem({
      gateway: { address: "http://127.0.0.1:9" },
      startTimeoutMs: 20_000,
    });
    try {
      await assert.rejects(
        system.poll([{ system: "dask", id: "x", name: "x", submission: "x", index: 0 }]),
        /Cannot connect to dask "http:\/\/127\.0\.0\.1:9": .*(dask_gateway|refused|connect)/i,
      );
    } finally {
      await system.close();
    }
  },
});

// dask-gateway cannot be installed here: the bridge's gateway path runs against a stand-in of
// the dask_gateway client API (testdata/dask_gateway_standin) that hands out the real local
// scheduler - and, like a real gateway, gives a new cluster no workers until it is scaled.
const STANDIN = fileURLToPath(new URL("./testdata/dask_gateway_standin", import.meta.url));
const standinEnv = (log: string) => ({
  PYTHONPATH: STANDIN,
  RISTRETTO_STANDIN_SCHEDULER: scheduler,
  RISTRETTO_STANDIN_LOG: log,
});
const gatewayCalls = async (log: string) =>
  (await Deno.readTextFile(log)).trim().split("\n").filter(Boolean).map((line) =>
    JSON.parse(line) as Record<string, unknown>
  );

batchConformance(
  "dask via dask-gateway (stand-in)",
  () =>
    daskBatchSystem({
      gateway: { address: "https://gateway.standin:8000", workers: { maximum: 2 } },
      env: standinEnv(""),
    }),
  { skip, denoProbe: false },
);

/** Starts a bridge on the stand-in gateway (any request does) and returns the gateway calls. */
async function standinCalls(gateway: DaskGateway): Promise<Record<string, unknown>[]> {
  const log = await Deno.makeTempFile({ prefix: "ristretto_gateway_standin_" });
  const system = daskBatchSystem({ gateway, env: standinEnv(log), startTimeoutMs: 20_000 });
  try {
    // An unknown job's state (or the refusal of a cluster without workers) does not matter.
    await system.poll([{ system: "dask", id: "none", name: "none", submission: "x", index: 0 }])
      .catch(() => undefined);
  } finally {
    await system.close();
  }
  const calls = await gatewayCalls(log);
  await Deno.remove(log);
  return calls;
}

Deno.test({
  name: "dask-gateway (stand-in): a new cluster is made to adapt, an existing one is joined",
  ignore: skip !== undefined,
  async fn() {
    const address = "https://gateway.standin:8000";
    assert.deepEqual(await standinCalls({ address, workers: { maximum: 2 } }), [
      { call: "Gateway", address },
      { call: "new_cluster" },
      { call: "adapt", cluster: "standin.new", minimum: 1, maximum: 2 },
      { call: "get_client", cluster: "standin.new" },
    ]);
    // Joining a named cluster keeps its owner's scaling: no adapt(), no new cluster.
    assert.deepEqual(await standinCalls({ address, cluster: "analysis.7" }), [
      { call: "Gateway", address },
      { call: "connect", cluster: "analysis.7" },
      { call: "get_client", cluster: "analysis.7" },
    ]);
    // A cluster allowed no workers is refused with the gateway's reason, not left to hang.
    const idle = daskBatchSystem({
      gateway: { address, workers: { minimum: 0, maximum: 0 } },
      env: standinEnv(""), // no call log
      startTimeoutMs: 20_000,
    });
    try {
      await assert.rejects(
        idle.poll([{ system: "dask", id: "x", name: "x", submission: "x", index: 0 }]),
        /Cannot connect to dask "https:\/\/gateway\.standin:8000": .*no workers/,
      );
    } finally {
      await idle.close();
    }
  },
});

import assert from "node:assert/strict";
import { waitForJobs } from "./wait.ts";

Deno.test("waitForJobs: tolerates a few failing polls, then throws; always bounded", async () => {
  let calls = 0;
  const flaky = {
    name: "flaky",
    submit: () => Promise.resolve([]),
    poll: () => {
      calls++;
      return calls < 3
        ? Promise.reject(new Error("controller busy"))
        : Promise.resolve([{ state: "done" as const, exitCode: 0 as const }]);
    },
    cancel: () => Promise.resolve(),
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  const handle = { system: "flaky", id: "1", name: "x", submission: "", index: 0 };
  const states = await waitForJobs(flaky, [handle], { timeoutMs: 5000, intervalMs: 10 });
  assert.deepEqual(states, [{ state: "done", exitCode: 0 }]);
  const stuck = { ...flaky, poll: () => Promise.resolve([{ state: "running" as const }]) };
  await assert.rejects(
    waitForJobs(stuck, [handle], { timeoutMs: 100, intervalMs: 20 }),
    /Cannot wait for "1" and the rest in flaky: 1 of 1 jobs still pending or running/,
  );
  const broken = { ...flaky, poll: () => Promise.reject(new Error("gone")) };
  await assert.rejects(waitForJobs(broken, [handle], { timeoutMs: 5000, intervalMs: 5 }), /gone/);
});

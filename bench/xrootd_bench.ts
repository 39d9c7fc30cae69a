/**
 * Read throughput through root:// (the native XRootD client, loopback) against local disk, on
 * the 24 valid branches of bench/big_zlib1.root: the whole columnar read through the ROOT
 * reader, best of `repeats`, printed as a ratio root:// / local (target >= 0.7). Needs the
 * service of .ci/services/xrootd.sh; skipped when it is not running. The benchmark file is
 * copied into the served data folder for the run and removed afterwards.
 *
 * Run: deno run -A bench/xrootd_bench.ts
 * @module
 */
import { copyFile, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { isJagged } from "@ristretto/core/columns";
import { openLocalFile } from "@ristretto/core/io";
import type { ByteSource } from "@ristretto/core/plugin";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { openRootTrees } from "@ristretto/root";
import { openXRootDFile } from "@ristretto/xrootd";
import { BENCH_BRANCHES } from "./root_read.ts";

const PORT = Number(Deno.env.get("RISTRETTO_XROOTD_PORT") ?? 1094);
const DATA = join(
  Deno.env.get("RISTRETTO_XROOTD_BASE") ?? "/tmp/ristretto-services/xrootd",
  "data",
);

async function _serviceUp(): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port: PORT })).close();
    return (await Deno.stat(DATA)).isDirectory;
  } catch {
    return false;
  }
}

async function _read(open: () => Promise<ByteSource>): Promise<{ ms: number; values: number }> {
  const t0 = performance.now();
  const file = await openRootTrees(await open());
  const columns = await file.read("Events", BENCH_BRANCHES);
  const ms = performance.now() - t0;
  let values = 0;
  for (const c of columns.values()) values += isJagged(c) ? c.content.length : c.length;
  await file.close();
  return { ms, values };
}

/** Runs the benchmark; returns JSON-able figures. */
export async function benchXrootd(repeats = 5): Promise<object[]> {
  const relative = "bench/big_zlib1.root";
  if (!hasSharedData(relative)) return [{ name: "xrootd_read", skipped: "shared data absent" }];
  if (!(await _serviceUp())) {
    return [{
      name: "xrootd_read",
      skipped: `no XRootD service on root://127.0.0.1:${PORT} (.ci/services/xrootd.sh start)`,
    }];
  }
  const path = sharedDataPath(relative);
  const folder = join(DATA, `bench-${Deno.pid}`);
  await mkdir(folder, { recursive: true });
  await Deno.chmod(folder, 0o755);
  const copy = join(folder, "big_zlib1.root");
  try {
    await copyFile(path, copy);
    await Deno.chmod(copy, 0o644);
    const url = `root://127.0.0.1:${PORT}//bench-${Deno.pid}/big_zlib1.root`;
    let local = Infinity, remote = Infinity, values = 0;
    // Interleaved, so drift of a noisy machine hits both sides alike.
    for (let i = 0; i < repeats; i++) {
      const a = await _read(() => openLocalFile(path));
      const b = await _read(() => openXRootDFile(url));
      if (a.values !== b.values) {
        throw new Error(`root:// read ${b.values} values, local ${a.values}`);
      }
      values = a.values;
      local = Math.min(local, a.ms);
      remote = Math.min(remote, b.ms);
    }
    return [{
      name: "xrootd_read",
      file: relative,
      branches: BENCH_BRANCHES.length,
      values,
      local_ms: Math.round(local),
      root_ms: Math.round(remote),
      local_mvalues_per_s: Number((values / local / 1e3).toFixed(1)),
      root_mvalues_per_s: Number((values / remote / 1e3).toFixed(1)),
      ratio_root_over_local: Number((local / remote).toFixed(2)),
      target: 0.7,
    }];
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const figure of await benchXrootd()) {
    console.log(JSON.stringify({ benchmark: "xrootd", ...figure }));
  }
}

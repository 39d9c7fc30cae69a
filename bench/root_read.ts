/**
 * Benchmark of the native ROOT reader on the 24 valid branches of bench/big_zlib1.root
 * (225,000 events, zlib level 1): values per second of a whole columnar read, against the
 * floor of only reading and decompressing the same baskets, in the same run.
 *
 * Run: deno run -A bench/root_read.ts
 * @module
 */
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { openLocalFile } from "@ristretto/core/io";
import { isJagged } from "@ristretto/core/columns";
import { decompressRecord, openRootTrees } from "@ristretto/root";

/** The only valid branches of the benchmark file. */
export const BENCH_BRANCHES = [
  "run",
  "luminosityBlock",
  "event",
  "genWeight",
  "nJet",
  "Jet_pt",
  "Jet_eta",
  "Jet_phi",
  "Jet_mass",
  "Jet_btagDeepFlavB",
  "Jet_jetId",
  "nMuon",
  "Muon_pt",
  "Muon_eta",
  "Muon_phi",
  "Muon_charge",
  "Muon_tightId",
  "nElectron",
  "Electron_pt",
  "Electron_eta",
  "MET_pt",
  "MET_phi",
  "PV_npvs",
  "HLT_IsoMu24",
];

async function _wholeRead(path: string): Promise<{ ms: number; values: number }> {
  const t0 = performance.now();
  const file = await openRootTrees(await openLocalFile(path));
  const columns = await file.read("Events", BENCH_BRANCHES);
  const ms = performance.now() - t0;
  let values = 0;
  for (const c of columns.values()) values += isJagged(c) ? c.content.length : c.length;
  await file.close();
  return { ms, values };
}

/** Only I/O + decompression of the same baskets (opening the file and tree included). */
async function _floor(path: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const source = await openLocalFile(path);
  const file = await openRootTrees(source);
  const tree = file.tree("Events");
  const baskets = BENCH_BRANCHES.flatMap((b) => tree.baskets(b));
  const chunks = await source.readMany(baskets.map((b) => ({ offset: b.seek, length: b.bytes })));
  let bytes = 0;
  for (const chunk of chunks) {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const objlen = view.getInt32(6);
    const keylen = view.getInt16(14);
    const payload = chunk.subarray(keylen);
    const data = payload.length === objlen
      ? payload
      : decompressRecord(payload, objlen, { context: { file: path } });
    bytes += data.length;
  }
  const ms = performance.now() - t0;
  await file.close();
  return { ms, bytes };
}

/** Runs the benchmark; returns JSON-able figures (best of `repeats` runs for each side). */
export async function benchRootRead(repeats = 5): Promise<object[]> {
  const relative = "bench/big_zlib1.root";
  if (!hasSharedData(relative)) return [{ name: "root_read", skipped: "shared data absent" }];
  const path = sharedDataPath(relative);
  let bestRead = Infinity, bestFloor = Infinity, values = 0, bytes = 0, peakRss = 0;
  const rssBefore = Deno.memoryUsage().rss;
  await _wholeRead(path); // warm-up: JIT and page cache
  // The reader's own peak, before the floor runs (RSS rarely shrinks afterwards).
  const rssAfterRead = Deno.memoryUsage().rss;
  for (let i = 0; i < repeats; i++) {
    const floor = await _floor(path);
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    const read = await _wholeRead(path);
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    bestFloor = Math.min(bestFloor, floor.ms);
    bestRead = Math.min(bestRead, read.ms);
    values = read.values;
    bytes = floor.bytes;
  }
  return [{
    name: "root_read big_zlib1.root (24 branches, zlib-1)",
    values,
    uncompressed_bytes: bytes,
    read_ms: Math.round(bestRead * 10) / 10,
    floor_ms: Math.round(bestFloor * 10) / 10,
    values_per_s: Math.round(values / (bestRead / 1000)),
    ratio_to_floor: Math.round((bestRead / bestFloor) * 1000) / 1000,
    rss_before_mb: Math.round(rssBefore / 1048576),
    rss_after_first_read_mb: Math.round(rssAfterRead / 1048576),
    peak_rss_mb: Math.round(peakRss / 1048576),
    repeats,
  }];
}

if (import.meta.main) {
  console.log(JSON.stringify(await benchRootRead(), null, 2));
}

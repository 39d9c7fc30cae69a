import assert from "node:assert/strict";
import { RistrettoError } from "@ristretto/core/errors";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { isJagged } from "@ristretto/core/columns";
import { openRootUrl, RootTree } from "./mod.ts";
import { parseTree } from "./_objects.ts";
import { sha256 } from "./_test_helpers.ts";

const TIMEOUT_MS = 10_000;

/** Reads every readable branch of the first tree; returns one digest of all values. */
async function digestAll(path: string): Promise<string> {
  const file = await openRootUrl(path);
  try {
    const tree = file.trees()[0];
    const columns = await file.read(tree, file.branches(tree).map((b) => b.name));
    const parts: Uint8Array[] = [];
    for (const [name, column] of columns) {
      parts.push(new TextEncoder().encode(name));
      const arrays = isJagged(column) ? [column.offsets, column.content] : [column];
      for (const a of arrays) parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return await sha256(all);
  } finally {
    await file.close();
  }
}

/**
 * Value bytes of baskets stored uncompressed: no checksum covers them (ROOT has none), so a
 * flipped bit there changes a value undetectably in any reader. Flips there are only required
 * not to crash.
 */
async function unprotectedRanges(path: string): Promise<[number, number][]> {
  const file = await openRootUrl(path);
  const bytes = await Deno.readFile(path);
  const view = new DataView(bytes.buffer);
  const ranges: [number, number][] = [];
  try {
    const tree = file.tree(file.trees()[0]);
    for (const branch of tree.allBranches) {
      for (const basket of tree.baskets(branch.name)) {
        if (basket.embedded) continue;
        const objlen = view.getInt32(basket.seek + 6);
        const keylen = view.getInt16(basket.seek + 14);
        if (basket.bytes - keylen === objlen) {
          ranges.push([basket.seek + keylen, basket.seek + basket.bytes]);
        }
      }
    }
  } finally {
    await file.close();
  }
  return ranges;
}

/** The outcome of reading a damaged copy, bounded in time (the timer is always cleared). */
async function outcome(path: string): Promise<string | RistrettoError> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${TIMEOUT_MS} ms: ${path}`)),
      TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([digestAll(path), timeout]);
  } catch (error) {
    if (error instanceof RistrettoError) return error;
    throw error; // a crash (TypeError, RangeError...) or a hang fails the test
  } finally {
    clearTimeout(timer);
  }
}

/** Deterministic offsets: a dense sweep of the start (header, keys) and a spread over the rest. */
function offsets(size: number, count: number, seed: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < 400 && out.size < count / 3; i += 7) out.add(i);
  let x = seed;
  while (out.size < count) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.add(x % size);
  }
  return [...out].sort((a, b) => a - b);
}

const CASES: { file: string; flips: number; mustMatch: boolean }[] = [
  // zlib (adler32), LZ4 (xxhash64) and XZ (CRC) detect damaged data: a flip must give an
  // error or the right values. zstd frames carry no checksum here: only no crash/no hang.
  { file: "nanoaod/uproot-HZZ-zlib.root", flips: 400, mustMatch: true },
  { file: "nanoaod/uproot-HZZ-lz4.root", flips: 60, mustMatch: true },
  { file: "nanoaod/uproot-HZZ-lzma.root", flips: 30, mustMatch: true },
  { file: "nanoaod/scouting_nano.root", flips: 60, mustMatch: true },
  { file: "nanoaod/uproot-HZZ-zstd.root", flips: 30, mustMatch: false },
];

for (const { file, flips, mustMatch } of CASES) {
  Deno.test({
    name: `corruption: ${flips} bit flips in ${file.split("/")[1]} end in an error or ${
      mustMatch ? "the right values" : "no crash"
    }`,
    ignore: !hasSharedData(file),
    async fn() {
      const original = await Deno.readFile(sharedDataPath(file));
      const dir = await Deno.makeTempDir();
      try {
        const pristine = await digestAll(sharedDataPath(file));
        const unprotected = await unprotectedRanges(sharedDataPath(file));
        let errors = 0;
        for (const at of offsets(original.length, flips, 17 + flips)) {
          const copy = original.slice();
          copy[at] ^= 1 << (at % 8);
          const path = `${dir}/flip_${at}.root`;
          await Deno.writeFile(path, copy);
          const result = await outcome(path);
          if (result instanceof RistrettoError) {
            errors++;
            assert.ok(result.message.includes(`flip_${at}.root`), result.message);
          } else if (mustMatch && !unprotected.some(([a, z]) => at >= a && at < z)) {
            assert.equal(result, pristine, `flip at byte ${at} changed the values silently`);
          }
          await Deno.remove(path);
        }
        assert.ok(errors > 0, "no flip was detected at all");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "corruption: copies truncated at 40 offsets all fail with a clear error",
  ignore: !hasSharedData("nanoaod/uproot-HZZ-zlib.root"),
  async fn() {
    const original = await Deno.readFile(sharedDataPath("nanoaod/uproot-HZZ-zlib.root"));
    const dir = await Deno.makeTempDir();
    try {
      for (const size of offsets(original.length, 40, 5)) {
        const path = `${dir}/cut_${size}.root`;
        await Deno.writeFile(path, original.subarray(0, size));
        const result = await outcome(path);
        assert.ok(result instanceof RistrettoError, `truncation at ${size} was not detected`);
        assert.match(result.code, /^ROOT_(TRUNCATED|NOT_ROOT)$/, result.message);
        await Deno.remove(path);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "corruption: 400 damaged TTree records parse to an error or a tree that reads or fails cleanly",
  ignore: !hasSharedData("nanoaod/uproot-HZZ-zlib.root"),
  async fn() {
    const file = await openRootUrl(sharedDataPath("nanoaod/uproot-HZZ-zlib.root"));
    try {
      const key = file.file.cycles("events")[0];
      const context = { file: file.url, tree: "events" };
      const record = await file.file.readRecord(key, context);
      let parsed = 0;
      for (const at of offsets(record.data.length, 400, 99)) {
        const data = record.data.slice();
        // Flip a whole byte: more often hits counts, versions and tags than a single bit.
        data[at] ^= 0xff;
        try {
          const tree = new RootTree(
            file.file,
            parseTree(data, { origin: record.origin, name: "events", context }),
          );
          parsed++;
          const names = tree.branches().map((b) => b.name);
          await tree.read(names, { start: 0, stop: Math.min(tree.entries, 2421) });
        } catch (error) {
          if (!(error instanceof RistrettoError)) {
            throw new Error(`byte ${at}: ${(error as Error).stack}`);
          }
        }
      }
      assert.ok(parsed > 0);
    } finally {
      await file.close();
    }
  },
});

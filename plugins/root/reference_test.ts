import assert from "node:assert/strict";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { isJagged } from "@ristretto/core/columns";
import { openRootUrl } from "./mod.ts";
import { columnStats, refNumber } from "./_test_helpers.ts";

interface RefBranch {
  dtype: string;
  jagged: boolean;
  counter: string | null;
  entries: number;
  values: number;
  sum: number | string;
  sum_nonnan?: number;
  min?: unknown;
  max?: unknown;
  nan_count?: number;
  sha256: string;
}

interface RefFile {
  tree: string;
  entries: number;
  restricted_to?: string;
  branches: Record<string, RefBranch>;
}

const FILES = [
  "nanoaod/nano_dy.root",
  "nanoaod/nano_dimuon.root",
  "nanoaod/NanoAODv5_sample.root",
  "nanoaod/scouting_nano.root",
  "nanoaod/uproot-HZZ-zlib.root",
  "nanoaod/uproot-HZZ-lzma.root",
  "nanoaod/uproot-HZZ-lz4.root",
  "nanoaod/uproot-HZZ-zstd.root",
  "bench/big_zlib1.root",
];

const DTYPES: Record<string, string> = {
  "|b1": "bool",
  bool: "bool",
  "|i1": "int8",
  int8: "int8",
  "|u1": "uint8",
  uint8: "uint8",
  ">i2": "int16",
  ">u2": "uint16",
  ">i4": "int32",
  ">u4": "uint32",
  ">i8": "int64",
  ">u8": "uint64",
  ">f4": "float32",
  ">f8": "float64",
};

for (const relative of FILES) {
  const name = relative.split("/")[1];
  const refPath = `reference/branches/${name}.json`;
  Deno.test({
    name: `reference: every numeric branch of ${name} matches uproot`,
    ignore: !hasSharedData(relative) || !hasSharedData(refPath),
    async fn() {
      const ref: RefFile = JSON.parse(await Deno.readTextFile(sharedDataPath(refPath)));
      const file = await openRootUrl(sharedDataPath(relative));
      try {
        assert.equal(file.entries(ref.tree), ref.entries);
        const names = Object.keys(ref.branches);
        const info = new Map(file.branches(ref.tree).map((b) => [b.name, b]));
        const columns = await file.read(ref.tree, names);
        const problems: string[] = [];
        for (const branch of names) {
          const r = ref.branches[branch];
          const column = columns.get(branch)!;
          const b = info.get(branch);
          if (!b) {
            problems.push(`${branch}: not listed`);
            continue;
          }
          if (DTYPES[r.dtype] !== b.type) problems.push(`${branch}: type ${b.type} vs ${r.dtype}`);
          if ((r.counter ?? undefined) !== b.counter) {
            problems.push(`${branch}: counter ${b.counter}`);
          }
          if (r.jagged !== isJagged(column)) problems.push(`${branch}: jagged ${isJagged(column)}`);
          const s = await columnStats(column);
          if (s.values !== r.values) problems.push(`${branch}: ${s.values} values vs ${r.values}`);
          if (s.sha256 !== r.sha256) problems.push(`${branch}: sha256 differs`);
          if (r.sum === "nan") {
            if (s.sum_nonnan !== r.sum_nonnan) {
              problems.push(`${branch}: sum_nonnan ${s.sum_nonnan}`);
            }
            if (s.nan_count !== r.nan_count) problems.push(`${branch}: nan_count ${s.nan_count}`);
          } else if (s.sum !== refNumber(r.sum)) {
            problems.push(`${branch}: sum ${s.sum} vs ${r.sum}`);
          }
          if (r.min === null) {
            // Every value is NaN: there is no minimum or maximum.
            if (s.nan_count !== r.values) problems.push(`${branch}: expected only NaN`);
          } else if (r.values > 0 && r.min !== undefined) {
            if (s.min !== refNumber(r.min)) problems.push(`${branch}: min ${s.min} vs ${r.min}`);
            if (s.max !== refNumber(r.max)) problems.push(`${branch}: max ${s.max} vs ${r.max}`);
          }
        }
        assert.deepEqual(problems.slice(0, 20), [], `${problems.length} mismatches`);
      } finally {
        await file.close();
      }
    },
  });
}

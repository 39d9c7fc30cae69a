import { deepEqual, equal, rejects } from "node:assert/strict";
import { writeFileAtomic, writeFileAtomicSync } from "./atomic_write.ts";

// Both forms must behave the same: one check, run against each.
const writers = {
  writeFileAtomic,
  writeFileAtomicSync: (path: string, data: string | Uint8Array) =>
    Promise.resolve().then(() => writeFileAtomicSync(path, data)),
};

for (const [name, write] of Object.entries(writers)) {
  Deno.test(`${name}: creates folders, replaces whole content, leaves no temporary file`, async () => {
    const folder = await Deno.makeTempDir({ prefix: "ristretto_atomic_test_" });
    try {
      const path = `${folder}/a/b/out.json`;
      await write(path, "first version, longer than the second\n");
      await write(path, "second\n");
      equal(await Deno.readTextFile(path), "second\n");
      await write(path, Uint8Array.of(1, 2, 3));
      deepEqual(await Deno.readFile(path), Uint8Array.of(1, 2, 3));
      deepEqual([...Deno.readDirSync(`${folder}/a/b`)].map((entry) => entry.name), ["out.json"]);
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  });

  Deno.test(`${name}: a failed rename removes its temporary file`, async () => {
    const folder = await Deno.makeTempDir({ prefix: "ristretto_atomic_test_" });
    try {
      // A non-empty folder where the file should go: the write succeeds, the rename fails.
      await Deno.mkdir(`${folder}/out/inside`, { recursive: true });
      await rejects(write(`${folder}/out`, "data"));
      deepEqual([...Deno.readDirSync(folder)].map((entry) => entry.name), ["out"]);
      deepEqual([...Deno.readDirSync(`${folder}/out`)].map((entry) => entry.name), ["inside"]);
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  });
}

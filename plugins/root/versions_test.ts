import assert from "node:assert/strict";
import { RistrettoError } from "@ristretto/core/errors";
import { hasSharedData, sharedDataPath } from "@ristretto/core/testing";
import { openRootUrl, RootTree, type RootTreeFile } from "./mod.ts";
import { parseTree } from "./_objects.ts";

const HZZ = "nanoaod/uproot-HZZ-zlib.root";

async function treeRecord(file: RootTreeFile) {
  const key = file.file.cycles("events")[0];
  return await file.file.readRecord(key, { file: file.url, tree: "events" });
}

function indexOf(data: Uint8Array, text: string): number {
  const needle = new TextEncoder().encode(text);
  outer: for (let i = 0; i + needle.length <= data.length; i++) {
    for (let k = 0; k < needle.length; k++) if (data[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

Deno.test({
  name: "versions: an unknown TTree or TBranch class version is a clear ROOT_UNSUPPORTED_VERSION",
  ignore: !hasSharedData(HZZ),
  async fn() {
    const file = await openRootUrl(sharedDataPath(HZZ));
    try {
      const record = await treeRecord(file);
      const context = { file: file.url, tree: "events" };
      const options = { origin: record.origin, name: "events", context };
      assert.equal(parseTree(record.data, options).version, 19);
      const tree = record.data.slice();
      new DataView(tree.buffer).setUint16(4, 15); // the TTree's own version, after its byte count
      assert.throws(
        () => parseTree(tree, options),
        (e: unknown) =>
          e instanceof RistrettoError && e.code === "ROOT_UNSUPPORTED_VERSION" &&
          e.message.includes("TTree class version 15"),
      );
      // The first TBranch: its class name, NUL, then byte count and version.
      const at = indexOf(record.data, "TBranch\0") + "TBranch\0".length;
      const branch = record.data.slice();
      new DataView(branch.buffer).setUint16(at + 4, 99);
      assert.throws(
        () => parseTree(branch, options),
        (e: unknown) =>
          e instanceof RistrettoError && e.code === "ROOT_UNSUPPORTED_VERSION" &&
          e.message.includes("TBranch class version 99"),
      );
    } finally {
      await file.close();
    }
  },
});

Deno.test({
  name:
    "versions: an unknown leaf class is listed as unsupported and reading it is ROOT_UNSUPPORTED_TYPE",
  ignore: !hasSharedData(HZZ),
  async fn() {
    const file = await openRootUrl(sharedDataPath(HZZ));
    try {
      const record = await treeRecord(file);
      const data = record.data.slice();
      // Rename the first "TLeafF" class: every float branch then has an unknown leaf class.
      const at = indexOf(data, "TLeafF\0");
      data[at + 5] = "X".charCodeAt(0);
      const tree = new RootTree(
        file.file,
        parseTree(data, { origin: record.origin, name: "events", context: { file: file.url } }),
      );
      const readable = tree.branches().map((b) => b.name);
      assert.ok(readable.includes("NJet"));
      assert.ok(!readable.includes("Jet_Px"));
      assert.match(tree.branch("Jet_Px").unsupported ?? "", /TLeafX/);
      await assert.rejects(
        tree.read(["Jet_Px"]),
        (e: unknown) =>
          e instanceof RistrettoError && e.code === "ROOT_UNSUPPORTED_TYPE" &&
          e.message.includes("Jet_Px") &&
          e.message.includes("uproot-HZZ-zlib.root"),
      );
      assert.equal((await tree.read(["NJet"])).size, 1);
    } finally {
      await file.close();
    }
  },
});
